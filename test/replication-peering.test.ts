/**
 * VPC peering between every pair of datacenters, owned by the later one: the request in its
 * region, the acceptance in the peer's through a provider of its own, routes on both sides,
 * the peer's ids read from its stack's outputs, and a clear stop when that stack is missing.
 */
import * as assert from "node:assert/strict";
import * as fs from "fs";
import { ProgramRun, runProgram } from "../tools/offline/run";
import { ACCOUNT_ID } from "../tools/offline/cloud";
import { EXISTING_VPC, named, ofType, PROJECT_DIR, run, runAll, stackConfig, threeDatacenterProject } from "./harness";

const T = {
    peering: "aws:ec2/vpcPeeringConnection:VpcPeeringConnection",
    accepter: "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter",
    route: "aws:ec2/route:Route",
    reference: "pulumi:pulumi:StackReference",
    provider: "pulumi:providers:aws",
    ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
} as const;

const providerOf = (program: ProgramRun, urn: string | null) => program.resources.find((r) => r.urn === urn)!;
const tagsOf = (provider: { inputs: Record<string, unknown> }) => JSON.parse(String(provider.inputs.defaultTags)).tags;

/** `<table> → <cidr> via <connection>` for each route, tables and connections by resource name. */
function routes(program: ProgramRun, provider: string): string[] {
    const name = (value: unknown) => String(value).replace(/^\(known after apply: (.+)\.id\)$/, "$1");
    return ofType(program, T.route)
        .filter((r) => providerOf(program, r.provider).name === provider && r.inputs.vpcPeeringConnectionId !== undefined)
        .map((r) => `${name(r.inputs.routeTableId)} → ${r.inputs.destinationCidrBlock} via ${name(r.inputs.vpcPeeringConnectionId)}`)
        .sort();
}

describe("VPC peering: the shipped two datacenters", () => {
    it("DC1 (earlier) owns no connection and references no stack, but exports what DC2 needs", async () => {
        const east = await run("us-east");
        assert.deepEqual([T.peering, T.accepter, T.reference].map((type) => ofType(east, type).length), [0, 0, 0]);
        assert.deepEqual(routes(east, "dc1-aws"), []);
        assert.deepEqual(ofType(east, T.provider).map((p) => p.name), ["dc1-aws"]);
        assert.equal(east.outputs.vpcId, "(known after apply: dc1-net-vpc.id)");
        assert.deepEqual(east.outputs.privateRouteTableIds, ["(known after apply: dc1-net-private-1.id)", "(known after apply: dc1-net-private-2.id)"]);
        assert.equal(east.outputs.accountId, ACCOUNT_ID);
        assert.equal(east.outputs.goldengateHubIp, "10.10.128.10");
    });

    it("DC2 reads DC1's stack by its configured name", async () => {
        const west = await run("us-west");
        assert.deepEqual(ofType(west, T.reference).map((r) => r.inputs.name), ["organization/wso2-apim-multi-dc/us-east"]);
        const renamed = await run("us-west", { stackReferencePrefix: "acme/apim" });
        assert.deepEqual(ofType(renamed, T.reference).map((r) => r.inputs.name), ["acme/apim/us-east"]);
    });

    it("DC2 requests the connection in us-west-2 to DC1's VPC, account and region", async () => {
        const west = await run("us-west");
        const [connection] = ofType(west, T.peering);
        assert.equal(providerOf(west, connection.provider).name, "dc2-aws");
        assert.equal(providerOf(west, connection.provider).inputs.region, "us-west-2");
        assert.deepEqual(
            [connection.inputs.vpcId, connection.inputs.peerVpcId, connection.inputs.peerRegion, connection.inputs.peerOwnerId, connection.inputs.autoAccept],
            ["(known after apply: dc2-net-vpc.id)", "(known after apply: dc1-net-vpc.id)", "us-east-1", ACCOUNT_ID, false],
        );
        assert.deepEqual(west.outputs.peeringConnectionIds, { DC1: "(known after apply: dc2-peer-dc1-connection.id)" });
    });

    it("DC2 accepts it in us-east-1 through a provider of that region with the stack's default tags", async () => {
        const west = await run("us-west");
        const [accepter] = ofType(west, T.accepter);
        const provider = providerOf(west, accepter.provider);
        assert.equal(provider.name, "dc2-peer-dc1-aws");
        assert.equal(provider.inputs.region, "us-east-1");
        assert.deepEqual(tagsOf(provider), tagsOf(named(west, "dc2-aws")));
        assert.deepEqual(tagsOf(provider), { project: "wso2-apim-multi-dc", stack: "us-west", datacenter: "DC2" });
        assert.deepEqual([accepter.inputs.vpcPeeringConnectionId, accepter.inputs.autoAccept], ["(known after apply: dc2-peer-dc1-connection.id)", true]);
    });

    it("routes each side's private subnets to the other's CIDR, once the connection is accepted", async () => {
        const west = await run("us-west");
        assert.deepEqual(routes(west, "dc2-aws"), [
            "dc2-net-private-1 → 10.10.0.0/16 via dc2-peer-dc1-connection",
            "dc2-net-private-2 → 10.10.0.0/16 via dc2-peer-dc1-connection",
        ]);
        assert.deepEqual(routes(west, "dc2-peer-dc1-aws"), [
            "dc1-net-private-1 → 10.20.0.0/16 via dc2-peer-dc1-connection",
            "dc1-net-private-2 → 10.20.0.0/16 via dc2-peer-dc1-connection",
        ]);
        const accepter = ofType(west, T.accepter)[0];
        const peeringRoutes = ofType(west, T.route).filter((r) => r.inputs.vpcPeeringConnectionId !== undefined);
        assert.equal(peeringRoutes.length, 4);
        for (const route of peeringRoutes) assert.ok(route.dependsOn.includes(accepter.urn), `${route.name} does not wait for the accepter`);
    });

    it("adds no route when a VPC is the operator's (existing-VPC mode)", async () => {
        const west = await run("us-west", EXISTING_VPC);
        assert.deepEqual(routes(west, "dc2-aws"), []);
        assert.equal(ofType(west, T.peering)[0].inputs.vpcId, "vpc-0123456789abcdef0");
    });

    it("stops with a clear message when the peer's stack has not been deployed", async () => {
        await assert.rejects(runProgram(PROJECT_DIR, stackConfig("us-west"), {}), (err: Error) => {
            assert.equal(err.message, "peer stack organization/wso2-apim-multi-dc/us-east has no output vpcId: deploy it first (README: bootstrap order)");
            return true;
        });
        const east = (await run("us-east")).outputs;
        const { privateRouteTableIds, ...withoutRoutes } = east;
        assert.ok(Array.isArray(privateRouteTableIds));
        await assert.rejects(runProgram(PROJECT_DIR, stackConfig("us-west"), { "us-east": withoutRoutes }), /has no output privateRouteTableIds: deploy it first/);
    });
});

