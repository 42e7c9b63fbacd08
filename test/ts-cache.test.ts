/**
 * `npm run plan` loads its TypeScript through tools/register-ts.js, which keeps the transpiled text
 * on disk: a run must never execute an earlier version of a file, nor code from a cache directory
 * others can write, and errors must still name the source's lines.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROJECT_DIR } from "./harness";

const REGISTER = path.join(PROJECT_DIR, "tools", "register-ts.js");

describe("transpile cache of npm run plan (tools/register-ts.js)", function () {
    let dir: string;
    let cache: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "ts-cache-test-"));
        cache = path.join(dir, "cache");
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    const runTs = (file: string) => spawnSync(process.execPath, ["-r", REGISTER, file], {
        cwd: PROJECT_DIR, encoding: "utf8", env: { ...process.env, TS_TRANSPILE_CACHE: cache },
    });
    const write = (name: string, text: string) => fs.writeFileSync(path.join(dir, name), text);

    it("runs a changed file as it now is, not as it was cached", () => {
        write("value.ts", "export const value: number = 1;\n");
        write("main.ts", `import { value } from "./value";\nconsole.log(\`value \${value}\`);\n`);
        assert.strictEqual(runTs(path.join(dir, "main.ts")).stdout, "value 1\n");
        assert.strictEqual(runTs(path.join(dir, "main.ts")).stdout, "value 1\n", "second run, from the cache");
        write("value.ts", "export const value: number = 2;\n");
        const changed = runTs(path.join(dir, "main.ts"));
        assert.strictEqual(changed.stdout, "value 2\n", changed.stderr);
        assert.strictEqual(fs.readdirSync(cache).filter((f) => f.endsWith(".js")).length, 3, "main.ts and both versions of value.ts");
    });

    it("neither reads nor writes a cache directory others may write to", () => {
        fs.mkdirSync(cache, { mode: 0o700 });
        fs.chmodSync(cache, 0o777);
        write("main.ts", "const n: number = 3;\nconsole.log(`n ${n}`);\n");
        const result = runTs(path.join(dir, "main.ts"));
        assert.strictEqual(result.stdout, "n 3\n", result.stderr);
        assert.deepStrictEqual(fs.readdirSync(cache), []);
    });

    it("refuses a cache directory that is a symlink, even to a private folder of this user", () => {
        // The review's reproduction (issue 23): the directory was checked once with stat, which follows
        // the link, and the link could be swapped to someone else's folder afterwards.
        const target = path.join(dir, "elsewhere");
        fs.mkdirSync(target, { mode: 0o700 });
        fs.symlinkSync(target, cache);
        write("main.ts", "const n: number = 4;\nconsole.log(`n ${n}`);\n");
        const result = runTs(path.join(dir, "main.ts"));
        assert.strictEqual(result.stdout, "n 4\n", result.stderr);
        assert.match(result.stderr, /TS_TRANSPILE_CACHE=.* is a symlink, not this user's, or others can write to it or to a folder above it: not used/);
        assert.deepStrictEqual(fs.readdirSync(target), []);
    });

    it("refuses a private cache directory inside a folder others may write to (no sticky bit)", () => {
        const open = path.join(dir, "open");
        fs.mkdirSync(open);
        fs.chmodSync(open, 0o777);
        cache = path.join(open, "cache");
        fs.mkdirSync(cache, { mode: 0o700 });
        write("main.ts", "const n: number = 5;\nconsole.log(`n ${n}`);\n");
        const result = runTs(path.join(dir, "main.ts"));
        assert.strictEqual(result.stdout, "n 5\n", result.stderr);
        assert.match(result.stderr, /not used/);
        assert.deepStrictEqual(fs.readdirSync(cache), []);
        // The same folder with the sticky bit (as /tmp): others cannot rename or remove what is ours.
        fs.chmodSync(open, 0o1777);
        const sticky = runTs(path.join(dir, "main.ts"));
        assert.strictEqual(sticky.stdout, "n 5\n", sticky.stderr);
        assert.strictEqual(fs.readdirSync(cache).length, 1, "used under a sticky folder");
    });

    it("never runs a cache file that was edited, truncated, replaced by a symlink or left writable by others", () => {
        write("main.ts", "const n: number = 6;\nconsole.log(`genuine ${n}`);\n");
        assert.strictEqual(runTs(path.join(dir, "main.ts")).stdout, "genuine 6\n");
        const [entry] = fs.readdirSync(cache);
        const file = path.join(cache, entry);
        const genuine = fs.readFileSync(file, "utf8");
        const genuineMode = fs.lstatSync(file).mode;
        const evil = path.join(dir, "evil.js");
        fs.writeFileSync(evil, 'console.log("evil");\n');
        const tamper: Array<[string, () => void]> = [
            ["edited, its hash line kept", () => fs.writeFileSync(file, genuine.replace(/^[^\n]*console\.log[^\n]*$/m, 'console.log("evil");'))],
            ["truncated", () => fs.writeFileSync(file, genuine.slice(0, genuine.length - 10))],
            ["a symlink to other code", () => { fs.rmSync(file); fs.symlinkSync(evil, file); }],
            ["writable by others", () => { fs.writeFileSync(file, genuine); fs.chmodSync(file, 0o666); }],
        ];
        for (const [how, act] of tamper) {
            act();
            assert.notStrictEqual(fs.readFileSync(file, "utf8") + fs.lstatSync(file).mode, genuine + genuineMode, `${how}: the cache file was changed`);
            const result = runTs(path.join(dir, "main.ts"));
            assert.strictEqual(result.stdout, "genuine 6\n", `${how}: ${result.stderr}`);
            assert.strictEqual(fs.readFileSync(file, "utf8"), genuine, `${how}: transpiled afresh and written back`);
            assert.ok(!fs.lstatSync(file).isSymbolicLink() && (fs.statSync(file).mode & 0o077) === 0, how);
        }
    });

    it("reports errors at the source's own line, cold and from the cache", () => {
        write("main.ts", "interface Shape {\n    sides: number;\n}\nconst shape: Shape = { sides: 3 };\nthrow new Error(`bad shape ${shape.sides}`);\n");
        for (const run of ["cold", "cached"]) {
            const result = runTs(path.join(dir, "main.ts"));
            assert.notStrictEqual(result.status, 0, run);
            assert.match(result.stderr, /main\.ts:5\b/, `${run}: ${result.stderr}`);
        }
    });
});
