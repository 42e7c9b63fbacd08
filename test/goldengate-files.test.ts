/**
 * The GoldenGate files each hub receives, read as GoldenGate reads them (statements, comments
 * dropped), for the shipped two datacenters and a three-datacenter hub and spoke: loops are
 * prevented, no DDL is replicated, both schemas travel both ways with LOB-safe conflict
 * detection and a policy per database error, groups start with the Manager, and every trail a
 * pump writes is the trail a Replicat on the other hub reads.
 */
import * as assert from "node:assert/strict";
import { DeploymentConfig, parseConfig } from "../lib/config";
import { applyTag, GOLDENGATE } from "../lib/goldengate/names";
import { GoldenGateFile, integratedExtracts, renderGoldenGateFiles, resolutions, streamsPoolBytes } from "../lib/goldengate/parameter-files";
import { tablesWithLobs, tablesWithUniqueKeys } from "../lib/goldengate/wso2-tables";
import { ofType, run, sourcesOf, stackConfig } from "./harness";

const THIRD_DC = { id: "DC3", index: 3, region: "eu-west-1", cidr: "10.30.0.0/16", gatewayLocations: ["country:GB"] };
const SHIPPED_DCS = stackConfig("us-east").values["wso2-apim-multi-dc:datacenters"] as object[];

function configOf(stack: string, overrides: Record<string, unknown> = {}): DeploymentConfig {
    const { project, aws } = sourcesOf(stackConfig(stack, overrides));
    return parseConfig(project, aws, stack);
}

/** The hub files of `dcId` as the Region renders them from the config. */
function filesOf(config: DeploymentConfig, dcId: string): Map<string, string> {
    const self = config.datacenters.find((dc) => dc.id === dcId)!;
    const hub = (dc: typeof self) => ({ id: dc.id, index: dc.index, hubIp: dc.goldengateHubIp });
    const files = renderGoldenGateFiles({
        self: hub(self),
        peers: config.datacenters.filter((dc) => dc !== self).map(hub),
        priority: [config.trustedSource, ...config.datacenters.filter((dc) => dc !== config.trustedSource)].map((dc) => dc.id),
        keyColumns: config.replication.keyColumns,
    });
    return new Map(files.map((f: GoldenGateFile) => [f.path, f.content]));
}

/** Statements of a parameter file: comment and blank lines dropped. */
function statements(content: string): string[] {
    return content.split("\n").map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("--"));
}

/** The argument of every statement starting with `keyword` (case-insensitive, as GoldenGate reads). */
function valuesOf(content: string, keyword: string): string[] {
    const pattern = new RegExp(`^${keyword}\\s+(.*)$`, "i");
    return statements(content).map((s) => pattern.exec(s)?.[1]).filter((v): v is string => v !== undefined);
}

const trail = (path: string) => /\.\/dirdat\/([a-z]{2})$/.exec(path)?.[1];

/** Every hub's files for a deployment, by datacenter id. */
function mesh(config: DeploymentConfig): Map<string, Map<string, string>> {
    return new Map(config.datacenters.map((dc) => [dc.id, filesOf(config, dc.id)]));
}

