/**
 * Convergence of the rendered GoldenGate files: the CDR model (lib/goldengate/cdr-model.ts)
 * wires the paths from every hub's rendered files and replays seeded interleavings of
 * conflicting changes, for the shipped two datacenters and a three-datacenter deployment. Every
 * DC must end with the same rows and no Replicat may abend. The last cases change one rule of the
 * rendering and show the model catch it.
 */
import * as assert from "node:assert/strict";
import { DeploymentConfig, parseConfig } from "../lib/config";
import { firstFailure, HubFiles, LocalChange, ModelTable, pathsOf, replay, Row, Scenario, seededRandom } from "../lib/goldengate/cdr-model";
import { BOOT_KEYS, bootObjects } from "../lib/region-files";
import { sourcesOf, stackConfig, THIRD_DATACENTER } from "./harness";

const SHIPPED_DCS = stackConfig("us-east").values["wso2-apim-multi-dc:datacenters"] as object[];
/** Interleavings replayed per scenario (seeded: a failure names its seed). */
const RUNS = 150;

function configOf(datacenters?: object[]): DeploymentConfig {
    const { project, aws } = sourcesOf(stackConfig("us-east", datacenters ? { datacenters } : {}));
    return parseConfig(project, aws, "us-east");
}

/** Every hub's files, as each datacenter's stack puts them in its boot bucket. */
function hubsOf(config: DeploymentConfig): HubFiles[] {
    return config.datacenters.map((dc) => ({
        dcId: dc.id,
        hubIp: dc.goldengateHubIp,
        files: new Map(Object.entries(bootObjects({ ...config, self: dc }))
            .filter(([key]) => key.startsWith(BOOT_KEYS.goldengatePrefix))
            .map(([key, content]) => [key.slice(BOOT_KEYS.goldengatePrefix.length), content])),
    }));
}

// The tables as the database enforces them (keys and LOBs as in WSO2's DDL).
const APPLICATION: ModelTable = { name: "WSO2AM.AM_APPLICATION", key: "APPLICATION_ID", uniqueKeys: [["NAME", "SUBSCRIBER_ID"], ["UUID"]], lobColumns: [] };
const CONTENT: ModelTable = { name: "WSO2SHARED.REG_CONTENT", key: "REG_CONTENT_ID", uniqueKeys: [], lobColumns: ["REG_CONTENT_DATA"] };
const API: ModelTable = { name: "WSO2AM.AM_API", key: "API_ID", uniqueKeys: [["API_PROVIDER", "API_NAME", "API_VERSION"]], lobColumns: [] };
const URL_MAPPING: ModelTable = {
    name: "WSO2AM.AM_API_URL_MAPPING", key: "URL_MAPPING_ID", uniqueKeys: [], lobColumns: ["MEDIATION_SCRIPT"], parent: { column: "API_ID", table: API.name },
};
const TABLES = [APPLICATION, CONTENT, API, URL_MAPPING];

const app = (id: string, name: string, uuid: string) => ({ APPLICATION_ID: id, NAME: name, SUBSCRIBER_ID: "1", UUID: uuid, DESCRIPTION: "initial" });
const local = (change: LocalChange): LocalChange => change;
const seeded = [
    { table: APPLICATION.name, row: app("1", "DefaultApplication", "u-1") },
    { table: CONTENT.name, row: { REG_CONTENT_ID: "1", REG_CONTENT_DATA: "<api-definition/>", REG_TENANT_ID: "-1234" } },
];

