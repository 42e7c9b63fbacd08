/**
 * The Route 53 routing model (lib/dns/model.ts) and the change-batch rules (lib/dns/validate.ts)
 * on small hand-written record sets, including the naive design the program must not use.
 */
import * as assert from "node:assert/strict";
import { ClientLocation, DnsRecord, GeolocationSpec, HealthCheck, Query, resolve, Routing, Zone } from "../lib/dns/model";
import { route53Problems } from "../lib/dns/validate";

const EAST = "us-east-1";
const WEST = "us-west-2";
const EU = "eu-west-1";

const NY: ClientLocation = { continent: "NA", country: "US", subdivision: "NY" };
const CA: ClientLocation = { continent: "NA", country: "US", subdivision: "CA" };
const US: ClientLocation = { continent: "NA", country: "US" };
const CANADA: ClientLocation = { continent: "NA", country: "CA" };
const FRANCE: ClientLocation = { continent: "EU", country: "FR" };
const UNMAPPED: ClientLocation = {};

type Target = { alb: string } | { name: string } | { values: string[] };

function record(name: string, routing: Routing, target: Target, extra: Partial<DnsRecord> = {}): DnsRecord {
    const setIdentifier = routing.policy === "simple" ? undefined : `${name}-${JSON.stringify(routing)}`;
    const base: DnsRecord = { name, type: "A", routing, setIdentifier, owner: "test" };
    if ("values" in target) return { ...base, values: target.values, ttl: 60, ...extra };
    const aliasTarget = "alb" in target ? { kind: "loadBalancer" as const, region: target.alb } : { kind: "record" as const, name: target.name };
    return { ...base, alias: { target: aliasTarget, evaluateTargetHealth: true }, ...extra };
}
const geo = (location: GeolocationSpec): Routing => ({ policy: "geolocation", location });
const STATE = (code: string) => geo({ country: "US", subdivision: code });
const failover = (role: "PRIMARY" | "SECONDARY"): Routing => ({ policy: "failover", role });
const latency = (region: string): Routing => ({ policy: "latency", region });

function zone(records: DnsRecord[], healthChecks: HealthCheck[] = []): Zone {
    return { records, healthChecks };
}
function ask(z: Zone, name: string, location: ClientLocation, down: string[] = [], latencyOrder = [EAST, WEST, EU]) {
    const query: Query = { name, location, latencyOrder };
    return resolve(z, query, down);
}
const regionOf = (z: Zone, name: string, location: ClientLocation, down: string[] = [], order?: string[]) =>
    ask(z, name, location, down, order)?.region ?? null;

describe("DNS model: geolocation", () => {
    const tiers = zone([
        record("gw", STATE("NY"), { alb: EAST }),
        record("gw", geo({ country: "US" }), { alb: WEST }),
        record("gw", geo({ continent: "NA" }), { alb: EU }),
        record("gw", geo({ country: "*" }), { values: ["192.0.2.1"] }),
    ]);

    it("answers from the most specific matching record: state, then country, then continent, then default", () => {
        assert.equal(regionOf(tiers, "gw", NY), EAST);
        assert.equal(regionOf(tiers, "gw", CA), WEST, "a state without a record falls to the country record");
        assert.equal(regionOf(tiers, "gw", US), WEST);
        assert.equal(regionOf(tiers, "gw", CANADA), EU);
        assert.deepEqual(ask(tiers, "gw", FRANCE)?.values, ["192.0.2.1"]);
        assert.deepEqual(ask(tiers, "gw", UNMAPPED)?.values, ["192.0.2.1"]);
    });

    it("moves to the next broader record when the chosen one is unhealthy, never sideways to a sibling", () => {
        const z = zone([
            record("gw", STATE("NY"), { alb: EAST }),
            record("gw", STATE("NJ"), { alb: WEST }),
            record("gw", geo({ continent: "NA" }), { alb: EU }),
        ]);
        assert.equal(regionOf(z, "gw", NY, [EAST]), EU, "NY skips the healthy NJ sibling and takes the continent record");
        assert.equal(regionOf(z, "gw", NY, [EU]), EAST);
    });

    it("gives no answer when no record matches and there is no default", () => {
        const z = zone([record("gw", STATE("NY"), { alb: EAST }), record("gw", geo({ continent: "NA" }), { alb: EAST })]);
        assert.equal(ask(z, "gw", FRANCE), null);
        assert.equal(ask(z, "gw", UNMAPPED), null);
        assert.equal(regionOf(z, "gw", CANADA), EAST);
    });

    it("answers with the most specific record, marked unhealthy, when every matching record is unhealthy", () => {
        const z = zone([record("gw", STATE("NY"), { alb: EAST }), record("gw", geo({ country: "*" }), { alb: WEST })]);
        const answer = ask(z, "gw", NY, [EAST, WEST]);
        assert.equal(answer?.region, EAST);
        assert.equal(answer?.healthy, false);
    });
});

