import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as TOML from "smol-toml";
import { MAX_TRAFFIC_MANAGERS } from "../lib/config";
import { JVM_HEAP } from "../lib/render/bootstrap-env";
import { DATABRIDGE_QUEUE_SIZE, DatacenterTrafficManagers, renderDeploymentToml } from "../lib/render/deployment-toml";
import { USER_DATA_LIMIT_BYTES } from "../lib/render/user-data";
import { ProgramRun } from "../tools/offline/run";
import { buildPlan } from "../tools/plan/plan-json";
import { mermaidDiagram } from "../tools/plan/summary";
import { nodeFile, ofType, run, runAll, stackConfig, THIRD_DATACENTER, threeDatacenterProject } from "./harness";

/**
 * The path of a node's runtime events (block conditions, key templates, revocations, cache
 * invalidations, and each request's throttling event) to every datacenter's Traffic Managers
 * (docs/artifacts.md § Runtime events across datacenters). WSO2 3.1.0 renders each
 * `[[apim.throttling.url_group]]` as one receiver group and its databridge agent sends every event to
 * every group, picking one URL within a group (carbon-apimgt 08ea54ec api-manager.xml.j2 L808-839;
 * carbon-analytics-common v5.2.24 DataPublisherUtil.getEndpointGroups, DataPublisher.tryPublish): so
 * a group of exactly one Traffic Manager per Traffic Manager is what makes each receive every event.
 */
const hostsOf = (dc: string, count = 2) => Array.from({ length: count }, (_, i) => `apim-${i + 1}.${dc}.wso2-apim.internal`);
const groupOf = (host: string) => ({ traffic_manager_urls: [`tcp://${host}:9611`], traffic_manager_auth_urls: [`ssl://${host}:9711`], type: "loadbalance" });

function throttlingOf(trafficManagers: string[], peerTrafficManagers: DatacenterTrafficManagers[]): any {
    const toml = renderDeploymentToml({
        hostname: "apim.example.com",
        globalGatewayHost: "gateway.example.com",
        datacenter: "DC1",
        database: { host: "oracle.dc1.wso2-apim.internal", port: 1521, serviceName: "APIMDB", amDbUser: "WSO2AM", sharedDbUser: "WSO2SHARED" },
        trafficManagers,
        peerTrafficManagers,
        gatewayTokenCacheSeconds: 900,
        gatewayEnvironments: [{ datacenter: "DC1", region: "us-east-1", gatewayHost: "gateway-us-east-1.example.com", adminServicesHost: "apim.dc1.wso2-apim.internal" }],
    });
    // smol-toml's tables have no prototype: compared as plain data.
    return JSON.parse(JSON.stringify((TOML.parse(toml) as any).apim.throttling));
}

