#!/bin/bash
# Boot hook: installs the deployment's keystores and truststore (docs/artifacts.md, Keystores).
# Two key pairs, each a PKCS12 in Secrets Manager (binary, encrypted with KMS), the same in every
# DC: the primary key signs tokens and serves TLS; the internal key encrypts what WSO2 stores
# encrypted and is never rotated with the primary. The trusted source's first node to find one
# missing generates it; every other node waits for it. A supplied PKCS12 is checked (alias, password,
# expiry, RSA of 2048 bits or more) before anything is installed: a bad one stops the boot here,
# naming the secret, and the node keeps the stores it had.
# The truststore lives on the DC's shared file system (TRUSTSTORE_PATH), so the certificates WSO2
# adds at run time reach the DC's other nodes and outlive a node; each boot merges it with the
# pack's public CAs, removes every entry holding a key the pack ships (untrusted_public_keys in
# trust-check.sh) and trusts the deployment
# certificate under TRUST_ALIASES, then asserts the result (trust-check.sh).
# No password is ever on a command line (keytool :env). Parameters: /etc/wso2-apim/keystore.env.
set -Eeuo pipefail

KEYSTORE_ENV=${KEYSTORE_ENV:-/etc/wso2-apim/keystore.env}
# shellcheck source=/dev/null
source "$KEYSTORE_ENV"
# shellcheck source=/dev/null
source "$TRUST_CHECK_PATH"

