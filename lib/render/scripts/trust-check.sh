#!/bin/bash
# Trust assertion (docs/artifacts.md, Keystores): WSO2 3.1.0's gateway verifies JWT access tokens
# and API keys against the truststore entry named by the token's `kid`, else
# `gateway_certificate_alias` (carbon-apimgt 08ea54ec, JWTValidator / GatewayUtils /
# APIUtil.getCertificateFromTrustStore). The pack's client-truststore.jks ships that alias, and
# `wso2carbon`, as the certificate of the key every WSO2 download contains: left there, anyone can
# sign a token the gateways accept. So before WSO2 starts, this checks that
#   - every alias of TRUST_ALIASES holds the deployment's certificate (same public key as the key
#     the primary keystore signs with), and
#   - no entry, under any alias, holds a public key of a certificate the pack ships with a public
#     private key (untrusted_public_keys: the pack's own wso2carbon key, read from its wso2carbon.jks).
# Keys are compared by the SHA-256 of their SubjectPublicKeyInfo, so a re-issued certificate of a
# key is caught too. Run by the keystore hook after it builds the stores, and by wso2am.service
# (ExecStartPre) before every start of the JVM; a failure names the store, the alias and both keys.
# The keystore hook and the truststore watch source it for its functions.
# Parameters: /etc/wso2-apim/keystore.env; passwords from the environment (runtime.env).
set -Eeuo pipefail
# keytool's listing is parsed ("Alias name: …"): its words in English whatever the node's locale.
export LC_ALL=C

# The SHA-256 of the public key of the PEM certificate on stdin.
public_key_sha256() {
    local der
    der=$(openssl x509 -noout -pubkey | openssl pkey -pubin -outform DER | sha256sum) || return 1
    printf '%s\n' "${der%% *}"
}

# Prints "<public key sha256> <alias>" for every entry of a store (the first certificate of a key
# entry's chain); the alias is the rest of the line, spaces and all. $1 store, $2 name of the
# variable holding its password, $3 store type.
store_public_keys() {
    local listing dir file
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
        printf '%s %s\n' "$(public_key_sha256 <"${file%.alias}.pem")" "$(<"$file")"
    done
    rm -rf "$dir"
}

# The SHA-256 of the public key of one entry. $1 store, $2 password variable, $3 alias, $4 type.
entry_public_key() {
    keytool -exportcert -rfc -alias "$3" -keystore "$1" -storetype "${4:-JKS}" -storepass:env "$2" | public_key_sha256
}

# The public keys no entry may hold, one SHA-256 a line: the pack's own wso2carbon key (read from
# the pack, whatever key it ships), the 3.1.0 pack's as pinned (PINNED_PUBLIC_KEYS, in case the
# pack's keystore was swapped), and those of the pack truststore's UNTRUSTED_PACK_ALIASES.
untrusted_public_keys() {
    local alias key
    entry_public_key "$SECURITY_DIR/$PACK_KEYSTORE" PACK_STORE_PASS "$PACK_KEY_ALIAS" || return 1
    for key in $PINNED_PUBLIC_KEYS; do echo "$key"; done
    for alias in $UNTRUSTED_PACK_ALIASES; do
        entry_public_key "$SECURITY_DIR/$PACK_TRUSTSTORE" PACK_STORE_PASS "$alias" 2>/dev/null || true
    done
}

