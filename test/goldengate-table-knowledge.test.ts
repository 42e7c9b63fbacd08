/**
 * GoldenGate table knowledge (keys and LOB columns) derived from the pack's DDL, not a hand list:
 * the derivation on test/fixtures/table-knowledge (our own SQL in the shape of 3.1.0's multi-DC
 * scripts), the committed file derived from the real 3.1.0 scripts (carbon-apimgt 6.6.163), the
 * files rendered from it, `npm run gg:tables`, and pack:check's comparison.
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
    deriveTableFacts,
    deriveTableKnowledge,
    formatTableKnowledge,
    parseTableKnowledge,
    type TableKnowledge,
} from "../lib/goldengate/table-knowledge";
import { renderGoldenGateFiles } from "../lib/goldengate/parameter-files";
import { WSO2_TABLES, WSO2_TABLES_FILE } from "../lib/goldengate/wso2-tables";
import { PACK_SCRIPTS, REMEDIES, REMEDY_FILES } from "../lib/pack/remedies";
import { SQL_DIR } from "../lib/render/sql-parameters";
import { checkPack } from "../tools/pack-check/check";
import { requireTool } from "./harness";

const ROOT = path.resolve(__dirname, "..");
const FIXTURE = path.join(__dirname, "fixtures", "table-knowledge");
const COMMITTED = path.relative(ROOT, WSO2_TABLES_FILE);

const readPack = (directory: string): Record<string, string> =>
    Object.fromEntries(Object.values(PACK_SCRIPTS).flat().map((file) => [file, fs.readFileSync(path.join(directory, file), "utf8")]));

function runTool(tool: "gg-tables" | "pack-check", ...args: string[]): { status: number | null; stdout: string; stderr: string } {
    const result = spawnSync(process.execPath, ["-r", "sucrase/register/ts", `tools/${tool}/cli.ts`, ...args], { cwd: ROOT, encoding: "utf8" });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A scratch directory for each test of the calling describe, removed after it. */
let scratch: string;
function useScratch(): void {
    beforeEach(() => {
        scratch = fs.mkdtempSync(path.join(os.tmpdir(), "table-knowledge-"));
    });
    afterEach(() => fs.rmSync(scratch, { recursive: true, force: true }));
}

function copyOfFixture(under = "."): string {
    const directory = path.join(scratch, under);
    fs.cpSync(FIXTURE, directory, { recursive: true });
    return directory;
}

function writeKnowledge(knowledge: TableKnowledge): string {
    const file = path.join(scratch, "knowledge.json");
    fs.writeFileSync(file, formatTableKnowledge(knowledge));
    return file;
}

const table = (name: string, primaryKey: string[], uniqueKeys: string[][], lobColumns: string[]) => ({ table: name, primaryKey, uniqueKeys, lobColumns });

