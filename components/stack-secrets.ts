import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

/**
 * Passwords the program generates for Oracle accounts. Oracle 19c Security Guide, "Minimum
 * Requirements for Passwords": at most 30 bytes. Letters, digits and `_` need no quoting care
 * anywhere they go: the quoted `IDENTIFIED BY "…"` and `CONNECT user/"…"` of SQL*Plus, a DEFINE
 * value, GGSCI's unquoted `ALTER CREDENTIALSTORE … PASSWORD …`, a systemd environment file.
 */
export const ORACLE_PASSWORD = { length: 30, special: true, overrideSpecial: "_", minUpper: 2, minLower: 2, minNumeric: 2 } as const;

/**
 * The WSO2 super admin's password: letters and digits only. WSO2 3.1.0 writes it unencoded into
 * AMQP connection URLs (`amqp://<user>:<password>@clientid/carbon?brokerlist=…`, carbon-apimgt
 * 6.6.163 conf templates jndi.properties.j2 and api-manager.xml.j2), where `: @ / ? & ; '` end a
 * part of the URL. 30 at most: carbon-kernel 4.6.0's user store default `PasswordJavaRegEx` is
 * `^[\S]{5,30}$`, so the console accepts the same password when an operator sets it again.
 */
export const ADMIN_PASSWORD = { length: 30, special: false, minUpper: 2, minLower: 2, minNumeric: 2 } as const;

/**
 * The fixed name of the deployment's one WSO2 admin secret, the same in every region: the trusted
 * source's stack creates it and Secrets Manager keeps a replica under this name in every other
 * datacenter's region, so each node reads it by name in its own region.
 */
export function adminSecretName(deployment: string, project: string): string {
    return `${deployment}/${project}/wso2-admin`;
}

/** The deployment's keystore secrets (lib/keystore.ts). */
export interface KeystoreSecretNames {
    passwordSecretName: string;
    /** The primary key pair: signs tokens, serves TLS. */
    keySecretName: string;
    /** The internal key pair: encrypts what WSO2 stores encrypted; never rotated with the primary. */
    internalKeySecretName: string;
}

export interface StackSecretsArgs {
    region: string;
    /** Secrets are named `<scope>/…` (`<deploymentName>/<dc>`); the nodes may read exactly this prefix. */
    scope: string;
    /**
     * The divergence checker's secret, by a fixed name in this scope (divergenceCheckerSecretName):
     * the trusted source's hub names every DC's one without reading later stacks.
     */
    checkerSecretName: string;
    /** Also generate the DBA account of a self-managed (ec2) Oracle host; RDS manages its own. */
    databaseMasterUser?: string;
    /**
     * The deployment's WSO2 admin secret (adminSecretName). `replicaRegions` is set in the trusted
     * source's stack only, which creates the secret with a replica in each of those regions; every
     * other stack only reads the replica in its own region.
     */
    admin: { name: string; replicaRegions?: string[] };
    /**
     * The deployment's keystore secrets (lib/keystore.ts), created like the admin secret: in the
     * trusted source's stack only (with `replicaRegions`), replicated to every other DC's region.
     */
    keystore?: KeystoreSecretNames & { replicaRegions: string[] };
}

/**
 * The stack's generated secrets, kept in Secrets Manager: the passwords of the two schema owners
 * and of the GoldenGate administrator, and, in the trusted source's stack, the deployment's WSO2
 * admin password. Nodes fetch them at boot with their instance role; they never travel through
 * user-data or stack outputs.
 */
export class StackSecrets extends pulumi.ComponentResource {
    readonly amDbPasswordSecretArn: pulumi.Output<string>;
    readonly sharedDbPasswordSecretArn: pulumi.Output<string>;
    readonly goldengatePasswordSecretArn: pulumi.Output<string>;
    readonly checkerPasswordSecretArn: pulumi.Output<string>;
    /** With databaseMasterUser: {"username","password"} of the self-managed host's DBA. */
    readonly databaseMasterSecretArn?: pulumi.Output<string>;
    /** ARN prefix matching every secret of this component's scope (for IAM policies). */
    readonly arnPrefix: pulumi.Output<string>;
    /** What the nodes pass as the secret id: the admin secret's name, valid in every region. */
    readonly adminSecretId: string;
    /**
     * The admin secret (or its replica) in this region, for IAM: Secrets Manager ends a secret's
     * ARN with `-` and six random characters, and a replica keeps the primary's ARN but for the region.
     */
    readonly adminSecretArnPattern: pulumi.Output<string>;

