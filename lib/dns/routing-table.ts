/**
 * From what the stacks declare (the records and health checks the offline runner records, or the
 * `resources` of each stack's plan.json) to the routing model, and from the model to the routing
 * table of the offline plan: which region answers each location, healthy and with each region down.
 */
import { knownAfterApply } from "../../tools/offline/cloud";
import { CONTINENTS, US_STATES } from "../geo";
import { AliasTarget, ClientLocation, DnsRecord, HealthCheck, normalizeName, resolve, Routing, Zone } from "./model";

const RECORD = "aws:route53/record:Record";
const HEALTH_CHECK = "aws:route53/healthCheck:HealthCheck";
const LOAD_BALANCER = "aws:lb/loadBalancer:LoadBalancer";
const AWS_PROVIDER = "pulumi:providers:aws";
const ZONE = "aws:route53/zone:Zone";

/** The fields of a recorded resource (tools/offline/run.ts) or a plan.json resource this reads. */
export interface DeclaredResource {
    urn: string;
    type: string;
    name: string;
    provider: string | null;
    inputs: Record<string, unknown>;
}

export interface DeclaredStack {
    stack: string;
    resources: DeclaredResource[];
}

/**
 * The hosted zone as every stack together declares it. An alias to an ALB becomes that ALB's
 * region (the region of the provider that creates it), a health check the region of the ALB its
 * FQDN resolves to. Fails on anything it cannot place, rather than guessing.
 */
export function zoneFromStacks(stacks: DeclaredStack[]): Zone {
    const records = stacks.flatMap(recordsOf);
    const zoneIds = new Set(stacks.flatMap((s) => publicRecordResources(s.resources).map((r) => String(r.inputs.zoneId))));
    if (zoneIds.size > 1) throw new Error(`records span several hosted zones (${[...zoneIds].join(", ")}); the model covers one`);

    const regions = regionsOf({ records, healthChecks: [] });
    const healthChecks: HealthCheck[] = stacks.flatMap(({ stack, resources }) =>
        resources.filter((r) => r.type === HEALTH_CHECK).map((check) => {
            const fqdn = check.inputs.fqdn;
            if (typeof fqdn !== "string") throw new Error(`${stack}: health check ${check.name} has no fqdn; the model places checks by the name they resolve`);
            // The name a check requests must resolve to one region whatever the client and health.
            const answer = resolve({ records, healthChecks: [] }, { name: fqdn, location: {}, latencyOrder: regions });
            if (answer?.region === undefined) throw new Error(`${stack}: health check ${check.name} requests ${fqdn}, which resolves to no ALB`);
            return { id: knownAfterApply(check.name, "id"), region: answer.region };
        }),
    );
    return { records, healthChecks };
}

/** Records of the user's public zone: zones a stack creates itself are private (database, node names). */
function publicRecordResources(resources: DeclaredResource[]): DeclaredResource[] {
    const privateZones = new Set(resources.filter((r) => r.type === ZONE).map((zone) => knownAfterApply(zone.name, "zoneId")));
    return resources.filter((r) => r.type === RECORD && !privateZones.has(String(r.inputs.zoneId)));
}

function recordsOf({ stack, resources }: DeclaredStack): DnsRecord[] {
    const providerRegion = new Map(resources.filter((r) => r.type.startsWith(AWS_PROVIDER)).map((p) => [p.urn, String(p.inputs.region)]));
    const albRegion = new Map(
        resources.filter((r) => r.type === LOAD_BALANCER).map((lb) => {
            const region = lb.provider ? providerRegion.get(lb.provider) : undefined;
            if (!region) throw new Error(`${stack}: cannot tell the region of load balancer ${lb.name}`);
            return [knownAfterApply(lb.name, "dnsName"), region];
        }),
    );

    return publicRecordResources(resources).map((resource): DnsRecord => {
        const inputs = resource.inputs as Record<string, any>;
        const at = `${stack}: record ${resource.name}`;
        const alias = (inputs.aliases ?? [])[0];
        let target: AliasTarget | undefined;
        if (alias) {
            const region = albRegion.get(alias.name);
            if (region) target = { kind: "loadBalancer", region };
            else if (alias.zoneId === inputs.zoneId) target = { kind: "record", name: alias.name };
            else throw new Error(`${at} aliases ${alias.name}, neither a name of the zone nor an ALB this stack declares`);
        }
        return {
            name: inputs.name,
            type: inputs.type,
            routing: routingOf(at, inputs),
            setIdentifier: inputs.setIdentifier,
            alias: target && { target, evaluateTargetHealth: alias.evaluateTargetHealth === true },
            ttl: inputs.ttl,
            values: inputs.records,
            healthCheckId: inputs.healthCheckId,
            owner: stack,
        };
    });
}