# Splits a store_public_keys line into `key` and `alias` (the alias exactly, spaces at either end
# included: 3.1.0 stores an endpoint certificate's alias as given).
split_entry() {
    key=${1%% *}
    alias=${1#* }
}

# The public key under exactly alias $2, if any. $1 store_public_keys output.
key_of() {
    local line key alias
    while IFS= read -r line; do
        split_entry "$line"
        if [[ "$alias" == "$2" ]]; then echo "$key"; fi
    done <<<"$1"
}

# The untrusted keys' entries of a store, as store_public_keys lines. $1 store_public_keys output,
# $2 untrusted keys.
untrusted_entries() {
    local line key alias
    while IFS= read -r line; do
        [[ -n "$line" ]] || continue
        split_entry "$line"
        if grep -qxF "$key" <<<"$2"; then printf '%s\n' "$line"; fi
    done <<<"$1"
}

# Deletes from a store every entry holding one of the untrusted keys, and every entry under one of
# `$4` (aliases to be set again); prints the aliases of the untrusted ones it deleted.
# $1 store, $2 password variable, $3 untrusted keys (untrusted_public_keys), $4 aliases.
remove_entries() {
    local line key alias
    while IFS= read -r line; do
        split_entry "$line"
        if grep -qxF "$key" <<<"$3"; then
            echo "$alias"
        elif [[ " $4 " != *" $alias "* ]]; then
            continue
        fi
        keytool -delete -alias "$alias" -keystore "$1" -storepass:env "$2"
    done < <(store_public_keys "$1" "$2")
}

# $1 truststore, $2 its password variable, $3 the deployment key's public key hash, $4 the
# untrusted public keys (untrusted_public_keys). Prints every problem; returns 1 if there is one.
truststore_problems() {
    local keys line alias key problems=0
    keys=$(store_public_keys "$1" "$2") || { echo "$1 does not open with its password"; return 1; }
    for alias in $TRUST_ALIASES; do
        key=$(key_of "$keys" "$alias")
        if [[ -z "$key" ]]; then
            echo "$1 has no entry '$alias' (the gateway verifies tokens against it)"
            problems=1
        elif [[ "$key" != "$3" ]]; then
            echo "$1: '$alias' holds public key $key, not the deployment key $3"
            problems=1
        fi
    done
    while IFS= read -r line; do
        [[ -n "$line" ]] || continue
        split_entry "$line"
        echo "$1: '$alias' holds the public key $key of a certificate the WSO2 pack ships, whose private key is public"
        problems=1
    done < <(untrusted_entries "$keys" "$4")
    if grep -qxF "$3" <<<"$4"; then
        echo "the deployment key $3 is a key the WSO2 pack ships"
        problems=1
    fi
    return "$problems"
}

# The whole assertion over the installed stores; a failure is logged and ends with status 1.
check_installed_trust() {
    local untrusted deployment_key problems
    untrusted=$(untrusted_public_keys) ||
        { echo "wso2-trust-check: REFUSING to start WSO2: cannot read the pack's $PACK_KEYSTORE to know its public key" >&2; return 1; }
    deployment_key=$(entry_public_key "$SECURITY_DIR/$KEYSTORE_FILE" KEYSTORE_PASSWORD "$KEY_ALIAS") ||
        { echo "wso2-trust-check: REFUSING to start WSO2: cannot read '$KEY_ALIAS' from $SECURITY_DIR/$KEYSTORE_FILE" >&2; return 1; }
    if ! problems=$(truststore_problems "$TRUSTSTORE_PATH" TRUSTSTORE_PASSWORD "$deployment_key" "$untrusted"); then
        while read -r line; do echo "wso2-trust-check: REFUSING to start WSO2: $line" >&2; done <<<"$problems"
        return 1
    fi
    echo "wso2-trust-check: $TRUSTSTORE_PATH trusts the deployment key $deployment_key as $TRUST_ALIASES and no key the pack ships" >&2
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    KEYSTORE_ENV=${KEYSTORE_ENV:-/etc/wso2-apim/keystore.env}
    # shellcheck source=/dev/null
    source "$KEYSTORE_ENV"
    export PACK_STORE_PASS
    # wso2am.service has JAVA_HOME from runtime.env: its keytool, whatever the PATH.
    [[ -z "${JAVA_HOME:-}" ]] || PATH=$JAVA_HOME/bin:$PATH
    check_installed_trust
fi
