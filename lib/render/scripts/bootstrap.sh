#!/bin/bash
# Boots a WSO2 API Manager 3.1.0 all-in-one node. wso2-boot.service runs it at every start of the
# instance. It first writes the node's files again from the instance's current user-data (so a
# `pulumi up` that changed them, which stops and starts the instance, takes effect), then does
# what is missing: kernel settings, packages, the WSO2 pack from S3 (a versioned install), the
# region's shared directories on EFS (seeded once from the pack), the runtime environment (node IP, admin
# password, JAVA_HOME, heap size), the boot hooks (the database step), and (re)starts WSO2.
# Steps that can fail for a passing reason (IMDS, dnf, S3, Secrets Manager, the EFS mount) are
# retried with growing pauses; the unit retries a failed boot a bounded number of times.
# Parameters come from /etc/wso2-apim/bootstrap.env (rendered by the Pulumi program, no secrets).
set -Eeuo pipefail

# Tests point these into a directory; on a node they are the real paths.
FILES_ROOT=${FILES_ROOT:-}
MEMINFO=${MEMINFO:-/proc/meminfo}
CONFIG_DIR=$FILES_ROOT/etc/wso2-apim
FSTAB=$FILES_ROOT/etc/fstab
SELF=$FILES_ROOT/usr/local/sbin/wso2-bootstrap
# What this start could not install, one file per thing, naming its key: the health signal fails the gate with it.
INSTALL_FAILURES=$FILES_ROOT/var/lib/wso2-apim/install-failures
RETRY_ATTEMPTS=5
RETRY_FIRST_PAUSE_SECONDS=5

