/**
 * What GoldenGate must know of each table of WSO2's two schemas, derived from the DDL the pack's
 * multi-DC Oracle scripts run (docs/replication.md, "Table knowledge"): the primary key, every other
 * unique key (an insert that clashes on one is CDR's INSERTROWEXISTS or a plain ORA-00001: docs/replication.md, two readings) and the LOB columns (CDR
 * must not compare them).
 *
 * Which columns CDR may compare: "CDR supports scalar data types such as: NUMERIC, BOOLEAN, DATE,
 * TIMESTAMP, CHAR/NCHAR, VARCHAR/NVARCHAR. This means that these column types can be used with the
 * COMPARECOLS parameter" (Oracle GoldenGate 19c, Overview of the Oracle GoldenGate CDR Feature,
 * https://docs.oracle.com/en/middleware/goldengate/core/19.1/coredoc/administer-overview-oracle-goldengate-cdr-feature.html);
 * the 21.3 page of that title adds "Do not use CDR for columns that contain LOBs". LOB columns
 * here are those declared BLOB, CLOB or NCLOB, and LONG / LONG RAW,
 * which are not among those types and which Oracle's capture treats with the LOBs ("except for
 * LOB, LONG, LONG RAW, and XMLType columns", Oracle Database Reference, DBA_GOLDENGATE_SUPPORT_MODE,
 * https://docs.oracle.com/en/database/oracle/oracle-database/21/refrn/DBA_GOLDENGATE_SUPPORT_MODE.html);
 * WSO2's 3.1.0 scripts declare no LONG. Temporary tables are left out: the same view lists them
 * among the tables whose changes "a capture process cannot capture".
 *
 * A table with no primary key keeps `primaryKey` empty: GoldenGate then identifies its rows by a
 * unique key ("Unless a KEYCOLS clause is used ... Primary key ... Unique key ... First unique key
 * alphanumerically", Using Oracle GoldenGate for Oracle Database, Ensuring Row Uniqueness in Source
 * and Target Tables), which stays in `uniqueKeys`.
 *
 * The scripts are read as SQL*Plus runs them (tools/pack-check/sqlplus-run.ts): a statement swallowed
 * by a PL/SQL unit without its `/` line never runs, so creates nothing here either. A statement the
 * derivation cannot follow (DROP, RENAME, ALTER TABLE ... DROP, CREATE TABLE ... AS SELECT, a
 * function-based unique index) stops it with the file and line, rather than give knowledge that
 * may be wrong. Pure: texts in, facts out.
 */
import { createHash } from "node:crypto";
import { PACK_SCRIPTS, type PackSchema } from "../pack/remedies";
import { describeStatement, displayName } from "../../tools/sql-check/ddl";
import type { Statement, Token } from "../../tools/sql-check/lexer";
import { runAsSqlPlus } from "../../tools/pack-check/sqlplus-run";

export interface TableFacts {
    readonly table: string;
    /** The declared primary key; empty when the table has none. */
    readonly primaryKey: readonly string[];
    /** Every other unique key (UNIQUE constraints and unique indexes), in the order the scripts declare them. */
    readonly uniqueKeys: readonly (readonly string[])[];
    /** BLOB, CLOB, NCLOB, LONG and LONG RAW columns, in column order. */
    readonly lobColumns: readonly string[];
}

export interface ScriptText {
    /** As shown in messages, e.g. `apimgt/tables.sql`. */
    readonly path: string;
    readonly text: string;
}

/** Where a knowledge file's facts come from: optional origin, and always each script's SHA-256. */
export interface KnowledgeOrigin {
    /** e.g. `wso2/carbon-apimgt`. */
    readonly repository?: string;
    readonly commit?: string;
    /** The scripts' directory in that repository or pack. */
    readonly directory?: string;
}

export interface KnowledgeSourceFile {
    readonly schema: PackSchema;
    /** Under the pack's `dbscripts/multi-dc/oracle/`. */
    readonly path: string;
    readonly sha256: string;
}

export interface TableKnowledge {
    readonly about: string;
    readonly source: KnowledgeOrigin & { readonly files: readonly KnowledgeSourceFile[] };
    readonly schemas: Readonly<Record<PackSchema, readonly TableFacts[]>>;
}

