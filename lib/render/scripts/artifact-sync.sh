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

now=$(date +%s)
if [[ "$ACTIVE_DC" == "$DATACENTER" ]]; then
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
    # The directory is an EFS access point mount: every file written is owned by the WSO2 user
    # (EFS User Guide, "Enforcing a user identity using an access point").
    aws s3 sync --only-show-errors --region "$SOURCE_REGION" --delete "$SOURCE_URI/executionplans/" "$EXECUTIONPLANS_DIR/"
    publish_lag $((now - pushed_at))
    log "pulled executionplans pushed by $ACTIVE_DC at $pushed_at"
fi
