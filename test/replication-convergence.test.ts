/**
 * Convergence of the rendered GoldenGate files: the CDR model (lib/goldengate/cdr-model.ts) wires
 * the paths from every hub's rendered files and replays seeded interleavings of conflicting
 * transactions, for two and three datacenters (DC1 the trusted source), with table knowledge of
 * this test's own (primary keys, secondary unique keys, LOBs in the shape of WSO2's tables). Each
 * case either converges, or ends without an abend with every difference one the divergence check
 * reports, listed in docs/replication.md with its repair. The last part runs the naive design
 * (the files as issue 21 found them, one construct at a time) and shows the model catch it.
 */
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import {
    ALL_ASSUMPTIONS, DEFAULT_ASSUMPTIONS, differences, divergentTables, HubFiles, LocalOperation, LocalTransaction, ModelAssumptions, ModelTable, pathsOf, replay, Row, Scenario, seededRandom, verdicts,
} from "../lib/goldengate/cdr-model";
import { HubDatacenter, renderGoldenGateFiles } from "../lib/goldengate/parameter-files";
import { Wso2Table } from "../lib/goldengate/wso2-tables";
import { PROJECT_DIR } from "./harness";

/** Interleavings replayed per scenario (seeded: a failure names its seed). */
const RUNS = 150;

const DCS: HubDatacenter[] = [
    { id: "DC1", index: 1, hubIp: "10.10.128.10" },
    { id: "DC2", index: 2, hubIp: "10.20.128.10" },
    { id: "DC3", index: 3, hubIp: "10.30.128.10" },
];

/** What the files are told of the tables (this test's fixture, in the shape of WSO2's). */
const KNOWLEDGE: Wso2Table[] = [
    { owner: "WSO2AM", table: "AM_API", primaryKey: ["API_ID"], uniqueKeys: [["API_PROVIDER", "API_NAME", "API_VERSION"]] },
    { owner: "WSO2AM", table: "AM_API_URL_MAPPING", primaryKey: ["URL_MAPPING_ID"], lobColumns: ["MEDIATION_SCRIPT"] },
    { owner: "WSO2AM", table: "AM_APPLICATION", primaryKey: ["APPLICATION_ID"], uniqueKeys: [["NAME", "SUBSCRIBER_ID"], ["UUID"]] },
    { owner: "WSO2AM", table: "AM_SUBSCRIPTION", primaryKey: ["SUBSCRIPTION_ID"], uniqueKeys: [["UUID"]] },
    { owner: "WSO2AM", table: "IDN_AUTH_SESSION_STORE", primaryKey: ["SESSION_ID"], lobColumns: ["SESSION_OBJECT"] },
    { owner: "WSO2SHARED", table: "REG_CONTENT", primaryKey: ["REG_CONTENT_ID"], lobColumns: ["REG_CONTENT_DATA"] },
];

/** The tables as the database enforces them: the knowledge plus the foreign keys (cascades replaced by triggers). */
const PARENTS: Record<string, ModelTable["parent"]> = {
    "WSO2AM.AM_API_URL_MAPPING": { column: "API_ID", table: "WSO2AM.AM_API", cascadeTrigger: true },
    "WSO2AM.AM_SUBSCRIPTION": { column: "APPLICATION_ID", table: "WSO2AM.AM_APPLICATION", cascadeTrigger: true },
};
const TABLES: ModelTable[] = KNOWLEDGE.map((t) => ({
    name: `${t.owner}.${t.table}`,
    key: t.primaryKey![0],
    uniqueKeys: (t.uniqueKeys ?? []).map((k) => [...k]),
    lobColumns: [...(t.lobColumns ?? [])],
    parent: PARENTS[`${t.owner}.${t.table}`],
}));
const table = (name: string) => TABLES.find((t) => t.name.endsWith(`.${name}`))!.name;
const [API, URL_MAPPING, APPLICATION, SUBSCRIPTION, SESSION, CONTENT] = ["AM_API", "AM_API_URL_MAPPING", "AM_APPLICATION", "AM_SUBSCRIPTION", "IDN_AUTH_SESSION_STORE", "REG_CONTENT"].map(table);

/** Every hub's files for the first `count` datacenters, DC1 the trusted source, rendered from the knowledge. */
function hubsOf(count: number, knowledge: Wso2Table[] = KNOWLEDGE): HubFiles[] {
    const dcs = DCS.slice(0, count);
    return dcs.map((self) => ({
        dcId: self.id,
        hubIp: self.hubIp,
        files: new Map(renderGoldenGateFiles({ self, peers: dcs.filter((dc) => dc !== self), priority: dcs.map((dc) => dc.id), keyColumns: [], tables: knowledge })
            .map((f) => [f.path, f.content])),
    }));
}

