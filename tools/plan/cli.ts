/**
 * `npm run plan [-- --stack <name>]... [--diff <earlier plan dir>] [--out <dir>] [--config-dir <dir>] [--require-real-config] [--debug]`
 *
 * Runs the real program under mocks for each stack and writes out/<stack>/: plan.json,
 * files/ and summary.md (README.md § The offline plan). Each stack is written to a temporary directory and moved
 * into place only when complete, so a failed plan never leaves a stale plan looking valid.
 */
import * as fs from "fs";
import * as path from "path";
import { listStacks, loadStackConfig, StackConfig, StackConfigError } from "../../lib/stack-config";
import { ConfigError, conventionalStackName, PROJECT } from "../../lib/config";
import { evaluateStacks, formatFinding, stackContext } from "../../lib/guardrails";
import { placeholdersIn, settingAdvisories } from "../../lib/placeholders";
import { deploymentOrder, runProgram, ProgramRun } from "../offline/run";
import { estimateCost } from "./cost";
import { diffPlans, renderDiff } from "./diff";
import { extractFiles } from "./files";
import { buildPlan, Plan } from "./plan-json";
import { policiesSection, policyFiles, RenderedPolicies, renderPolicies, UnknownPermissionsError } from "./deployer-policy";
import { ACCOUNT_ID } from "../offline/cloud";
import { renderSummary } from "./summary";
import { routingTableMarkdown } from "./routing";

export const PROJECT_DIR = path.resolve(__dirname, "..", "..");

interface Options {
    /** Where Pulumi.yaml and the stack files are read from (default: this project). */
    configDir: string;
    stacks: string[];
    diffAgainst: string | null;
    outDir: string;
    /** Keep full stack traces (slower): for unexpected errors in the program. */
    debug: boolean;
    /** Fail on a setting still at its shipped example (lib/placeholders.ts) instead of advising. */
    requireRealConfig: boolean;
    /** Where progress and advisory lines go (console.log; tests pass their own to keep the reporter's output clean). */
    log: (line: string) => void;
}

class UsageError extends Error {}

/** A mandatory guardrail is broken: the plan fails and says which rule, resource and fix. */
class GuardrailError extends Error {}

function parseArgs(argv: string[]): Options {
    const options: Options = { configDir: PROJECT_DIR, stacks: [], diffAgainst: null, outDir: path.join(PROJECT_DIR, "out"), debug: false, requireRealConfig: false, log: console.log };
    for (let i = 0; i < argv.length; i++) {
        const value = () => {
            const next = argv[++i];
            if (next === undefined || next.startsWith("--")) throw new UsageError(`${argv[i - 1]} needs a value`);
            return next;
        };
        switch (argv[i]) {
            case "--stack": options.stacks.push(value()); break;
            case "--diff": options.diffAgainst = path.resolve(value()); break;
            case "--out": options.outDir = path.resolve(value()); break;
            case "--config-dir": options.configDir = path.resolve(value()); break;
            case "--debug": options.debug = true; break;
            case "--require-real-config": options.requireRealConfig = true; break;
            default: throw new UsageError(`unknown argument ${argv[i]}`);
        }
    }
    return options;
}

function writeStack(outDir: string, plan: Plan, summary: string, policies: RenderedPolicies): void {
    const target = path.join(outDir, plan.stack);
    const staging = fs.mkdtempSync(path.join(outDir, `.${plan.stack}-`));
    fs.writeFileSync(path.join(staging, "plan.json"), JSON.stringify(plan, null, 2) + "\n");
    for (const { path: file, document } of policyFiles(policies)) fs.writeFileSync(path.join(staging, file), JSON.stringify(document, null, 2) + "\n");
    for (const file of extractFiles(plan.resources)) {
        const destination = path.join(staging, "files", file.path);
        fs.mkdirSync(path.dirname(destination), { recursive: true });
        fs.writeFileSync(destination, file.content);
    }
    fs.writeFileSync(path.join(staging, "summary.md"), summary);
    fs.rmSync(target, { recursive: true, force: true });
    fs.renameSync(staging, target);
}

