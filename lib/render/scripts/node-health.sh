#!/bin/bash
# A node's health verdict for its gate (health-signal.sh runs it with health-signal.env exported
# and INSTANCE_ID set): "SUCCESS <reason>" when its instance is healthy in every target group, or
# when its DC is not replication-ready (WSO2 waits for the flag: the DC serves nothing yet);
# "FAILURE <reason>" when this start could not install what the configuration asks; nothing
# while it cannot tell.
set -Eeuo pipefail
log() { printf '%s wso2-node-health: %s\n' "$(date -u +%FT%TZ)" "$*" >&2; }

# Not ready only on a flag read as other than true, or absent; any other error decides nothing.
ready() {
    [[ $TRUSTED_SOURCE == true ]] && return 0
    local v
    if v=$(aws ssm get-parameter --region "$AWS_REGION" --name "$REPLICATION_READY_PARAMETER" --query Parameter.Value --output text 2>&1); then
        [[ $v == true ]]
        return
    fi
    [[ $v == *ParameterNotFound* ]] && return 1
    log "not signalling: cannot read $REPLICATION_READY_PARAMETER: $v"
    exit 0
}

healthy() {
    local g s
    for g in $TARGET_GROUPS; do
        s=$(aws elbv2 describe-target-health --region "$AWS_REGION" --target-group-arn "${g%=*}" \
            --targets "Id=$INSTANCE_ID,Port=${g##*=}" --query 'TargetHealthDescriptions[0].TargetHealth.State' --output text)
        [[ $s == healthy ]] || { log "not signalling: $s in ${g%=*}"; return 1; }
    done
}

# What the boot could not install (bootstrap.sh, database-boot.sh), naming the config key: the node
# keeps running its previous version, and the gate fails with this reason (a WaitCondition takes
# Status FAILURE; CloudFormation User Guide, "Create wait conditions").
F=${INSTALL_FAILURES:-/var/lib/wso2-apim/install-failures}
failed=$(cat "$F"/* 2>/dev/null | tr '\n' ' ') || true
if [[ -n $failed ]]; then
    echo "FAILURE not installed: ${failed% }"
elif ! ready; then
    # Not before this start has checked its installs (the database hook marks it after the client).
    [[ -e $F/.checked ]] || exit 0
    echo "SUCCESS not replication-ready: this DC serves nothing yet"
elif healthy; then
    echo "SUCCESS healthy in every target group"
fi