describe("table knowledge: derived from DDL in the 3.1.0 shape (test/fixtures/table-knowledge)", () => {
    it("gives every table its primary key, its other unique keys and its LOB columns", () => {
        const { schemas } = deriveTableKnowledge(readPack(FIXTURE));
        assert.deepEqual(schemas.SHARED_DB, [
            table("REG_FIX_CONTENT", ["REG_CONTENT_ID", "REG_TENANT_ID"], [], ["REG_CONTENT_DATA"]),
            table("REG_FIX_RESOURCE_TAG", [], [["REG_TAG_ID", "REG_VERSION", "REG_PATH_ID"]], []),
            table("UM_FIX_TENANT", ["UM_ID"], [["UM_DOMAIN_NAME"]], ["UM_USER_CONFIG"]),
            table("UM_FIX_USER", ["UM_ID", "UM_TENANT_ID"], [["UM_USER_ID", "UM_TENANT_ID"]], []),
        ]);
        assert.deepEqual(schemas.AM_DB, [
            // ALTER TABLE MODIFY (SUBSCRIBER_ID and UUID made NOT NULL, UUID NULL again) changes no key.
            table("AM_FIX_APPLICATION", ["APPLICATION_ID"], [["NAME", "SUBSCRIBER_ID"], ["UUID"]], []),
            table("AM_FIX_CODE_SCOPE", ["CODE_ID", "SCOPE"], [], []),
            table("AM_FIX_LATE_KEY", ["LATE_ID"], [], []),
            // Unquoted lower-case names fold to upper case; LONG RAW counts as a LOB.
            table("AM_FIX_LOWER", ["ID"], [["NAME", "TENANT_ID"]], ["RAW_DATA"]),
            // No key; the BLOB came with ALTER TABLE ADD.
            table("AM_FIX_NOTES", [], [], ["ATTACHMENT"]),
            table("AM_FIX_Quoted", ["Id"], [], ["PAYLOAD", "NOTES"]),
            table("IDN_OAUTH2_ACCESS_TOKEN", ["TOKEN_ID"], [["CONSUMER_KEY_ID", "AUTHZ_USER", "TENANT_ID", "TOKEN_SCOPE_HASH", "TOKEN_STATE", "IDP_ID", "DCID"]], []),
        ]);
        // Commented-out DDL and the temporary table give nothing.
        const names = [...schemas.SHARED_DB, ...schemas.AM_DB].map((t) => t.table);
        assert.ok(!names.includes("AM_FIX_COMMENTED_OUT") && !names.includes("AM_FIX_SCRATCH"));
    });

    it("a table SQL*Plus never creates (swallowed by a trigger without its / line) is not known", () => {
        const text = [
            "CREATE TABLE P (ID INTEGER PRIMARY KEY)", "/",
            "CREATE TRIGGER T BEFORE DELETE ON P FOR EACH ROW", "BEGIN", "  NULL;", "END;",
            "CREATE TABLE SWALLOWED (ID INTEGER PRIMARY KEY, DATA BLOB)", "/",
            "CREATE TABLE AFTER_IT (ID INTEGER PRIMARY KEY)", "/",
        ].join("\n");
        assert.deepEqual(deriveTableFacts([{ path: "t.sql", text }]).map((t) => t.table), ["AFTER_IT", "P"]);
    });

    it("stops naming the script and line at DDL it does not follow or Oracle would refuse", () => {
        const derive = (text: string) => () => deriveTableFacts([{ path: "apimgt/tables.sql", text: `CREATE TABLE T (ID INTEGER PRIMARY KEY, NAME VARCHAR2(10))\n/\n${text}\n/\n` }]);
        assert.throws(derive("DROP TABLE T"), /^TableKnowledgeError: apimgt\/tables\.sql:3: DROP TABLE is not followed by the table knowledge$/m);
        assert.throws(derive("DROP INDEX T_NAME"), /apimgt\/tables\.sql:3: DROP INDEX is not followed/);
        assert.doesNotThrow(derive("DROP SEQUENCE T_SEQ"));
        assert.throws(derive("ALTER TABLE T DROP CONSTRAINT X"), /apimgt\/tables\.sql:3: ALTER TABLE \.\.\. DROP is not followed/);
        assert.throws(derive("CREATE UNIQUE INDEX T_NAME ON T (UPPER(NAME))"), /apimgt\/tables\.sql:3: unique index T_NAME on T keys an expression, not columns/);
        assert.throws(derive("ALTER TABLE T ADD CONSTRAINT U UNIQUE (NAMES)"), /apimgt\/tables\.sql:3: UNIQUE of T names no column of the table: NAMES/);
        assert.throws(derive("ALTER TABLE OTHER ADD CONSTRAINT U UNIQUE (NAME)"), /apimgt\/tables\.sql:3: ALTER TABLE of table OTHER, which no earlier statement creates/);
        assert.throws(derive("CREATE TABLE T (ID INTEGER)"), /apimgt\/tables\.sql:3: table T is created twice/);
        assert.throws(derive("CREATE TABLE C AS SELECT * FROM T"), /apimgt\/tables\.sql:3: table C has no column list/);
    });

    it("records each script with its SHA-256 (as sha256sum computes it) and the origin it is given", function () {
        requireTool(this, "sha256sum");
        const knowledge = deriveTableKnowledge(readPack(FIXTURE), { repository: "example/pack", commit: "abc" });
        const files = Object.entries(PACK_SCRIPTS).flatMap(([schema, paths]) => paths.map((file) => {
            const sum = spawnSync("sha256sum", [path.join(FIXTURE, file)], { encoding: "utf8" }).stdout.split(" ")[0];
            return { schema, path: file, sha256: sum };
        }));
        assert.deepEqual(knowledge.source, { repository: "example/pack", commit: "abc", files });
    });
});

