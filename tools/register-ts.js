/**
 * `node -r ./tools/register-ts.js tools/plan/cli.ts`: sucrase's TypeScript hook (the transforms of
 * sucrase/register/ts: "imports", "typescript") with the transpiled text kept on disk, keyed by the
 * file's content, sucrase's version and the transforms (sucrase reads the path only for source maps
 * and error messages: a base checkout's unchanged files share the entries of the head's). Transpiling the ~100 files the plan
 * loads (~710 KB) was 14% of every `npm run plan` (CPU profile: docs/plan-speed.md); a run whose
 * sources did not change since an earlier one reads them instead.
 *
 * No inline source map is written (sucrase/register/ts writes one): Node reads source maps only with
 * --enable-source-maps, and sucrase keeps every line where it was, so stack traces name the same
 * lines. A cache that cannot be read or written is skipped: the file is transpiled as before. Code
 * runs from the cache only when its directory is this user's and writable by no one else.
 * Where: $TS_TRANSPILE_CACHE, else <os tmpdir>/wso2-apim-multi-dc-ts-<uid>.
 */
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const os = require("os");
const path = require("path");
// pirates is sucrase's own dependency (what sucrase/register uses): resolved from sucrase's folder.
const pirates = require(require.resolve("pirates", { paths: [path.dirname(require.resolve("sucrase/package.json"))] }));

const TRANSFORMS = ["imports", "typescript"];
const SUCRASE_VERSION = require("sucrase/package.json").version;
const uid = typeof process.getuid === "function" ? process.getuid() : "user";
const cacheDir = process.env.TS_TRANSPILE_CACHE || path.join(os.tmpdir(), `wso2-apim-multi-dc-ts-${uid}`);

/** The cache directory, created private; null when it is someone else's or open to others. */
function privateCacheDir() {
    try {
        fs.mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
        const stat = fs.statSync(cacheDir);
        const owned = typeof process.getuid !== "function" || stat.uid === process.getuid();
        return stat.isDirectory() && owned && (stat.mode & 0o022) === 0 ? cacheDir : null;
    } catch {
        return null;
    }
}
const usableDir = privateCacheDir();

let sucrase;
function transpile(code, filePath) {
    sucrase = sucrase || require("sucrase");
    return sucrase.transform(code, { transforms: TRANSFORMS, filePath }).code;
}

function cached(code, filePath) {
    if (usableDir === null) return transpile(code, filePath);
    const key = crypto.createHash("sha256").update(JSON.stringify([SUCRASE_VERSION, TRANSFORMS])).update("\0").update(code).digest("hex");
    const file = path.join(usableDir, `${key}.js`);
    try {
        return fs.readFileSync(file, "utf8");
    } catch {
        // not cached yet (or unreadable): transpile below
    }
    const output = transpile(code, filePath);
    try {
        // Written aside and renamed: a process reading concurrently never sees half a file.
        const partial = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(partial, output);
        fs.renameSync(partial, file);
    } catch {
        // a cache that cannot be written only costs the next run its transpiling
    }
    return output;
}

pirates.addHook(cached, { exts: [".ts"] });