describe("VPC peering: a third datacenter makes a full mesh", function () {
    let runs: Map<string, ProgramRun>;

    before(async function () {
        this.timeout(180_000);
        const dir = threeDatacenterProject("three-dcs-");
        // eu-west sorts first by name: it runs last only because the runs follow the datacenter order.
        runs = await runAll(dir);
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("peers every pair exactly once, each connection owned by the later datacenter", () => {
        assert.deepEqual([...runs.keys()], ["us-east", "us-west", "eu-west"]);
        const pairs = [...runs.values()].flatMap((program) => ofType(program, T.accepter).map((a) => {
            const peerRegion = providerOf(program, a.provider).inputs.region;
            return `${String(program.config.values["aws:region"])} ↔ ${String(peerRegion)}`;
        }));
        assert.deepEqual(pairs.sort(), ["eu-west-1 ↔ us-east-1", "eu-west-1 ↔ us-west-2", "us-west-2 ↔ us-east-1"]);
        const eu = runs.get("eu-west")!;
        assert.deepEqual(ofType(eu, T.reference).map((r) => r.inputs.name).sort(), [
            "organization/wso2-apim-multi-dc/us-east", "organization/wso2-apim-multi-dc/us-west",
        ]);
        assert.deepEqual(ofType(eu, T.peering).map((c) => [c.inputs.peerRegion, c.inputs.peerVpcId]), [
            ["us-east-1", "(known after apply: dc1-net-vpc.id)"],
            ["us-west-2", "(known after apply: dc2-net-vpc.id)"],
        ]);
    });

    it("replicates the one admin secret from the trusted source to DC2's and DC3's regions; DC3's nodes read it in eu-west-1", () => {
        const admin = ofType(runs.get("us-east")!, "aws:secretsmanager/secret:Secret").find((s) => s.name === "dc1-secrets-wso2-admin")!;
        assert.deepEqual(admin.inputs.replicas, [{ region: "us-west-2" }, { region: "eu-west-1" }]);
        const policy = JSON.parse(String(named(runs.get("eu-west")!, "dc3-apim-iam-access").inputs.policy));
        assert.ok(policy.Statement.some((s: any) => s.Resource === "arn:aws:secretsmanager:eu-west-1:123456789012:secret:wso2-apim/wso2-apim-multi-dc/wso2-admin-??????"));
    });

    it("routes DC3 both ways with each peer", () => {
        const eu = runs.get("eu-west")!;
        assert.deepEqual(routes(eu, "dc3-peer-dc2-aws"), [
            "dc2-net-private-1 → 10.30.0.0/16 via dc3-peer-dc2-connection",
            "dc2-net-private-2 → 10.30.0.0/16 via dc3-peer-dc2-connection",
        ]);
        assert.equal(routes(eu, "dc3-aws").filter((r) => r.includes("10.20.0.0/16")).length, 2);
    });

    it("lets every database take 1521 from both peer hubs, and every hub take trails from both", () => {
        for (const [stack, program] of runs) {
            const dc = String(program.outputs.datacenter);
            const peers = ["10.10.128.10", "10.20.128.10", "10.30.128.10"].filter((ip) => ip !== program.outputs.goldengateHubIp);
            const sources = (group: string, port: number) => ofType(program, T.ingress)
                .filter((r) => r.inputs.securityGroupId === `(known after apply: ${dc.toLowerCase()}-sg-${group}.id)` && r.inputs.fromPort === port)
                .map((r) => r.inputs.cidrIpv4 ?? "group").sort();
            assert.deepEqual(sources("db", 1521), [`${program.outputs.goldengateHubIp}/32`, ...peers.map((ip) => `${ip}/32`), "group"].sort(), stack);
            assert.deepEqual(sources("goldengate", 7809), peers.map((ip) => `${ip}/32`), stack);
        }
    });

    it("uploads a pump and a Replicat per path: the trusted source one per spoke, a spoke one (docs/replication.md, Topology)", () => {
        for (const [stack, program] of runs) {
            const keys = ofType(program, "aws:s3/bucketObjectv2:BucketObjectv2").map((o) => String(o.inputs.key));
            const paths = program.outputs.goldengateHubIp === "10.10.128.10" ? 2 : 1;
            assert.equal(keys.filter((k) => /^goldengate\/dirprm\/p[a-z]to[a-z]\.prm$/.test(k)).length, paths, stack);
            assert.equal(keys.filter((k) => /^goldengate\/dirprm\/r[a-z]to[a-z]\.prm$/.test(k)).length, paths, stack);
        }
    });
});
