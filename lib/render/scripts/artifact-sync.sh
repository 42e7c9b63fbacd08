#!/bin/bash
# One run of the one-way runtime-artifact sync (docs/artifacts.md): the design-time active DC's
# nodes push their executionplans to S3, every other DC's nodes pull them into their own EFS copy.
# The timer wso2-artifact-sync.timer runs it every minute. Parameters: /etc/wso2-apim/artifact-sync.env.
set -Eeuo pipefail

SYNC_ENV=${SYNC_ENV:-/etc/wso2-apim/artifact-sync.env}
# shellcheck source=/dev/null
source "$SYNC_ENV"

log() { printf '%s wso2-artifact-sync: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }

# "<active DC id> <its region> <s3 prefix>", written by every stack from designTimeActive: changing
# it flips the direction without restarting any node. The S3 calls name the bucket's region: the
# CLI has none configured on the node, and the bucket is in the active DC's region.
read -r ACTIVE_DC SOURCE_REGION SOURCE_URI < <(aws ssm get-parameter --region "$AWS_REGION" --name "$SOURCE_PARAMETER" --query Parameter.Value --output text)
[[ -n "${ACTIVE_DC:-}" && -n "${SOURCE_REGION:-}" && "${SOURCE_URI:-}" == s3://* ]] || { log "parameter $SOURCE_PARAMETER holds no source"; exit 1; }

publish_lag() {
    aws cloudwatch put-metric-data --region "$AWS_REGION" --namespace "$METRIC_NAMESPACE" \
        --metric-name "$METRIC_NAME" --unit Seconds --value "$1" --dimensions "Datacenter=$DATACENTER"
}

# The plans a set holds, one file name a line: this DC's directory, or the pushed prefix (a listing
# that fails stops the run: an unreadable prefix is not an empty one).
local_plans() { find "$EXECUTIONPLANS_DIR" -maxdepth 1 -type f -name '*.siddhiql' -printf '%f\n'; }
pushed_plans() {
    local bucket=${SOURCE_URI#s3://} keys
    keys=$(aws s3api list-objects-v2 --region "$SOURCE_REGION" --bucket "${bucket%%/*}" --prefix "${bucket#*/}/executionplans/" \
        --query 'Contents[].Key' --output text)
    tr '\t' '\n' <<<"$keys" | sed -n 's|^.*/||; /\.siddhiql$/p'
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

now=$(date +%s)
if [[ "$ACTIVE_DC" == "$DATACENTER" ]]; then
    guard "$(local_plans)" "$(pushed_plans)" "push $EXECUTIONPLANS_DIR to $SOURCE_URI"
    aws s3 sync --only-show-errors --region "$SOURCE_REGION" --delete "$EXECUTIONPLANS_DIR/" "$SOURCE_URI/executionplans/"
    # Written last: a puller takes the prefix only once a push has completed.
    printf '%s\n' "$now" | aws s3 cp --only-show-errors --region "$SOURCE_REGION" - "$SOURCE_URI/$MARKER"
    publish_lag 0
    log "pushed executionplans to $SOURCE_URI"
else
    pushed_at=$(aws s3 cp --only-show-errors --region "$SOURCE_REGION" "$SOURCE_URI/$MARKER" - 2>/dev/null || true)
    if [[ ! "$pushed_at" =~ ^[0-9]+$ ]]; then
        # Never --delete from a prefix no push has completed: that would wipe this DC's plans.
        log "no completed push from $ACTIVE_DC at $SOURCE_URI yet; keeping this DC's executionplans"
        exit 0
    fi
    guard "$(pushed_plans)" "$(local_plans)" "pull $SOURCE_URI into $EXECUTIONPLANS_DIR"
    # The directory is an EFS access point mount: every file written is owned by the WSO2 user
    # (EFS User Guide, "Enforcing a user identity using an access point").
    aws s3 sync --only-show-errors --region "$SOURCE_REGION" --delete "$SOURCE_URI/executionplans/" "$EXECUTIONPLANS_DIR/"
    publish_lag $((now - pushed_at))
    log "pulled executionplans pushed by $ACTIVE_DC at $pushed_at"
fi
