#!/bin/bash
# Signals this node's health gate, a CloudFormation WaitCondition (docs/nodes.md § Rolling
# replacement), when its targets are healthy in every target group, or when its DC is not
# replication-ready (WSO2 waits for the flag: the DC serves nothing yet). Run every minute by
# wso2-health-signal.timer; parameters in health-signal.env (no secrets).
set -Eeuo pipefail
# shellcheck source=/dev/null
source "${SIGNAL_ENV:-/etc/wso2-apim/health-signal.env}"
log() { printf '%s wso2-health-signal: %s\n' "$(date -u +%FT%TZ)" "$*" >&2; }

# Every curl is bounded (--connect-timeout, --max-time): the unit's TimeoutStartSec bounds the run.
imds() {
    local t
    t=$(curl -sSf --connect-timeout 2 --max-time 5 -X PUT http://169.254.169.254/latest/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 60') &&
        curl -sSf --connect-timeout 2 --max-time 5 -H "X-aws-ec2-metadata-token: $t" "http://169.254.169.254/latest/$1"
}

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
            --targets "Id=$ID,Port=${g##*=}" --query 'TargetHealthDescriptions[0].TargetHealth.State' --output text)
        [[ $s == healthy ]] || { log "not signalling: $s in ${g%=*}"; return 1; }
    done
}

# "<logical id> <status> <physical id>" per resource; nothing while the stack does not exist.
rows=$(aws cloudformation describe-stack-resources --region "$AWS_REGION" --stack-name "$GATE_STACK" \
    --query 'StackResources[].[LogicalResourceId,ResourceStatus,PhysicalResourceId]' --output text 2>/dev/null) || rows=""
# A WaitCondition in CREATE_IN_PROGRESS still waits; its handle has the same hash suffix.
waiting=$(awk -v p="$CONDITION_PREFIX" 'index($1, p) == 1 && $2 == "CREATE_IN_PROGRESS" { print substr($1, length(p) + 1) }' <<<"$rows")
[[ -n $waiting ]] || exit 0
ID=$(imds meta-data/instance-id)
# What the boot could not install (bootstrap.sh, database-boot.sh), naming the config key: the node
# keeps running its previous version, and the gate fails with this reason (a WaitCondition takes
# Status FAILURE; CloudFormation User Guide, "Create wait conditions").
F=${INSTALL_FAILURES:-/var/lib/wso2-apim/install-failures}
failed=$(cat "$F"/* 2>/dev/null | tr '\n' ' ') || true
status=SUCCESS
if [[ -n $failed ]]; then
    status=FAILURE reason="not installed: ${failed% }"
elif ! ready; then
    # Not before this start has checked its installs (the database hook marks it after the client).
    [[ -e $F/.checked ]] || exit 0
    reason="not replication-ready: this DC serves nothing yet"
elif healthy; then
    reason="healthy in every target group"
else
    exit 0
fi
for hash in $waiting; do
    # Only this instance's condition: a replaced node's old instance is healthy until Pulumi deletes
    # it after the update, and must not pass its successor's gate (Metadata.InstanceId, lib/health-gate.ts).
    owner=$(aws cloudformation describe-stack-resource --region "$AWS_REGION" --stack-name "$GATE_STACK" \
        --logical-resource-id "$CONDITION_PREFIX$hash" --query StackResourceDetail.Metadata --output text 2>/dev/null) || owner=""
    if ! grep -Eq "\"InstanceId\" *: *\"$ID\"" <<<"$owner"; then
        log "not signalling $CONDITION_PREFIX$hash: it waits for another instance (${owner:-no metadata})"
        continue
    fi
    url=$(awk -v id="$HANDLE_PREFIX$hash" '$1 == id { print $3 }' <<<"$rows")
    [[ -n $url ]] || { log "no handle $HANDLE_PREFIX$hash in $GATE_STACK"; continue; }
    # CloudFormation User Guide, "Create wait conditions": PUT the JSON with an empty Content-Type.
    curl -sSf --connect-timeout 5 --max-time 10 --retry 2 --retry-max-time 25 -X PUT -H 'Content-Type:' --data-binary \
        "{\"Status\":\"$status\",\"Reason\":\"$reason\",\"UniqueId\":\"$ID\",\"Data\":\"$reason\"}" "$url" >/dev/null
    log "signalled $status to $GATE_STACK $CONDITION_PREFIX$hash: $reason"
done