const app = (id: string, name: string, uuid: string): Row => ({ APPLICATION_ID: id, NAME: name, SUBSCRIBER_ID: "1", UUID: uuid, DESCRIPTION: "initial" });
const subscription = (id: string, applicationId: string): Row => ({ SUBSCRIPTION_ID: id, APPLICATION_ID: applicationId, UUID: `s-${id}`, TIER_ID: "Gold" });
const tx = (dc: string, operations: LocalOperation[], when?: LocalTransaction["when"]): LocalTransaction => ({ dc, operations, when });
const has = (tableName: string, key: string) => (db: Map<string, Map<string, Row>>) => db.get(tableName)!.has(key);
const INITIAL = [
    { table: APPLICATION, row: app("1", "DefaultApplication", "u-1") },
    { table: SUBSCRIPTION, row: subscription("5", "1") },
    { table: CONTENT, row: { REG_CONTENT_ID: "1", REG_CONTENT_DATA: "<api-definition/>", REG_TENANT_ID: "-1234" } },
    { table: SESSION, row: { SESSION_ID: "s1", SESSION_OBJECT: "blob", TIME_CREATED: "100" } },
];

interface Case {
    scenario: Scenario;
    /** For a clash on a secondary unique key: no abend, no row of the trusted source lost, and what differs is the table the divergence check reports. */
    secondaryKey?: { renamed?: string };
    /** `converges`, or `detected`: no abend, and every difference is one the divergence check reports. */
    expect: "converges" | "detected";
    /** For `detected`: the row of docs/replication.md's conflict matrix that lists it with its repair. */
    documentedAs?: string;
    /** A later change to the winning or the losing row of a secondary-key clash. */
    afterClash?: boolean;
}

