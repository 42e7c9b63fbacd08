#!/bin/bash
# One run of the one-way runtime-artifact sync (docs/artifacts.md): the design-time active DC's
# nodes push their executionplans to S3, every other DC's nodes pull them into their own EFS copy.
# The timer wso2-artifact-sync.timer runs it every minute. Parameters: /etc/wso2-apim/artifact-sync.env.
set -Eeuo pipefail
# A failure inside a command substitution fails the substitution (bash 4.4; without it errexit is
# off in there, bash(1) "Command Execution Environment").
shopt -s inherit_errexit

SYNC_ENV=${SYNC_ENV:-/etc/wso2-apim/artifact-sync.env}
# shellcheck source=/dev/null
source "$SYNC_ENV"

log() { printf '%s wso2-artifact-sync: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }

# "<active DC id> <its region> <s3 prefix>", written by every stack from designTimeActive: changing
# it flips the direction without restarting any node. The S3 calls name the bucket's region: the
# CLI has none configured on the node, and the bucket is in the active DC's region. Its
# LastModifiedDate (SSM GetParameter, Parameter.LastModifiedDate: ISO 8601 from CLI v2, epoch
# seconds from v1) is when this DC last learnt of a promotion.
read -r SOURCE_CHANGED ACTIVE_DC SOURCE_REGION SOURCE_URI < <(aws ssm get-parameter --region "$AWS_REGION" --name "$SOURCE_PARAMETER" \
    --query '[Parameter.LastModifiedDate, Parameter.Value]' --output text)
[[ -n "${ACTIVE_DC:-}" && -n "${SOURCE_REGION:-}" && "${SOURCE_URI:-}" == s3://* ]] || { log "parameter $SOURCE_PARAMETER holds no source"; exit 1; }
if [[ "${SOURCE_CHANGED:-}" =~ ^[0-9]+(\.[0-9]+)?$ ]]; then
    source_changed_at=${SOURCE_CHANGED%.*}
else
    source_changed_at=$(date -d "${SOURCE_CHANGED:-}" +%s) || { log "parameter $SOURCE_PARAMETER has no readable LastModifiedDate ($SOURCE_CHANGED)"; exit 1; }
fi

publish_lag() {
    aws cloudwatch put-metric-data --region "$AWS_REGION" --namespace "$METRIC_NAMESPACE" \
        --metric-name "$METRIC_NAME" --unit Seconds --value "$1" --dimensions "Datacenter=$DATACENTER"
}

# The plans a set holds, one file name a line: this DC's directory, or the pushed prefix. Each
# fails when its listing fails, and the caller checks: an unreadable prefix is not an empty one (a
# substitution passed as an argument never stops a run under set -e, bash(1) "set -e").
local_plans() { find "$EXECUTIONPLANS_DIR" -maxdepth 1 -type f -name '*.siddhiql' -printf '%f\n'; }
pushed_plans() {
    local bucket=${SOURCE_URI#s3://} keys
    keys=$(aws s3api list-objects-v2 --region "$SOURCE_REGION" --bucket "${bucket%%/*}" --prefix "${bucket#*/}/executionplans/" \
        --query 'Contents[].Key' --output text) || return 1
    tr '\t' '\n' <<<"$keys" | sed -n 's|^.*/||; /\.siddhiql$/p'
}
# $1 what the sync is; sets `local_set` and `pushed_set`, or refuses the run (no lag published,
# so the sync alarm fires) saying which listing failed.
list_sets() {
    if ! local_set=$(local_plans); then
        log "REFUSED to $1: listing $EXECUTIONPLANS_DIR failed; keeping the plans as they are"
        exit 1
    fi
    if ! pushed_set=$(pushed_plans); then
        log "REFUSED to $1: listing $SOURCE_URI/executionplans/ failed (S3 ListObjectsV2); keeping the plans as they are"
        exit 1
    fi
}

# Never installs a set without the pack's own plan, nor one that removes more than
# MAX_PLANS_REMOVED of the plans it replaces at once (a new or half-seeded file system, a failed
# copy, a mistake): such a sync is refused, says why, and publishes no lag, so the sync alarm
# fires. A deliberate larger removal is let through by one run with ACCEPT_SHRINK=yes.
# $1 the set to install, $2 the set it replaces, $3 what the sync is.
guard() {
    local removed
    if ! grep -qxF "$REQUIRED_PLAN" <<<"$1"; then
        log "REFUSED to $3: the set lacks $REQUIRED_PLAN, the pack's own plan (every request passes through it); keeping the plans as they are"
        exit 1
    fi
    removed=$(comm -13 <(sort -u <<<"$1") <(sort -u <<<"$2") | sed '/^$/d' | wc -l)
    if ((removed > MAX_PLANS_REMOVED)); then
        if [[ "${ACCEPT_SHRINK:-}" == yes ]]; then
            log "removing $removed plans at once: accepted (ACCEPT_SHRINK=yes)"
        else
            log "REFUSED to $3: it would remove $removed plans at once, more than $MAX_PLANS_REMOVED; keeping the plans as they are (a deliberate removal: run once with ACCEPT_SHRINK=yes, docs/operations.md#artifact-sync)"
            exit 1
        fi
    fi
}

# $1 the marker's s3:// address. Sets `pushed_at` to its content and succeeds; fails (1) when the
# key does not exist; exits the run on any other error, saying why. The CLI's s3 cp reads the
# object's metadata first (HeadObject) and prints S3's answer: "An error occurred (404) when calling
# the HeadObject operation: Key "…" does not exist" for a missing key, exit 1 (AWS CLI return
# codes: 1, an S3 transfer failed). S3 answers a missing key with 403 instead of 404 to a caller
# without s3:ListBucket on the bucket (S3 API Reference, HeadObject, Permissions), and this role's
# s3:ListBucket holds only under an s3:prefix condition; so a 403 asks the listing (ListObjectsV2,
# the marker's key as the prefix, which that condition allows) whether the key exists.
marker_read() {
    local uri=$1 path=${1#s3://} errors reason keys
    errors=$(mktemp)
    if pushed_at=$(aws s3 cp --only-show-errors --region "$SOURCE_REGION" "$uri" - 2>"$errors"); then
        rm -f "$errors"
        return 0
    fi
    reason=$(tr -s '\n' ' ' <"$errors")
    rm -f "$errors"
    if [[ "$reason" =~ \(404\)|NoSuchKey|does\ not\ exist ]]; then
        return 1
    fi
    if [[ "$reason" == *"(403)"* ]] && keys=$(aws s3api list-objects-v2 --region "$SOURCE_REGION" --bucket "${path%%/*}" --prefix "${path#*/}" \
        --query 'Contents[].Key' --output text) && ! tr '\t' '\n' <<<"$keys" | grep -qxF "${path#*/}"; then
        return 1
    fi
    log "cannot read the push marker $uri: ${reason:-no reason given}; keeping this DC's executionplans"
    exit 1
}

now=$(date +%s)
if [[ "$ACTIVE_DC" == "$DATACENTER" ]]; then
    what="push $EXECUTIONPLANS_DIR to $SOURCE_URI"
    list_sets "$what"
    guard "$local_set" "$pushed_set" "$what"
    aws s3 sync --only-show-errors --region "$SOURCE_REGION" --delete "$EXECUTIONPLANS_DIR/" "$SOURCE_URI/executionplans/"
    # Written last: a puller takes the prefix only once a push has completed.
    printf '%s\n' "$now" | aws s3 cp --only-show-errors --region "$SOURCE_REGION" - "$SOURCE_URI/$MARKER"
    publish_lag 0
    log "pushed executionplans to $SOURCE_URI"
else
    # Never --delete from a prefix no push has completed: that would wipe this DC's plans. But only
    # a missing marker means "no push yet"; any other failure to read it (no network, no
    # credentials, a denial) is reported with its reason and fails the run (no lag: the alarm fires).
    if ! marker_read "$SOURCE_URI/$MARKER"; then
        log "no completed push from $ACTIVE_DC at $SOURCE_URI yet; keeping this DC's executionplans"
        exit 0
    fi
    if [[ ! "$pushed_at" =~ ^[0-9]+$ ]]; then
        log "the push marker $SOURCE_URI/$MARKER holds no push time; keeping this DC's executionplans"
        exit 0
    fi
    # A push older than this DC's source parameter was made before the promotion that named this
    # source: a DC promoted again keeps its old marker until its first push as the active DC, and
    # pulling that would bring back a stale set. Wait for a push made since.
    if ((pushed_at < source_changed_at)); then
        log "the push at $SOURCE_URI ($(date -u -d "@$pushed_at" +%Y-%m-%dT%H:%M:%SZ)) predates the change of $SOURCE_PARAMETER to $ACTIVE_DC ($(date -u -d "@$source_changed_at" +%Y-%m-%dT%H:%M:%SZ)): waiting for a push from $ACTIVE_DC made since; keeping this DC's executionplans"
        exit 0
    fi
    what="pull $SOURCE_URI into $EXECUTIONPLANS_DIR"
    list_sets "$what"
    guard "$pushed_set" "$local_set" "$what"
    # The directory is an EFS access point mount: every file written is owned by the WSO2 user
    # (EFS User Guide, "Enforcing a user identity using an access point").
    aws s3 sync --only-show-errors --region "$SOURCE_REGION" --delete "$SOURCE_URI/executionplans/" "$EXECUTIONPLANS_DIR/"
    publish_lag $((now - pushed_at))
    log "pulled executionplans pushed by $ACTIVE_DC at $pushed_at"
fi
