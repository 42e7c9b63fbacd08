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
import { PROJECT_DIR, temporaryDirectories } from "./harness";

const WORKFLOW = path.join(PROJECT_DIR, ".github", "workflows", "preview.yml");
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
    it("passes the GitHub Actions schema (action-validator, offline)", () => {
        const result = spawnSync(process.execPath, [path.join(PROJECT_DIR, "node_modules", "@action-validator", "cli", "cli.mjs"), WORKFLOW], { encoding: "utf8" });
        assert.equal(result.status, 0, result.stdout + result.stderr);
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

    it("runs the README's test command with the Debian tools the tests need", () => {
        assert.match(runs("test"), /apt-get install .*shellcheck cloud-init/);
        assert.match(runs("test"), /^npm ci$/m);
        assert.match(runs("test"), /^npm test$/m);
        assert.ok(steps("test").some((s) => s.with?.["node-version"] === 22));
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
        assert.deepEqual(artifact.with.path.trim().split("\n"), ["out/", "out-base/", "plan-base.log", "plan-head.log"]);
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
        const last = steps("offline-plan").at(-1);
        assert.equal(last.if, "${{ steps.head-plan.outcome == 'failure' }}");
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
        assert.match(summary, /repository secret PULUMI_ACCESS_TOKEN/);
        assert.match(summary, /stackReferencePrefix in Pulumi\.yaml: still the shipped example/);
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
            PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}", STACK: "${{ matrix.stack }}", PULUMI_STACK: "${{ matrix.pulumiStack }}",
            PEERS: "${{ toJSON(matrix.peers) }}", POLICY_PACK: "policy",
        });
        const artifact = uses("pulumi-preview", "actions/upload-artifact");
        assert.equal(artifact.if, "${{ !cancelled() }}");
        assert.deepEqual(artifact.with, { name: "pulumi-preview-${{ matrix.stack }}", path: "preview.md", "if-no-files-found": "warn" });
        for (const job of ["preview-config", "pulumi-preview"]) {
            assert.equal(uses(job, "actions/checkout").with?.["persist-credentials"], false, `${job} runs pull-request code: no persisted token`);
        }
        assert.ok(steps("pulumi-preview").indexOf(credentials) < steps("pulumi-preview").indexOf(preview));
    });
});
