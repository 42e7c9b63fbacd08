/**
 * The pretend cloud behind offline runs: fixed, plausible answers to the provider functions the
 * program calls, and placeholders for every value only a real deployment can know. Anything the
 * program asks that is not listed here fails loudly, so a new lookup cannot slip through unmocked.
 */
import { createHash } from "crypto";
import { MockCallArgs } from "@pulumi/pulumi/runtime";

export const ACCOUNT_ID = "123456789012";

/** The offline plan's placeholder (README.md § The offline plan) for a cloud-computed value. */
export function knownAfterApply(resourceName: string, property: string): string {
    return `(known after apply: ${resourceName}.${property})`;
}

/** Account ids of the regional Elastic Load Balancing service (access-log writers), per AWS docs. */

/** An invoke's `filters` input as name → values; a filter the pretend cloud does not know fails loudly. */
function filtersOf(args: MockCallArgs, known: string[]): Map<string, string[]> {
    const filters = new Map<string, string[]>();
    for (const filter of (args.inputs.filters ?? []) as { name: string; values: string[] }[]) {
        if (!known.includes(filter.name)) throw new Error(`offline cloud: ${args.token} has no offline answer for filter ${filter.name}; add one to tools/offline/cloud.ts`);
        filters.set(filter.name, filter.values);
    }
    return filters;
}

interface Zone {
    name: string;
    zoneId: string;
    zoneType: "availability-zone" | "local-zone";
    optInStatus: "opt-in-not-required" | "opted-in";
}

/**
 * The zones DescribeAvailabilityZones lists for an account (sorted by name, as the API does):
 * three Availability Zones and one Local Zone the account opted in to, which sorts first
 * (`us-east-1-lcl-1a` < `us-east-1a`) so that a program that does not filter it out picks it.
 */
export function zonesOf(region: string): Zone[] {
    const prefix = region.replace(/-/g, "").replace(/(north|south|east|west|central)/g, (d) => d[0]).slice(0, 5);
    return [
        { name: `${region}-lcl-1a`, zoneId: `${prefix}-lcl1-az1`, zoneType: "local-zone" as const, optInStatus: "opted-in" as const },
        ...["a", "b", "c"].map((letter, i) => ({
            name: `${region}${letter}`,
            zoneId: `${prefix}-az${i + 1}`,
            zoneType: "availability-zone" as const,
            optInStatus: "opt-in-not-required" as const,
        })),
    ];
}

/**
 * Whether a zone offers an instance type, by a fixed rule standing in for
 * DescribeInstanceTypeOfferings: High Memory types (u-…, u7i…) are offered nowhere, and the
 * region's first Availability Zone (`…a`) offers no type newer than the 6th generation (new
 * generations reach a region's zones one by one). Every other zone offers every type.
 */
export function zoneOffers(zone: Zone, instanceType: string): boolean {
    if (/^u[0-9]*[a-z]*-/.test(instanceType)) return false;
    const generation = Number(/^[a-z]+([0-9]+)/.exec(instanceType)?.[1] ?? 0);
    return !(zone.zoneType === "availability-zone" && zone.name.endsWith("a") && generation > 6);
}

/** Public SSM parameters the program reads: their values exist only in the cloud. */
const PUBLIC_PARAMETER = /^\/aws\/service\/ami-amazon-linux-latest\/al2023-ami-kernel-default-(x86_64|arm64)$/;

export function answerInvoke(args: MockCallArgs, region: string): Record<string, unknown> {
    switch (args.token) {
        case "aws:index/getAvailabilityZones:getAvailabilityZones": {
            const filters = filtersOf(args, ["opt-in-status", "zone-type"]);
            const zones = zonesOf(region).filter((zone) =>
                (args.inputs.state === undefined || args.inputs.state === "available")
                && (filters.get("opt-in-status")?.includes(zone.optInStatus) ?? true)
                && (filters.get("zone-type")?.includes(zone.zoneType) ?? true));
            return { names: zones.map((z) => z.name), zoneIds: zones.map((z) => z.zoneId), groupNames: zones.map(() => region), id: region };
        }
        case "aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings": {
            if (args.inputs.locationType !== "availability-zone") {
                throw new Error(`offline cloud: ${args.token} answers locationType availability-zone only, got ${args.inputs.locationType}`);
            }
            const filters = filtersOf(args, ["instance-type", "location"]);
            const types = filters.get("instance-type");
            if (!types) throw new Error(`offline cloud: ${args.token} needs an instance-type filter (it does not list every type)`);
            const offerings = zonesOf(region)
                .filter((zone) => filters.get("location")?.includes(zone.name) ?? true)
                .flatMap((zone) => types.filter((type) => zoneOffers(zone, type)).map((type) => ({ type, zone: zone.name })));
            return {
                instanceTypes: offerings.map((o) => o.type),
                locations: offerings.map((o) => o.zone),
                locationTypes: offerings.map(() => "availability-zone"),
                id: region,
            };
        }
        case "aws:ssm/getParameter:getParameter": {
            const name = String(args.inputs.name);
            if (!PUBLIC_PARAMETER.test(name)) throw new Error(`offline cloud: no offline answer for SSM parameter ${name}; add one to tools/offline/cloud.ts`);
            return { name, type: "String", value: knownAfterApply(name, "value"), insecureValue: knownAfterApply(name, "value"), version: 1, id: name };
        }
        case "aws:index/getCallerIdentity:getCallerIdentity":
            return { accountId: ACCOUNT_ID, arn: `arn:aws:iam::${ACCOUNT_ID}:user/offline`, userId: "AIDAOFFLINE", id: ACCOUNT_ID };
        case "aws:index/getPartition:getPartition":
            return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
        case "aws:route53/getZone:getZone":
            return { zoneId: "Z0OFFLINE0EXAMPLE", name: args.inputs.name, id: "Z0OFFLINE0EXAMPLE", privateZone: false };
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
    if (type === "random:index/randomId:RandomId") {
        // Random in the cloud; here a digest of the name and keepers, so a change of keepers gives a new id as a replacement would.
        state.hex = createHash("sha256").update(JSON.stringify([name, inputs.keepers ?? {}])).digest("hex").slice(0, 2 * Number(inputs.byteLength));
    } else if (type.startsWith("random:")) {
        state.result = knownAfterApply(name, "result");
    }
    if (type === "aws:cloudformation/stack:Stack") state.outputs = completedStackOutputs(String(inputs.templateBody));
    return { id: knownAfterApply(name, "id"), state };
}

/**
 * A stack's outputs once CloudFormation completed its template (DescribeStacks `Outputs`): each
 * output's literal Value; one computed by an intrinsic function is known only after apply.
 */
function completedStackOutputs(templateBody: string): Record<string, string> {
    const outputs = (JSON.parse(templateBody).Outputs ?? {}) as Record<string, { Value: unknown }>;
    return Object.fromEntries(Object.entries(outputs).map(([key, output]) =>
        [key, typeof output.Value === "string" ? output.Value : knownAfterApply("stack", `outputs.${key}`)]));
}

function typeNamesItself(type: string, property: string): boolean {
    return property === "bucket" ? type.startsWith("aws:s3/bucket") : /^aws:(iam\/role|iam\/policy|iam\/instanceProfile|cloudwatch\/logGroup|lb\/|ec2\/securityGroup|secretsmanager)/.test(type);
}
