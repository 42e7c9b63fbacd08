/**
 * The order AWS needs, as the recorded dependsOn of each resource: what a create fails without
 * (the ALB without an internet gateway, RDS without its monitoring role's policy) and what a
 * one-shot boot must find in place (private egress, the instance role's permissions). And routes
 * only as Route resources, never inline in a route table as well.
 */
import * as assert from "node:assert/strict";
import { ProgramRun, RecordedResource } from "../tools/offline/run";
import { ofType, run, STACKS } from "./harness";

const T = {
    instance: "aws:ec2/instance:Instance",
    route: "aws:ec2/route:Route",
    routeTable: "aws:ec2/routeTable:RouteTable",
    igw: "aws:ec2/internetGateway:InternetGateway",
    endpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
} as const;

function resource(program: ProgramRun, type: string, name: string): RecordedResource {
    const found = program.resources.find((r) => r.type === type && r.name === name);
    assert.ok(found, `no ${type} named ${name}`);
    return found;
}

function assertWaitsFor(waiter: RecordedResource, awaited: RecordedResource[]): void {
    for (const r of awaited) assert.ok(waiter.dependsOn.includes(r.urn), `${waiter.name} does not wait for ${r.name} (${r.type})`);
}

/** The NAT default routes and the S3 endpoint of a DC's VPC. */
function privateEgress(program: ProgramRun, dc: string): RecordedResource[] {
    return [
        resource(program, T.route, `${dc}-net-private-1-default`),
        resource(program, T.route, `${dc}-net-private-2-default`),
        resource(program, T.endpoint, `${dc}-net-s3`),
    ];
}

/** The policy and policy attachments of an InstanceRole named `iam`. */
function rolePermissions(program: ProgramRun, iam: string): RecordedResource[] {
    const permissions = program.resources.filter((r) => (r.type === T.rolePolicy || r.type === T.attachment) && r.name.startsWith(`${iam}-`));
    assert.ok(permissions.length > 0, `no permissions of ${iam}`);
    return permissions;
}

for (const stack of STACKS) {
    const dc = stack === "us-east" ? "dc1" : "dc2";

    describe(`deployment ordering, ${stack}`, () => {
        it("creates the ALB only after the internet gateway and the public default route (else InvalidSubnet)", async () => {
            const program = await run(stack);
            const [alb] = ofType(program, "aws:lb/loadBalancer:LoadBalancer");
            assertWaitsFor(alb, [resource(program, T.igw, `${dc}-net-igw`), resource(program, T.route, `${dc}-net-public-default`)]);
        });

        it("boots the APIM nodes only after the NAT routes, the S3 endpoint and their role's policy and attachments", async () => {
            const program = await run(stack);
            const nodes = ofType(program, T.instance);
            assert.equal(nodes.length, 2);
            const permissions = rolePermissions(program, `${dc}-apim-iam`);
            assert.deepEqual(permissions.map((p) => p.type).sort(), [T.rolePolicy, T.attachment].sort());
            for (const node of nodes) assertWaitsFor(node, [...privateEgress(program, dc), ...permissions]);
        });

        it("boots the GoldenGate hub only after the private egress and its role's permissions", async () => {
            const program = await run(stack, { goldengateLicense: "byol", goldengateAmiId: "ami-0fedcba9876543210" });
            const hub = resource(program, T.instance, `${dc}-goldengate-host`);
            assertWaitsFor(hub, [...privateEgress(program, dc), ...rolePermissions(program, `${dc}-goldengate-iam`)]);
        });

        it("starts the self-managed Oracle host only after the private egress and its role's SSM policy", async () => {
            const program = await run(stack, { databaseKind: "ec2", databaseAmiId: "ami-0123456789abcdef0" });
            const host = resource(program, T.instance, `${dc}-db-oracle`);
            assertWaitsFor(host, [...privateEgress(program, dc), ...rolePermissions(program, `${dc}-db-iam`)]);
        });

        it("creates RDS only after the enhanced-monitoring role has its policy (else ENHANCED_MONITORING is refused)", async () => {
            const program = await run(stack);
            const rds = resource(program, "aws:rds/instance:Instance", `${dc}-db-oracle`);
            const policy = resource(program, T.attachment, `${dc}-db-monitoring`);
            assert.equal(policy.inputs.policyArn, "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole");
            assertWaitsFor(rds, [policy]);
        });

        it("declares no inline route in any route table: the default routes are Route resources", async () => {
            const program = await run(stack);
            for (const table of ofType(program, T.routeTable)) assert.equal(table.inputs.routes, undefined, `${table.name} has inline routes`);
            const target = (route: RecordedResource) => String(route.inputs.gatewayId ?? route.inputs.natGatewayId);
            assert.deepEqual(
                [`${dc}-net-public-default`, `${dc}-net-private-1-default`, `${dc}-net-private-2-default`].map((name) => {
                    const route = resource(program, T.route, name);
                    return [route.inputs.routeTableId, route.inputs.destinationCidrBlock, target(route)];
                }),
                [
                    [`(known after apply: ${dc}-net-public.id)`, "0.0.0.0/0", `(known after apply: ${dc}-net-igw.id)`],
                    [`(known after apply: ${dc}-net-private-1.id)`, "0.0.0.0/0", `(known after apply: ${dc}-net-nat-1.id)`],
                    [`(known after apply: ${dc}-net-private-2.id)`, "0.0.0.0/0", `(known after apply: ${dc}-net-nat-2.id)`],
                ],
            );
        });
    });
}
