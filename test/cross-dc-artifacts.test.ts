import * as assert from "node:assert/strict";
import { MANAGEMENT_PUBLIC_PATHS } from "../lib/listener-rules";
import * as fs from "fs";
import * as TOML from "smol-toml";
import { parseArtifactSource } from "../lib/artifact-sync";
import { ProgramRun } from "../tools/offline/run";
import { buildPlan } from "../tools/plan/plan-json";
import { mermaidDiagram } from "../tools/plan/summary";
import { nodeFile, ofType, run, runAll, stackConfig, THIRD_DATACENTER, threeDatacenterProject } from "./harness";

/**
 * The path an API takes from the design-time active DC's Publisher to every DC's gateways
 * (docs/artifacts.md): the gateway environment's service_url names the target DC's nodes by a
 * private name; that name is an A record of the target DC's nodes in its private zone; the
 * Publisher's VPC is associated with that zone; the target's nodes take 9443 from the Publisher's VPC.
 */
interface Hop { from: string; to: string; serviceUrl: string; record: boolean; zoneInPublisherVpc: boolean; port9443FromPublisher: boolean }

const deploymentToml = (program: ProgramRun): any =>
    TOML.parse(nodeFile(ofType(program, "aws:ec2/instance:Instance")[0], "/etc/wso2-apim/deployment.toml"));

/** Every (publisher DC, gateway DC) pair, as the stacks declare it. */
function hops(runs: Map<string, ProgramRun>): Hop[] {
    const dcOf = (program: ProgramRun) => String(program.outputs.datacenter);
    const cidrOf = (dc: string) => (stackConfig("us-east").values["wso2-apim-multi-dc:datacenters"] as any[])
        .concat([THIRD_DATACENTER]).find((d) => d.id === dc).cidr;
    const all = [...runs.values()];
    const result: Hop[] = [];
    for (const publisher of all) {
        const from = dcOf(publisher);
        for (const env of deploymentToml(publisher).apim.gateway.environment) {
            const to = String(env.name).split(" ")[0];
            const target = all.find((p) => dcOf(p) === to)!;
            const host = new URL(env.service_url).hostname;
            const zoneResource = `${to.toLowerCase()}-net-private`;
            const record = ofType(target, "aws:route53/record:Record").some((r) =>
                r.inputs.name === host && r.inputs.type === "A" && String(r.inputs.zoneId) === `(known after apply: ${zoneResource}.zoneId)`
                && (r.inputs.records as string[]).length === 2);
            // Own VPC: in-line on the zone; another DC's: a ZoneAssociation in either stack of the pair.
            const publisherVpc = `(known after apply: ${from.toLowerCase()}-net-vpc.id)`;
            const zoneInPublisherVpc = from === to
                ? ofType(target, "aws:route53/zone:Zone").some((z) => z.name === zoneResource && JSON.stringify(z.inputs.vpcs).includes(publisherVpc))
                : all.some((p) => ofType(p, "aws:route53/zoneAssociation:ZoneAssociation").some((a) =>
                    String(a.inputs.zoneId) === `(known after apply: ${zoneResource}.zoneId)` && a.inputs.vpcId === publisherVpc));
            const port9443FromPublisher = from === to || ofType(target, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").some((r) =>
                r.inputs.fromPort === 9443 && r.inputs.toPort === 9443 && r.inputs.cidrIpv4 === cidrOf(from)
                && r.inputs.securityGroupId === `(known after apply: ${to.toLowerCase()}-sg-nodes.id)`);
            result.push({ from, to, serviceUrl: env.service_url, record, zoneInPublisherVpc, port9443FromPublisher });
        }
    }
    return result.sort((a, b) => `${a.from}${a.to}`.localeCompare(`${b.from}${b.to}`));
}

/**
 * The path a throttling policy takes (docs/artifacts.md), per DC as declared: the source its
 * region's SSM parameter names, whether its nodes may read that prefix, and the sync hook its
 * nodes fetch at boot (uploaded to its boot bucket, named in their BOOT_HOOK_URIS).
 */
