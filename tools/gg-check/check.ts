/**
 * The library entry point: `checkHubs` reads each GoldenGate home's files and runs every rule over
 * them. Pure: no file system, no process state. Hubs checked together are one deployment: the
 * trail wiring and the Collector count look across them.
 */
import { runChecks, type TableKnowledge } from './checks';
import { readHub, type HubInput } from './hub';
import type { Finding } from './rules';

export { ParameterSyntaxError } from './lexer';
export { RULE_IDS, RULES, type Finding, type RuleId } from './rules';
export type { HubInput, SourceFile } from './hub';
export type { TableKnowledge } from './checks';

/**
 * Findings sorted by file, then line, then rule. `tables`: what the rules know of the replicated
 * tables (LOB columns, keys). Throws ParameterSyntaxError for text that is not GoldenGate syntax.
 */
export function checkHubs(inputs: readonly HubInput[], tables: readonly TableKnowledge[]): Finding[] {
  const findings = runChecks(inputs.map(readHub), tables);
  const unique = new Map(findings.map((finding) => [formatFinding(finding), finding]));
  return [...unique.values()].sort(compareFindings);
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function compareFindings(a: Finding, b: Finding): number {
  return compareText(a.file, b.file) || a.line - b.line || compareText(a.rule, b.rule) || compareText(a.message, b.message);
}

export const formatFinding = (finding: Finding): string => `${finding.file}:${finding.line}: ${finding.rule}: ${finding.message}`;

export const formatSummary = (findingCount: number, fileCount: number, hubCount: number): string =>
  `${findingCount} findings in ${fileCount} files of ${hubCount} ${hubCount === 1 ? 'hub' : 'hubs'}`;
