/**
 * Rules Route 53 enforces on a change batch (InvalidChangeBatch / InvalidInput), checked on the
 * records of every stack together: what one stack declares must also fit beside the others.
 */
import { DnsRecord, normalizeName, recordLabel, Zone } from "./model";

/** Every broken rule, one readable line each; empty when Route 53 would accept the records. */
export function route53Problems(zone: Zone): string[] {
    const problems: string[] = [];
    const checkIds = new Set(zone.healthChecks.map((check) => check.id));

    for (const record of zone.records) {
        const at = `${recordLabel(record)} (${record.owner})`;
        const routed = record.routing.policy !== "simple";
        if (routed && !record.setIdentifier) problems.push(`${at}: a ${record.routing.policy} record needs a setIdentifier`);
        if (!routed && record.setIdentifier) problems.push(`${at}: a simple record takes no setIdentifier`);
        if (record.alias) {
            if (record.ttl !== undefined) problems.push(`${at}: an alias record takes no ttl (Route 53 uses the target's)`);
            if (record.values?.length) problems.push(`${at}: an alias record takes no values`);
            if (record.routing.policy === "failover" && !record.alias.evaluateTargetHealth) {
                problems.push(`${at}: a failover alias record must set evaluateTargetHealth`);
            }
        } else {
            if (record.ttl === undefined) problems.push(`${at}: a non-alias record needs a ttl`);
            if (!record.values?.length) problems.push(`${at}: a non-alias record needs values`);
        }
        if (record.healthCheckId !== undefined && !checkIds.has(record.healthCheckId)) {
            problems.push(`${at}: health check ${record.healthCheckId} does not exist`);
        }
        if (record.routing.policy === "geolocation") problems.push(...geolocationProblems(at, record));
    }

    for (const group of groups(zone.records)) {
        const at = `${group[0].name} ${group[0].type}`;
        const policies = new Set(group.map((r) => r.routing.policy));
        if (policies.size > 1) problems.push(`${at}: records of one name and type must share a routing policy, got ${[...policies].join(", ")}`);
        if (group.some((r) => r.routing.policy === "simple") && group.length > 1) problems.push(`${at}: a simple record must be alone`);
        duplicates(group.map((r) => r.setIdentifier).filter((id): id is string => id !== undefined))
            .forEach((id) => problems.push(`${at}: setIdentifier "${id}" is used twice`));
        for (const role of ["PRIMARY", "SECONDARY"]) {
            const count = group.filter((r) => r.routing.policy === "failover" && r.routing.role === role).length;
            if (count > 1) problems.push(`${at}: ${count} ${role} failover records; Route 53 allows one`);
        }
        duplicates(group.flatMap((r) => (r.routing.policy === "geolocation" ? [JSON.stringify(r.routing.location)] : [])))
            .forEach((location) => problems.push(`${at}: two geolocation records for ${location}`));
    }

    for (const record of zone.records) {
        const target = record.alias?.target;
        if (target?.kind !== "record") continue;
        const found = zone.records.some((r) => normalizeName(r.name) === normalizeName(target.name) && r.type === record.type);
        if (!found) problems.push(`${recordLabel(record)} (${record.owner}): alias target ${target.name} ${record.type} does not exist`);
    }
    return problems;
}

/** Exactly one of: a continent, a country (`*`: the default), or a US state with country US. */
function geolocationProblems(at: string, record: DnsRecord): string[] {
    if (record.routing.policy !== "geolocation") return [];
    const { continent, country, subdivision } = record.routing.location;
    if (continent !== undefined && (country !== undefined || subdivision !== undefined)) {
        return [`${at}: a geolocation names either a continent or a country, not both`];
    }
    if (subdivision !== undefined && country !== "US") return [`${at}: a subdivision requires country US, got ${country ?? "none"}`];
    if (continent === undefined && country === undefined) return [`${at}: a geolocation needs a continent, a country or "*"`];
    return [];
}

function groups(records: DnsRecord[]): DnsRecord[][] {
    const byKey = new Map<string, DnsRecord[]>();
    for (const record of records) {
        const key = `${normalizeName(record.name)} ${record.type}`;
        byKey.set(key, [...(byKey.get(key) ?? []), record]);
    }
    return [...byKey.values()];
}

function duplicates(values: string[]): string[] {
    return [...new Set(values.filter((v, i) => values.indexOf(v) !== i))];
}
