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

    it("reports errors at the source's own line, cold and from the cache", () => {
        write("main.ts", "interface Shape {\n    sides: number;\n}\nconst shape: Shape = { sides: 3 };\nthrow new Error(`bad shape ${shape.sides}`);\n");
        for (const run of ["cold", "cached"]) {
            const result = runTs(path.join(dir, "main.ts"));
            assert.notStrictEqual(result.status, 0, run);
            assert.match(result.stderr, /main\.ts:5\b/, `${run}: ${result.stderr}`);
        }
    });
});
