/**
 * The one mocks harness of the test suite. It runs the real program (index.ts) under Pulumi's
 * mocks through the same runner as the offline plan: config is loaded from Pulumi.yaml and the
 * stack file as the CLI loads it, the pretend cloud (tools/offline/cloud.ts) answers provider
 * functions and fails on any it does not know, and every registered resource is recorded.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { ConfigSource, conventionalStackName } from "../lib/config";
import { WrittenFile, writtenContent } from "../lib/render/user-data";
import { listStacks, loadStackConfig, StackConfig } from "../lib/stack-config";
import { deploymentOrder, PriorState, ProgramRun, RecordedResource, runProgram } from "../tools/offline/run";

export const PROJECT_DIR = path.resolve(__dirname, "..");
export const STACKS = ["us-east", "us-west"] as const;

const cache = new Map<string, Promise<ProgramRun>>();

/**
 * Config of a shipped stack, with optional overrides (unqualified keys are the project's), run as
 * stack `as` (a datacenter that has no shipped stack file; the program checks the stack's name).
 */
export function stackConfig(stack: string, overrides: Record<string, unknown> = {}, as = stack): StackConfig {
    const config = { ...loadStackConfig(PROJECT_DIR, stack), stack: as };
    for (const [key, value] of Object.entries(overrides)) {
        const full = key.includes(":") ? key : `${config.project}:${key}`;
        if (value === undefined) delete config.values[full];
        else config.values[full] = value;
    }
    return config;
}

/**
 * Outputs of the shipped stacks run before `stack` (all of them without one), in deployment
 * order as `npm run plan` runs them: a later datacenter's peering reads the earlier ones'.
 */
async function shippedOutputs(stack?: string): Promise<Record<string, Record<string, unknown>>> {
    const outputs: Record<string, Record<string, unknown>> = {};
    for (const earlier of STACKS) {
        if (earlier === stack) break;
        outputs[earlier] = (await run(earlier)).outputs;
    }
    return outputs;
}

/**
 * Runs `work` with no stack traces captured, as `npm run plan` does: the Pulumi SDK records one for
 * every promise it makes, a third of a run's time. Mocha runs one test at a time, so no
 * assertion of another test loses its trace; the program's own errors keep their messages.
 */
let quietRuns = 0;
let savedStackTraceLimit = Error.stackTraceLimit;
async function withoutStackTraces<T>(work: () => Promise<T>): Promise<T> {
    // Counted, so that runs awaited together restore the limit only when the last one ends.
    if (quietRuns++ === 0) {
        savedStackTraceLimit = Error.stackTraceLimit;
        Error.stackTraceLimit = 0;
    }
    try {
        return await work();
    } finally {
        if (--quietRuns === 0) Error.stackTraceLimit = savedStackTraceLimit;
    }
}

/**
 * Runs the program for a stack. Runs are shared between tests (a run is only read): the same
 * stack with the same overrides runs once per test process.
 */
export function run(stack: string, overrides?: Record<string, unknown>, as?: string): Promise<ProgramRun> {
    const key = JSON.stringify([stack, overrides ?? null, as ?? null]);
    if (!cache.has(key)) {
        cache.set(key, overrides
            ? shippedOutputs().then((outputs) => withoutStackTraces(() => runProgram(PROJECT_DIR, stackConfig(stack, overrides, as), outputs)))
            : shippedOutputs(stack).then((outputs) => withoutStackTraces(() => runProgram(PROJECT_DIR, stackConfig(stack), outputs))));
    }
    return cache.get(key)!;
}

/**
 * Runs every stack of a project directory (Pulumi.yaml and stack files, e.g. a temporary one
 * with a third datacenter) in deployment order, each reading the outputs of those before it;
 * `priorStates` stands in for what Pulumi's state holds in place of a successful operation's.
 */
