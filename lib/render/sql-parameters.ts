/**
 * The per-DC parameters of the project's SQL (`sql/`), as a SQL*Plus file of DEFINE lines that the
 * boot hook runs before each script, and the stripe arithmetic those scripts apply, mirrored here
 * so it can be tested without a database. No secrets: passwords reach SQL*Plus at run time only.
 */
import * as fs from "fs";
import * as path from "path";
import { DATABASE_USERS } from "../database-names";

export interface SqlParameters {
    /** `DC1`..`DCn`; the DCID default of IDN_OAUTH2_ACCESS_TOKEN in this DC. */
    dcId: string;
    /** 1..dcCount: this DC hands out sequence values ≡ dcIndex (mod dcCount). */
    dcIndex: number;
    dcCount: number;
    /** Schema owners and the GoldenGate administrator (Oracle user names; upper-cased here). */
    amDbUser: string;
    sharedDbUser: string;
    goldengateUser: string;
    /** The divergence check's read-only user (created by 01-users.sql, granted SELECT by 03-per-dc.sql). Default WSO2CHECK. */
    checkerUser?: string;
    /** RDS `archivelog retention hours`: how long a replication outage can last without a new initial load. */
    archiveLogRetentionHours: number;
    /** Days the exceptions tables keep a row (the purge job of 05-goldengate-exceptions.sql). Default 30. */
    exceptionsRetentionDays?: number;
    /** Default tablespace and unlimited quota of the three users. Default USERS (RDS's). */
    tablespace?: string;
    /**
     * Re-striped sequences restart above this value (0: no floor). Needed when a DC is added or a
     * DC's database is rebuilt: see docs/database.md.
     */
    sequenceFloor?: number;
    /**
     * Tables GoldenGate matches by configured KEYCOLS (`goldengateKeyColumns`) instead of a key:
     * the remedies leave them keyless and 04-verify.sql accepts them without a key.
     */
    keyColumnTables?: { owner: string; table: string }[];
}

/** The remedies for the pack's multi-DC script defects, per schema (lib/pack/remedies.ts lists what each block covers). */
export const REMEDY_SCRIPTS = { sharedDb: "remedies-shared-db.sql", amDb: "remedies-am-db.sql" } as const;
/** Drops a partial schema that holds no WSO2 data, so that the pack's scripts can run again. */
export const REBUILD_SCRIPT = "rebuild-empty-schema.sql";
/**
 * The project's scripts in the order the schema applier runs them (the pack's scripts run before
 * the remedies); uploaded next to the parameters file.
 */
export const SQL_SCRIPTS = [
    "01-users.sql",
    "02-goldengate-prerequisites.sql",
    REMEDY_SCRIPTS.sharedDb,
    REMEDY_SCRIPTS.amDb,
    "03-per-dc.sql",
    "04-verify.sql",
    "05-goldengate-exceptions.sql",
    REBUILD_SCRIPT,
] as const;
/** Name of the rendered parameters file beside the scripts. */
export const SQL_PARAMETERS_FILE = "parameters.sql";
export const SQL_DIR = path.resolve(__dirname, "..", "..", "sql");

const DC_ID = /^DC[1-9][0-9]*$/;
/**
 * SQL*Plus keeps at most 240 characters in a substitution variable (SQL*Plus User's Guide and
 * Reference 19c, appendix A "SQL*Plus Limits": substitution variable value length).
 */
