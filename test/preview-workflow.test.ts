/**
 * .github/workflows/preview.yml as GitHub runs it: parsed, checked offline against the Actions
 * schema, and asserted for what makes it work on a real repository (docs/preview.md): forks, the
 * base, a failed plan, the gate of the real preview, one stack prefix, and per-job permissions.
 * Steps whose shell the tests can run (composing the comment, the preview gate) are run.
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { PROJECT_DIR, requireTool, shellcheck, temporaryDirectories } from "./harness";

const WORKFLOWS = path.join(PROJECT_DIR, ".github", "workflows");
const WORKFLOW = path.join(WORKFLOWS, "preview.yml");
const COMMENT_WORKFLOW = path.join(WORKFLOWS, "preview-comment.yml");
const CACHE_WORKFLOW = path.join(WORKFLOWS, "npm-cache.yml");
const commentText = fs.readFileSync(COMMENT_WORKFLOW, "utf8");
const commentWorkflow = YAML.parse(commentText);
const cacheWorkflow = YAML.parse(fs.readFileSync(CACHE_WORKFLOW, "utf8"));
/** Every step of every job of the three workflows. */
const allSteps = (): any[] => [workflow, commentWorkflow, cacheWorkflow].flatMap((w) => Object.values(w.jobs).flatMap((job: any) => job.steps));
const text = fs.readFileSync(WORKFLOW, "utf8");
const workflow = YAML.parse(text);
const steps = (job: string): any[] => workflow.jobs[job].steps;
const step = (job: string, predicate: (s: any) => boolean) => {
    const found = steps(job).find(predicate);
    assert.ok(found, `no such step in ${job}`);
    return found;
};
const uses = (job: string, action: string) => step(job, (s) => s.uses?.startsWith(`${action}@`));
const named = (job: string, name: string) => step(job, (s) => s.name === name);
const runs = (job: string) => steps(job).map((s) => s.run).filter(Boolean).join("\n");
const SAME_REPOSITORY = "github.event.pull_request.head.repo.full_name == github.repository";

/** Runs a step's shell as the runner would (bash -e), with its env and extra variables, in `cwd`. */
function runStep(s: any, cwd: string, env: Record<string, string>) {
    return spawnSync("bash", ["-e", "-c", s.run], { cwd, env: { ...process.env, ...env }, encoding: "utf8" });
}