log() { printf '%s wso2-bootstrap: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }
fail() { log "FAILED: $*"; exit 1; }
trap 'fail "line ${LINENO}: ${BASH_COMMAND}"' ERR

# Runs a command until it succeeds, at most RETRY_ATTEMPTS times, doubling the pause.
retry() {
    local attempt=1 pause=$RETRY_FIRST_PAUSE_SECONDS
    until "$@"; do
        ((attempt < RETRY_ATTEMPTS)) || { log "gave up after $attempt attempts: $*"; return 1; }
        log "attempt $attempt failed: $*; retrying in ${pause}s"
        sleep "$pause"
        attempt=$((attempt + 1))
        pause=$((pause * 2))
    done
}

# IMDSv2: a session token, then the path (meta-data/… or user-data).
imds() {
    local token
    token=$(curl -sSf --connect-timeout 2 --max-time 10 -X PUT http://169.254.169.254/latest/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 300') &&
        curl -sSf --connect-timeout 2 --max-time 10 -H "X-aws-ec2-metadata-token: ${token}" "http://169.254.169.254/latest/$1"
}

# cloud-init writes the files of write_files only on the instance's first start. Writes each file
# of the current user-data whose content differs, atomically, and prints its path.
# PyYAML is on Amazon Linux 2023 because cloud-init needs it.
write_node_files() {
    python3 -c '@WRITE_USER_DATA_FILES@'
}

fetch_user_data() { imds user-data >"$1"; }

refresh_node_files() {
    local user_data changed
    user_data=$(mktemp)
    retry fetch_user_data "$user_data"
    changed=$(write_node_files <"$user_data")
    rm -f "$user_data"
    if [[ -z "$changed" ]]; then
        log "node files match the current user-data"
        return
    fi
    log "node files rewritten from the current user-data: $(tr '\n' ' ' <<<"$changed")"
    if grep -qx /usr/local/sbin/wso2-bootstrap <<<"$changed"; then
        log "the boot script itself changed; running the new one"
        WSO2_BOOT_FILES_FRESH=1 exec "$SELF" "$@"
    fi
}

# Before the hooks, which may wait hours for replication: the gate must hear meanwhile (docs/nodes.md).
enable_health_signal() {
    systemctl daemon-reload
    systemctl enable --now "$HEALTH_SIGNAL_TIMER"
}

apply_kernel_settings() {
    sysctl -q -p "$FILES_ROOT$SYSCTL_FILE"
}

install_packages() {
    log "installing Corretto 11, EFS utilities, the CloudWatch agent and unzip"
    retry dnf install -y -q "$CORRETTO_PACKAGE" amazon-efs-utils amazon-cloudwatch-agent unzip
    # efs-utils looks a mount target's IP up with botocore when the file system's DNS name does not
    # resolve; without it only that fallback is lost, so the boot goes on.
    retry dnf install -y -q python3-botocore || log "python3-botocore not installed: efs-utils' mount-target IP fallback is off"
}

start_log_shipping() {
    amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c "file:$CLOUDWATCH_AGENT_CONFIG"
}

create_user() {
    getent group "$WSO2_USER" >/dev/null || groupadd --system --gid "$WSO2_GID" "$WSO2_USER"
    getent passwd "$WSO2_USER" >/dev/null ||
        useradd --system --uid "$WSO2_UID" --gid "$WSO2_GID" --home-dir "$APIM_HOME" --no-create-home --shell /sbin/nologin "$WSO2_USER"
}

# In every pack version the shared directories are symlinks to their EFS mounts under SHARED_ROOT;
# the first pack's own copies are kept in SEED_DIR to seed the region's file system once.
link_shared() {
    local mount dir seed
    for mount in $SHARED_MOUNTS; do
        dir=$1/${mount%%=*}
        seed=$SEED_DIR/${dir##*/}
        if [[ -d $dir && ! -L $dir ]]; then
            ! mountpoint -q "$dir" || return 1
            if [[ -e $seed ]]; then rm -rf "$dir"; else mkdir -p "$SEED_DIR" && mv -T "$dir" "$seed"; fi
        fi
        mkdir -p "${dir%/*}" && ln -sfn "$SHARED_ROOT/${dir##*/}" "$dir"
    done
}

# Prints why the pack cannot be installed, naming the key; else leaves it checked in $1/pack.
stage_pack() {
    local home=$1/${APIM_HOME##*/} sum
    retry aws s3 cp --only-show-errors "$WSO2_PACK_S3_URI" "$1/pack.zip" || { echo "wso2PackS3Uri: cannot download $WSO2_PACK_S3_URI"; return 1; }
    sum=$(sha256sum "$1/pack.zip" | cut -d' ' -f1)
    [[ -z $WSO2_PACK_SHA256 || $sum == "$WSO2_PACK_SHA256" ]] || { echo "wso2PackSha256: $WSO2_PACK_S3_URI has SHA-256 $sum, not $WSO2_PACK_SHA256"; return 1; }
    { unzip -q "$1/pack.zip" -d "$1" && [[ -x $home/bin/wso2server.sh ]]; } || { echo "wso2PackS3Uri: $WSO2_PACK_S3_URI did not unpack to ${APIM_HOME##*/}/bin/wso2server.sh"; return 1; }
    link_shared "$home" && chown -R "$WSO2_USER:$WSO2_USER" "$home" && mv -T "$home" "$1/pack"
}

# Points the symlink $1 at $2 with one rename (rename(2): "If newpath already exists, it will be
# atomically replaced"; `ln -sfn` alone unlinks first); of its versions ($1-*) keeps $2 and the one before.
switch_version() {
    local old version
    old=$(readlink "$1") || true
    [[ $old != "$2" ]] || return 0
    ln -sfn "$2" "$1.new" && mv -T "$1.new" "$1"
    log "$1 now points to $2 (kept for rollback: ${old:-nothing})"
    for version in "$1"-*; do
        [[ $version == "$2" || $version == "$old" ]] || rm -rf "$version"
    done
}

# A pack version is unpacked into its own directory, named by a digest of wso2PackS3Uri and
# wso2PackSha256, checked, then switched to; a version that cannot be installed never replaces the
# one in place, which keeps running (docs/nodes.md § What a change does).
install_pack() {
    local target staging why=""
    target=$APIM_HOME-$(printf '%s %s' "$WSO2_PACK_S3_URI" "$WSO2_PACK_SHA256" | sha256sum | cut -c1-16)
    if [[ -d $APIM_HOME && ! -L $APIM_HOME ]]; then
        log "moving the unversioned pack in $APIM_HOME aside"
        # Its fstab lines mount inside the home: all of them go at once, so that a boot that stops
        # before mount_shared has written the new lines leaves none that mounts through the links.
        { grep -vF " $APIM_HOME/" "$FSTAB" || true; } >"$FSTAB.new"
        mv "$FSTAB.new" "$FSTAB"
        for staging in $SHARED_MOUNTS; do
            ! mountpoint -q "$APIM_HOME/${staging%%=*}" || umount "$APIM_HOME/${staging%%=*}"
        done
        mv -T "$APIM_HOME" "$APIM_HOME-unversioned"
        link_shared "$APIM_HOME-unversioned"
        ln -s "$APIM_HOME-unversioned" "$APIM_HOME"
    fi
    if [[ ! -d $target ]]; then
        log "installing $WSO2_PACK_S3_URI into $target"
        rm -rf "$APIM_HOME".staging-*
        staging=$(mktemp -d "$APIM_HOME.staging-XXXXXX")
        why=$(stage_pack "$staging") && mv -T "$staging/pack" "$target"
        rm -rf "$staging"
    else
        log "WSO2 pack already in $target"
    fi
    if [[ -d $target ]]; then
        switch_version "$APIM_HOME" "$target"
    else
        mkdir -p "$INSTALL_FAILURES"
        tr -d '"\134' <<<"$why" >"$INSTALL_FAILURES/wso2-pack"
        [[ -x $APIM_HOME/bin/wso2server.sh ]] || fail "$why"
        log "$why; WSO2 keeps $(readlink "$APIM_HOME")"
    fi
}

# mount(8) looks a mount point alone up in /etc/fstab, and efs-utils takes the access point as the
# accesspoint= option (amazon-efs-utils README), so the line is the mount's only record.
# fstab is written from the current parameters at every start: a changed access point's mount is
# taken down and mounted from its new line. The first node of the region seeds each directory
# from the pack's copy; later nodes and restarts never overwrite.
mount_shared() {
    local dir=$SHARED_ROOT/${1##*/} line pack_copy=$SEED_DIR/${1##*/}
    line="$EFS_FILE_SYSTEM_ID:/ $dir efs _netdev,noresvport,tls,iam,accesspoint=$2 0 0"
    if ! grep -qxF "$line" "$FSTAB"; then
        log "fstab: $dir from access point $2"
        { grep -vF -e " $dir efs " -e " $APIM_HOME/$1 efs " "$FSTAB" || true; echo "$line"; } >"$FSTAB.new"
        mv "$FSTAB.new" "$FSTAB"
        ! mountpoint -q "$dir" || umount "$dir"
    fi
    mkdir -p "$dir"
    mountpoint -q "$dir" || retry mount "$dir"

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
            ((waited < SEED_WAIT_SECONDS)) || fail "$dir was not seeded within ${SEED_WAIT_SECONDS}s (remove $dir/.seed-lock if its node died)"
            sleep 5
            waited=$((waited + 5))
        done
    fi
}

# JAVA_HOME of the Corretto 11 package, wherever this release of the package puts it.
java_home() {
    local files java
    files=$(rpm -ql "$CORRETTO_PACKAGE")
    java=$(grep -m1 '/bin/java$' <<<"$files") || fail "$CORRETTO_PACKAGE has no bin/java"
    echo "${java%/bin/java}"
}

# wso2server.sh 3.1.0 passes JVM_MEM_OPTS to the JVM when it is set (else -Xms256m -Xmx1024m).
jvm_mem_opts() {
    local total_kib heap_mib
    total_kib=$(awk '$1 == "MemTotal:" { print $2 }' "$MEMINFO")
    [[ -n "$total_kib" ]] || fail "no MemTotal in $MEMINFO"
    heap_mib=$((total_kib * HEAP_PERCENT / 100 / 1024))
    ((heap_mib > HEAP_FLOOR_MIB)) || heap_mib=$HEAP_FLOOR_MIB
    ((heap_mib < HEAP_CEILING_MIB)) || heap_mib=$HEAP_CEILING_MIB
    echo "-Xms${heap_mib}m -Xmx${heap_mib}m"
}

write_runtime_env() {
    log "writing $RUNTIME_ENV_FILE from instance metadata, Secrets Manager, rpm and $MEMINFO"
    local node_ip admin_password home mem_opts kept
    node_ip=$(retry imds meta-data/local-ipv4)
    admin_password=$(retry aws secretsmanager get-secret-value --region "$AWS_REGION" --secret-id "$ADMIN_SECRET_ID" --query SecretString --output text)
    home=$(java_home)
    mem_opts=$(jvm_mem_opts)
    log "JAVA_HOME=$home JVM_MEM_OPTS=$mem_opts"
    # The hooks have written the schema and keystore passwords already: keep them.
    kept=$(grep -E '^(APIM_DB_PASSWORD|SHARED_DB_PASSWORD|KEYSTORE_PASSWORD|TRUSTSTORE_PASSWORD|INTERNAL_KEYSTORE_PASSWORD)=' "$RUNTIME_ENV_FILE" 2>/dev/null) || true
    # Quoted the way both systemd's EnvironmentFile and bash read it.
    (umask 077 && printf 'NODE_IP=%s\nWSO2_ADMIN_PASSWORD=%s\nJAVA_HOME=%s\nJVM_MEM_OPTS="%s"\n%s\n' \
        "$node_ip" "$admin_password" "$home" "$mem_opts" "$kept" | sed '/^$/d' >"$RUNTIME_ENV_FILE")
}

# Hooks (the database step) are too large for user-data: they come from the stack's bucket.
fetch_boot_hooks() {
    local uri
    mkdir -p "$CONFIG_DIR/boot.d"
    for uri in $BOOT_HOOK_URIS; do
        log "fetching boot hook $uri"
        retry aws s3 cp --only-show-errors "$uri" "$CONFIG_DIR/boot.d/$(basename "$uri")"
    done
}

# The scripts the units run (the health signal, WSO2's start wrapper) come from the boot bucket
# (the user-data has no room): installed first, so the gate can hear this boot from the start.
install_node_tools() {
    bash "$CONFIG_DIR/boot.d/40-node-tools.sh" || fail "installing the node's scripts (boot.d/40-node-tools.sh) failed"
}

run_boot_hooks() {
    local hook
    for hook in "$CONFIG_DIR"/boot.d/*.sh; do
        [[ -e "$hook" ]] || continue
        log "running $hook"
        bash "$hook" || fail "$hook failed"
    done
}

# wso2am.service runs after this unit has finished (After=wso2-boot.service): --no-block queues
# the restart instead of waiting for a start that waits for us.
# reset-failed: a boot gives WSO2 its full start budget again, even after a crash loop had used it up.
start_wso2() {
    install -m 0640 -o "$WSO2_USER" -g "$WSO2_USER" "$CONFIG_DIR/deployment.toml" "$APIM_HOME/repository/conf/deployment.toml"
    systemctl daemon-reload
    systemctl reset-failed wso2am.service 2>/dev/null || true
    systemctl restart --no-block wso2am.service
    log "WSO2 API Manager (re)start queued"
}

main() {
    log "starting"
    [[ -n "${WSO2_BOOT_FILES_FRESH:-}" ]] || refresh_node_files "$@"
    rm -rf "$INSTALL_FAILURES"
    # shellcheck source=/dev/null
    source "$CONFIG_DIR/bootstrap.env"
    fetch_boot_hooks
    install_node_tools
    enable_health_signal
    apply_kernel_settings
    install_packages
    start_log_shipping
    create_user
    install_pack
    local mount
    for mount in $SHARED_MOUNTS; do
        mount_shared "${mount%%=*}" "${mount#*=}"
    done
    run_boot_hooks
    # After the hooks: a DC that is not the trusted source waits in them for replication, and by
    # then the trusted source's stack has replicated the deployment's admin secret to this region.
    write_runtime_env
    start_wso2
    log "done"
}

main "$@"