describe(`the committed table knowledge (${COMMITTED})`, () => {
    const text = fs.readFileSync(WSO2_TABLES_FILE, "utf8");
    const committed = parseTableKnowledge(text, COMMITTED);
    const known = (owner: string, name: string) => WSO2_TABLES.find((t) => t.owner === owner && t.table === name);

    it("comes from carbon-apimgt 6.6.163's multi-DC Oracle scripts (the 3.1.0 pack's), each named with its SHA-256", () => {
        assert.deepEqual(committed.source, {
            repository: "wso2/carbon-apimgt",
            commit: "08ea54ec6be19ca6317027b09aaa566d6da85037",
            directory: "features/apimgt/org.wso2.carbon.apimgt.core.feature/src/main/resources/multi-dc/oracle",
            files: [
                { schema: "SHARED_DB", path: "tables.sql", sha256: "c4e3658a92a6f3b2ae7681de632c80707633ef38de55299c0d1b40ff0459694f" },
                { schema: "SHARED_DB", path: "sequences.sql", sha256: "2c5142d40b84d28e9923f0f10f433df5982a9d10cac347f74f1f43d410e626e1" },
                { schema: "AM_DB", path: "apimgt/tables.sql", sha256: "a22cfb16c2627cdc9e558ec0d25b1c4e7f8ce664eb3b551c57c7d5977c999d44" },
                { schema: "AM_DB", path: "apimgt/sequences.sql", sha256: "5294045cbc8bbed07f3132f413ce95b0ffe616188878562556f2a0b6492cecdf" },
            ],
        });
    });

    it("is exactly what npm run gg:tables writes (never edited by hand)", () => {
        assert.equal(formatTableKnowledge(committed), text);
    });

    it("gives every table of the two schemas to the schema owner its script runs as", () => {
        assert.equal(WSO2_TABLES.filter((t) => t.owner === "WSO2SHARED").length, 41);
        assert.equal(WSO2_TABLES.filter((t) => t.owner === "WSO2AM").length, 150);
        assert.ok(WSO2_TABLES.filter((t) => t.owner === "WSO2SHARED").every((t) => /^(REG|UM)_/.test(t.table)));
        assert.deepEqual(known("WSO2SHARED", "UM_USER")?.primaryKey, ["UM_ID", "UM_TENANT_ID"]);
    });

    it("a table without a primary key has one unique key (GoldenGate's row identifier), or none in the pack and the remedy's key in WSO2_TABLES", () => {
        const pack = [...committed.schemas.SHARED_DB, ...committed.schemas.AM_DB];
        const keylessInPack = pack.filter((t) => t.primaryKey.length === 0 && t.uniqueKeys.length === 0).map((t) => t.table);
        const remedied = REMEDIES.flatMap((remedy) => (remedy.detection.kind === "keyless-table" ? [remedy.detection.table] : []));
        assert.deepEqual(keylessInPack.sort(), [...remedied].sort());
        // The schema the deployment runs: the remedies' primary key on ID (sql/remedies-am-db.sql).
        for (const table of remedied) assert.deepEqual(known("WSO2AM", table)?.primaryKey, ["ID"], table);
        const withoutPrimaryKey = WSO2_TABLES.filter((t) => t.primaryKey.length === 0);
        assert.ok(withoutPrimaryKey.every((t) => t.uniqueKeys !== undefined));
        const identifiedByUniqueKey = withoutPrimaryKey.filter((t) => t.uniqueKeys !== undefined);
        assert.equal(identifiedByUniqueKey.length, 12);
        for (const t of identifiedByUniqueKey) assert.equal(t.uniqueKeys!.length, 1, t.table);
    });

    it("IDN_OAUTH2_ACCESS_TOKEN's unique key holds IDP_ID, TOKEN_BINDING_REF and DCID, as the 3.1.0 script's CON_APP_KEY does", () => {
        assert.deepEqual(known("WSO2AM", "IDN_OAUTH2_ACCESS_TOKEN"), {
            owner: "WSO2AM",
            table: "IDN_OAUTH2_ACCESS_TOKEN",
            primaryKey: ["TOKEN_ID"],
            uniqueKeys: [["CONSUMER_KEY_ID", "AUTHZ_USER", "TENANT_ID", "USER_DOMAIN", "USER_TYPE", "TOKEN_SCOPE_HASH", "TOKEN_STATE", "TOKEN_STATE_ID", "IDP_ID", "TOKEN_BINDING_REF", "DCID"]],
        });
    });

    it("knows the unique keys besides the primary key that the 6.4.211 list missed", () => {
        const keysOf = (name: string) => known("WSO2AM", name)?.uniqueKeys;
        assert.deepEqual(keysOf("IDP"), [["TENANT_ID", "NAME"], ["UUID"]]);
        assert.deepEqual(keysOf("SP_APP"), [["APP_NAME", "TENANT_ID"], ["UUID"]]);
        assert.deepEqual(keysOf("AM_SYSTEM_APPS"), [["NAME"], ["CONSUMER_KEY"]]);
        assert.deepEqual(keysOf("AM_API_CATEGORIES"), [["NAME", "TENANT_ID"]]);
        assert.deepEqual(keysOf("AM_WORKFLOWS"), [["WF_EXTERNAL_REFERENCE"]]);
        assert.deepEqual(keysOf("IDN_AUTH_USER"), [["USER_NAME", "TENANT_ID", "DOMAIN_NAME", "IDP_ID"]]);
        assert.deepEqual(keysOf("IDN_OAUTH2_CIBA_AUTH_CODE"), [["AUTH_REQ_ID"]]);
        assert.deepEqual(keysOf("IDN_OAUTH2_DEVICE_FLOW"), [["CODE_ID"]]);
        assert.deepEqual(keysOf("IDN_OIDC_SCOPE_CLAIM_MAPPING"), [["SCOPE_ID", "EXTERNAL_CLAIM_ID"]]);
    });

    describe("in the rendered GoldenGate files", () => {
        const hub = (id: string, index: number) => ({ id, index, hubIp: `10.${index}0.128.10` });
        const files = renderGoldenGateFiles({ self: hub("DC2", 2), peers: [hub("DC1", 1)], priority: ["DC1", "DC2"], keyColumns: [] });
        const replicat = files.find((file) => file.path === "dirprm/ratob.prm")!.content;

        it("IDN_SAML2_ASSERTION_STORE's BLOB ASSERTION, which the old list missed, is never compared", () => {
            assert.deepEqual(known("WSO2AM", "IDN_SAML2_ASSERTION_STORE")?.lobColumns, ["ASSERTION"]);
            const map = replicat.split("\n").find((line) => line.startsWith("MAP WSO2AM.IDN_SAML2_ASSERTION_STORE, TARGET WSO2AM.IDN_SAML2_ASSERTION_STORE,"));
            assert.ok(map?.includes("COMPARECOLS (ON UPDATE ALLEXCLUDING (ASSERTION), ON DELETE ALLEXCLUDING (ASSERTION))"), map);
        });

        it("IDN_TEMPLATE_MGT and SP_DEFAULT_AUTH_SEQ, which 3.1.0 does not have, are named nowhere", () => {
            for (const name of ["IDN_TEMPLATE_MGT", "SP_DEFAULT_AUTH_SEQ"]) {
                assert.equal(WSO2_TABLES.find((t) => t.table === name), undefined, name);
                for (const file of files) assert.ok(!file.content.includes(name), `${file.path} names ${name}`);
            }
        });
    });
});

