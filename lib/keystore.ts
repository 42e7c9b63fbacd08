/**
 * The deployment's keystores and truststore (docs/artifacts.md, Keystores), replacing the pack's
 * `wso2carbon.jks`, whose private key ships in every WSO2 download. Tokens and JWTs signed in one
 * DC must validate in every other, and data encrypted in one DC replicates to the others, so every
 * DC uses the same two key pairs (primary and internal): secrets the trusted source's stack creates
 * under fixed names, replicated to the other DCs' regions like the admin secret
 * (components/stack-secrets.ts).
 */
import * as path from "path";
import { PolicyStatement } from "./iam";
import { APIM_HOME, SHARED_PATHS } from "./shared-paths";

/** Where the DC's nodes share the truststore (an EFS access point). */
export const SHARED_SECURITY_DIR = SHARED_PATHS.find((p) => p.key === "security")!.path;

/** The trust assertion (lib/render/scripts/trust-check.sh): the keystore hook installs it, wso2am.service runs it. */
export const TRUST_CHECK_PATH = "/usr/local/sbin/wso2-trust-check";
/** Touches the node's SSL profiles when the shared truststore changed (lib/render/scripts/truststore-watch.sh), every minute. */
export const TRUSTSTORE_WATCH = { scriptPath: "/usr/local/sbin/wso2-truststore-watch", unit: "wso2-truststore-watch", intervalSeconds: 60 } as const;
/** Secrets at rest in the WSO2 home, the secure vault's included (lib/render/scripts/secrets-at-rest.sh): installed and run likewise. */
export const SECRETS_AT_REST_PATH = "/usr/local/sbin/wso2-secrets-at-rest";

/** The truststore's file name: on the DC's shared directory now, on each node in earlier versions. */
const TRUSTSTORE_NAME = "wso2-apim-truststore.jks";

export const KEYSTORE = {
    /**
     * The deployment certificate (public), written by the keystore hook beside the node's runtime
     * environment file: the API reconciler pins its key when it calls the nodes (lib/api-reconciler.ts).
     */
    deploymentCertificateFile: "deployment-certificate.pem",
    /** Installed beside the pack's own files, which stay untouched. */
    securityDir: `${APIM_HOME}/repository/resources/security`,
    keystoreFile: "wso2-apim-deployment.jks",
    /** The internal keystore: Carbon encrypts stored secrets with it (docs/artifacts.md); never rotated with the primary. */
    internalKeystoreFile: "wso2-apim-internal.jks",
    /**
     * The truststore, as `[truststore] file_name`: every 3.1.0 template prefixes the name with
     * `repository/resources/security/` (carbon-kernel v4.6.0 carbon.xml.j2, product-apim v3.1.0
     * default.json), so a name under the shared directory points every consumer at the DC's copy.
     */
    truststoreFile: `${path.posix.basename(SHARED_SECURITY_DIR)}/${TRUSTSTORE_NAME}`,
    /** Where earlier versions kept each node's truststore: merged once, so certificates WSO2 added there are kept. */
    legacyTruststoreFile: TRUSTSTORE_NAME,
    /**
     * The pack's own stores and the password both ship with (carbon-kernel v4.6.0 default.json
     * `keystore.primary.*`, `truststore.*`): its `wso2carbon` key is public, its truststore holds
     * the public CAs and, under two aliases, that key's certificate.
     */
    pack: {
        keystoreFile: "wso2carbon.jks", keyAlias: "wso2carbon", truststoreFile: "client-truststore.jks", storePassword: "wso2carbon",
        /**
         * SHA-256 of the SubjectPublicKeyInfo of the wso2carbon key the 3.1.0 pack ships (carbon-kernel
         * v4.6.0 repository/resources/security/wso2carbon.jks; product-apim v3.1.0 client-truststore.jks
         * holds its certificate as `wso2carbon` and `gateway_certificate_alias`), refused even if a
         * pack's own wso2carbon.jks was replaced. The pack's key is read from the pack as well.
         */
        pinnedPublicKeys: ["caa08ab78bb6223dd7f464a988b788e2fbd5a5899033b1cdf19f8727def145e3"],
        /**
         * Pack truststore entries nothing of this deployment is signed by, whose keys are refused
         * too: the self-signed `CN=localhost` certificate of WSO2 API-M Analytics' default keystore.
         * A token's `kid` can name any alias the gateway trusts.
         */
        untrustedAliases: ["apim_analytics3.0.0"],
    },
    /** The primary key's alias: the pack's (default.json `keystore.primary.alias`), so anything configured by alias still finds the key. */
    keyAlias: "wso2carbon",
    internalKeyAlias: "wso2-apim-internal",
    /**
     * The aliases the deployment certificate is trusted under, the pack's certificate under none:
     * `gateway_certificate_alias`, the one 3.1.0's gateway verifies JWT access tokens and API keys
     * with (carbon-apimgt 08ea54ec, APIConstants.GATEWAY_PUBLIC_CERTIFICATE_ALIAS; docs/artifacts.md
     * traces it), and the signing key's own alias.
     */
    trustAliases: ["gateway_certificate_alias", "wso2carbon"],
    /** The smallest RSA key a supplied PKCS12 may hold. */
    minKeyBits: 2048,
    validityDays: 3650,
    /** How long a node outside the trusted source waits for the key to be generated and replicated. */
    waitSeconds: 3600,
    /** PutSecretValue ClientRequestToken of a generated key's version (32–64 characters). */
    versionToken: "wso2-apim-deployment-keystore-v1-0000000000",
    hookKey: "boot.d/55-keystore.sh",
} as const;

/** {"keystorePassword","truststorePassword","internalKeystorePassword"}: letters and digits, generated by the trusted source's stack. */
export function keystorePasswordSecretName(deployment: string, project: string): string {
    return `${deployment}/${project}/wso2-keystore-passwords`;
}

/** The key pair as a PKCS12 (SecretBinary), stored under the keystore password. */
export function keystoreKeySecretName(deployment: string, project: string): string {
    return `${deployment}/${project}/wso2-keystore-key`;
}

/** The internal key pair as a PKCS12 (SecretBinary), stored under the internal keystore password. */
export function internalKeySecretName(deployment: string, project: string): string {
    return `${deployment}/${project}/wso2-internal-key`;
}

/**
 * Read the three secrets (or their replicas) in the node's region; the trusted source's nodes may also
 * store the generated key. Secrets Manager ends a secret's ARN with `-` and six random characters.
 */
export function keystoreStatements(access: { region: string; accountId: string; deployment: string; project: string; trustedSource: boolean }): PolicyStatement[] {
    const arn = (name: string) => `arn:aws:secretsmanager:${access.region}:${access.accountId}:secret:${name}-??????`;
    const keys = [arn(keystoreKeySecretName(access.deployment, access.project)), arn(internalKeySecretName(access.deployment, access.project))];
    return [
        { Sid: "ReadDeploymentKeystore", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: [arn(keystorePasswordSecretName(access.deployment, access.project)), ...keys] },
        ...(access.trustedSource ? [{ Sid: "StoreDeploymentKey", Effect: "Allow", Action: "secretsmanager:PutSecretValue", Resource: keys }] : []),
    ];
}