describe("DNS model: failover", () => {
    const primary = record("fo", failover("PRIMARY"), { alb: EAST });
    const secondary = record("fo", failover("SECONDARY"), { alb: WEST });

    it("answers with a healthy PRIMARY, else a healthy SECONDARY, else the PRIMARY", () => {
        const z = zone([secondary, primary]);
        assert.equal(regionOf(z, "fo", US), EAST);
        assert.equal(regionOf(z, "fo", US, [EAST]), WEST);
        assert.equal(regionOf(z, "fo", US, [WEST]), EAST);
        const both = ask(z, "fo", US, [EAST, WEST]);
        assert.equal(both?.region, EAST);
        assert.equal(both?.healthy, false);
    });

    it("answers with the only member when the other was never created", () => {
        assert.equal(regionOf(zone([secondary]), "fo", US), WEST);
        assert.equal(regionOf(zone([secondary]), "fo", US, [WEST]), WEST);
        assert.equal(regionOf(zone([primary]), "fo", US, [EAST]), EAST);
    });

    it("treats a SECONDARY without a health check or target evaluation as always healthy", () => {
        const blind = record("fo", failover("SECONDARY"), { values: ["192.0.2.9"] });
        assert.deepEqual(ask(zone([primary, blind]), "fo", US, [EAST])?.values, ["192.0.2.9"]);
    });
});

describe("DNS model: latency", () => {
    const z = zone([record("lat", latency(EAST), { alb: EAST }), record("lat", latency(WEST), { alb: WEST })]);

    it("answers with the record of the client's nearest healthy region", () => {
        assert.equal(regionOf(z, "lat", US, [], [WEST, EAST]), WEST);
        assert.equal(regionOf(z, "lat", US, [], [EAST, WEST]), EAST);
        assert.equal(regionOf(z, "lat", US, [WEST], [WEST, EAST]), EAST);
        assert.equal(regionOf(z, "lat", US, [EAST, WEST], [WEST, EAST]), WEST, "all unhealthy: the nearest");
    });

    it("refuses to guess the latency of a region the query does not rank", () => {
        assert.throws(() => ask(z, "lat", US, [], [EAST]), /us-west-2.*latencyOrder/);
    });
});

