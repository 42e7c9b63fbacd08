/**
 * The divergence check (docs/replication.md § Divergence): what GoldenGate's conflict handling
 * cannot settle is measured by comparing every replication-ready DC's tables with the trusted
 * source's, from the trusted source's hub, every six hours. As Oracle GoldenGate Veridata does, a
 * difference counts only when a second look after the replication latency confirms it ("confirms
 * whether a row is in sync or persistently out of sync … giving the replication mechanism time to
 * post in-flight changes": Veridata Administrator's Guide, Glossary, confirm out-of-sync step);
 * as pt-table-checksum does, tables are compared in chunks of an index so that no query loads the
 * databases ("The goal of chunking the tables … is to ensure that checksums are unintrusive":
 * https://docs.percona.com/percona-toolkit/pt-table-checksum.html). Its script, parameters and table list
 * are objects of the boot bucket (`divergence/`, BOOT_KEYS.divergencePrefix), fetched by the hub at every run; the
 * hub's user-data carries only the small launcher and its units. Pure: tests and the plan read it.
 */
import * as fs from "fs";
import * as path from "path";
import { withoutCommentLines } from "../render/script-text";
import { LAG_WARNING_SECONDS } from "../alarms";
import type { ClientZip } from "../config";
import { DATABASE_USERS } from "../database-names";
import { PolicyStatement } from "../iam";
import { DIVERGENT_TABLES_METRIC, DUPLICATE_NATURAL_KEYS_METRIC, EXCEPTION_ROWS_METRIC, EXCEPTIONS_PURGE_FAILURES_METRIC, UNCHECKED_TABLES_METRIC } from "../metrics";
import { shellQuote } from "../render/bootstrap-env";

export const DIVERGENCE_CHECK_SCRIPT = fs.readFileSync(path.join(__dirname, "scripts", "divergence-check.sh"), "utf8");
export const DIVERGENCE_LAUNCHER_SCRIPT = withoutCommentLines(fs.readFileSync(path.join(__dirname, "scripts", "divergence-run.sh"), "utf8"));

export const DIVERGENCE_CHECK = {
    unit: "goldengate-divergence",
    launcherPath: "/usr/local/sbin/goldengate-divergence",
    /** systemd StateDirectory= (/var/lib/goldengate-divergence): the Instant Client and each run's files. */
    stateDirectory: "goldengate-divergence",
    /** Its objects in the boot bucket (under BOOT_KEYS.divergencePrefix), fetched by the launcher at every run. */
    objects: ["divergence-check.sh", "check.env", "tables.tsv", "natural-keys.tsv"],
    intervalSeconds: DIVERGENT_TABLES_METRIC.periodSeconds,
    /** A run's bound (TimeoutStartSec): a oneshot has none by default (systemd.service(5)); under the interval. */
    timeoutSeconds: 5 * 3600,
    /**
     * Rows of the trusted source per chunk: one index range scan and one aggregate per chunk and
     * database. pt-table-checksum starts at 1,000 rows and aims at 0.5 s a chunk; these queries
     * only read, and there are two to n databases to ask per chunk, so the chunks are larger.
     */
    chunkRows: 5000,
    /** Pause between two chunks of a table, as pt-table-checksum pauses for its replicas. */
    chunkPauseSeconds: 1,
    /** Each SQL*Plus session's bound (timeout(1)): one hung query costs a table, not the run. */
    queryTimeoutSeconds: 120,
    /**
     * The second look at a differing chunk comes this long after the first: twice the lag that
     * warns (lib/alarms.ts), so a change a healthy path was carrying has arrived by then. While a
     * path lags more, its lag alarm fires too, and in-flight rows may count as divergent.
     */
    recheckDelaySeconds: 2 * LAG_WARNING_SECONDS,
    /** Each column's hash is 40 hex digits, and their concatenation must fit VARCHAR2's 4,000 bytes. */
    maxHashedColumns: 100,
    /**
     * The exceptions purge job (sql/05-goldengate-exceptions.sql) runs daily at 03:30 UTC: a latest
     * run older than a day and a half means it stopped running (ExceptionsPurgeFailures = 1).
     */
    purgeMaxAgeHours: 36,
} as const;

