/**
 * What the project's checkers (`sql:check`, `gg:check`) share on the command line: their exit
 * statuses and how a run that could not check is reported.
 *
 * Exit 0: no findings. 1: findings (one line each, then a summary line). 2: the command could not
 * check: bad arguments (printed with the usage) or an input it cannot read or parse.
 */
export const EXIT_CLEAN = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_ERROR = 2;

/** The command line itself is wrong. */
export class UsageError extends Error {}

type ErrorClass = abstract new (...args: never[]) => Error;

export interface CheckCommand {
  /** The npm script's name, e.g. `sql:check`: the prefix of every error line. */
  readonly name: string;
  readonly usage: string;
  /** Errors besides UsageError that mean the arguments are wrong (printed with the usage). */
  readonly usageErrors?: readonly ErrorClass[];
  /** Errors that mean an input could not be read or parsed. */
  readonly inputErrors: readonly ErrorClass[];
  /** Parses the arguments and checks: the findings' lines and the summary, or "help" for --help. */
  readonly check: (argv: readonly string[]) => { findings: string[]; summary: string } | 'help';
}

export function runCheckCommand(command: CheckCommand, argv: readonly string[]): number {
  try {
    const result = command.check(argv);
    if (result === 'help') {
      console.log(command.usage);
      return EXIT_CLEAN;
    }
    for (const finding of result.findings) console.log(finding);
    console.log(result.summary);
    return result.findings.length === 0 ? EXIT_CLEAN : EXIT_FINDINGS;
  } catch (error) {
    if (error instanceof UsageError || (command.usageErrors ?? []).some((type) => error instanceof type)) {
      console.error(`${command.name}: ${(error as Error).message}\n\n${command.usage}`);
      return EXIT_ERROR;
    }
    if (command.inputErrors.some((type) => error instanceof type)) {
      console.error(`${command.name}: ${(error as Error).message}`);
      return EXIT_ERROR;
    }
    throw error;
  }
}