export const TABLE_KNOWLEDGE_ABOUT =
    "Keys and LOB columns of WSO2's tables, derived by `npm run gg:tables` from the pack's multi-DC Oracle scripts (docs/replication.md, Table knowledge). Regenerate it; do not edit it by hand.";

/** A statement the derivation cannot follow, or DDL Oracle would refuse; names the script and line. */
export class TableKnowledgeError extends Error {
    constructor(readonly file: string, readonly line: number, readonly reason: string) {
        super(`${file}:${line}: ${reason}`);
        this.name = "TableKnowledgeError";
    }
}

/** LOB data types (Oracle 19c SQL Language Reference, Data Types); `LONG` also stands for LONG RAW. */
const LOB_TYPES = new Set(["BLOB", "CLOB", "NCLOB", "LONG"]);

interface TableState {
    readonly columns: Map<string, string | undefined>;
    primaryKey?: readonly string[];
    readonly uniqueKeys: (readonly string[])[];
}

const isWord = (token: Token | undefined, word: string): boolean => token?.kind === "word" && token.value === word;
const sameColumns = (a: readonly string[], b: readonly string[]): boolean =>
    a.length === b.length && [...a].sort().join("\u0000") === [...b].sort().join("\u0000");

/** Statements whose effect on tables the derivation does not model. */
function unfollowable(statement: Statement): string | undefined {
    const [first, second] = statement.tokens;
    // Dropping a sequence or a trigger changes no key or column; dropping a table or an index may.
    if (isWord(first, "DROP") && (isWord(second, "TABLE") || isWord(second, "INDEX"))) return `DROP ${second.value} is not followed by the table knowledge`;
    if (isWord(first, "RENAME")) return "RENAME is not followed by the table knowledge";
    if (isWord(first, "ALTER") && isWord(second, "TABLE")) {
        let depth = 0;
        for (const token of statement.tokens.slice(2)) {
            if (token.kind === "symbol" && token.value === "(") depth++;
            else if (token.kind === "symbol" && token.value === ")") depth--;
            else if (depth === 0 && (isWord(token, "DROP") || isWord(token, "RENAME"))) return `ALTER TABLE ... ${token.value} is not followed by the table knowledge`;
        }
    }
    return undefined;
}