/** The read-only user the check logs in as, in every DC's database (sql/01-users.sql). */
export const CHECKER_USER = DATABASE_USERS.checker;

/**
 * The checker's password secret in a DC's own region, by a fixed name in the DC's secret scope
 * (its nodes may read it to create the user), so the trusted source's hub can name every DC's
 * secret without reading later stacks.
 */
export function divergenceCheckerSecretName(deployment: string, dcId: string): string {
    return `${deployment}/${dcId.toLowerCase()}/divergence-checker`;
}

/**
 * What the check must know of a replicated table: its primary key, and its LOB columns (hashed
 * with DBMS_CRYPTO.HASH rather than STANDARD_HASH; the trusted source's dictionary decides each
 * column's type, the list's LOBs only make a mismatch show in the log).
 */
export interface ComparedTable {
    owner: string;
    table: string;
    /** Empty or absent: no primary key; the table is compared whole, by count and hash. */
    primaryKey?: readonly string[];
    lobColumns?: readonly string[];
}

const ORACLE_NAME = /^[A-Z][A-Z0-9_$#]{0,127}$/;

/** tables.tsv: `OWNER TABLE KEY,COLUMNS LOB,COLUMNS` a line (`-` for none), in the list's order. */
export function renderComparedTables(tables: readonly ComparedTable[]): string {
    const seen = new Set<string>();
    const list = (names: readonly string[] | undefined) => (names?.length ? names.join(",") : "-");
    return tables.map((t) => {
        const name = `${t.owner}.${t.table}`;
        for (const part of [t.owner, t.table, ...(t.primaryKey ?? []), ...(t.lobColumns ?? [])]) {
            if (!ORACLE_NAME.test(part)) throw new Error(`divergence check: ${name}: "${part}" is not an unquoted upper-case Oracle name`);
        }
        if (seen.has(name)) throw new Error(`divergence check: ${name} is listed twice`);
        seen.add(name);
        const lobKey = (t.primaryKey ?? []).find((column) => t.lobColumns?.includes(column));
        if (lobKey) throw new Error(`divergence check: ${name}: key column ${lobKey} is also listed as a LOB`);
        return `${t.owner} ${t.table} ${list(t.primaryKey)} ${list(t.lobColumns)}\n`;
    }).join("");
}

/**
 * A natural identity WSO2 keeps unique by reading before it inserts, with no unique key in the
 * 3.1.0 multi-DC scripts to back it. Two DCs that insert the same identity within the replication
 * lag each pass WSO2's read; both rows replicate (their primary and unique keys differ), so EVERY DC
 * ends with both, and a comparison across DCs sees equal tables. The check counts, in each DC, the
 * identities held by more than one row (docs/replication.md § Duplicate natural keys).
 */
export interface NaturalKey {
    owner: string;
    table: string;
    /** The columns that identify one WSO2 object; more than one row per value is a duplicate. */
    columns: readonly string[];
    /**
     * Those of `columns` WSO2 compares without regard to case (its look-up is
     * `LOWER(column) = LOWER(?)`): grouped by LOWER(column), so 'Alice' and 'alice' are one value.
     */
    caseInsensitive?: readonly string[];
    /** Where the schema leaves them without a unique key, and where WSO2 checks them itself. */
    source: string;
}

/** The 3.1.0 scripts' path (carbon-apimgt 6.6.163, commit 08ea54ec). */
const MULTI_DC_SCRIPTS = "wso2/carbon-apimgt@08ea54ec features/apimgt/org.wso2.carbon.apimgt.core.feature/src/main/resources/multi-dc/oracle/";

export const NATURAL_KEYS: readonly NaturalKey[] = [
    {
        owner: DATABASE_USERS.sharedDb,
        table: "UM_USER",
        columns: ["UM_USER_NAME", "UM_TENANT_ID"],
        caseInsensitive: ["UM_USER_NAME"],
        source: `${MULTI_DC_SCRIPTS}tables.sql, CREATE TABLE UM_USER: PRIMARY KEY (UM_ID, UM_TENANT_ID), UNIQUE(UM_USER_ID, UM_TENANT_ID), nothing on UM_USER_NAME; `
            + "the deployment's user store is database_unique_id (lib/render/deployment-toml.ts), i.e. wso2/carbon-kernel v4.6.0 UniqueIDJDBCUserStoreManager; "
            + "distribution/kernel/carbon-home/repository/resources/conf/infer.json gives database_unique_id \"user_store.properties.CaseInsensitiveUsername\": true, "
            + "so UniqueIDJDBCUserStoreManager.doCheckExistingUserNameWithIDImpl reads the name with JDBCCaseInsensitiveConstants.GET_IS_USER_NAME_EXISTING_CASE_INSENSITIVE "
            + "(\"SELECT UM_ID FROM UM_USER WHERE LOWER(UM_USER_NAME)=LOWER(?) AND UM_TENANT_ID=?\") before AbstractUserStoreManager refuses it with 30004 "
            + "\"Username %s already exists in the system\", and log-in looks the name up the same way (SELECT_USER_NAME_SQL_CASE_INSENSITIVE)",
    },
    {
        owner: DATABASE_USERS.amDb,
        table: "AM_SUBSCRIPTION",
        columns: ["APPLICATION_ID", "API_ID"],
        source: `${MULTI_DC_SCRIPTS}apimgt/tables.sql, CREATE TABLE AM_SUBSCRIPTION: PRIMARY KEY (SUBSCRIPTION_ID), UNIQUE (UUID), only an index IDX_SUB_APP_ID (APPLICATION_ID, SUBSCRIPTION_ID); `
            + "carbon-apimgt@08ea54ec ApiMgtDAO.addSubscription: CHECK_EXISTING_SUBSCRIPTION_API_SQL (WHERE API_ID = ? AND APPLICATION_ID = ?) then SubscriptionAlreadyExistingException, "
            + "or deletes an UN_SUBSCRIBE row in the same transaction before its insert: one row per (APPLICATION_ID, API_ID) in one database",
    },
    {
        owner: DATABASE_USERS.amDb,
        table: "AM_API_RATINGS",
        columns: ["API_ID", "SUBSCRIBER_ID"],
        source: `${MULTI_DC_SCRIPTS}apimgt/tables.sql, CREATE TABLE AM_API_RATINGS: PRIMARY KEY (RATING_ID) (a UUID), nothing on (API_ID, SUBSCRIBER_ID); `
            + "carbon-apimgt@08ea54ec ApiMgtDAO.addRating: GET_API_RATING_SQL (\"SELECT RATING FROM AM_API_RATINGS WHERE API_ID= ? AND SUBSCRIBER_ID=?\"), "
            + "then ADD_API_RATING_SQL with a new UUID when none, UPDATE_API_RATING_SQL otherwise: one rating per (API_ID, SUBSCRIBER_ID) in one database",
    },
];

/**
 * natural-keys.tsv: `OWNER TABLE COLUMN,COLUMN` a line; a case-insensitive column is written
 * `lower:COLUMN`, which the check groups by as LOWER("COLUMN").
 */
export function renderNaturalKeys(keys: readonly NaturalKey[]): string {
    const seen = new Set<string>();
    return keys.map((k) => {
        const name = `${k.owner}.${k.table}`;
        for (const part of [k.owner, k.table, ...k.columns]) {
            if (!ORACLE_NAME.test(part)) throw new Error(`divergence check: natural key of ${name}: "${part}" is not an unquoted upper-case Oracle name`);
        }
        if (k.columns.length === 0) throw new Error(`divergence check: natural key of ${name} has no column`);
        const stray = (k.caseInsensitive ?? []).find((column) => !k.columns.includes(column));
        if (stray) throw new Error(`divergence check: natural key of ${name}: case-insensitive column ${stray} is not one of its columns`);
        if (seen.has(name)) throw new Error(`divergence check: natural key of ${name} is listed twice`);
        seen.add(name);
        const columns = k.columns.map((column) => (k.caseInsensitive?.includes(column) ? `lower:${column}` : column));
        return `${k.owner} ${k.table} ${columns.join(",")}\n`;
    }).join("");
}

/** A datacenter as the check reaches it. */
export interface CheckedDatacenter {
    id: string;
    region: string;
    /** EZConnect `host:port/service` of its database (reached over the VPC peering). */
    connect: string;
    /** divergenceCheckerSecretName, in the DC's region. */
    checkerSecret: string;
    /** The SSM parameter that says the DC is replication-ready (lib/database-names.ts). */
    readyParameter: string;
}

export interface DivergenceCheckParameters {
    /** The hub's region (its metrics). */
    region: string;
    /** The hub's datacenter, and the trusted source: only the trusted source's hub compares. */
    datacenterId: string;
    trustedSourceId: string;
    datacenters: CheckedDatacenter[];
    /** metricNamespace(deployment, DIVERGENT_TABLES_METRIC.area). */
    namespace: string;
    /** The Instant Client zips for the hub's architecture (the nodes' pinned defaults, or oracleClientZips). */
    clientZips: ClientZip[];
}

/** check.env: the check's parameters, as a shell file it sources (ids and names, no secrets). */
export function renderDivergenceEnv(p: DivergenceCheckParameters): string {
    if (!p.datacenters.some((dc) => dc.id === p.trustedSourceId)) throw new Error(`divergence check: the trusted source ${p.trustedSourceId} is not among the datacenters`);
    for (const dc of p.datacenters) {
        for (const field of [dc.id, dc.region, dc.connect, dc.checkerSecret, dc.readyParameter]) {
            if (!/^[A-Za-z0-9_./:@-]+$/.test(field)) throw new Error(`divergence check: ${dc.id}: "${field}" cannot travel in DATACENTERS`);
        }
    }
    const variables: [string, string | number][] = [
        ["AWS_REGION", p.region],
        ["DATACENTER_ID", p.datacenterId],
        ["TRUSTED_SOURCE", p.trustedSourceId],
        ["DATACENTERS", p.datacenters.map((dc) => [dc.id, dc.region, dc.connect, dc.checkerSecret, dc.readyParameter].join("|")).join(" ")],
        ["CHECKER_USER", CHECKER_USER],
        ["METRIC_NAMESPACE", p.namespace],
        ["DIVERGENT_METRIC", DIVERGENT_TABLES_METRIC.metricName],
        ["UNCHECKED_METRIC", UNCHECKED_TABLES_METRIC.metricName],
        ["DUPLICATE_METRIC", DUPLICATE_NATURAL_KEYS_METRIC.metricName],
        ["EXCEPTION_ROWS_METRIC", EXCEPTION_ROWS_METRIC.metricName],
        ["PURGE_FAILURES_METRIC", EXCEPTIONS_PURGE_FAILURES_METRIC.metricName],
        ["PURGE_MAX_AGE_HOURS", DIVERGENCE_CHECK.purgeMaxAgeHours],
        // The owner of the exceptions tables (sql/05-goldengate-exceptions.sql grants the checker SELECT on them).
        ["EXCEPTIONS_OWNER", DATABASE_USERS.goldengate],
        ["METRIC_DIMENSION", DIVERGENT_TABLES_METRIC.dimensions[0]],
        ["CHUNK_ROWS", DIVERGENCE_CHECK.chunkRows],
        ["CHUNK_PAUSE_SECONDS", DIVERGENCE_CHECK.chunkPauseSeconds],
        ["QUERY_TIMEOUT_SECONDS", DIVERGENCE_CHECK.queryTimeoutSeconds],
        ["RECHECK_DELAY_SECONDS", DIVERGENCE_CHECK.recheckDelaySeconds],
        ["MAX_HASHED_COLUMNS", DIVERGENCE_CHECK.maxHashedColumns],
        ["ORACLE_CLIENT_ZIPS", p.clientZips.map((zip) => `${zip.sha256}:${zip.url}`).join(" ")],
    ];
    return variables.map(([name, value]) => `${name}=${shellQuote(String(value))}`).join("\n") + "\n";
}

/** The check's objects of the boot bucket, by name (the launcher fetches each: DIVERGENCE_CHECK.objects). */
export function divergenceObjects(p: DivergenceCheckParameters, tables: readonly ComparedTable[], naturalKeys: readonly NaturalKey[] = NATURAL_KEYS): Record<string, string> {
    const [script, env, list, keys] = DIVERGENCE_CHECK.objects;
    return { [script]: DIVERGENCE_CHECK_SCRIPT, [env]: renderDivergenceEnv(p), [list]: renderComparedTables(tables), [keys]: renderNaturalKeys(naturalKeys) };
}

/**
 * The check's service and timer, on every hub (the script stops at once on a hub that is not the
 * trusted source's, so moving `trustedSource` needs no unit change). Nice and the idle I/O class
 * keep it behind GoldenGate on the hub; chunks, pauses and the query timeout bound what it asks of
 * the databases.
 */
export function renderDivergenceUnits(): { service: string; timer: string } {
    const every = DIVERGENCE_CHECK.intervalSeconds;
    return {
        service: [
            "[Unit]", "Description=Compare every DC's replicated tables with the trusted source's (docs/replication.md)",
            "Wants=network-online.target", "After=network-online.target goldengate-hub.service", "",
            "[Service]", "Type=oneshot", `ExecStart=${DIVERGENCE_CHECK.launcherPath}`, `StateDirectory=${DIVERGENCE_CHECK.stateDirectory}`,
            `TimeoutStartSec=${DIVERGENCE_CHECK.timeoutSeconds}`, "Nice=19", "IOSchedulingClass=idle", "",
        ].join("\n"),
        timer: [
            "[Unit]", `Description=Compare every DC's replicated tables every ${every / 3600} h`, "",
            "[Timer]", "OnBootSec=3600", `OnUnitActiveSec=${every}`, "",
            "[Install]", "WantedBy=timers.target", "",
        ].join("\n"),
    };
}

/**
 * What the trusted source's hub needs for the check, besides what it has (its files in the boot
 * bucket, PutMetricData in the GoldenGate namespace): every DC's checker secret, by the secret's
 * ARN in that DC's region (a name, `-` and six random characters: Secrets Manager API Reference,
 * CreateSecret), each other DC's replication-ready flag, and the Instant Client zips kept in S3.
 * A hub that is not the trusted source's gets none of it.
 */
export function divergenceCheckStatements(p: {
    accountId: string;
    deployment: string;
    isTrustedSource: boolean;
    datacenters: { id: string; region: string; readyParameter: string; trustedSource: boolean }[];
    clientZips: ClientZip[];
}): PolicyStatement[] {
    if (!p.isTrustedSource) return [];
    const zips = p.clientZips.filter((zip) => zip.url.startsWith("s3://")).map((zip) => zip.url.replace(/^s3:\/\//, "arn:aws:s3:::"));
    const flags = p.datacenters.filter((dc) => !dc.trustedSource).map((dc) => `arn:aws:ssm:${dc.region}:${p.accountId}:parameter${dc.readyParameter}`);
    return [
        {
            Sid: "ReadDivergenceCheckerSecrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue",
            Resource: p.datacenters.map((dc) => `arn:aws:secretsmanager:${dc.region}:${p.accountId}:secret:${divergenceCheckerSecretName(p.deployment, dc.id)}-??????`),
        },
        ...(flags.length ? [{ Sid: "ReadReplicationReadyFlags", Effect: "Allow", Action: "ssm:GetParameter", Resource: flags }] : []),
        ...(zips.length ? [{ Sid: "ReadOracleClient", Effect: "Allow", Action: "s3:GetObject", Resource: zips }] : []),
    ];
}
