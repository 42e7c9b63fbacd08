import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

export interface StackSecretsArgs {
    region: string;
    /** Secrets are named `wso2-apim/<scope>/…`; the nodes may read exactly this prefix. */
    scope: string;
    /** Also generate the DBA account of a self-managed (ec2) Oracle host; RDS manages its own. */
    databaseMasterUser?: string;
}

/**
 * The stack's generated secrets, kept in Secrets Manager: the WSO2 admin password, the passwords
 * of the two schema owners and of the GoldenGate administrator. Nodes fetch them at boot with
 * their instance role; they never travel through user-data or stack outputs.
 */
export class StackSecrets extends pulumi.ComponentResource {
    readonly adminPasswordSecretArn: pulumi.Output<string>;
    readonly amDbPasswordSecretArn: pulumi.Output<string>;
    readonly sharedDbPasswordSecretArn: pulumi.Output<string>;
    readonly goldengatePasswordSecretArn: pulumi.Output<string>;
    /** With databaseMasterUser: {"username","password"} of the self-managed host's DBA. */
    readonly databaseMasterSecretArn?: pulumi.Output<string>;
    /** ARN prefix matching every secret of this component (for IAM policies). */
    readonly arnPrefix: pulumi.Output<string>;

    constructor(name: string, args: StackSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("wso2-apim:secrets:StackSecrets", name, {}, opts);
        const prefix = `wso2-apim/${args.scope}/`;

        this.adminPasswordSecretArn = this.generated(name, prefix, "wso2-admin", "WSO2 API Manager super admin password");
        this.amDbPasswordSecretArn = this.generated(name, prefix, "am-db", "Oracle password of the AM_DB schema owner");
        this.sharedDbPasswordSecretArn = this.generated(name, prefix, "shared-db", "Oracle password of the SHARED_DB schema owner");
        this.goldengatePasswordSecretArn = this.generated(name, prefix, "goldengate", "Oracle password of the GoldenGate administrator");
        if (args.databaseMasterUser) {
            const user = args.databaseMasterUser;
            this.databaseMasterSecretArn = this.generated(name, prefix, "db-master", "DBA account of the Oracle host",
                (password) => pulumi.jsonStringify({ username: user, password }));
        }

        const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
        this.arnPrefix = pulumi.interpolate`arn:aws:secretsmanager:${args.region}:${account}:secret:${prefix}`;
        this.registerOutputs({ arnPrefix: this.arnPrefix });
    }

    /** A random password in its own secret; returns the secret's ARN. */
    private generated(
        name: string,
        prefix: string,
        role: string,
        description: string,
        value: (password: pulumi.Output<string>) => pulumi.Output<string> = (password) => password,
    ): pulumi.Output<string> {
        const child = { parent: this };
        const password = new random.RandomPassword(`${name}-${role}`, {
            length: 32,
            // Characters that need no quoting in deployment.toml, systemd, shell or SQL*Plus.
            special: true,
            overrideSpecial: "-_.+=",
            minUpper: 2,
            minLower: 2,
            minNumeric: 2,
        }, child);
        const secret = new aws.secretsmanager.Secret(`${name}-${role}`, {
            namePrefix: `${prefix}${role}-`,
            description,
            recoveryWindowInDays: 7,
        }, child);
        new aws.secretsmanager.SecretVersion(`${name}-${role}`, { secretId: secret.id, secretString: value(password.result) }, child);
        return secret.arn;
    }
}
