#!/bin/bash
# One run of the API reconciler (docs/artifacts.md § API reconciler). WSO2 3.1.0 drops a gateway
# environment that failed at publish time from the API and never retries, and ignores a failed
# removal (carbon-apimgt 6.6.163, commit 08ea54ec: APIProviderImpl.updateAPI, changeAPIStatus,
# deleteAPI; APIGatewayManager.publishToGateway, removeFromGateway). This run compares what the
# design-time active DC's Publisher says is served with what each DC's gateways hold, and repairs:
#   - an API missing from a DC, or held there while the DC's environment is not in the API's list
#     (a stale copy: 3.1.0 drops every environment whose deployment failed), is published again
#     through the Publisher REST API v1 (PUT /apis/{id}, the environment added to its list: 3.1.0
#     then deploys the API to every environment of the list);
#   - an API the Publisher retired or demoted, or no longer lists, is removed from that DC's
#     gateways through the gateway's RestApiAdmin admin service (deleteApi), over the peering.
# Unreachable or incomplete data is never read as "no APIs": a DC whose gateways (or a Publisher
# that) cannot be read completely is unknown, nothing is removed on its account, and its metric
# says so. An API the Publisher does not list is removed from a DC only when the active DC's own
# gateways (where every deletion happens first) do not hold it either.
# A lifecycle change is not atomic: APIExecutor.changeLifeCycle deploys to (or removes from) the
# gateways first and saves the new status after, so a run in between sees a just-published API as
# CREATED but held, or a retiring one as PUBLISHED but gone. So a repair is made only when two
# consecutive runs found the same one (kept in $STATE_DIR/pending-repairs), and the API is read
# again (GET /apis/{id}) just before each removal or PUT.
# It runs on node 1 of the design-time active DC only, from wso2-api-reconciler.timer.
# Parameters: /etc/wso2-apim/api-reconciler.env.
set -Eeuo pipefail

RECONCILER_ENV=${RECONCILER_ENV:-/etc/wso2-apim/api-reconciler.env}
# shellcheck source=/dev/null
source "$RECONCILER_ENV"

