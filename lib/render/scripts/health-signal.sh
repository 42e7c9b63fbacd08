#!/bin/bash
# Signals a host's health gate, a CloudFormation WaitCondition (docs/nodes.md § Rolling
# replacement), with the verdict of the host's own health command: a node's is wso2-node-health
# (node-health.sh), the GoldenGate hub's `goldengate-hub-boot health` (docs/replication.md). The
# command prints "SUCCESS <reason>" or "FAILURE <reason>", or nothing while it cannot tell yet.
# Run every minute by a timer; parameters in the env file (no secrets), exported to the command.
set -Eeuo pipefail
set -a
# shellcheck source=/dev/null
source "${SIGNAL_ENV:-/etc/wso2-apim/health-signal.env}"
set +a
log() { printf '%s health-signal: %s\n' "$(date -u +%FT%TZ)" "$*" >&2; }

# Every curl is bounded (--connect-timeout, --max-time): the unit's TimeoutStartSec bounds the run.
imds() {
    local t
    t=$(curl -sSf --connect-timeout 2 --max-time 5 -X PUT http://169.254.169.254/latest/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 60') &&
        curl -sSf --connect-timeout 2 --max-time 5 -H "X-aws-ec2-metadata-token: $t" "http://169.254.169.254/latest/$1"
}

# "<logical id> <status> <physical id>" per resource; nothing while the stack does not exist.
rows=$(aws cloudformation describe-stack-resources --region "$AWS_REGION" --stack-name "$GATE_STACK" \
    --query 'StackResources[].[LogicalResourceId,ResourceStatus,PhysicalResourceId]' --output text 2>/dev/null) || rows=""
# A WaitCondition in CREATE_IN_PROGRESS still waits; its handle has the same hash suffix.
waiting=$(awk -v p="$CONDITION_PREFIX" 'index($1, p) == 1 && $2 == "CREATE_IN_PROGRESS" { print substr($1, length(p) + 1) }' <<<"$rows")
[[ -n $waiting ]] || exit 0
INSTANCE_ID=$(imds meta-data/instance-id)
export INSTANCE_ID
# HEALTH_COMMAND is a command line of the env file: split into words on purpose.
# shellcheck disable=SC2086
verdict=$($HEALTH_COMMAND) || { log "not signalling: $HEALTH_COMMAND failed"; exit 0; }
[[ -n $verdict ]] || exit 0
status=${verdict%% *} reason=${verdict#* }
[[ $status == SUCCESS || $status == FAILURE ]] || { log "not signalling: $HEALTH_COMMAND printed '$verdict'"; exit 0; }
# The reason travels inside a JSON string.
reason=$(printf '%s' "$reason" | tr -d '"\134[:cntrl:]')
for hash in $waiting; do
    # Only this instance's condition: a replaced node's old instance is healthy until Pulumi deletes
    # it after the update, and must not pass its successor's gate (Metadata.InstanceId, lib/health-gate.ts).
    owner=$(aws cloudformation describe-stack-resource --region "$AWS_REGION" --stack-name "$GATE_STACK" \
        --logical-resource-id "$CONDITION_PREFIX$hash" --query StackResourceDetail.Metadata --output text 2>/dev/null) || owner=""
    if ! grep -Eq "\"InstanceId\" *: *\"$INSTANCE_ID\"" <<<"$owner"; then
        log "not signalling $CONDITION_PREFIX$hash: it waits for another instance (${owner:-no metadata})"
        continue
    fi
    url=$(awk -v id="$HANDLE_PREFIX$hash" '$1 == id { print $3 }' <<<"$rows")
    [[ -n $url ]] || { log "no handle $HANDLE_PREFIX$hash in $GATE_STACK"; continue; }
    # CloudFormation User Guide, "Create wait conditions": PUT the JSON with an empty Content-Type.
    curl -sSf --connect-timeout 5 --max-time 10 --retry 2 --retry-max-time 25 -X PUT -H 'Content-Type:' --data-binary \
        "{\"Status\":\"$status\",\"Reason\":\"$reason\",\"UniqueId\":\"$INSTANCE_ID\",\"Data\":\"$reason\"}" "$url" >/dev/null
    log "signalled $status to $GATE_STACK $CONDITION_PREFIX$hash: $reason"
done
