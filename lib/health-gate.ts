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
    /** Hex characters of the SHA-256 kept in the logical ids. */
    hashLength: 12,
    handlePrefix: "NodeSignal",
    conditionPrefix: "NodeHealthy",
} as const;

/** The node's signal script, its parameters and its units (lib/render/health-signal.ts). */
export const HEALTH_SIGNAL = {
    scriptPath: "/usr/local/sbin/wso2-health-signal",
    envPath: "/etc/wso2-apim/health-signal.env",
    unit: "wso2-health-signal",
    intervalSeconds: 60,
} as const;

/** The gate stack of node `ordinal` of a DC: letters, digits and hyphens, a letter first (WSO2-AWS-017). */
export function gateStackName(dcId: string, ordinal: number): string {
    return `${gateStackPrefix(dcId)}${ordinal}-gate`;
}

function gateStackPrefix(dcId: string): string {
    return `wso2-apim-${dcId.toLowerCase()}-node-`;
}

/** What takes a node out of service when it changes: a new instance, or a stop/start. */
export interface NodeServiceIdentity {
    instanceId: string;
    ami: string;
    instanceType: string;
    userData: string;
}

/**
 * A short hash of the node's service identity. A replacement (new instance id or AMI) or a
 * stop/start (instance type, user-data) changes it, and with it the logical ids of the gate's
 * resources: CloudFormation then creates a new WaitCondition that waits for a new signal.
 */
export function serviceIdentityHash(identity: NodeServiceIdentity): string {
    const canonical = JSON.stringify([identity.instanceId, identity.ami, identity.instanceType, identity.userData]);
    return createHash("sha256").update(canonical).digest("hex").slice(0, HEALTH_GATE.hashLength);
}

/**
 * The gate's template (JSON). A WaitCondition and its handle cannot be updated in place
 * (CloudFormation Template Reference, AWS::CloudFormation::WaitCondition and
 * WaitConditionHandle: "Updates aren't supported"), and a new WaitCondition needs a new handle
 * ("Don't reuse an old wait condition handle"): both logical ids carry the hash, so a changed
 * node means a stack update that replaces both and waits for Count 1 success signal. A timeout
 * fails the update, which CloudFormation rolls back, and Pulumi's `up` fails there.
 */
export function renderGateTemplate(hash: string, description: string): string {
    if (!/^[0-9a-f]+$/.test(hash)) throw new Error(`gate hash must be hex, got "${hash}"`);
    const handle = `${HEALTH_GATE.handlePrefix}${hash}`;
    return JSON.stringify({
        AWSTemplateFormatVersion: "2010-09-09",
        Description: description,
        Resources: {
            [handle]: { Type: "AWS::CloudFormation::WaitConditionHandle" },
            [`${HEALTH_GATE.conditionPrefix}${hash}`]: {
                Type: "AWS::CloudFormation::WaitCondition",
                Properties: { Handle: { Ref: handle }, Count: 1, Timeout: String(HEALTH_GATE.timeoutSeconds) },
            },
        },
    }, null, 2);
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
export function healthGateStatements(region: string, accountId: string, dcId: string): PolicyStatement[] {
    return [
        {
            Sid: "FindNodeHealthGates",
            Effect: "Allow",
            Action: "cloudformation:DescribeStackResources",
            Resource: `arn:aws:cloudformation:${region}:${accountId}:stack/${gateStackPrefix(dcId)}*-gate/*`,
        },
        { Sid: "ReadOwnTargetHealth", Effect: "Allow", Action: "elasticloadbalancing:DescribeTargetHealth", Resource: "*" },
    ];
}
