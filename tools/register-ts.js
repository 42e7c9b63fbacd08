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
 * lines. A cache that cannot be read or written is skipped: the file is transpiled as before.
 *
 * Where: $TS_TRANSPILE_CACHE, else <project>/node_modules/.cache/wso2-apim-multi-dc-ts (the
 * `node_modules/.cache/<name>` convention of nyc, AVA, babel-loader, eslint: find-cache-dir's README),
 * so no directory shared with other users (the system's tmp) is involved by default. Code runs from
 * the cache only when nobody else can put it there:
 * - the directory is not a symlink (lstat), is a directory this user owns, writable by no one else;
 * - every ancestor of its real path up to / belongs to this user or root and is not writable by
 *   group or others, unless it has the sticky bit (like /tmp: others cannot rename what is ours);
 * - each cache file is opened with O_NOFOLLOW (a symlink in its place fails, ELOOP: open(2)), its
 *   fstat must say a regular file of this user writable by no one else, and its last line carries the
 *   sha256 of the text above it: a truncated or edited file is transpiled afresh, never run.
 * (Review of issue 23: a cache directory checked once with stat, which follows symlinks, and an
 * unchecked parent let a swapped symlink serve other code.)
 */
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");
// pirates is sucrase's own dependency (what sucrase/register uses): resolved from sucrase's folder.
const pirates = require(require.resolve("pirates", { paths: [path.dirname(require.resolve("sucrase/package.json"))] }));

const TRANSFORMS = ["imports", "typescript"];
const SUCRASE_VERSION = require("sucrase/package.json").version;
const PROJECT_DIR = path.resolve(__dirname, "..");
const DEFAULT_DIR = path.join(PROJECT_DIR, "node_modules", ".cache", "wso2-apim-multi-dc-ts");
const myUid = typeof process.getuid === "function" ? process.getuid() : null;
const STICKY = 0o1000;
const TRAILER = "\n//# sha256=";

/** Owned by this user (or, for ancestors, root), and writable by no one else unless sticky. */
function safeStat(stat, { ancestor }) {
    if (myUid === null) return true; // no uids (Windows): nothing to compare
    const owned = stat.uid === myUid || (ancestor && stat.uid === 0);
    const othersWrite = (stat.mode & 0o022) !== 0;
    return owned && (!othersWrite || (ancestor && (stat.mode & STICKY) !== 0));
}

/** The cache directory's real path, created private; null when someone else could write into it. */
function privateCacheDir(dir) {
    try {
        if (dir === DEFAULT_DIR) fs.mkdirSync(path.dirname(dir), { recursive: true });
        try {
            fs.mkdirSync(dir, { mode: 0o700 });
        } catch (error) {
            if (error.code !== "EEXIST") throw error;
        }
        const own = fs.lstatSync(dir);
        if (own.isSymbolicLink() || !own.isDirectory() || !safeStat(own, { ancestor: false })) return null;
        const real = fs.realpathSync(dir);
        for (let up = path.dirname(real); ; up = path.dirname(up)) {
            if (!safeStat(fs.statSync(up), { ancestor: true })) return null;
            if (path.dirname(up) === up) break;
        }
        return real;
    } catch {
        return null;
    }
}
const cacheDir = process.env.TS_TRANSPILE_CACHE ? path.resolve(process.env.TS_TRANSPILE_CACHE) : DEFAULT_DIR;
const usableDir = privateCacheDir(cacheDir);
if (usableDir === null && process.env.TS_TRANSPILE_CACHE) {
    process.emitWarning(`TS_TRANSPILE_CACHE=${process.env.TS_TRANSPILE_CACHE} is a symlink, not this user's, or others can write to it or to a folder above it: not used, every file is transpiled`);
}

let sucrase;
function transpile(code, filePath) {
    sucrase = sucrase || require("sucrase");
    return sucrase.transform(code, { transforms: TRANSFORMS, filePath }).code;
}

const sha256 = (text) => crypto.createHash("sha256").update(text).digest("hex");

/** The cached text of `file`, or null: not there, a symlink, not ours, open to others, or not what was written. */
function readCached(file) {
    let fd;
    try {
        fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
        const stat = fs.fstatSync(fd);
        if (!stat.isFile() || !safeStat(stat, { ancestor: false })) return null;
        const text = fs.readFileSync(fd, "utf8");
        const at = text.lastIndexOf(TRAILER);
        if (at < 0) return null;
        const output = text.slice(0, at);
        return text.slice(at + TRAILER.length) === sha256(output) ? output : null;
    } catch {
        return null;
    } finally {
        if (fd !== undefined) fs.closeSync(fd);
    }
}

function cached(code, filePath) {
    if (usableDir === null) return transpile(code, filePath);
    const key = sha256(JSON.stringify([SUCRASE_VERSION, TRANSFORMS]) + "\0" + code);
    const file = path.join(usableDir, `${key}.js`);
    const hit = readCached(file);
    if (hit !== null) return hit;
    const output = transpile(code, filePath);
    try {
        // Written aside (O_EXCL: never through a planted link) and renamed: a concurrent reader never sees half a file.
        const partial = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(partial, output + TRAILER + sha256(output), { flag: "wx", mode: 0o600 });
        fs.renameSync(partial, file);
    } catch {
        // a cache that cannot be written only costs the next run its transpiling
    }
    return output;
}

pirates.addHook(cached, { exts: [".ts"] });