/** The facts of every table the scripts create, in the order given (one schema, run as its owner). */
export function deriveTableFacts(scripts: readonly ScriptText[]): TableFacts[] {
    const tables = new Map<string, TableState>();
    // GoldenGate does not capture temporary tables (DBA_GOLDENGATE_SUPPORT_MODE): statements on them are ignored.
    const temporary = new Set<string>();
    const known = (table: string, file: string, line: number, what: string): TableState | undefined => {
        if (temporary.has(table)) return undefined;
        const state = tables.get(table);
        if (state === undefined) throw new TableKnowledgeError(file, line, `${what} of table ${displayName(table)}, which no earlier statement creates`);
        return state;
    };
    const addKey = (state: TableState, table: string, kind: "PRIMARY KEY" | "UNIQUE", columns: readonly string[], file: string, line: number) => {
        const missing = columns.filter((column) => !state.columns.has(column));
        if (columns.length === 0 || missing.length > 0) {
            throw new TableKnowledgeError(file, line, `${kind} of ${displayName(table)} names ${columns.length === 0 ? "no column" : `no column of the table: ${missing.map(displayName).join(", ")}`}`);
        }
        if (kind === "PRIMARY KEY") {
            // "A table or view can have only one primary key" (SQL Language Reference 19c, constraint).
            if (state.primaryKey !== undefined) throw new TableKnowledgeError(file, line, `${displayName(table)} gets a second primary key (ORA-02260)`);
            state.primaryKey = columns;
            return;
        }
        // Oracle: "You cannot designate the same column or combination of columns as both a primary key and a
        // unique key" (SQL Language Reference 19c, constraint); the same columns in another order enforce nothing new.
        if (!state.uniqueKeys.some((key) => sameColumns(key, columns))) state.uniqueKeys.push(columns);
    };

    for (const script of scripts) {
        for (const statement of runAsSqlPlus(script.text, script.path).ran) {
            const reason = unfollowable(statement);
            if (reason !== undefined) throw new TableKnowledgeError(script.path, statement.line, reason);
            const described = describeStatement(statement, script.path);
            switch (described?.kind) {
                case "create-table": {
                    if (described.temporary) {
                        temporary.add(described.table);
                        break;
                    }
                    if (tables.has(described.table)) throw new TableKnowledgeError(script.path, described.line, `table ${displayName(described.table)} is created twice (ORA-00955)`);
                    if (described.elements.columns.length === 0) {
                        throw new TableKnowledgeError(script.path, described.line, `table ${displayName(described.table)} has no column list (CREATE TABLE ... AS SELECT is not followed by the table knowledge)`);
                    }
                    const state: TableState = {
                        columns: new Map(described.elements.columns.map((column) => [column.name, column.dataType])),
                        uniqueKeys: [],
                    };
                    tables.set(described.table, state);
                    for (const key of described.elements.keys) addKey(state, described.table, key.kind, key.columns, script.path, key.line);
                    break;
                }
                case "alter-table": {
                    const state = known(described.table, script.path, described.line, "ALTER TABLE");
                    if (state === undefined) break;
                    for (const column of described.elements.columns) {
                        if (column.dataType !== undefined || !state.columns.has(column.name)) state.columns.set(column.name, column.dataType ?? state.columns.get(column.name));
                    }
                    for (const key of described.elements.keys) addKey(state, described.table, key.kind, key.columns, script.path, key.line);
                    break;
                }
                case "create-unique-index": {
                    const state = known(described.table, script.path, described.line, `unique index ${displayName(described.index)}`);
                    if (state === undefined) break;
                    if (described.columns === undefined) {
                        throw new TableKnowledgeError(script.path, described.line, `unique index ${displayName(described.index)} on ${displayName(described.table)} keys an expression, not columns: the table knowledge cannot name its key`);
                    }
                    addKey(state, described.table, "UNIQUE", described.columns, script.path, described.line);
                    break;
                }
            }
        }
    }

    return [...tables.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([table, state]) => {
            const primaryKey = state.primaryKey ?? [];
            const uniqueKeys = state.uniqueKeys.filter((key) => !sameColumns(key, primaryKey));
            return {
                table,
                primaryKey,
                uniqueKeys,
                lobColumns: [...state.columns].filter(([, type]) => type !== undefined && LOB_TYPES.has(type)).map(([column]) => column),
            };
        });
}

const sha256 = (text: string): string => createHash("sha256").update(text, "utf8").digest("hex");

/**
 * The knowledge of both schemas from a pack's scripts, keyed by their path under
 * `dbscripts/multi-dc/oracle/` (PACK_SCRIPTS: each schema's scripts in the order the boot runs them).
 */
export function deriveTableKnowledge(pack: Readonly<Record<string, string>>, origin: KnowledgeOrigin = {}): TableKnowledge {
    const schemas = Object.keys(PACK_SCRIPTS) as PackSchema[];
    const scriptsOf = (schema: PackSchema): ScriptText[] =>
        PACK_SCRIPTS[schema].map((path) => {
            const text = pack[path];
            if (text === undefined) throw new Error(`the pack has no ${path}`);
            return { path, text };
        });
    return {
        about: TABLE_KNOWLEDGE_ABOUT,
        source: {
            ...origin,
            files: schemas.flatMap((schema) => scriptsOf(schema).map(({ path, text }) => ({ schema, path, sha256: sha256(text) }))),
        },
        schemas: Object.fromEntries(schemas.map((schema) => [schema, deriveTableFacts(scriptsOf(schema))])) as Record<PackSchema, TableFacts[]>,
    };
}

/** The file as `npm run gg:tables` writes it: JSON, one table a line, so a review sees what changed. */
export function formatTableKnowledge(knowledge: TableKnowledge): string {
    const indent = (text: string, by: string) => text.split("\n").join(`\n${by}`);
    const schemas = Object.entries(knowledge.schemas).map(([schema, tables]) =>
        `    ${JSON.stringify(schema)}: [\n${tables.map((table) => `      ${JSON.stringify(table)}`).join(",\n")}\n    ]`);
    return [
        "{",
        `  "about": ${JSON.stringify(knowledge.about)},`,
        `  "source": ${indent(JSON.stringify(knowledge.source, null, 2), "  ")},`,
        `  "schemas": {\n${schemas.join(",\n")}\n  }`,
        "}",
        "",
    ].join("\n");
}

