import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { PROJECT_DIR } from "./harness";

const WORKFLOW = path.join(PROJECT_DIR, ".github", "workflows", "preview.yml");
const workflow = YAML.parse(fs.readFileSync(WORKFLOW, "utf8"));
const steps = (job: string): any[] => workflow.jobs[job].steps;
const uses = (job: string) => steps(job).map((s) => s.uses).filter(Boolean);
const runs = (job: string) => steps(job).map((s) => s.run).filter(Boolean).join("\n");

describe("pull-request workflow", () => {
    it("passes the GitHub Actions schema (action-validator, offline)", () => {
        const result = spawnSync(process.execPath, [path.join(PROJECT_DIR, "node_modules", "@action-validator", "cli", "cli.mjs"), WORKFLOW], { encoding: "utf8" });
        assert.equal(result.status, 0, result.stdout + result.stderr);
    });

    it("runs on pull requests with OIDC and permission to comment", () => {
        assert.ok(workflow.on.pull_request);
        assert.deepEqual(workflow.permissions, { contents: "read", "pull-requests": "write", "id-token": "write" });
    });

    it("runs the README's test command with the Debian tools the tests need", () => {
        assert.match(runs("test"), /apt-get install .*shellcheck cloud-init/);
        assert.match(runs("test"), /^npm ci$/m);
        assert.match(runs("test"), /^npm test$/m);
        assert.ok(steps("test").some((s) => s.with?.["node-version"] === 22));
    });

    it("plans both stacks, diffs against the base branch and posts one sticky comment", () => {
        const checkouts = steps("offline-plan").filter((s) => s.uses?.startsWith("actions/checkout@"));
        assert.equal(checkouts[1].with.ref, "${{ github.event.pull_request.base.sha }}");
        assert.match(runs("offline-plan"), /npm run plan -- --out "\$GITHUB_WORKSPACE\/out-base"/);
        assert.match(runs("offline-plan"), /npm run plan -- --diff out-base/);
        const comment = steps("offline-plan").find((s) => s.uses?.startsWith("marocchino/sticky-pull-request-comment@"));
        assert.deepEqual(comment.with, { header: "offline-plan", path: "out/comment.md" });
    });

    it("previews each stack with pulumi/actions and OIDC credentials, skipped when AWS is not configured", () => {
        const job = workflow.jobs["pulumi-preview"];
        assert.equal(job.if, "${{ vars.AWS_PREVIEW_ROLE_ARN != '' }}");
        assert.deepEqual(job.strategy.matrix.include.map((m: any) => [m.stack, m.region]), [["us-east", "us-east-1"], ["us-west", "us-west-2"]]);
        const credentials = steps("pulumi-preview").find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
        assert.equal(credentials.with["role-to-assume"], "${{ vars.AWS_PREVIEW_ROLE_ARN }}");
        assert.equal(credentials.with["aws-secret-access-key"], undefined);
        const preview = steps("pulumi-preview").find((s) => s.uses?.startsWith("pulumi/actions@"));
        assert.equal(preview.with.command, "preview");
        assert.equal(preview.with["comment-on-pr"], true);
        assert.match(preview.with["stack-name"], /\$\{\{ matrix\.stack \}\}$/);
        assert.ok(uses("pulumi-preview").indexOf(credentials.uses) < uses("pulumi-preview").indexOf(preview.uses));
    });
});