/** Checks that hold for any deployment: each path wired end to end, loops prevented, no DDL. */
function checkPaths(config: DeploymentConfig): void {
    const hubs = mesh(config);
    const trusted = config.trustedSource;
    for (const dc of config.datacenters) {
        const files = hubs.get(dc.id)!;
        // Hub and spoke: the trusted source talks to every spoke, a spoke to the trusted source only.
        const ends = dc === trusted ? config.datacenters.filter((other) => other !== dc) : [trusted];
        const groups = (prefix: string) => [...files.keys()].filter((p) => new RegExp(`^dirprm/${prefix}[a-z]to[a-z]\\.prm$`).test(p)).sort();
        const letter = (i: number) => String.fromCharCode(96 + i);
        assert.deepEqual(groups("e"), ends.map((end) => `dirprm/e${letter(dc.index)}to${letter(end.index)}.prm`).sort(), `${dc.id}: one Extract per path`);
        assert.deepEqual(groups("r"), ends.map((end) => `dirprm/r${letter(end.index)}to${letter(dc.index)}.prm`).sort(), `${dc.id}: one Replicat per path`);
        for (const [path, content] of files) {
            assert.deepEqual(statements(content).filter((s) => /^DDL/i.test(s)), [], `${dc.id} ${path} has a DDL parameter`);
        }
        const localTrails: string[] = [];
        for (const end of ends) {
            const [from, to] = [letter(dc.index), letter(end.index)];
            const extract = files.get(`dirprm/e${from}to${to}.prm`)!;
            // No data looping: what came from the destination is not sent back to it.
            assert.deepEqual(valuesOf(extract, "TRANLOGOPTIONS EXCLUDETAG"), [applyTag(end.index)]);
            const replicat = hubs.get(end.id)!.get(`dirprm/r${from}to${to}.prm`)!;
            assert.deepEqual(valuesOf(replicat, "DBOPTIONS SETTAG"), [applyTag(dc.index)]);
            const pump = files.get(`dirprm/p${from}to${to}.prm`)!;
            assert.deepEqual(valuesOf(pump, "RMTHOST"), [`${end.goldengateHubIp}, MGRPORT ${GOLDENGATE.managerPort}`]);
            assert.ok(statements(pump).includes("PASSTHRU"));
            // What the Extract writes, the pump sends under that name, and the Replicat on the other hub reads.
            const sent = trail(valuesOf(extract, "EXTTRAIL")[0])!;
            assert.equal(trail(valuesOf(pump, "RMTTRAIL")[0]), sent);
            const start = files.get(`dirprm/start-e${from}to${to}.oby`)!;
            assert.match(start, new RegExp(`^ADD EXTRACT P${from.toUpperCase()}TO${to.toUpperCase()}, EXTTRAILSOURCE \\./dirdat/${sent}$`, "m"));
            assert.match(hubs.get(end.id)!.get(`dirprm/add-r${from}to${to}.oby`)!,
                new RegExp(`^ADD REPLICAT R${from.toUpperCase()}TO${to.toUpperCase()}, EXTTRAIL \\./dirdat/${sent}, CHECKPOINTTABLE ${GOLDENGATE.checkpointTable}$`, "m"));
            const received = trail(/EXTTRAIL (\S+),/.exec(files.get(`dirprm/add-r${to}to${from}.oby`)!)![1])!;
            localTrails.push(sent, received);
        }
        assert.equal(new Set(localTrails).size, localTrails.length, `${dc.id}: trail names repeat: ${localTrails.join(" ")}`);
        for (const name of localTrails) assert.match(name, /^[a-z][a-z]$/);
    }
}

const resolvedIn = (map: string) => Object.fromEntries([...map.matchAll(/RESOLVECONFLICT \((\w+), \(DEFAULT, (\w+)\)\)/g)].map((m) => [m[1], m[2]]));
const mapOf = (replicat: string, table: string) => valuesOf(replicat, "MAP").find((m) => m.startsWith(`${table},`))!;

