/**
 * Rolling node replacement (docs/nodes.md § Rolling replacement): each node has a health gate, a
 * CloudFormation stack holding a WaitConditionHandle and a WaitCondition, and node k+1 depends on
 * node k's gate. Everything here is pure: the gate's name, the hash of what takes a node out of
 * service, the template, and the node role's statements for the signal script.
 */
import { createHash } from "crypto";
import { PolicyStatement } from "./iam";

export const HEALTH_GATE = {
    /**
     * Seconds CloudFormation waits for the node's signal. A new node installs packages, downloads
     * and unpacks the pack, mounts EFS and starts WSO2 (minutes), then needs the target groups'
     * healthy threshold; an hour also covers one failed boot and its retry (wso2-boot.service
     * restarts a failed boot after 60 s). CloudFormation accepts at most 43200 s (CloudFormation
     * Template Reference, AWS::CloudFormation::WaitCondition, Timeout: "The maximum time that can
     * be specified for this property is 12 hours (43200 seconds)"). Outside the trusted source, a
     * DC that is not replication-ready never waits for it: its nodes signal at once.
     */
    timeoutSeconds: 3600,
    /**
     * Pulumi's own limit on the stack's create and update: the provider's default is 30 minutes
     * (Terraform AWS provider, aws_cloudformation_stack, Timeouts: create, update, delete 30m),
     * shorter than the wait. The WaitCondition's Timeout is a minimum bound ("can occur shortly
     * thereafter"), so Pulumi waits longer than it.
     */
    pulumiTimeout: "90m",
    /** Hex characters of the service identity's SHA-256 kept in the gate's keepers. */
    hashLength: 12,
    /** Random bytes of a gate generation's id (16 hex characters in the logical ids). */
    generationBytes: 8,
    handlePrefix: "NodeSignal",
    conditionPrefix: "NodeHealthy",
} as const;

/** The node's signal script, its health command, its parameters and its units (lib/render/health-signal.ts). */
export const HEALTH_SIGNAL = {
    scriptPath: "/usr/local/sbin/wso2-health-signal",
    healthCommandPath: "/usr/local/sbin/wso2-node-health",
    envPath: "/etc/wso2-apim/health-signal.env",
    unit: "wso2-health-signal",
    intervalSeconds: 60,
    /**
     * A run's bound (TimeoutStartSec): a oneshot has no start timeout by default (systemd.service(5),
     * TimeoutStartSec=), and a timer does not start a unit that is still starting, so one hung run
     * would end the signal for good. Under the period, so the next run starts on time.
     */
    timeoutSeconds: 50,
} as const;

/** The gate stack of node `ordinal` of a DC: letters, digits and hyphens, a letter first (WSO2-AWS-017). */
export function gateStackName(deployment: string, dcId: string, ordinal: number): string {
    return `${gateStackPrefix(deployment, dcId)}${ordinal}-gate`;
}

/** The gate stack of a DC's GoldenGate hub (docs/replication.md § The hub's health gate). */
export function hubGateStackName(deployment: string, dcId: string): string {
    return `${deployment}-${dcId.toLowerCase()}-goldengate-gate`;
}

function gateStackPrefix(deployment: string, dcId: string): string {
    return `${deployment}-${dcId.toLowerCase()}-node-`;
}

/** What takes a node out of service when it changes: a new instance, or a stop/start. */
export interface NodeServiceIdentity {
    instanceId: string;
    ami: string;
    instanceType: string;
    userData: string;
}

/**
 * A short hash of the node's service identity: a replacement (new instance id or AMI) or a
 * stop/start (instance type, user-data) changes it.
 */
export function serviceIdentityHash(identity: NodeServiceIdentity): string {
    const canonical = JSON.stringify([identity.instanceId, identity.ami, identity.instanceType, identity.userData]);
    return createHash("sha256").update(canonical).digest("hex").slice(0, HEALTH_GATE.hashLength);
}

/** The WaitCondition's own properties but its handle: a change of them needs a new WaitCondition. */
function waitConditionProperties(): { Count: number; Timeout: string } {
    return { Count: 1, Timeout: String(HEALTH_GATE.timeoutSeconds) };
}

/**
 * What starts a new gate generation (the keepers of the gate's random id): the node's service
 * identity and the WaitCondition's properties. A WaitCondition cannot be updated in place
 * (CloudFormation Template Reference, AWS::CloudFormation::WaitCondition: "Updates aren't
 * supported"), so a change of its properties alone (a new timeout) must give it a new logical id too.
 */
export function gateGenerationKeeper(identity: NodeServiceIdentity): string {
    return `${serviceIdentityHash(identity)}-${createHash("sha256").update(JSON.stringify(waitConditionProperties())).digest("hex").slice(0, 8)}`;
}

/** The stack output that carries the gate id of the template CloudFormation last completed. */
export const GATE_OUTPUT = "GateId";