describe("pull-request workflow", () => {
    const tempDir = temporaryDirectories();
    it("passes the GitHub Actions schema (action-validator, offline): the preview, its comment workflow and the cache seeding", () => {
        for (const file of [WORKFLOW, COMMENT_WORKFLOW, CACHE_WORKFLOW]) {
            const result = spawnSync(process.execPath, [path.join(PROJECT_DIR, "node_modules", "@action-validator", "cli", "cli.mjs"), file], { encoding: "utf8" });
            assert.equal(result.status, 0, `${path.basename(file)}: ${result.stdout}${result.stderr}`);
        }
    });

    it("runs on pull_request, never pull_request_target (which hands secrets and a write token to the pull request's code)", () => {
        assert.deepEqual(Object.keys(workflow.on), ["pull_request"]);
        assert.doesNotMatch(text, /pull_request_target:/);
    });

    it("grants permissions per job: write only to the comment job, which runs no code of the pull request; OIDC only to the preview", () => {
        assert.deepEqual(workflow.permissions, { contents: "read" });
        const granted = Object.fromEntries(Object.entries(workflow.jobs).map(([name, job]: [string, any]) => [name, job.permissions]));
        assert.deepEqual(granted, {
            test: { contents: "read" },
            "offline-plan": { contents: "read" },
            comment: { "pull-requests": "write" },
            "preview-config": { contents: "read" },
            "pulumi-preview": { contents: "read", "id-token": "write" },
        });
        assert.deepEqual(steps("comment").map((s) => s.uses.replace(/@.*/, "")), ["actions/download-artifact", "marocchino/sticky-pull-request-comment"]);
        assert.equal(steps("comment").some((s) => s.run), false);
    });

    it("runs .ci/run, which installs every Debian tool the tests require under CI and runs the README's test command", () => {
        assert.equal(runs("test"), "bash .ci/run");
        assert.ok(steps("test").some((s) => s.with?.["node-version"] === 22));
        const ci = fs.readFileSync(path.join(PROJECT_DIR, ".ci", "run"), "utf8");
        assert.match(ci, /^npm test$/m);
        assert.match(ci, /^export CI=1$/m);
        // Every tool a test requires (requireTool fails under CI when it is missing) is installed there.
        const required = new Set<string>();
        for (const file of fs.readdirSync(path.join(PROJECT_DIR, "test")).filter((f) => f.endsWith(".ts"))) {
            for (const m of fs.readFileSync(path.join(PROJECT_DIR, "test", file), "utf8").matchAll(/requireTool\(this, "([^"]+)"\)/g)) required.add(m[1]);
        }
        assert.ok(required.size > 0);
        // sh and sha256sum are Debian's Essential packages (dash, coreutils): always there.
        for (const tool of [...required].filter((t) => !["sh", "sha256sum"].includes(t))) {
            assert.match(ci, new RegExp(`command -v ${tool} `), `.ci/run checks for ${tool}`);
        }
    });

    it("plans the base at the merge commit's first parent, not pull_request.base.sha (which can lag main)", () => {
        const [checkout] = steps("offline-plan");
        assert.ok(checkout.uses.startsWith("actions/checkout@"));
        assert.equal(checkout.with.ref, undefined, "the merge commit GitHub made for the pull request");
        assert.equal(checkout.with["fetch-depth"], 2, "the merge commit and its parents");
        const base = named("offline-plan", "Check out the base, the merge commit's first parent");
        assert.match(base.run, /^echo "sha=\$\(git rev-parse HEAD\^1\)" >> "\$GITHUB_OUTPUT"$/m);
        assert.match(base.run, /^git worktree add --detach base HEAD\^1$/m);
        assert.doesNotMatch(text, /\$\{\{[^}]*base\.sha/, "no expression reads pull_request.base.sha");
        const basePlan = step("offline-plan", (s) => s.id === "base-plan");
        assert.equal(basePlan["working-directory"], "base");
        assert.equal(basePlan["continue-on-error"], true);
        assert.match(basePlan.run, /npm run plan -- --out "\$GITHUB_WORKSPACE\/out-base"/);
    });

    it("forks: the plan goes to the artifact and the job summary; only the comment job is skipped, so no job goes red", () => {
        const artifact = uses("offline-plan", "actions/upload-artifact");
        assert.equal(artifact.if, "${{ !cancelled() }}");
        assert.deepEqual(artifact.with.path.trim().split("\n"), ["out/", "out-base/", "npm-ci-head.log", "plan-base.log", "plan-head.log"]);
        const summary = named("offline-plan", "Show the comment in the job summary");
        assert.equal(summary.if, "${{ !cancelled() }}");
        assert.equal(summary.run, 'cat comment.md >> "$GITHUB_STEP_SUMMARY"');
        assert.equal(workflow.jobs["offline-plan"].if, undefined);
        assert.equal(workflow.jobs.comment.if, `\${{ !cancelled() && ${SAME_REPOSITORY} }}`);
        assert.deepEqual(workflow.jobs.comment.needs, "offline-plan");
        assert.deepEqual(uses("comment", "marocchino/sticky-pull-request-comment").with, { header: "offline-plan", path: "comment.md" });
    });

    it("a failed plan of the pull request still composes and posts the comment, which says so, and then fails the job", () => {
        const headPlan = step("offline-plan", (s) => s.id === "head-plan");
        assert.equal(headPlan["continue-on-error"], true);
        assert.equal(headPlan.shell, "bash", "bash -o pipefail: the plan's status survives the tee");
        assert.equal(headPlan.run, "npm run plan -- --diff out-base 2>&1 | tee plan-head.log");
        const compose = named("offline-plan", "Compose the comment");
        assert.equal(compose.if, "${{ !cancelled() }}");
        assert.equal(compose.env.HEAD_OUTCOME, "${{ steps.head-plan.outcome }}");
        assert.equal(compose.env.BASE_OUTCOME, "${{ steps.base-plan.outcome }}");
        assert.equal(compose.env.ARTIFACT_URL, "${{ steps.artifact.outputs.artifact-url }}");
        assert.equal(compose["continue-on-error"], true, "the comment is posted before the job fails");
        const last = steps("offline-plan").at(-1);
        assert.equal(last.if, "${{ steps.head-install.outcome == 'failure' || steps.head-plan.outcome == 'failure' || steps.compose.outcome == 'failure' }}");
        assert.match(last.run, /exit 1/);

        // The step's own command, in a workspace where the plan failed and the base planned nothing.
        const workspace = tempDir("workflow-compose-");
        for (const link of ["tools", "lib", "node_modules"]) fs.symlinkSync(path.join(PROJECT_DIR, link), path.join(workspace, link));
        fs.writeFileSync(path.join(workspace, "plan-head.log"), "plan failed: stack us-east: nodeCount must be at least 1\n");
        const result = runStep(compose, workspace, {
            HEAD_OUTCOME: "failure", BASE_OUTCOME: "success", HEAD_SHA: "2222222aaaa", BASE_SHA: "1111111bbbb", ARTIFACT_URL: "https://example.invalid/artifact",
        });
        assert.equal(result.status, 0, result.stderr);
        const comment = fs.readFileSync(path.join(workspace, "comment.md"), "utf8");
        assert.match(comment, /\*\*The plan of this pull request failed\*\* at 2222222/);
        assert.match(comment, /^plan failed: stack us-east: nodeCount must be at least 1$/m);
    });

    it("runs the real preview only when everything it needs is configured, and says what is missing otherwise", () => {
        const check = named("preview-config", "Check what the preview needs");
        assert.deepEqual(check.env, {
            FORK: `\${{ github.event.pull_request.head.repo.full_name != github.repository }}`,
            AWS_PREVIEW_ROLE_ARN: "${{ vars.AWS_PREVIEW_ROLE_ARN }}",
            PULUMI_ACCESS_TOKEN_SET: "${{ secrets.PULUMI_ACCESS_TOKEN != '' }}",
            PULUMI_OIDC_ORGANIZATION: "${{ vars.PULUMI_OIDC_ORGANIZATION }}",
            PULUMI_OIDC_TEAM: "${{ vars.PULUMI_OIDC_TEAM }}",
        });
        const job = workflow.jobs["pulumi-preview"];
        assert.equal(job.needs, "preview-config");
        assert.equal(job.if, "${{ needs.preview-config.outputs.ready == 'true' }}");

        const out = tempDir("workflow-gate-");
        const files = { GITHUB_OUTPUT: path.join(out, "output"), GITHUB_STEP_SUMMARY: path.join(out, "summary") };
        const unset = runStep(check, PROJECT_DIR, { FORK: "false", AWS_PREVIEW_ROLE_ARN: "", PULUMI_ACCESS_TOKEN_SET: "false", ...files });
        assert.equal(unset.status, 0, unset.stderr);
        assert.match(fs.readFileSync(files.GITHUB_OUTPUT, "utf8"), /^ready=false$/m);
        const summary = fs.readFileSync(files.GITHUB_STEP_SUMMARY, "utf8");
        assert.match(summary, /repository variable AWS_PREVIEW_ROLE_ARN/);
        assert.match(summary, /a Pulumi token: repository variable PULUMI_OIDC_ORGANIZATION .*, or repository secret PULUMI_ACCESS_TOKEN/);
        assert.match(summary, /stackReferencePrefix in Pulumi\.yaml: still the shipped example/);

        // OIDC instead of the secret: the token is no longer missing, and the organization is checked against the prefix's.
        fs.rmSync(files.GITHUB_STEP_SUMMARY);
        const oidc = runStep(check, PROJECT_DIR, { FORK: "false", AWS_PREVIEW_ROLE_ARN: "arn:aws:iam::123456789012:role/p", PULUMI_ACCESS_TOKEN_SET: "false", PULUMI_OIDC_ORGANIZATION: "acme", PULUMI_OIDC_TEAM: "readers", ...files });
        assert.equal(oidc.status, 0, oidc.stderr);
        const oidcSummary = fs.readFileSync(files.GITHUB_STEP_SUMMARY, "utf8");
        assert.doesNotMatch(oidcSummary, /a Pulumi token:/);
        assert.match(oidcSummary, /repository variable PULUMI_OIDC_ORGANIZATION \(acme\) is not the organization of stackReferencePrefix \(organization\)/);
    });

    it("gets the Pulumi token from an OIDC exchange when PULUMI_OIDC_ORGANIZATION is set, and from the secret only otherwise", () => {
        const exchange = uses("pulumi-preview", "pulumi/auth-actions");
        assert.equal(exchange.id, "pulumi-token");
        assert.equal(exchange.if, "${{ vars.PULUMI_OIDC_ORGANIZATION != '' }}");
        // organization and requested-token-type: both required by the action's source (src/main.ts).
        assert.deepEqual(exchange.with, {
            organization: "${{ vars.PULUMI_OIDC_ORGANIZATION }}",
            "requested-token-type": "${{ vars.PULUMI_OIDC_TEAM != '' && 'urn:pulumi:token-type:access_token:team' || 'urn:pulumi:token-type:access_token:organization' }}",
            scope: "${{ vars.PULUMI_OIDC_TEAM != '' && format('team:{0}', vars.PULUMI_OIDC_TEAM) || '' }}",
        });
        const preview = named("pulumi-preview", "Preview the stack");
        const order = steps("pulumi-preview");
        assert.ok(order.indexOf(exchange) < order.indexOf(preview));
        // A step's env beats what auth-actions exported through GITHUB_ENV: a plain secret here would
        // replace the exchanged token with an empty one. The exchanged token first, the secret only without it.
        assert.equal(preview.env.PULUMI_ACCESS_TOKEN, "${{ steps.pulumi-token.outputs.pulumi-access-token || secrets.PULUMI_ACCESS_TOKEN }}");
        assert.deepEqual(workflow.jobs["pulumi-preview"].permissions, { contents: "read", "id-token": "write" });
        // Nowhere else does the token appear.
        const mentions = Object.values(workflow.jobs).flatMap((job: any) => job.steps).filter((s: any) => JSON.stringify(s).includes("secrets.PULUMI_ACCESS_TOKEN"));
        assert.deepEqual(mentions.map((s: any) => s.name ?? s.id), ["Check what the preview needs", "Preview the stack"]);
    });

    it("names the Pulumi stacks from stackReferencePrefix and the stack files: one source, no second variable", () => {
        assert.doesNotMatch(text, /PULUMI_STACK_PREFIX/);
        const job = workflow.jobs["pulumi-preview"];
        assert.equal(job.strategy.matrix.include, "${{ fromJSON(needs.preview-config.outputs.stacks) }}");
        assert.deepEqual(workflow.jobs["preview-config"].outputs, { ready: "${{ steps.check.outputs.ready }}", stacks: "${{ steps.check.outputs.stacks }}" });
        const credentials = uses("pulumi-preview", "aws-actions/configure-aws-credentials");
        assert.deepEqual(credentials.with, { "role-to-assume": "${{ vars.AWS_PREVIEW_ROLE_ARN }}", "aws-region": "${{ matrix.region }}" });
        // pulumi/actions only installs the CLI (no `command`): its own preview writes no summary on failure.
        assert.deepEqual(uses("pulumi-preview", "pulumi/actions").with, { "pulumi-version": "^3" });
        const preview = named("pulumi-preview", "Preview the stack");
        assert.equal(preview.run, "node -r sucrase/register/ts tools/plan/real-preview.ts run");
        assert.deepEqual(preview.env, {
            PULUMI_ACCESS_TOKEN: "${{ steps.pulumi-token.outputs.pulumi-access-token || secrets.PULUMI_ACCESS_TOKEN }}", STACK: "${{ matrix.stack }}", PULUMI_STACK: "${{ matrix.pulumiStack }}",
            PEERS: "${{ toJSON(matrix.peers) }}", ALL_STACKS: "${{ needs.preview-config.outputs.stacks }}", POLICY_PACK: "policy",
        });
        const artifact = uses("pulumi-preview", "actions/upload-artifact");
        assert.equal(artifact.if, "${{ !cancelled() }}");
        assert.deepEqual(artifact.with, { name: "pulumi-preview-${{ matrix.stack }}", path: "preview.md", "if-no-files-found": "warn" });
        for (const job of ["preview-config", "pulumi-preview"]) {
            assert.equal(uses(job, "actions/checkout").with?.["persist-credentials"], false, `${job} runs pull-request code: no persisted token`);
        }
        assert.ok(steps("pulumi-preview").indexOf(credentials) < steps("pulumi-preview").indexOf(preview));
    });

    it("every action is on its current major, each of which runs on Node 24", () => {
        // Current release and `runs.using` of each action's action.yml (docs/real-world-constraints.md).
        const CURRENT = {
            "actions/checkout": "v7",
            "actions/setup-node": "v7",
            "actions/upload-artifact": "v7",
            "actions/download-artifact": "v8",
            "marocchino/sticky-pull-request-comment": "v3",
            "aws-actions/configure-aws-credentials": "v6",
            "pulumi/actions": "v7",
            "pulumi/auth-actions": "v2",
        } as Record<string, string>;
        const used = allSteps().filter((s) => s.uses).map((s) => s.uses as string);
        assert.deepEqual([...new Set(used.map((u) => u.replace(/@.*/, "")))].sort(), Object.keys(CURRENT).sort(), "each action is in the table");
        for (const u of used) assert.equal(u, `${u.replace(/@.*/, "")}@${CURRENT[u.replace(/@.*/, "")]}`);
    });

    it("checkouts of this workflow's plan and tests and of the cache seeding leave no credentials behind", () => {
        const checkouts = [...steps("test"), ...steps("offline-plan"), ...cacheWorkflow.jobs.seed.steps].filter((s) => s.uses?.startsWith("actions/checkout@"));
        assert.equal(checkouts.length, 3);
        for (const checkout of checkouts) assert.equal(checkout.with["persist-credentials"], false);
    });

    it("seeds the npm cache from main, which every pull request's setup-node can restore", () => {
        assert.deepEqual(cacheWorkflow.on, { push: { branches: ["main"] }, workflow_dispatch: null });
        assert.deepEqual(cacheWorkflow.permissions, { contents: "read" });
        const seed = cacheWorkflow.jobs.seed.steps;
        assert.deepEqual(seed.find((s: any) => s.uses?.startsWith("actions/setup-node@")).with, { "node-version": 22, cache: "npm" });
        assert.equal(seed.at(-1).run, "npm ci", "setup-node's post step saves ~/.npm when the lockfile's key was not cached yet");
        for (const job of ["test", "offline-plan", "preview-config", "pulumi-preview"]) {
            assert.equal(uses(job, "actions/setup-node").with.cache, "npm", job);
        }
    });

    it("installs packages once when the base's package-lock.json is the pull request's, and separately when it differs", () => {
        const install = step("offline-plan", (s) => s.id === "base-install");
        const order = steps("offline-plan").map((s) => s.id);
        assert.ok(order.indexOf("head-install") < order.indexOf("base-install") && order.indexOf("base-install") < order.indexOf("base-plan"));
        assert.equal(step("offline-plan", (s) => s.id === "head-install").run, "npm ci 2>&1 | tee npm-ci-head.log");
        assert.doesNotMatch(step("offline-plan", (s) => s.id === "base-plan").run, /npm ci/);

        const replay = (baseLock: string, headInstall: string) => {
            const workspace = tempDir("workflow-install-");
            fs.mkdirSync(path.join(workspace, "base"));
            fs.mkdirSync(path.join(workspace, "node_modules"));
            fs.mkdirSync(path.join(workspace, "bin"));
            fs.writeFileSync(path.join(workspace, "package-lock.json"), '{"lockfileVersion": 3, "packages": {"node_modules/yaml": {"version": "2.9.1"}}}\n');
            fs.writeFileSync(path.join(workspace, "base", "package-lock.json"), baseLock);
            // A fake npm (it only records where it was called with what), so the step's own shell runs as written.
            fs.writeFileSync(path.join(workspace, "bin", "npm"), '#!/bin/sh\n# fake npm for this test\necho "$PWD $*" >> "$CALLS"\n', { mode: 0o755 });
            const calls = path.join(workspace, "calls");
            const result = runStep(install, workspace, { HEAD_INSTALL: headInstall, CALLS: calls, PATH: `${path.join(workspace, "bin")}:${process.env.PATH}` });
            assert.equal(result.status, 0, result.stderr);
            const out = {
                calls: fs.existsSync(calls) ? fs.readFileSync(calls, "utf8") : "",
                link: fs.lstatSync(path.join(workspace, "base")).isDirectory() && fs.existsSync(path.join(workspace, "base", "node_modules"))
                    ? fs.lstatSync(path.join(workspace, "base", "node_modules")).isSymbolicLink() && fs.readlinkSync(path.join(workspace, "base", "node_modules"))
                    : null,
                log: fs.readFileSync(path.join(workspace, "plan-base.log"), "utf8"),
            };
            fs.rmSync(workspace, { recursive: true, force: true });
            return out;
        };
        const same = replay('{"lockfileVersion": 3, "packages": {"node_modules/yaml": {"version": "2.9.1"}}}\n', "success");
        assert.deepEqual([same.calls, same.link], ["", "../node_modules"]);
        assert.match(same.log, /package-lock\.json unchanged/);
        const changed = replay('{"lockfileVersion": 3, "packages": {"node_modules/yaml": {"version": "2.8.0"}}}\n', "success");
        assert.match(changed.calls, /\/base ci\n$/);
        assert.equal(changed.link, null);
        const headFailed = replay('{"lockfileVersion": 3, "packages": {"node_modules/yaml": {"version": "2.9.1"}}}\n', "failure");
        assert.match(headFailed.calls, /\/base ci\n$/, "a failed head install is not reused");
    });

    describe("a comment for every failure before composition", () => {
        const fallback = () => named("offline-plan", "Write a failure comment when none was composed");
        const script = path.join(PROJECT_DIR, "tools", "plan", "fallback-comment.sh");

        it("the fallback is plain bash that shellcheck passes, and runs after the composer, before the comment is shown and handed on", function () {
            requireTool(this, "shellcheck");
            const lint = shellcheck(fs.readFileSync(script, "utf8"));
            assert.equal(lint.status, 0, lint.output);
            const names = steps("offline-plan").map((s) => s.name ?? s.uses);
            const at = (name: string) => names.indexOf(name);
            assert.ok(at("Compose the comment") < at(fallback().name));
            assert.ok(at(fallback().name) < at("Show the comment in the job summary"));
            assert.ok(at(fallback().name) < names.findIndex((n) => n === "Hand the comment to the comment job"));
            assert.equal(fallback().if, "${{ !cancelled() }}");
            assert.deepEqual(Object.keys(fallback().env).sort(), ["COMPOSE_OUTCOME", "HEAD_OUTCOME", "HEAD_SHA", "INSTALL_OUTCOME", "RUN_URL"]);
        });

        const replay = (env: Record<string, string>, files: Record<string, string>) => {
            const workspace = tempDir("workflow-fallback-");
            fs.symlinkSync(path.join(PROJECT_DIR, "tools"), path.join(workspace, "tools"));
            for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(workspace, name), content);
            const result = runStep(fallback(), workspace, { HEAD_SHA: "2222222aaaa", RUN_URL: "https://github.com/acme/apim/actions/runs/7", ...env });
            assert.equal(result.status, 0, result.stderr);
            const comment = fs.readFileSync(path.join(workspace, "comment.md"), "utf8");
            fs.rmSync(workspace, { recursive: true, force: true });
            return comment;
        };
        const WHEN = "\\(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\)";

        it("the pull request's npm ci failed: says so, when, and the end of npm's output", () => {
            const comment = replay(
                { INSTALL_OUTCOME: "failure", HEAD_OUTCOME: "failure", COMPOSE_OUTCOME: "failure" },
                { "npm-ci-head.log": "npm error code EUSAGE\nnpm error `npm ci` can only install packages when your package.json and package-lock.json are in sync.\n" },
            );
            assert.match(comment, new RegExp(`^> \\*\\*npm ci failed for this pull request\\*\\* at 2222222 ${WHEN}: there is no plan comment for this commit, and any earlier one is out of date\\.$`, "m"));
            assert.match(comment, /^npm error `npm ci` can only install packages when your package\.json and package-lock\.json are in sync\.$/m);
            assert.match(comment, /^Steps: npm ci failure, plan failure, compose failure\.$/m);
            assert.match(comment, /https:\/\/github\.com\/acme\/apim\/actions\/runs\/7/);
        });

        it("a log holding fence-like lines (~~~~ indented, ````, a longer run of tildes) stays inside one code block, as CommonMark renders it", function () {
            // CommonMark 0.31.2, 4.5: a closing fence may be indented up to three spaces and be longer than
            // the opening one, so indenting ~~~~ lines by one space (the earlier escape) closed the block.
            requireTool(this, "cmark");
            const log = "npm error x\n ~~~~\n```` not a fence here\n  ~~~~~~~~ a longer one\n# Injected heading\n";
            const comment = replay({ INSTALL_OUTCOME: "failure" }, { "npm-ci-head.log": log });
            const html = spawnSync("cmark", [], { input: comment, encoding: "utf8" }).stdout;
            assert.equal((html.match(/<pre>/g) ?? []).length, 1, html);
            const block = html.slice(html.indexOf("<pre>"), html.indexOf("</pre>"));
            assert.ok(block.includes("# Injected heading\n"), html);
            assert.ok(!html.includes("<h1>"), html);
            assert.match(comment, /^~{9}text$/m, "one tilde longer than the longest run in the log");
        });

        it("the composer died before writing (its packages gone): says composing failed", () => {
            const comment = replay({ INSTALL_OUTCOME: "success", HEAD_OUTCOME: "success", COMPOSE_OUTCOME: "failure" }, {});
            assert.match(comment, new RegExp(`^> \\*\\*Composing the plan comment failed before it wrote anything\\*\\* at 2222222 ${WHEN}`, "m"));
        });

        it("the composer wrote its comment (a plan or its own failure notice): the fallback leaves it alone", () => {
            const written = "## Offline plan\n\n> **Composing the plan comment failed** at 2222222 (2026-12-06T12:00:00Z)\n";
            assert.equal(replay({ INSTALL_OUTCOME: "success", HEAD_OUTCOME: "success", COMPOSE_OUTCOME: "failure" }, { "comment.md": written }), written);
        });

        it("the builder throws on an unexpected base plan: the compose step itself writes the failure comment", () => {
            const compose = named("offline-plan", "Compose the comment");
            const workspace = tempDir("workflow-compose-throws-");
            for (const link of ["tools", "lib", "node_modules"]) fs.symlinkSync(path.join(PROJECT_DIR, link), path.join(workspace, link));
            fs.symlinkSync(path.join(PROJECT_DIR, "test", "fixtures", "old-plans", "no-config"), path.join(workspace, "out"));
            fs.writeFileSync(path.join(workspace, "out-base"), "not a folder\n");
            const result = runStep(compose, workspace, { HEAD_OUTCOME: "success", BASE_OUTCOME: "success", HEAD_SHA: "2222222aaaa", BASE_SHA: "1111111bbbb", ARTIFACT_URL: "" });
            assert.equal(result.status, 1, "the step fails (continue-on-error lets the job post)");
            assert.match(result.stderr, /comment failed: ENOTDIR/);
            assert.match(fs.readFileSync(path.join(workspace, "comment.md"), "utf8"), new RegExp(`\\*\\*Composing the plan comment failed\\*\\* at 2222222 ${WHEN}`));
            fs.rmSync(workspace, { recursive: true, force: true });
        });
    });

    describe("the comment workflow (forks, and every pull request's real previews)", () => {
        const job = commentWorkflow.jobs.comment;
        const check = () => job.steps.find((s: any) => s.id === "check");

        it("runs on the completed preview workflow, only for pull-request runs that were not superseded", () => {
            assert.deepEqual(commentWorkflow.on, { workflow_run: { workflows: [workflow.name], types: ["completed"] } });
            assert.equal(job.if, "${{ github.event.workflow_run.event == 'pull_request' && github.event.workflow_run.conclusion != 'cancelled' }}");
            assert.deepEqual(commentWorkflow.permissions, {});
            assert.deepEqual(job.permissions, { actions: "read", "pull-requests": "write" });
        });

        it("runs no code of the pull request: no checkout, no setup-node, no npm or node, nothing of the artifact executed", () => {
            const actions = job.steps.filter((s: any) => s.uses).map((s: any) => s.uses.replace(/@.*/, ""));
            assert.deepEqual([...new Set(actions)].sort(), ["actions/download-artifact", "marocchino/sticky-pull-request-comment"]);
            const shell = job.steps.filter((s: any) => s.run).map((s: any) => s.run).join("\n");
            assert.doesNotMatch(shell, /\b(node|npm|npx|source|bash|sh|eval)\b|\.\/|\bchmod\b/);
            // The event's values reach the shell through env only, never pasted into the script.
            assert.doesNotMatch(shell, /\$\{\{/);
            for (const download of job.steps.filter((s: any) => s.uses?.startsWith("actions/download-artifact@"))) {
                assert.equal(download.with["run-id"], "${{ github.event.workflow_run.id }}");
                assert.equal(download.with["github-token"], "${{ github.token }}");
            }
        });

        it("posts each sticky comment only after the check, to the checked number: the offline plan for forks, the real previews (or their absence) for same-repository pull requests", () => {
            const posts = job.steps.filter((s: any) => s.uses?.startsWith("marocchino/sticky-pull-request-comment@"));
            assert.deepEqual(posts.map((s: any) => [s.with.header, s.with.path, s.with.number_force, s.if]), [
                ["offline-plan", "fork-comment.md", "${{ steps.check.outputs.number }}", "${{ steps.check.outputs.ok == 'true' && steps.check.outputs.fork == 'true' }}"],
                ["pulumi-preview", "previews.md", "${{ steps.check.outputs.number }}", "${{ steps.join.outputs.found == 'true' }}"],
                ["pulumi-preview", "previews.md", "${{ steps.check.outputs.number }}", "${{ steps.join.outputs.found == 'false' }}"],
            ]);
            // With no preview this run, only an existing real-preview comment is replaced: sticky v3's
            // only_update returns when none exists (src/main.ts), so no empty comment is added.
            assert.deepEqual(posts.map((s: any) => s.with.only_update), [undefined, undefined, true]);
            assert.ok(job.steps.indexOf(check()) < job.steps.indexOf(posts[0]));
            // The same header as preview.yml's comment job: one sticky comment whichever path posts it.
            assert.equal(uses("comment", "marocchino/sticky-pull-request-comment").with.header, "offline-plan");
            // preview.yml hands the number and head over in the artifact the check reads.
            assert.deepEqual(named("offline-plan", "Hand the comment to the comment job").with.path.trim().split("\n"), ["comment.md", "pr.json"]);
            const record = named("offline-plan", "Record which pull request and commit the comment is for");
            assert.deepEqual(record.env, { PR_NUMBER: "${{ github.event.pull_request.number }}", HEAD_SHA: "${{ github.event.pull_request.head.sha }}" });
        });

        const SHA = "a".repeat(40);
        const OTHER = "b".repeat(40);
        const replayCheck = (prJson: string | null, pullRequest: object | null, run: { sha: string; repository: string }) => {
            const workspace = tempDir("workflow-check-");
            fs.mkdirSync(path.join(workspace, "offline-plan"));
            fs.mkdirSync(path.join(workspace, "bin"));
            if (prJson !== null) fs.writeFileSync(path.join(workspace, "offline-plan", "pr.json"), prJson);
            // A fake gh: answers `gh api repos/<repo>/pulls/<n>` from a file, records the call, fails when there is none.
            fs.writeFileSync(path.join(workspace, "bin", "gh"), '#!/bin/sh\n# fake gh for this test\necho "$*" >> "$WS/gh-calls"\n[ -f "$WS/pull.json" ] || { echo "HTTP 404" >&2; exit 1; }\ncat "$WS/pull.json"\n', { mode: 0o755 });
            if (pullRequest) fs.writeFileSync(path.join(workspace, "pull.json"), JSON.stringify(pullRequest));
            const files = { GITHUB_OUTPUT: path.join(workspace, "output"), GITHUB_STEP_SUMMARY: path.join(workspace, "summary") };
            const result = runStep(check(), workspace, {
                ...files, WS: workspace, PATH: `${path.join(workspace, "bin")}:${process.env.PATH}`,
                GH_TOKEN: "fake", REPOSITORY: "acme/apim", RUN_HEAD_SHA: run.sha, RUN_HEAD_REPOSITORY: run.repository,
            });
            assert.equal(result.status, 0, result.stderr);
            const read = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "");
            const out = { output: read(files.GITHUB_OUTPUT), summary: read(files.GITHUB_STEP_SUMMARY), gh: read(path.join(workspace, "gh-calls")) };
            fs.rmSync(workspace, { recursive: true, force: true });
            return out;
        };
        const pr = (sha: string, repository: string) => ({ number: 42, head: { sha, repo: { full_name: repository } }, base: { repo: { full_name: "acme/apim" } } });
        const artifact = (number: unknown, headSha: unknown) => JSON.stringify({ number, headSha });

        it("a fork's pull request at the artifact's head: posts to that number", () => {
            const { output, gh } = replayCheck(artifact(42, SHA), pr(SHA, "someone/apim"), { sha: SHA, repository: "someone/apim" });
            assert.equal(output, "ok=true\nnumber=42\nfork=true\n");
            assert.equal(gh, "api repos/acme/apim/pulls/42\n");
        });

        it("a same-repository pull request: checked the same way, marked not a fork (its offline plan was posted by preview.yml)", () => {
            assert.equal(replayCheck(artifact(42, SHA), pr(SHA, "acme/apim"), { sha: SHA, repository: "acme/apim" }).output, "ok=true\nnumber=42\nfork=false\n");
        });

        it("the pull request moved on to a newer head: posts nothing and says why", () => {
            const { output, summary } = replayCheck(artifact(42, SHA), pr(OTHER, "someone/apim"), { sha: SHA, repository: "someone/apim" });
            assert.equal(output, "ok=false\n");
            assert.equal(summary, `No comment posted: pull request #42 is now at ${OTHER}; this run planned ${SHA} (the run of the new head comments)\n`);
        });

        it("the artifact names a head other than the run's, or another pull request's head repository: posts nothing", () => {
            const lying = replayCheck(artifact(42, OTHER), pr(OTHER, "someone/apim"), { sha: SHA, repository: "someone/apim" });
            assert.equal(lying.output, "ok=false\n");
            assert.match(lying.summary, new RegExp(`the artifact names head ${OTHER}, but the run was for ${SHA}`));
            assert.equal(lying.gh, "", "refused before asking the API");
            const otherRepository = replayCheck(artifact(42, SHA), pr(SHA, "someone-else/apim"), { sha: SHA, repository: "someone/apim" });
            assert.match(otherRepository.summary, /pull request #42 comes from someone-else\/apim, the run from someone\/apim/);
        });

        it("a pr.json that is missing, not JSON, or carries no number or SHA, or a pull request the API cannot find: posts nothing", () => {
            const run = { sha: SHA, repository: "someone/apim" };
            const cases: [string | null, object | null, RegExp][] = [
                [null, pr(SHA, "someone/apim"), /the run uploaded no pr\.json/],
                ["{not json", pr(SHA, "someone/apim"), /pr\.json is not JSON/],
                [artifact("42; rm -rf /", SHA), pr(SHA, "someone/apim"), /pr\.json has no pull-request number/],
                [artifact(42, "HEAD"), pr(SHA, "someone/apim"), /pr\.json has no 40-hex head SHA/],
                [artifact(42, SHA), null, /pull request #42 of acme\/apim could not be read/],
            ];
            for (const [prJson, pull, reason] of cases) {
                const { output, summary } = replayCheck(prJson, pull, run);
                assert.equal(output, "ok=false\n", String(reason));
                assert.match(summary, reason);
            }
        });

        it("a fork's offline plan is posted under a fixed first line from the default branch saying its own code composed it; a same-repository one is not touched here", () => {
            // A hostile fork's comment.md, claiming all is well.
            const forged = "## Offline plan\n\n**Nothing needs attention.**\n";
            const mark = job.steps.find((s: any) => s.name === "Mark the fork's offline plan as composed by its own code");
            assert.equal(mark.if, "${{ steps.check.outputs.ok == 'true' && steps.check.outputs.fork == 'true' }}");
            const workspace = tempDir("workflow-fork-mark-");
            fs.mkdirSync(path.join(workspace, "offline-plan"));
            fs.writeFileSync(path.join(workspace, "offline-plan", "comment.md"), forged);
            const result = runStep(mark, workspace, {});
            assert.equal(result.status, 0, result.stderr);
            const posted = fs.readFileSync(path.join(workspace, "fork-comment.md"), "utf8");
            assert.equal(posted,
                "> [!WARNING]\n> Composed by this pull request's own code (a fork), which could have written anything here: a review aid, not verified. Forks get no real preview.\n\n"
                + forged);
            const post = job.steps.find((s: any) => s.name === "Post the offline plan (forks)");
            assert.equal(post.with.path, "fork-comment.md");
            assert.ok(job.steps.indexOf(mark) < job.steps.indexOf(post));
            // Same-repository pull requests: preview.yml's comment job posts comment.md as composed, no mark.
            assert.equal(uses("comment", "marocchino/sticky-pull-request-comment").with.path, "comment.md");
        });

        it("the comment workflow's own shell passes shellcheck", function () {
            requireTool(this, "shellcheck");
            for (const s of job.steps.filter((s: any) => s.run)) {
                const lint = shellcheck(`#!/bin/bash\n${s.run}`);
                assert.equal(lint.status, 0, `${s.name}: ${lint.output}`);
            }
        });

        it("reads, joins and posts real previews only for same-repository pull requests: a fork's run could upload a fake one", () => {
            const previewSteps = job.steps.filter((s: any) => s.id === "download" || s.id === "join");
            assert.equal(previewSteps.length, 2);
            for (const s of previewSteps) assert.equal(s.if, "${{ steps.check.outputs.ok == 'true' && steps.check.outputs.fork == 'false' }}");
            const download = previewSteps.find((s: any) => s.id === "download");
            assert.deepEqual({ pattern: download.with.pattern, path: download.with.path }, { pattern: "pulumi-preview-*", path: "previews" });
            // The head SHA and run address come from the event through env, never pasted into the script.
            const join = previewSteps.find((s: any) => s.id === "join");
            assert.deepEqual(join.env, {
                HEAD_SHA: "${{ github.event.workflow_run.head_sha }}", RUN_URL: "${{ github.event.workflow_run.html_url }}", DOWNLOAD: "${{ steps.download.outcome }}",
            });
        });

        const HEAD = "c0ffee" + "1".repeat(34);
        const RUN = "https://github.com/acme/apim/actions/runs/9";
        /**
         * Replays the join step after a download of `artifacts` (stack → its preview.md). A fake of
         * actions/download-artifact v8's layout, nothing more: several matching artifacts are unpacked
         * into previews/<artifact name>/, exactly one straight into previews/ (src/download-artifact.ts).
         */
        const replayJoin = (artifacts: Record<string, string>, download = "success") => {
            const workspace = tempDir("workflow-join-");
            const names = Object.keys(artifacts);
            for (const stack of names) {
                const dir = names.length === 1 ? path.join(workspace, "previews") : path.join(workspace, "previews", `pulumi-preview-${stack}`);
                fs.mkdirSync(dir, { recursive: true });
                fs.writeFileSync(path.join(dir, "preview.md"), artifacts[stack]);
            }
            const output = path.join(workspace, "output");
            const join = job.steps.find((s: any) => s.id === "join");
            const result = runStep(join, workspace, { GITHUB_OUTPUT: output, HEAD_SHA: HEAD, RUN_URL: RUN, DOWNLOAD: download });
            assert.equal(result.status, 0, result.stderr);
            const previews = path.join(workspace, "previews.md");
            return { output: fs.readFileSync(output, "utf8"), comment: fs.existsSync(previews) ? fs.readFileSync(previews) : null };
        };
        const HEADER = `## Real pulumi preview at c0ffee1\n\nFor commit ${HEAD} ([run](${RUN})).\n\n`;

        it("joins every stack's real preview into one comment naming the commit, whether one artifact or several were downloaded", () => {
            const both = replayJoin({ "us-east": "### us-east\n\n2 to update\n", "us-west": "### us-west\n\nnot deployed yet: offline plan only\n" });
            assert.equal(both.output, "found=true\n");
            assert.equal(both.comment!.toString(), `${HEADER}### us-east\n\n2 to update\n\n### us-west\n\nnot deployed yet: offline plan only\n\n`);
            // One stack previewed: download-artifact v8 puts its preview.md at previews/preview.md.
            const one = replayJoin({ "us-east": "### us-east\n\n1 to replace\n" });
            assert.equal(one.output, "found=true\n");
            assert.equal(one.comment!.toString(), `${HEADER}### us-east\n\n1 to replace\n\n`);
        });

        it("the download succeeded but one matrix job uploaded nothing (cancelled or lost): the other stack's preview is posted alone, in download-artifact's one-artifact layout", () => {
            // us-west's job uploaded no pulumi-preview-us-west: only us-east's artifact matches, and v8 unpacks it into previews/.
            const alone = replayJoin({ "us-east": "### us-east\n\n2 to update\n" });
            assert.equal(alone.output, "found=true\n");
            assert.equal(alone.comment!.toString(), `${HEADER}### us-east\n\n2 to update\n\n`);
            assert.doesNotMatch(alone.comment!.toString(), /us-west|No real preview/);
        });

        it("no preview this run: writes a one-line notice naming the commit and why, for the update-only post", () => {
            const none = replayJoin({});
            assert.equal(none.output, "found=false\n");
            assert.equal(none.comment!.toString(), `## Real pulumi preview\n\nNo real preview for ${HEAD}: the run uploaded no pulumi-preview artifact (the preview is not configured, or it did not run: preview-config's job summary says why). [Run](${RUN})\n`);
            const failed = replayJoin({}, "failure");
            assert.match(failed.comment!.toString(), new RegExp(`^No real preview for ${HEAD}: the previews could not be downloaded \\(download step: failure\\)\\. `, "m"));
        });

        it("cuts an oversized comment at a line, in bytes, never inside a UTF-8 character, closing an open code fence and pointing to the run", () => {
            // An error log in a fence, of multi-byte characters, longer than the limit.
            const log = Array.from({ length: 2000 }, (_, n) => `error ${n}: ресурс “dc1-db-oracle” → не найден`).join("\n");
            const { output, comment } = replayJoin({ "us-east": `### us-east\n\n\`\`\`text\n${log}\n\`\`\`\n`, "us-west": "### us-west\n\n1 to create\n" });
            assert.equal(output, "found=true\n");
            assert.ok(comment!.length <= 60_000, `${comment!.length} bytes: under GitHub's 65,536-character limit with room for the marker`);
            const text = new TextDecoder("utf-8", { fatal: true }).decode(comment!); // throws on a split character
            const lines = text.trimEnd().split("\n");
            const run = RUN.replace(/[/.]/g, "\\$&");
            assert.match(lines.at(-1)!, new RegExp(`^\\*\\*Cut here\\*\\* at \\d+ bytes to fit a comment: every stack's full preview is in the job summaries of the \\[run\\]\\(${run}\\)\\.$`));
            assert.equal(lines.filter((l) => l.startsWith("```")).length, 2, "the fence opened by the log is closed");
            assert.equal(lines.at(-3), "```");
            assert.match(lines.at(-4)!, /^error \d+: ресурс “dc1-db-oracle” → не найден$/, "the last kept line is whole");
            assert.doesNotMatch(text, /### us-west/, "what did not fit is in the run");
            // Small enough: nothing is cut and no notice is added.
            assert.doesNotMatch(replayJoin({ "us-east": "```text\nok\n```\n" }).comment!.toString(), /Cut here/);
        });
    });
});
