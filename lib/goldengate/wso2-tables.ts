/**
 * What GoldenGate's conflict handling knows about WSO2's tables: their keys (the primary key, and
 * every other unique key, on which an insert can clash: CDR's INSERTROWEXISTS or a plain ORA-00001, docs/replication.md) and their LOB
 * columns (CDR must not compare them). Not a hand list: `wso2-3.1.0-tables.json` is derived by
 * `npm run gg:tables` from the multi-DC Oracle scripts of API-M 3.1.0 (carbon-apimgt 6.6.163,
 * commit 08ea54ec; its `source` names each script with its SHA-256), and `npm run pack:check`
 * reports when a pack's scripts give other knowledge (docs/replication.md, Table knowledge).
 */
import * as path from "node:path";
import { DATABASE_USERS } from "../database-names";
import { PackSchema, REMEDIES, REMEDY_KEY_COLUMN } from "../pack/remedies";
import knowledge from "./wso2-3.1.0-tables.json";

export interface Wso2Table {
    owner: string;
    table: string;
    /** The declared primary key; empty when the table has none. */
    primaryKey: readonly string[];
    /** BLOB/CLOB columns: left out of conflict detection (docs/replication.md, LOBs). */
    lobColumns?: readonly string[];
    /** Unique constraints and unique indexes other than the primary key. */
    uniqueKeys?: readonly (readonly string[])[];
}

/** The committed knowledge file, for the generator and pack:check. */
export const WSO2_TABLES_FILE = path.join(__dirname, "wso2-3.1.0-tables.json");

/** The schema owner each pack schema's scripts run as (docs/database.md). */
const OWNER_OF: Readonly<Record<PackSchema, string>> = { SHARED_DB: DATABASE_USERS.sharedDb, AM_DB: DATABASE_USERS.amDb };

/** Tables the boot's remedies give a primary key (lib/pack/remedies.ts): the schema the deployment runs has it. */
const REMEDIED_KEYLESS = new Set(REMEDIES.flatMap((r) => (r.detection.kind === "keyless-table" ? [`${r.schema}.${r.detection.table}`] : [])));

/** The schema as the deployment runs it: the pack's scripts, then the remedies' primary keys. */
export const WSO2_TABLES: readonly Wso2Table[] = (Object.keys(OWNER_OF) as PackSchema[]).flatMap((schema) =>
    knowledge.schemas[schema].map(({ table, primaryKey, uniqueKeys, lobColumns }): Wso2Table => {
        const remedied = primaryKey.length === 0 && uniqueKeys.length === 0 && REMEDIED_KEYLESS.has(`${schema}.${table}`);
        const key = remedied ? [REMEDY_KEY_COLUMN] : primaryKey;
        return {
            owner: OWNER_OF[schema],
            table,
            primaryKey: key,
            ...(lobColumns.length > 0 ? { lobColumns } : {}),
            ...(uniqueKeys.length > 0 ? { uniqueKeys } : {}),
        };
    }),
);

export const tablesWithLobs = (): Wso2Table[] => WSO2_TABLES.filter((t) => (t.lobColumns ?? []).length > 0);
