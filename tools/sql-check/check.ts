/**
 * The library entry point: `checkScripts` runs every rule over a set of scripts read as SQL*Plus
 * would read them. Pure: no file system, no process state.
 */
import { readStatements } from './lexer';
import { RuleEngine, type Finding, type RuleOptions } from './rules';

export { ScriptSyntaxError } from './lexer';
export { RULE_IDS, type Finding, type RuleId } from './rules';

export interface ScriptFile {
  readonly path: string;
  readonly text: string;
}

export interface CheckOptions {
  /** This DC's id (`--dc`), e.g. `DC2`: the DCID default the token table must have. */
  readonly dc?: string;
  /** How many DCs share the sequences (`--dcs`); with `dc`, turns on the sequence-stripe rule. */
  readonly dcs?: number;
  /** This DC's stripe index (`--dc-index`); by default the number in the DC id. */
  readonly dcIndex?: number;
}

/** Options that do not make sense together or cannot be resolved. */
export class OptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OptionsError';
  }
}

export function resolveOptions(options: CheckOptions): RuleOptions {
  const { dc, dcs, dcIndex } = options;
  if (dc === undefined) {
    if (dcs !== undefined || dcIndex !== undefined) throw new OptionsError('--dcs and --dc-index need --dc');
    return {};
  }
  if (dc.trim() === '') throw new OptionsError('--dc needs a DC id such as DC1');
  if (dcs === undefined) {
    if (dcIndex !== undefined) throw new OptionsError('--dc-index needs --dcs');
    return { dc };
  }
  if (!Number.isInteger(dcs) || dcs < 1) throw new OptionsError(`--dcs must be a whole number of DCs, at least 1 (got ${dcs})`);
  const index = dcIndex ?? indexInDcId(dc);
  if (index === undefined) throw new OptionsError(`cannot tell the index of DC '${dc}' (no number at its end); pass --dc-index`);
  if (!Number.isInteger(index) || index < 1 || index > dcs) throw new OptionsError(`the index of DC '${dc}' must be between 1 and ${dcs} (got ${index})`);
  return { dc, stripe: { index, count: dcs } };
}

/** `DC2` → 2. */
function indexInDcId(dc: string): number | undefined {
  const digits = /(\d+)$/.exec(dc);
  return digits === null ? undefined : Number(digits[1]);
}

/**
 * Findings sorted by file, then line. Throws ScriptSyntaxError when a script cannot be read as
 * SQL (an unterminated literal or comment, a CREATE TABLE without a name ...) and OptionsError
 * for contradictory options.
 */
export function checkScripts(files: readonly ScriptFile[], options: CheckOptions = {}): Finding[] {
  const engine = new RuleEngine(resolveOptions(options));
  for (const file of files) {
    for (const statement of readStatements(file.text, file.path)) engine.add(file.path, statement);
  }
  return engine.finish().sort(compareFindings);
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function compareFindings(a: Finding, b: Finding): number {
  return compareText(a.file, b.file) || a.line - b.line || compareText(a.rule, b.rule) || compareText(a.message, b.message);
}

export const formatFinding = (finding: Finding): string => `${finding.file}:${finding.line}: ${finding.rule}: ${finding.message}`;

export const formatSummary = (findingCount: number, fileCount: number): string => `${findingCount} findings in ${fileCount} files`;
