#!/bin/bash
# Secrets at rest in the WSO2 home (docs/artifacts.md, Keystores). Run by wso2am.service before
# every start of the JVM, as the service user, with the passwords in its environment (runtime.env).
# 1. Every file of the WSO2 home on this node's disk becomes the service user's alone: config-mapper
#    (1.0.2) writes the $env{} values it substitutes into the XML it renders, into
#    repository/resources/conf/.metadata and into backup/, keeping an existing file's mode; the
#    unit's UMask=0077 covers the files it creates.
# 2. The secure WebSocket inbound endpoint is not deployed: 3.1.0 renders it from a template on
#    every start, with the keystore password in clear, into synapse-configs, which is on the DC's
#    EFS (and its backups); it reads no secure-vault reference (product-apim #11319) and the ALB
#    does not forward its port. Its template and its rendered file are removed.
# 3. WSO2's secure vault holds the passwords 3.1.0 resolves through it: deployment.toml refers to
#    them as $secret{alias}, so config-mapper writes the reference, not the value:
#   - each password of VAULT_SECRETS (alias=VARIABLE) is encrypted with the internal key's public
#     key, RSA-OAEP (SHA-1, MGF1-SHA-1), as secretRepositories.file.algorithm below names it for
#     securevault 1.1.3's FileBaseSecretRepository; a ciphertext from an earlier start that still
#     decrypts to the current value is kept, so the file only changes when a password does, and
#     each new one is decrypted again before it is used (a value the vault cannot decrypt would
#     silently become the alias name: securevault returns "" and WSO2 uses the alias);
#   - the [secrets] table is appended to the installed deployment.toml (config-mapper renders it
#     into repository/conf/security/cipher-text.properties);
#   - secret-conf.properties is written (only WSO2's cipher tool writes it; the pack has none);
#   - password-persist in the WSO2 home gives the vault its keystore's password (carbon-kernel
#     v4.6.0 DefaultSecretCallbackHandler reads it at every start of the JVM and keeps it).
# Parameters: /etc/wso2-apim/keystore.env.
set -Eeuo pipefail

KEYSTORE_ENV=${KEYSTORE_ENV:-/etc/wso2-apim/keystore.env}
# shellcheck source=/dev/null
source "$KEYSTORE_ENV"
[[ -z "${JAVA_HOME:-}" ]] || PATH=$JAVA_HOME/bin:$PATH

fail() { echo "wso2-secrets-at-rest: REFUSING to start WSO2: $*" >&2; exit 1; }

