import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { assumeRolePolicy } from "../lib/iam";

export interface InstanceRoleArgs {
    /** The role's own inline policy document (least privilege); omit for SSM access alone. */
    policy?: pulumi.Input<string>;
}

/**
 * The IAM identity of an EC2 host we run: managed through SSM Session Manager (no SSH key, no
 * port 22), plus the reads its boot needs. The instance profile is what the instance names.
 */
export class InstanceRole extends pulumi.ComponentResource {
    readonly profileName: pulumi.Output<string>;
    /**
     * The role's policy and policy attachments. The profile alone does not carry them: an instance
     * launched before they exist boots without its permissions, and its one-shot boot fails.
     */
    readonly ready: pulumi.Resource[];

    constructor(name: string, args: InstanceRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        super("wso2-apim:iam:InstanceRole", name, {}, opts);
        const child = { parent: this };

        const role = new aws.iam.Role(`${name}-role`, { assumeRolePolicy: assumeRolePolicy("ec2.amazonaws.com") }, child);
        const ssm = new aws.iam.RolePolicyAttachment(`${name}-ssm`, {
            role: role.name,
            policyArn: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
        }, child);
        const access = args.policy ? [new aws.iam.RolePolicy(`${name}-access`, { role: role.id, policy: args.policy }, child)] : [];
        const profile = new aws.iam.InstanceProfile(`${name}-profile`, { role: role.name }, child);

        this.profileName = profile.name;
        this.ready = [ssm, ...access];
        this.registerOutputs({ profileName: this.profileName });
    }
}
