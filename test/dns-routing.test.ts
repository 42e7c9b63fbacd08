/**
 * The records the program declares, run under mocks for every stack and fed together to the
 * Route 53 model: who answers each location, healthy and with each region down, and whether each
 * stack can be deployed, destroyed or run alone.
 */
import * as assert from "node:assert/strict";
import { GATEWAY_HEALTH_PATH, MANAGEMENT_HEALTH_PATH } from "../components/load-balancer";
import { Datacenter, DeploymentConfig, parseConfig, regionalHostnames } from "../lib/config";
import { formatGeoLocation } from "../lib/geo";
import { resolve } from "../lib/dns/model";
import { planDns, portalStandby } from "../lib/dns/plan";
import { DeclaredStack, LOCATIONS, LocationQuery, routingTable, zoneFromStacks } from "../lib/dns/routing-table";
import { route53Problems } from "../lib/dns/validate";
import { knownAfterApply } from "../tools/offline/cloud";
import { ProgramRun } from "../tools/offline/run";
import { run, sourcesOf, stackConfig } from "./harness";

const RECORD = "aws:route53/record:Record";
const HEALTH = "aws:route53/healthCheck:HealthCheck";
const ALB = "aws:lb/loadBalancer:LoadBalancer";

interface Deployment {
    runs: ProgramRun[];
    stacks: DeclaredStack[];
    /** Config as the first stack sees it: the datacenter set and the hostnames are shared. */
    config: DeploymentConfig;
}

function configOf(program: ProgramRun): DeploymentConfig {
    const { project, aws } = sourcesOf(program.config);
    return parseConfig(project, aws, program.config.stack);
}

async function deploy(...stacks: [string, Record<string, unknown>?, string?][]): Promise<Deployment> {
    const runs: ProgramRun[] = [];
    for (const [stack, overrides, as] of stacks) runs.push(await run(stack, overrides, as)); // sequential: the runtime is global
    return {
        runs,
        stacks: runs.map((r) => ({ stack: `${r.config.stack}/${configOf(r).self.id}`, resources: r.resources })),
        config: configOf(runs[0]),
    };
}

/**
 * Independent of the records: the datacenter whose gatewayLocations claim the client through the
 * most specific rule (state, then the US, then the continent, then the default).
 */
function claimant(datacenters: Datacenter[], query: LocationQuery): Datacenter | undefined {
    const kind = query.label.split(":")[0];
    const chain =
        kind === "state" ? [query.label, "country:US", "continent:NA", "*"]
        : kind === "country" ? [query.label, "continent:NA", "*"]
        : kind === "continent" ? [query.label, "*"]
        : ["*"];
    for (const label of chain) {
        const owner = datacenters.find((dc) => dc.gatewayLocations.some((l) => formatGeoLocation(l) === label));
        if (owner) return owner;
    }
    return undefined;
}

/**
 * Every location × (no outage, each region down) through the routing table: the gateway answers
 * its local region when that is up and otherwise any other (healthy) region; the Publisher/Portal
 * answers the active region when it is up and otherwise the standby. Returns the cases checked.
 */
function checkEveryCase(deployment: Deployment): number {
    const { config } = deployment;
    const regions = config.datacenters.map((dc) => dc.region);
    const active = config.designTimeActive.region;
    const standby = portalStandby(config)!.region;
    const rows = routingTable(deployment.stacks, [config.hostnames.gateway, config.hostnames.portal]);
    assert.equal(rows.length, 2 * LOCATIONS.length * (regions.length + 1));

    for (const row of rows) {
        const at = `${row.name} ${row.location} ${row.down ? `${row.down} down` : "all up"}`;
        const query = LOCATIONS.find((l) => l.label === row.location)!;
        let expected: string[];
        if (row.name === config.hostnames.gateway) {
            const local = claimant(config.datacenters, query)!.region;
            expected = local !== row.down ? [local] : regions.filter((r) => r !== row.down);
        } else {
            expected = [active !== row.down ? active : standby];
        }
        assert.deepEqual(row.answers, expected.sort(), at);
        assert.ok(row.healthy, `${at}: answered, but not with a healthy record`);
    }
    return rows.length;
}