/** The conflict classes of the issue, for the given datacenters (the first is the trusted source). */
function scenarios(dcs: string[]): Scenario[] {
    const pairs = dcs.flatMap((a) => dcs.filter((b) => b !== a).map((b) => [a, b] as const));
    const base = { tables: TABLES, initial: seeded };
    return [
        {
            ...base,
            name: "concurrent update of one row in every DC",
            changes: dcs.map((dc) => ({ dc, op: "update" as const, table: APPLICATION.name, key: "1", values: { DESCRIPTION: `from ${dc}` } })),
        },
        ...pairs.flatMap(([updater, deleter]) => [APPLICATION, CONTENT].map((table) => ({
            ...base,
            name: `update in ${updater} against delete in ${deleter} (${table.name})`,
            changes: [
                { dc: updater, op: "update" as const, table: table.name, key: "1", values: (table === CONTENT ? { REG_TENANT_ID: "7" } : { DESCRIPTION: "edited" }) as Row },
                { dc: deleter, op: "delete" as const, table: table.name, key: "1" },
            ],
        }))),
        {
            ...base,
            name: "insert clashing on the primary key in every DC",
            changes: dcs.map((dc) => ({ dc, op: "insert" as const, table: APPLICATION.name, key: "100", values: app("100", `app of ${dc}`, `u-${dc}`) })),
        },
        {
            ...base,
            name: "insert clashing on a secondary unique key in every DC (same application name, striped ids)",
            changes: dcs.map((dc, i) => ({ dc, op: "insert" as const, table: APPLICATION.name, key: `${200 + i}`, values: app(`${200 + i}`, "Shared", `u-${dc}`) })),
        },
        ...pairs.map(([parentDc, childDc]) => ({
            ...base,
            name: `parent from ${parentDc}, child from ${childDc}`,
            changes: [
                local({ dc: parentDc, op: "insert", table: API.name, key: "10", values: { API_ID: "10", API_PROVIDER: "admin", API_NAME: "Pets", API_VERSION: "1" } }),
                local({
                    dc: childDc, op: "insert" as const, table: URL_MAPPING.name, key: "20",
                    values: { URL_MAPPING_ID: "20", API_ID: "10", MEDIATION_SCRIPT: "script" },
                    when: (db) => db.get(API.name)!.has("10"),
                }),
            ],
        })),
    ];
}

function assertConverges(hubs: HubFiles[], dcs: string[]): void {
    for (const scenario of scenarios(dcs)) {
        const failure = firstFailure(hubs, scenario, RUNS);
        assert.equal(failure, null, `${scenario.name}: ${JSON.stringify(failure, null, 1)}`);
    }
}

