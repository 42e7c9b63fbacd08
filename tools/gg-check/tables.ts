/**
 * The table knowledge the checker uses unless given a file (`--tables`): the one the renderer
 * uses, so that `gg:check` judges the rendered files against the tables they were rendered for.
 */
import { WSO2_TABLES } from '../../lib/goldengate/wso2-tables';
import type { TableKnowledge } from './checks';

export const DEFAULT_TABLES: readonly TableKnowledge[] = WSO2_TABLES;

const isNames = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === 'string');

/**
 * Reads `--tables` JSON: an array of `{ owner, table, lobColumns?, uniqueKeys?, primaryKey? }`
 * (the shape of lib/goldengate/wso2-tables.ts). Throws with the entry that is wrong.
 */
export function parseTables(json: string, source: string): TableKnowledge[] {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new Error(`${source}: not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!Array.isArray(value)) throw new Error(`${source}: must be a JSON array of tables`);
  return value.map((entry: unknown, index) => {
    const table = entry as Record<string, unknown>;
    const where = `${source}: entry ${index}`;
    if (typeof table !== 'object' || table === null || typeof table.owner !== 'string' || typeof table.table !== 'string') {
      throw new Error(`${where} needs "owner" and "table" strings`);
    }
    for (const key of ['lobColumns', 'primaryKey'] as const) {
      if (table[key] !== undefined && !isNames(table[key])) throw new Error(`${where} (${table.owner}.${table.table}): "${key}" must be an array of column names`);
    }
    if (table.uniqueKeys !== undefined && !(Array.isArray(table.uniqueKeys) && table.uniqueKeys.every(isNames))) {
      throw new Error(`${where} (${table.owner}.${table.table}): "uniqueKeys" must be an array of arrays of column names`);
    }
    return table as unknown as TableKnowledge;
  });
}