describe("npm run gg:tables", () => {
    useScratch();

    it("writes the knowledge of an extracted pack or of its scripts directory, and says what changed", () => {
        const pack = path.join(scratch, "wso2am-3.1.0");
        copyOfFixture("wso2am-3.1.0/dbscripts/multi-dc/oracle");
        const out = path.join(scratch, "tables.json");
        const first = runTool("gg-tables", pack, "--out", out, "--repository", "example/pack");
        assert.equal(first.status, 0, first.stderr);
        assert.equal(fs.readFileSync(out, "utf8"), formatTableKnowledge(deriveTableKnowledge(readPack(FIXTURE), { repository: "example/pack" })));
        assert.match(first.stdout, /AM_DB: 7 tables, 3 with LOB columns, 3 with unique keys besides the primary key, 1 without a primary key/);

        const scripts = path.join(pack, "dbscripts", "multi-dc", "oracle");
        fs.appendFileSync(path.join(scripts, "apimgt", "tables.sql"), "ALTER TABLE AM_FIX_LATE_KEY ADD CONSTRAINT AM_FIX_LATE_KEY_LABEL UNIQUE (LABEL)\n/\n");
        const second = runTool("gg-tables", scripts, "--out", out);
        assert.equal(second.status, 0, second.stderr);
        assert.match(second.stdout, /changed against the previous file:\n {4}AM_DB AM_FIX_LATE_KEY: unique keys none in the previous file, \(LABEL\) in the pack\n$/);
    });

    it("stops with exit 2 naming the script and line of DDL it does not follow, and writes nothing", () => {
        const scripts = copyOfFixture("oracle");
        const tables = path.join(scripts, "apimgt", "tables.sql");
        const line = fs.readFileSync(tables, "utf8").split("\n").length;
        fs.appendFileSync(tables, "DROP TABLE AM_FIX_LATE_KEY\n/\n");
        const out = path.join(scratch, "tables.json");
        const result = runTool("gg-tables", scripts, "--out", out);
        assert.equal(result.status, 2);
        assert.equal(result.stderr, `gg:tables: ${tables}:${line}: DROP TABLE is not followed by the table knowledge\n`);
        assert.ok(!fs.existsSync(out));
    });
});