function routingOf(at: string, inputs: Record<string, any>): Routing {
    const unsupported = ["weightedRoutingPolicies", "cidrRoutingPolicy", "geoproximityRoutingPolicy", "multivalueAnswerRoutingPolicy"]
        .filter((key) => inputs[key] !== undefined && !(Array.isArray(inputs[key]) && inputs[key].length === 0));
    if (unsupported.length > 0) throw new Error(`${at} uses ${unsupported.join(", ")}, which the routing model does not know`);
    const geolocation = inputs.geolocationRoutingPolicies?.[0];
    const failover = inputs.failoverRoutingPolicies?.[0];
    const latency = inputs.latencyRoutingPolicies?.[0];
    if ([geolocation, failover, latency].filter(Boolean).length > 1) throw new Error(`${at} has more than one routing policy`);
    if (geolocation) {
        const { continent, country, subdivision } = geolocation;
        return { policy: "geolocation", location: { continent, country, subdivision } };
    }
    if (failover) return { policy: "failover", role: failover.type };
    if (latency) return { policy: "latency", region: latency.region };
    return { policy: "simple" };
}

export interface LocationQuery {
    /** In the config's spelling: `state:NY`, `country:US`, `continent:EU`, `*`. */
    label: string;
    location: ClientLocation;
}

/**
 * The locations every table and test walks: each US state, the US without a state, each
 * continent (a client of a country no record names) and the default (an address Route 53 maps
 * to no location).
 */
export const LOCATIONS: readonly LocationQuery[] = [
    ...US_STATES.map((code) => ({ label: `state:${code}`, location: { continent: "NA", country: "US", subdivision: code } })),
    { label: "country:US", location: { continent: "NA", country: "US" } },
    ...CONTINENTS.map((code) => ({ label: `continent:${code}`, location: { continent: code } })),
    { label: "*", location: {} },
];

export interface RoutingRow {
    name: string;
    location: string;
    /** The region that is down; null: all are up. */
    down: string | null;
    /** Regions that answer, over every ordering of client latency; empty: no answer. */
    answers: string[];
    /** Every answer is one Route 53 considers healthy. */
    healthy: boolean;
}

/** Regions of the zone's ALBs, in the order first seen. */
export function regionsOf(zone: Zone): string[] {
    return [...new Set(zone.records.flatMap((r) => (r.alias?.target.kind === "loadBalancer" ? [r.alias.target.region] : [])))];
}

/**
 * For each name, location and outage (none, then each region alone), the regions that answer.
 * Latency records depend on where the client is relative to the regions, which the table does not
 * know, so every ordering of the regions is tried and the union reported.
 */
export function routingTable(stacks: DeclaredStack[], names: string[]): RoutingRow[] {
    const zone = zoneFromStacks(stacks);
    const regions = regionsOf(zone);
    const orders = permutations(regions);
    const rows: RoutingRow[] = [];
    for (const name of names) {
        for (const { label, location } of LOCATIONS) {
            for (const down of [null, ...regions]) {
                const answers = orders.map((latencyOrder) => resolve(zone, { name: normalizeName(name), location, latencyOrder }, down ? [down] : []));
                rows.push({
                    name,
                    location: label,
                    down,
                    answers: [...new Set(answers.flatMap((a) => (a?.region ? [a.region] : [])))].sort(),
                    healthy: answers.every((a) => a?.healthy === true),
                });
            }
        }
    }
    return rows;
}

export function permutations<T>(items: readonly T[]): T[][] {
    if (items.length <= 1) return [[...items]];
    return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}
