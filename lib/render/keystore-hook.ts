/** The keystore boot hook (lib/render/scripts/keystore.sh with its parameters), from the stack's bucket like the database hook. */
import * as fs from "fs";
import * as path from "path";
import { KEYSTORE, keystoreKeySecretName, keystorePasswordSecretName } from "../keystore";
import { WSO2_USER } from "../shared-paths";
import { shellQuote } from "./bootstrap-env";
import { RUNTIME_ENV_FILE } from "./systemd-unit";

export const KEYSTORE_SCRIPT = fs.readFileSync(path.join(__dirname, "scripts", "keystore.sh"), "utf8");
export const KEYSTORE_ENV_PATH = "/etc/wso2-apim/keystore.env";
export const KEYSTORE_SCRIPT_PATH = "/usr/local/sbin/wso2-keystore";

export interface KeystoreHookInput {
    region: string;
    project: string;
    trustedSource: boolean;
    /** The certificate's subject, e.g. the public Publisher/Portal name. */
    commonName: string;
}

/** Its parameters (no secrets: the pack's truststore password is public), then the script. */
export function renderKeystoreHook(input: KeystoreHookInput): string {
    const env: [string, string | number][] = [
        ["AWS_REGION", input.region],
        ["PASSWORD_SECRET_ID", keystorePasswordSecretName(input.project)],
        ["KEY_SECRET_ID", keystoreKeySecretName(input.project)],
        ["TRUSTED_SOURCE", String(input.trustedSource)],
        ["CERT_DNAME", `CN=${input.commonName}`],
        ["KEY_ALIAS", KEYSTORE.keyAlias],
        ["TRUSTED_ALIAS", KEYSTORE.trustedAlias],
        ["VALIDITY_DAYS", KEYSTORE.validityDays],
        ["KEY_WAIT_SECONDS", KEYSTORE.waitSeconds],
        ["KEY_VERSION_TOKEN", KEYSTORE.versionToken],
        ["SECURITY_DIR", KEYSTORE.securityDir],
        ["KEYSTORE_FILE", KEYSTORE.keystoreFile],
        ["TRUSTSTORE_FILE", KEYSTORE.truststoreFile],
        ["PACK_TRUSTSTORE", KEYSTORE.packTruststore.file],
        ["PACK_TS_PASS", KEYSTORE.packTruststore.password],
        ["WSO2_USER", WSO2_USER.name],
        ["RUNTIME_ENV_FILE", RUNTIME_ENV_FILE],
    ];
    return [
        "#!/bin/bash",
        "# Boot hook: the deployment's keystore (docs/artifacts.md). Rendered by lib/render/keystore-hook.ts.",
        "set -euo pipefail",
        `cat > ${KEYSTORE_ENV_PATH} <<'ENV'`,
        ...env.map(([name, value]) => `${name}=${shellQuote(String(value))}`),
        "ENV",
        `cat > ${KEYSTORE_SCRIPT_PATH} <<'SCRIPT'`,
        KEYSTORE_SCRIPT.trimEnd(),
        "SCRIPT",
        `exec bash ${KEYSTORE_SCRIPT_PATH}`,
        "",
    ].join("\n");
}
