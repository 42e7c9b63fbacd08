#!/bin/bash
# Trust assertion (docs/artifacts.md, Keystores): WSO2 3.1.0's gateway verifies JWT access tokens
# and API keys against the truststore entry `gateway_certificate_alias` (carbon-apimgt 08ea54ec,
# GatewayUtils / APIUtil.getCertificateFromTrustStore). The pack's client-truststore.jks ships that
# alias, and `wso2carbon`, as the certificate of the key every WSO2 download contains: left there,
# anyone can sign a token the gateways accept. So before WSO2 starts, this checks that
#   - every alias of TRUST_ALIASES holds the deployment's certificate (same public key as the key
#     the primary keystore signs with), and
#   - no entry, under any alias, holds the pack's public key (read from the pack's own wso2carbon.jks).
# Keys are compared by the SHA-256 of their SubjectPublicKeyInfo, so a re-issued certificate of the
# pack's key is caught too. Run by the keystore hook after it builds the stores, and by wso2am.service
# (ExecStartPre) before every start of the JVM; a failure names the store, the alias and both keys.
# Parameters: /etc/wso2-apim/keystore.env; passwords from the environment (runtime.env).
set -Eeuo pipefail

# The SHA-256 of the public key of the PEM certificate on stdin.
public_key_sha256() {
    local der
    der=$(openssl x509 -noout -pubkey | openssl pkey -pubin -outform DER | sha256sum) || return 1
    printf '%s\n' "${der%% *}"
}

# Prints "<alias> <public key sha256>" for every entry of a store (the first certificate of a key
# entry's chain). $1 store, $2 name of the variable holding its password, $3 store type.
store_public_keys() {
    local listing dir alias file
    listing=$(keytool -list -rfc -keystore "$1" -storetype "${3:-JKS}" -storepass:env "$2") || return 1
    dir=$(mktemp -d)
    # keytool -list -rfc: "Alias name: <alias>", then the entry's certificate(s) as PEM.
    awk -v dir="$dir" '
        /^Alias name: / { n++; alias = substr($0, 13); print alias > (dir "/" n ".alias"); close(dir "/" n ".alias"); inpem = 0; done = 0; next }
        /^-----BEGIN CERTIFICATE-----$/ && n && !done { inpem = 1 }
        inpem { print > (dir "/" n ".pem") }
        /^-----END CERTIFICATE-----$/ && inpem { inpem = 0; done = 1; close(dir "/" n ".pem") }
    ' <<<"$listing"
    for file in "$dir"/*.alias; do
        [[ -e "$file" ]] || continue
        alias=$(<"$file")
        printf '%s %s\n' "$alias" "$(public_key_sha256 <"${file%.alias}.pem")"
    done
    rm -rf "$dir"
}

# The SHA-256 of the public key of one entry. $1 store, $2 password variable, $3 alias, $4 type.
entry_public_key() {
    keytool -exportcert -rfc -alias "$3" -keystore "$1" -storetype "${4:-JKS}" -storepass:env "$2" | public_key_sha256
}

# $1 truststore, $2 its password variable, $3 the deployment key's public key hash, $4 the pack's.
# Prints every problem; returns 1 if there is one.
truststore_problems() {
    local keys alias key expected problems=0
    keys=$(store_public_keys "$1" "$2") || { echo "$1 does not open with its password"; return 1; }
    for alias in $TRUST_ALIASES; do
        key=$(awk -v a="$alias" '$1 == a { print $2 }' <<<"$keys")
        if [[ -z "$key" ]]; then
            echo "$1 has no entry '$alias' (the gateway verifies tokens against it)"
            problems=1
        elif [[ "$key" != "$3" ]]; then
            echo "$1: '$alias' holds public key $key, not the deployment key $3"
            problems=1
        fi
    done
    while read -r alias key; do
        if [[ "$key" == "$4" ]]; then
            echo "$1: '$alias' holds the pack's public wso2carbon key $4 (its private key ships in every WSO2 download)"
            problems=1
        fi
    done <<<"$keys"
    expected=$3
    [[ "$expected" != "$4" ]] || { echo "the deployment key is the pack's public wso2carbon key $4"; problems=1; }
    return "$problems"
}

# The whole assertion over the installed stores; a failure is logged and ends with status 1.
check_installed_trust() {
    local pack_key deployment_key problems
    pack_key=$(entry_public_key "$SECURITY_DIR/$PACK_KEYSTORE" PACK_STORE_PASS "$PACK_KEY_ALIAS") ||
        { echo "wso2-trust-check: REFUSING to start WSO2: cannot read the pack's $PACK_KEYSTORE to know its public key" >&2; return 1; }
    deployment_key=$(entry_public_key "$SECURITY_DIR/$KEYSTORE_FILE" KEYSTORE_PASSWORD "$KEY_ALIAS") ||
        { echo "wso2-trust-check: REFUSING to start WSO2: cannot read '$KEY_ALIAS' from $SECURITY_DIR/$KEYSTORE_FILE" >&2; return 1; }
    if ! problems=$(truststore_problems "$TRUSTSTORE_PATH" TRUSTSTORE_PASSWORD "$deployment_key" "$pack_key"); then
        while read -r line; do echo "wso2-trust-check: REFUSING to start WSO2: $line" >&2; done <<<"$problems"
        return 1
    fi
    echo "wso2-trust-check: $TRUSTSTORE_PATH trusts the deployment key $deployment_key as $TRUST_ALIASES and not the pack's key" >&2
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    KEYSTORE_ENV=${KEYSTORE_ENV:-/etc/wso2-apim/keystore.env}
    # shellcheck source=/dev/null
    source "$KEYSTORE_ENV"
    export PACK_STORE_PASS
    check_installed_trust
fi