export async function runAll(configDir: string, priorStates: Record<string, PriorState> = {}): Promise<Map<string, ProgramRun>> {
    const runs = new Map<string, ProgramRun>();
    const outputs: Record<string, Record<string, unknown>> = {};
    for (const stack of deploymentOrder(listStacks(configDir), (s) => loadStackConfig(configDir, s))) {
        const program = await withoutStackTraces(() => runProgram(PROJECT_DIR, loadStackConfig(configDir, stack), outputs, priorStates[stack]));
        runs.set(stack, program);
        outputs[stack] = program.outputs;
    }
    return runs;
}

/** An operator's VPC and subnets (existing-VPC mode), as a stack file would name them. */
export const EXISTING_VPC = {
    vpcId: "vpc-0123456789abcdef0",
    publicSubnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
    privateSubnetIds: ["subnet-0123456789abcdef2", "subnet-0123456789abcdef3"],
};

/** A third datacenter for the tests of three or more DCs: DC3 in eu-west-1, answering Great Britain. */
export const THIRD_DATACENTER = { id: "DC3", index: 3, region: "eu-west-1", cidr: "10.30.0.0/16", gatewayLocations: ["country:GB"] };

/** Makes a temporary directory named from a prefix (fs.mkdtempSync under os.tmpdir()). */
export type TempDirMaker = (prefix: string) => string;

/**
 * Temporary directories of one `describe` block: call it in the block's body; every directory the
 * returned maker creates is removed in the block's `after` hook, whether its tests passed or not
 * (an assertion that fails before a test's own rmSync would otherwise leave it in os.tmpdir()).
 * Called at a test file's top level, the hook is mocha's root `after`: removed when the run ends.
 */
export function temporaryDirectories(): TempDirMaker {
    const made: string[] = [];
    after(() => {
        for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
    });
    return (prefix) => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
        made.push(dir);
        return dir;
    };
}

/**
 * `npm run plan` in process (tools/plan/cli.ts main) with its progress and advisory lines
 * collected instead of printed among the test reporter's output.
 */
export async function planQuietly(argv: string[]): Promise<{ status: number; lines: string[] }> {
    const { main } = await import("../tools/plan/cli");
    const lines: string[] = [];
    const status = await main(argv, (line) => lines.push(line));
    return { status, lines };
}

/**
 * A temporary project directory with three datacenters: the shipped Pulumi.yaml with
 * THIRD_DATACENTER added (in `region`, eu-west-1 unless given; its stack the conventional name),
 * the shipped stack files and the third's stack file. Made by `makeDir` (a temporaryDirectories()
 * maker removes it after the block); with the default, the caller removes it when done.
 */
export function threeDatacenterProject(prefix: string, region: string = THIRD_DATACENTER.region, makeDir?: TempDirMaker): string {
    const dir = makeDir ? makeDir(prefix) : fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    const project = YAML.parse(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8"));
    project.config.datacenters.value = [...(stackConfig("us-east").values[`${project.name}:datacenters`] as object[]), { ...THIRD_DATACENTER, region }];
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), YAML.stringify(project));
    for (const stack of STACKS) fs.copyFileSync(path.join(PROJECT_DIR, `Pulumi.${stack}.yaml`), path.join(dir, `Pulumi.${stack}.yaml`));
    fs.writeFileSync(path.join(dir, `Pulumi.${conventionalStackName(region)}.yaml`), YAML.stringify({
        config: { "aws:region": region, [`${project.name}:datacenter`]: THIRD_DATACENTER.id, [`${project.name}:nodeAmiId`]: "ami-0123456789abcdef0" },
    }));
    return dir;
}

/**
 * The shipped Pulumi.yaml with `values` (unqualified keys every stack shares) set as they are set for
 * every stack: as each key's `value`.
 */
