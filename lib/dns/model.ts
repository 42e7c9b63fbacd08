/**
 * A model of how Route 53 answers a query in one public hosted zone, after the Developer Guide
 * ("How Amazon Route 53 chooses records when health checking is configured", "How health checks
 * work in complex Amazon Route 53 configurations", and the routing-policy pages):
 *
 * - Records of the same name and type form a group with one routing policy. Route 53 orders the
 *   group's records by the policy (geolocation: the matching records, most specific first;
 *   failover: PRIMARY, then SECONDARY; latency: the client's nearest region first), answers with
 *   the first healthy one, and when none is healthy treats them all as healthy and answers with
 *   the first ("all unhealthy means all healthy"). Geolocation never moves sideways: only records
 *   that match the client's location are candidates, and without a match (no default `*`) there
 *   is no answer. With failover this gives the documented table: a healthy PRIMARY answers; an
 *   unhealthy PRIMARY yields to a healthy SECONDARY; an unhealthy SECONDARY yields the PRIMARY.
 * - A record is healthy when its health check (if any) is healthy and, for an alias with
 *   evaluateTargetHealth, when its target is: an ALB when its region is up, another name of the
 *   zone when resolving that name (for the same client) gives a healthy answer.
 * - A health check is unhealthy exactly when the region it judges is down.
 *
 * The model answers with the region whose ALB ends the chain of aliases, so tests and the plan
 * can say which datacenter a client reaches.
 */

export type FailoverRole = "PRIMARY" | "SECONDARY";

/** Route 53's GeoLocation: a continent, a country (`*` is the default record), or a US state. */
export interface GeolocationSpec {
    continent?: string;
    country?: string;
    subdivision?: string;
}

export type Routing =
    | { policy: "simple" }
    | { policy: "geolocation"; location: GeolocationSpec }
    | { policy: "failover"; role: FailoverRole }
    | { policy: "latency"; region: string };

export type AliasTarget =
    /** An ALB (or any AWS resource of one region): healthy iff its region is up. */
    | { kind: "loadBalancer"; region: string }
    /** Another name in the same hosted zone. */
    | { kind: "record"; name: string };

export interface DnsRecord {
    name: string;
    type: string;
    routing: Routing;
    setIdentifier?: string;
    alias?: { target: AliasTarget; evaluateTargetHealth: boolean };
    /** Non-alias records only. */
    ttl?: number;
    values?: string[];
    healthCheckId?: string;
    /** The stack that declares the record (messages and the ownership rule). */
    owner: string;
}

export interface HealthCheck {
    id: string;
    /** The region whose endpoint the check judges. */
    region: string;
}

export interface Zone {
    records: DnsRecord[];
    healthChecks: HealthCheck[];
}

/** Where Route 53 places the client's resolver; `{}` is an address it maps to no location. */
export interface ClientLocation {
    continent?: string;
    country?: string;
    subdivision?: string;
}

export interface Query {
    name: string;
    /** Defaults to A. */
    type?: string;
    location: ClientLocation;
    /** AWS regions from the lowest to the highest latency for this client; latency records of regions not listed are an error. */
    latencyOrder: readonly string[];
}

export interface Answer {
    /** Region of the ALB that answers; undefined for a non-alias record (see `values`). */
    region?: string;
    values?: string[];
    /** Whether Route 53 considers the chosen record healthy (false: chosen because nothing was). */
    healthy: boolean;
    /** The records followed, outermost first (`name [setIdentifier]`). */
    path: string[];
}

/** Route 53 compares names case-insensitively and with or without the final dot. */
export function normalizeName(name: string): string {
    return name.toLowerCase().replace(/\.$/, "");
}

export function recordLabel(record: DnsRecord): string {
    return record.setIdentifier === undefined ? record.name : `${record.name} [${record.setIdentifier}]`;
}

interface Context {
    zone: Zone;
    query: Query;
    down: ReadonlySet<string>;
    checks: Map<string, HealthCheck>;
}

/** The answer Route 53 gives `query` while the regions in `down` are down; null when it gives none. */
export function resolve(zone: Zone, query: Query, down: readonly string[] = []): Answer | null {
    const checks = new Map(zone.healthChecks.map((check) => [check.id, check]));
    return resolveName({ zone, query, down: new Set(down), checks }, normalizeName(query.name), query.type ?? "A", []);
}

