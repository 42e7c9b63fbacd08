/**
 * `npm run sql:check -- <file or directory>... [--dc <id> --dcs <count> [--dc-index <n>]]`
 *
 * Exit 0: no findings. 1: findings. 2: an input cannot be read or parsed, or bad arguments (tools/check-command.ts).
 */
import { checkScripts, formatFinding, formatSummary, OptionsError, ScriptSyntaxError, type CheckOptions } from './check';
import { InputError, readInputs } from './inputs';
import { runCheckCommand, UsageError } from '../check-command';

const USAGE = `usage: npm run sql:check -- <file or directory>... [--dc <id> [--dcs <count> [--dc-index <n>]]]

Checks Oracle schema scripts (read as SQL*Plus runs them) against the multi-DC rules.
Directories are searched recursively for *.sql.

  --dc <id>          this DC's id, e.g. DC2: IDN_OAUTH2_ACCESS_TOKEN.DCID must default to it
  --dcs <count>      number of DCs; with --dc, every sequence must be on this DC's stripe
  --dc-index <n>     this DC's stripe index (default: the number at the end of the DC id)

Exit status: 0 no findings, 1 findings, 2 unreadable or unparsable input, or bad arguments.`;


interface Arguments {
  readonly inputs: string[];
  readonly options: CheckOptions;
  readonly help: boolean;
}

function wholeNumber(option: string, value: string): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`${option} needs a whole number, got '${value}'`);
  return Number(value);
}

function parseArguments(argv: readonly string[]): Arguments {
  const inputs: string[] = [];
  const options: { dc?: string; dcs?: number; dcIndex?: number } = {};
  let help = false;
  let onlyInputsFollow = false;
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i];
    if (onlyInputsFollow || !argument.startsWith('-') || argument === '-') {
      inputs.push(argument);
      continue;
    }
    if (argument === '--') {
      onlyInputsFollow = true;
      continue;
    }
    if (argument === '-h' || argument === '--help') {
      help = true;
      continue;
    }
    const equals = argument.indexOf('=');
    const option = equals < 0 ? argument : argument.slice(0, equals);
    if (option !== '--dc' && option !== '--dcs' && option !== '--dc-index') throw new UsageError(`unknown option ${option}`);
    let value: string;
    if (equals >= 0) {
      value = argument.slice(equals + 1);
    } else {
      const next = argv[++i];
      if (next === undefined) throw new UsageError(`${option} needs a value`);
      value = next;
    }
    if (option === '--dc') options.dc = value;
    else if (option === '--dcs') options.dcs = wholeNumber(option, value);
    else options.dcIndex = wholeNumber(option, value);
  }
  if (!help && inputs.length === 0) throw new UsageError('no file or directory to check');
  return { inputs, options, help };
}

process.exitCode = runCheckCommand({
  name: 'sql:check',
  usage: USAGE,
  usageErrors: [OptionsError],
  inputErrors: [InputError, ScriptSyntaxError],
  check(argv) {
    const { inputs, options, help } = parseArguments(argv);
    if (help) return 'help';
    const scripts = readInputs(inputs);
    const findings = checkScripts(scripts, options);
    return { findings: findings.map(formatFinding), summary: formatSummary(findings.length, scripts.length) };
  },
}, process.argv.slice(2));
