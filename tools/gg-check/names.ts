/**
 * Object names as GoldenGate reads them in TABLE, MAP and the exclusion parameters: `owner.table`,
 * each part "the name or wildcard specification" (Reference, MAPEXCLUDE); `*` stands for any
 * characters and `?` for one, which is why a literal one "must be escaped by a backward slash when
 * used in parameter file" (Administering Oracle GoldenGate 19c, Supported Special Characters,
 * https://docs.oracle.com/en/middleware/goldengate/core/19.1/ggcab/supported-special-characters.html).
 * Unquoted parts fold to upper case, as Oracle stores unquoted identifiers (the same reading as
 * tools/sql-check); double-quoted parts keep their case.
 */

export interface ObjectName {
  /** As written, for messages. */
  readonly text: string;
  /** The parts, folded: `WSO2AM`, `AM_API`; a wildcard part keeps its `*`/`?`. */
  readonly parts: readonly string[];
  /** Which parts hold a wildcard (unquoted `*` or `?`). */
  readonly wildcards: readonly boolean[];
}

/** Splits `a."B c".d` at the dots outside quotes. */
function splitParts(text: string): Array<{ value: string; quoted: boolean }> {
  const parts: Array<{ value: string; quoted: boolean }> = [];
  let current = '';
  let quoted = false;
  let inQuotes = false;
  for (const char of text) {
    if (char === '"') {
      inQuotes = !inQuotes;
      quoted = true;
    } else if (char === '.' && !inQuotes) {
      parts.push({ value: current, quoted });
      current = '';
      quoted = false;
    } else {
      current += char;
    }
  }
  parts.push({ value: current, quoted });
  return parts;
}

export function parseObjectName(text: string): ObjectName {
  const parts = splitParts(text);
  return {
    text,
    parts: parts.map((part) => (part.quoted ? part.value : part.value.toUpperCase())),
    wildcards: parts.map((part) => !part.quoted && /[*?]/.test(part.value)),
  };
}

export const hasWildcard = (name: ObjectName): boolean => name.wildcards.some(Boolean);

/** `OWNER.TABLE` of a name without wildcards, the key tables are compared by. */
export const nameKey = (name: ObjectName): string => name.parts.join('.');

const patternOf = (part: string): RegExp =>
  new RegExp(`^${part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);

/** Whether `pattern` (with or without wildcards) names the table `owner.table`. */
export function matches(pattern: ObjectName, table: readonly string[]): boolean {
  if (pattern.parts.length !== table.length) return false;
  return pattern.parts.every((part, i) => (pattern.wildcards[i] ? patternOf(part).test(table[i]) : part === table[i]));
}

/**
 * The target a MAP gives a source table: each target part as written, or the source table's part
 * where the target part is a wildcard (`MAP A.*, TARGET B.*` maps A.T to B.T).
 */
export function resolveTarget(target: ObjectName, source: readonly string[]): string[] {
  return target.parts.map((part, i) => (target.wildcards[i] ? (source[i] ?? part) : part));
}