describe("GoldenGate files: two datacenters", () => {
    const config = configOf("us-east");
    const dc1 = filesOf(config, "DC1");
    const dc2 = filesOf(config, "DC2");

    it("gives each hub its GLOBALS, Manager, an Extract, pump and Replicat per path, and the obey files", () => {
        assert.deepEqual([...dc1.keys()], [
            "GLOBALS", "dirprm/mgr.prm", "dirprm/eatob.prm", "dirprm/patob.prm", "dirprm/rbtoa.prm", "dirprm/setup.oby", "dirprm/start-eatob.oby", "dirprm/add-rbtoa.oby",
            "dirprm/rollover-patob.oby", "dirprm/remove-eatob.oby", "dirprm/remove-rbtoa.oby",
        ]);
        assert.deepEqual([...dc2.keys()], [
            "GLOBALS", "dirprm/mgr.prm", "dirprm/ebtoa.prm", "dirprm/pbtoa.prm", "dirprm/ratob.prm", "dirprm/setup.oby", "dirprm/start-ebtoa.oby", "dirprm/add-ratob.oby",
            "dirprm/rollover-pbtoa.oby", "dirprm/remove-ebtoa.oby", "dirprm/remove-ratob.oby",
        ]);
    });

    it("keeps trails, tags and the pump/Replicat pairs consistent across the two hubs", () => checkPaths(config));

    it("names no group with a trailing digit (aged report files would clash)", () => {
        for (const files of [dc1, dc2]) {
            for (const content of files.values()) {
                for (const group of content.matchAll(/^(?:EXTRACT|REPLICAT) (\w+)$/gm)) assert.match(group[1], /[A-Z]$/);
            }
        }
    });

    it("captures both schemas with before images, without LOB columns, and no DDL", () => {
        const extract = statements(dc1.get("dirprm/eatob.prm")!);
        assert.deepEqual(extract.slice(0, 6), [
            "EXTRACT EATOB",
            "USERIDALIAS ogg_dc1 DOMAIN wso2apim",
            "TRANLOGOPTIONS EXCLUDETAG 02",
            "LOGALLSUPCOLS",
            "UPDATERECORDFORMAT COMPACT",
            "EXTTRAIL ./dirdat/ab",
        ]);
        assert.ok(extract.includes("TABLEEXCLUDE WSO2SHARED.REG_CONTENT"));
        assert.ok(extract.includes("TABLE WSO2SHARED.REG_CONTENT, GETBEFORECOLS (ON UPDATE ALLEXCLUDING (REG_CONTENT_DATA), ON DELETE ALLEXCLUDING (REG_CONTENT_DATA));"));
        assert.deepEqual(extract.slice(-2), [
            "TABLE WSO2AM.*, GETBEFORECOLS (ON UPDATE ALL, ON DELETE ALL);",
            "TABLE WSO2SHARED.*, GETBEFORECOLS (ON UPDATE ALL, ON DELETE ALL);",
        ]);
    });

    it("compares no LOB column in any Replicat, for every table of WSO2's that has one", () => {
        for (const replicat of [dc1.get("dirprm/rbtoa.prm")!, dc2.get("dirprm/ratob.prm")!]) {
            for (const table of tablesWithLobs()) {
                const map = mapOf(replicat, `${table.owner}.${table.table}`);
                const excluded = `ALLEXCLUDING (${table.lobColumns!.join(", ")})`;
                assert.ok(map.includes(`COMPARECOLS (ON UPDATE ${excluded}, ON DELETE ${excluded})`), map);
                assert.ok(statements(replicat).includes(`MAPEXCLUDE ${table.owner}.${table.table}`));
            }
        }
        // 3.1.0's multi-DC scripts: 22 tables with BLOB columns (lib/goldengate/wso2-3.1.0-tables.json).
        assert.equal(tablesWithLobs().length, 22);
    });

    it("sends DC2's trail to DC1's hub at its fixed address", () => {
        assert.deepEqual(statements(dc2.get("dirprm/pbtoa.prm")!), [
            "EXTRACT PBTOA",
            "PASSTHRU",
            "RMTHOST 10.10.128.10, MGRPORT 7809",
            "RMTTRAIL ./dirdat/ba",
            "TABLE WSO2AM.*;",
            "TABLE WSO2SHARED.*;",
        ]);
    });

    it("tags what a Replicat applies, suppresses triggers and keeps a daily discard file", () => {
        for (const [replicat, group] of [[dc1.get("dirprm/rbtoa.prm")!, "rbtoa"], [dc2.get("dirprm/ratob.prm")!, "ratob"]]) {
            assert.deepEqual(valuesOf(replicat, "MAP").filter((m) => m.includes("*")).map((m) => m.split(",")[0]), ["WSO2AM.*", "WSO2SHARED.*"]);
            assert.ok(statements(replicat).includes("DBOPTIONS SUPPRESSTRIGGERS"));
            assert.deepEqual(valuesOf(replicat, "DISCARDFILE"), [`./dirrpt/${group}.dsc, APPEND, MEGABYTES 1000`]);
            assert.deepEqual(valuesOf(replicat, "DISCARDROLLOVER"), ["AT 00:00"]);
        }
    });

    it("resolves conflicts in the trusted source's favour; on LOB tables a delete wins over an update", () => {
        const intoSpoke = dc2.get("dirprm/ratob.prm")!;
        const intoTrusted = dc1.get("dirprm/rbtoa.prm")!;
        assert.deepEqual(resolvedIn(mapOf(intoSpoke, "WSO2AM.*")), resolutions(true));
        assert.deepEqual(resolvedIn(mapOf(intoTrusted, "WSO2AM.*")), resolutions(false));
        assert.deepEqual(resolutions(true), { INSERTROWEXISTS: "OVERWRITE", UPDATEROWEXISTS: "OVERWRITE", UPDATEROWMISSING: "OVERWRITE", DELETEROWEXISTS: "OVERWRITE", DELETEROWMISSING: "DISCARD" });
        assert.deepEqual(resolvedIn(mapOf(intoSpoke, "WSO2SHARED.REG_CONTENT")).UPDATEROWMISSING, "DISCARD");
        assert.deepEqual(resolvedIn(mapOf(intoTrusted, "WSO2SHARED.REG_CONTENT")).DELETEROWEXISTS, "OVERWRITE");
        const promoted = configOf("us-east", { trustedSource: "DC2" });
        assert.deepEqual(resolvedIn(mapOf(filesOf(promoted, "DC1").get("dirprm/rbtoa.prm")!, "WSO2AM.*")), resolutions(true));
    });

    it("sends unique-key clashes to the discard file in the trusted source and to the replacing handler in a spoke, and abends on anything else", () => {
        assert.deepEqual(valuesOf(dc1.get("dirprm/rbtoa.prm")!, "REPERROR"), ["(DEFAULT, ABEND)", "(1, DISCARD)"]);
        const intoSpoke = dc2.get("dirprm/ratob.prm")!;
        assert.deepEqual(valuesOf(intoSpoke, "REPERROR"), ["(DEFAULT, ABEND)", "(1, EXCEPTION)"]);
        const maps = valuesOf(intoSpoke, "MAP");
        const handler = maps.indexOf(maps.find((m) => m.startsWith("WSO2AM.AM_APPLICATION, TARGET WSO2AM.AM_APPLICATION, EXCEPTIONSONLY"))!);
        assert.ok(maps[handler - 1].startsWith("WSO2AM.AM_APPLICATION, TARGET WSO2AM.AM_APPLICATION, COMPARECOLS"), "the exceptions MAP follows its table's MAP");
        assert.equal(maps[handler], "WSO2AM.AM_APPLICATION, TARGET WSO2AM.AM_APPLICATION, EXCEPTIONSONLY, SQLEXEC (ID unique_clash, QUERY 'DELETE FROM WSO2AM.AM_APPLICATION " +
            "WHERE (DECODE(NAME, :p1, 1) = 1 AND DECODE(SUBSCRIBER_ID, :p2, 1) = 1) OR (DECODE(UUID, :p3, 1) = 1)', PARAMS (p1 = NAME, p2 = SUBSCRIBER_ID, p3 = UUID), BEFOREFILTER, ERROR RAISE);");
        assert.equal(maps.filter((m) => m.includes("EXCEPTIONSONLY")).length, tablesWithUniqueKeys().length);
        assert.ok(!dc1.get("dirprm/rbtoa.prm")!.includes("EXCEPTIONSONLY"));
    });

    it("starts every added group with the Manager, restarts them after a failure and purges trails", () => {
        assert.deepEqual(statements(dc1.get("dirprm/mgr.prm")!), [
            "PORT 7809",
            "DYNAMICPORTLIST 7810-7834",
            "ACCESSRULE, PROG *, IPADDR 127.0.0.1, PRI 1, ALLOW",
            "ACCESSRULE, PROG *, IPADDR 10.10.128.10, PRI 1, ALLOW",
            "ACCESSRULE, PROG COLLECTOR, IPADDR 10.20.128.10, PRI 2, ALLOW",
            "ACCESSRULE, PROG *, PRI 99, DENY",
            "AUTOSTART ER *",
            "AUTORESTART ER *, RETRIES 5, WAITMINUTES 2, RESETMINUTES 60",
            "PURGEOLDEXTRACTS ./dirdat/*, USECHECKPOINTS, MINKEEPHOURS 48",
        ]);
    });

    it("sets up logging, checkpoint and heartbeat tables once, and positions each Extract when its capture starts", () => {
        assert.deepEqual(dc2.get("dirprm/setup.oby")!.trimEnd().split("\n"), [
            "DBLOGIN USERIDALIAS ogg_dc2 DOMAIN wso2apim",
            "ADD SCHEMATRANDATA WSO2AM ALLCOLS",
            "ADD SCHEMATRANDATA WSO2SHARED ALLCOLS",
            "ADD CHECKPOINTTABLE OGGADMIN.GG_CHECKPOINT",
            "ADD HEARTBEATTABLE",
        ]);
        assert.deepEqual(dc2.get("dirprm/start-ebtoa.oby")!.trimEnd().split("\n"), [
            "DBLOGIN USERIDALIAS ogg_dc2 DOMAIN wso2apim",
            "ADD EXTRACT EBTOA, INTEGRATED TRANLOG, BEGIN NOW",
            "REGISTER EXTRACT EBTOA DATABASE",
            "ADD EXTTRAIL ./dirdat/ba, EXTRACT EBTOA",
            "ADD EXTRACT PBTOA, EXTTRAILSOURCE ./dirdat/ba",
            "ADD RMTTRAIL ./dirdat/ba, EXTRACT PBTOA",
            "START EXTRACT EBTOA",
            "START EXTRACT PBTOA",
        ]);
        assert.equal(dc2.get("dirprm/add-ratob.oby"), "ADD REPLICAT RATOB, EXTTRAIL ./dirdat/ab, CHECKPOINTTABLE OGGADMIN.GG_CHECKPOINT\n");
        assert.deepEqual(statements(dc2.get("GLOBALS")!), ["CHECKPOINTTABLE OGGADMIN.GG_CHECKPOINT", "GGSCHEMA OGGADMIN", "EXCLUDEWILDCARDOBJECTSONLY", "USEIPV4"]);
    });

    it("gives keyless tables from config explicit KEYCOLS, excluded from the schema wildcard", () => {
        const keyed = configOf("us-east", { goldengateKeyColumns: ["wso2am.am_example(api_id, name)"] });
        const files = filesOf(keyed, "DC1");
        const tables = statements(files.get("dirprm/eatob.prm")!).filter((s) => /^TABLE/.test(s));
        assert.equal(tables[0], "TABLEEXCLUDE WSO2AM.AM_EXAMPLE");
        assert.ok(tables.includes("TABLE WSO2AM.AM_EXAMPLE, KEYCOLS (API_ID, NAME), GETBEFORECOLS (ON UPDATE ALL, ON DELETE ALL);"));
        const replicat = statements(files.get("dirprm/rbtoa.prm")!);
        assert.ok(replicat.includes("MAPEXCLUDE WSO2AM.AM_EXAMPLE"));
        assert.match(replicat.find((s) => s.startsWith("MAP WSO2AM.AM_EXAMPLE"))!, /^MAP WSO2AM\.AM_EXAMPLE, TARGET WSO2AM\.AM_EXAMPLE, KEYCOLS \(API_ID, NAME\), COMPARECOLS/);
    });

    it("are what the program uploads under goldengate/ in each stack's boot bucket", async () => {
        for (const [stack, files] of [["us-east", dc1], ["us-west", dc2]] as const) {
            const program = await run(stack);
            const uploaded = new Map(ofType(program, "aws:s3/bucketObjectv2:BucketObjectv2")
                .filter((o) => String(o.inputs.key).startsWith("goldengate/"))
                .map((o) => [String(o.inputs.key).slice("goldengate/".length), o.inputs.content]));
            assert.deepEqual(uploaded, files);
        }
    });
});

