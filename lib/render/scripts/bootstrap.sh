#!/bin/bash
# Boots a WSO2 API Manager 3.1.0 all-in-one node: Corretto 11, the WSO2 pack from S3, the
# region's shared directories on EFS (seeded once from the pack), deployment.toml, then WSO2
# under systemd. Safe to run again: every step checks what is already done.
# Parameters come from /etc/wso2-apim/bootstrap.env (rendered by the Pulumi program, no secrets).
set -Eeuo pipefail

CONFIG_DIR=${CONFIG_DIR:-/etc/wso2-apim}
FSTAB=${FSTAB:-/etc/fstab}
# shellcheck source=/dev/null
source "${BOOTSTRAP_ENV:-$CONFIG_DIR/bootstrap.env}"

log() { printf '%s wso2-bootstrap: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"; }
fail() { log "FAILED: $*"; exit 1; }
trap 'fail "line ${LINENO}: ${BASH_COMMAND}"' ERR

imds() {
    local token
    token=$(curl -sSf -X PUT http://169.254.169.254/latest/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 300')
    curl -sSf -H "X-aws-ec2-metadata-token: ${token}" "http://169.254.169.254/latest/meta-data/$1"
}

install_packages() {
    log "installing Corretto 11, EFS utilities, the CloudWatch agent and unzip"
    dnf install -y -q java-11-amazon-corretto-headless amazon-efs-utils amazon-cloudwatch-agent unzip
}

start_log_shipping() {
    amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c "file:$CLOUDWATCH_AGENT_CONFIG"
}

create_user() {
    getent group "$WSO2_USER" >/dev/null || groupadd --system --gid "$WSO2_GID" "$WSO2_USER"
    getent passwd "$WSO2_USER" >/dev/null ||
        useradd --system --uid "$WSO2_UID" --gid "$WSO2_GID" --home-dir "$APIM_HOME" --no-create-home --shell /sbin/nologin "$WSO2_USER"
}

install_pack() {
    if [[ -x "$APIM_HOME/bin/wso2server.sh" ]]; then
        log "WSO2 pack already in $APIM_HOME"
        return
    fi
    log "downloading the WSO2 pack from $WSO2_PACK_S3_URI"
    local archive
    archive=$(mktemp --suffix=.zip)
    aws s3 cp --only-show-errors "$WSO2_PACK_S3_URI" "$archive"
    unzip -q "$archive" -d "$(dirname "$APIM_HOME")"
    rm -f "$archive"
    [[ -x "$APIM_HOME/bin/wso2server.sh" ]] || fail "the pack did not unpack to $APIM_HOME (is it wso2am-3.1.0.zip?)"
    chown -R "$WSO2_USER:$WSO2_USER" "$APIM_HOME"
}

# Mounts one shared directory from its EFS access point. The pack's own copy is kept aside and
# copied in only by the first node of the region; later nodes and reboots never overwrite.
mount_shared() {
    local dir=$1 access_point=$2 pack_copy
    pack_copy="$SEED_DIR/$(basename "$dir")"
    if ! grep -q " $dir efs " "$FSTAB"; then
        if [[ -d "$dir" && ! -e "$pack_copy" ]]; then
            mkdir -p "$SEED_DIR"
            mv "$dir" "$pack_copy"
        fi
        mkdir -p "$dir"
        echo "$EFS_FILE_SYSTEM_ID:/ $dir efs _netdev,noresvport,tls,iam,accesspoint=$access_point 0 0" >>"$FSTAB"
    fi
    mountpoint -q "$dir" || mount "$dir"

    if [[ -e "$dir/.seeded" ]]; then
        return
    fi
    if mkdir "$dir/.seed-lock" 2>/dev/null; then
        log "seeding $dir from the pack"
        if [[ -d "$pack_copy" ]]; then
            cp -a --no-clobber "$pack_copy/." "$dir/"
        fi
        touch "$dir/.seeded"
        rmdir "$dir/.seed-lock"
        chown -R "$WSO2_USER:$WSO2_USER" "$dir"
    else
        log "another node is seeding $dir; waiting"
        local waited=0
        until [[ -e "$dir/.seeded" ]]; do
            (( waited < SEED_WAIT_SECONDS )) || fail "$dir was not seeded within ${SEED_WAIT_SECONDS}s (remove $dir/.seed-lock if its node died)"
            sleep 5
            waited=$((waited + 5))
        done
    fi
}

write_runtime_env() {
    log "writing $RUNTIME_ENV_FILE from instance metadata and Secrets Manager"
    local node_ip admin_password
    node_ip=$(imds local-ipv4)
    admin_password=$(aws secretsmanager get-secret-value --region "$AWS_REGION" --secret-id "$ADMIN_SECRET_ID" --query SecretString --output text)
    umask 077
    printf 'NODE_IP=%s\nWSO2_ADMIN_PASSWORD=%s\n' "$node_ip" "$admin_password" >"$RUNTIME_ENV_FILE"
}

# Hooks (the database step) are too large for user-data: they come from the stack's bucket.
fetch_boot_hooks() {
    local uri
    mkdir -p "$CONFIG_DIR/boot.d"
    for uri in $BOOT_HOOK_URIS; do
        log "fetching boot hook $uri"
        aws s3 cp --only-show-errors "$uri" "$CONFIG_DIR/boot.d/$(basename "$uri")"
    done
}

run_boot_hooks() {
    local hook
    for hook in "$CONFIG_DIR"/boot.d/*.sh; do
        [[ -e "$hook" ]] || continue
        log "running $hook"
        bash "$hook" || fail "$hook failed"
    done
}

start_wso2() {
    install -m 0640 -o "$WSO2_USER" -g "$WSO2_USER" "$CONFIG_DIR/deployment.toml" "$APIM_HOME/repository/conf/deployment.toml"
    systemctl daemon-reload
    systemctl enable wso2am.service
    systemctl restart wso2am.service
    log "WSO2 API Manager started"
}

main() {
    log "starting"
    install_packages
    start_log_shipping
    create_user
    install_pack
    local mount
    for mount in $SHARED_MOUNTS; do
        mount_shared "${mount%%=*}" "${mount#*=}"
    done
    write_runtime_env
    fetch_boot_hooks
    run_boot_hooks
    start_wso2
    log "done"
}

main "$@"