    constructor(name: string, args: StackSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("wso2-apim:secrets:StackSecrets", name, {}, opts);
        const prefix = `${args.scope}/`;

        this.amDbPasswordSecretArn = this.oraclePassword(name, prefix, "am-db", "Oracle password of the AM_DB schema owner");
        this.sharedDbPasswordSecretArn = this.oraclePassword(name, prefix, "shared-db", "Oracle password of the SHARED_DB schema owner");
        this.goldengatePasswordSecretArn = this.oraclePassword(name, prefix, "goldengate", "Oracle password of the GoldenGate administrator");
        if (!args.checkerSecretName.startsWith(prefix)) throw new Error(`the checker secret ${args.checkerSecretName} is not in scope ${prefix}`);
        this.checkerPasswordSecretArn = this.oraclePassword(name, prefix, "divergence-checker",
            "Oracle password of the divergence check's read-only user", undefined, args.checkerSecretName);
        if (args.databaseMasterUser) {
            const user = args.databaseMasterUser;
            this.databaseMasterSecretArn = this.oraclePassword(name, prefix, "db-master", "DBA account of the Oracle host",
                (password) => pulumi.jsonStringify({ username: user, password }));
        }
        // Replicas go to every other datacenter's region, once each.
        const otherRegions = (regions: string[]) => [...new Set(regions)].filter((region) => region !== args.region);
        if (args.admin.replicaRegions) this.adminSecret(name, args.admin.name, otherRegions(args.admin.replicaRegions));
        if (args.keystore) this.keystoreSecrets(name, { ...args.keystore, replicaRegions: otherRegions(args.keystore.replicaRegions) });

        const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
        this.arnPrefix = pulumi.interpolate`arn:aws:secretsmanager:${args.region}:${account}:secret:${prefix}`;
        this.adminSecretId = args.admin.name;
        this.adminSecretArnPattern = pulumi.interpolate`arn:aws:secretsmanager:${args.region}:${account}:secret:${args.admin.name}-??????`;
        this.registerOutputs({ arnPrefix: this.arnPrefix, adminSecretId: this.adminSecretId });
    }

    /** An Oracle password (ORACLE_PASSWORD) in its own secret of this stack's scope; returns the secret's ARN. */
    private oraclePassword(
        name: string,
        prefix: string,
        role: string,
        description: string,
        value: (password: pulumi.Output<string>) => pulumi.Output<string> = (password) => password,
        fixedName?: string,
    ): pulumi.Output<string> {
        const child = { parent: this };
        const password = new random.RandomPassword(`${name}-${role}`, { ...ORACLE_PASSWORD }, child);
        const secret = new aws.secretsmanager.Secret(`${name}-${role}`, {
            ...(fixedName ? { name: fixedName } : { namePrefix: `${prefix}${role}-` }),
            description,
            recoveryWindowInDays: 7,
        }, child);
        new aws.secretsmanager.SecretVersion(`${name}-${role}`, { secretId: secret.id, secretString: value(password.result) }, child);
        return secret.arn;
    }

    /**
     * The deployment's admin secret, under its fixed name, replicated to the other datacenters'
     * regions. Deleting it keeps the name taken for the 7-day recovery window (DeleteSecret): a
     * stack re-created within it fails to create the secret until the operator restores and imports
     * it, or deletes it for good (docs/database.md § The WSO2 admin secret).
     */
    private adminSecret(name: string, secretName: string, replicaRegions: string[]): void {
        const child = { parent: this };
        const password = new random.RandomPassword(`${name}-wso2-admin`, { ...ADMIN_PASSWORD }, child);
        const secret = this.deploymentSecret(`${name}-wso2-admin`, secretName,
            "WSO2 API Manager super admin password of the whole deployment (every datacenter)", replicaRegions);
        new aws.secretsmanager.SecretVersion(`${name}-wso2-admin`, { secretId: secret.id, secretString: password.result }, child);
    }

    /**
     * The stores' passwords (generated here, letters and digits) and the secrets the two key pairs
     * go into. Those get no value from the program: the trusted source's first node stores the keys
     * it generates, or the user stores their own before the first boot (docs/artifacts.md).
     * Secrets Manager encrypts them with KMS, in every replica's region.
     */
    private keystoreSecrets(name: string, keystore: KeystoreSecretNames & { replicaRegions: string[] }): void {
        const child = { parent: this };
        const generated = (role: string) => new random.RandomPassword(`${name}-${role}-password`, { ...ADMIN_PASSWORD }, child).result;
        const passwords = this.deploymentSecret(`${name}-keystore-passwords`, keystore.passwordSecretName,
            "WSO2 API Manager keystore and truststore passwords of the whole deployment (every datacenter)", keystore.replicaRegions);
        new aws.secretsmanager.SecretVersion(`${name}-keystore-passwords`, {
            secretId: passwords.id,
            secretString: pulumi.jsonStringify({
                keystorePassword: generated("keystore"),
                truststorePassword: generated("truststore"),
                internalKeystorePassword: generated("internal-keystore"),
            }),
        }, child);
        this.deploymentSecret(`${name}-keystore-key`, keystore.keySecretName,
            "WSO2 API Manager signing and TLS key pair of the whole deployment (PKCS12), stored by the trusted source node that generates it", keystore.replicaRegions);
        this.deploymentSecret(`${name}-internal-key`, keystore.internalKeySecretName,
            "WSO2 API Manager internal (encryption) key pair of the whole deployment (PKCS12), stored by the trusted source node that generates it", keystore.replicaRegions);
    }

    /** A secret of the whole deployment under its fixed name, with a replica in each of `replicaRegions`. */
    private deploymentSecret(resourceName: string, secretName: string, description: string, replicaRegions: string[]): aws.secretsmanager.Secret {
        return new aws.secretsmanager.Secret(resourceName, {
            name: secretName,
            description,
            recoveryWindowInDays: 7,
            replicas: replicaRegions.map((region) => ({ region })),
        }, { parent: this });
    }
}
