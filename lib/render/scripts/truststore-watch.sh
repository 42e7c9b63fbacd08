#!/bin/bash
# Makes this node's gateway transports take up certificates another node of the DC added to the
# shared truststore (docs/artifacts.md, Keystores). WSO2 3.1.0 adds a runtime certificate by
# rewriting the JVM truststore on the node that received the admin call, then touching that node's
# own sslprofiles.xml or listenerprofiles.xml; the passthrough sender and listener rebuild their SSL
# contexts when that file's modification time moves (wso2-synapse v2.1.7-wso2v147
# DynamicProfileReloader, FileUpdateNotificationHandler). Token verification needs no help: it
# reloads the truststore itself when the file changes (carbon-apimgt 08ea54ec CertificateReLoader).
# Run every minute by wso2-truststore-watch.timer, as the service user. Parameters: keystore.env.
set -Eeuo pipefail

KEYSTORE_ENV=${KEYSTORE_ENV:-/etc/wso2-apim/keystore.env}
# shellcheck source=/dev/null
source "$KEYSTORE_ENV"

seen=$SECURITY_DIR/.truststore-seen
[[ -e "$TRUSTSTORE_PATH" ]] || exit 0
if [[ ! -e "$seen" || "$TRUSTSTORE_PATH" -nt "$seen" ]]; then
    for profiles in sslprofiles.xml listenerprofiles.xml; do
        [[ ! -e "$SECURITY_DIR/$profiles" ]] || touch "$SECURITY_DIR/$profiles"
    done
    touch -r "$TRUSTSTORE_PATH" "$seen"
    echo "wso2-truststore-watch: the shared truststore changed; the gateway's SSL profiles reload" >&2
fi
