#!/bin/bash
# Follows the DC's shared truststore while WSO2 runs (docs/artifacts.md, Keystores). Run every
# minute by wso2-truststore-watch.timer, as the service user, with runtime.env. When the file
# changed since the last run:
#   - an entry holding a key the WSO2 pack ships with a public private key (untrusted_public_keys in
#     trust-check.sh) is removed: 3.1.0 adds any certificate a Publisher user uploads under any
#     alias, and a token's `kid` can name that alias; the gateway's token check reloads the file by
#     itself within seconds (carbon-apimgt 08ea54ec CertificateReLoader);
#   - this node's sslprofiles.xml and listenerprofiles.xml are touched: 3.1.0 adds a runtime
#     certificate by rewriting the JVM truststore on the node that received the admin call, then
#     touching only that node's profile file, and the passthrough sender and listener rebuild their
#     SSL contexts when that file's time moves (wso2-synapse v2.1.7-wso2v147 DynamicProfileReloader).
# Parameters: /etc/wso2-apim/keystore.env.
set -Eeuo pipefail

KEYSTORE_ENV=${KEYSTORE_ENV:-/etc/wso2-apim/keystore.env}
# shellcheck source=/dev/null
source "$KEYSTORE_ENV"
# shellcheck source=/dev/null
source "$TRUST_CHECK_PATH"
export PACK_STORE_PASS
[[ -z "${JAVA_HOME:-}" ]] || PATH=$JAVA_HOME/bin:$PATH

seen=$SECURITY_DIR/.truststore-seen
# Until the keystore hook has installed the truststore and written its password, nothing to follow.
[[ -e "$TRUSTSTORE_PATH" && -n "${TRUSTSTORE_PASSWORD:-}" ]] || exit 0
[[ ! -e "$seen" || "$TRUSTSTORE_PATH" -nt "$seen" ]] || exit 0
# The time of the file as read now: a change made while this runs is newer, and the next run sees it.
touch -r "$TRUSTSTORE_PATH" "$seen.next"

untrusted=$(untrusted_public_keys)
if [[ -n "$(untrusted_entries "$(store_public_keys "$TRUSTSTORE_PATH" TRUSTSTORE_PASSWORD)" "$untrusted")" ]]; then
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    exec {lock}>"$(dirname "$TRUSTSTORE_PATH")/.truststore.lock"
    flock "$lock"
    cp "$TRUSTSTORE_PATH" "$work/truststore.jks"
    removed=$(remove_entries "$work/truststore.jks" TRUSTSTORE_PASSWORD "$untrusted" "" | tr '\n' ' ')
    cp "$work/truststore.jks" "$TRUSTSTORE_PATH.new"
    mv -f "$TRUSTSTORE_PATH.new" "$TRUSTSTORE_PATH"
    flock -u "$lock"
    echo "wso2-truststore-watch: REMOVED from $TRUSTSTORE_PATH: ${removed}(each held a key the WSO2 pack ships, whose private key is public)" >&2
fi
for profiles in sslprofiles.xml listenerprofiles.xml; do
    [[ ! -e "$SECURITY_DIR/$profiles" ]] || touch "$SECURITY_DIR/$profiles"
done
mv -f "$seen.next" "$seen"
echo "wso2-truststore-watch: the shared truststore changed; the gateway's SSL profiles reload" >&2
