/**
 * `node -r sucrase/register/ts tools/plan/comment-cli.ts --head <dir> --head-outcome <outcome> [--head-log <file>]
 *   [--base <dir> --base-outcome <outcome> [--base-log <file>]] [--head-commit <sha>] [--base-commit <sha>]
 *   [--artifact-url <url>] --out <file>`
 *
 * Writes the pull-request comment of the offline plan (tools/plan/comment.ts). The outcomes are
 * GitHub's step outcomes of the two `npm run plan` steps (success, failure, cancelled, skipped).
 */
import * as fs from "fs";
import { readPlanDir, renderComment, renderFailureComment } from "./comment";

function parseArgs(argv: string[]): Map<string, string> {
    const options = new Map<string, string>();
    for (let i = 0; i < argv.length; i += 2) {
        const [flag, value] = [argv[i], argv[i + 1]];
        if (!flag.startsWith("--") || value === undefined) throw new Error(`expected --<option> <value>, got ${argv.slice(i).join(" ")}`);
        options.set(flag.slice(2), value);
    }
    for (const required of ["head", "head-outcome", "out"]) {
        if (!options.get(required)) throw new Error(`--${required} is required`);
    }
    return options;
}

const short = (sha: string | undefined) => (sha ? sha.slice(0, 7) : "?");

export function main(argv: string[]): void {
    const options = parseArgs(argv);
    let comment: string;
    try {
        comment = compose(options);
    } catch (err) {
        // The composer must not be the only writer of the comment: a builder that throws still
        // replaces the sticky comment, saying what failed (and the job then fails).
        comment = renderFailureComment({
            what: "Composing the plan comment failed",
            detail: (err as Error).stack ?? String(err),
            headCommit: short(options.get("head-commit")),
            at: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
            artifactUrl: options.get("artifact-url") || null,
        });
        fs.writeFileSync(options.get("out")!, comment);
        throw err;
    }
    fs.writeFileSync(options.get("out")!, comment);
    console.log(`${options.get("out")}: ${comment.length} characters, ${Buffer.byteLength(comment)} bytes`);
}

function compose(options: Map<string, string>): string {
    return renderComment({
        head: readPlanDir(options.get("head")!, options.get("head-outcome")!, options.get("head-log") ?? null),
        base: readPlanDir(options.get("base") ?? "", options.get("base-outcome") ?? "skipped", options.get("base-log") ?? null),
        headCommit: short(options.get("head-commit")),
        baseCommit: short(options.get("base-commit")),
        artifactUrl: options.get("artifact-url") || null,
    });
}

if (require.main === module) {
    try {
        main(process.argv.slice(2));
    } catch (err) {
        console.error(`comment failed: ${(err as Error).message}`);
        process.exit(1);
    }
}
