#!/bin/bash
# Boot hook: installs the deployment's one keystore and truststore (docs/artifacts.md, Keystores).
# The key pair is a PKCS12 in Secrets Manager (binary, encrypted with KMS), the same in every DC:
# the trusted source's first node to find it missing generates it; every other node waits for it.
# The passwords are in a second secret; no password ever appears on a command line (keytool :env).
# Parameters: /etc/wso2-apim/keystore.env.
set -Eeuo pipefail

KEYSTORE_ENV=${KEYSTORE_ENV:-/etc/wso2-apim/keystore.env}
# shellcheck source=/dev/null
source "$KEYSTORE_ENV"

log() { printf '%s wso2-keystore: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

passwords=$(aws secretsmanager get-secret-value --region "$AWS_REGION" --secret-id "$PASSWORD_SECRET_ID" --query SecretString --output text)
KS_PASS=$(python3 -c 'import json, sys; print(json.load(sys.stdin)["keystorePassword"])' <<<"$passwords")
TS_PASS=$(python3 -c 'import json, sys; print(json.load(sys.stdin)["truststorePassword"])' <<<"$passwords")
export KS_PASS TS_PASS PACK_TS_PASS

# The CLI prints a binary secret base64-encoded; a secret without a value yet fails.
fetch_key() {
    aws secretsmanager get-secret-value --region "$AWS_REGION" --secret-id "$KEY_SECRET_ID" \
        --query SecretBinary --output text 2>/dev/null | base64 -d >"$work/key.p12" 2>/dev/null && [[ -s "$work/key.p12" ]]
}

if ! fetch_key && [[ "$TRUSTED_SOURCE" == true ]]; then
    log "no deployment key yet: generating one"
    keytool -genkeypair -alias "$KEY_ALIAS" -keyalg RSA -keysize 3072 -validity "$VALIDITY_DAYS" -dname "$CERT_DNAME" \
        -storetype PKCS12 -keystore "$work/new.p12" -storepass:env KS_PASS -keypass:env KS_PASS
    # A fixed version token: of two nodes racing, the second one's different key is refused
    # (PutSecretValue ClientRequestToken), and it uses the first one's.
    aws secretsmanager put-secret-value --region "$AWS_REGION" --secret-id "$KEY_SECRET_ID" \
        --secret-binary "fileb://$work/new.p12" --client-request-token "$KEY_VERSION_TOKEN" >/dev/null ||
        log "another node stored the deployment key first"
fi
waited=0
until fetch_key; do
    ((waited < KEY_WAIT_SECONDS)) || { log "FAILED: no deployment key in $KEY_SECRET_ID after ${waited}s"; exit 1; }
    log "waiting for the deployment key in $KEY_SECRET_ID (the trusted source's nodes create it; replication brings it here)"
    sleep 30
    waited=$((waited + 30))
done

keytool -importkeystore -noprompt -srckeystore "$work/key.p12" -srcstoretype PKCS12 -srcstorepass:env KS_PASS \
    -srcalias "$KEY_ALIAS" -destalias "$KEY_ALIAS" -destkeystore "$work/keystore.jks" -deststoretype JKS \
    -deststorepass:env KS_PASS -destkeypass:env KS_PASS
# The pack's truststore (its public CAs), under the deployment's password, plus the deployment's certificate.
cp "$SECURITY_DIR/$PACK_TRUSTSTORE" "$work/truststore.jks"
keytool -storepasswd -keystore "$work/truststore.jks" -storepass:env PACK_TS_PASS -new:env TS_PASS
keytool -exportcert -rfc -alias "$KEY_ALIAS" -keystore "$work/keystore.jks" -storepass:env KS_PASS -file "$work/cert.pem"
keytool -importcert -noprompt -alias "$TRUSTED_ALIAS" -file "$work/cert.pem" -keystore "$work/truststore.jks" -storepass:env TS_PASS

install -m 0640 -o "$WSO2_USER" -g "$WSO2_USER" "$work/keystore.jks" "$SECURITY_DIR/$KEYSTORE_FILE"
install -m 0640 -o "$WSO2_USER" -g "$WSO2_USER" "$work/truststore.jks" "$SECURITY_DIR/$TRUSTSTORE_FILE"
log "installed $KEYSTORE_FILE and $TRUSTSTORE_FILE"

# deployment.toml names both passwords as $env{…}; the boot keeps them when it rewrites the file.
kept=$(grep -Ev '^(KEYSTORE_PASSWORD|TRUSTSTORE_PASSWORD)=' "$RUNTIME_ENV_FILE" 2>/dev/null) || true
(umask 077 && printf '%s\nKEYSTORE_PASSWORD=%s\nTRUSTSTORE_PASSWORD=%s\n' "$kept" "$KS_PASS" "$TS_PASS" | sed '/^$/d' >"$RUNTIME_ENV_FILE")
log "KEYSTORE_PASSWORD and TRUSTSTORE_PASSWORD written to $RUNTIME_ENV_FILE"
