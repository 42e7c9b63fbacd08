/**
 * Settings a real deployment must change: Pulumi.yaml ships them with example values that plan
 * green but fail late (a pack address that does not exist fails node 1's boot after RDS was created;
 * `example.com` is not your zone). `shipped` is Pulumi.yaml's default (test/placeholders.test.ts
 * keeps them equal). `stackReferencePrefix` is not one: its default `organization/<project>` is
 * what a self-managed backend requires ("Non-legacy DIY backends do support the org/project/stack
 * format, but org must be set to \"organization\"", Pulumi Automation API, fullyQualifiedStackName);
 * with Pulumi Cloud it is `<your org>/<project>`, and a wrong one fails `pulumi up` before anything
 * is created (the stack reference is read first).
 */
export const PLACEHOLDER_SETTINGS: readonly { key: string; shipped: string; fix: string }[] = [
    { key: "wso2PackS3Uri", shipped: "s3://example-wso2-artifacts/wso2am-3.1.0.zip", fix: "the s3:// address of your wso2am-3.1.0.zip, in a bucket of this account" },
    { key: "hostedZoneName", shipped: "example.com", fix: "the public Route 53 zone you own" },
];

/** The settings of a stack's effective config (full key → value) still at their shipped example, described. */
export function placeholdersIn(project: string, values: Record<string, unknown>): string[] {
    return PLACEHOLDER_SETTINGS
        .filter(({ key, shipped }) => values[`${project}:${key}`] === shipped)
        .map(({ key, shipped, fix }) => `${project}:${key} is still the shipped example "${shipped}" (Pulumi.yaml): use ${fix}`);
}

/**
 * Settings that plan and deploy but give up something a reader of the plan should see: one node
 * per region lives in one Availability Zone, and a rolling change (a new image, user-data or
 * instance type) stops that node, so the region serves nothing until it is back (docs/nodes.md).
 */
export function settingAdvisories(project: string, values: Record<string, unknown>): string[] {
    const advisories: string[] = [];
    const packSha = values[`${project}:wso2PackSha256`];
    if (packSha === undefined || packSha === null || packSha === "") {
        advisories.push(`${project}:wso2PackSha256 is empty: the nodes install the pack without checking it, and a new object at the same wso2PackS3Uri never reaches running nodes (its checksum is what names a version: docs/nodes.md, versioned installs)`);
    }
    if (Number(values[`${project}:nodeCount`]) === 1) {
        advisories.push(`${project}:nodeCount is 1: the region's only node is in one Availability Zone, and every rolling change (image, user-data, instance type) stops it, so the region serves nothing meanwhile; use 2 or more for production`);
    }
    return advisories;
}