describe("GoldenGate files: a third datacenter joins the hub and spoke", () => {
    const config = configOf("us-east", { datacenters: [...SHIPPED_DCS, THIRD_DC] });

    it("gives the trusted source a path to and from each spoke, and each spoke one path each way", () => {
        checkPaths(config);
        assert.deepEqual([...filesOf(config, "DC3").keys()], [
            "GLOBALS", "dirprm/mgr.prm", "dirprm/ectoa.prm", "dirprm/pctoa.prm", "dirprm/ratoc.prm", "dirprm/setup.oby", "dirprm/start-ectoa.oby", "dirprm/add-ratoc.oby",
            "dirprm/rollover-pctoa.oby", "dirprm/remove-ectoa.oby", "dirprm/remove-ratoc.oby",
        ]);
        assert.deepEqual([...filesOf(config, "DC1").keys()].filter((p) => p.endsWith(".prm")), [
            "dirprm/mgr.prm", "dirprm/eatob.prm", "dirprm/patob.prm", "dirprm/eatoc.prm", "dirprm/patoc.prm", "dirprm/rbtoa.prm", "dirprm/rctoa.prm",
        ]);
    });

    it("sizes the Streams pool for one integrated Extract per path out of each database", () => {
        assert.deepEqual([integratedExtracts(true, 3), integratedExtracts(false, 3), integratedExtracts(true, 1)], [2, 1, 0]);
        assert.equal(streamsPoolBytes(integratedExtracts(true, 3)), 2.5 * 1024 ** 3);
    });

    it("sends each spoke, from the trusted source, everything but its own changes", () => {
        const dc1 = filesOf(config, "DC1");
        assert.deepEqual(valuesOf(dc1.get("dirprm/eatob.prm")!, "TRANLOGOPTIONS EXCLUDETAG"), ["02"]);
        assert.deepEqual(valuesOf(dc1.get("dirprm/eatoc.prm")!, "TRANLOGOPTIONS EXCLUDETAG"), ["03"]);
    });
});

describe("GoldenGate files: a single datacenter", () => {
    it("renders nothing: there is no one to replicate with", () => {
        assert.deepEqual(renderGoldenGateFiles({ self: { id: "DC1", index: 1, hubIp: "10.10.128.10" }, peers: [], priority: ["DC1"], keyColumns: [] }), []);
    });
});
