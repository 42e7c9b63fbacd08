/**
 * Issue 21, item 5: divergence between datacenters measured. The trusted source's hub compares
 * every replication-ready DC's tables with its own, chunk by chunk of the primary key, re-checks
 * what differed after the replication lag and publishes DivergentTables per DC, with an alarm.
 *
 * The check runs here against fakes: `aws` (secrets, flags, metrics), `sleep` (returns at once; the
 * recheck's wait is when "replication" catches up) and a fake SQL*Plus whose databases are SQLite
 * (test/fixtures/divergence/bin/sqlplus): it runs the check's own SQL over the rows each test gives.
 */
import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as YAML from "yaml";
import {
    CHECKER_USER, ComparedTable, DIVERGENCE_CHECK, DIVERGENCE_CHECK_SCRIPT, DIVERGENCE_LAUNCHER_SCRIPT, DivergenceCheckParameters,
    NATURAL_KEYS, NaturalKey, renderComparedTables, renderDivergenceEnv, renderDivergenceUnits, renderNaturalKeys,
} from "../lib/goldengate/divergence";
import { renderHubUserData } from "../lib/goldengate/hub-user-data";
import { DIVERGENT_TABLES_METRIC, DUPLICATE_NATURAL_KEYS_METRIC, EXCEPTION_ROWS_METRIC, EXCEPTIONS_PURGE_FAILURES_METRIC, metricNamespace, UNCHECKED_TABLES_METRIC } from "../lib/metrics";
import { writtenContent } from "../lib/render/user-data";
import { named, ofType, PROJECT_DIR, requireTool, run, runWithFakes, shellcheck } from "./harness";

const FAKE_SQLPLUS = fs.readFileSync(path.join(__dirname, "fixtures", "divergence", "bin", "sqlplus"), "utf8");
const HUB_AMI = "ami-0fedcba9876543210";
const BYOL = { goldengateLicense: "byol", goldengateAmiId: HUB_AMI };
const NAMESPACE = metricNamespace("wso2-apim", DIVERGENT_TABLES_METRIC.area);
const HOST = (dc: string) => `oracle.${dc.toLowerCase()}.wso2-apim.internal`;
const PASSWORDS: Record<string, string> = { DC1: "Checker_Pass_1", DC2: "Checker_Pass_2", DC3: "Checker_Pass_3" };
const ZIPS = [{ url: "https://download.example/instantclient-basic.zip", sha256: "0".repeat(64) }];

/** DC1 the trusted source, DC2 replication-ready, DC3 still being loaded. */
const PARAMETERS: DivergenceCheckParameters = {
    region: "us-east-1",
    datacenterId: "DC1",
    trustedSourceId: "DC1",
    datacenters: ["DC1", "DC2", "DC3"].map((id, i) => ({
        id,
        region: ["us-east-1", "us-west-2", "eu-west-1"][i],
        connect: `${HOST(id)}:1521/APIMDB`,
        checkerSecret: `wso2-apim/${id.toLowerCase()}/divergence-checker`,
        readyParameter: `/wso2-apim/${id.toLowerCase()}/replication-ready`,
    })),
    namespace: NAMESPACE,
    clientZips: ZIPS,
};

/** A BLOB is `{ hex }` (a SQLite BLOB); a CLOB is a string; '' and `{ hex: "" }` are empty LOBs, not NULL. */
type Value = string | number | null | { hex: string };
interface FakeTable {
    owner: string;
    table: string;
    /** Name and Oracle data type, in the dictionary's order. */
    columns: [string, string][];
    rows: Value[][];
}

/** The table list: keys and LOB columns as the table knowledge gives them (our own fixtures, not WSO2's DDL). */
const LIST: ComparedTable[] = [
    { owner: "WSO2AM", table: "AM_API", primaryKey: ["API_ID"] },
    { owner: "WSO2AM", table: "AM_SUBSCRIPTION", primaryKey: ["SUBSCRIPTION_ID"] },
    { owner: "WSO2AM", table: "AM_API_URL_MAPPING", primaryKey: ["URL_MAPPING_ID"], lobColumns: ["MEDIATION_SCRIPT"] },
    { owner: "WSO2AM", table: "IDN_OAUTH2_ACCESS_TOKEN", primaryKey: ["TOKEN_ID"] },
    { owner: "WSO2AM", table: "IDN_OAUTH2_SCOPE_BINDING" },
    { owner: "WSO2AM", table: "AM_RETIRED" },
    { owner: "WSO2SHARED", table: "UM_ROLE", primaryKey: ["UM_ID", "UM_TENANT_ID"] },
];

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
/** The trusted source's rows: 12 APIs and subscriptions (three chunks of 5), 7 tokens, 6 roles of two tenants. */
function trustedTables(): FakeTable[] {
    return [
        { owner: "WSO2AM", table: "AM_API", columns: [["API_ID", "NUMBER"], ["API_NAME", "VARCHAR2"], ["API_VERSION", "VARCHAR2"], ["CREATED_TIME", "TIMESTAMP(6)"]],
            rows: range(12).map((i) => [i, `api-${i}`, "1.0.0", `2024-01-${String(i).padStart(2, "0")} 10:00:00.000000000`]) },
        { owner: "WSO2AM", table: "AM_SUBSCRIPTION", columns: [["SUBSCRIPTION_ID", "NUMBER"], ["API_ID", "NUMBER"], ["SUB_STATUS", "VARCHAR2"]],
            rows: range(12).map((i) => [i, i, "UNBLOCKED"]) },
        { owner: "WSO2AM", table: "AM_API_URL_MAPPING", columns: [["URL_MAPPING_ID", "NUMBER"], ["HTTP_METHOD", "VARCHAR2"], ["MEDIATION_SCRIPT", "CLOB"]],
            rows: range(3).map((i) => [i, "GET", `script ${i}`]) },
        { owner: "WSO2AM", table: "IDN_OAUTH2_ACCESS_TOKEN", columns: [["TOKEN_ID", "VARCHAR2"], ["TOKEN_STATE", "VARCHAR2"], ["VALIDITY_PERIOD", "NUMBER"]],
            rows: ["a-1", "a-2", "a-3", "a-4", "b'5", "c-6", "c-7"].map((id) => [id, "ACTIVE", 3600]) },
        { owner: "WSO2AM", table: "IDN_OAUTH2_SCOPE_BINDING", columns: [["SCOPE_ID", "NUMBER"], ["SCOPE_BINDING", "VARCHAR2"]],
            rows: [[1, "admin"], [1, "admin"], [2, "subscriber"]] },
        { owner: "WSO2AM", table: "AM_UNLISTED", columns: [["ID", "NUMBER"]], rows: [[1]] },
        { owner: "WSO2SHARED", table: "UM_ROLE", columns: [["UM_ID", "NUMBER"], ["UM_TENANT_ID", "NUMBER"], ["UM_ROLE_NAME", "VARCHAR2"]],
            rows: [[1, -1234], [1, 1], [2, -1234], [2, 1], [3, -1234], [3, 1]].map(([id, tenant]) => [id, tenant, `role-${id}-${tenant}`]) },
    ];
}

/** A copy with `change` applied to the rows of `table`. */
function withRows(tables: FakeTable[], table: string, change: (rows: Value[][]) => Value[][]): FakeTable[] {
    return tables.map((t) => (t.table === table ? { ...t, rows: change(t.rows.map((row) => [...row])) } : t));
}

/** The SQLite script of a fake database: the schemas as attached databases, the rows, and its ALL_TAB_COLUMNS. */
function databaseScript(tables: FakeTable[]): string {
    const literal = (value: Value) => (value === null ? "NULL" : typeof value === "number" ? String(value)
        : typeof value === "object" ? `X'${value.hex}'` : `'${value.replaceAll("'", "''")}'`);
    const affinity = (type: string) => (type === "NUMBER" ? "INTEGER" : type === "BLOB" ? "BLOB" : "TEXT");
    const owners = [...new Set(tables.map((t) => t.owner))];
    return [
        ...owners.map((owner) => `ATTACH ':memory:' AS "${owner}";`),
        "CREATE TABLE all_tab_columns (owner TEXT, table_name TEXT, column_name TEXT, data_type TEXT, column_id INTEGER);",
        // ALL_TABLES as the checker sees it: the tables it may read (in Oracle, those it has a privilege on).
        "CREATE TABLE all_tables (owner TEXT, table_name TEXT);",
        ...tables.map((t) => `INSERT INTO all_tables VALUES ('${t.owner}', '${t.table}');`),
        ...tables.flatMap((t) => [
            `CREATE TABLE "${t.owner}"."${t.table}" (${t.columns.map(([name, type]) => `"${name}" ${affinity(type)}`).join(", ")});`,
            ...t.rows.map((row) => `INSERT INTO "${t.owner}"."${t.table}" VALUES (${row.map(literal).join(", ")});`),
            ...t.columns.map(([name, type], i) => `INSERT INTO all_tab_columns VALUES ('${t.owner}', '${t.table}', '${name}', '${type}', ${i + 1});`),
        ]),
    ].join("\n") + "\n";
}

interface Scenario {
    /** Each DC's rows at the first look, and (for those that change) after the recheck's wait. */
    databases: Record<string, FakeTable[]>;
    caughtUp?: Record<string, FakeTable[]>;
    /** DCs whose checker has no EXECUTE on SYS.DBMS_CRYPTO (the fake answers ORA-00904). */
    noCrypto?: string[];
    /** Each DC's replication-ready flag ("true", "false"; absent: no parameter). */
    ready?: Record<string, string>;
    /** What each DC's checker secret holds (default: its password, as plain text). */
    secrets?: Record<string, string>;
    parameters?: Partial<DivergenceCheckParameters>;
    /** The Instant Client already installed (default), or a directory of zips the fake curl serves. */
    client?: "installed" | { zipDir: string };
    /** natural-keys.tsv (default: none, so the comparison's tests need no natural-key columns). */
    naturalKeys?: NaturalKey[];
}