/** The conflict classes, for the given datacenters (the first is the trusted source). */
function cases(dcs: string[]): Case[] {
    const [trusted, ...spokes] = dcs;
    const pairs = dcs.flatMap((a) => dcs.filter((b) => b !== a).map((b) => [a, b] as const));
    const unordered = pairs.filter(([a, b]) => dcs.indexOf(a) < dcs.indexOf(b));
    const scenario = (name: string, transactions: LocalTransaction[]): Scenario => ({ name, tables: TABLES, initial: INITIAL, transactions });
    const converges = (s: Scenario): Case => ({ scenario: s, expect: "converges" });
    return [
        converges(scenario("concurrent update of one row in every DC", dcs.map((dc) => tx(dc, [{ op: "update", table: APPLICATION, key: "1", values: { DESCRIPTION: `from ${dc}` } }])))),
        ...pairs.flatMap(([updater, deleter]) => [APPLICATION, CONTENT].map((t) => converges(scenario(`update in ${updater} against delete in ${deleter} (${t})`, [
            tx(updater, [{ op: "update", table: t, key: "1", values: t === CONTENT ? { REG_TENANT_ID: "7" } : { DESCRIPTION: "edited" } }]),
            tx(deleter, [{ op: "delete", table: t, key: "1" }]),
        ])))),
        converges(scenario("insert clashing on the primary key in every DC", dcs.map((dc) => tx(dc, [{ op: "insert", table: APPLICATION, key: "100", values: app("100", `app of ${dc}`, `u-${dc}`) }])))),
        // No GoldenGate delete on a key value: the row that arrives second at a DC goes to its exceptions table there.
        {
            scenario: scenario("insert clashing on a secondary unique key in every DC (same application name, striped ids)",
                dcs.map((dc, i) => tx(dc, [{ op: "insert", table: APPLICATION, key: `${200 + i}`, values: app(`${200 + i}`, "Shared", `u-${dc}`) }]))),
            expect: "detected",
            documentedAs: "insert clashing on a secondary unique key",
            secondaryKey: {},
        },
        ...unordered.map(([a, b]): Case => ({
            scenario: scenario(`secondary-key clash between ${a} and ${b} (same application name)`,
                [a, b].map((dc) => tx(dc, [{ op: "insert", table: APPLICATION, key: `${200 + dcs.indexOf(dc)}`, values: app(`${200 + dcs.indexOf(dc)}`, "Shared", `u-${dc}`) }]))),
            expect: "detected",
            documentedAs: "insert clashing on a secondary unique key",
            secondaryKey: {},
        })),
        // DC1 creates application 200 and deletes it again while a spoke's application of the same name reaches it.
        ...spokes.map((spoke): Case => ({
            scenario: scenario(`${trusted} inserts and deletes application 200 while ${spoke}'s application of the same name arrives`, [
                tx(trusted, [{ op: "insert", table: APPLICATION, key: "200", values: app("200", "Shared", "u-200") }]),
                tx(trusted, [{ op: "delete", table: APPLICATION, key: "200" }]),
                tx(spoke, [{ op: "insert", table: APPLICATION, key: `${200 + dcs.indexOf(spoke)}`, values: app(`${200 + dcs.indexOf(spoke)}`, "Shared", `u-${spoke}`) }]),
            ]),
            expect: "detected",
            documentedAs: "the trusted source inserts a row and deletes it, while a spoke's row with the same unique key arrives there in between",
            secondaryKey: {},
        })),
        // A spoke renames long-lived application 3 to the name another DC gives a new application at the same time.
        ...spokes.flatMap((renamer) => dcs.filter((dc) => dc !== renamer).map((inserter): Case => ({
            scenario: {
                name: `${renamer} renames application 3 to the name ${inserter} gives its new application ${200 + dcs.indexOf(inserter)}`,
                tables: TABLES,
                initial: [...INITIAL, { table: APPLICATION, row: app("3", "Legacy", "u-3") }],
                transactions: [
                    tx(renamer, [{ op: "update", table: APPLICATION, key: "3", values: { NAME: "Shared" } }]),
                    tx(inserter, [{ op: "insert", table: APPLICATION, key: `${200 + dcs.indexOf(inserter)}`, values: app(`${200 + dcs.indexOf(inserter)}`, "Shared", `u-${inserter}`) }]),
                ],
            },
            expect: "detected",
            documentedAs: "a spoke renames a long-lived row to a key value another DC inserts at the same time",
            secondaryKey: { renamed: "3" },
        }))),
        ...pairs.map(([parentDc, childDc]) => converges(scenario(`parent from ${parentDc}, child from ${childDc}`, [
            tx(parentDc, [{ op: "insert", table: API, key: "10", values: { API_ID: "10", API_PROVIDER: "admin", API_NAME: "Pets", API_VERSION: "1" } }]),
            tx(childDc, [{ op: "insert", table: URL_MAPPING, key: "20", values: { URL_MAPPING_ID: "20", API_ID: "10", MEDIATION_SCRIPT: "script" } }], has(API, "10")),
        ]))),
        ...pairs.map(([deleter, updater]) => converges(scenario(`parent deleted in ${deleter} while ${updater} updates its child`, [
            tx(deleter, [{ op: "delete", table: APPLICATION, key: "1" }]),
            tx(updater, [{ op: "update", table: SUBSCRIPTION, key: "5", values: { TIER_ID: "Unlimited" } }]),
        ]))),
        converges(scenario("WSO2's cleanup deletes the same expired row in every DC", dcs.map((dc) => tx(dc, [{ op: "delete", table: SESSION, key: "s1" }])))),
        // The review of issue 21 (finding 3): the update reaches a DC whose live application 9 now holds the name.
        ...pairs.map(([updater, deleter]) => converges(scenario(`stale update: ${updater} updates application 1 while ${deleter} deletes it and creates application 9 of the same name`, [
            tx(updater, [{ op: "update", table: APPLICATION, key: "1", values: { DESCRIPTION: `edited in ${updater}` } }]),
            tx(deleter, [{ op: "delete", table: APPLICATION, key: "1" }]),
            tx(deleter, [{ op: "insert", table: APPLICATION, key: "9", values: app("9", "DefaultApplication", "u-9") }], (db) => !db.get(APPLICATION)!.has("1")),
        ]))),
        // The losing application (spoke's, or the later spoke's) already has a subscription in its DC.
        ...[[trusted, spokes[0]], ...(spokes.length > 1 ? [[spokes[0], spokes[1]]] : [])].map(([winner, loser]) => ({
            scenario: scenario(`application clash between ${winner} and ${loser}, the loser's application already subscribed`, [
                tx(winner, [{ op: "insert", table: APPLICATION, key: "201", values: app("201", "Shared", "u-201") }]),
                tx(loser, [{ op: "insert", table: APPLICATION, key: "202", values: app("202", "Shared", "u-202") }]),
                tx(loser, [{ op: "insert", table: SUBSCRIPTION, key: "302", values: subscription("302", "202") }], has(APPLICATION, "202")),
            ]),
            expect: "detected" as const,
            documentedAs: "unique-key clash, the losing row already has children",
        })),
        // After a clash, a later change to either row (the review of issue 21's fix, finding 3): the
        // winner's row updated or given a child (that reaches the losing spoke, which refused the row),
        // the loser's row updated, deleted or given a child (that reaches DC1, which refused it).
        ...[[trusted, spokes[0]], ...(spokes.length > 1 ? [[spokes[0], spokes[1]]] : [])].flatMap(([winner, loser]) => {
            const clash = [
                tx(winner, [{ op: "insert", table: APPLICATION, key: "201", values: app("201", "Shared", "u-201") }]),
                tx(loser, [{ op: "insert", table: APPLICATION, key: "202", values: app("202", "Shared", "u-202") }]),
            ];
            const later: [string, LocalTransaction][] = [
                ["the winner's row updated", tx(winner, [{ op: "update", table: APPLICATION, key: "201", values: { DESCRIPTION: "edited by its owner" } }], has(APPLICATION, "201"))],
                ["the winner's row given a child", tx(winner, [{ op: "insert", table: SUBSCRIPTION, key: "301", values: subscription("301", "201") }], has(APPLICATION, "201"))],
                ["the loser's row updated", tx(loser, [{ op: "update", table: APPLICATION, key: "202", values: { DESCRIPTION: "edited by its owner" } }], has(APPLICATION, "202"))],
                ["the loser's row deleted", tx(loser, [{ op: "delete", table: APPLICATION, key: "202" }], has(APPLICATION, "202"))],
                ["the loser's row given a child", tx(loser, [{ op: "insert", table: SUBSCRIPTION, key: "302", values: subscription("302", "202") }], has(APPLICATION, "202"))],
            ];
            return later.map(([what, change]): Case => ({
                scenario: scenario(`application clash between ${winner} and ${loser}, then ${what}`, [...clash, change]),
                expect: "detected",
                documentedAs: "after a secondary-key clash, a later change to either row",
                afterClash: true,
            }));
        }),
        ...pairs.map(([deleter, adder]) => ({
            scenario: scenario(`parent deleted in ${deleter} while ${adder} adds a child`, [
                tx(deleter, [{ op: "delete", table: APPLICATION, key: "1" }]),
                tx(adder, [{ op: "insert", table: SUBSCRIPTION, key: "6", values: subscription("6", "1") }], has(APPLICATION, "1")),
            ]),
            expect: "detected" as const,
            documentedAs: "parent deleted while another DC adds a child",
        })),
        {
            scenario: scenario("concurrent updates of only a LOB in every DC", dcs.map((dc) => tx(dc, [{ op: "update", table: CONTENT, key: "1", values: { REG_CONTENT_DATA: `<definition of ${dc}/>` } }]))),
            expect: "detected",
            documentedAs: "concurrent updates of only a LOB",
        },
    ];
}

