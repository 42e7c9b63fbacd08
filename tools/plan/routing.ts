/**
 * The plan's DNS routing table: for the gateway and Publisher/Portal names, which region answers
 * each location, with every region up and with each region down, from the routing model over the
 * records every stack declares together.
 */
import { routingTable, RoutingRow } from "../../lib/dns/routing-table";
import { Plan } from "./plan-json";

function hostOf(url: unknown): string | null {
    return typeof url === "string" ? url.replace(/^https:\/\//, "") : null;
}

function cell(row: RoutingRow | undefined): string {
    if (!row || row.answers.length === 0) return "**no answer**";
    const regions = row.answers.join(" or ");
    return row.healthy ? regions : `**${regions} (unhealthy)**`;
}

/**
 * Locations written compactly, by kind: "states AL, AR; country US; continents EU, SA; * (default)".
 */
export function locationList(locations: string[]): string {
    const kinds: Array<[string, string, string]> = [["state:", "state", "states"], ["country:", "country", "countries"], ["continent:", "continent", "continents"]];
    const parts = kinds.flatMap(([prefix, one, many]) => {
        const codes = locations.filter((l) => l.startsWith(prefix)).map((l) => l.slice(prefix.length));
        return codes.length ? [`${codes.length === 1 ? one : many} ${codes.join(", ")}`] : [];
    });
    const other = locations.filter((l) => !kinds.some(([prefix]) => l.startsWith(prefix)));
    return [...parts, ...other.map((l) => (l === "*" ? "* (default)" : l))].join("; ");
}

/**
 * One row per distinct answer (the same region with every region up and with each region down),
 * listing the locations that get it: a name whose 60 locations all get one answer is one row.
 */
export function routingTableMarkdown(plans: Plan[]): string {
    const names = [...new Set(plans.flatMap((p) => [hostOf(p.outputs.gatewayUrl), hostOf(p.outputs.portalUrl)]))].filter(
        (name): name is string => name !== null,
    );
    const rows = routingTable(plans.map((p) => ({ stack: p.stack, resources: p.resources })), names);
    const regions = [...new Set(rows.flatMap((r) => (r.down ? [r.down] : [])))].sort();
    const sections = names.map((name) => {
        const ofName = rows.filter((r) => r.name === name);
        const locations = [...new Set(ofName.map((r) => r.location))];
        const find = (location: string, down: string | null) => ofName.find((r) => r.location === location && r.down === down);
        const answers = new Map<string, string[]>();
        for (const location of locations) {
            const cells = [cell(find(location, null)), ...regions.map((r) => cell(find(location, r)))].join(" | ");
            answers.set(cells, [...(answers.get(cells) ?? []), location]);
        }
        return [
            `### ${name}`,
            "",
            `${locations.length} client locations, ${answers.size} distinct answer(s).`,
            "",
            `| locations | all regions up | ${regions.map((r) => `${r} down`).join(" | ")} |`,
            `| --- | --- | ${regions.map(() => "---").join(" | ")} |`,
            ...[...answers].map(([cells, where]) =>
                `| ${where.length === locations.length ? `all ${where.length}` : `${where.length}: ${locationList(where)}`} | ${cells} |`),
        ].join("\n");
    });
    const intro =
        "Answers of Route 53 as modelled (lib/dns/model.ts) over the records of every stack together, one row per distinct answer " +
        "with the client locations that get it; \"A or B\" means the answer depends on the client's latency to each region.";
    return [intro, ...sections].join("\n\n");
}
