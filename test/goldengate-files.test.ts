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
import * as fs from "fs";
import * as path from "path";
import { exceptionsTable } from "../lib/goldengate/names";
import { EXCEPTION_CONTEXT, GoldenGateFile, GoldenGateFilesInput, integratedExtracts, renderGoldenGateFiles, resolutions, streamsPoolBytes } from "../lib/goldengate/parameter-files";
import { tablesWithLobs, WSO2_TABLES, Wso2Table } from "../lib/goldengate/wso2-tables";
import { SQL_DIR } from "../lib/render/sql-parameters";
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
/** A MAP's parts: its source, then each option (commas inside parentheses or quotes do not split). */
function topLevel(text: string): string[] {
    const parts = [""];
    let depth = 0;
    let quoted = false;
    for (const ch of text) {
        if (ch === "'") quoted = !quoted;
        if (!quoted && ch === "(") depth++;
        if (!quoted && ch === ")") depth--;
        if (!quoted && depth === 0 && ch === ",") parts.push("");
        else parts[parts.length - 1] += ch;
    }
    return parts.map((p) => p.trim());
}
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

    it("captures with before images, no LOB column compared, and names every replicated table by its exact name: no wildcard, no exclusion", () => {
        const extract = statements(dc1.get("dirprm/eatob.prm")!);
        assert.deepEqual(extract.slice(0, 6), [
            "EXTRACT EATOB",
            "USERIDALIAS ogg_dc1 DOMAIN wso2apim",
            "TRANLOGOPTIONS EXCLUDETAG 02",
            "LOGALLSUPCOLS",
            "UPDATERECORDFORMAT FULL",
            "EXTTRAIL ./dirdat/ab",
        ]);
        assert.ok(extract.includes("TABLE WSO2SHARED.REG_CONTENT, GETBEFORECOLS (ON UPDATE ALLEXCLUDING (REG_CONTENT_DATA), ON DELETE ALLEXCLUDING (REG_CONTENT_DATA));"));
        assert.ok(extract.includes("TABLE WSO2AM.AM_APPLICATION, GETBEFORECOLS (ON UPDATE ALL, ON DELETE ALL);"));
        const named = (content: string, keyword: string) => valuesOf(content, keyword).map((v) => v.split(",")[0].replace(/;$/, ""));
        const knowledge = WSO2_TABLES.map((t) => `${t.owner}.${t.table}`).sort();
        for (const files of [dc1, dc2]) {
            for (const [file, content] of files) {
                assert.deepEqual(statements(content).filter((st) => /^(TABLEEXCLUDE|MAPEXCLUDE|EXCLUDEWILDCARDOBJECTSONLY|ALLOWDUPTARGETMAP)\b/i.test(st)), [], file);
                assert.ok(!/^(TABLE|MAP) \S*[*?]/m.test(content), `${file} has a wildcard`);
            }
        }
        assert.deepEqual(named(dc1.get("dirprm/eatob.prm")!, "TABLE"), knowledge);
        assert.deepEqual(named(dc1.get("dirprm/patob.prm")!, "TABLE"), knowledge);
        assert.deepEqual([...new Set(named(dc2.get("dirprm/ratob.prm")!, "MAP"))], knowledge);
    });

    it("compares no LOB column in any Replicat, for every table of WSO2's that has one", () => {
        for (const replicat of [dc1.get("dirprm/rbtoa.prm")!, dc2.get("dirprm/ratob.prm")!]) {
            for (const table of tablesWithLobs()) {
                const map = mapOf(replicat, `${table.owner}.${table.table}`);
                const excluded = `ALLEXCLUDING (${table.lobColumns!.join(", ")})`;
                assert.ok(map.includes(`COMPARECOLS (ON UPDATE ${excluded}, ON DELETE ${excluded})`), map);
            }
        }
        // 3.1.0's multi-DC scripts: 22 tables with BLOB columns (lib/goldengate/wso2-3.1.0-tables.json).
        assert.equal(tablesWithLobs().length, 22);
    });

    it("sends DC2's trail to DC1's hub at its fixed address, with the tables the Extract captures", () => {
        const pump = statements(dc2.get("dirprm/pbtoa.prm")!);
        assert.deepEqual(pump.slice(0, 4), ["EXTRACT PBTOA", "PASSTHRU", "RMTHOST 10.10.128.10, MGRPORT 7809", "RMTTRAIL ./dirdat/ba"]);
        assert.equal(pump.length, 4 + WSO2_TABLES.length);
    });

    it("tags what a Replicat applies, suppresses triggers, and keeps a daily discard file that nothing routine writes to", () => {
        for (const [replicat, group] of [[dc1.get("dirprm/rbtoa.prm")!, "rbtoa"], [dc2.get("dirprm/ratob.prm")!, "ratob"]]) {
            assert.ok(statements(replicat).includes("DBOPTIONS SUPPRESSTRIGGERS"));
            assert.deepEqual(valuesOf(replicat, "DISCARDFILE"), [`./dirrpt/${group}.dsc, APPEND, MEGABYTES 1000`]);
            assert.deepEqual(valuesOf(replicat, "DISCARDROLLOVER"), ["AT 00:00"]);
            // MAXDISCARDRECS abends when exceeded (OGG-01170); a DISCARD response would write a record per conflict.
            assert.deepEqual(valuesOf(replicat, "MAXDISCARDRECS"), []);
            assert.ok(!/\bDISCARD\)/.test(replicat), "no RESOLVECONFLICT or REPERROR writes to the discard file");
        }
    });

    it("resolves conflicts in the trusted source's favour; a delete wins over a concurrent update; a delete of a missing row is ignored", () => {
        const intoSpoke = dc2.get("dirprm/ratob.prm")!;
        const intoTrusted = dc1.get("dirprm/rbtoa.prm")!;
        assert.deepEqual(resolutions(true), { INSERTROWEXISTS: "OVERWRITE", UPDATEROWEXISTS: "OVERWRITE", UPDATEROWMISSING: "IGNORE", DELETEROWEXISTS: "OVERWRITE", DELETEROWMISSING: "IGNORE" });
        assert.deepEqual(resolutions(false), { INSERTROWEXISTS: "IGNORE", UPDATEROWEXISTS: "IGNORE", UPDATEROWMISSING: "IGNORE", DELETEROWEXISTS: "OVERWRITE", DELETEROWMISSING: "IGNORE" });
        for (const table of ["WSO2AM.AM_APPLICATION", "WSO2SHARED.REG_CONTENT"]) {
            assert.deepEqual(resolvedIn(mapOf(intoSpoke, table)), resolutions(true));
            assert.deepEqual(resolvedIn(mapOf(intoTrusted, table)), resolutions(false));
        }
        const promoted = configOf("us-east", { trustedSource: "DC2" });
        assert.deepEqual(resolvedIn(mapOf(filesOf(promoted, "DC1").get("dirprm/rbtoa.prm")!, "WSO2AM.AM_APPLICATION")), resolutions(true));
    });

    it("sends ORA-00001, ORA-02291 and ORA-02292 to the exceptions MAP in every Replicat, and abends on anything else", () => {
        for (const replicat of [dc1.get("dirprm/rbtoa.prm")!, dc2.get("dirprm/ratob.prm")!]) {
            assert.deepEqual(valuesOf(replicat, "REPERROR"), ["(DEFAULT, ABEND)", "(1, EXCEPTION)", "(2291, EXCEPTION)", "(2292, EXCEPTION)"]);
        }
    });

    it("maps each table once to itself and, right after, once to its exceptions table: EXCEPTIONSONLY, INSERTALLRECORDS, the context columns", () => {
        for (const replicat of [dc1.get("dirprm/rbtoa.prm")!, dc2.get("dirprm/ratob.prm")!]) {
            const maps = valuesOf(replicat, "MAP").map((m) => {
                const [source, target] = /^(\S+), TARGET (\S+?),/.exec(m)!.slice(1);
                return { source, target, text: m };
            });
            const pairs = maps.map((m) => `${m.source} -> ${m.target}`);
            assert.equal(new Set(pairs).size, pairs.length, "no source and target mapped twice");
            assert.equal(maps.length, 2 * WSO2_TABLES.length);
            for (let i = 0; i < maps.length; i += 2) {
                const [regular, exceptions] = [maps[i], maps[i + 1]];
                const [owner, table] = regular.source.split(".");
                assert.equal(regular.target, regular.source);
                assert.ok(!regular.text.includes("EXCEPTIONSONLY"));
                assert.equal(exceptions.source, regular.source, "the exceptions MAP immediately follows its table's MAP");
                assert.equal(exceptions.target, `OGGADMIN.EX_${owner}_${table}`);
                assert.equal(exceptions.text, `${regular.source}, TARGET OGGADMIN.EX_${owner}_${table}, EXCEPTIONSONLY, INSERTALLRECORDS, COLMAP (USEDEFAULTS, `
                    + "EXC_AT = @DATENOW (), EXC_REPLICAT = @GETENV ('GGENVIRONMENT', 'GROUPNAME'), EXC_OPTYPE = @GETENV ('LASTERR', 'OPTYPE'), "
                    + "EXC_DBERRNUM = @GETENV ('LASTERR', 'DBERRNUM'), EXC_DBERRMSG = @GETENV ('LASTERR', 'DBERRMSG'), EXC_COMMIT_TS = @GETENV ('GGHEADER', 'COMMITTIMESTAMP'));");
            }
        }
    });

    it("creates in SQL the exceptions tables the MAPs target: EX_<owner>_<table> in the GoldenGate schema, with the context columns, no key, no NOT NULL", () => {
        const sql = fs.readFileSync(path.join(SQL_DIR, "05-goldengate-exceptions.sql"), "utf8");
        assert.match(sql, /v_exceptions CONSTANT VARCHAR2\(512\) := 'EX_' \|\| p_owner \|\| '_' \|\| p_table;/);
        assert.equal(exceptionsTable("WSO2AM", "AM_APPLICATION"), "OGGADMIN.EX_WSO2AM_AM_APPLICATION");
        const names = /c_context_names CONSTANT t_names := t_names\(([^)]*)\)/.exec(sql)![1].split(",").map((n) => n.trim().replace(/'/g, ""));
        assert.deepEqual(names, EXCEPTION_CONTEXT.map(([column]) => column));
        assert.match(sql, /' AS SELECT \* FROM '[\s\S]*?' WHERE 1 = 0';/, "the table's columns, without its rows, keys or indexes");
        assert.match(sql, /MODIFY \(' \|\| DBMS_ASSERT\.ENQUOTE_NAME\(c\.column_name, FALSE\) \|\| ' NULL\)'/);
        assert.match(sql, /WHERE owner IN \(UPPER\('&am_db_user'\), UPPER\('&shared_db_user'\)\)/, "every table of both WSO2 schemas");
        assert.throws(() => exceptionsTable("WSO2AM", "T".repeat(120)), /exceptions table of WSO2AM\.T+ would be named EX_WSO2AM_T+, longer than Oracle's 128 characters/);
    });

    it("starts every added group with the Manager, restarts them after a failure and purges trails", () => {
        assert.deepEqual(statements(dc1.get("dirprm/mgr.prm")!), [
            "PORT 7809",
            "DYNAMICPORTLIST 7810-7839",
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
            "REGISTER EXTRACT EBTOA DATABASE",
            "ADD EXTRACT EBTOA, INTEGRATED TRANLOG, BEGIN NOW",
            "ADD EXTTRAIL ./dirdat/ba, EXTRACT EBTOA",
            "ADD EXTRACT PBTOA, EXTTRAILSOURCE ./dirdat/ba",
            "ADD RMTTRAIL ./dirdat/ba, EXTRACT PBTOA",
            "START EXTRACT EBTOA",
            "START EXTRACT PBTOA",
        ]);
        assert.equal(dc2.get("dirprm/add-ratob.oby"), "ADD REPLICAT RATOB, EXTTRAIL ./dirdat/ab, CHECKPOINTTABLE OGGADMIN.GG_CHECKPOINT\n");
        assert.deepEqual(statements(dc2.get("GLOBALS")!), ["CHECKPOINTTABLE OGGADMIN.GG_CHECKPOINT", "GGSCHEMA OGGADMIN", "USEIPV4"]);
    });

    it("gives keyless tables from config KEYCOLS in the Extract and the Replicat, named like every other table", () => {
        const keyed = configOf("us-east", { goldengateKeyColumns: ["wso2am.am_example(api_id, name)"] });
        const files = filesOf(keyed, "DC1");
        assert.ok(statements(files.get("dirprm/eatob.prm")!).includes("TABLE WSO2AM.AM_EXAMPLE, KEYCOLS (API_ID, NAME), GETBEFORECOLS (ON UPDATE ALL, ON DELETE ALL);"));
        assert.ok(statements(files.get("dirprm/patob.prm")!).includes("TABLE WSO2AM.AM_EXAMPLE;"));
        const replicat = statements(files.get("dirprm/rbtoa.prm")!);
        assert.match(replicat.find((st) => st.startsWith("MAP WSO2AM.AM_EXAMPLE, TARGET WSO2AM.AM_EXAMPLE"))!, /^MAP WSO2AM\.AM_EXAMPLE, TARGET WSO2AM\.AM_EXAMPLE, KEYCOLS \(API_ID, NAME\), COMPARECOLS/);
        assert.ok(replicat.some((st) => st.startsWith("MAP WSO2AM.AM_EXAMPLE, TARGET OGGADMIN.EX_WSO2AM_AM_EXAMPLE, EXCEPTIONSONLY")));
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

describe("GoldenGate files: secondary unique keys and the table knowledge (this test's own fixtures)", () => {
    const FIXTURE: Wso2Table[] = [
        { owner: "WSO2AM", table: "AM_APPLICATION", primaryKey: ["APPLICATION_ID"], uniqueKeys: [["NAME", "SUBSCRIBER_ID"], ["UUID"]] },
        { owner: "WSO2AM", table: "AM_NO_KEY_KNOWN", primaryKey: [], uniqueKeys: [["NAME"], ["CODE"]] },
        // No primary key, one unique key: that key identifies the row; no other key can clash.
        { owner: "WSO2AM", table: "AM_IDENTIFIED_BY_UNIQUE", primaryKey: [], uniqueKeys: [["SESSION_ID", "USER_ID"]] },
        { owner: "WSO2AM", table: "AM_TOKEN", primaryKey: ["TOKEN_ID"], uniqueKeys: [["TOKEN_ID"], ["HASH"]], lobColumns: ["PAYLOAD"] },
    ];
    const input = (self: number, tables: Wso2Table[] = FIXTURE): GoldenGateFilesInput => {
        const dcs = [{ id: "DC1", index: 1, hubIp: "10.10.128.10" }, { id: "DC2", index: 2, hubIp: "10.20.128.10" }];
        return { self: dcs[self - 1], peers: dcs.filter((dc) => dc.index !== self), priority: ["DC1", "DC2"], keyColumns: [], tables };
    };
    const replicatOf = (self: number, tables?: Wso2Table[]) => renderGoldenGateFiles(input(self, tables)).find((f) => /^dirprm\/r[a-z]to[a-z]\.prm$/.test(f.path))!.content;

    it("into a spoke, the MAP of a table with secondary unique keys applies the trusted source's row and sends a clash to the exceptions table: it deletes nothing of the spoke's", () => {
        assert.equal(mapOf(replicatOf(2), "WSO2AM.AM_APPLICATION").replace(/^.*RESOLVECONFLICT \(DELETEROWMISSING, \(DEFAULT, IGNORE\)\), /, ""),
            "REPERROR (DEFAULT, ABEND), REPERROR (1, EXCEPTION), REPERROR (2291, EXCEPTION), REPERROR (2292, EXCEPTION), REPERROR (1403, EXCEPTION);");
    });

    it("every regular MAP, into either end and for the shipped 3.1.0 knowledge too, only maps, compares, resolves and routes errors: no statement of its own runs in the target", () => {
        const allowed = /^(TARGET |KEYCOLS \(|COMPARECOLS \(|RESOLVECONFLICT \(|REPERROR \()/;
        for (const tables of [FIXTURE, [...WSO2_TABLES]]) {
            for (const self of [1, 2]) {
                const regular = valuesOf(replicatOf(self, tables), "MAP").filter((m) => !m.includes("EXCEPTIONSONLY"));
                assert.equal(regular.length, tables.length);
                for (const map of regular) {
                    const options = topLevel(map.replace(/;$/, "")).slice(1);
                    for (const option of options) assert.match(option, allowed, `DC${self}: ${map.slice(0, 60)}…: ${option.slice(0, 60)}`);
                }
            }
        }
    });

    it("into a spoke, a MAP of a table with secondary unique keys sends ORA-01403 to its exceptions MAP (either reading of a secondary-key clash); no other MAP does", () => {
        const spoke = replicatOf(2);
        for (const table of ["AM_APPLICATION", "AM_TOKEN", "AM_NO_KEY_KNOWN"]) assert.match(mapOf(spoke, `WSO2AM.${table}`), /, REPERROR \(1403, EXCEPTION\)/, table);
        assert.ok(!mapOf(spoke, "WSO2AM.AM_IDENTIFIED_BY_UNIQUE").includes("REPERROR"), "its only unique key is its identity");
        assert.ok(!replicatOf(1).includes("REPERROR (1403"), "into the trusted source INSERTROWEXISTS is IGNORE: no update follows");
    });

    it("refuses table knowledge it cannot render safely, naming the table", () => {
        assert.throws(() => replicatOf(2, [{ owner: "WSO2AM", table: "AM_X", primaryKey: ["id"] }]), /GoldenGate table knowledge, WSO2AM\.AM_X: "id" is not an upper-case unquoted Oracle name/);
        assert.throws(() => replicatOf(2, [{ owner: "SCOTT", table: "EMP", primaryKey: ["EMPNO"] }]), /GoldenGate table knowledge, SCOTT\.EMP: SCOTT is not a replicated schema \(WSO2AM, WSO2SHARED\)/);
        assert.throws(() => replicatOf(2, []), /GoldenGate table knowledge is empty/);
    });
});

describe("GoldenGate files: a single datacenter", () => {
    it("renders nothing: there is no one to replicate with", () => {
        assert.deepEqual(renderGoldenGateFiles({ self: { id: "DC1", index: 1, hubIp: "10.10.128.10" }, peers: [], priority: ["DC1"], keyColumns: [] }), []);
    });
});