log() { printf '%s wso2-keystore: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }
fail() { log "FAILED: $*"; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

password() {
    python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1" <<<"$passwords" ||
        fail "secret $PASSWORD_SECRET_ID has no $1"
}
passwords=$(aws secretsmanager get-secret-value --region "$AWS_REGION" --secret-id "$PASSWORD_SECRET_ID" --query SecretString --output text)
KEYSTORE_PASSWORD=$(password keystorePassword)
TRUSTSTORE_PASSWORD=$(password truststorePassword)
INTERNAL_KEYSTORE_PASSWORD=$(password internalKeystorePassword)
unset passwords
export KEYSTORE_PASSWORD TRUSTSTORE_PASSWORD INTERNAL_KEYSTORE_PASSWORD PACK_STORE_PASS

# The CLI prints a binary secret base64-encoded; a secret without a value yet fails.
fetch_key() {
    aws secretsmanager get-secret-value --region "$AWS_REGION" --secret-id "$1" \
        --query SecretBinary --output text 2>/dev/null | base64 -d >"$2" 2>/dev/null && [[ -s "$2" ]]
}

# $1 secret, $2 PKCS12 file, $3 password variable, $4 alias, $5 subject: the key pair, generated
# on the trusted source when missing, else waited for.
obtain_key() {
    if ! fetch_key "$1" "$2" && [[ "$TRUSTED_SOURCE" == true ]]; then
        log "no key in $1 yet: generating one"
        keytool -genkeypair -alias "$4" -keyalg RSA -keysize 3072 -validity "$VALIDITY_DAYS" -dname "$5" \
            -storetype PKCS12 -keystore "$work/new.p12" -storepass:env "$3" -keypass:env "$3"
        # A fixed version token: of two nodes racing, the second one's different key is refused
        # (PutSecretValue ClientRequestToken), and it uses the first one's.
        aws secretsmanager put-secret-value --region "$AWS_REGION" --secret-id "$1" \
            --secret-binary "fileb://$work/new.p12" --client-request-token "$KEY_VERSION_TOKEN" >/dev/null ||
            log "another node stored the key in $1 first"
        rm -f "$work/new.p12"
    fi
    local waited=0
    until fetch_key "$1" "$2"; do
        ((waited < KEY_WAIT_SECONDS)) || fail "no key in $1 after ${waited}s"
        log "waiting for the key in $1 (the trusted source's nodes create it; replication brings it here)"
        sleep 30
        waited=$((waited + 30))
    done
}

# $1 secret, $2 PKCS12 file, $3 password variable, $4 alias: what WSO2 needs of a key pair. Leaves
# the entry's certificate beside the file ($2 with .pem for .p12).
# RSA only: 3.1.0 signs JWTs with SHA256withRSA (carbon-apimgt 08ea54ec, APIMJWTGenerator / APIUtil.signJwt).
validate_key() {
    local entry pem=${2%.p12}.pem text bits
    if ! entry=$(keytool -list -rfc -alias "$4" -keystore "$2" -storetype PKCS12 -storepass:env "$3" 2>/dev/null); then
        keytool -list -keystore "$2" -storetype PKCS12 -storepass:env "$3" >/dev/null 2>&1 ||
            fail "secret $1: not a PKCS12 that opens with the $3 of $PASSWORD_SECRET_ID (wrong password, or not PKCS12)"
        fail "secret $1: no entry under alias '$4' (entries: $(keytool -list -keystore "$2" -storetype PKCS12 -storepass:env "$3" 2>/dev/null | awk -F', ' '/Entry, *$/ { printf "%s ", $1 }'))"
    fi
    [[ "$entry" == *PrivateKeyEntry* ]] || fail "secret $1: '$4' is a certificate, not a private key entry"
    awk '/^-----BEGIN CERTIFICATE-----$/ { on = 1 } on { print } /^-----END CERTIFICATE-----$/ { exit }' <<<"$entry" >"$pem"
    openssl x509 -noout -checkend 0 <"$pem" >/dev/null ||
        fail "secret $1: the certificate of '$4' expired ($(openssl x509 -noout -enddate <"$pem"))"
    text=$(openssl x509 -noout -text <"$pem")
    [[ "$text" == *"Public Key Algorithm: rsaEncryption"* ]] || fail "secret $1: the key of '$4' is not RSA"
    bits=$(sed -nE 's/.*Public-Key: \(([0-9]+) bit\).*/\1/p' <<<"$text")
    ((bits >= MIN_KEY_BITS)) || fail "secret $1: the key of '$4' has ${bits} bits; at least $MIN_KEY_BITS are needed"
}

# $1 PKCS12, $2 JKS, $3 password variable, $4 alias.
to_jks() {
    keytool -importkeystore -noprompt -srckeystore "$1" -srcstoretype PKCS12 -srcstorepass:env "$3" \
        -srcalias "$4" -destalias "$4" -destkeystore "$2" -deststoretype JKS \
        -deststorepass:env "$3" -destkeypass:env "$3" >/dev/null 2>&1
}

obtain_key "$KEY_SECRET_ID" "$work/key.p12" KEYSTORE_PASSWORD "$KEY_ALIAS" "$CERT_DNAME"
obtain_key "$INTERNAL_KEY_SECRET_ID" "$work/internal.p12" INTERNAL_KEYSTORE_PASSWORD "$INTERNAL_KEY_ALIAS" "$INTERNAL_CERT_DNAME"
validate_key "$KEY_SECRET_ID" "$work/key.p12" KEYSTORE_PASSWORD "$KEY_ALIAS"
validate_key "$INTERNAL_KEY_SECRET_ID" "$work/internal.p12" INTERNAL_KEYSTORE_PASSWORD "$INTERNAL_KEY_ALIAS"
to_jks "$work/key.p12" "$work/keystore.jks" KEYSTORE_PASSWORD "$KEY_ALIAS"
to_jks "$work/internal.p12" "$work/internal.jks" INTERNAL_KEYSTORE_PASSWORD "$INTERNAL_KEY_ALIAS"

untrusted=$(untrusted_public_keys) || fail "cannot read '$PACK_KEY_ALIAS' from the pack's $SECURITY_DIR/$PACK_KEYSTORE"
deployment_key=$(public_key_sha256 <"$work/key.pem")
! grep -qxF "$deployment_key" <<<"$untrusted" || fail "secret $KEY_SECRET_ID holds a key the WSO2 pack ships (its private key is public)"
! grep -qxF "$(public_key_sha256 <"$work/internal.pem")" <<<"$untrusted" ||
    fail "secret $INTERNAL_KEY_SECRET_ID holds a key the WSO2 pack ships (its private key is public)"

# The SHA-256 of a file's content ("none" when there is no file). Read, not stat'ed: on EFS a
# file's attributes may come from the client's cache, its content on open does not.
file_digest() {
    if [[ -e "$1" ]]; then sha256sum <"$1" | cut -d' ' -f1; else echo none; fi
}

# The truststore: the pack's public CAs, what the DC's truststore holds already (certificates WSO2
# added at run time) and this node's own earlier truststore (an upgrade: merged once, then kept
# aside), less every entry of a key the pack ships with a public private key, plus the deployment
# certificate under each trusted alias. Prints the digest of the shared file it merged; fails when
# that file is there but cannot be read (a node may be rewriting it).
build_truststore() {
    local previous removed merged
    cp "$SECURITY_DIR/$PACK_TRUSTSTORE" "$1"
    keytool -storepasswd -keystore "$1" -storepass:env PACK_STORE_PASS -new:env TRUSTSTORE_PASSWORD
    merged=$(file_digest "$TRUSTSTORE_PATH")
    for previous in "$TRUSTSTORE_PATH" "$SECURITY_DIR/$LOCAL_TRUSTSTORE_FILE"; do
        [[ -e "$previous" ]] || continue
        if ! keytool -importkeystore -noprompt -srckeystore "$previous" -srcstoretype JKS -srcstorepass:env TRUSTSTORE_PASSWORD \
            -destkeystore "$1" -deststoretype JKS -deststorepass:env TRUSTSTORE_PASSWORD >/dev/null 2>&1; then
            log "$previous does not open with the truststorePassword of $PASSWORD_SECRET_ID"
            [[ "$previous" != "$TRUSTSTORE_PATH" ]] || return 1
            continue
        fi
        log "kept the entries of $previous"
    done
    while IFS= read -r removed; do
        log "removed '$removed': it holds a key the WSO2 pack ships, whose private key is public"
    done < <(remove_entries "$1" TRUSTSTORE_PASSWORD "$untrusted" "$TRUST_ALIASES")
    for alias in $TRUST_ALIASES; do
        keytool -importcert -noprompt -alias "$alias" -file "$work/key.pem" -keystore "$1" -storepass:env TRUSTSTORE_PASSWORD 2>/dev/null
    done
    if ! problems=$(truststore_problems "$1" TRUSTSTORE_PASSWORD "$deployment_key" "$untrusted"); then
        fail "the truststore built does not hold: $problems"
    fi
    echo "$merged"
}

# Each file replaced in one step.
install_store() {
    install -m 0600 -o "$WSO2_USER" -g "$WSO2_USER" "$1" "$2.new"
    mv -f "$2.new" "$2"
}

# The DC's nodes share the truststore: one booting node at a time (a lock on the shared directory,
# which EFS keeps across clients), and a file WSO2 rewrote meanwhile on a running node (a runtime
# certificate) is merged again rather than overwritten.
exec {lock}>"$(dirname "$TRUSTSTORE_PATH")/.truststore.lock"
flock "$lock"
for attempt in 1 2 3 4 5; do
    if merged=$(build_truststore "$work/truststore.jks"); then
        [[ "$(file_digest "$TRUSTSTORE_PATH")" != "$merged" ]] || break
        log "$TRUSTSTORE_PATH changed while it was rebuilt; merging again"
    fi
    ((attempt < 5)) || fail "could not merge $TRUSTSTORE_PATH (see above; a password rotation: docs/artifacts.md, Rotation)"
    sleep 2
done
# Installed only now: a failure above leaves the stores as they were.
install_store "$work/keystore.jks" "$SECURITY_DIR/$KEYSTORE_FILE"
install_store "$work/internal.jks" "$SECURITY_DIR/$INTERNAL_KEYSTORE_FILE"
install_store "$work/truststore.jks" "$TRUSTSTORE_PATH"
# Public: the API reconciler pins this key when it calls the DCs' nodes.
install -m 0644 "$work/key.pem" "$DEPLOYMENT_CERTIFICATE"
flock -u "$lock"
if [[ -e "$SECURITY_DIR/$LOCAL_TRUSTSTORE_FILE" ]]; then
    mv -f "$SECURITY_DIR/$LOCAL_TRUSTSTORE_FILE" "$SECURITY_DIR/$LOCAL_TRUSTSTORE_FILE.merged"
fi
log "installed $KEYSTORE_FILE, $INTERNAL_KEYSTORE_FILE and $TRUSTSTORE_PATH (deployment key $deployment_key trusted as $TRUST_ALIASES)"

# deployment.toml names the passwords as $env{…}; the boot keeps them when it rewrites the file.
kept=$(grep -Ev '^(KEYSTORE_PASSWORD|TRUSTSTORE_PASSWORD|INTERNAL_KEYSTORE_PASSWORD)=' "$RUNTIME_ENV_FILE" 2>/dev/null) || true
(umask 077 && printf '%s\nKEYSTORE_PASSWORD=%s\nTRUSTSTORE_PASSWORD=%s\nINTERNAL_KEYSTORE_PASSWORD=%s\n' \
    "$kept" "$KEYSTORE_PASSWORD" "$TRUSTSTORE_PASSWORD" "$INTERNAL_KEYSTORE_PASSWORD" | sed '/^$/d' >"$RUNTIME_ENV_FILE")
log "KEYSTORE_PASSWORD, TRUSTSTORE_PASSWORD and INTERNAL_KEYSTORE_PASSWORD written to $RUNTIME_ENV_FILE"