const TWO = ["DC1", "DC2"];
const THREE = ["DC1", "DC2", "DC3"];

function assertCases(hubs: HubFiles[], dcs: string[], expect: Case["expect"], assumptions: ModelAssumptions[]): void {
    for (const { scenario } of cases(dcs).filter((c) => c.expect === expect)) {
        for (const assumption of assumptions) {
            const failures = verdicts(hubs, scenario, RUNS, assumption);
            const bad = expect === "converges" ? failures : failures.filter((v) => v.abends.length > 0 || v.silent.length > 0);
            assert.deepEqual(bad.slice(0, 1), [], `${scenario.name} (${JSON.stringify(assumption)})`);
        }
    }
}

/** One replayed interleaving that ended in divergence the check can see: what it left and what the check reports. */
interface DetectedRun { outcome: ReturnType<typeof replay>; where: string; reported: [string, string[]][] }

/**
 * Replays each scenario RUNS times under either reading of a secondary-key clash: never an abend,
 * nothing differs where the divergence check does not look, the check reports exactly the tables
 * whose rows differ, and every scenario diverges in some interleaving. `check` sees every run.
 */
function replayDetected(hubs: HubFiles[], dcs: string[], scenarios: Scenario[], check: (run: DetectedRun) => void): void {
    const paths = pathsOf(hubs);
    for (const scenario of scenarios) {
        for (const assumption of ALL_ASSUMPTIONS) {
            let diverged = 0;
            for (let seed = 1; seed <= RUNS; seed++) {
                const where = `${scenario.name}, ${JSON.stringify(assumption)}, seed ${seed}`;
                const outcome = replay(hubs, paths, scenario, seededRandom(seed), assumption);
                assert.deepEqual(outcome.abends, [], where);
                const diff = differences(outcome, TABLES);
                assert.deepEqual(diff.silent, [], where);
                const reported = [...divergentTables(outcome, TABLES, dcs[0])].filter(([, list]) => list.length > 0);
                const tables = (names: string[]) => [...new Set(names)].sort();
                assert.deepEqual(tables(reported.flatMap(([, list]) => list)), tables(diff.detected.map((d) => d.split(" ")[0])), where);
                check({ outcome, where, reported });
                if (reported.length > 0) diverged++;
            }
            assert.ok(diverged > 0, `${scenario.name}, ${JSON.stringify(assumption)}: never diverged in ${RUNS} interleavings`);
        }
    }
}