log() { printf '%s wso2-api-reconciler: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }

# "<active DC id> <its region> <s3 prefix>", the artifact sync's parameter: it names the
# design-time active DC, and a promotion changes it without restarting anything.
read -r active_dc _ < <(aws ssm get-parameter --region "$AWS_REGION" --name "$SOURCE_PARAMETER" --query Parameter.Value --output text) || true
[[ -n "${active_dc:-}" ]] || { log "cannot read $SOURCE_PARAMETER: which DC is design-time active is unknown"; exit 1; }
if [[ "$active_dc" != "$DATACENTER" ]]; then
    log "$DATACENTER is not the design-time active DC ($active_dc runs the reconciler)"
    exit 0
fi
# Node 1 of the DC (the one that applies schemas) is the only one that runs it.
# shellcheck source=/dev/null
node_one=$(source "$NODE_ROLE_ENV" && printf '%s' "$SCHEMA_APPLIER")
if [[ "$node_one" != true ]]; then
    log "node 1 of $DATACENTER runs the reconciler, not this node"
    exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Every peer serves the deployment certificate: its public key is pinned. Chain and host name are
# not checked (--insecure), as WSO2's own admin clients do not check the host name
# (wso2server.sh -Dhttpclient.hostnameVerifier=AllowAll): the pin alone decides.
pin=$(openssl x509 -in "$CERTIFICATE" -noout -pubkey | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64)
curl_options=(--silent --show-error --insecure --pinnedpubkey "sha256//$pin")

password=$(aws secretsmanager get-secret-value --region "$AWS_REGION" --secret-id "$ADMIN_SECRET_ID" --query SecretString --output text)

# $1 method, $2 URL, $3 time limit in seconds, $4 file for the body, then curl arguments. Prints the
# HTTP status; fails when there is none (unreachable, timed out, or a certificate that is not the pin).
http() {
    local method=$1 url=$2 limit=$3 body=$4
    shift 4
    curl "${curl_options[@]}" --connect-timeout "$CONNECT_TIMEOUT_SECONDS" --max-time "$limit" --request "$method" --output "$body" --write-out '%{http_code}' "$@" "$url"
}

# Credentials travel in headers read from a pipe, never on a command line.
basic_header() { printf 'Authorization: Basic %s\n' "$(printf '%s:%s' "$1" "$2" | base64 -w0)"; }
bearer_header() { printf 'Authorization: Bearer %s\n' "$token"; }

# --- back-off: a DC (or the Publisher) that failed is tried again after BACKOFF_BASE_SECONDS,
# doubling with each failed run in a row up to BACKOFF_MAX_SECONDS; a run without a failure there
# starts it afresh.
declare -A failed_this_run=()
backing_off() {
    local file="$STATE_DIR/backoff-$1" failures next
    [[ -e "$file" ]] || return 1
    read -r failures next <"$file"
    if (($(date +%s) < next)); then
        log "$1: backing off after $failures failed run(s) in a row, until $(date -u -d "@$next" +%H:%M:%SZ)"
        return 0
    fi
    return 1
}
failed() {
    local file="$STATE_DIR/backoff-$1" failures=0 delay
    [[ ! -e "$file" ]] || read -r failures _ <"$file"
    failures=$((failures + 1))
    delay=$((BACKOFF_BASE_SECONDS * (1 << (failures > 10 ? 10 : failures - 1))))
    ((delay <= BACKOFF_MAX_SECONDS)) || delay=$BACKOFF_MAX_SECONDS
    printf '%s %s\n' "$failures" "$(($(date +%s) + delay))" >"$file"
    failed_this_run[$1]=1
    log "$1: $failures failed run(s) in a row; next attempt in ${delay}s"
}
succeeded() { rm -f "$STATE_DIR/backoff-$1"; }

# --- the Publisher (REST API v1 of this node). Basic authentication reaches it too, but 3.1.0's
# PUT /apis/{apiId} then fails: it casts the scopes BasicAuthenticationInterceptor stores (Object[])
# to String[] (ApisApiServiceImpl.apisApiIdPut). So an OAuth token: the client registration
# (/client-registration/v0.16/register returns the existing client of the same name) and the
# password grant with the scopes of the calls made.
publisher_token() {
    local status client_id client_secret
    status=$(http POST "$PUBLISHER_URL/client-registration/v0.16/register" "$READ_TIMEOUT_SECONDS" "$work/client.json" \
        -H @<(basic_header "$ADMIN_USER" "$password") -H 'Content-Type: application/json' \
        --data-binary @<(jq -n --arg name "$CLIENT_NAME" --arg owner "$ADMIN_USER" \
            '{clientName: $name, owner: $owner, grantType: "password refresh_token", saasApp: true}')) || return 1
    [[ "$status" == 200 ]] || { log "the Publisher's client registration answered HTTP $status"; return 1; }
    if ! client_id=$(jq -er .clientId "$work/client.json") || ! client_secret=$(jq -er .clientSecret "$work/client.json"); then
        log "the Publisher's client registration returned no client"
        return 1
    fi
    status=$(printf '%s' "$password" | http POST "$PUBLISHER_URL/oauth2/token" "$READ_TIMEOUT_SECONDS" "$work/token.json" \
        -H @<(basic_header "$client_id" "$client_secret") --data-urlencode grant_type=password \
        --data-urlencode "username=$ADMIN_USER" --data-urlencode "password@-" --data-urlencode "scope=$PUBLISHER_SCOPES") || return 1
    [[ "$status" == 200 ]] || { log "the token endpoint answered HTTP $status"; return 1; }
    token=$(jq -er .access_token "$work/token.json") || { log "the token endpoint returned no access token"; return 1; }
}

# $1 collection (apis, api-products), $2 extra query, $3 output: every item in one JSON array. Fails
# unless the pages add up to the total the Publisher reports.
publisher_list() {
    local offset=0 total count status
    printf '[]\n' >"$3"
    while :; do
        status=$(http GET "$PUBLISHER_URL/api/am/publisher/v1/$1?limit=$PAGE_SIZE&offset=$offset$2" "$READ_TIMEOUT_SECONDS" "$work/page.json" \
            -H @<(bearer_header)) || return 1
        [[ "$status" == 200 ]] || { log "GET /$1 answered HTTP $status"; return 1; }
        jq -e '(.list | type) == "array" and (.pagination.total | type) == "number"' "$work/page.json" >/dev/null ||
            { log "GET /$1 returned no list"; return 1; }
        total=$(jq .pagination.total "$work/page.json")
        count=$(jq '.list | length' "$work/page.json")
        jq -s '.[0] + .[1].list' "$3" "$work/page.json" >"$work/list.json" && mv "$work/list.json" "$3"
        offset=$((offset + count))
        ((count > 0 && offset < total)) || break
    done
    count=$(jq length "$3")
    ((count == total)) || { log "GET /$1 listed $count items of the $total it counts"; return 1; }
}

# --- a DC's gateways: RestApiAdmin (carbon-mediation 4.7.35), the service APIGatewayAdmin itself
# deploys through; a hidden admin service on the DC's admin services name, Basic authentication
# (carbon-kernel 4.6.0 BasicAccessAuthenticator). $1 services URL, $2 operation, $3 output, $4 body
# element. The one value sent (an API name) is XML-escaped by jq's @html.
soap() {
    http POST "${1}RestApiAdmin" "$READ_TIMEOUT_SECONDS" "$3" -H @<(basic_header "$ADMIN_USER" "$password") \
        -H 'Content-Type: text/xml; charset=UTF-8' -H "SOAPAction: \"urn:$2\"" \
        --data-binary @<(printf '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://org.apache.axis2/xsd"><soapenv:Body>%s</soapenv:Body></soapenv:Envelope>' "$4")
}

# $1 services URL, $2 output: the names of the APIs its Synapse configuration holds, one a line.
gateway_names() {
    local status count i response='//*[local-name()="getApiNamesResponse"]'
    status=$(soap "$1" getApiNames "$work/names.xml" '<xsd:getApiNames/>') || return 1
    [[ "$status" == 200 ]] || { log "getApiNames at $1 answered HTTP $status"; return 1; }
    [[ "$(xmllint --xpath "boolean($response)" "$work/names.xml" 2>/dev/null)" == true ]] || { log "getApiNames at $1 returned no answer"; return 1; }
    count=$(xmllint --xpath "count($response/*[local-name()=\"return\"])" "$work/names.xml")
    for ((i = 1; i <= count; i++)); do
        xmllint --xpath "string(($response/*[local-name()=\"return\"])[$i])" "$work/names.xml"
        printf '\n'
    done | sed '/^$/d' >"$2"
}

# $1 services URL, $2 API name.
delete_from_gateway() {
    local status
    status=$(soap "$1" deleteApi "$work/deleted.xml" "<xsd:deleteApi><xsd:apiName>$(jq -rn --arg name "$2" '$name | @html')</xsd:apiName></xsd:deleteApi>") || return 1
    [[ "$status" == 200 && "$(xmllint --xpath 'string(//*[local-name()="return"])' "$work/deleted.xml" 2>/dev/null)" == true ]]
}

# The lifecycle states 3.1.0 deploys (APIProviderImpl.changeAPIStatus); the jq PLAN below has the same list.
served_state() { [[ "$1" =~ ^(PUBLISHED|DEPRECATED|BLOCKED|PROTOTYPED)$ ]]; }

# $1 API id: succeeds when the Publisher, read now, no longer serves it (another state, or deleted:
# 404); fails when it serves it again (a lifecycle change finished since the listing) or cannot say.
still_withdrawn() {
    local status state
    status=$(http GET "$PUBLISHER_URL/api/am/publisher/v1/apis/$1" "$READ_TIMEOUT_SECONDS" "$work/recheck.json" -H @<(bearer_header)) ||
        { log "GET /apis/$1 failed: not removed"; return 1; }
    [[ "$status" == 404 ]] && return 0
    [[ "$status" == 200 ]] || { log "GET /apis/$1 answered HTTP $status: not removed"; return 1; }
    state=$(jq -r '.lifeCycleStatus // empty' "$work/recheck.json")
    if served_state "$state"; then
        log "API $1 is now $state: not removed"
        return 1
    fi
}

# $1 API id, $2 JSON array of environments to add: GET the API and PUT it back with them, as the
# Publisher's own "Save" does (a blank endpoint password keeps the stored one:
# APIProviderImpl.updateEndpointSecurity). The list only grows: 3.1.0 undeploys an API from every
# environment a PUT leaves out. Returns 2, without a PUT, when the API read now is no longer served
# (a retirement finished since the listing).
republish() {
    local status state
    status=$(http GET "$PUBLISHER_URL/api/am/publisher/v1/apis/$1" "$READ_TIMEOUT_SECONDS" "$work/api.json" -H @<(bearer_header)) || return 1
    [[ "$status" == 200 ]] || { log "GET /apis/$1 answered HTTP $status"; return 1; }
    state=$(jq -r '.lifeCycleStatus // empty' "$work/api.json")
    if ! served_state "$state"; then
        log "API $1 is now ${state:-without a state}: not published again"
        return 2
    fi
    jq --argjson add "$2" '.gatewayEnvironments = ((.gatewayEnvironments // []) + $add | unique)' "$work/api.json" >"$work/put.json"
    status=$(http PUT "$PUBLISHER_URL/api/am/publisher/v1/apis/$1" "$DEPLOY_TIMEOUT_SECONDS" "$work/put-answer.json" \
        -H @<(bearer_header) -H 'Content-Type: application/json' --data-binary "@$work/put.json") || return 1
    [[ "$status" == 200 ]] || { log "PUT /apis/$1 answered HTTP $status: $(jq -r '.description // .message // empty' "$work/put-answer.json" 2>/dev/null)"; return 1; }
}

# --- what each DC should hold, from the Publisher's lists and the DCs' names (null: unknown).
# Served: the states 3.1.0 deploys (APIProviderImpl.changeAPIStatus: PUBLISHED, DEPRECATED,
# BLOCKED, PROTOTYPED); RETIRED and CREATED are removed. Synapse names: provider--name:vVERSION and,
# for the default version, provider--name (GatewayUtils.getQualifiedApiName and
# getQualifiedDefaultApiName; an e-mail provider's @ is -AT-). WebSocket APIs are not Synapse APIs
# (APIGatewayManager.deployWebsocketAPI) and are left out; API products are kept, never removed
# (their DTO has no version: every product is 1.0.0, APIConstants.API_PRODUCT_VERSION).
# Names without "--" are the pack's own (_TokenAPI_ …).
# The versionless route provider--name is kept ($keptNames) while any version of that provider and
# name is served, whichever version's DTO says isDefaultVersion: a new version copied with "make
# this the default version" (POST /apis/copy-api?defaultVersion=true, ApisApiServiceImpl
# .apisCopyApiPost L3722-3732) takes isDefaultVersion from the published one at once
# (APIProviderImpl.createNewAPIVersion L2829-2839: updateDefaultAPIInRegistry(old, false)), but the
# gateways go on serving the old version's versionless route until the new one is published
# (ApiMgtDAO.updateDefaultAPIPublishedVersion L5624-5640). The DTO does not say which version the
# gateways serve it for, so it is never removed on the Publisher's word while one is served.
read -r -d '' PLAN <<'JQ' || true
def synapse_provider: .provider | gsub("@"; "-AT-");
def qualified: "\(synapse_provider)--\(.name):v\(.version)";
def unversioned: "\(synapse_provider)--\(.name)";
def names: [qualified] + (if .isDefaultVersion then [unversioned] else [] end);
def served: .lifeCycleStatus as $state | ["PUBLISHED", "DEPRECATED", "BLOCKED", "PROTOTYPED"] | any(. == $state);
def holds($list): . as $name | $list | any(. == $name);
(.apis | map(select(.type != "WS"))) as $apis
| ($apis | map(select(served))) as $served
| ([$served[] | names[]] | unique) as $servedNames
| ($servedNames + [$served[] | unversioned] | unique) as $keptNames
| ([$apis[] | select(served | not) | . as $api | names[] | {name: ., id: $api.id}] | map(select(.name | holds($keptNames) | not))) as $withdrawnIds
| ($withdrawnIds | map(.name) | unique) as $withdrawn
| [.products[] | "\(synapse_provider)--\(.name):v1.0.0"] as $products
| .active as $active
| .dcs[$active].names as $activeNames
| .dcs | to_entries | map(.key as $dc | .value.environment as $environment | .value.names as $held
    | if $held == null then {dc: $dc, known: false}
      else
        [$served[] | select(names | all(holds($held))) | select((.gatewayEnvironments // []) | any(. == $environment) | not)
            | {id, name: qualified, why: "stale: held, but not in the API's environments"}] as $stale
        | [$served[] | select(names | all(holds($held)) | not) | {id, name: qualified, why: "missing"}] as $missing
        | [$held[] | select(test("--")) | select(holds($keptNames) | not) | select(holds($products) | not)] as $extra
        | [$extra[] | select(holds($withdrawn)) | . as $name | {name: $name, id: ([$withdrawnIds[] | select(.name == $name) | .id][0])}] as $retired
        | [$extra[] | select(holds($withdrawn) | not)] as $unlisted
        | [$unlisted[] | select($dc != $active and $activeNames != null and (holds($activeNames) | not)) | {name: ., id: null}] as $deleted
        | {dc: $dc, known: true, environment: $environment,
           republish: ($missing + $stale), remove: ($retired + $deleted), held: ($unlisted - ($deleted | map(.name))),
           outOfStep: (($missing + $stale | length) + ($extra | length))}
      end)
JQ

publish_metrics() { # $1 DC, $2 its region, $3 APIs out of step or "unknown"
    if [[ "$3" == unknown ]]; then
        aws cloudwatch put-metric-data --region "$2" --namespace "$METRIC_NAMESPACE" --metric-name "$UNKNOWN_METRIC" \
            --unit Count --value 1 --dimensions "Datacenter=$1"
    else
        aws cloudwatch put-metric-data --region "$2" --namespace "$METRIC_NAMESPACE" --metric-name "$UNKNOWN_METRIC" \
            --unit Count --value 0 --dimensions "Datacenter=$1"
        aws cloudwatch put-metric-data --region "$2" --namespace "$METRIC_NAMESPACE" --metric-name "$OUT_OF_STEP_METRIC" \
            --unit Count --value "$3" --dimensions "Datacenter=$1"
    fi
}

mkdir -p "$STATE_DIR"
publisher_known=false
if ! backing_off publisher; then
    if publisher_token && publisher_list apis "&expand=true" "$work/apis.json" && publisher_list api-products "" "$work/products.json"; then
        publisher_known=true
        succeeded publisher
    else
        log "the Publisher at $PUBLISHER_URL could not be read completely: every DC's state is unknown; nothing is changed"
        failed publisher
    fi
fi

# "<id>|<region>|<environment>|<admin services URL>" a line.
dcs='{}'
while IFS='|' read -r dc region environment services; do
    [[ -n "$dc" ]] || continue
    names=null
    if [[ "$publisher_known" == true ]] && ! backing_off "$dc"; then
        if gateway_names "$services" "$work/names-$dc"; then
            names=$(jq -Rn '[inputs]' "$work/names-$dc")
        else
            log "$dc's gateways ($services) could not be read: its state is unknown; nothing is changed there"
            failed "$dc"
        fi
    fi
    dcs=$(jq --arg dc "$dc" --arg region "$region" --arg environment "$environment" --arg services "$services" --argjson names "$names" \
        '.[$dc] = {region: $region, environment: $environment, services: $services, names: $names}' <<<"$dcs")
done <<<"$DATACENTERS"

if [[ "$publisher_known" == true ]]; then
    jq -n --slurpfile apis "$work/apis.json" --slurpfile products "$work/products.json" --argjson dcs "$dcs" --arg active "$DATACENTER" \
        '{apis: $apis[0], products: $products[0], dcs: $dcs, active: $active}' | jq "$PLAN" >"$work/plan.json"
else
    jq -n --argjson dcs "$dcs" '$dcs | keys | map({dc: ., known: false})' >"$work/plan.json"
fi

# Counted before any repair: what this run found.
while read -r dc known out; do
    region=$(jq -r --arg dc "$dc" '.[$dc].region' <<<"$dcs")
    if [[ "$known" == true ]]; then
        publish_metrics "$dc" "$region" "$out"
        log "$dc: $out API(s) out of step"
    else
        publish_metrics "$dc" "$region" unknown
    fi
done < <(jq -r '.[] | "\(.dc) \(.known) \(.outOfStep // 0)"' "$work/plan.json")

jq -r '.[] | select(.known) | .dc as $dc | (.republish[] | "\($dc): \(.name) \(.why)"), (.held[] | "\($dc): \(.) is held but the Publisher does not list it, and the active DC holds it too: not removed (remove it by hand if it was deleted)")' \
    "$work/plan.json" | while IFS= read -r line; do log "$line"; done

# Two runs must agree: this run's repairs, one a line, against the previous run's. Only those found
# both times are made now; the rest are recorded for the next run (a run that could not read a DC
# records nothing there, so after an outage the second run that reads it repairs).
jq -r '.[] | select(.known) | .dc as $dc | (.remove[] | "remove \($dc) \(.name)"), (.republish[] | "republish \($dc) \(.id)")' \
    "$work/plan.json" | sort -u >"$work/pending"
touch "$STATE_DIR/pending-repairs"
comm -12 "$work/pending" <(sort -u "$STATE_DIR/pending-repairs") >"$work/agreed"
comm -23 "$work/pending" "$work/agreed" | while IFS= read -r line; do
    log "first seen this run, repaired only if the next run finds it too (a lifecycle change may be under way): $line"
done
cp "$work/pending" "$STATE_DIR/pending-repairs.new" && mv "$STATE_DIR/pending-repairs.new" "$STATE_DIR/pending-repairs"
jq --rawfile agreed "$work/agreed" '($agreed | split("\n")) as $keys
    | map(if .known then .dc as $dc
        | .remove |= map(select(("remove \($dc) \(.name)") as $k | any($keys[]; . == $k)))
        | .republish |= map(select(("republish \($dc) \(.id)") as $k | any($keys[]; . == $k)))
      else . end)' "$work/plan.json" >"$work/agreed-plan.json"
mv "$work/agreed-plan.json" "$work/plan.json"

# Repairs. Removals first, each DC on its own; an API the Publisher still lists is read again first.
while IFS='|' read -r dc services name id; do
    if [[ -n "$id" ]] && ! still_withdrawn "$id"; then
        continue
    fi
    if delete_from_gateway "$services" "$name"; then
        log "$dc: removed $name (retired, demoted or deleted in the Publisher)"
    else
        log "$dc: could not remove $name"
        failed "$dc"
    fi
done < <(jq -r --argjson dcs "$dcs" '.[] | select(.known) | .dc as $dc | .remove[] | "\($dc)|\($dcs[$dc].services)|\(.name)|\(.id // "")"' "$work/plan.json")

# Then one PUT per API, adding every environment it lacks in a reachable DC, at most
# MAX_REPUBLISH_PER_RUN a run (each one redeploys the API in every DC of its list).
republished=0
while IFS='|' read -r id name environments dcs_of_api; do
    if ((republished >= MAX_REPUBLISH_PER_RUN)); then
        log "$MAX_REPUBLISH_PER_RUN APIs published again this run; the rest next run"
        break
    fi
    republished=$((republished + 1))
    result=0
    republish "$id" "$environments" || result=$?
    if ((result == 0)); then
        log "published $name again to $(jq -r 'join(", ")' <<<"$environments")"
    elif ((result != 2)); then
        log "could not publish $name again to $(jq -r 'join(", ")' <<<"$environments")"
        for dc in $dcs_of_api; do failed "$dc"; done
    fi
done < <(jq -r '[.[] | select(.known) | .dc as $dc | .environment as $environment | .republish[] | {id, name, dc: $dc, environment: $environment}]
    | group_by(.id)[] | "\(.[0].id)|\(.[0].name)|\(map(.environment) | tojson)|\(map(.dc) | join(" "))"' "$work/plan.json")

while read -r dc; do
    [[ -n "${failed_this_run[$dc]:-}" ]] || succeeded "$dc"
done < <(jq -r '.[] | select(.known) | .dc' "$work/plan.json")
