/**
 * Plan speed against its floor: the time Node needs just to load @pulumi/pulumi and @pulumi/aws,
 * versus `npm run plan` of every stack (both as fresh processes, median of several runs). `npm run plan`
 * keeps transpiled TypeScript on disk (tools/register-ts.js): the plan is timed as a developer reruns it
 * (sources unchanged since an earlier run) and cold, each run with an empty cache, as a fresh CI job
 * runs it. Run: npm run bench:plan [-- <runs>]. Prints figures; never a pass/fail threshold.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const projectDir = path.resolve(__dirname, "..", "..");
const runs = Number(process.argv[2] ?? 5);

function medianSeconds(label: string, args: string[], env: () => NodeJS.ProcessEnv = () => process.env): number {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
        const runEnv = env();
        const start = process.hrtime.bigint();
        const result = spawnSync(process.execPath, args, { cwd: projectDir, encoding: "utf8", env: runEnv });
        const seconds = Number(process.hrtime.bigint() - start) / 1e9;
        if (result.status !== 0) throw new Error(`${label} failed:\n${result.stderr}`);
        times.push(seconds);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)];
    console.log(`${label}: median ${median.toFixed(2)} s of ${runs} (${times.map((t) => t.toFixed(2)).join(", ")})`);
    return median;
}

const out = fs.mkdtempSync(path.join(os.tmpdir(), "plan-bench-"));
process.on("exit", () => fs.rmSync(out, { recursive: true, force: true })); // the plans are not kept, whatever happens
console.log(`node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? "unknown"})`);
const floor = medianSeconds("load @pulumi/pulumi + @pulumi/aws", ["-e", "require('@pulumi/pulumi'); require('@pulumi/aws')"]);
// As package.json's "plan" runs it.
const planArgs = ["-r", "./tools/register-ts.js", "tools/plan/cli.ts", "--out", out];
const plan = medianSeconds("plan of every stack", planArgs);
const cold = medianSeconds("plan of every stack, nothing transpiled yet", planArgs,
    () => ({ ...process.env, TS_TRANSPILE_CACHE: fs.mkdtempSync(path.join(out, ".ts-cache-")) }));
// The same number of resources per stack, declared bare under Pulumi's mocks: what the runtime alone costs.
const counts = fs.readdirSync(out).filter((stack) => fs.existsSync(path.join(out, stack, "plan.json")))
    .map((stack) => JSON.parse(fs.readFileSync(path.join(out, stack, "plan.json"), "utf8")).resources.length as number);
const mocks = medianSeconds(`Pulumi's mocks alone, ${counts.join(" + ")} plain resources`, ["-r", "./tools/register-ts.js", "tools/bench/mock-floor.ts", ...counts.map(String)]);
console.log(`ratio: ${(plan / floor).toFixed(2)}×, cold ${(cold / floor).toFixed(2)}× (target: at most 2×, issue 23); `
    + `Pulumi's mocks alone ${(mocks / floor).toFixed(2)}×, the plan ${(plan / mocks).toFixed(2)}× that`);
fs.rmSync(out, { recursive: true, force: true });