describe("DNS model: alias target health and health checks", () => {
    it("judges an alias to a name by whether that name resolves to a healthy answer", () => {
        const z = zone([
            record("fo", failover("PRIMARY"), { alb: EAST }),
            record("gw", STATE("NY"), { name: "fo" }),
            record("gw", geo({ country: "*" }), { alb: WEST }),
        ]);
        assert.equal(regionOf(z, "gw", NY), EAST);
        assert.equal(regionOf(z, "gw", NY, [EAST]), WEST, "the state record's target is unhealthy: broader record");
    });

    it("ignores the target's health when evaluateTargetHealth is off", () => {
        const blind = record("gw", STATE("NY"), { alb: EAST }, { alias: { target: { kind: "loadBalancer", region: EAST }, evaluateTargetHealth: false } });
        const z = zone([blind, record("gw", geo({ country: "*" }), { alb: WEST })]);
        assert.equal(regionOf(z, "gw", NY, [EAST]), EAST);
    });

    it("treats a record whose health check judges a down region as unhealthy", () => {
        const checked = record("gw", STATE("NY"), { values: ["192.0.2.1"] }, { healthCheckId: "hc-east" });
        const z = zone([checked, record("gw", geo({ country: "*" }), { alb: WEST })], [{ id: "hc-east", region: EAST }]);
        assert.deepEqual(ask(z, "gw", NY)?.values, ["192.0.2.1"]);
        assert.equal(regionOf(z, "gw", NY, [EAST]), WEST);
        assert.equal(regionOf(z, "gw", NY, [WEST]), null, "a non-alias answer carries no region");
    });

    it("needs both the health check and the target to be healthy", () => {
        const both = record("gw", STATE("NY"), { alb: EAST }, { healthCheckId: "hc-west" });
        const z = zone([both, record("gw", geo({ country: "*" }), { alb: EU })], [{ id: "hc-west", region: WEST }]);
        assert.equal(regionOf(z, "gw", NY, [WEST]), EU, "health check down, target up");
        assert.equal(regionOf(z, "gw", NY, [EAST]), EU, "health check up, target down");
        assert.equal(regionOf(z, "gw", NY, [EU]), EAST);
    });

    it("fails on a health check it does not know, an alias loop, or mixed routing policies", () => {
        const unknown = zone([record("gw", STATE("NY"), { alb: EAST }, { healthCheckId: "nope" })]);
        assert.throws(() => ask(unknown, "gw", NY), /health check nope/);
        const loop = zone([record("a", { policy: "simple" }, { name: "b" }), record("b", { policy: "simple" }, { name: "a" })]);
        assert.throws(() => ask(loop, "a", NY), /alias loop/);
        const mixed = zone([record("m", latency(EAST), { alb: EAST }), record("m", failover("PRIMARY"), { alb: WEST })]);
        assert.throws(() => ask(mixed, "m", NY), /mixes routing policies/);
    });

    it("matches names case-insensitively and with or without the final dot", () => {
        const z = zone([record("Gw.Example.com.", STATE("NY"), { alb: EAST })]);
        assert.equal(regionOf(z, "gw.example.com", NY), EAST);
    });
});

describe("DNS model: the naive design against the chosen construction", () => {
    // DC1 (us-east-1) claims NY, the US, North America and the default; DC2 (us-west-2) CA and Asia.
    const claims: [GeolocationSpec, string][] = [
        [{ country: "US", subdivision: "NY" }, EAST],
        [{ country: "US", subdivision: "CA" }, WEST],
        [{ country: "US" }, EAST],
        [{ continent: "NA" }, EAST],
        [{ continent: "AS" }, WEST],
        [{ country: "*" }, EAST],
    ];
    const ASIA: ClientLocation = { continent: "AS", country: "JP" };

    it("naive: geolocation records straight to the ALBs leave DC1's clients on DC1 when it is down", () => {
        const naive = zone(claims.map(([location, region]) => record("gw", geo(location), { alb: region })));
        // DC2 down happens to work: CA falls to the country record, which is DC1's.
        assert.equal(regionOf(naive, "gw", CA, [WEST]), EAST);
        // DC1 down: NY → country → continent → default are all DC1: every one unhealthy, so
        // Route 53 answers with the most specific — the down region.
        for (const client of [NY, US, CANADA, UNMAPPED, FRANCE]) {
            const answer = ask(naive, "gw", client, [EAST]);
            assert.equal(answer?.region, EAST, JSON.stringify(client));
            assert.equal(answer?.healthy, false);
        }
    });

    it("chosen: geolocation → per-DC failover pair (PRIMARY own ALB, SECONDARY nearest healthy region) moves every client", () => {
        const checks: HealthCheck[] = [EAST, WEST].map((region) => ({ id: `hc-${region}`, region }));
        const perDc = [EAST, WEST].flatMap((region) => [
            record("nearest", latency(region), { alb: region }, { healthCheckId: `hc-${region}` }),
            record(`fo-${region}`, failover("PRIMARY"), { alb: region }, { healthCheckId: `hc-${region}` }),
            record(`fo-${region}`, failover("SECONDARY"), { name: "nearest" }),
        ]);
        const chosen = zone([...perDc, ...claims.map(([location, region]) => record("gw", geo(location), { name: `fo-${region}` }))], checks);
        for (const order of [[EAST, WEST], [WEST, EAST]]) {
            for (const client of [NY, CA, US, CANADA, ASIA, FRANCE, UNMAPPED]) {
                const local = client === CA || client === ASIA ? WEST : EAST;
                const other = local === EAST ? WEST : EAST;
                assert.equal(regionOf(chosen, "gw", client, [], order), local, `${JSON.stringify(client)} healthy`);
                assert.equal(regionOf(chosen, "gw", client, [local], order), other, `${JSON.stringify(client)} ${local} down`);
                assert.equal(regionOf(chosen, "gw", client, [other], order), local, `${JSON.stringify(client)} ${other} down`);
            }
        }
    });
});