describe("deployment.toml: where a node's events go and where its decisions come from", () => {
    it("two DCs: every Traffic Manager of both DCs is a receiver group of its own, this DC's first; decisions come from this DC's only", () => {
        const throttling = throttlingOf(hostsOf("dc1"), [{ datacenter: "DC2", hosts: hostsOf("dc2") }]);
        assert.deepEqual(throttling.url_group, [...hostsOf("dc1"), ...hostsOf("dc2")].map(groupOf));
        assert.deepEqual(throttling.throttle_decision_endpoints, hostsOf("dc1").map((host) => `tcp://${host}:5672`));
    });

    it("three DCs (three nodes each): nine groups, one per Traffic Manager; decisions still from this DC's three", () => {
        const throttling = throttlingOf(hostsOf("dc1", 3), [{ datacenter: "DC2", hosts: hostsOf("dc2", 3) }, { datacenter: "DC3", hosts: hostsOf("dc3", 3) }]);
        assert.deepEqual(throttling.url_group, [...hostsOf("dc1", 3), ...hostsOf("dc2", 3), ...hostsOf("dc3", 3)].map(groupOf));
        assert.deepEqual(throttling.throttle_decision_endpoints, hostsOf("dc1", 3).map((host) => `tcp://${host}:5672`));
    });

    it("one DC: its own Traffic Managers only, as before", () => {
        assert.deepEqual(throttlingOf(hostsOf("dc1"), []).url_group, hostsOf("dc1").map(groupOf));
    });

    it("sizes the agent's queue per group so that a DC cut off from 40 Traffic Managers pins under a tenth of the smallest heap", () => {
        const toml = JSON.parse(JSON.stringify(TOML.parse(renderDeploymentToml({
            hostname: "apim.example.com", globalGatewayHost: "gateway.example.com", datacenter: "DC1",
            database: { host: "oracle.dc1.wso2-apim.internal", port: 1521, serviceName: "APIMDB", amDbUser: "WSO2AM", sharedDbUser: "WSO2SHARED" },
            trafficManagers: hostsOf("dc1"), peerTrafficManagers: [], gatewayTokenCacheSeconds: 900,
            gatewayEnvironments: [{ datacenter: "DC1", region: "us-east-1", gatewayHost: "gateway-us-east-1.example.com", adminServicesHost: "apim.dc1.wso2-apim.internal" }],
        }))));
        // data-agent-config.xml.j2 L62 <QueueSize>{{transport.binary.agent.queue_size}}</QueueSize> (carbon-analytics-common v5.2.24).
        const size = toml.transport.binary.agent.queue_size;
        assert.equal(size, DATABRIDGE_QUEUE_SIZE);
        assert.ok(size < 32768, "below the agent's default");
        // LMAX Disruptor: "bufferSize must be a power of 2".
        assert.equal(size & (size - 1), 0);
        // Stalled groups each pin `size` request events of ~1 KiB; WSO2's minimum node (8 GiB) gets a JVM_HEAP.percentOfMemory heap.
        const smallestHeapMiB = 8 * 1024 * JVM_HEAP.percentOfMemory / 100;
        assert.ok(MAX_TRAFFIC_MANAGERS * size * 1 / 1024 <= smallestHeapMiB / 10, `${MAX_TRAFFIC_MANAGERS * size / 1024} MiB`);
        // The TLS proxy port is still there.
        assert.equal(toml.transport.https.properties.proxyPort, 443);
    });
});

/** One hop of the event path as the stacks declare it: publishing DC → a Traffic Manager's name. */
interface Hop { from: string; host: string; named: boolean; resolvesInPublisherVpc: boolean; eventPortsOpen: boolean }

const cidrOf = (dc: string) => (stackConfig("us-east").values["wso2-apim-multi-dc:datacenters"] as { id: string; cidr: string }[])
    .concat([THIRD_DATACENTER]).find((d) => d.id === dc)!.cidr;
const tomlOf = (program: ProgramRun): any =>
    TOML.parse(nodeFile(ofType(program, "aws:ec2/instance:Instance")[0], "/etc/wso2-apim/deployment.toml"));

function eventHops(runs: Map<string, ProgramRun>): Hop[] {
    const all = [...runs.values()];
    const dcOf = (program: ProgramRun) => String(program.outputs.datacenter);
    return all.flatMap((publisher) => {
        const from = dcOf(publisher);
        const publisherVpc = `(known after apply: ${from.toLowerCase()}-net-vpc.id)`;
        return tomlOf(publisher).apim.throttling.url_group.map((group: any): Hop => {
            const host = new URL(group.traffic_manager_urls[0]).hostname;
            assert.equal(new URL(group.traffic_manager_auth_urls[0]).hostname, host);
            const to = host.split(".")[1].toUpperCase();
            const target = all.find((program) => dcOf(program) === to)!;
            const zone = `${to.toLowerCase()}-net-private`;
            const named = ofType(target, "aws:route53/record:Record").some((r) =>
                r.inputs.name === host && r.inputs.type === "A" && String(r.inputs.zoneId) === `(known after apply: ${zone}.zoneId)`);
            // Own VPC: in-line on the zone; a peer's: a zone association, declared by either stack of the pair.
            const resolvesInPublisherVpc = from === to
                ? ofType(target, "aws:route53/zone:Zone").some((z) => z.name === zone && JSON.stringify(z.inputs.vpcs).includes(publisherVpc))
                : all.some((p) => ofType(p, "aws:route53/zoneAssociation:ZoneAssociation").some((a) =>
                    String(a.inputs.zoneId) === `(known after apply: ${zone}.zoneId)` && a.inputs.vpcId === publisherVpc));
            const targetNodes = `(known after apply: ${to.toLowerCase()}-sg-nodes.id)`;
            const source = (rule: any) => from === to ? rule.inputs.referencedSecurityGroupId === targetNodes : rule.inputs.cidrIpv4 === cidrOf(from);
            const eventPortsOpen = [9611, 9711].every((port) => ofType(target, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").some((rule) =>
                rule.inputs.fromPort === port && rule.inputs.toPort === port && rule.inputs.securityGroupId === targetNodes && source(rule)));
            return { from, host, named, resolvesInPublisherVpc, eventPortsOpen };
        });
    });
}

