/**
 * The defects of WSO2's multi-DC Oracle scripts (3.1.0 ships carbon-apimgt 6.6.163; docs/database.md) that
 * the boot remedies, described once. Each remedy is one block of our own SQL in
 * `sql/remedies-shared-db.sql` or `sql/remedies-am-db.sql`, after a `-- remedy: <id>` line; the
 * boot runs those files, and `npm run pack:check` reads the same blocks and applies their DDL when
 * `detection` finds the defect, as the block's data-dictionary check does.
 */
import { REMEDY_SCRIPTS } from "../render/sql-parameters";

/** The two schemas of the pack, each run as its owner. */
export type PackSchema = "SHARED_DB" | "AM_DB";

/** Where a schema's scripts sit in a pack's `dbscripts/multi-dc/oracle/`, in the order the boot runs them. */
export const PACK_SCRIPTS: Readonly<Record<PackSchema, readonly string[]>> = {
    SHARED_DB: ["tables.sql", "sequences.sql"],
    AM_DB: ["apimgt/tables.sql", "apimgt/sequences.sql"],
};

/** The file of our remedies for each schema, under `sql/`. */
export const REMEDY_FILES: Readonly<Record<PackSchema, string>> = {
    SHARED_DB: REMEDY_SCRIPTS.sharedDb,
    AM_DB: REMEDY_SCRIPTS.amDb,
};

/**
 * How a remedy tells that its defect is present, in terms both the SQL block (data dictionary)
 * and pack:check (the schema the pack's scripts build) can answer.
 */
export type Detection =
    /** No trigger of that name exists while every table in `tables` does. */
    | { kind: "missing-trigger"; trigger: string; tables: readonly string[] }
    /** The row trigger on `table` deletes from `table` itself; `child` is the table it should delete from. */
    | { kind: "self-deleting-trigger"; trigger: string; table: string; child: string }
    /** The table exists with no enabled primary or unique key and goldengateKeyColumns does not name it. */
    | { kind: "keyless-table"; table: string };

export interface Remedy {
    /** Also the `-- remedy: <id>` marker of its block. */
    id: string;
    schema: PackSchema;
    /** The object the defect is about, as `npm run sql:check` names it. */
    object: string;
    /** The sql:check rule that finds the defect. */
    rule: "unterminated-block" | "self-mutating-trigger" | "missing-key";
    defect: string;
    fix: string;
    detection: Detection;
}

/** The column a missing-key remedy adds, and its primary key (sql/remedies-am-db.sql). */
export const REMEDY_KEY_COLUMN = "ID";

export const REMEDIES: readonly Remedy[] = [
    {
        id: "shared-hybrid-role-trigger",
        schema: "SHARED_DB",
        object: "TRG_DEL_HYBRID_ROLE",
        rule: "unterminated-block",
        defect: "tables.sql ends with trigger TRG_DEL_HYBRID_ROLE and no / line: SQL*Plus never runs it",
        fix: "creates TRG_DEL_HYBRID_ROLE: deleting a hybrid role deletes its UM_HYBRID_USER_ROLE rows",
        detection: { kind: "missing-trigger", trigger: "TRG_DEL_HYBRID_ROLE", tables: ["UM_HYBRID_ROLE", "UM_HYBRID_USER_ROLE"] },
    },
    {
        id: "am-ciba-auth-code-trigger",
        schema: "AM_DB",
        object: "TRG_DEL_IDN_CIBA_AUTH",
        rule: "self-mutating-trigger",
        defect: "row trigger TRG_DEL_IDN_CIBA_AUTH on IDN_OAUTH2_CIBA_AUTH_CODE deletes from its own table (ORA-04091 when it fires)",
        fix: "replaces TRG_DEL_IDN_CIBA_AUTH with one that deletes the code's IDN_OAUTH2_CIBA_REQUEST_SCOPES rows",
        detection: { kind: "self-deleting-trigger", trigger: "TRG_DEL_IDN_CIBA_AUTH", table: "IDN_OAUTH2_CIBA_AUTH_CODE", child: "IDN_OAUTH2_CIBA_REQUEST_SCOPES" },
    },
    ...(
        [
            ["am-access-token-audit-key", "IDN_OAUTH2_ACCESS_TOKEN_AUDIT", "MDC_TOKEN_AUDIT"],
            ["am-scope-binding-key", "IDN_OAUTH2_SCOPE_BINDING", "MDC_SCOPE_BINDING"],
            ["am-ciba-request-scopes-key", "IDN_OAUTH2_CIBA_REQUEST_SCOPES", "MDC_CIBA_SCOPES"],
        ] as const
    ).map(([id, table, prefix]): Remedy => ({
        id,
        schema: "AM_DB",
        object: table,
        rule: "missing-key",
        defect: `table ${table} has no primary or unique key`,
        fix: `adds column ${REMEDY_KEY_COLUMN}, filled from sequence ${prefix}_SEQ (on this DC's stripe) by trigger ${prefix}_ID, and primary key ${prefix}_PK on it`,
        detection: { kind: "keyless-table", table },
    })),
];