describe("Route 53 change-batch rules", () => {
    const valid = () => [
        record("gw", STATE("NY"), { alb: EAST }),
        record("gw", geo({ continent: "EU" }), { alb: EAST }),
        record("gw", geo({ country: "*" }), { alb: WEST }),
        record("fo", failover("PRIMARY"), { alb: EAST }),
        record("fo", failover("SECONDARY"), { name: "gw" }),
        record("plain", { policy: "simple" }, { values: ["192.0.2.1"] }),
    ];

    it("accepts a valid set", () => {
        assert.deepEqual(route53Problems(zone(valid())), []);
    });

    const broken: [string, (records: DnsRecord[]) => DnsRecord[], RegExp][] = [
        ["continent and country together", (r) => [...r, record("gw", geo({ continent: "EU", country: "FR" }), { alb: EAST })], /either a continent or a country/],
        ["a subdivision outside the US", (r) => [...r, record("gw", geo({ country: "CA", subdivision: "ON" }), { alb: EAST })], /subdivision requires country US/],
        ["an empty geolocation", (r) => [...r, record("gw", geo({}), { alb: EAST })], /needs a continent, a country/],
        ["a routed record without setIdentifier", (r) => [...r, record("gw", STATE("NJ"), { alb: EAST }, { setIdentifier: undefined })], /needs a setIdentifier/],
        ["an alias with a ttl", (r) => [...r, record("gw", STATE("NJ"), { alb: EAST }, { ttl: 60 })], /alias record takes no ttl/],
        ["a failover alias without evaluateTargetHealth", (r) => r.map((x) => (x.name === "fo" && x.alias ? { ...x, alias: { ...x.alias, evaluateTargetHealth: false } } : x)), /must set evaluateTargetHealth/],
        ["two PRIMARY records", (r) => [...r, record("fo", failover("PRIMARY"), { alb: WEST }, { setIdentifier: "other" })], /2 PRIMARY/],
        ["two records for one location", (r) => [...r, record("gw", STATE("NY"), { alb: WEST }, { setIdentifier: "ny-again" })], /two geolocation records/],
        ["a reused setIdentifier", (r) => [...r, record("gw", STATE("NJ"), { alb: WEST }, { setIdentifier: r[0].setIdentifier })], /used twice/],
        ["an alias to a missing name", (r) => [...r, record("gw", STATE("NJ"), { name: "missing" })], /missing A does not exist/],
        ["an unknown health check", (r) => [...r, record("gw", STATE("NJ"), { alb: EAST }, { healthCheckId: "nope" })], /health check nope does not exist/],
        ["mixed policies under one name", (r) => [...r, record("gw", latency(EAST), { alb: EAST })], /share a routing policy/],
        ["a non-alias record without a ttl", (r) => r.map((x) => (x.name === "plain" ? { ...x, ttl: undefined } : x)), /needs a ttl/],
    ];
    for (const [what, breakIt, message] of broken) {
        it(`rejects ${what}`, () => {
            const problems = route53Problems(zone(breakIt(valid())));
            assert.ok(problems.some((p) => message.test(p)), problems.join("\n") || "no problem reported");
        });
    }
});
