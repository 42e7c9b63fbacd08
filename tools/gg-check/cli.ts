/**
 * `npm run gg:check -- <GoldenGate home or directory>... [--tables <file.json>]`
 *
 * Exit 0: no findings. 1: findings. 2: an input cannot be read or parsed, or bad arguments (tools/check-command.ts).
 */
import * as fs from 'node:fs';
import { checkHubs, formatFinding, formatSummary, ParameterSyntaxError } from './check';
import type { TableKnowledge } from './checks';
import { InputError, readInputs } from './inputs';
import { DEFAULT_TABLES, parseTables } from './tables';
import { runCheckCommand, UsageError } from '../check-command';

const USAGE = `usage: npm run gg:check -- <GoldenGate home or directory>... [--tables <file.json>]

Checks GoldenGate parameter files (GLOBALS, dirprm/*.prm) and GGSCI obey files (dirprm/*.oby)
against Oracle's documented rules (rule ids GG-001..GG-013, docs/replication.md).
A directory holding GLOBALS or dirprm/ is one hub; other directories are searched for hubs
(e.g. out/ after npm run plan). Hubs given together are checked as one deployment.

  --tables <file.json>  the replicated tables' LOB columns and keys: a JSON array of
                        { owner, table, lobColumns?, uniqueKeys?, primaryKey? }
                        (default: lib/goldengate/wso2-tables.ts, what the renderer uses)

Exit status: 0 no findings, 1 findings, 2 unreadable or unparsable input, or bad arguments.`;


interface Arguments {
  readonly inputs: string[];
  readonly tablesFile?: string;
  readonly help: boolean;
}

function parseArguments(argv: readonly string[]): Arguments {
  const inputs: string[] = [];
  let tablesFile: string | undefined;
  let help = false;
  let onlyInputsFollow = false;
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i];
    if (onlyInputsFollow || !argument.startsWith('-') || argument === '-') {
      inputs.push(argument);
    } else if (argument === '--') {
      onlyInputsFollow = true;
    } else if (argument === '-h' || argument === '--help') {
      help = true;
    } else if (argument === '--tables' || argument.startsWith('--tables=')) {
      const value = argument === '--tables' ? argv[++i] : argument.slice('--tables='.length);
      if (value === undefined || value === '') throw new UsageError('--tables needs a file');
      tablesFile = value;
    } else {
      throw new UsageError(`unknown option ${argument.split('=')[0]}`);
    }
  }
  if (!help && inputs.length === 0) throw new UsageError('no GoldenGate home or directory to check');
  return { inputs, tablesFile, help };
}

function readTables(file: string | undefined): readonly TableKnowledge[] {
  if (file === undefined) return DEFAULT_TABLES;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read --tables ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    return parseTables(text, file);
  } catch (error) {
    throw new InputError(`--tables ${error instanceof Error ? error.message : String(error)}`);
  }
}

process.exitCode = runCheckCommand({
  name: 'gg:check',
  usage: USAGE,
  inputErrors: [InputError, ParameterSyntaxError],
  check(argv) {
    const { inputs, tablesFile, help } = parseArguments(argv);
    if (help) return 'help';
    const tables = readTables(tablesFile);
    const hubs = readInputs(inputs);
    const findings = checkHubs(hubs, tables);
    const files = hubs.reduce((count, hub) => count + hub.files.length, 0);
    return { findings: findings.map(formatFinding), summary: formatSummary(findings.length, files, hubs.length) };
  },
}, process.argv.slice(2));