const FAKE_AWS = `#!/bin/bash
# Fake AWS CLI: secrets from $FAKE_DIR/secrets/<id>, flags from $FAKE_DIR/ssm/<name>, metrics only logged.
printf 'aws %s\\n' "$*" >>"$FAKE_LOG"
option() { local name=$1; shift; while (($#)); do [[ $1 != "$name" ]] || { echo "$2"; return; }; shift; done; }
case "$1 $2" in
    "secretsmanager get-secret-value")
        file="$FAKE_DIR/secrets/$(option --secret-id "$@")"
        [[ -f $file ]] || { echo "An error occurred (ResourceNotFoundException) when calling the GetSecretValue operation" >&2; exit 254; }
        cat "$file" ;;
    "ssm get-parameter")
        file="$FAKE_DIR/ssm$(option --name "$@")"
        [[ -f $file ]] || { echo "An error occurred (ParameterNotFound) when calling the GetParameter operation:" >&2; exit 254; }
        cat "$file" ;;
    "cloudwatch put-metric-data") ;;
    *) echo "fake aws: unexpected call: $*" >&2; exit 2 ;;
esac
`;
/** Fake sleep: logs and returns; a wait of a minute or more lets "replication" deliver (caught-up/ replaces the databases). */
const FAKE_SLEEP = `#!/bin/bash
printf 'sleep %s\\n' "$*" >>"$FAKE_LOG"
if (($1 >= 60)) && [[ -d $FAKE_DB_DIR/caught-up ]]; then cp "$FAKE_DB_DIR"/caught-up/*.sql "$FAKE_DB_DIR/" && rm -r "$FAKE_DB_DIR/caught-up"; fi
`;

interface CheckRun { status: number | null; log: string; calls: string[]; sql: string }

/** The check as the launcher runs it on a hub: its files in current/ under the state directory. */
function runCheck(scenario: Scenario, tables: ComparedTable[] = LIST): CheckRun {
    const parameters = { ...PARAMETERS, ...scenario.parameters };
    const checkEnv = renderDivergenceEnv(parameters) + "CHUNK_ROWS='5'\n";
    const clientId = createHash("sha256").update(parameters.clientZips.map((zip) => `${zip.sha256}:${zip.url}`).join(" ")).digest("hex").slice(0, 16);
    const files: Record<string, string> = {
        "state/current/divergence-check.sh": DIVERGENCE_CHECK_SCRIPT,
        "state/current/check.env": checkEnv,
        "state/current/tables.tsv": renderComparedTables(tables),
        "state/current/natural-keys.tsv": renderNaturalKeys(scenario.naturalKeys ?? []),
    };
    if ((scenario.client ?? "installed") === "installed") files[`state/instantclient-${clientId}/sqlplus`] = FAKE_SQLPLUS;
    for (const [dc, tablesOfDc] of Object.entries(scenario.databases)) {
        files[`db/${HOST(dc)}.sql`] = databaseScript(tablesOfDc);
        files[`db/${HOST(dc)}.password`] = PASSWORDS[dc];
    }
    for (const [dc, tablesOfDc] of Object.entries(scenario.caughtUp ?? {})) files[`db/caught-up/${HOST(dc)}.sql`] = databaseScript(tablesOfDc);
    for (const dc of scenario.noCrypto ?? []) files[`db/${HOST(dc)}.no-crypto`] = "";
    for (const dc of Object.keys(PASSWORDS)) files[`secrets/wso2-apim/${dc.toLowerCase()}/divergence-checker`] = scenario.secrets?.[dc] ?? PASSWORDS[dc];
    for (const [dc, value] of Object.entries(scenario.ready ?? { DC2: "true", DC3: "false" })) files[`ssm/wso2-apim/${dc.toLowerCase()}/replication-ready`] = value;
    const fakes: Record<string, string> = { aws: FAKE_AWS, sleep: FAKE_SLEEP };
    const env: Record<string, string> = { STATE_DIRECTORY: "<dir>/state", FAKE_DIR: "<dir>", FAKE_DB_DIR: "<dir>/db", FAKE_STATE: "<dir>" };
    if (scenario.client && scenario.client !== "installed") {
        // The packages are there (rpm -q succeeds); curl serves the zip of that name from zipDir.
        fakes.rpm = "#!/bin/bash\nexit 0\n";
        fakes.curl = '#!/bin/bash\nprintf \'curl %s\\n\' "$*" >>"$FAKE_LOG"\nwhile (($#)); do [[ $1 != -o ]] || out=$2; shift; done\ncp "$FAKE_ZIP_DIR/$(basename "$out")" "$out"\n';
        env.FAKE_ZIP_DIR = scenario.client.zipDir;
    }
    const result = runWithFakes({
        prefix: "divergence-",
        // The check logs to stdout (the journal); here to stderr, which the harness returns.
        script: [
            "#!/bin/bash",
            'for client in "$STATE_DIRECTORY"/instantclient-*/sqlplus; do [[ ! -f $client ]] || chmod +x "$client"; done',
            'exec bash "$STATE_DIRECTORY/current/divergence-check.sh" >&2',
            "",
        ].join("\n"),
        fakes,
        files,
        env,
        inspect: (dir) => (fs.existsSync(path.join(dir, "sql.log")) ? fs.readFileSync(path.join(dir, "sql.log"), "utf8") : ""),
    });
    return { status: result.status, log: result.stderr, calls: result.calls, sql: result.inspected };
}

/** The statements the fake ran in one database, in order. */
function statementsIn(sql: string, dc: string): string[] {
    return sql.split(/^-- /m).filter((part) => part.startsWith(`${HOST(dc)}\n`)).map((part) => part.slice(HOST(dc).length + 1).trim().replace(/;$/, ""));
}

const published = (calls: string[]) => calls.filter((c) => c.startsWith("aws cloudwatch put-metric-data"));
/** The comparison's metrics (DivergentTables, UncheckedTables) of the compared DCs; the trusted source's and the duplicate counts apart (duplicateCalls). */
const metricCalls = (calls: string[]) => published(calls).filter((c) => !c.endsWith("Datacenter=DC1")
    && [DIVERGENT_TABLES_METRIC, UNCHECKED_TABLES_METRIC].some((m) => c.includes(`--metric-name ${m.metricName} `)));
/** The exceptions tables' row counts (ExceptionRows) of each DC. */
const exceptionCalls = (calls: string[]) => published(calls).filter((c) => c.includes(`--metric-name ${EXCEPTION_ROWS_METRIC.metricName} `));
/** The purge job's health (ExceptionsPurgeFailures) of each DC. */
const purgeCalls = (calls: string[]) => published(calls).filter((c) => c.includes(`--metric-name ${EXCEPTIONS_PURGE_FAILURES_METRIC.metricName} `));
/** What the natural-key count published: DuplicateNaturalKeyTables of each DC, and the trusted source's UncheckedTables. */
const duplicateCalls = (calls: string[]) => published(calls).filter((c) => !metricCalls([c]).length && !exceptionCalls([c]).length && !purgeCalls([c]).length);
const metricCall = (metric: string, value: number, dc: string) =>
    `aws cloudwatch put-metric-data --region us-east-1 --namespace ${NAMESPACE} --metric-name ${metric} --unit Count --value ${value} --dimensions Datacenter=${dc}`;