export function projectYamlWith(values: Record<string, unknown>): string {
    const project = YAML.parse(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8"));
    for (const [key, value] of Object.entries(values)) project.config[key].value = value;
    return YAML.stringify(project);
}

/** The text a node's user-data writes to `file` (decoded when it travels compressed). */
export function nodeFile(instance: RecordedResource, file: string): string {
    const entry = (YAML.parse(String(instance.inputs.userData)).write_files as WrittenFile[]).find((f) => f.path === file);
    if (!entry) throw new Error(`${instance.name} has no ${file}`);
    return writtenContent(entry);
}

export function ofType(program: ProgramRun, type: string): RecordedResource[] {
    return program.resources.filter((r) => r.type === type);
}

export function named(program: ProgramRun, name: string): RecordedResource {
    const found = program.resources.find((r) => r.name === name);
    if (!found) throw new Error(`no resource named ${name}; have: ${program.resources.map((r) => r.name).join(", ")}`);
    return found;
}

/** A ConfigSource over plain values, as Pulumi hands them to the program (strings, JSON). */
export function sourceOf(values: Record<string, unknown>): ConfigSource {
    return {
        get: (key) => {
            const value = values[key];
            return value === undefined ? undefined : typeof value === "string" ? value : JSON.stringify(value);
        },
    };
}

/** The project-namespace and aws-namespace config sources of a stack (for parseConfig tests). */
export function sourcesOf(config: StackConfig): { project: ConfigSource; aws: ConfigSource } {
    const under = (namespace: string) =>
        sourceOf(Object.fromEntries(
            Object.entries(config.values)
                .filter(([key]) => key.startsWith(`${namespace}:`))
                .map(([key, value]) => [key.slice(namespace.length + 1), value]),
        ));
    return { project: under(config.project), aws: under("aws") };
}

/** What a script run against fakes did: its exit status, stderr and the calls its fakes logged. */
export interface FakedRun<T> {
    status: number | null;
    stderr: string;
    /** One line per call the fakes appended to $FAKE_LOG, the temporary directory written as `<dir>`. */
    calls: string[];
    /** What `inspect` read from the directory before it was removed. */
    inspected: T;
}

/**
 * Runs `script` by bash in a temporary directory, with `fakes` (command name → bash body) first on
 * its PATH and `files` (name → content) written beside it. In `files` and `env` values, `<dir>`
 * stands for the directory; FAKE_LOG names the file the fakes append their calls to. The directory is removed after
 * `inspect` has read what the test needs from it.
 */
export function runWithFakes<T = undefined>(options: {
    prefix: string;
    script: string;
    fakes: Record<string, string>;
    files?: Record<string, string>;
    env: Record<string, string>;
    inspect?: (dir: string) => T;
}): FakedRun<T> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), options.prefix));
    try {
        fs.mkdirSync(path.join(dir, "bin"));
        for (const [name, body] of Object.entries(options.fakes)) fs.writeFileSync(path.join(dir, "bin", name), body, { mode: 0o755 });
        for (const [name, content] of Object.entries(options.files ?? {})) {
            fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
            fs.writeFileSync(path.join(dir, name), content.replaceAll("<dir>", dir));
        }
        fs.writeFileSync(path.join(dir, "script.sh"), options.script);
        const env = Object.fromEntries(Object.entries(options.env).map(([k, v]) => [k, v.replaceAll("<dir>", dir)]));
        const result = spawnSync("bash", [path.join(dir, "script.sh")], {
            encoding: "utf8",
            env: { PATH: `${dir}/bin:${process.env.PATH}`, FAKE_LOG: path.join(dir, "calls"), ...env },
        });
        const log = path.join(dir, "calls");
        const calls = fs.existsSync(log) ? fs.readFileSync(log, "utf8").replaceAll(dir, "<dir>").trim().split("\n").filter((line) => line) : [];
        return { status: result.status, stderr: result.stderr, calls, inspected: options.inspect?.(dir) as T };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

/**
 * Skips the test when a Debian tool it needs (shellcheck, cloud-init) is missing on a developer's
 * machine; in CI (.ci/run installs them) a missing tool fails instead.
 */
export function requireTool(context: Mocha.Context, tool: string): void {
    if (spawnSync("which", [tool]).status === 0) return;
    if (process.env.CI) throw new Error(`${tool} is not installed; .ci/run installs it`);
    context.skip();
}

/** shellcheck's verdict on a script: exit status and what it printed. */
export function shellcheck(script: string): { status: number | null; output: string } {
    const result = spawnSync("shellcheck", ["--severity=style", "-"], { input: script, encoding: "utf8" });
    return { status: result.status, output: result.stdout + result.stderr };
}
