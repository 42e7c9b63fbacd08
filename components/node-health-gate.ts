import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { HEALTH_GATE, renderGateTemplate, serviceIdentityHash } from "../lib/health-gate";

export interface NodeHealthGateArgs {
    /** CloudFormation stack name (gateStackName): the node's signal script finds it by this name. */
    stackName: string;
    /**
     * The node the gate waits for. Its outputs are what it has after the change (an ignored AMI
     * stays the running one); a changed user-data changes the provider's `userData` output, in
     * clear or hashed, either way.
     */
    instance: aws.ec2.Instance;
    /** What the node cannot be healthy without (the database): the gate, and its clock, start after them. */
    after: pulumi.Resource[];
}

/**
 * One node's health gate (docs/nodes.md § Rolling replacement): a CloudFormation stack whose
 * WaitCondition completes only when the node signals that it is healthy behind the ALB (or that
 * its DC is not replication-ready yet). Its logical ids carry the hash of the node's instance id,
 * AMI, instance type and user-data, so a replacement or a stop/start of the node updates the
 * stack with a new WaitCondition that waits again. The next node of the region depends on
 * `stack`, so Pulumi touches it only after this gate completed.
 */
export class NodeHealthGate extends pulumi.ComponentResource {
    readonly stack: aws.cloudformation.Stack;

    constructor(name: string, args: NodeHealthGateArgs, opts?: pulumi.ComponentResourceOptions) {
        super("wso2-apim:compute:NodeHealthGate", name, {}, opts);
        const instance = args.instance;
        const template = pulumi
            .all([instance.id, instance.ami, instance.instanceType, instance.userData])
            .apply(([instanceId, ami, instanceType, userData]) => renderGateTemplate(
                serviceIdentityHash({ instanceId, ami, instanceType, userData: userData ?? "" }),
                `Health gate of ${instanceId}: completes when the node signals it is healthy behind the ALB`,
            ));
        this.stack = new aws.cloudformation.Stack(`${name}-stack`, {
            name: args.stackName,
            templateBody: template,
            // A first create that times out is deleted, so the next `pulumi up` can create it again;
            // a failed update is rolled back by CloudFormation and can be updated again.
            onFailure: "DELETE",
        }, {
            parent: this,
            dependsOn: args.after,
            customTimeouts: { create: HEALTH_GATE.pulumiTimeout, update: HEALTH_GATE.pulumiTimeout },
        });
        this.registerOutputs({ stackId: this.stack.id });
    }
}
