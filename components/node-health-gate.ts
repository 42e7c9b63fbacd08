import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { gateGenerationKeeper, gateNotPassed, HEALTH_GATE, renderGateTemplate } from "../lib/health-gate";

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
    /** What the node's signal means, in the template's description ("the node signals it is healthy behind the ALB"). */
    completesWhen: string;
}

/**
 * One host's health gate (docs/nodes.md § Rolling replacement): a CloudFormation stack whose
 * WaitCondition completes only when the host signals that it is healthy (a node: behind the ALB,
 * or its DC is not replication-ready yet; the GoldenGate hub: its Manager and groups run). A replacement or a stop/start of the node (its instance
 * id, AMI, instance type or user-data change), or a change of the WaitCondition itself, starts a
 * new generation with a random id never used before: the stack is updated with a new handle and
 * WaitCondition that wait again. `passed` resolves only once Pulumi's state shows CloudFormation
 * completed this generation; the next node of the region depends on it.
 */
export class NodeHealthGate extends pulumi.ComponentResource {
    readonly stack: aws.cloudformation.Stack;
    /** The gate stack, once it has passed the current generation (else the program stops with why). */
    readonly passed: pulumi.Output<aws.cloudformation.Stack>;

    constructor(name: string, args: NodeHealthGateArgs, opts?: pulumi.ComponentResourceOptions) {
        super("wso2-apim:compute:NodeHealthGate", name, {}, opts);
        const instance = args.instance;
        const generation = new random.RandomId(`${name}-generation`, {
            byteLength: HEALTH_GATE.generationBytes,
            keepers: {
                gate: pulumi.all([instance.id, instance.ami, instance.instanceType, instance.userData])
                    .apply(([instanceId, ami, instanceType, userData]) => gateGenerationKeeper({ instanceId, ami, instanceType, userData: userData ?? "" })),
            },
        }, { parent: this });
        const template = pulumi.all([generation.hex, instance.id]).apply(([gateId, instanceId]) => renderGateTemplate(
            gateId,
            instanceId,
            `Health gate of ${instanceId}: completes when ${args.completesWhen}`,
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
        const stack = this.stack;
        this.passed = pulumi.all([stack.outputs, generation.hex, generation.urn]).apply(([outputs, gateId, generationUrn]) => {
            const problem = gateNotPassed(args.stackName, gateId, outputs, generationUrn);
            if (problem) throw new pulumi.RunError(problem);
            return stack;
        });
        this.registerOutputs({ stackId: this.stack.id });
    }
}
