/**
 * `npm run sql:check -- <file or directory>... [--dc <id> --dcs <count> [--dc-index <n>]]`
 *
 * Exit 0: no findings. 1: findings. 2: an input cannot be read or parsed, or bad arguments.
 */
import { checkScripts, formatFinding, formatSummary, OptionsError, ScriptSyntaxError, type CheckOptions } from './check';
import { InputError, readInputs } from './inputs';

const USAGE = `usage: npm run sql:check -- <file or directory>... [--dc <id> [--dcs <count> [--dc-index <n>]]]

Checks Oracle schema scripts (read as SQL*Plus runs them) against the multi-DC rules.
Directories are searched recursively for *.sql.

  --dc <id>          this DC's id, e.g. DC2: IDN_OAUTH2_ACCESS_TOKEN.DCID must default to it
  --dcs <count>      number of DCs; with --dc, every sequence must be on this DC's stripe
  --dc-index <n>     this DC's stripe index (default: the number at the end of the DC id)

Exit status: 0 no findings, 1 findings, 2 unreadable or unparsable input, or bad arguments.`;

const EXIT_CLEAN = 0;
const EXIT_FINDINGS = 1;
const EXIT_ERROR = 2;

class UsageError extends Error {}

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

function main(argv: readonly string[]): number {
  try {
    const { inputs, options, help } = parseArguments(argv);
    if (help) {
      console.log(USAGE);
      return EXIT_CLEAN;
    }
    const scripts = readInputs(inputs);
    const findings = checkScripts(scripts, options);
    for (const finding of findings) console.log(formatFinding(finding));
    console.log(formatSummary(findings.length, scripts.length));
    return findings.length === 0 ? EXIT_CLEAN : EXIT_FINDINGS;
  } catch (error) {
    if (error instanceof UsageError || error instanceof OptionsError) {
      console.error(`sql:check: ${error.message}\n\n${USAGE}`);
      return EXIT_ERROR;
    }
    if (error instanceof InputError || error instanceof ScriptSyntaxError) {
      console.error(`sql:check: ${error.message}`);
      return EXIT_ERROR;
    }
    throw error;
  }
}

process.exitCode = main(process.argv.slice(2));