function policyPaths(runs: Map<string, ProgramRun>): { dc: string; source: string; nodesMayRead: boolean; hookInstalled: boolean }[] {
    return [...runs.values()].map((program) => {
        const dc = String(program.outputs.datacenter);
        const parameter = ofType(program, "aws:ssm/parameter:Parameter").find((p) => p.inputs.name === "/wso2-apim/wso2-apim-multi-dc/runtime-artifacts-source");
        const source = String(parameter?.inputs.insecureValue);
        const prefixArn = `arn:aws:s3:::${parseArtifactSource(source).uri.replace("s3://", "")}/*`;
        const policy = JSON.parse(String(ofType(program, "aws:iam/rolePolicy:RolePolicy").find((r) => r.name === `${dc.toLowerCase()}-apim-iam-access`)!.inputs.policy));
        const nodesMayRead = policy.Statement.some((st: any) => [st.Action].flat().includes("s3:GetObject") && [st.Resource].flat().includes(prefixArn));
        const hookObject = ofType(program, "aws:s3/bucketObjectv2:BucketObjectv2").find((o) => o.inputs.key === "boot.d/60-artifact-sync.sh");
        const node = ofType(program, "aws:ec2/instance:Instance")[0];
        const env = nodeFile(node, "/etc/wso2-apim/bootstrap.env");
        const hookInstalled = String(hookObject?.inputs.content).includes(`DATACENTER='${dc}'`) && /BOOT_HOOK_URIS=.*\/boot\.d\/60-artifact-sync\.sh/.test(env);
        return { dc, source, nodesMayRead, hookInstalled };
    });
}

const fromDc1 = (dc: string) => ({ dc, source: "DC1 us-east-1 s3://wso2-apim-dc1-123456789012-us-east-1/runtime-artifacts", nodesMayRead: true, hookInstalled: true });

const expected = (from: string, to: string): Hop => ({
    from, to,
    serviceUrl: `https://apim.${to.toLowerCase()}.wso2-apim.internal:9443/services/`,
    record: true, zoneInPublisherVpc: true, port9443FromPublisher: true,
});

describe("cross-DC artifact paths: APIs and throttling policies (docs/artifacts.md)", function () {
    this.timeout(180_000);

    it("two DCs: each DC's Publisher reaches both DCs' admin services by private name, over the peering; DC2 pulls DC1's policies", async () => {
        const runs = new Map([["us-east", await run("us-east")], ["us-west", await run("us-west")]]);
        assert.deepEqual(hops(runs), [expected("DC1", "DC1"), expected("DC1", "DC2"), expected("DC2", "DC1"), expected("DC2", "DC2")]);
        // Policies: DC1 (designTimeActive) pushes to its bucket's prefix, DC2 pulls from it.
        assert.deepEqual(policyPaths(runs), ["DC1", "DC2"].map(fromDc1));
    });

    it("three DCs: every Publisher reaches every DC's admin services, each zone in every peer VPC; DC2 and DC3 pull DC1's policies", async () => {
        const dir = threeDatacenterProject("three-dcs-artifacts-");
        try {
            const runs = await runAll(dir);
            const dcs = ["DC1", "DC2", "DC3"];
            assert.deepEqual(hops(runs), dcs.flatMap((from) => dcs.map((to) => expected(from, to))));
            assert.deepEqual(policyPaths(runs), dcs.map(fromDc1));
            // One key pair for all three: the trusted source's keystore secrets are replicated to DC2's and DC3's regions.
            const keystoreReplicas = ofType(runs.get("us-east")!, "aws:secretsmanager/secret:Secret")
                .filter((secret) => String(secret.inputs.name).includes("wso2-keystore")).map((secret) => secret.inputs.replicas);
            assert.deepEqual(keystoreReplicas, [[{ region: "us-west-2" }, { region: "eu-west-1" }], [{ region: "us-west-2" }, { region: "eu-west-1" }]]);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("shows both paths in the plan's diagram: the peer's Publisher deploying over the peering, policies pushed by DC1 and pulled by DC2", async () => {
        const east = mermaidDiagram(buildPlan(await run("us-east")));
        const west = mermaidDiagram(buildPlan(await run("us-west")));
        assert.match(west, /admin0\(\("DC1 Publisher"\)\)\n {2}admin0 -\. "deploys APIs: 9443 \/services over the peering" \.-> n0/);
        assert.match(east, /admin0\(\("DC2 Publisher"\)\)/);
        assert.match(east, /efs -\. "executionplans pushed every 60 s" \.-> policies/);
        assert.match(west, /policies -\. "executionplans pulled every 60 s" \.-> efs/);
        assert.match(west, /policies\[\("S3 s3:\/\/wso2-apim-dc1-123456789012-us-east-1\/runtime-artifacts<br\/>execution plans of DC1"\)\]/);
        // The public routes: every path of the gateway names, only the user paths of the Publisher/Portal names.
        assert.match(west, /alb -- ":8243 all paths" --> n0/);
        assert.ok(west.includes(`alb -- ":9443 ${MANAGEMENT_PUBLIC_PATHS.length} user paths, no /services" --> n0`), west);
    });
});