describe("Replication convergence (CDR model over the rendered files)", () => {
    const two = hubsOf(2);
    const three = hubsOf(3);

    it("wires hub and spoke through the trusted source: each DC sends to and receives from DC1 only", () => {
        const wiring = (hubs: HubFiles[]) => pathsOf(hubs).map((p) => `${p.from}>${p.to} ${p.replicat} skips ${p.excludedTags.join(",")}${p.startAbend ? " ABENDS" : ""}`).sort();
        assert.deepEqual(wiring(two), ["DC1>DC2 RATOB skips 02", "DC2>DC1 RBTOA skips 01"]);
        assert.deepEqual(wiring(three), ["DC1>DC2 RATOB skips 02", "DC1>DC3 RATOC skips 03", "DC2>DC1 RBTOA skips 01", "DC3>DC1 RCTOA skips 01"]);
        for (const p of pathsOf(three)) assert.ok(TABLES.every((t) => p.travels(t.name) && p.ruleFor(t.name)?.exceptions), `${p.replicat}: every table travels, with an exceptions MAP`);
    });

    it("reads a secondary-key clash as CDR's INSERTROWEXISTS by default, and keeps the plain ORA-00001 reading open", () => {
        assert.deepEqual(DEFAULT_ASSUMPTIONS, { secondaryKeyClashIsCdr: true });
        assert.deepEqual(ALL_ASSUMPTIONS.map((a) => a.secondaryKeyClashIsCdr).sort(), [false, true]);
    });

    it("converges without an abend for two datacenters, under either reading", () => assertCases(two, TWO, "converges", ALL_ASSUMPTIONS));

    it("converges without an abend for three datacenters, under either reading", () => assertCases(three, THREE, "converges", ALL_ASSUMPTIONS));

    it("a secondary-key clash (hub and spoke, spoke and spoke) and a spoke's rename onto another DC's new name end without an abend, GoldenGate deletes no row the trusted source holds, and what differs is the table the divergence check reports", () => {
        for (const [hubs, dcs] of [[two, TWO], [three, THREE]] as const) {
            const [trusted, ...spokes] = dcs;
            for (const c of cases(dcs).filter((x) => x.secondaryKey)) {
                const { scenario } = c;
                const involved = new Set(scenario.transactions.map((t) => t.dc));
                replayDetected(hubs, dcs, [scenario], ({ outcome, where, reported }) => {
                    // The check's verdict: AM_APPLICATION, for spokes of the clash only.
                    for (const [dc, list] of reported) {
                        assert.deepEqual(list, [APPLICATION], where);
                        assert.ok(spokes.includes(dc) && involved.has(dc), `${where}: ${dc} reported`);
                    }
                    if (reported.length > 0) assert.ok(outcome.exceptions.some((e) => e.includes(` ${APPLICATION} `)), `${where}: the losing change is in no exceptions table`);
                    // No row lost: a row a DC held (loaded, or its own) that the trusted source holds at the end, that DC holds too.
                    const db = (dc: string) => outcome.databases.get(dc)!.get(APPLICATION)!;
                    for (const dc of dcs) {
                        const held = scenario.initial.filter((i) => i.table === APPLICATION).map((i) => i.row.APPLICATION_ID)
                            .concat(scenario.transactions.filter((t) => t.dc === dc).flatMap((t) => t.operations.filter((o) => o.op === "insert").map((o) => o.key)));
                        for (const key of held) assert.ok(!db(trusted).has(key) || db(dc).has(key), `${where}: ${dc} lost application ${key}`);
                    }
                    if (c.secondaryKey!.renamed) for (const dc of dcs) assert.ok(db(dc).has(c.secondaryKey!.renamed), `${where}: ${dc} deleted the renamed application`);
                    // Two DCs, diverged: DC1 keeps its old name for 3 and holds the new application; DC2 keeps its rename and lacks it.
                    if (c.secondaryKey!.renamed && dcs.length === 2 && reported.length > 0) {
                        assert.deepEqual([db("DC1").get("3")!.NAME, db("DC1").get("200")?.NAME, db("DC2").get("3")!.NAME, db("DC2").has("200")], ["Legacy", "Shared", "Shared", false], where);
                    }
                });
            }
        }
    });

    it("a stale update never removes the live row that took over its unique key: application 9 is in every DC, under either reading of a secondary-key clash", () => {
        for (const [hubs, dcs] of [[two, TWO], [three, THREE]] as const) {
            const paths = pathsOf(hubs);
            for (const { scenario } of cases(dcs).filter((c) => c.scenario.name.startsWith("stale update"))) {
                for (const assumption of ALL_ASSUMPTIONS) {
                    assert.deepEqual(verdicts(hubs, scenario, RUNS, assumption).slice(0, 1), [], `${scenario.name} ${JSON.stringify(assumption)}`);
                    for (let seed = 1; seed <= RUNS; seed++) {
                        const outcome = replay(hubs, paths, scenario, seededRandom(seed), assumption);
                        for (const [dc, db] of outcome.databases) assert.ok(db.get(APPLICATION)!.has("9"), `${scenario.name}, seed ${seed}: ${dc} lost application 9`);
                    }
                }
            }
        }
    });

    it("either reading of a secondary-key clash (CDR's INSERTROWEXISTS, the default, or a plain ORA-00001) ends without an abend; without the spoke's REPERROR (1403, EXCEPTION) the INSERTROWEXISTS reading abends it", () => {
        const cdrReading: ModelAssumptions = { secondaryKeyClashIsCdr: true };
        const plainReading: ModelAssumptions = { secondaryKeyClashIsCdr: false };
        const clash = cases(TWO).find((c) => c.documentedAs === "unique-key clash, the losing row already has children")!.scenario;
        for (const reading of [plainReading, cdrReading]) {
            assert.deepEqual(verdicts(two, clash, RUNS, reading).filter((v) => v.abends.length > 0).slice(0, 1), [], JSON.stringify(reading));
        }
        const replicat = two.find((hub) => hub.dcId === "DC2")!.files.get("dirprm/ratob.prm")!;
        assert.ok(replicat.includes(`MAP ${APPLICATION}, TARGET ${APPLICATION},`) && /MAP WSO2AM\.AM_APPLICATION, TARGET WSO2AM\.AM_APPLICATION,[^;]*REPERROR \(1403, EXCEPTION\)/.test(replicat));
        const withoutNet = two.map((hub) => (hub.dcId !== "DC2" ? hub : { ...hub, files: new Map([...hub.files].map(([p, c]) => [p, p === "dirprm/ratob.prm" ? c.replaceAll(", REPERROR (1403, EXCEPTION);", ";") : c])) }));
        const abends = verdicts(withoutNet, clash, RUNS, cdrReading).flatMap((v) => v.abends);
        assert.ok(abends.some((a) => /^RATOB on insert of WSO2AM\.AM_APPLICATION 201: ORA-01403 \(ABEND\)/.test(a)), abends.join("\n"));
        assert.deepEqual(verdicts(withoutNet, clash, RUNS, plainReading).filter((v) => v.abends.length > 0).slice(0, 1), [], "the plain ORA-00001 reading needs no net");
    });

    it("after a clash, a later update, delete or child of the winner's or the loser's row ends without an abend, and the divergence check reports each table that differs", () => {
        for (const [hubs, dcs] of [[two, TWO], [three, THREE]] as const) {
            const afterClash = cases(dcs).filter((c) => c.afterClash);
            assert.equal(afterClash.length, dcs.length === 2 ? 5 : 10);
            replayDetected(hubs, dcs, afterClash.map((c) => c.scenario), ({ where, reported }) => {
                // Only the clash's tables.
                for (const [, list] of reported) assert.ok(list.every((t) => t === APPLICATION || t === SUBSCRIPTION), `${where}: ${list}`);
            });
        }
    });

    it("every other case ends without an abend, and whatever differs is what the divergence check reports, under either reading of a secondary-key clash", () => {
        assertCases(two, TWO, "detected", ALL_ASSUMPTIONS);
        assertCases(three, THREE, "detected", ALL_ASSUMPTIONS);
    });

    it("those cases do diverge in some interleavings, and docs/replication.md lists each with its repair", () => {
        const doc = fs.readFileSync(path.join(PROJECT_DIR, "docs", "replication.md"), "utf8");
        for (const c of cases(THREE).filter((x) => x.expect === "detected")) {
            assert.ok(verdicts(three, c.scenario, RUNS).some((v) => v.detected.length > 0), `${c.scenario.name} never diverges: it converges`);
            assert.ok(doc.includes(`| ${c.documentedAs} |`), `docs/replication.md has no conflict-matrix row "${c.documentedAs}"`);
        }
    });

    it("keeps every conflict and losing change in an exceptions table, and writes nothing to a discard file", () => {
        const paths = pathsOf(three);
        const exceptions = new Set<string>();
        for (const { scenario } of cases(THREE)) {
            for (let seed = 1; seed <= RUNS; seed++) {
                const outcome = replay(three, paths, scenario, seededRandom(seed));
                assert.deepEqual(outcome.discards, [], `${scenario.name}, seed ${seed}`);
                outcome.exceptions.forEach((e) => exceptions.add(e.replace(/ \S+$/, "")));
            }
        }
        // Into the trusted source: every losing change of a spoke; into a spoke: the trusted source's conflicts it overwrote or ignored.
        for (const expected of [
            `RBTOA UPDATEROWEXISTS ${APPLICATION}`, `RBTOA DELETEROWEXISTS ${APPLICATION}`, `RBTOA INSERTROWEXISTS ${APPLICATION}`,
            `RBTOA ORA-00001 ${APPLICATION}`, `RBTOA ORA-02291 ${SUBSCRIPTION}`, `RBTOA ORA-02292 ${APPLICATION}`, `RBTOA DELETEROWMISSING ${SESSION}`,
            `RATOB UPDATEROWEXISTS ${APPLICATION}`, `RATOB UPDATEROWMISSING ${CONTENT}`, `RATOB ORA-00001 ${APPLICATION}`, `RATOB ORA-02291 ${SUBSCRIPTION}`,
        ]) assert.ok(exceptions.has(expected), `no exceptions row ${expected}: ${[...exceptions].sort().join("; ")}`);
    });

    it("a LOB-only divergence passes a check that hashes only key and non-LOB columns: the check must hash LOBs too", () => {
        const lobOnly = cases(THREE).find((c) => c.documentedAs === "concurrent updates of only a LOB")!.scenario;
        const failures = verdicts(three, lobOnly, RUNS, DEFAULT_ASSUMPTIONS, { hashesLobs: false });
        assert.ok(failures.some((v) => v.silent.length > 0 && v.detected.length === 0));
    });

    describe("runs the naive design and shows where it fails (issue 21)", () => {
        /** The hubs with one file's text changed. */
        const edited = (hubs: HubFiles[], dc: string, file: string, edit: (content: string) => string) =>
            hubs.map((hub) => (hub.dcId !== dc ? hub : { ...hub, files: new Map([...hub.files].map(([p, c]) => [p, p === file ? edit(c) : c])) }));
        const scenarioOf = (dcs: string[], name: RegExp) => cases(dcs).find((c) => name.test(c.scenario.name))!.scenario;
        const first = (hubs: HubFiles[], scenario: Scenario) => verdicts(hubs, scenario, RUNS)[0];

        it("the files as issue 21 found them (test/fixtures/goldengate-issue-21): the spoke's Replicat abends at start, LOB tables never travel, a losing parent's child abends the trusted source", () => {
            const fixture = path.join(PROJECT_DIR, "test", "fixtures", "goldengate-issue-21");
            const filesOf = (dir: string): [string, string][] => fs.readdirSync(dir, { withFileTypes: true })
                .flatMap((e) => (e.isDirectory() ? filesOf(path.join(dir, e.name)).map(([p, c]): [string, string] => [`${e.name}/${p}`, c]) : [[e.name, fs.readFileSync(path.join(dir, e.name), "utf8")]]));
            const old = two.map((hub) => ({ ...hub, files: new Map(filesOf(path.join(fixture, hub.dcId.toLowerCase()))) }));
            for (const p of pathsOf(old)) assert.ok(!p.travels(CONTENT), `${p.replicat}: a LOB table excluded by exact name`);
            const abends = verdicts(old, scenarioOf(TWO, /^application clash between DC1 and DC2/), RUNS).flatMap((v) => v.abends);
            assert.ok(abends.some((a) => /^RATOB abends at start: duplicate MAP WSO2AM\.\w+ -> WSO2AM\.\w+/.test(a)), abends.join("\n"));
            assert.ok(abends.some((a) => /^RBTOA on insert of WSO2AM\.AM_SUBSCRIPTION 302: ORA-02291 \(ABEND\)/.test(a)), abends.join("\n"));
        });

        it("an exceptions MAP to the table itself is a duplicate MAP: the spoke's Replicat abends at start", () => {
            const hubs = edited(two, "DC2", "dirprm/ratob.prm", (c) => c.replace(`TARGET OGGADMIN.EX_WSO2AM_AM_APPLICATION`, `TARGET ${APPLICATION}`));
            assert.match(first(hubs, scenarioOf(TWO, /^concurrent update/)).abends.join("\n"), /RATOB abends at start: duplicate MAP WSO2AM\.AM_APPLICATION -> WSO2AM\.AM_APPLICATION/);
        });

        it("a table excluded by exact name and then named (EXCLUDEWILDCARDOBJECTSONLY) never travels: the exclusion wins", () => {
            const hubs = edited(edited(two, "DC2", "dirprm/ebtoa.prm", (c) => c.replace(`TABLE ${API},`, `TABLEEXCLUDE ${API}\nTABLE ${API},`)),
                "DC2", "GLOBALS", (c) => `${c}EXCLUDEWILDCARDOBJECTSONLY\n`);
            assert.ok(!pathsOf(hubs).find((p) => p.replicat === "RBTOA")!.travels(API));
            const failure = first(hubs, scenarioOf(TWO, /^parent from DC2, child from DC1/));
            assert.match(failure.detected.join("\n"), /^WSO2AM\.AM_API 10: DC1=none DC2=\{/m);
        });

        it("record-level DISCARD of a losing parent with no rule for ORA-02291: its child abends the trusted source's Replicat", () => {
            const hubs = edited(two, "DC1", "dirprm/rbtoa.prm", (c) => c.replace("REPERROR (1, EXCEPTION)", "REPERROR (1, DISCARD)").replace("REPERROR (2291, EXCEPTION)\n", ""));
            const failure = first(hubs, scenarioOf(TWO, /^application clash between DC1 and DC2/));
            assert.match(failure.abends.join("\n"), /^RBTOA on insert of WSO2AM\.AM_SUBSCRIPTION 302: ORA-02291 \(ABEND\)/m);
        });

        it("the old error policy (no rule for ORA-02291 or ORA-02292) and update-wins: a parent deleted in a spoke while the hub updates a child abends both Replicats", () => {
            // Both the global rules and the copies spoke MAPs carry (the whole policy, issue 21 review).
            const old = (c: string) => c.replace(/REPERROR \(2291, EXCEPTION\)\nREPERROR \(2292, EXCEPTION\)\n/, "").replaceAll("REPERROR (2291, EXCEPTION), REPERROR (2292, EXCEPTION), ", "")
                .replaceAll("RESOLVECONFLICT (UPDATEROWMISSING, (DEFAULT, IGNORE))", "RESOLVECONFLICT (UPDATEROWMISSING, (DEFAULT, OVERWRITE))");
            const intoTrusted = (c: string) => old(c).replaceAll("RESOLVECONFLICT (DELETEROWEXISTS, (DEFAULT, OVERWRITE))", "RESOLVECONFLICT (DELETEROWEXISTS, (DEFAULT, IGNORE))");
            const hubs = edited(edited(two, "DC2", "dirprm/ratob.prm", old), "DC1", "dirprm/rbtoa.prm", intoTrusted);
            const abends = new Set(verdicts(hubs, scenarioOf(TWO, /^parent deleted in DC2 while DC1 updates its child/), RUNS).flatMap((v) => v.abends.map((a) => a.split(" ")[0])));
            assert.deepEqual([...abends].sort(), ["RATOB", "RBTOA"]);
        });

        it("DISCARD for a delete of a row already gone writes a discard record per row the cleanup deleted in both DCs", () => {
            const hubs = edited(two, "DC1", "dirprm/rbtoa.prm", (c) => c.replaceAll("RESOLVECONFLICT (DELETEROWMISSING, (DEFAULT, IGNORE))", "RESOLVECONFLICT (DELETEROWMISSING, (DEFAULT, DISCARD))"));
            const paths = pathsOf(hubs);
            const cleanup = scenarioOf(TWO, /cleanup/);
            const discards = Array.from({ length: RUNS }, (_, i) => replay(hubs, paths, cleanup, seededRandom(i + 1)).discards).flat();
            assert.ok(discards.includes(`RBTOA DELETEROWMISSING ${SESSION} s1`));
        });

        it("a spoke that ignores the trusted source's conflicting update keeps its own: divergence", () => {
            const hubs = edited(three, "DC3", "dirprm/ratoc.prm", (c) => c.replaceAll("UPDATEROWEXISTS, (DEFAULT, OVERWRITE)", "UPDATEROWEXISTS, (DEFAULT, IGNORE)"));
            assert.match(first(hubs, scenarioOf(THREE, /^concurrent update/)).detected.join("\n"), /WSO2AM\.AM_APPLICATION 1: DC1=.*DC3=.*from DC3/);
        });

        it("an update of a missing LOB row turned into an insert leaves its LOB empty", () => {
            const hubs = edited(edited(two, "DC2", "dirprm/ratob.prm", (c) => c.replaceAll("UPDATEROWMISSING, (DEFAULT, IGNORE)", "UPDATEROWMISSING, (DEFAULT, OVERWRITE)")),
                "DC1", "dirprm/rbtoa.prm", (c) => c.replaceAll("DELETEROWEXISTS, (DEFAULT, OVERWRITE)", "DELETEROWEXISTS, (DEFAULT, IGNORE)"));
            assert.match(first(hubs, scenarioOf(TWO, /update in DC1 against delete in DC2 \(WSO2SHARED/)).detected.join("\n"), /REG_CONTENT_DATA":""/);
        });
    });

    it("reports what differs, split by what a check that skips LOBs would see", () => {
        const outcome = replay(two, pathsOf(two), { name: "direct", tables: TABLES, initial: INITIAL, transactions: [] }, seededRandom(1));
        outcome.databases.get("DC2")!.get(CONTENT)!.get("1")!.REG_CONTENT_DATA = "changed";
        assert.equal(differences(outcome, TABLES).detected.length, 1);
        assert.deepEqual(differences(outcome, TABLES, { hashesLobs: false }).detected, []);
        assert.equal(differences(outcome, TABLES, { hashesLobs: false }).silent.length, 1);
    });
});