/**
 * Two stack files naming the same datacenter would both declare its records and peerings (Route 53
 * then rejects the second stack's records as duplicates): say which stacks claim which datacenter.
 * A stack whose config does not load is left to fail with its own message.
 */
export function checkOneStackPerDatacenter(stacks: string[], configOf: (stack: string) => StackConfig): void {
    const claims = new Map<string, string[]>();
    const stackOf = new Map<string, string>();
    for (const stack of stacks) {
        let values: Record<string, unknown>;
        try {
            values = configOf(stack).values;
        } catch {
            continue;
        }
        const id = String(values[`${PROJECT}:datacenter`] ?? "");
        const entry = (values[`${PROJECT}:datacenters`] as any[] | undefined)?.find?.((dc) => dc?.id === id);
        if (entry) stackOf.set(id, String(entry.stack ?? conventionalStackName(String(entry.region))));
        claims.set(id, [...(claims.get(id) ?? []), stack]);
    }
    const problems = [...claims]
        .filter(([id, claimants]) => id !== "" && claimants.length > 1)
        .map(([id, claimants]) => ({
            key: `${PROJECT}:datacenter`,
            message: `${id} is claimed by ${claimants.length} stacks: ${claimants.map((s) => `${s} (Pulumi.${s}.yaml)`).join(", ")}; ` +
                `one stack deploys one datacenter, and ${id}'s is "${stackOf.get(id) ?? "?"}" (its datacenters[].stack, by default its region less the number)`,
        }));
    if (problems.length > 0) throw new ConfigError(problems);
}

function readPlan(dir: string, stack: string): Plan | null {
    for (const file of [path.join(dir, stack, "plan.json"), path.join(dir, "plan.json")]) {
        if (!fs.existsSync(file)) continue;
        const plan = JSON.parse(fs.readFileSync(file, "utf8")) as Plan;
        if (plan.stack === stack) return plan;
    }
    return null;
}

export async function main(argv: string[], log: (line: string) => void = console.log): Promise<number> {
    const options = { ...parseArgs(argv), log };
    // The Pulumi SDK records a stack trace for every promise it makes (leak diagnostics), a third of
    // the plan's time. Expected errors print their message alone; --debug keeps traces for the rest.
    const stackTraceLimit = Error.stackTraceLimit;
    if (!options.debug) Error.stackTraceLimit = 0;
    try {
        return await plan(options);
    } finally {
        Error.stackTraceLimit = stackTraceLimit;
    }
}

