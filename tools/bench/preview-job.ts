/**
 * Time from job start to comment in the offline-plan job of .github/workflows/preview.yml, warm
 * cache, replayed locally step by step as the workflow runs them: npm ci with a warm npm cache (what
 * setup-node restores from the cache main's npm-cache workflow saves), the base's install (reusing
 * the head's node_modules when package-lock.json is the same) and plan, the head's plan against it,
 * and composing the comment. Checkout, setup-node's download and the artifact uploads are GitHub's
 * and not replayed.
 *
 * Run: npm run bench:preview-job [-- <base-ref>] (default HEAD~1). The head is the committed HEAD,
 * exported with git archive like a checkout; everything goes to BENCH_DIR (default a folder in the
 * system's temp directory), whose npm-cache/ is seeded once, untimed, from a copy of ~/.npm plus
 * one install (main's cache-seeding run). Prints figures; never a pass/fail threshold.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const projectDir = path.resolve(__dirname, "..", "..");
const baseRef = process.argv[2] ?? "HEAD~1";
const benchDir = path.resolve(process.env.BENCH_DIR ?? path.join(os.tmpdir(), "preview-job-bench"));
const cache = path.join(benchDir, "npm-cache");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const env = { ...process.env, npm_config_cache: cache, npm_config_audit: "false", npm_config_fund: "false", CI: "1" };

function exportTree(ref: string, dir: string): void {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const tar = execFileSync("git", ["archive", ref], { cwd: projectDir, maxBuffer: 1 << 30 });
    execFileSync("tar", ["-x", "-C", dir], { input: tar });
}

function run(label: string, command: string, args: string[], cwd: string, allowFailure = false): number {
    const start = process.hrtime.bigint();
    const result = spawnSync(command, args, { cwd, env, encoding: "utf8", maxBuffer: 1 << 28 });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (result.status !== 0 && !allowFailure) throw new Error(`${label} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
    console.log(`${label.padEnd(44)} ${seconds.toFixed(2).padStart(7)} s${result.status !== 0 ? " (failed)" : ""}`);
    return seconds;
}

fs.mkdirSync(benchDir, { recursive: true });
console.log(`node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? "unknown"}); bench folder ${benchDir}`);

// Main's npm-cache run, untimed: a copy of the local npm cache, then one install that fills what it lacks.
if (!fs.existsSync(cache)) {
    const home = path.join(os.homedir(), ".npm");
    if (fs.existsSync(home)) fs.cpSync(home, cache, { recursive: true });
    const seed = path.join(benchDir, "seed");
    exportTree("HEAD", seed);
    run("seed the npm cache (main's run, untimed)", npm, ["ci"], seed);
    fs.rmSync(seed, { recursive: true, force: true });
}

const workspace = path.join(benchDir, "workspace");
exportTree("HEAD", workspace);
exportTree(baseRef, path.join(workspace, "base"));

const steps: number[] = [];
steps.push(run("npm ci (head, warm cache)", npm, ["ci"], workspace));
const sameLock = fs.readFileSync(path.join(workspace, "package-lock.json"), "utf8") === fs.readFileSync(path.join(workspace, "base", "package-lock.json"), "utf8");
if (sameLock) {
    fs.symlinkSync("../node_modules", path.join(workspace, "base", "node_modules"));
    console.log(`${"base install: lockfile unchanged, node_modules reused".padEnd(44)} ${"0.00".padStart(7)} s`);
} else {
    steps.push(run("npm ci (base, lockfile differs)", npm, ["ci"], path.join(workspace, "base")));
}
steps.push(run("plan of the base", npm, ["run", "plan", "--", "--out", path.join(workspace, "out-base")], path.join(workspace, "base"), true));
steps.push(run("plan of the head against the base", npm, ["run", "plan", "--", "--diff", "out-base"], workspace));
steps.push(run("compose the comment", process.execPath, ["-r", "sucrase/register/ts", "tools/plan/comment-cli.ts",
    "--head", "out", "--head-outcome", "success", "--base", "out-base", "--base-outcome", "success",
    "--head-commit", "0000000", "--base-commit", "1111111", "--out", "comment.md"], workspace));
console.log(`${"job start to comment.md".padEnd(44)} ${steps.reduce((a, b) => a + b, 0).toFixed(2).padStart(7)} s`);