describe("npm run pack:check compares the pack's table knowledge with the one the files are rendered from", () => {
    useScratch();
    // The fixture's keyless AM_FIX_NOTES is given KEYCOLS, so only the knowledge decides the verdict.
    const keycols = ["--keycols", "WSO2AM.AM_FIX_NOTES(NOTE_ID)"];

    it("the same keys and LOB columns: exit 0", () => {
        const result = runTool("pack-check", FIXTURE, ...keycols, "--tables", writeKnowledge(deriveTableKnowledge(readPack(FIXTURE))));
        assert.equal(result.status, 0, result.stdout);
        assert.match(result.stdout, /GoldenGate table knowledge \(.*knowledge\.json\)\n {2}the pack's scripts give the same keys and LOB columns\n/);
    });

    it("a pack whose scripts give other keys or LOB columns: exit 1, naming each difference", () => {
        const knowledge = writeKnowledge(deriveTableKnowledge(readPack(FIXTURE)));
        const scripts = copyOfFixture("oracle");
        const tables = path.join(scripts, "apimgt", "tables.sql");
        const changed = fs.readFileSync(tables, "utf8").replace("ATTACHMENT BLOB", "ATTACHMENT VARCHAR2(4000)") +
            "ALTER TABLE AM_FIX_LATE_KEY ADD CONSTRAINT AM_FIX_LATE_KEY_LABEL UNIQUE (LABEL)\n/\nCREATE TABLE AM_FIX_NEW (ID INTEGER PRIMARY KEY)\n/\n";
        fs.writeFileSync(tables, changed);
        const result = runTool("pack-check", scripts, ...keycols, "--tables", knowledge);
        assert.equal(result.status, 1, result.stdout);
        assert.ok(result.stdout.includes([
            "  the pack's scripts give other keys or LOB columns than the GoldenGate files are rendered from:",
            `    AM_DB AM_FIX_LATE_KEY: unique keys none in ${knowledge}, (LABEL) in the pack`,
            "    AM_DB AM_FIX_NEW: in the pack only",
            `    AM_DB AM_FIX_NOTES: LOB columns (ATTACHMENT) in ${knowledge}, none in the pack`,
            "  regenerate it from this pack (npm run gg:tables -- <this directory>) and commit it",
            `pack:check: the GoldenGate table knowledge does not fit the pack (${knowledge})`,
            "",
        ].join("\n")), result.stdout);
    });

    it(`compares with ${COMMITTED} unless told otherwise`, () => {
        const result = runTool("pack-check", FIXTURE, ...keycols);
        assert.equal(result.status, 1);
        assert.match(result.stdout, new RegExp(`AM_DB AM_API: in ${COMMITTED.replace(/[.]/g, "\\.")} only`));
    });

    it("DDL the derivation does not follow: the knowledge cannot be checked, and the report says why", () => {
        const pack = readPack(FIXTURE);
        pack["apimgt/tables.sql"] += "ALTER TABLE AM_FIX_LATE_KEY RENAME COLUMN LABEL TO TITLE\n/\n";
        const remedy = (schema: "SHARED_DB" | "AM_DB") => ({ path: REMEDY_FILES[schema], text: fs.readFileSync(path.join(SQL_DIR, REMEDY_FILES[schema]), "utf8") });
        const report = checkPack({
            pack,
            remedies: { SHARED_DB: remedy("SHARED_DB"), AM_DB: remedy("AM_DB") },
            keyColumnTables: { AM_DB: ["AM_FIX_NOTES"] },
            tableKnowledge: { path: "k.json", knowledge: deriveTableKnowledge(readPack(FIXTURE)) },
        });
        assert.equal(report.ok, false);
        assert.match(report.tableKnowledge?.underivable ?? "", /^apimgt\/tables\.sql:\d+: ALTER TABLE \.\.\. RENAME is not followed by the table knowledge$/);
    });
});