umask 077
# Only the service user's own files can be changed here, and only those can hold what WSO2 renders;
# one that cannot (made by root) is named, not fatal.
# APIM_HOME is a symlink to the current pack version: the trailing / makes find start inside it.
find "$APIM_HOME/" -xdev ! -type l -perm /077 -user "$(id -u)" -exec chmod go= {} +
find "$APIM_HOME/" -xdev ! -type l -perm /077 ! -user "$(id -u)" -printf "wso2-secrets-at-rest: %p is not the service user's and stays readable (mode %m)\n" >&2
wss=repository/deployment/server/synapse-configs/default/inbound-endpoints/SecureWebSocketInboundEndpoint.xml
rm -f "$APIM_HOME/repository/resources/conf/templates/$wss.j2" "$APIM_HOME/$wss"
# config-mapper 1.0.2 reads every file its metadata lists and exits on a missing one (MetaDataParser
# getChangedFiles → ConfigParserException → carbon-kernel Main: System.exit(1)); without the
# metadata it renders everything again, as on a first start. So a listed file that is gone (the
# endpoint above, removed here or by another node of the DC on the shared synapse-configs) drops it.
metadata=$APIM_HOME/repository/resources/conf/.metadata/metadata_config.properties
first_missing_output() {
    local line
    [[ -s "$metadata" ]] || return 0
    while IFS= read -r line; do
        [[ "$line" != \#* && "$line" == *=* && ! -e "$APIM_HOME/${line%%=*}" ]] || continue
        echo "${line%%=*}"
        return
    done <"$metadata"
}
gone=$(first_missing_output)
if [[ -n "$gone" ]]; then
    echo "wso2-secrets-at-rest: $gone is gone: config-mapper renders every file again" >&2
    rm -f "$metadata"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

toml=$APIM_HOME/repository/conf/deployment.toml
security=$APIM_HOME/repository/conf/security
sealed=$security/wso2-apim-sealed.properties
keystore=$SECURITY_DIR/$INTERNAL_KEYSTORE_FILE
oaep=(-pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha1 -pkeyopt rsa_mgf1_md:sha1)

[[ -n "${INTERNAL_KEYSTORE_PASSWORD:-}" ]] || fail "INTERNAL_KEYSTORE_PASSWORD is not in the environment (the keystore hook writes it to runtime.env)"
keytool -importkeystore -noprompt -srckeystore "$keystore" -srcstoretype JKS -srcstorepass:env INTERNAL_KEYSTORE_PASSWORD \
    -srcalias "$INTERNAL_KEY_ALIAS" -destkeystore "$work/internal.p12" -deststoretype PKCS12 \
    -deststorepass:env INTERNAL_KEYSTORE_PASSWORD -destkeypass:env INTERNAL_KEYSTORE_PASSWORD >/dev/null 2>&1 ||
    fail "cannot read '$INTERNAL_KEY_ALIAS' from $keystore"
openssl pkcs12 -in "$work/internal.p12" -nocerts -nodes -passin env:INTERNAL_KEYSTORE_PASSWORD -out "$work/key.pem" 2>/dev/null
openssl pkey -in "$work/key.pem" -pubout -out "$work/public.pem"

decrypt() { base64 -d <<<"$1" 2>/dev/null | openssl pkeyutl -decrypt -inkey "$work/key.pem" "${oaep[@]}" 2>/dev/null; }

declare -A previous=()
if [[ -s "$sealed" ]]; then
    while IFS= read -r line; do previous[${line%%=*}]=${line#*=}; done <"$sealed"
fi

: >"$work/sealed"
: >"$work/secrets"
for pair in $VAULT_SECRETS; do
    alias=${pair%%=*}
    variable=${pair#*=}
    value=${!variable:-}
    [[ -n "$value" ]] || fail "$variable is not in the environment; it is sealed as \$secret{$alias}"
    ciphertext=${previous[$alias]:-}
    if [[ -z "$ciphertext" || "$(decrypt "$ciphertext")" != "$value" ]]; then
        ciphertext=$(printf '%s' "$value" | openssl pkeyutl -encrypt -pubin -inkey "$work/public.pem" "${oaep[@]}" | base64 -w0)
        [[ "$(decrypt "$ciphertext")" == "$value" ]] || fail "the sealed $alias does not decrypt to $variable"
    fi
    printf '%s=%s\n' "$alias" "$ciphertext" >>"$work/sealed"
    printf '%s = "%s"\n' "$alias" "$ciphertext" >>"$work/secrets"
done

# The rendered file ends before the marker; a restart without a boot finds the table already there.
marker="# [secrets]: sealed at start by wso2-secrets-at-rest"
sed -i "/^$(sed 's/[][\\/.*^$]/\\&/g' <<<"$marker")\$/,\$d" "$toml"
printf '%s\n[secrets]\n' "$marker" >>"$toml"
cat "$work/secrets" >>"$toml"

mkdir -p "$security"
cp "$work/sealed" "$sealed"
cat >"$security/secret-conf.properties" <<PROPERTIES
# Written by wso2-secrets-at-rest at every start (docs/artifacts.md, Keystores).
secVault.enabled=true
carbon.secretProvider=org.wso2.securevault.secret.handler.SecretManagerSecretCallbackHandler
secretRepositories=file
secretRepositories.file.provider=org.wso2.securevault.secret.repository.FileBaseSecretRepositoryProvider
secretRepositories.file.location=repository/conf/security/cipher-text.properties
secretRepositories.file.algorithm=RSA/ECB/OAEPwithSHA1andMGF1Padding
keystore.identity.location=$keystore
keystore.identity.type=JKS
keystore.identity.alias=$INTERNAL_KEY_ALIAS
keystore.identity.store.password=identity.store.password
keystore.identity.store.secretProvider=org.wso2.carbon.securevault.DefaultSecretCallbackHandler
keystore.identity.key.password=identity.key.password
keystore.identity.key.secretProvider=org.wso2.carbon.securevault.DefaultSecretCallbackHandler
PROPERTIES
# password-persist, not password-tmp: a restart from the console or ServerAdmin (exit 121) starts a
# new JVM inside wso2server.sh's loop, without this step, and the vault would find no password.
# Nothing new is exposed: the JVM's environment (runtime.env) already holds it.
# A `password` or `password-tmp` file would be read first (and deleted): none is left.
rm -f "$APIM_HOME/password" "$APIM_HOME/password-tmp"
printf '%s\n' "$INTERNAL_KEYSTORE_PASSWORD" >"$APIM_HOME/password-persist"
echo "wso2-secrets-at-rest: sealed $(cut -d= -f1 "$work/sealed" | tr '\n' ' ')with $keystore" >&2