/** A knowledge file that cannot be read as one. */
export class KnowledgeFileError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "KnowledgeFileError";
    }
}

const isStringList = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === "string");

/** Reads a knowledge file; a file that is not one fails naming it and what is wrong. */
export function parseTableKnowledge(text: string, file: string): TableKnowledge {
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch (error) {
        throw new KnowledgeFileError(`${file}: not JSON (${error instanceof Error ? error.message : String(error)})`);
    }
    const fail = (what: string): never => {
        throw new KnowledgeFileError(`${file}: ${what}; regenerate it with npm run gg:tables`);
    };
    const value = parsed as Partial<TableKnowledge> | null;
    if (typeof value !== "object" || value === null || typeof value.schemas !== "object" || value.schemas === null) fail("no \"schemas\" object");
    if (!Array.isArray(value!.source?.files)) fail("no \"source.files\" list");
    for (const schema of Object.keys(PACK_SCRIPTS) as PackSchema[]) {
        const tables = (value!.schemas as Record<string, unknown>)[schema];
        if (!Array.isArray(tables)) fail(`no table list for ${schema}`);
        (tables as unknown[]).forEach((table, index) => {
            const t = table as Partial<Record<keyof TableFacts, unknown>>;
            const valid = typeof t?.table === "string" && isStringList(t.primaryKey) && isStringList(t.lobColumns) && Array.isArray(t.uniqueKeys) && t.uniqueKeys.every(isStringList);
            if (!valid) fail(`schemas.${schema}[${index}] is not { table, primaryKey, uniqueKeys, lobColumns }`);
        });
    }
    return value as TableKnowledge;
}

const keyText = (columns: readonly string[]): string => (columns.length === 0 ? "none" : `(${columns.join(", ")})`);
const keysText = (keys: readonly (readonly string[])[]): string => (keys.length === 0 ? "none" : keys.map(keyText).join(" "));
const sortedKeys = (keys: readonly (readonly string[])[]): string => keys.map((key) => [...key].sort().join(",")).sort().join(";");

/**
 * Where `actual` (a pack's scripts) differs from `expected` (the committed file), one line each; the
 * order of a key's columns does not matter (the same rows clash),
 * e.g. `AM_DB IDN_X: LOB columns none in <expectedName>, (DATA) in <actualName>`.
 */
export function compareTableKnowledge(expected: TableKnowledge, actual: TableKnowledge, expectedName: string, actualName: string): string[] {
    const differences: string[] = [];
    for (const schema of Object.keys(PACK_SCRIPTS) as PackSchema[]) {
        const want = new Map(expected.schemas[schema].map((table) => [table.table, table]));
        const have = new Map(actual.schemas[schema].map((table) => [table.table, table]));
        for (const name of [...new Set([...want.keys(), ...have.keys()])].sort()) {
            const a = want.get(name);
            const b = have.get(name);
            if (a === undefined || b === undefined) {
                differences.push(`${schema} ${name}: in ${a === undefined ? actualName : expectedName} only`);
                continue;
            }
            if (!sameColumns(a.primaryKey, b.primaryKey)) {
                differences.push(`${schema} ${name}: primary key ${keyText(a.primaryKey)} in ${expectedName}, ${keyText(b.primaryKey)} in ${actualName}`);
            }
            if (sortedKeys(a.uniqueKeys) !== sortedKeys(b.uniqueKeys)) {
                differences.push(`${schema} ${name}: unique keys ${keysText(a.uniqueKeys)} in ${expectedName}, ${keysText(b.uniqueKeys)} in ${actualName}`);
            }
            if (!sameColumns(a.lobColumns, b.lobColumns)) {
                differences.push(`${schema} ${name}: LOB columns ${keyText(a.lobColumns)} in ${expectedName}, ${keyText(b.lobColumns)} in ${actualName}`);
            }
        }
    }
    return differences;
}