const SUBSTITUTION_VALUE_LIMIT = 240;
/** Unquoted Oracle identifier of at most 30 characters (portable to pre-12.2 hosts). */
const ORACLE_NAME = /^[A-Za-z][A-Za-z0-9_$#]{0,29}$/;

function validate(p: SqlParameters): string[] {
    const problems: string[] = [];
    const integer = (name: string, value: number, min: number) => {
        if (!Number.isSafeInteger(value) || value < min) problems.push(`${name} must be an integer >= ${min}, got ${value}`);
    };
    if (!DC_ID.test(p.dcId)) problems.push(`dcId must look like DC1, got "${p.dcId}"`);
    integer("dcCount", p.dcCount, 1);
    integer("dcIndex", p.dcIndex, 1);
    if (Number.isInteger(p.dcIndex) && Number.isInteger(p.dcCount) && p.dcIndex > p.dcCount) {
        problems.push(`dcIndex must be 1..dcCount (${p.dcCount}), got ${p.dcIndex}`);
    }
    integer("archiveLogRetentionHours", p.archiveLogRetentionHours, 1);
    integer("exceptionsRetentionDays", exceptionsRetentionDaysOf(p), 1);
    integer("sequenceFloor", p.sequenceFloor ?? 0, 0);
    const users = { amDbUser: p.amDbUser, sharedDbUser: p.sharedDbUser, goldengateUser: p.goldengateUser, checkerUser: checkerOf(p), tablespace: p.tablespace ?? "USERS" };
    for (const [name, value] of Object.entries(users)) {
        if (!ORACLE_NAME.test(value)) problems.push(`${name} must be an unquoted Oracle name (letter, then letters, digits, _ $ #; at most 30), got "${value}"`);
    }
    const owners = [p.amDbUser, p.sharedDbUser, p.goldengateUser, checkerOf(p)].map((u) => u.toUpperCase());
    if (new Set(owners).size !== owners.length) problems.push(`amDbUser, sharedDbUser, goldengateUser and checkerUser must be four different users, got ${owners.join(", ")}`);
    for (const [i, { owner, table }] of (p.keyColumnTables ?? []).entries()) {
        if (!/^[A-Za-z][A-Za-z0-9_$#]*$/.test(owner) || !/^[A-Za-z][A-Za-z0-9_$#]*$/.test(table)) {
            problems.push(`keyColumnTables[${i}] must be an unquoted OWNER and TABLE, got "${owner}.${table}"`);
        }
    }
    const keycols = keycolsTables(p);
    if (keycols.length > SUBSTITUTION_VALUE_LIMIT) {
        problems.push(`goldengateKeyColumns names too many tables for SQL*Plus: their list (${keycols.length} characters) must fit in ${SUBSTITUTION_VALUE_LIMIT}`);
    }
    return problems;
}

/** The exceptions tables' retention when the parameters do not set it (Pulumi.yaml goldengateExceptionsRetentionDays). */
export const DEFAULT_EXCEPTIONS_RETENTION_DAYS = 30;
function exceptionsRetentionDaysOf(p: SqlParameters): number {
    return p.exceptionsRetentionDays ?? DEFAULT_EXCEPTIONS_RETENTION_DAYS;
}

function checkerOf(p: SqlParameters): string {
    return p.checkerUser ?? DATABASE_USERS.checker;
}

/**
 * `,OWNER.TABLE,OWNER.TABLE,` (just `,` for none): the scripts test membership with
 * INSTR(list, ',' || USER || '.' || table || ','), and a DEFINE value is never empty.
 */
function keycolsTables(p: SqlParameters): string {
    const names = (p.keyColumnTables ?? []).map(({ owner, table }) => `${owner}.${table}`.toUpperCase());
    return `,${names.map((name) => `${name},`).join("")}`;
}

/** The parameters file (`parameters.sql`) for one DC; throws on invalid input, listing every problem. */
export function renderSqlParameters(p: SqlParameters): string {
    const problems = validate(p);
    if (problems.length > 0) throw new Error(`invalid SQL parameters:\n  - ${problems.join("\n  - ")}`);
    const defines: [string, string | number][] = [
        ["dc_id", p.dcId],
        ["dc_index", p.dcIndex],
        ["dc_count", p.dcCount],
        ["sequence_floor", p.sequenceFloor ?? 0],
        ["am_db_user", p.amDbUser.toUpperCase()],
        ["shared_db_user", p.sharedDbUser.toUpperCase()],
        ["goldengate_user", p.goldengateUser.toUpperCase()],
        ["checker_user", checkerOf(p).toUpperCase()],
        ["schema_tablespace", (p.tablespace ?? "USERS").toUpperCase()],
        ["archivelog_retention_hours", p.archiveLogRetentionHours],
        ["exceptions_retention_days", exceptionsRetentionDaysOf(p)],
        ["keycols_tables", keycolsTables(p)],
    ];
    return [
        "WHENEVER SQLERROR EXIT FAILURE ROLLBACK",
        "WHENEVER OSERROR EXIT FAILURE ROLLBACK",
        `-- Rendered by wso2-apim-multi-dc for ${p.dcId} (stripe ${p.dcIndex} of ${p.dcCount}). No secrets.`,
        ...defines.map(([name, value]) => `DEFINE ${name} = '${value}'`),
        "",
    ].join("\n");
}

/** Every file the boot hook downloads from the SQL artifacts prefix, with its content. */
export function sqlArtifacts(p: SqlParameters): { name: string; content: string }[] {
    return [
        { name: SQL_PARAMETERS_FILE, content: renderSqlParameters(p) },
        ...SQL_SCRIPTS.map((name) => ({ name, content: fs.readFileSync(path.join(SQL_DIR, name), "utf8") })),
    ];
}

/** x mod n in 0..n-1, also for negative x (Oracle's MOD keeps the sign of x; only = 0 is compared there). */
function modulo(x: number, n: number): number {
    return ((x % n) + n) % n;
}

/**
 * Smallest value greater than `high` on stripe `index` of `count` (stripe_start in 03-per-dc.sql:
 * FLOOR(p_high / c_count) * c_count + c_index, plus c_count when that is not above p_high).
 */
export function stripeStart(high: number, index: number, count: number): number {
    const candidate = Math.floor(high / count) * count + index;
    return candidate <= high ? candidate + count : candidate;
}

/** The rule of 03-per-dc.sql and 04-verify.sql: INCREMENT_BY = count and MOD(LAST_NUMBER - index, count) = 0. */
export function isOnStripe(lastNumber: number, incrementBy: number, index: number, count: number): boolean {
    return incrementBy === count && modulo(lastNumber - index, count) === 0;
}

/** Values a sequence may hand out between 03-per-dc.sql's read of LAST_NUMBER and its ALTER, besides a cache (c_burst). */
export const RESTRIPE_BURST = 1000;

/**
 * What 03-per-dc.sql does to one sequence, from LAST_NUMBER, INCREMENT_BY and CACHE_SIZE read right
 * before the ALTER and the keys already stored in the columns it fills (every stripe): null when it
 * is left alone, else its RESTART START WITH value (it is then NOCACHE). It moves when it is off
 * its stripe, when a key on its stripe is at or above the lowest value it may still hand out
 * (LAST_NUMBER - CACHE_SIZE * |INCREMENT_BY|), when it is cached, or when that lowest value is at or
 * below the floor; it restarts above LAST_NUMBER plus (cacheSize + RESTRIPE_BURST) * |incrementBy|,
 * above every key and above the floor.
 */
export function restripe(lastNumber: number, incrementBy: number, index: number, count: number, floor = 0, cacheSize = 0, keys: readonly number[] = []): number | null {
    const lowest = lowestNext(lastNumber, incrementBy, cacheSize);
    const clash = keys.some((key) => key >= lowest && modulo(key - index, count) === 0);
    if (isOnStripe(lastNumber, incrementBy, index, count) && !clash && cacheSize === 0 && lowest > floor) return null;
    return stripeStart(Math.max(lastNumber + (cacheSize + RESTRIPE_BURST) * Math.abs(incrementBy), ...keys, floor), index, count);
}

/** Room 03-per-dc.sql demands between every key in use and sequence_floor when the DC count changed (c_live_headroom). */
export const LIVE_RESTRIPE_HEADROOM = 1_000_000;

/**
 * 03-per-dc.sql's refusal of a live change of the DC count: a sequence striped for another count
 * (INCREMENT_BY > 1 and not `count`) may restart only when the floor is at least every key in use
 * plus LIVE_RESTRIPE_HEADROOM, the values the DCs not yet re-striped hand out meanwhile. Returns that
 * minimum floor when the floor is below it, else null.
 */
export function liveRestripeFloorShortfall(lastNumber: number, incrementBy: number, count: number, floor: number, keys: readonly number[] = []): number | null {
    if (incrementBy <= 1 || incrementBy === count) return null;
    const needed = Math.max(lastNumber, ...keys) + LIVE_RESTRIPE_HEADROOM;
    return floor < needed ? needed : null;
}

/** The lowest value a sequence may still hand out: LAST_NUMBER itself when NOCACHE. */
export function lowestNext(lastNumber: number, incrementBy: number, cacheSize = 0): number {
    return lastNumber - cacheSize * Math.abs(incrementBy);
}

/**
 * 04-verify.sql's key rule: the largest key on this DC's stripe that the sequence could hand out
 * again (at or above its lowest next value), or null when there is none.
 */
export function keyClash(lastNumber: number, incrementBy: number, index: number, count: number, cacheSize: number, keys: readonly number[]): number | null {
    const lowest = lowestNext(lastNumber, incrementBy, cacheSize);
    const clashes = keys.filter((key) => key >= lowest && modulo(key - index, count) === 0);
    return clashes.length === 0 ? null : Math.max(...clashes);
}
