/**
 * `npm run preflight [-- --stack <name>]... [--config-dir <dir>]`
 *
 * Before `pulumi up`: loads each stack's configuration as the plan does (the same errors), runs
 * the program offline to count what it declares, then checks with read-only AWS calls what the
 * offline plan cannot see (docs/preflight.md). One line per check; exit 0 when nothing failed,
 * 1 on a failure or invalid configuration, 2 when the SDK finds no AWS credentials.
 */
import * as path from "path";
import { ConfigError, ConfigSource, parseConfig, PROJECT } from "../../lib/config";
import { PreflightAws, describeError } from "../../lib/preflight/aws-api";
import { CheckResult, formatResult, masked, preflightStack, StackInput } from "../../lib/preflight/checks";
import { plannedCounts } from "../../lib/preflight/quotas";
import { listStacks, loadStackConfig, StackConfig, StackConfigError, toRuntimeConfig } from "../../lib/stack-config";
import { deploymentOrder, ProgramRun, runProgram } from "../offline/run";
import { checkOneStackPerDatacenter } from "../plan/cli";

export const PROJECT_DIR = path.resolve(__dirname, "..", "..");

/** What the CLI needs from outside: the AWS calls of a region, where lines go, the environment. */
export interface PreflightDeps {
    awsFor(region: string): PreflightAws;
    out(line: string): void;
    err(line: string): void;
    env: NodeJS.ProcessEnv;
}

class UsageError extends Error {}

interface Options {
    configDir: string;
    stacks: string[];
}

function parseArgs(argv: string[]): Options {
    const options: Options = { configDir: PROJECT_DIR, stacks: [] };
    for (let i = 0; i < argv.length; i++) {
        const value = () => {
            const next = argv[++i];
            if (next === undefined || next.startsWith("--")) throw new UsageError(`${argv[i - 1]} needs a value`);
            return next;
        };
        switch (argv[i]) {
            case "--stack": options.stacks.push(value()); break;
            case "--config-dir": options.configDir = path.resolve(value()); break;
            default: throw new UsageError(`unknown argument ${argv[i]} (usage: npm run preflight -- [--stack <name>]... [--config-dir <dir>])`);
        }
    }
    return options;
}

/** A namespace of a stack's config as the program reads it (strings, objects as JSON). */
function namespaceOf(config: StackConfig, namespace: string): ConfigSource {
    const runtime = toRuntimeConfig(config);
    return { get: (key) => runtime[`${namespace}:${key}`] };
}

/**
 * Runs every stack's program offline in deployment order, as `npm run plan` does (a later
 * datacenter reads the earlier ones' outputs), and returns the selected stacks' inputs.
 */
async function stackInputs(configDir: string, selected: string[]): Promise<StackInput[]> {
    const allStacks = listStacks(configDir);
    const configs = new Map<string, StackConfig>();
    const configOf = (stack: string) => configs.get(stack) ?? configs.set(stack, loadStackConfig(configDir, stack)).get(stack)!;
    checkOneStackPerDatacenter(allStacks, configOf);
    const runs = new Map<string, ProgramRun>();
    const outputs: Record<string, Record<string, unknown>> = {};
    for (const stack of deploymentOrder(allStacks, configOf)) {
        try {
            const run = await runProgram(PROJECT_DIR, configOf(stack), outputs);
            runs.set(stack, run);
            outputs[stack] = run.outputs;
        } catch (err) {
            if (err instanceof Error) err.message = `stack ${stack}: ${err.message}`;
            throw err;
        }
    }
    return selected.map((stack) => {
        const config = configOf(stack);
        return {
            stack,
            config: parseConfig(namespaceOf(config, PROJECT), namespaceOf(config, "aws"), stack),
            values: config.values,
            planned: plannedCounts(runs.get(stack)!.resources),
        };
    });
}

export async function main(argv: string[], deps: PreflightDeps): Promise<number> {
    const stackTraceLimit = Error.stackTraceLimit;
    // The Pulumi SDK records a stack trace per promise: the program runs much faster without (as in the plan).
    Error.stackTraceLimit = 0;
    let inputs: StackInput[];
    try {
        const options = parseArgs(argv);
        const allStacks = listStacks(options.configDir);
        for (const stack of options.stacks) {
            if (!allStacks.includes(stack)) throw new UsageError(`no stack "${stack}" (stacks: ${allStacks.join(", ")})`);
        }
        inputs = await stackInputs(options.configDir, options.stacks.length ? options.stacks : allStacks);
    } catch (err) {
        if (!(err instanceof ConfigError || err instanceof StackConfigError || err instanceof UsageError)) throw err;
        deps.err(`preflight failed: ${err.message}`);
        return 1;
    } finally {
        Error.stackTraceLimit = stackTraceLimit;
    }

    const secrets = [deps.env.AWS_SECRET_ACCESS_KEY, deps.env.AWS_SESSION_TOKEN].filter((s): s is string => !!s);
    try {
        await deps.awsFor(inputs[0].config.self.region).credentials();
    } catch (err) {
        deps.err(masked(`preflight: no AWS credentials: the AWS SDK's default chain found none (${describeError(err)}); nothing was checked. ` +
            "Fix: set AWS_PROFILE (after aws sso login or aws configure), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run where a role provides them", secrets));
        return 2;
    }

    const all: CheckResult[] = [];
    for (const input of inputs) {
        const results = await preflightStack(deps.awsFor(input.config.self.region), input);
        for (const result of results) deps.out(formatResult(input.stack, result, secrets));
        all.push(...results);
    }
    const failed = all.filter((r) => r.status === "FAIL").length;
    const skippedCount = all.filter((r) => r.status === "skipped").length;
    deps.out(`preflight: ${all.length} checks, ${failed} failed, ${skippedCount} skipped`);
    return failed > 0 ? 1 : 0;
}

if (require.main === module) {
    // Loaded here only: the tests drive main() with fakes and never load the SDK adapter.
    const { sdkAws } = require("./sdk") as typeof import("./sdk");
    main(process.argv.slice(2), { awsFor: sdkAws, out: console.log, err: console.error, env: process.env }).then(
        (code) => process.exit(code),
        (err: Error) => {
            console.error(`preflight failed: ${err.stack ?? err.message}`);
            process.exit(1);
        },
    );
}
