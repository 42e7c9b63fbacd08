#!/bin/bash
# Boots a datacenter's GoldenGate hub at every start: GoldenGate itself (from the AMI, or once
# from the installer in S3), the parameter files from the boot bucket, the database credential
# from Secrets Manager into the credential store, then the Manager. Extract, pumps and
# Replicats are added and started by the operator (docs/replication.md): their order depends
# on the initial load. Parameters come from hub.env (rendered by the Pulumi program, no secrets).
set -Eeuo pipefail

# shellcheck source=/dev/null
source "${HUB_ENV:-/etc/goldengate/hub.env}"

log() { printf '%s goldengate-hub: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"; }
fail() { log "FAILED: $*"; exit 1; }
trap 'fail "line ${LINENO}: ${BASH_COMMAND}"' ERR

# GGSCI reads its commands on stdin, so that no password is ever on a command line.
ggsci() { (cd "$OGG_HOME" && runuser -u "$OGG_USER" -- ./ggsci); }

create_user() {
    getent passwd "$OGG_USER" >/dev/null || useradd --system --create-home --shell /bin/bash "$OGG_USER"
    install -d -o "$OGG_USER" -g "$OGG_USER" "$OGG_HOME" "$INVENTORY_DIR"
}

install_goldengate() {
    if [[ -x "$OGG_HOME/ggsci" ]]; then
        log "GoldenGate already in $OGG_HOME"
        return
    fi
    [[ -n "$INSTALLER_S3_URI" ]] ||
        fail "no GoldenGate in $OGG_HOME and no installer: use an AMI that has it or set goldengateInstallerS3Uri"
    log "installing GoldenGate from $INSTALLER_S3_URI"
    dnf install -y -q unzip libaio libnsl
    local staging installer
    staging=$(mktemp -d)
    aws s3 cp --only-show-errors "$INSTALLER_S3_URI" "$staging/goldengate.zip"
    unzip -q "$staging/goldengate.zip" -d "$staging"
    installer=$(find "$staging" -name runInstaller -type f | head -n 1)
    [[ -n "$installer" ]] || fail "$INSTALLER_S3_URI holds no runInstaller (is it the GoldenGate for Oracle installer zip?)"
    cat >"$staging/goldengate.rsp" <<RSP
oracle.install.responseFileVersion=/oracle/install/rspfmt_ogginstall_response_schema_v19_1_0
INSTALL_OPTION=ORA19c
SOFTWARE_LOCATION=$OGG_HOME
START_MANAGER=false
INVENTORY_LOCATION=$INVENTORY_DIR
UNIX_GROUP_NAME=$OGG_USER
RSP
    chown -R "$OGG_USER:$OGG_USER" "$staging"
    runuser -u "$OGG_USER" -- "$installer" -silent -waitforcompletion -responseFile "$staging/goldengate.rsp"
    rm -rf "$staging"
    [[ -x "$OGG_HOME/ggsci" ]] || fail "the installer did not put ggsci in $OGG_HOME"
}

fetch_files() {
    log "copying the parameter files from $FILES_S3_PREFIX"
    printf 'CREATE SUBDIRS\n' | ggsci >/dev/null
    aws s3 cp --recursive --only-show-errors "$FILES_S3_PREFIX" "$OGG_HOME/"
    chown -R "$OGG_USER:$OGG_USER" "$OGG_HOME/GLOBALS" "$OGG_HOME/dirprm"
}

# The secret holds the plain password or {"password": "..."} (docs/database.md, Interfaces).
store_credential() {
    local secret password verb=ADD
    secret=$(aws secretsmanager get-secret-value --region "$AWS_REGION" --secret-id "$SECRET_ID" --query SecretString --output text)
    password=$(printf '%s' "$secret" | python3 -c 'import json,sys
text = sys.stdin.read()
try:
    print(json.loads(text)["password"])
except (ValueError, TypeError, KeyError):
    print(text)')
    if printf 'INFO CREDENTIALSTORE DOMAIN %s\n' "$CREDENTIAL_DOMAIN" | ggsci | grep -q "Alias: $CREDENTIAL_ALIAS\$"; then
        verb=REPLACE
    fi
    log "storing alias $CREDENTIAL_ALIAS ($DB_USER@$DB_CONNECT) in domain $CREDENTIAL_DOMAIN"
    # printf is a builtin: the password reaches GGSCI through the pipe only.
    printf '%s\n' "ALTER CREDENTIALSTORE $verb USER $DB_USER@$DB_CONNECT PASSWORD $password ALIAS $CREDENTIAL_ALIAS DOMAIN $CREDENTIAL_DOMAIN" |
        ggsci >/dev/null
    printf 'INFO CREDENTIALSTORE DOMAIN %s\n' "$CREDENTIAL_DOMAIN" | ggsci | grep -q "Alias: $CREDENTIAL_ALIAS\$" ||
        fail "alias $CREDENTIAL_ALIAS is not in the credential store"
}

start_manager() {
    log "starting the Manager"
    printf 'START MANAGER\n' | ggsci
}

create_user
install_goldengate
fetch_files
store_credential
start_manager
log "ready: add the processes with 'OBEY dirprm/setup.oby' (docs/replication.md)"
