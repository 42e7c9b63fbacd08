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

/** WSO2's recommended ratio of gateways to one Traffic Manager. */
export const GATEWAYS_PER_TRAFFIC_MANAGER = 10;

/**
 * Settings that plan and deploy but give up something a reader of the plan should see: one node
 * per region lives in one Availability Zone, and a rolling change (a new image, user-data or
 * instance type) stops that node, so the region serves nothing until it is back (docs/nodes.md);
 * more gateways in all than WSO2 sizes one Traffic Manager for.
 */
export function settingAdvisories(project: string, values: Record<string, unknown>): string[] {
    const advisories: string[] = [];
    const packSha = values[`${project}:wso2PackSha256`];
    if (packSha === undefined || packSha === null || packSha === "") {
        advisories.push(`${project}:wso2PackSha256 is empty: the nodes install the pack without checking it, and a new object at the same wso2PackS3Uri never reaches running nodes (its checksum is what names a version: docs/nodes.md, versioned installs)`);
    }
    const nodeCount = Number(values[`${project}:nodeCount`]);
    if (nodeCount === 1) {
        advisories.push(`${project}:nodeCount is 1: the region's only node is in one Availability Zone, and every rolling change (image, user-data, instance type) stops it, so the region serves nothing meanwhile; use 2 or more for production`);
    }
    // Every node's gateway publishes each request's event to every DC's Traffic Managers
    // (docs/artifacts.md § Runtime events across datacenters), so each Traffic Manager serves every
    // gateway of the deployment. WSO2's sizing: 10 gateways to 1 Traffic Manager (API-M 3.2.0 docs,
    // "Scaling the Gateway", the first release whose docs state it; 3.1.0's Traffic Manager is the same).
    const datacenters = values[`${project}:datacenters`];
    const gateways = Array.isArray(datacenters) ? datacenters.length * nodeCount : 0;
    if (gateways > GATEWAYS_PER_TRAFFIC_MANAGER) {
        advisories.push(`${project}:nodeCount ${nodeCount} in ${(datacenters as unknown[]).length} datacenters makes ${gateways} gateways, each publishing every request to every Traffic Manager: WSO2 sizes a Traffic Manager for ${GATEWAYS_PER_TRAFFIC_MANAGER} gateways; load-test the Traffic Managers (each node's CPU) before production`);
    }
    return advisories;
}
