/**
 * KEYCOLS for tables without a primary or unique key. GoldenGate needs a key to find the target
 * row; without one it uses every column, which breaks on LOBs and is slow. WSO2's multi-DC
 * scripts give every table a key (sql/04-verify.sql and `npm run sql:check` report any that has
 * none), so the list is empty unless your pack differs: then name the columns here.
 */
import { GOLDENGATE } from "./names";

export interface KeyColumns {
    /** One of the replicated schemas (WSO2AM, WSO2SHARED). */
    owner: string;
    table: string;
    columns: string[];
}

const IDENTIFIER = "[A-Za-z][A-Za-z0-9_$#]{0,127}";
const ENTRY = new RegExp(`^\\s*(${IDENTIFIER})\\.(${IDENTIFIER})\\s*\\(([^()]*)\\)\\s*$`);

/** Parses `OWNER.TABLE(COL_A, COL_B)`; names are upper-cased as Oracle stores unquoted names. */
export function parseKeyColumns(entry: string): KeyColumns | { error: string } {
    const match = ENTRY.exec(entry);
    const columns = match ? match[3].split(",").map((c) => c.trim().toUpperCase()) : [];
    if (!match || columns.some((c) => !new RegExp(`^${IDENTIFIER}$`).test(c))) {
        return { error: `must be OWNER.TABLE(COLUMN, …) such as WSO2AM.AM_EXAMPLE(API_ID, NAME), got ${JSON.stringify(entry)}` };
    }
    const owner = match[1].toUpperCase();
    if (!GOLDENGATE.schemas.includes(owner)) {
        return { error: `owner ${owner} is not a replicated schema (${GOLDENGATE.schemas.join(", ")})` };
    }
    return { owner, table: match[2].toUpperCase(), columns };
}
