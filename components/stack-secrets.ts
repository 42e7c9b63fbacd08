import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

export interface StackSecretsArgs {
    region: string;
    /** Secrets are named `wso2-apim/<scope>/…`; the nodes may read exactly this prefix. */
    scope: string;
}

/**
 * The stack's generated secrets, kept in Secrets Manager. Nodes fetch them at boot with their
 * instance role; they never travel through user-data or stack outputs. The database issue adds
 * the schema and GoldenGate passwords here.
 */
export class StackSecrets extends pulumi.ComponentResource {
    readonly adminPasswordSecretArn: pulumi.Output<string>;
    /** ARN prefix matching every secret of this component (for IAM policies). */
    readonly arnPrefix: pulumi.Output<string>;

    constructor(name: string, args: StackSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("wso2-apim:secrets:StackSecrets", name, {}, opts);
        const child = { parent: this };
        const prefix = `wso2-apim/${args.scope}/`;

        const adminPassword = new random.RandomPassword(`${name}-wso2-admin`, {
            length: 32,
            // Characters that need no quoting in deployment.toml, systemd or shell.
            special: true,
            overrideSpecial: "-_.+=",
            minUpper: 2,
            minLower: 2,
            minNumeric: 2,
        }, child);
        const adminSecret = new aws.secretsmanager.Secret(`${name}-wso2-admin`, {
            namePrefix: `${prefix}wso2-admin-`,
            description: "WSO2 API Manager super admin password",
            recoveryWindowInDays: 7,
        }, child);
        new aws.secretsmanager.SecretVersion(`${name}-wso2-admin`, {
            secretId: adminSecret.id,
            secretString: adminPassword.result,
        }, child);

        const account = aws.getCallerIdentityOutput({}, child).accountId;
        this.adminPasswordSecretArn = adminSecret.arn;
        this.arnPrefix = pulumi.interpolate`arn:aws:secretsmanager:${args.region}:${account}:secret:${prefix}`;
        this.registerOutputs({ adminPasswordSecretArn: this.adminPasswordSecretArn });
    }
}
