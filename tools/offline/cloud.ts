/**
 * The pretend cloud behind offline runs: fixed, plausible answers to the provider functions the
 * program calls, and placeholders for every value only a real deployment can know. Anything the
 * program asks that is not listed here fails loudly, so a new lookup cannot slip through unmocked.
 */
import { MockCallArgs } from "@pulumi/pulumi/runtime";

export const ACCOUNT_ID = "123456789012";

/** The DESIGN §7 placeholder for a cloud-computed value. */
export function knownAfterApply(resourceName: string, property: string): string {
    return `(known after apply: ${resourceName}.${property})`;
}

/** Account ids of the regional Elastic Load Balancing service (access-log writers), per AWS docs. */
const ELB_ACCOUNT_BY_REGION: Record<string, string> = {
    "us-east-1": "127311923021",
    "us-east-2": "033677994240",
    "us-west-1": "027434742980",
    "us-west-2": "797873946194",
    "eu-west-1": "156460612806",
    "eu-central-1": "054676820928",
    "ap-southeast-1": "114774131450",
    "ap-northeast-1": "582318560864",
};

export function answerInvoke(args: MockCallArgs, region: string): Record<string, unknown> {
    switch (args.token) {
        case "aws:index/getAvailabilityZones:getAvailabilityZones":
            return {
                names: ["a", "b", "c"].map((s) => `${region}${s}`),
                zoneIds: [1, 2, 3].map((n) => `${region.replace(/-/g, "").slice(0, 5)}-az${n}`),
                id: region,
            };
        case "aws:index/getCallerIdentity:getCallerIdentity":
            return { accountId: ACCOUNT_ID, arn: `arn:aws:iam::${ACCOUNT_ID}:user/offline`, userId: "AIDAOFFLINE", id: ACCOUNT_ID };
        case "aws:index/getPartition:getPartition":
            return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
        case "aws:route53/getZone:getZone":
            return { zoneId: "Z0OFFLINE0EXAMPLE", name: args.inputs.name, id: "Z0OFFLINE0EXAMPLE", privateZone: false };
        case "aws:elb/getServiceAccount:getServiceAccount": {
            const account = ELB_ACCOUNT_BY_REGION[args.inputs.region ?? region];
            if (!account) throw new Error(`offline cloud: no ELB service account known for region ${region}`);
            return { id: account, arn: `arn:aws:iam::${account}:root` };
        }
        default:
            throw new Error(`offline cloud: the program called ${args.token}, which has no offline answer; add one to tools/offline/cloud.ts`);
    }
}

/** Outputs a resource type computes in the cloud, beyond `id` and `arn`, that the program reads. */
const COMPUTED_OUTPUTS: Record<string, string[]> = {
    "aws:lb/loadBalancer:LoadBalancer": ["dnsName", "zoneId", "arnSuffix"],
    "aws:lb/targetGroup:TargetGroup": ["arnSuffix"],
    "aws:efs/fileSystem:FileSystem": ["dnsName"],
    "aws:ec2/instance:Instance": ["privateIp", "privateDns"],
    "aws:rds/instance:Instance": ["endpoint", "address"],
    "aws:iam/role:Role": ["uniqueId"],
    "aws:s3/bucket:Bucket": ["bucketDomainName"],
    "aws:ec2/natGateway:NatGateway": ["publicIp"],
    "aws:route53/record:Record": ["fqdn"],
    "aws:route53/zone:Zone": ["zoneId"],
    "aws:efs/accessPoint:AccessPoint": [],
};

export const STACK_REFERENCE = "pulumi:pulumi:StackReference";

/**
 * A stack reference reads the outputs of the stack it names (matched by its last path segment,
 * `<org>/<project>/<stack>`) when that stack has run; a stack that has not reads as one never
 * deployed: no outputs, so the program's own "deploy it first" error shows.
 */
export function stackReferenceState(name: string, stacks: Record<string, Record<string, unknown>>): { id: string; state: Record<string, unknown> } {
    const stack = name.split("/").pop() ?? name;
    return { id: name, state: { name, outputs: stacks[stack] ?? {}, secretOutputNames: [] } };
}

/** The state the pretend cloud returns for a new resource: its inputs plus placeholders. */
export function newResourceState(type: string, name: string, inputs: Record<string, any>): { id: string; state: Record<string, unknown> } {
    const state: Record<string, unknown> = { ...inputs };
    for (const property of ["arn", ...(COMPUTED_OUTPUTS[type] ?? [])]) {
        if (state[property] === undefined) state[property] = knownAfterApply(name, property);
    }
    // Names AWS would generate when the program leaves them out.
    for (const property of ["name", "bucket"]) {
        if (property in inputs || !typeNamesItself(type, property)) continue;
        state[property] = knownAfterApply(name, property);
    }
    if (type === "aws:acm/certificate:Certificate") {
        const domains: string[] = [inputs.domainName, ...(inputs.subjectAlternativeNames ?? [])];
        state.domainValidationOptions = domains.map((domainName, i) => ({
            domainName,
            resourceRecordName: knownAfterApply(name, `domainValidationOptions[${i}].resourceRecordName`),
            resourceRecordType: "CNAME",
            resourceRecordValue: knownAfterApply(name, `domainValidationOptions[${i}].resourceRecordValue`),
        }));
    }
    if (type.startsWith("random:")) state.result = knownAfterApply(name, "result");
    return { id: knownAfterApply(name, "id"), state };
}

function typeNamesItself(type: string, property: string): boolean {
    return property === "bucket" ? type.startsWith("aws:s3/bucket") : /^aws:(iam\/role|iam\/policy|iam\/instanceProfile|cloudwatch\/logGroup|lb\/|ec2\/securityGroup|secretsmanager)/.test(type);
}