const reachable = (from: string, dcs: string[]): Hop[] =>
    dcs.flatMap((to) => hostsOf(to.toLowerCase()).map((host) => ({ from, host, named: true, resolvesInPublisherVpc: true, eventPortsOpen: true })));

/** JMS (5672) from outside the DC: decisions never cross datacenters. */
const jmsFromOtherVpcs = (program: ProgramRun) => ofType(program, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
    .filter((rule) => rule.inputs.fromPort as number <= 5672 && 5672 <= (rule.inputs.toPort as number) && rule.inputs.cidrIpv4 !== undefined);

describe("cross-DC runtime events: the declared path from every node to every DC's Traffic Managers (docs/artifacts.md)", function () {
    this.timeout(300_000);

    it("two DCs: each DC's nodes name, resolve and reach all four Traffic Managers on 9611 and 9711; JMS stays inside each DC", async () => {
        const runs = new Map([["us-east", await run("us-east")], ["us-west", await run("us-west")]]);
        assert.deepEqual(eventHops(runs), [...reachable("DC1", ["DC1", "DC2"]), ...reachable("DC2", ["DC2", "DC1"])]);
        for (const program of runs.values()) assert.deepEqual(jmsFromOtherVpcs(program), []);
    });

    it("shows the path in the plan's diagram: the peer DC's nodes publishing to this DC's Traffic Managers over the peering", async () => {
        const west = mermaidDiagram(buildPlan(await run("us-west")));
        assert.match(west, /events0\(\("DC1 nodes"\)\)\n {2}events0 -\. "events to the Traffic Manager: 9611\/9711 over the peering" \.-> n0/);
        assert.match(mermaidDiagram(buildPlan(await run("us-east"))), /events0\(\("DC2 nodes"\)\)/);
    });

    it("three DCs: each DC's nodes reach all six Traffic Managers, each zone resolving in every peer VPC", async () => {
        const dir = threeDatacenterProject("three-dcs-events-");
        try {
            const runs = await runAll(dir);
            assert.deepEqual(eventHops(runs), [
                ...reachable("DC1", ["DC1", "DC2", "DC3"]),
                ...reachable("DC2", ["DC2", "DC1", "DC3"]),
                ...reachable("DC3", ["DC3", "DC1", "DC2"]),
            ]);
            for (const program of runs.values()) assert.deepEqual(jmsFromOtherVpcs(program), []);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it(`a node's user-data still fits EC2's 16 KB naming ${MAX_TRAFFIC_MANAGERS} Traffic Managers with the longest deployment name and a long zone`, async () => {
        const shipped = stackConfig("us-east").values["wso2-apim-multi-dc:datacenters"] as object[];
        const regions = ["eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-north-1", "ap-south-1", "ap-northeast-1", "ap-northeast-2", "ap-southeast-1",
            "ap-southeast-2", "ca-central-1", "sa-east-1", "us-east-2", "us-west-1", "ap-northeast-3", "eu-south-1", "me-south-1", "af-south-1"];
        const more = regions.map((region, i) => ({ id: `DC${i + 3}`, index: i + 3, region, cidr: `10.${30 + i}.0.0/16`, gatewayLocations: [], stack: region }));
        const datacenters = [...shipped, ...more];
        const program = await run("us-east", {
            datacenters,
            nodeCount: MAX_TRAFFIC_MANAGERS / datacenters.length,
            deploymentName: "abcdefghij-klmnopqrstuvw",
            hostedZoneName: "a-rather-long-hosted-zone-name.example.com",
        });
        const node = ofType(program, "aws:ec2/instance:Instance")[0];
        assert.equal(tomlOf(program).apim.throttling.url_group.length, MAX_TRAFFIC_MANAGERS);
        const size = Buffer.byteLength(String(node.inputs.userData));
        assert.ok(size <= USER_DATA_LIMIT_BYTES, `${size} bytes`);
    });
});