describe("DNS routing of the shipped stacks (us-east + us-west)", () => {
    let both: Deployment;
    before(async function () {
        this.timeout(120_000);
        both = await deploy(["us-east"], ["us-west"]);
    });

    it("walks 51 states, the US, 7 continents and the default", () => {
        assert.equal(LOCATIONS.length, 60);
        assert.equal(new Set(LOCATIONS.map((l) => l.label)).size, 60);
    });

    it("answers every location, healthy and with either region down, with the local or else a healthy region (gateway) and the active or else the passive region (Publisher/Portal)", () => {
        assert.equal(checkEveryCase(both), 2 * 60 * 3);
    });

    it("sends clients to the claimed region through its failover name, not by falling back to broader records", () => {
        const zone = zoneFromStacks(both.stacks);
        const order = both.config.datacenters.map((dc) => dc.region);
        const ny = LOCATIONS.find((l) => l.label === "state:NY")!;
        const answer = resolve(zone, { name: both.config.hostnames.gateway, location: ny.location, latencyOrder: order }, ["us-east-1"]);
        assert.deepEqual(answer?.path, [
            "gateway.example.com [dc1-state-ny]",
            "gateway-failover-dc1.example.com [dc1-secondary]",
            "gateway-nearest.example.com [dc2]",
        ]);
    });

    it("declares records Route 53 accepts, for the stacks together and for each stack alone", () => {
        assert.deepEqual(route53Problems(zoneFromStacks(both.stacks)), []);
        for (const stack of both.stacks) assert.deepEqual(route53Problems(zoneFromStacks([stack])), [], stack.stack);
    });

    it("aliases, in each stack, only its own ALB or names it declares a record of itself, and creates those first", () => {
        let aliasesToNames = 0;
        for (const program of both.runs) {
            const stack = program.config.stack;
            const records = program.resources.filter((r) => r.type === RECORD);
            const albs = program.resources.filter((r) => r.type === ALB);
            for (const record of records) {
                const inputs = record.inputs as any;
                const alias = inputs.aliases?.[0];
                if (!alias) continue;
                const alb = albs.find((lb) => knownAfterApply(lb.name, "dnsName") === alias.name);
                if (alb) {
                    assert.equal(alias.zoneId, knownAfterApply(alb.name, "zoneId"), `${stack} ${record.name}`);
                    continue;
                }
                const targets = records.filter((r) => r !== record && (r.inputs as any).name === alias.name && (r.inputs as any).type === inputs.type);
                assert.ok(targets.length > 0, `${stack} ${record.name} aliases ${alias.name}, which this stack does not declare`);
                assert.equal(alias.zoneId, inputs.zoneId, `${stack} ${record.name}`);
                assert.ok(targets.some((t) => record.dependsOn.includes(t.urn)), `${stack} ${record.name} is not created after its target ${alias.name}`);
                aliasesToNames++;
            }
        }
        assert.ok(aliasesToNames > 60, "the geolocation, secondary and Publisher/Portal records alias names");
    });

    it("sets evaluateTargetHealth on every alias and no ttl on any", () => {
        for (const { stack, resources } of both.stacks) {
            for (const record of resources.filter((r) => r.type === RECORD && (r.inputs as any).aliases)) {
                const inputs = record.inputs as any;
                assert.equal(inputs.aliases[0].evaluateTargetHealth, true, `${stack} ${record.name}`);
                assert.equal(inputs.ttl, undefined, `${stack} ${record.name}`);
            }
        }
    });

    it("judges the gateway and the management plane with 10 s HTTPS checks on 443 (SNI, the region's own name), 3 failures", () => {
        for (const program of both.runs) {
            const { hostnames } = configOf(program);
            const checks = program.resources.filter((r) => r.type === HEALTH);
            const seen = checks.map((c) => `${c.inputs.fqdn}${c.inputs.resourcePath}`).sort();
            assert.deepEqual(seen, [`${hostnames.regionalPortal}${MANAGEMENT_HEALTH_PATH}`, `${hostnames.regionalGateway}${GATEWAY_HEALTH_PATH}`].sort());
            for (const check of checks) {
                assert.equal(check.inputs.type, "HTTPS");
                assert.equal(check.inputs.port, 443);
                assert.equal(check.inputs.enableSni, true);
                assert.equal(check.inputs.requestInterval, 10);
                assert.equal(check.inputs.failureThreshold, 3);
            }
        }
    });

    it("uses a health check on every record that ends at the region's ALB, except the region's own names", () => {
        for (const { stack, resources } of both.stacks) {
            const albAliases = resources.filter((r) => r.type === RECORD && /\.dnsName\)$/.test(String((r.inputs as any).aliases?.[0]?.name)));
            const routed = albAliases.filter((r) => (r.inputs as any).setIdentifier !== undefined);
            assert.ok(routed.length >= 3, stack);
            for (const record of routed) assert.match(String((record.inputs as any).healthCheckId), /health\.id\)$/, `${stack} ${record.name}`);
        }
    });

    it("exports the global URLs and the region's own names", () => {
        for (const program of both.runs) {
            const { hostnames } = configOf(program);
            assert.equal(program.outputs.gatewayUrl, `https://${hostnames.gateway}`);
            assert.equal(program.outputs.portalUrl, `https://${hostnames.portal}`);
            assert.equal(program.outputs.regionalGatewayName, hostnames.regionalGateway);
            assert.equal(program.outputs.regionalPortalName, hostnames.regionalPortal);
            assert.match(String(program.outputs.gatewayHealthCheckId), /gateway-health\.id/);
        }
    });

    // us-east claims the default and the US, so alone it answers everyone; us-west alone answers
    // only what it claims until a stack claiming "*" is deployed (docs/dns.md, deploy order).
    for (const [alone, answersEveryone] of [["us-east", true], ["us-west", false]] as const) {
        it(`answers, with only ${alone} deployed, ${answersEveryone ? "every location" : "the locations it claims"}, healthy or down`, () => {
            const index = both.stacks.findIndex((s) => s.stack.startsWith(`${alone}/`));
            const self = configOf(both.runs[index]).self;
            const zone = zoneFromStacks([both.stacks[index]]);
            for (const down of [[], [self.region]]) {
                for (const query of LOCATIONS) {
                    const ask = (name: string) => resolve(zone, { name, location: query.location, latencyOrder: [self.region] }, down);
                    const claimed = claimant([self], query) !== undefined;
                    if (answersEveryone) assert.ok(claimed, query.label);
                    assert.equal(ask(both.config.hostnames.gateway)?.region ?? null, claimed ? self.region : null, `${query.label} ${down}`);
                    assert.equal(ask(both.config.hostnames.portal)?.region, self.region, `${query.label} ${down}`);
                }
            }
        });
    }
});

