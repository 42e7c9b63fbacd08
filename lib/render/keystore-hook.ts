/**
 * The keystore boot hook, from the stack's bucket like the database hook: lib/render/scripts/keystore.sh
 * with its parameters; the two scripts wso2am.service runs before every start, the trust assertion
 * (trust-check.sh) and secrets at rest (secrets-at-rest.sh: file modes, no secure WebSocket
 * endpoint, the secure vault); and the truststore watch (truststore-watch.sh) with its timer.
 */
import * as fs from "fs";
import * as path from "path";
import { internalKeySecretName, KEYSTORE, keystoreKeySecretName, keystorePasswordSecretName, SECRETS_AT_REST_PATH, SHARED_SECURITY_DIR, TRUST_CHECK_PATH, TRUSTSTORE_WATCH } from "../keystore";
import { APIM_HOME, WSO2_USER } from "../shared-paths";
import { shellQuote } from "./bootstrap-env";
import { VAULT_SECRETS } from "./deployment-toml";
import { RUNTIME_ENV_FILE } from "./systemd-unit";

export const KEYSTORE_SCRIPT = fs.readFileSync(path.join(__dirname, "scripts", "keystore.sh"), "utf8");
export const TRUST_CHECK_SCRIPT = fs.readFileSync(path.join(__dirname, "scripts", "trust-check.sh"), "utf8");
export const TRUSTSTORE_WATCH_SCRIPT = fs.readFileSync(path.join(__dirname, "scripts", "truststore-watch.sh"), "utf8");
export const SECRETS_AT_REST_SCRIPT = fs.readFileSync(path.join(__dirname, "scripts", "secrets-at-rest.sh"), "utf8");
export const KEYSTORE_ENV_PATH = "/etc/wso2-apim/keystore.env";
export const KEYSTORE_SCRIPT_PATH = "/usr/local/sbin/wso2-keystore";

export interface KeystoreHookInput {
    region: string;
    /** The deployment name and project of the secrets (lib/keystore.ts). */
    deployment: string;
    project: string;
    trustedSource: boolean;
    /** The certificate's subject, e.g. the public Publisher/Portal name. */
    commonName: string;
}

/** Where the scripts find the stores; tests point them into a directory. */
export interface KeystorePaths {
    apimHome: string;
    securityDir: string;
    sharedSecurityDir: string;
    runtimeEnvFile: string;
    trustCheckPath: string;
}

const NODE_PATHS: KeystorePaths = {
    apimHome: APIM_HOME,
    securityDir: KEYSTORE.securityDir,
    sharedSecurityDir: SHARED_SECURITY_DIR,
    runtimeEnvFile: RUNTIME_ENV_FILE,
    trustCheckPath: TRUST_CHECK_PATH,
};

/** Where the hook leaves the deployment certificate: beside the runtime environment file. */
export function deploymentCertificatePath(runtimeEnvFile: string = NODE_PATHS.runtimeEnvFile): string {
    return path.posix.join(path.posix.dirname(runtimeEnvFile), KEYSTORE.deploymentCertificateFile);
}

/** The scripts' parameters (no secrets: the pack's store password is public). */
export function keystoreEnv(input: KeystoreHookInput, paths: KeystorePaths = NODE_PATHS): [string, string][] {
    const env: [string, string | number][] = [
        ["AWS_REGION", input.region],
        ["PASSWORD_SECRET_ID", keystorePasswordSecretName(input.deployment, input.project)],
        ["KEY_SECRET_ID", keystoreKeySecretName(input.deployment, input.project)],
        ["INTERNAL_KEY_SECRET_ID", internalKeySecretName(input.deployment, input.project)],
        ["TRUSTED_SOURCE", String(input.trustedSource)],
        ["CERT_DNAME", `CN=${input.commonName}`],
        ["INTERNAL_CERT_DNAME", `CN=${input.commonName} internal encryption`],
        ["KEY_ALIAS", KEYSTORE.keyAlias],
        ["INTERNAL_KEY_ALIAS", KEYSTORE.internalKeyAlias],
        ["TRUST_ALIASES", KEYSTORE.trustAliases.join(" ")],
        ["MIN_KEY_BITS", KEYSTORE.minKeyBits],
        ["VALIDITY_DAYS", KEYSTORE.validityDays],
        ["KEY_WAIT_SECONDS", KEYSTORE.waitSeconds],
        ["KEY_VERSION_TOKEN", KEYSTORE.versionToken],
        ["APIM_HOME", paths.apimHome],
        ["SECURITY_DIR", paths.securityDir],
        ["KEYSTORE_FILE", KEYSTORE.keystoreFile],
        ["INTERNAL_KEYSTORE_FILE", KEYSTORE.internalKeystoreFile],
        ["TRUSTSTORE_PATH", `${paths.sharedSecurityDir}/${path.posix.basename(KEYSTORE.truststoreFile)}`],
        ["LOCAL_TRUSTSTORE_FILE", KEYSTORE.legacyTruststoreFile],
        ["PACK_KEYSTORE", KEYSTORE.pack.keystoreFile],
        ["PACK_KEY_ALIAS", KEYSTORE.pack.keyAlias],
        ["PACK_TRUSTSTORE", KEYSTORE.pack.truststoreFile],
        ["PACK_STORE_PASS", KEYSTORE.pack.storePassword],
        ["PINNED_PUBLIC_KEYS", KEYSTORE.pack.pinnedPublicKeys.join(" ")],
        ["UNTRUSTED_PACK_ALIASES", KEYSTORE.pack.untrustedAliases.join(" ")],
        ["WSO2_USER", WSO2_USER.name],
        ["RUNTIME_ENV_FILE", paths.runtimeEnvFile],
        ["DEPLOYMENT_CERTIFICATE", deploymentCertificatePath(paths.runtimeEnvFile)],
        ["TRUST_CHECK_PATH", paths.trustCheckPath],
        ["VAULT_SECRETS", VAULT_SECRETS.map(({ alias, variable }) => `${alias}=${variable}`).join(" ")],
    ];
    return env.map(([name, value]) => [name, String(value)]);
}