describe("divergence check (issue 21, item 5)", () => {
    describe("a run on the trusted source's hub, against fakes of the databases", () => {
        // DC2: AM_API row 7 differs and stays so; subscription 3 is missing and subscription 8 has an
        // older status at the first look, and replication brings the one and changes the other before
        // the second look; mapping 2 differs only in its LOB (CLOB) and stays so; tokens, roles and
        // scope bindings agree.
        const dc2 = withRows(withRows(withRows(trustedTables(), "AM_API", (rows) => rows.map((r) => (r[0] === 7 ? [7, "api-7-renamed", r[2], r[3]] : r))),
            "AM_SUBSCRIPTION", (rows) => rows.filter((r) => r[0] !== 3).map((r) => (r[0] === 8 ? [8, 8, "BLOCKED"] : r))),
        "AM_API_URL_MAPPING", (rows) => rows.map((r) => (r[0] === 2 ? [2, "GET", "a script edited in DC2 only"] : r)));
        const trustedLater = withRows(trustedTables(), "AM_SUBSCRIPTION", (rows) => rows.map((r) => (r[0] === 8 ? [8, 8, "ON_HOLD"] : r)));
        const dc2Later = withRows(withRows(dc2, "AM_SUBSCRIPTION", () => trustedTables().find((t) => t.table === "AM_SUBSCRIPTION")!.rows),
            "AM_SUBSCRIPTION", (rows) => rows.map((r) => (r[0] === 8 ? [8, 8, "BLOCKED"] : r)));
        let result: CheckRun;
        before(() => {
            result = runCheck({ databases: { DC1: trustedTables(), DC2: dc2, DC3: [] }, caughtUp: { DC1: trustedLater, DC2: dc2Later } });
        });

        it("finishes, and publishes two divergent tables and none unchecked for DC2 only, in the deployment's GoldenGate namespace", () => {
            assert.equal(result.status, 0, result.log);
            assert.deepEqual(metricCalls(result.calls), [
                metricCall(DIVERGENT_TABLES_METRIC.metricName, 2, "DC2"),
                metricCall(UNCHECKED_TABLES_METRIC.metricName, 0, "DC2"),
            ]);
            const summary = /DC2: 2 divergent table\(s\): (.*); 0 table\(s\) with duplicate natural keys; 0 table\(s\) not compared/.exec(result.log);
            assert.ok(summary, result.log);
            assert.deepEqual(summary[1].trim().split(" ").sort(), ["WSO2AM.AM_API", "WSO2AM.AM_API_URL_MAPPING"]);
        });

        it("detects the divergent row: it differs at both looks, with the same values", () => {
            assert.match(result.log, /DC2 WSO2AM\.AM_API: 1 row\(s\) differ from the trusted source, unchanged after 600s/);
        });

        it("does not count in-flight differences: a row replication brought, and a row that changed between the looks", () => {
            assert.match(result.log, /DC2 WSO2AM\.AM_SUBSCRIPTION: the rows that differed have been replicated or changed since \(in flight\)/);
            assert.doesNotMatch(result.log, /DivergentTables|AM_SUBSCRIPTION: \d+ row/);
            // The second look waits the recheck delay after the first (the fake sleep returns at once).
            const waits = result.calls.filter((c) => c.startsWith("sleep ")).map((c) => Number(c.split(" ")[1]));
            assert.ok(waits.some((w) => w > 590 && w <= DIVERGENCE_CHECK.recheckDelaySeconds), waits.join(" "));
        });

        it("hashes a LOB column too: the mapping whose script alone differs counts after the second look, its equal rows do not", () => {
            assert.doesNotMatch(result.log, /not hashed: MEDIATION_SCRIPT/);
            assert.match(result.log, /DC2 WSO2AM\.AM_API_URL_MAPPING: 1 row\(s\) differ from the trusted source, unchanged after 600s/);
            assert.match(result.sql, /DBMS_CRYPTO\.HASH\("MEDIATION_SCRIPT", 3\)/);
        });

        it("chunks by the primary key: bounds from the trusted source, 5 rows a chunk, a pause between chunks", () => {
            const trusted = statementsIn(result.sql, "DC1");
            const dc2Queries = statementsIn(result.sql, "DC2");
            const bounds = trusted.filter((s) => s.startsWith("WITH b AS") && s.includes('"WSO2AM"."AM_API" '));
            assert.deepEqual(bounds, [
                `WITH b AS (SELECT "API_ID" FROM "WSO2AM"."AM_API" ORDER BY "API_ID" OFFSET 4 ROWS FETCH NEXT 1 ROWS ONLY)\nSELECT v FROM (SELECT 1 AS p, TO_CHAR("API_ID", 'TM9') AS v FROM b) ORDER BY p`,
                `WITH b AS (SELECT "API_ID" FROM "WSO2AM"."AM_API" WHERE "API_ID" > 5 ORDER BY "API_ID" OFFSET 4 ROWS FETCH NEXT 1 ROWS ONLY)\nSELECT v FROM (SELECT 1 AS p, TO_CHAR("API_ID", 'TM9') AS v FROM b) ORDER BY p`,
                `WITH b AS (SELECT "API_ID" FROM "WSO2AM"."AM_API" WHERE "API_ID" > 10 ORDER BY "API_ID" OFFSET 4 ROWS FETCH NEXT 1 ROWS ONLY)\nSELECT v FROM (SELECT 1 AS p, TO_CHAR("API_ID", 'TM9') AS v FROM b) ORDER BY p`,
            ]);
            const sums = dc2Queries.filter((s) => s.startsWith("SELECT TO_CHAR(COUNT(*)") && s.includes('"WSO2AM"."AM_API"'));
            assert.deepEqual(sums.map((s) => s.slice(s.indexOf('\nFROM "WSO2AM"."AM_API"') + 1)), [
                'FROM "WSO2AM"."AM_API"\nWHERE "API_ID" <= 5',
                'FROM "WSO2AM"."AM_API"\nWHERE "API_ID" > 5 AND "API_ID" <= 10',
                'FROM "WSO2AM"."AM_API"\nWHERE "API_ID" > 10',
                // The second look at the chunk that differed.
                'FROM "WSO2AM"."AM_API"\nWHERE "API_ID" > 5 AND "API_ID" <= 10',
            ]);
            assert.ok(result.calls.includes(`sleep ${DIVERGENCE_CHECK.chunkPauseSeconds}`));
            assert.match(result.log, /WSO2AM\.AM_API: 3 chunk\(s\) compared/);
        });

        it("hashes every non-LOB column, numbers and times through TO_CHAR, NULLs apart, and sums 60 bits of each row's hash", () => {
            const sum = statementsIn(result.sql, "DC1").find((s) => s.startsWith("SELECT TO_CHAR(COUNT(*)") && s.includes('"WSO2AM"."AM_API"'))!;
            // A column a line: SQL*Plus refuses input lines over 2,499 characters (the fake does too).
            assert.equal(sum, [
                "SELECT TO_CHAR(COUNT(*), 'TM9') || ' ' || TO_CHAR(NVL(SUM(TO_NUMBER(SUBSTR(RAWTOHEX(STANDARD_HASH(",
                `CASE WHEN "API_ID" IS NULL THEN 'N' ELSE RAWTOHEX(STANDARD_HASH(TO_CHAR("API_ID", 'TM9'), 'SHA1')) END`,
                `|| CASE WHEN "API_NAME" IS NULL THEN 'N' ELSE RAWTOHEX(STANDARD_HASH("API_NAME", 'SHA1')) END`,
                `|| CASE WHEN "API_VERSION" IS NULL THEN 'N' ELSE RAWTOHEX(STANDARD_HASH("API_VERSION", 'SHA1')) END`,
                `|| CASE WHEN "CREATED_TIME" IS NULL THEN 'N' ELSE RAWTOHEX(STANDARD_HASH(TO_CHAR("CREATED_TIME", 'SYYYY-MM-DD HH24:MI:SS.FF9'), 'SHA1')) END`,
                ", 'SHA1')), 1, 15), 'XXXXXXXXXXXXXXX')), 0), 'TM9')",
                'FROM "WSO2AM"."AM_API"',
                'WHERE "API_ID" <= 5',
            ].join("\n"));
        });

        it("bounds a string key by its quoted literal, and a composite key by the leading column and the nested order", () => {
            const trusted = statementsIn(result.sql, "DC1");
            assert.ok(trusted.some((s) => s.startsWith("SELECT TO_CHAR(COUNT(*)") && s.endsWith(`FROM "WSO2AM"."IDN_OAUTH2_ACCESS_TOKEN"\nWHERE "TOKEN_ID" > 'b''5'`)),
                trusted.filter((s) => s.includes("IDN_OAUTH2_ACCESS_TOKEN")).join("\n"));
            const tokenBound = trusted.find((s) => s.startsWith("WITH b AS") && s.includes("IDN_OAUTH2_ACCESS_TOKEN"))!;
            assert.match(tokenBound, /WHERE INSTR\("TOKEN_ID", CHR\(10\)\) = 0 AND INSTR\("TOKEN_ID", CHR\(13\)\) = 0 ORDER BY "TOKEN_ID"/);
            assert.ok(trusted.some((s) => s.endsWith(`FROM "WSO2SHARED"."UM_ROLE"\nWHERE "UM_ID" <= 3 AND ("UM_ID" < 3 OR ("UM_ID" = 3 AND "UM_TENANT_ID" <= -1234))`)),
                trusted.filter((s) => s.includes("UM_ROLE")).join("\n"));
            assert.ok(trusted.some((s) => s.endsWith(`FROM "WSO2SHARED"."UM_ROLE"\nWHERE "UM_ID" >= 3 AND ("UM_ID" > 3 OR ("UM_ID" = 3 AND "UM_TENANT_ID" > -1234))`)));
        });

        it("compares a table without a primary key whole, and names what it does not compare", () => {
            const binding = statementsIn(result.sql, "DC2").filter((s) => s.includes("IDN_OAUTH2_SCOPE_BINDING"));
            assert.equal(binding.length, 1);
            assert.match(binding[0], /\nFROM "WSO2AM"\."IDN_OAUTH2_SCOPE_BINDING"$/);
            assert.match(result.log, /WSO2AM\.AM_RETIRED: not in the trusted source's schema; not compared/);
            assert.match(result.log, /WSO2AM\.AM_UNLISTED: not in the table list; not compared/);
        });

        it("leaves a DC that is not replication-ready alone, and sets every session to binary order, '.' decimals and UTC", () => {
            assert.match(result.log, /DC3 is not compared: \/wso2-apim\/dc3\/replication-ready is false \(not replication-ready\)/);
            assert.deepEqual(statementsIn(result.sql, "DC3"), []);
            assert.ok(!result.calls.some((c) => c.includes("dc3/divergence-checker")), "DC3's secret was read");
            assert.deepEqual(statementsIn(result.sql, "DC2").slice(0, 4), [
                "ALTER SESSION SET NLS_SORT = BINARY", "ALTER SESSION SET NLS_COMP = BINARY",
                "ALTER SESSION SET NLS_NUMERIC_CHARACTERS = '.,'", "ALTER SESSION SET TIME_ZONE = '+00:00'",
            ]);
        });

        it("reads each checker password from its DC's region and never shows it", () => {
            for (const [dc, region] of [["DC1", "us-east-1"], ["DC2", "us-west-2"]]) {
                assert.ok(result.calls.includes(`aws secretsmanager get-secret-value --region ${region} --secret-id wso2-apim/${dc.toLowerCase()}/divergence-checker --query SecretString --output text`));
            }
            for (const password of Object.values(PASSWORDS)) {
                assert.ok(!result.log.includes(password) && !result.calls.some((c) => c.includes(password)));
            }
        });
    });

    it("a DC whose checker cannot log in: every table of it counts as unchecked, none as divergent", () => {
        const result = runCheck({ databases: { DC1: trustedTables(), DC2: trustedTables() }, secrets: { DC2: JSON.stringify({ password: "Wrong_Password" }) } });
        assert.equal(result.status, 0, result.log);
        // AM_RETIRED is not in the trusted source's schema: compared nowhere, so not DC2's gap.
        assert.deepEqual(metricCalls(result.calls), [
            metricCall(DIVERGENT_TABLES_METRIC.metricName, 0, "DC2"),
            metricCall(UNCHECKED_TABLES_METRIC.metricName, LIST.length - 1, "DC2"),
        ]);
        assert.match(result.log, /DC2 WSO2AM\.AM_API: not compared: ORA-01017/);
    });

    it("the trusted source unreachable: every ready DC's tables are unchecked, and the run fails saying why", () => {
        const result = runCheck({ databases: { DC2: trustedTables() } });
        assert.equal(result.status, 1);
        assert.deepEqual(metricCalls(result.calls), [
            metricCall(DIVERGENT_TABLES_METRIC.metricName, 0, "DC2"),
            metricCall(UNCHECKED_TABLES_METRIC.metricName, LIST.length, "DC2"),
        ]);
        assert.match(result.log, /FAILED: cannot read the trusted source's tables: ORA-12541/);
    });

    describe("duplicate natural keys (a sign-up or a subscription made in two DCs within the lag)", () => {
        // Our own fixture tables in the shape of 3.1.0's: UM_USER keyed on (UM_ID, UM_TENANT_ID) and
        // unique on UM_USER_ID only; AM_SUBSCRIPTION keyed on SUBSCRIPTION_ID, nothing on (APPLICATION_ID, API_ID).
        const KEYS = NATURAL_KEYS.filter((k) => ["UM_USER", "AM_SUBSCRIPTION"].includes(k.table));
        const KEYED_LIST: ComparedTable[] = [
            { owner: "WSO2SHARED", table: "UM_USER", primaryKey: ["UM_ID", "UM_TENANT_ID"] },
            { owner: "WSO2AM", table: "AM_SUBSCRIPTION", primaryKey: ["SUBSCRIPTION_ID"] },
        ];
        /** alice signed up in DC1 (UM_ID 1) and in DC2 (UM_ID 2) within the lag: both rows replicated, so every DC holds both. */
        const tables = (subscriptions: Value[][]): FakeTable[] => [
            { owner: "WSO2SHARED", table: "UM_USER", columns: [["UM_ID", "NUMBER"], ["UM_USER_ID", "VARCHAR2"], ["UM_USER_NAME", "VARCHAR2"], ["UM_TENANT_ID", "NUMBER"]],
                rows: [[1, "uuid-dc1", "alice", -1234], [2, "uuid-dc2", "alice", -1234], [3, "uuid-3", "alice", 1], [4, "uuid-4", "bob", -1234]] },
            { owner: "WSO2AM", table: "AM_SUBSCRIPTION", columns: [["SUBSCRIPTION_ID", "NUMBER"], ["APPLICATION_ID", "NUMBER"], ["API_ID", "NUMBER"], ["UUID", "VARCHAR2"]], rows: subscriptions },
        ];
        const subscriptions: Value[][] = [[1, 10, 100, "s-1"], [2, 10, 101, "s-2"], [3, 11, 100, "s-3"]];
        const check = (scenario: Omit<Scenario, "ready" | "naturalKeys">) => runCheck({ ...scenario, ready: { DC2: "true" }, naturalKeys: KEYS }, KEYED_LIST);

        it("lists UM_USER by (lower-cased UM_USER_NAME, UM_TENANT_ID), AM_SUBSCRIPTION by (APPLICATION_ID, API_ID), AM_API_RATINGS by (API_ID, SUBSCRIBER_ID), each with its source in the 3.1.0 sources", () => {
            assert.equal(renderNaturalKeys(NATURAL_KEYS), "WSO2SHARED UM_USER lower:UM_USER_NAME,UM_TENANT_ID\nWSO2AM AM_SUBSCRIPTION APPLICATION_ID,API_ID\n"
                + "WSO2AM AM_API_RATINGS API_ID,SUBSCRIBER_ID\n");
            for (const key of NATURAL_KEYS) assert.match(key.source, /08ea54ec .*multi-dc\/oracle\//);
            // The class the deployment runs (user_store type database_unique_id) and the default that makes it case-insensitive.
            assert.match(NATURAL_KEYS[0].source, /UniqueIDJDBCUserStoreManager\.doCheckExistingUserNameWithIDImpl/);
            assert.match(NATURAL_KEYS[0].source, /infer\.json .*CaseInsensitiveUsername": true/);
            assert.throws(() => renderNaturalKeys([KEYS[0], KEYS[0]]), /natural key of WSO2SHARED\.UM_USER is listed twice/);
            assert.throws(() => renderNaturalKeys([{ ...KEYS[0], columns: [] }]), /has no column/);
            assert.throws(() => renderNaturalKeys([{ ...KEYS[0], caseInsensitive: ["UM_USER_ID"] }]), /case-insensitive column UM_USER_ID is not one of its columns/);
        });

        it("'Alice' signed up in DC1 and 'alice' in DC2 are one WSO2 user held by two rows: grouped by LOWER(UM_USER_NAME), the count publishes 1", () => {
            const mixed = withRows(tables(subscriptions), "UM_USER", (rows) => rows.map((r) => (r[0] === 1 ? [1, "uuid-dc1", "Alice", -1234] : r)));
            const result = check({ databases: { DC1: mixed, DC2: mixed } });
            assert.equal(result.status, 0, result.log);
            assert.deepEqual(duplicateCalls(result.calls).filter((c) => c.includes(DUPLICATE_NATURAL_KEYS_METRIC.metricName)), [
                metricCall(DUPLICATE_NATURAL_KEYS_METRIC.metricName, 1, "DC1"),
                metricCall(DUPLICATE_NATURAL_KEYS_METRIC.metricName, 1, "DC2"),
            ]);
            assert.doesNotMatch(result.log, /alice/i);
            // 'Bob' of another tenant is not the same identity: still one value.
            const tenants = withRows(mixed, "UM_USER", (rows) => rows.filter((r) => r[0] !== 2).concat([[5, "uuid-5", "BOB", 1]]));
            const none = check({ databases: { DC1: tenants, DC2: tenants } });
            assert.ok(duplicateCalls(none.calls).includes(metricCall(DUPLICATE_NATURAL_KEYS_METRIC.metricName, 0, "DC2")), none.log);
        });

        it("two ratings of one subscriber for one API (rated in DC1 and DC2 within the lag) count as a duplicate natural key", () => {
            const RATINGS = NATURAL_KEYS.filter((k) => k.table === "AM_API_RATINGS");
            const ratings = (rows: Value[][]): FakeTable[] => [{ owner: "WSO2AM", table: "AM_API_RATINGS",
                columns: [["RATING_ID", "VARCHAR2"], ["API_ID", "NUMBER"], ["RATING", "NUMBER"], ["SUBSCRIBER_ID", "NUMBER"]], rows }];
            const twice = ratings([["uuid-dc1", 100, 5, 7], ["uuid-dc2", 100, 1, 7], ["uuid-3", 101, 4, 7]]);
            const result = runCheck({ databases: { DC1: twice, DC2: twice }, ready: { DC2: "true" }, naturalKeys: RATINGS },
                [{ owner: "WSO2AM", table: "AM_API_RATINGS", primaryKey: ["RATING_ID"] }]);
            assert.equal(result.status, 0, result.log);
            assert.ok(duplicateCalls(result.calls).includes(metricCall(DUPLICATE_NATURAL_KEYS_METRIC.metricName, 1, "DC2")), result.log);
            assert.match(result.log, /DC2 WSO2AM\.AM_API_RATINGS: 1 value\(s\) of \(API_ID,SUBSCRIBER_ID\) held by more than one row/);
        });

        it("one duplicate user name, the same in every DC: the cross-DC comparison finds nothing, the count publishes 1 for each DC", () => {
            const result = check({ databases: { DC1: tables(subscriptions), DC2: tables(subscriptions) } });
            assert.equal(result.status, 0, result.log);
            assert.deepEqual(metricCalls(result.calls), [
                metricCall(DIVERGENT_TABLES_METRIC.metricName, 0, "DC2"),
                metricCall(UNCHECKED_TABLES_METRIC.metricName, 0, "DC2"),
            ]);
            assert.deepEqual(duplicateCalls(result.calls), [
                metricCall(UNCHECKED_TABLES_METRIC.metricName, 0, "DC1"),
                metricCall(DUPLICATE_NATURAL_KEYS_METRIC.metricName, 1, "DC1"),
                metricCall(DUPLICATE_NATURAL_KEYS_METRIC.metricName, 1, "DC2"),
            ]);
            // alice of tenant 1 is another identity: one value, not two. The name itself is not logged.
            assert.match(result.log, /DC1 WSO2SHARED\.UM_USER: 1 value\(s\) of \(UM_USER_NAME,UM_TENANT_ID\) held by more than one row/);
            assert.doesNotMatch(result.log, /alice/);
            assert.ok(statementsIn(result.sql, "DC2").includes(
                `SELECT TO_CHAR(COUNT(*), 'TM9')\nFROM (SELECT 1 FROM "WSO2SHARED"."UM_USER" GROUP BY LOWER("UM_USER_NAME"), "UM_TENANT_ID" HAVING COUNT(*) > 1)`));
        });

        it("a duplicate subscription too: two tables for each DC; none when every identity has one row", () => {
            const twice = [...subscriptions, [4, 11, 100, "s-4"]];
            const result = check({ databases: { DC1: tables(twice), DC2: tables(twice) } });
            assert.ok(duplicateCalls(result.calls).includes(metricCall(DUPLICATE_NATURAL_KEYS_METRIC.metricName, 2, "DC2")), result.log);
            const clean = withRows(tables(subscriptions), "UM_USER", (rows) => rows.filter((r) => r[0] !== 2));
            const none = check({ databases: { DC1: clean, DC2: clean } });
            assert.deepEqual(duplicateCalls(none.calls).filter((c) => c.includes(DUPLICATE_NATURAL_KEYS_METRIC.metricName)), [
                metricCall(DUPLICATE_NATURAL_KEYS_METRIC.metricName, 0, "DC1"),
                metricCall(DUPLICATE_NATURAL_KEYS_METRIC.metricName, 0, "DC2"),
            ]);
        });

        it("a natural-key query that fails counts the table as unchecked (alarmed), never as free of duplicates", () => {
            // DC2's database has no UM_USER (the fake answers ORA-00942): never read as "no duplicates".
            const broken = tables(subscriptions).filter((t) => t.table !== "UM_USER");
            const result = check({ databases: { DC1: tables(subscriptions), DC2: broken } });
            assert.equal(result.status, 0, result.log);
            assert.ok(metricCalls(result.calls).includes(metricCall(UNCHECKED_TABLES_METRIC.metricName, 1, "DC2")), result.log);
            // The count covers the tables it could read (AM_SUBSCRIPTION: none); UM_USER is in UncheckedTables.
            assert.ok(duplicateCalls(result.calls).includes(metricCall(DUPLICATE_NATURAL_KEYS_METRIC.metricName, 0, "DC2")), result.log);
            assert.match(result.log, /DC2 WSO2SHARED\.UM_USER: not compared: ORA-00942/);
        });
    });

    describe("exceptions tables' volume (ExceptionRows)", () => {
        /** The GoldenGate administrator's exceptions tables, in the shape 05-goldengate-exceptions.sql gives them (our own fixture). */
        const exceptions = (application: number, subscription: number): FakeTable[] => [
            { owner: "OGGADMIN", table: "EX_WSO2AM_AM_APPLICATION", columns: [["APPLICATION_ID", "NUMBER"], ["EXC_AT", "DATE"], ["EXC_OPTYPE", "VARCHAR2"]],
                rows: range(application).map((i) => [i, "2026-12-01 03:00:00", "INSERT"]) },
            { owner: "OGGADMIN", table: "EX_WSO2AM_AM_SUBSCRIPTION", columns: [["SUBSCRIPTION_ID", "NUMBER"], ["EXC_AT", "DATE"], ["EXC_OPTYPE", "VARCHAR2"]],
                rows: range(subscription).map((i) => [i, "2026-12-01 03:00:00", "DELETE"]) },
        ];
        const check = (databases: Record<string, FakeTable[]>) => runCheck({ databases, ready: { DC2: "true" } }, LIST.slice(0, 1));

        it("publishes the rows of each DC's exceptions tables, the trusted source's included, summed (100 tables a statement)", () => {
            const result = check({ DC1: [...trustedTables(), ...exceptions(2, 1)], DC2: [...trustedTables(), ...exceptions(0, 4)] });
            assert.equal(result.status, 0, result.log);
            assert.deepEqual(exceptionCalls(result.calls), [
                metricCall(EXCEPTION_ROWS_METRIC.metricName, 3, "DC1"),
                metricCall(EXCEPTION_ROWS_METRIC.metricName, 4, "DC2"),
            ]);
            assert.match(result.log, /DC2: 4 row\(s\) in 2 exceptions table\(s\)/);
            // 250 tables: three statements of at most 100, summed.
            const many: FakeTable[] = range(250).map((i) => ({ owner: "OGGADMIN", table: `EX_T${i}`, columns: [["ID", "NUMBER"], ["EXC_AT", "DATE"]], rows: [[i, "2026-12-01"]] }));
            const wide = check({ DC1: [...trustedTables(), ...many], DC2: trustedTables() });
            assert.ok(exceptionCalls(wide.calls).includes(metricCall(EXCEPTION_ROWS_METRIC.metricName, 250, "DC1")), wide.log);
            assert.deepEqual(statementsIn(wide.sql, "DC1").filter((s) => s.includes("AS n FROM \"OGGADMIN\".")).map((s) => s.split("\n").length - 2), [100, 100, 50]);
            const count = statementsIn(result.sql, "DC2").find((s) => s.includes('"OGGADMIN"."EX_WSO2AM_AM_SUBSCRIPTION"'))!;
            assert.equal(count, [
                "SELECT TO_CHAR(NVL(SUM(n), 0), 'TM9') FROM (",
                'SELECT COUNT(*) AS n FROM "OGGADMIN"."EX_WSO2AM_AM_APPLICATION"',
                'UNION ALL SELECT COUNT(*) AS n FROM "OGGADMIN"."EX_WSO2AM_AM_SUBSCRIPTION"',
                ")",
            ].join("\n"));
        });

        it("publishes nothing for a DC whose checker sees no exceptions table (never a 0 it did not count)", () => {
            const result = check({ DC1: [...trustedTables(), ...exceptions(1, 1)], DC2: trustedTables() });
            assert.equal(result.status, 0, result.log);
            assert.deepEqual(exceptionCalls(result.calls), [metricCall(EXCEPTION_ROWS_METRIC.metricName, 2, "DC1")]);
            assert.match(result.log, /DC2: no exceptions table of OGGADMIN is visible to WSO2CHECK/);
        });
    });

    describe("the exceptions purge job's health (ExceptionsPurgeFailures)", () => {
        /** OGGADMIN.PURGE_EXCEPTIONS_RUNS as the job fills it (our own fixture): RUN_AT in UTC, hours before now. */
        const utcHoursAgo = (hours: number) => new Date(Date.now() - hours * 3600_000).toISOString().slice(0, 19).replace("T", " ");
        const runs = (...rows: [number, string][]): FakeTable => ({ owner: "OGGADMIN", table: "PURGE_EXCEPTIONS_RUNS",
            columns: [["RUN_AT", "DATE"], ["STATUS", "VARCHAR2"], ["ERROR", "VARCHAR2"]],
            rows: rows.map(([hours, status]) => [utcHoursAgo(hours), status, status === "FAILED" ? "ORA-01031: insufficient privileges" : null]) });
        const check = (databases: Record<string, FakeTable[]>) => runCheck({ databases, ready: { DC2: "true" } }, LIST.slice(0, 1));

        it("publishes 0 where the latest run succeeded, 1 where it failed, even after an older success", () => {
            const result = check({ DC1: [...trustedTables(), runs([29, "SUCCEEDED"], [5, "SUCCEEDED"])], DC2: [...trustedTables(), runs([29, "SUCCEEDED"], [5, "FAILED"])] });
            assert.equal(result.status, 0, result.log);
            assert.deepEqual(purgeCalls(result.calls), [
                metricCall(EXCEPTIONS_PURGE_FAILURES_METRIC.metricName, 0, "DC1"),
                metricCall(EXCEPTIONS_PURGE_FAILURES_METRIC.metricName, 1, "DC2"),
            ]);
            assert.match(result.log, /DC2: the exceptions purge failed at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
            assert.ok(statementsIn(result.sql, "DC2").includes(`SELECT status || '|' || TO_CHAR(run_at, 'YYYY-MM-DD HH24:MI:SS') FROM "OGGADMIN"."PURGE_EXCEPTIONS_RUNS"
WHERE run_at = (SELECT MAX(run_at) FROM "OGGADMIN"."PURGE_EXCEPTIONS_RUNS") ORDER BY status`));
        });

        it("publishes 1 for a job that stopped running (latest run over 36 hours old, a CREATED row included) and for a checker that cannot read the runs", () => {
            const result = check({ DC1: [...trustedTables(), runs([40, "SUCCEEDED"])], DC2: trustedTables() });
            assert.equal(result.status, 0, result.log);
            assert.deepEqual(purgeCalls(result.calls), [
                metricCall(EXCEPTIONS_PURGE_FAILURES_METRIC.metricName, 1, "DC1"),
                metricCall(EXCEPTIONS_PURGE_FAILURES_METRIC.metricName, 1, "DC2"),
            ]);
            assert.match(result.log, /DC1: the exceptions purge last ran 40h 0min ago \(SUCCEEDED at .* UTC\), more than 36h: the job is not running/);
            assert.match(result.log, /DC2: exceptions purge not verified: ORA-00942/);
            const fresh = check({ DC1: [...trustedTables(), runs([37, "CREATED"])], DC2: [...trustedTables(), runs([2, "CREATED"])] });
            assert.deepEqual(purgeCalls(fresh.calls), [
                metricCall(EXCEPTIONS_PURGE_FAILURES_METRIC.metricName, 1, "DC1"),
                metricCall(EXCEPTIONS_PURGE_FAILURES_METRIC.metricName, 0, "DC2"),
            ]);
        });

        it("measures the age to the second: a run 36.5 hours old is over the 36-hour limit, one 35.5 hours old is not", () => {
            const result = check({ DC1: [...trustedTables(), runs([36.5, "SUCCEEDED"])], DC2: [...trustedTables(), runs([35.5, "SUCCEEDED"])] });
            assert.equal(result.status, 0, result.log);
            assert.deepEqual(purgeCalls(result.calls), [
                metricCall(EXCEPTIONS_PURGE_FAILURES_METRIC.metricName, 1, "DC1"),
                metricCall(EXCEPTIONS_PURGE_FAILURES_METRIC.metricName, 0, "DC2"),
            ]);
            assert.match(result.log, /DC1: the exceptions purge last ran 36h 30min ago \(SUCCEEDED at .* UTC\), more than 36h: the job is not running/);
        });
    });

    describe("LOB columns (issue 21, item 4: concurrent updates of only a LOB are detected, not left to diverge)", () => {
        /** Our own fixture tables, in the shape of a CLOB table (AM_API_URL_MAPPING) and a BLOB table (REG_CONTENT). */
        const LOB_LIST: ComparedTable[] = [
            { owner: "WSO2AM", table: "AM_API_URL_MAPPING", primaryKey: ["URL_MAPPING_ID"], lobColumns: ["MEDIATION_SCRIPT"] },
            { owner: "WSO2SHARED", table: "REG_CONTENT", primaryKey: ["REG_CONTENT_ID", "REG_TENANT_ID"], lobColumns: ["REG_CONTENT_DATA"] },
        ];
        const bytes = (text: string) => ({ hex: Buffer.from(text, "utf8").toString("hex").toUpperCase() });
        /** Rows 1-3 hold data; row 4 a NULL script and an empty content (EMPTY_BLOB()), in the trusted source. */
        const script = (id: number): Value => (id === 4 ? null : `<script id="${id}"/>`);
        const content = (id: number): Value => (id === 4 ? { hex: "" } : bytes(`<definition id="${id}"/>`));
        const lobTables = (scriptOf = script, contentOf = content): FakeTable[] => [
            { owner: "WSO2AM", table: "AM_API_URL_MAPPING", columns: [["URL_MAPPING_ID", "NUMBER"], ["HTTP_METHOD", "VARCHAR2"], ["MEDIATION_SCRIPT", "CLOB"]],
                rows: range(4).map((id) => [id, "GET", scriptOf(id)]) },
            { owner: "WSO2SHARED", table: "REG_CONTENT", columns: [["REG_CONTENT_ID", "NUMBER"], ["REG_CONTENT_DATA", "BLOB"], ["REG_TENANT_ID", "NUMBER"]],
                rows: range(4).map((id) => [id, contentOf(id), -1234]) },
        ];
        const check = (scenario: Omit<Scenario, "ready">) => runCheck({ ...scenario, ready: { DC2: "true" } }, LOB_LIST);

        it("a row whose only difference is its LOB counts after the second look, in a CLOB and in a BLOB; equal LOBs do not", () => {
            // Concurrent updates of only a LOB: DC2 kept its own script of mapping 2 and content 3.
            const dc2 = lobTables((id) => (id === 2 ? '<script id="2" edited-in="DC2"/>' : script(id)), (id) => (id === 3 ? bytes('<definition id="3" edited-in="DC2"/>') : content(id)));
            const result = check({ databases: { DC1: lobTables(), DC2: dc2 } });
            assert.equal(result.status, 0, result.log);
            assert.deepEqual(metricCalls(result.calls), [
                metricCall(DIVERGENT_TABLES_METRIC.metricName, 2, "DC2"),
                metricCall(UNCHECKED_TABLES_METRIC.metricName, 0, "DC2"),
            ]);
            // One row each: the three rows with equal LOBs (data, NULL, empty) are not counted.
            assert.match(result.log, /DC2 WSO2AM\.AM_API_URL_MAPPING: 1 row\(s\) differ from the trusted source, unchanged after 600s/);
            assert.match(result.log, /DC2 WSO2SHARED\.REG_CONTENT: 1 row\(s\) differ from the trusted source, unchanged after 600s/);
            const waits = result.calls.filter((c) => c.startsWith("sleep ")).map((c) => Number(c.split(" ")[1]));
            assert.ok(waits.some((w) => w > 590 && w <= DIVERGENCE_CHECK.recheckDelaySeconds), "counted only after the second look");
            // NULL, empty and data apart; the LOB through DBMS_CRYPTO.HASH (3 = HASH_SH1), on its own line.
            const sum = statementsIn(result.sql, "DC2").find((s) => s.startsWith("SELECT TO_CHAR(COUNT(*)") && s.includes('"WSO2SHARED"."REG_CONTENT"'))!;
            assert.ok(sum.split("\n").includes(
                `|| CASE WHEN "REG_CONTENT_DATA" IS NULL THEN 'N' WHEN DBMS_LOB.GETLENGTH("REG_CONTENT_DATA") = 0 THEN 'E' ELSE RAWTOHEX(DBMS_CRYPTO.HASH("REG_CONTENT_DATA", 3)) END`), sum);
            assert.doesNotMatch(result.log, /not hashed/);
        });

        it("a LOB difference replication delivers before the second look is in flight, not divergent", () => {
            const dc2 = lobTables(script, (id) => (id === 1 ? bytes("<definition of an older revision/>") : content(id)));
            const result = check({ databases: { DC1: lobTables(), DC2: dc2 }, caughtUp: { DC2: lobTables() } });
            assert.equal(result.status, 0, result.log);
            assert.ok(metricCalls(result.calls).includes(metricCall(DIVERGENT_TABLES_METRIC.metricName, 0, "DC2")), result.log);
            assert.match(result.log, /DC2 WSO2SHARED\.REG_CONTENT: a chunk that differed is now equal \(in flight\)/);
        });

        it("a NULL LOB and an empty LOB differ, as in Oracle (an empty LOB IS NOT NULL), in both directions", () => {
            // The trusted source's row 4: NULL script, empty content; DC2's: empty script, NULL content.
            const dc2 = lobTables((id) => (id === 4 ? "" : script(id)), (id) => (id === 4 ? null : content(id)));
            const result = check({ databases: { DC1: lobTables(), DC2: dc2 } });
            assert.equal(result.status, 0, result.log);
            assert.ok(metricCalls(result.calls).includes(metricCall(DIVERGENT_TABLES_METRIC.metricName, 2, "DC2")), result.log);
            assert.match(result.log, /DC2 WSO2AM\.AM_API_URL_MAPPING: 1 row\(s\) differ/);
            assert.match(result.log, /DC2 WSO2SHARED\.REG_CONTENT: 1 row\(s\) differ/);
        });

        it("a DC whose checker may not execute DBMS_CRYPTO: its LOB tables count as unchecked, never as equal", () => {
            const result = check({ databases: { DC1: lobTables(), DC2: lobTables() }, noCrypto: ["DC2"] });
            assert.equal(result.status, 0, result.log);
            assert.deepEqual(metricCalls(result.calls), [
                metricCall(DIVERGENT_TABLES_METRIC.metricName, 0, "DC2"),
                metricCall(UNCHECKED_TABLES_METRIC.metricName, 2, "DC2"),
            ]);
            assert.match(result.log, /DC2 WSO2AM\.AM_API_URL_MAPPING: not compared: ORA-00904: "DBMS_CRYPTO"\."HASH": invalid identifier/);
        });
    });

    it("a row that stays divergent in a table without a primary key counts; one every DC agrees on does not", () => {
        const dc2 = withRows(trustedTables(), "IDN_OAUTH2_SCOPE_BINDING", (rows) => rows.slice(1));
        const result = runCheck({ databases: { DC1: trustedTables(), DC2: dc2 }, ready: { DC2: "true" } });
        assert.equal(result.status, 0, result.log);
        assert.match(result.log, /DC2 WSO2AM\.IDN_OAUTH2_SCOPE_BINDING: count or hash differs from the trusted source, unchanged after 600s/);
        assert.ok(metricCalls(result.calls).includes(metricCall(DIVERGENT_TABLES_METRIC.metricName, 1, "DC2")));
    });

    it("hashes a wide table (90 columns) in SQL whose lines SQL*Plus accepts", () => {
        const columns: [string, string][] = [["ID", "NUMBER"], ...range(89).map((i): [string, string] => [`ATTRIBUTE_${i}`, "VARCHAR2"])];
        const wide: FakeTable = { owner: "WSO2AM", table: "AM_WIDE", columns, rows: range(3).map((id) => [id, ...range(89).map((i) => `value ${id}.${i}`)]) };
        const result = runCheck({ databases: { DC1: [wide], DC2: [wide] }, ready: { DC2: "true" } }, [{ owner: "WSO2AM", table: "AM_WIDE", primaryKey: ["ID"] }]);
        assert.equal(result.status, 0, result.log);
        assert.ok(metricCalls(result.calls).includes(metricCall(UNCHECKED_TABLES_METRIC.metricName, 0, "DC2")), result.log);
        assert.ok(result.sql.split("\n").every((line) => line.length <= 2499));
        assert.ok(result.sql.length > 2499 * 2, "the statements are longer than one SQL*Plus line");
    });

    it("on a hub that is not the trusted source's, stops at once: no client, no secret, no query, no metric", () => {
        const result = runCheck({ databases: { DC1: trustedTables() }, parameters: { datacenterId: "DC2" } });
        assert.equal(result.status, 0, result.log);
        assert.match(result.log, /this hub is DC2's; only the trusted source's \(DC1\) compares/);
        assert.deepEqual(result.calls, []);
        assert.equal(result.sql, "");
    });

    it("installs the Instant Client from the configured zips, checked against their SHA-256, before the first comparison", function () {
        requireTool(this, "unzip");
        requireTool(this, "zip");
        const staging = fs.mkdtempSync(path.join(os.tmpdir(), "client-zip-"));
        try {
            fs.mkdirSync(path.join(staging, "instantclient_19_10"));
            fs.writeFileSync(path.join(staging, "instantclient_19_10", "sqlplus"), FAKE_SQLPLUS, { mode: 0o755 });
            assert.equal(spawnSync("zip", ["-q", "-r", "client.zip", "instantclient_19_10"], { cwd: staging }).status, 0);
            const sha256 = createHash("sha256").update(fs.readFileSync(path.join(staging, "client.zip"))).digest("hex");
            const install = (expected: string) => runCheck({
                databases: { DC1: trustedTables(), DC2: trustedTables() },
                parameters: { clientZips: [{ url: "https://download.example/client.zip", sha256: expected }] },
                client: { zipDir: staging },
            });
            const good = install(sha256);
            assert.equal(good.status, 0, good.log);
            assert.match(good.log, /installing Oracle Instant Client [0-9a-f]{16} into /);
            assert.ok(good.calls.some((c) => c.startsWith("curl ") && c.endsWith("https://download.example/client.zip")));
            const bad = install("f".repeat(64));
            assert.equal(bad.status, 1);
            assert.match(bad.log, /FAILED: oracleClientZips: https:\/\/download\.example\/client\.zip does not have the configured SHA-256 f{64}/);
            assert.deepEqual(published(bad.calls), [], "nothing is published by a check that could not start");
        } finally {
            fs.rmSync(staging, { recursive: true, force: true });
        }
    });
});

describe("divergence check: rendered files", () => {
    it("lists each table with its key and LOB columns, and refuses a list it cannot render", () => {
        assert.equal(renderComparedTables(LIST.slice(2, 5)), [
            "WSO2AM AM_API_URL_MAPPING URL_MAPPING_ID MEDIATION_SCRIPT",
            "WSO2AM IDN_OAUTH2_ACCESS_TOKEN TOKEN_ID -",
            "WSO2AM IDN_OAUTH2_SCOPE_BINDING - -",
            "",
        ].join("\n"));
        assert.throws(() => renderComparedTables([LIST[0], LIST[0]]), /WSO2AM\.AM_API is listed twice/);
        assert.throws(() => renderComparedTables([{ owner: "WSO2AM", table: "AM API" }]), /"AM API" is not an unquoted upper-case Oracle name/);
        assert.throws(() => renderComparedTables([{ owner: "WSO2AM", table: "T", primaryKey: ["B"], lobColumns: ["B"] }]), /key column B is also listed as a LOB/);
    });

    it("renders parameters the script reads back unchanged, with no secret", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "divergence-env-"));
        const file = path.join(dir, "check.env");
        fs.writeFileSync(file, renderDivergenceEnv(PARAMETERS));
        const result = spawnSync("bash", ["-c", 'source "$1"; printf "%s\\n" "$DATACENTERS" "$CHECKER_USER" "$RECHECK_DELAY_SECONDS" "$CHUNK_ROWS"', "_", file], { encoding: "utf8" });
        fs.rmSync(dir, { recursive: true, force: true });
        assert.deepEqual(result.stdout.trim().split("\n"), [
            "DC1|us-east-1|oracle.dc1.wso2-apim.internal:1521/APIMDB|wso2-apim/dc1/divergence-checker|/wso2-apim/dc1/replication-ready "
            + "DC2|us-west-2|oracle.dc2.wso2-apim.internal:1521/APIMDB|wso2-apim/dc2/divergence-checker|/wso2-apim/dc2/replication-ready "
            + "DC3|eu-west-1|oracle.dc3.wso2-apim.internal:1521/APIMDB|wso2-apim/dc3/divergence-checker|/wso2-apim/dc3/replication-ready",
            CHECKER_USER, "600", "5000",
        ]);
        assert.throws(() => renderDivergenceEnv({ ...PARAMETERS, trustedSourceId: "DC9" }), /the trusted source DC9 is not among the datacenters/);
    });

    it("has scripts that pass shellcheck", function () {
        requireTool(this, "shellcheck");
        for (const script of [DIVERGENCE_CHECK_SCRIPT, DIVERGENCE_LAUNCHER_SCRIPT]) {
            const result = shellcheck(script);
            assert.equal(result.status, 0, result.output);
        }
    });

    it("has a service bounded in time and priority, and a timer every six hours, that verify clean under systemd-analyze", function () {
        requireTool(this, "systemd-analyze");
        const units = renderDivergenceUnits();
        assert.match(units.service, new RegExp(`^TimeoutStartSec=${DIVERGENCE_CHECK.timeoutSeconds}$`, "m"));
        assert.ok(DIVERGENCE_CHECK.timeoutSeconds < DIVERGENCE_CHECK.intervalSeconds);
        assert.match(units.service, /^Nice=19$/m);
        assert.match(units.service, /^IOSchedulingClass=idle$/m);
        assert.match(units.service, /^StateDirectory=goldengate-divergence$/m);
        assert.match(units.timer, /^OnUnitActiveSec=21600$/m);
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "divergence-units-"));
        try {
            fs.mkdirSync(path.join(root, "usr", "lib", "systemd"), { recursive: true });
            fs.cpSync("/usr/lib/systemd/system", path.join(root, "usr", "lib", "systemd", "system"), { recursive: true });
            fs.mkdirSync(path.join(root, "etc", "systemd", "system"), { recursive: true });
            fs.mkdirSync(path.join(root, "usr", "local", "sbin"), { recursive: true });
            fs.writeFileSync(path.join(root, DIVERGENCE_CHECK.launcherPath), "#!/bin/sh\n", { mode: 0o755 });
            for (const [suffix, text] of [["service", units.service], ["timer", units.timer]]) {
                const file = path.join(root, "etc", "systemd", "system", `${DIVERGENCE_CHECK.unit}.${suffix}`);
                fs.writeFileSync(file, text);
                const result = spawnSync("systemd-analyze", ["verify", "--man=no", `--root=${root}`, file], { encoding: "utf8" });
                assert.equal(result.status, 0, result.stderr);
                assert.equal(result.stderr.trim(), "", suffix);
            }
        } finally {
            fs.rmSync(root, { recursive: true, force: true });
        }
    });

    it("the launcher fetches the check from the hub's files in the boot bucket at every run and runs it", () => {
        const result = runWithFakes({
            prefix: "divergence-launcher-",
            script: 'exec bash "$FAKE_DIR/launcher" >&2\n',
            fakes: {
                // Fake AWS CLI: s3 cp of s3://bucket/divergence/<name> copies s3/<name>.
                aws: '#!/bin/bash\nprintf \'aws %s\\n\' "$*" >>"$FAKE_LOG"\nargs=("$@")\ncp "$FAKE_DIR/s3/$(basename "${args[$# - 2]}")" "${@: -1}"\n',
            },
            files: {
                launcher: DIVERGENCE_LAUNCHER_SCRIPT,
                "hub.env": "AWS_REGION='us-east-1'\nDIVERGENCE_S3_PREFIX='s3://wso2-apim-dc1/divergence/'\n",
                "s3/divergence-check.sh": '#!/bin/bash\necho "check ran from $0"\n',
                "s3/check.env": "",
                "s3/tables.tsv": "",
                "s3/natural-keys.tsv": "",
                "state/current/stale": "from the last run",
            },
            env: { FAKE_DIR: "<dir>", HUB_ENV: "<dir>/hub.env", STATE_DIRECTORY: "<dir>/state" },
            inspect: (dir) => fs.existsSync(path.join(dir, "state", "current", "stale")),
        });
        assert.equal(result.status, 0, result.stderr);
        assert.deepEqual(result.calls, ["divergence-check.sh", "check.env", "tables.tsv", "natural-keys.tsv"].map((name) =>
            `aws s3 cp --only-show-errors --region us-east-1 s3://wso2-apim-dc1/divergence/${name} <dir>/state/current/${name}`));
        assert.match(result.stderr, /check ran from .*\/state\/current\/divergence-check\.sh/);
        assert.equal(result.inspected, false, "a file of the last run was left in place");
    });
});