async function plan(options: Options): Promise<number> {
    const allStacks = listStacks(options.configDir);
    for (const stack of options.stacks) {
        if (!allStacks.includes(stack)) throw new UsageError(`no stack "${stack}" (stacks: ${allStacks.join(", ")})`);
    }
    const selected = options.stacks.length ? options.stacks : allStacks;

    // Routing needs every stack's records, so every stack runs; only the selected ones are written.
    const runs = new Map<string, ProgramRun>();
    // In datacenter order: a later datacenter's peering reads the earlier stacks' outputs.
    const outputs: Record<string, Record<string, unknown>> = {};
    const configs = new Map<string, StackConfig>();
    const configOf = (stack: string) => configs.get(stack) ?? configs.set(stack, loadStackConfig(options.configDir, stack)).get(stack)!;
    try {
        checkOneStackPerDatacenter(allStacks, configOf);
    } catch (err) {
        for (const s of selected) fs.rmSync(path.join(options.outDir, s), { recursive: true, force: true });
        throw err;
    }
    for (const stack of deploymentOrder(allStacks, configOf)) {
        try {
            const run = await runProgram(PROJECT_DIR, configOf(stack), outputs);
            runs.set(stack, run);
            outputs[stack] = run.outputs;
        } catch (err) {
            for (const s of selected) fs.rmSync(path.join(options.outDir, s), { recursive: true, force: true });
            if (err instanceof Error) err.message = `stack ${stack}: ${err.message}`;
            throw err;
        }
    }
    const plans = new Map([...runs].map(([stack, run]) => [stack, buildPlan(run)]));
    // Before anything is written: a type the IAM table does not know fails the plan (docs/deployer-iam.md).
    const policies = new Map<string, RenderedPolicies>();
    try {
        for (const stack of selected) policies.set(stack, renderPolicies(plans.get(stack)!, runs.get(stack)!.invokes, ACCOUNT_ID));
    } catch (err) {
        for (const s of selected) fs.rmSync(path.join(options.outDir, s), { recursive: true, force: true });
        if (err instanceof Error) err.message = `IAM policies: ${err.message}`;
        throw err;
    }
    const routing = routingTableMarkdown([...plans.values()]);

    const findings = evaluateStacks([...runs.values()].map((run) => ({ ...stackContext(run.config), resources: run.resources })));
    const broken = selected.flatMap((stack) => findings.get(stack)!.filter((f) => f.severity === "mandatory").map((f) => `  - ${stack}: ${formatFinding(f)}`));
    if (broken.length > 0) {
        for (const stack of selected) fs.rmSync(path.join(options.outDir, stack), { recursive: true, force: true });
        throw new GuardrailError(`${broken.length} mandatory guardrail(s) broken (docs/guardrails.md):\n${broken.join("\n")}`);
    }

    const placeholders = new Map(selected.map((stack) => [stack, placeholdersIn(configOf(stack).project, configOf(stack).values)]));
    const examples = selected.flatMap((stack) => placeholders.get(stack)!.map((p) => `  - ${stack}: ${p}`));
    if (options.requireRealConfig && examples.length > 0) {
        for (const stack of selected) fs.rmSync(path.join(options.outDir, stack), { recursive: true, force: true });
        throw new GuardrailError(`${examples.length} setting(s) still at the shipped example (--require-real-config):\n${examples.join("\n")}`);
    }
    const settings = new Map(selected.map((stack) => [stack, settingAdvisories(configOf(stack).project, configOf(stack).values)]));
    for (const line of [...examples, ...selected.flatMap((stack) => settings.get(stack)!.map((a) => `  - ${stack}: ${a}`))]) options.log(`advisory:${line.slice(3)}`);

    fs.mkdirSync(options.outDir, { recursive: true });
    for (const stack of selected) {
        const plan = plans.get(stack)!;
        const cost = estimateCost(plan.resources, String(plan.config["aws:region"]));
        const advisories = [...placeholders.get(stack)!, ...settings.get(stack)!, ...findings.get(stack)!.filter((f) => f.severity === "advisory").map(formatFinding)];
        const stackPolicies = policies.get(stack)!;
        writeStack(options.outDir, plan, renderSummary({ plan, cost, routingTable: routing, advisories, policies: policiesSection(stackPolicies) }), stackPolicies);
        const pricedAs = cost.pricedAs ? ` (priced as ${cost.pricedAs})` : "";
        options.log(`${stack}: ${plan.resources.length} resources, ~$${cost.totalUsd.toFixed(2)}/month${pricedAs} → ${path.relative(process.cwd(), path.join(options.outDir, stack))}/`);
    }

    if (options.diffAgainst) {
        const markdown = renderDiff(selected.map((stack) => diffPlans(stack, readPlan(options.diffAgainst!, stack), plans.get(stack)!)));
        fs.writeFileSync(path.join(options.outDir, "diff.md"), markdown);
        options.log(markdown);
    }
    return 0;
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => process.exit(code),
        (err: Error) => {
            const expected = [ConfigError, StackConfigError, UsageError, GuardrailError, UnknownPermissionsError].some((type) => err instanceof type);
            // Expected failures get their message alone; anything else is a bug: show its trace (see --debug).
            console.error(`plan failed: ${expected ? err.message : `${err.stack}\n(run with --debug for the full trace)`}`);
            process.exit(1);
        },
    );
}