describe("Replication convergence (CDR model over the rendered files)", () => {
    const two = hubsOf(configOf());
    const three = hubsOf(configOf([...SHIPPED_DCS, THIRD_DATACENTER]));

    it("wires hub and spoke through the trusted source: each DC sends to and receives from DC1 only", () => {
        const wiring = (hubs: HubFiles[]) => pathsOf(hubs).map((p) => `${p.from}>${p.to} ${p.replicat} skips ${p.excludedTags.join(",")}`).sort();
        assert.deepEqual(wiring(two), ["DC1>DC2 RATOB skips 02", "DC2>DC1 RBTOA skips 01"]);
        assert.deepEqual(wiring(three), ["DC1>DC2 RATOB skips 02", "DC1>DC3 RATOC skips 03", "DC2>DC1 RBTOA skips 01", "DC3>DC1 RCTOA skips 01"]);
    });

    it("converges without an abend for two datacenters", () => assertConverges(two, ["DC1", "DC2"]));

    it("converges without an abend for three datacenters", () => assertConverges(three, ["DC1", "DC2", "DC3"]));

    it("keeps every losing change in the discard file of a Replicat into the trusted source, or of a spoke's for a LOB update against a delete", () => {
        const paths = pathsOf(three);
        const discards = new Set<string>();
        for (const scenario of scenarios(["DC1", "DC2", "DC3"])) {
            for (let seed = 1; seed <= RUNS; seed++) replay(three, paths, scenario, seededRandom(seed)).discards.forEach((d) => discards.add(d.replace(/ \S+$/, "")));
        }
        assert.deepEqual([...discards].sort(), [
            "RATOB UPDATEROWMISSING WSO2SHARED.REG_CONTENT",
            "RATOC UPDATEROWMISSING WSO2SHARED.REG_CONTENT",
            "RBTOA DELETEROWEXISTS WSO2AM.AM_APPLICATION",
            "RBTOA INSERTROWEXISTS WSO2AM.AM_APPLICATION",
            "RBTOA ORA-00001 WSO2AM.AM_APPLICATION",
            "RBTOA UPDATEROWEXISTS WSO2AM.AM_APPLICATION",
            "RBTOA UPDATEROWMISSING WSO2AM.AM_APPLICATION",
            "RBTOA UPDATEROWMISSING WSO2SHARED.REG_CONTENT",
            "RCTOA DELETEROWEXISTS WSO2AM.AM_APPLICATION",
            "RCTOA INSERTROWEXISTS WSO2AM.AM_APPLICATION",
            "RCTOA ORA-00001 WSO2AM.AM_APPLICATION",
            "RCTOA UPDATEROWEXISTS WSO2AM.AM_APPLICATION",
            "RCTOA UPDATEROWMISSING WSO2AM.AM_APPLICATION",
            "RCTOA UPDATEROWMISSING WSO2SHARED.REG_CONTENT",
        ]);
    });

    describe("catches a rendering that breaks a rule", () => {
        /** The three-DC hubs with one file's text changed. */
        const edited = (dc: string, path: string, edit: (content: string) => string) =>
            three.map((hub) => hub.dcId !== dc ? hub : { ...hub, files: new Map([...hub.files].map(([p, c]) => [p, p === path ? edit(c) : c])) });
        const failureOf = (hubs: HubFiles[], name: RegExp) => {
            const scenario = scenarios(["DC1", "DC2", "DC3"]).find((s) => name.test(s.name))!;
            return firstFailure(hubs, scenario, RUNS);
        };

        it("a spoke that discards the trusted source's conflicting update diverges", () => {
            const hubs = edited("DC3", "dirprm/ratoc.prm", (c) => c.replace(/UPDATEROWEXISTS, \(DEFAULT, OVERWRITE\)/g, "UPDATEROWEXISTS, (DEFAULT, DISCARD)"));
            assert.match(failureOf(hubs, /^concurrent update/)!.differences.join("\n"), /WSO2AM\.AM_APPLICATION 1: DC1=.*from DC2.*DC3=.*from DC3/);
        });

        it("a spoke without the unique-key handler keeps its own application: divergence", () => {
            const hubs = edited("DC3", "dirprm/ratoc.prm", (c) => c.replace("REPERROR (1, EXCEPTION)", "REPERROR (1, DISCARD)"));
            assert.notEqual(failureOf(hubs, /secondary unique key/)!.differences.length, 0);
        });

        it("an update of a missing LOB row turned into an insert leaves its LOB empty: divergence", () => {
            const hubs = edited("DC3", "dirprm/ratoc.prm", (c) => c.replace(/(MAP WSO2SHARED\.REG_CONTENT,.*)UPDATEROWMISSING, \(DEFAULT, DISCARD\)/, "$1UPDATEROWMISSING, (DEFAULT, OVERWRITE)")
                .replace(/(MAP WSO2SHARED\.REG_CONTENT,.*)DELETEROWEXISTS, \(DEFAULT, OVERWRITE\)/, "$1DELETEROWEXISTS, (DEFAULT, DISCARD)"));
            const hubDc1 = edited("DC1", "dirprm/rctoa.prm", (c) => c.replace(/(MAP WSO2SHARED\.REG_CONTENT,.*)DELETEROWEXISTS, \(DEFAULT, OVERWRITE\)/, "$1DELETEROWEXISTS, (DEFAULT, DISCARD)"));
            const both = hubs.map((h, i) => (h.dcId === "DC1" ? hubDc1[i] : h));
            const failure = failureOf(both, /update in DC1 against delete in DC3 \(WSO2SHARED/);
            assert.match(failure!.differences.join("\n"), /REG_CONTENT_DATA":""/);
        });

        it("a Replicat that abends on a unique-key clash is reported", () => {
            const hubs = edited("DC1", "dirprm/rbtoa.prm", (c) => c.replace("REPERROR (1, DISCARD)\n", ""));
            assert.match(failureOf(hubs, /secondary unique key/)!.abends.join("\n"), /^RBTOA on insert of WSO2AM\.AM_APPLICATION/m);
        });
    });
});