function resolveName(ctx: Context, name: string, type: string, followed: string[]): Answer | null {
    if (followed.includes(name)) throw new Error(`alias loop: ${[...followed, name].join(" -> ")}`);
    const group = ctx.zone.records.filter((r) => normalizeName(r.name) === name && r.type === type);
    if (group.length === 0) return null;
    const policies = new Set(group.map((r) => r.routing.policy));
    if (policies.size > 1) throw new Error(`${name} ${type} mixes routing policies (${[...policies].join(", ")}); Route 53 rejects that`);

    const candidates = ordered(ctx, group);
    let first: Answer | null = null;
    for (const [i, record] of candidates.entries()) {
        const answer = evaluate(ctx, record, [...followed, name]);
        if (answer.healthy) return answer.result;
        if (i === 0) first = answer.result;
    }
    return first;
}

/** The group's candidates for this query, in Route 53's order of preference. */
function ordered(ctx: Context, group: DnsRecord[]): DnsRecord[] {
    const routing = group[0].routing;
    switch (routing.policy) {
        case "simple":
            if (group.length > 1) throw new Error(`${group[0].name} has ${group.length} simple records; Route 53 allows one`);
            return group;
        case "geolocation":
            return group
                .map((record) => ({ record, rank: geolocationRank(geolocationOf(record), ctx.query.location) }))
                .filter((c): c is { record: DnsRecord; rank: number } => c.rank !== null)
                .sort((a, b) => b.rank - a.rank)
                .map((c) => c.record);
        case "failover": {
            const role = (wanted: FailoverRole) => group.filter((r) => r.routing.policy === "failover" && r.routing.role === wanted);
            const [primary, secondary] = [role("PRIMARY"), role("SECONDARY")];
            if (primary.length > 1 || secondary.length > 1) throw new Error(`${group[0].name} has more than one PRIMARY or SECONDARY record`);
            return [...primary, ...secondary];
        }
        case "latency": {
            const rank = (record: DnsRecord) => {
                const region = record.routing.policy === "latency" ? record.routing.region : "";
                const index = ctx.query.latencyOrder.indexOf(region);
                if (index < 0) throw new Error(`${recordLabel(record)} is a latency record of ${region}, which the query's latencyOrder does not rank`);
                return index;
            };
            return [...group].sort((a, b) => rank(a) - rank(b));
        }
    }
}

function geolocationOf(record: DnsRecord): GeolocationSpec {
    return record.routing.policy === "geolocation" ? record.routing.location : {};
}

/** How specifically a geolocation record matches the client (3 state … 0 default); null: it does not. */
export function geolocationRank(spec: GeolocationSpec, client: ClientLocation): number | null {
    if (spec.subdivision !== undefined) {
        return spec.country === client.country && spec.subdivision === client.subdivision ? 3 : null;
    }
    if (spec.country === "*") return 0;
    if (spec.country !== undefined) return spec.country === client.country ? 2 : null;
    if (spec.continent !== undefined) return spec.continent === client.continent ? 1 : null;
    return null;
}

function evaluate(ctx: Context, record: DnsRecord, followed: string[]): { healthy: boolean; result: Answer | null } {
    let checkHealthy = true;
    if (record.healthCheckId !== undefined) {
        const check = ctx.checks.get(record.healthCheckId);
        if (!check) throw new Error(`${recordLabel(record)} uses health check ${record.healthCheckId}, which is not in the zone's health checks`);
        checkHealthy = !ctx.down.has(check.region);
    }

    let target: Answer | null;
    if (!record.alias) {
        target = { values: record.values ?? [], healthy: true, path: [] };
    } else if (record.alias.target.kind === "loadBalancer") {
        const region = record.alias.target.region;
        target = { region, healthy: !ctx.down.has(region), path: [] };
    } else {
        target = resolveName(ctx, normalizeName(record.alias.target.name), record.type, followed);
    }
    const targetHealthy = record.alias?.evaluateTargetHealth ? target?.healthy === true : true;
    const healthy = checkHealthy && targetHealthy;
    return {
        healthy,
        result: target && { ...target, healthy, path: [recordLabel(record), ...target.path] },
    };
}