/** Writes a script to `target` (a here-document: the script text is taken as it is). */
function installed(target: string, script: string): string[] {
    return [`cat > ${target} <<'SCRIPT'`, script.trimEnd(), "SCRIPT", `chmod 0755 ${target}`];
}

/** The truststore watch's unit files by name: as the service user, every minute, only on the mounted shared directory. */
export function truststoreWatchUnits(): Record<string, string> {
    const lines = (...parts: string[]) => `${parts.join("\n")}\n`;
    return {
        [`${TRUSTSTORE_WATCH.unit}.service`]: lines(
            "[Unit]", "Description=Reloads the gateway's SSL profiles when the DC's shared truststore changed (docs/artifacts.md)",
            `RequiresMountsFor=${SHARED_SECURITY_DIR}`,
            // The truststore's password, as wso2am.service has it (once the keystore hook has written it).
            "", "[Service]", "Type=oneshot", `User=${WSO2_USER.name}`, `EnvironmentFile=-${RUNTIME_ENV_FILE}`,
            `ExecStart=${TRUSTSTORE_WATCH.scriptPath}`, "TimeoutStartSec=50",
        ),
        [`${TRUSTSTORE_WATCH.unit}.timer`]: lines(
            "[Unit]", "Description=Runs the truststore watch every minute",
            "", "[Timer]", `OnBootSec=${TRUSTSTORE_WATCH.intervalSeconds}`, `OnUnitActiveSec=${TRUSTSTORE_WATCH.intervalSeconds}`,
            "", "[Install]", "WantedBy=timers.target",
        ),
    };
}

/**
 * Its parameters, the two scripts wso2am.service runs before a start, the truststore watch and its
 * timer, then the hook's script.
 */
export function renderKeystoreHook(input: KeystoreHookInput): string {
    return [
        "#!/bin/bash",
        "# Boot hook: the deployment's keystores and truststore (docs/artifacts.md). Rendered by lib/render/keystore-hook.ts.",
        "set -euo pipefail",
        `cat > ${KEYSTORE_ENV_PATH} <<'ENV'`,
        ...keystoreEnv(input).map(([name, value]) => `${name}=${shellQuote(value)}`),
        "ENV",
        ...installed(TRUST_CHECK_PATH, TRUST_CHECK_SCRIPT),
        ...installed(SECRETS_AT_REST_PATH, SECRETS_AT_REST_SCRIPT),
        ...installed(TRUSTSTORE_WATCH.scriptPath, TRUSTSTORE_WATCH_SCRIPT),
        ...Object.entries(truststoreWatchUnits()).flatMap(([name, unit]) => [`cat > /etc/systemd/system/${name} <<'UNIT'`, unit.trimEnd(), "UNIT"]),
        "systemctl daemon-reload",
        `systemctl enable --now ${TRUSTSTORE_WATCH.unit}.timer`,
        ...installed(KEYSTORE_SCRIPT_PATH, KEYSTORE_SCRIPT),
        `exec bash ${KEYSTORE_SCRIPT_PATH}`,
        "",
    ].join("\n");
}