/**
 * The gate's template (JSON). `gateId` is random per generation, never derived from the identity
 * alone: a WaitCondition added by an update needs a handle never defined in the template before
 * ("Don't reuse an old wait condition handle that has already been defined in the template. If
 * you reuse a wait condition handle, the wait condition might evaluate old signals from a previous
 * create or update stack command", AWS::CloudFormation::WaitConditionHandle), and reverting a node
 * to an earlier identity would otherwise re-create that identity's handle with its old SUCCESS.
 * Both logical ids carry the id, so each generation replaces both and waits for Count 1 success
 * signal; a timeout fails the update, which CloudFormation rolls back. The output `GateId` is
 * what CloudFormation reports only once an operation with this template completed
 * (DescribeStacks Outputs belong to the stack's current template: after a rollback, the old one's).
 * The WaitCondition's Metadata names the instance that may signal it: a replaced node's old
 * instance runs until Pulumi deletes it at the end of the update (create before delete), healthy
 * all along, and must not pass its successor's gate (the signal script compares the id).
 */
export function renderGateTemplate(gateId: string, instanceId: string, description: string): string {
    if (!/^[0-9a-f]{8,}$/.test(gateId)) throw new Error(`gate id must be at least 8 hex characters, got "${gateId}"`);
    const handle = `${HEALTH_GATE.handlePrefix}${gateId}`;
    return JSON.stringify({
        AWSTemplateFormatVersion: "2010-09-09",
        Description: description,
        Resources: {
            [handle]: { Type: "AWS::CloudFormation::WaitConditionHandle" },
            [`${HEALTH_GATE.conditionPrefix}${gateId}`]: {
                Type: "AWS::CloudFormation::WaitCondition",
                Metadata: { InstanceId: instanceId },
                Properties: { Handle: { Ref: handle }, ...waitConditionProperties() },
            },
        },
        Outputs: { [GATE_OUTPUT]: { Description: "Gate generation CloudFormation completed", Value: gateId } },
    }, null, 2);
}

/**
 * Why the gate `stackName` has not passed generation `gateId`, or null when it has: the gate
 * stack's outputs as Pulumi's state holds them must name this generation. They do only after
 * the provider read the stack back from CloudFormation following a completed create or update
 * (terraform-provider-aws, internal/service/cloudformation/stack.go: resourceStackRead sets
 * `outputs` from DescribeStacks; CustomizeDiff makes `outputs` unknown whenever the template
 * changes). After a failed update the provider's saved state has the new template but not its
 * output (hashicorp/terraform-plugin-sdk#476), so the next `pulumi up` sees no change in the
 * gate and would pass it: this check stops there instead (docs/nodes.md § A failed gate).
 */
export function gateNotPassed(stackName: string, gateId: string, outputs: Record<string, string> | undefined, generationUrn: string): string | null {
    const completed = outputs?.[GATE_OUTPUT];
    if (completed === gateId) return null;
    return `health gate ${stackName} has not passed generation ${gateId} (Pulumi's state records ${completed ? `generation ${completed} as the last completed` : "no completed generation: the last operation on it failed"}): ` +
        "an earlier pulumi up failed on this gate and Pulumi's state does not match CloudFormation. " +
        `Run \`pulumi up --refresh --replace '${generationUrn}'\`: the refresh reads the gate back from CloudFormation, ` +
        "and the new generation gives the retry a wait condition handle never used before (a reused one may evaluate old signals, AWS::CloudFormation::WaitConditionHandle).";
}

/**
 * What the node's signal script reads. DescribeStackResources takes a stack as its resource
 * (Service Authorization Reference, AWS CloudFormation: resource type `stack`,
 * arn:aws:cloudformation:<region>:<account>:stack/<name>/<id>), so the read is limited to this
 * DC's gate stacks by name. Elastic Load Balancing's Describe* actions, DescribeTargetHealth
 * among them, do not support resource-level permissions (Service Authorization Reference,
 * Elastic Load Balancing V2: no resource type listed for DescribeTargetHealth), so it is allowed
 * on "*"; it is read-only. The signal itself is a PUT to the handle's presigned S3 URL, which
 * needs no IAM permission. The replication-ready flag is already readable (node-permissions.ts).
 */
export function healthGateStatements(region: string, accountId: string, deployment: string, dcId: string): PolicyStatement[] {
    return [
        {
            Sid: "FindNodeHealthGates",
            Effect: "Allow",
            Action: ["cloudformation:DescribeStackResources", "cloudformation:DescribeStackResource"],
            Resource: `arn:aws:cloudformation:${region}:${accountId}:stack/${gateStackPrefix(deployment, dcId)}*-gate/*`,
        },
        { Sid: "ReadOwnTargetHealth", Effect: "Allow", Action: "elasticloadbalancing:DescribeTargetHealth", Resource: "*" },
    ];
}

/** What the hub's signal reads: its own gate stack's resources only (see healthGateStatements). */
export function hubGateStatements(region: string, accountId: string, deployment: string, dcId: string): PolicyStatement[] {
    return [{
        Sid: "FindHubHealthGate",
        Effect: "Allow",
        Action: ["cloudformation:DescribeStackResources", "cloudformation:DescribeStackResource"],
        Resource: `arn:aws:cloudformation:${region}:${accountId}:stack/${hubGateStackName(deployment, dcId)}/*`,
    }];
}