describe("divergence check: the planned resources (us-east, the trusted source, with a hub)", () => {
    const hubRun = () => run("us-east", BYOL);
    const ACCOUNT = "123456789012";

    it("its hub may read every DC's checker secret and DC2's replication-ready flag, and put metrics only in its namespace", async () => {
        const program = await hubRun();
        const statements = JSON.parse(String(named(program, "dc1-goldengate-iam-access").inputs.policy)).Statement as any[];
        const sid = (id: string) => statements.find((s) => s.Sid === id);
        assert.deepEqual(sid("ReadDivergenceCheckerSecrets"), {
            Sid: "ReadDivergenceCheckerSecrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue",
            Resource: [
                `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:wso2-apim/dc1/divergence-checker-??????`,
                `arn:aws:secretsmanager:us-west-2:${ACCOUNT}:secret:wso2-apim/dc2/divergence-checker-??????`,
            ],
        });
        assert.deepEqual(sid("ReadReplicationReadyFlags").Resource, [`arn:aws:ssm:us-west-2:${ACCOUNT}:parameter/wso2-apim/dc2/replication-ready`]);
        assert.deepEqual(sid("PublishReplicationMetrics").Condition, { StringEquals: { "cloudwatch:namespace": [NAMESPACE, "WSO2APIM/wso2-apim/GoldenGateHost"] } });
        assert.equal(sid("ReadDivergenceCheck").Resource, "(known after apply: dc1-artifacts-s3-bucket.arn)/divergence/*");
        assert.equal(sid("ReadOracleClient"), undefined, "the pinned zips are https: no S3 read");
    });

    it("a spoke's hub gets none of the check's access but its files, nor its alarms", async () => {
        const program = await run("us-west", BYOL);
        const statements = JSON.parse(String(named(program, "dc2-goldengate-iam-access").inputs.policy)).Statement as any[];
        // It fetches the check (its launcher runs on every hub) and stops there: no secret, no flag.
        assert.deepEqual(statements.filter((s) => /Divergence|ReadyFlags/.test(s.Sid ?? "")).map((s) => s.Sid), ["ReadDivergenceCheck"]);
        assert.deepEqual(ofType(program, "aws:cloudwatch/metricAlarm:MetricAlarm").filter((a) => String(a.inputs.name).includes("divergence")), []);
    });

    it("alarms on DC2's divergent and unchecked tables, to the stack's alarm topic, linking the runbook", async () => {
        const program = await hubRun();
        const operations = fs.readFileSync(path.join(PROJECT_DIR, "docs", "operations.md"), "utf8");
        for (const [key, metric] of [["divergence-dc2", DIVERGENT_TABLES_METRIC], ["divergence-unchecked-dc2", UNCHECKED_TABLES_METRIC]] as const) {
            const alarm = named(program, `dc1-ops-${key}`);
            const i = alarm.inputs as any;
            assert.deepEqual([i.name, i.namespace, i.metricName, i.dimensions, i.statistic, i.period, i.evaluationPeriods, i.threshold, i.comparisonOperator, i.treatMissingData], [
                `wso2-apim-dc1-${key}`, NAMESPACE, metric.metricName, { Datacenter: "DC2" }, "Maximum", 21600, 1, 1, "GreaterThanOrEqualToThreshold", "missing",
            ]);
            assert.deepEqual(i.alarmActions, ["(known after apply: dc1-ops-alarms.arn)"]);
            assert.deepEqual(i.okActions, ["(known after apply: dc1-ops-alarms.arn)"]);
            assert.match(i.alarmDescription, /docs\/operations\.md#divergence/);
        }
        assert.match(operations, /^## Divergence$/m);
    });

    it("alarms on duplicate natural keys and on a failing exceptions purge in every DC, the trusted source included, and on the trusted source's uncounted tables", async () => {
        const program = await hubRun();
        const operations = fs.readFileSync(path.join(PROJECT_DIR, "docs", "operations.md"), "utf8");
        const expected = [
            ["duplicate-natural-keys-dc1", DUPLICATE_NATURAL_KEYS_METRIC, "DC1"],
            ["duplicate-natural-keys-dc2", DUPLICATE_NATURAL_KEYS_METRIC, "DC2"],
            ["duplicate-natural-keys-unchecked-dc1", UNCHECKED_TABLES_METRIC, "DC1"],
        ] as const;
        for (const [key, metric, dc] of expected) {
            const i = named(program, `dc1-ops-${key}`).inputs as any;
            assert.deepEqual([i.name, i.namespace, i.metricName, i.dimensions, i.statistic, i.period, i.threshold, i.comparisonOperator, i.treatMissingData], [
                `wso2-apim-dc1-${key}`, NAMESPACE, metric.metricName, { Datacenter: dc }, "Maximum", 21600, 1, "GreaterThanOrEqualToThreshold", "missing",
            ]);
            assert.deepEqual(i.alarmActions, ["(known after apply: dc1-ops-alarms.arn)"]);
            assert.match(i.alarmDescription, /docs\/operations\.md#duplicate-natural-keys/);
        }
        assert.equal(ofType(program, "aws:cloudwatch/metricAlarm:MetricAlarm").filter((a) => String(a.inputs.name).includes("duplicate-natural-keys")).length, expected.length);
        for (const dc of ["DC1", "DC2"]) {
            const key = `exceptions-purge-${dc.toLowerCase()}`;
            const i = named(program, `dc1-ops-${key}`).inputs as any;
            assert.deepEqual([i.name, i.namespace, i.metricName, i.dimensions, i.statistic, i.period, i.threshold, i.comparisonOperator, i.treatMissingData], [
                `wso2-apim-dc1-${key}`, NAMESPACE, EXCEPTIONS_PURGE_FAILURES_METRIC.metricName, { Datacenter: dc }, "Maximum", 21600, 1, "GreaterThanOrEqualToThreshold", "missing",
            ]);
            assert.deepEqual(i.alarmActions, ["(known after apply: dc1-ops-alarms.arn)"]);
            assert.match(i.alarmDescription, /docs\/operations\.md#exceptions-purge/);
        }
        assert.match(operations, /^### Exceptions purge$/m);
        assert.match(operations, /^## Duplicate natural keys$/m);
        const spoke = await run("us-west", BYOL);
        assert.deepEqual(ofType(spoke, "aws:cloudwatch/metricAlarm:MetricAlarm").filter((a) => /duplicate|exceptions-purge/.test(String(a.inputs.name))), []);
    });

    it("gives every DC a checker secret by its fixed name, read by the nodes to create the user", async () => {
        const program = await hubRun();
        assert.equal(named(program, "dc1-secrets-divergence-checker").inputs.name, "wso2-apim/dc1/divergence-checker");
        const node = named(program, "dc1-apim-1");
        const env = writtenContent((YAML.parse(String(node.inputs.userData)).write_files as any[]).find((f) => f.path === "/etc/wso2-apim/database.env"));
        assert.match(env, /^CHECKER_USER='WSO2CHECK'$/m);
        assert.match(env, /^CHECKER_SECRET_ID='\(known after apply: dc1-secrets-divergence-checker\.arn\)'$/m);
    });

    it("uploads the check, its parameters, the table list and the natural keys to the boot bucket, which every hub may read; the hub runs it from a timer", async () => {
        const program = await hubRun();
        const objects = ofType(program, "aws:s3/bucketObjectv2:BucketObjectv2").filter((o) => String(o.inputs.key).startsWith("divergence/"));
        assert.deepEqual(objects.map((o) => o.inputs.key).sort(), ["divergence/check.env", "divergence/divergence-check.sh", "divergence/natural-keys.tsv", "divergence/tables.tsv"]);
        assert.equal(objects.find((o) => o.inputs.key === "divergence/natural-keys.tsv")!.inputs.content, renderNaturalKeys(NATURAL_KEYS));
        const env = String(objects.find((o) => o.inputs.key === "divergence/check.env")!.inputs.content);
        assert.match(env, /^TRUSTED_SOURCE='DC1'$/m);
        assert.match(env, /^DATACENTERS='DC1\|us-east-1\|oracle\.dc1\.wso2-apim\.internal:1521\/APIMDB\|wso2-apim\/dc1\/divergence-checker\|\/wso2-apim\/dc1\/replication-ready DC2\|us-west-2\|/m);
        const host = named(program, "dc1-goldengate-host");
        const doc = YAML.parse(String(host.inputs.userData));
        assert.ok(doc.runcmd.some((c: string[]) => c.join(" ") === "systemctl enable --now goldengate-divergence.timer"));
        assert.equal(writtenContent(doc.write_files.find((f: any) => f.path === DIVERGENCE_CHECK.launcherPath)), DIVERGENCE_LAUNCHER_SCRIPT);
        assert.ok(Buffer.byteLength(String(host.inputs.userData)) <= 16384);
    });

    it("the checker only reads: 01-users.sql gives it CREATE SESSION alone, 03-per-dc.sql's owners grant SELECT on their tables", async () => {
        const program = await hubRun();
        const sql = (name: string) => String(ofType(program, "aws:s3/bucketObjectv2:BucketObjectv2").find((o) => o.inputs.key === `sql/${name}`)!.inputs.content);
        assert.match(sql("parameters.sql"), /^DEFINE checker_user = 'WSO2CHECK'$/m);
        const users = sql("01-users.sql");
        assert.match(users, /ensure_user\('&checker_user', q'\[&checker_password\]', FALSE\);/);
        assert.deepEqual(users.match(/^GRANT .* TO &checker_user;$/gm), ["GRANT CREATE SESSION TO &checker_user;"]);
        const perDc = sql("03-per-dc.sql");
        assert.match(perDc, /EXECUTE IMMEDIATE 'GRANT SELECT ON ' \|\| DBMS_ASSERT\.ENQUOTE_NAME\(t\.table_name, FALSE\)/);
        assert.match(perDc, /WHERE grantee = UPPER\('&checker_user'\) AND owner = USER AND privilege = 'SELECT'/);
        // The repair runbook truncates a table in a spoke: no rendered Extract may capture truncates.
        const extracts = ofType(program, "aws:s3/bucketObjectv2:BucketObjectv2").filter((o) => /^goldengate\/dirprm\/e.*\.prm$/.test(String(o.inputs.key)));
        assert.ok(extracts.length > 0);
        for (const extract of extracts) assert.doesNotMatch(String(extract.inputs.content), /GETTRUNCATES/);
    });

    it("needs no new security group rule: the trusted hub already reaches each peer's database over the peering", async () => {
        const east = await hubRun();
        const west = await run("us-west", BYOL);
        const egress = named(east, "dc1-sg-goldengate-to-dc2-db").inputs as any;
        assert.deepEqual([egress.fromPort, egress.toPort, egress.cidrIpv4], [1521, 1521, "10.20.0.0/16"]);
        const ingress = named(west, "dc2-sg-db-oracle-dc1-goldengate").inputs as any;
        assert.deepEqual([ingress.fromPort, ingress.toPort, ingress.cidrIpv4], [1521, 1521, "10.10.128.10/32"]);
    });

    it("keeps the hub's user-data within EC2's 16 KB with three datacenters", () => {
        const userData = renderHubUserData({
            lagNamespace: NAMESPACE, region: "us-east-1", filesS3Prefix: "s3://wso2-apim-dc1-123456789012-us-east-1/goldengate/",
            divergenceS3Prefix: "s3://wso2-apim-dc1-123456789012-us-east-1/divergence/", installerS3Uri: null, installerSha256: null, filesDigest: "0123456789abcdef",
            hostMetricsNamespace: "WSO2APIM/wso2-apim/GoldenGateHost",
            secretId: "arn:aws:secretsmanager:us-east-1:123456789012:secret:wso2-apim/dc1/goldengate-abcdef", databaseUser: "OGGADMIN",
            databaseConnect: "oracle.dc1.wso2-apim.internal:1521/APIMDB", credentialAlias: "ogg_dc1", datacenterId: "DC1",
            datacenters: [{ id: "DC1", index: 1 }, { id: "DC2", index: 2 }, { id: "DC3", index: 3 }], gateStack: "wso2-apim-dc1-goldengate-gate",
        });
        assert.ok(Buffer.byteLength(userData) <= 16384);
        const units = renderDivergenceUnits();
        const files = YAML.parse(userData).write_files as any[];
        assert.equal(writtenContent(files.find((f) => f.path === `/etc/systemd/system/${DIVERGENCE_CHECK.unit}.service`)), units.service);
    });
});