describe("DNS routing after promoting the passive region (designTimeActive: DC2)", () => {
    let promoted: Deployment;
    before(async function () {
        this.timeout(120_000);
        promoted = await deploy(["us-east", { designTimeActive: "DC2" }], ["us-west", { designTimeActive: "DC2" }]);
    });

    it("sends Publisher/Portal to us-west-2, and to us-east-1 only when us-west-2 is down; the gateway is unchanged", () => {
        assert.equal(promoted.config.designTimeActive.id, "DC2");
        assert.equal(checkEveryCase(promoted), 2 * 60 * 3);
    });

    it("moves the failover pair to a new name, so neither stack has to change a record the other still needs", () => {
        const names = zoneFromStacks(promoted.stacks).records.map((r) => r.name);
        assert.ok(names.includes("apim-active-dc2.example.com"));
        assert.ok(!names.includes("apim-active-dc1.example.com"));
    });
});

describe("DNS routing with a third region added by config only", () => {
    const datacenters = [
        { id: "DC1", index: 1, region: "us-east-1", cidr: "10.10.0.0/16", gatewayLocations: ["*", "country:US", "continent:NA", "continent:SA", "state:NY"] },
        { id: "DC2", index: 2, region: "us-west-2", cidr: "10.20.0.0/16", gatewayLocations: ["continent:AS", "continent:OC", "state:CA"] },
        { id: "DC3", index: 3, region: "eu-west-1", cidr: "10.30.0.0/16", gatewayLocations: ["continent:EU", "continent:AF", "continent:AN"] },
    ];
    let three: Deployment;
    before(async function () {
        this.timeout(180_000);
        three = await deploy(
            ["us-east", { datacenters }],
            ["us-west", { datacenters }],
            // DC3 has no stack file: us-east's, run as its own stack (eu-west-1 less the number).
            ["us-east", { datacenters, datacenter: "DC3", "aws:region": "eu-west-1", nodeAmiId: "ami-0123456789abcdef0" }, "eu-west"],
        );
    });

    it("keeps every location answered by its local region, or another healthy one, for any single outage", () => {
        assert.deepEqual(three.stacks.map((s) => s.stack.split("/")[1]), ["DC1", "DC2", "DC3"]);
        assert.deepEqual(route53Problems(zoneFromStacks(three.stacks)), []);
        assert.equal(checkEveryCase(three), 2 * 60 * 4);
    });

    it("sends a client of a down region to its nearest healthy region", () => {
        const zone = zoneFromStacks(three.stacks);
        const regions = three.config.datacenters.map((dc) => dc.region);
        const eu = LOCATIONS.find((l) => l.label === "continent:EU")!;
        for (const order of [["eu-west-1", "us-east-1", "us-west-2"], ["eu-west-1", "us-west-2", "us-east-1"]]) {
            const answer = resolve(zone, { name: three.config.hostnames.gateway, location: eu.location, latencyOrder: order }, ["eu-west-1"]);
            assert.equal(answer?.region, order[1]);
        }
        assert.equal(regions.length, 3);
    });

    it("gives the Publisher/Portal failover pair to the active and the first passive region only", () => {
        const roles = three.runs.map((program) => planDns(configOf(program)).records.filter((r) => r.key.startsWith("portal-")).map((r) => r.key));
        assert.deepEqual(roles, [
            ["portal-regional", "portal-primary", "portal-latency"],
            ["portal-regional", "portal-secondary", "portal-latency"],
            ["portal-regional"],
        ]);
    });
});

describe("DNS plan (pure)", () => {
    it("lists every alias target name before the records aliasing it, for every datacenter", () => {
        const base = configOf({ config: stackConfig("us-east"), resources: [], outputs: {}, invokes: [] });
        for (const self of base.datacenters) {
            const regional = regionalHostnames(base.dns.zoneName, self.region);
            const hostnames = { ...base.hostnames, regionalGateway: regional.gateway, regionalPortal: regional.portal };
            const plan = planDns({ ...base, self, hostnames });
            plan.records.forEach((record, i) => {
                if (record.target.kind !== "record") return;
                const name = record.target.name;
                assert.ok(plan.records.slice(0, i).some((r) => r.name === name), `${self.id} ${record.key} aliases ${name} before declaring it`);
            });
            const geo = plan.records.filter((r) => r.routing.policy === "geolocation");
            assert.equal(geo.length, self.gatewayLocations.length, self.id);
        }
    });
});
