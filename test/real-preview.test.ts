/**
 * tools/plan/real-preview.ts and the workflow step that runs it: what a reviewer sees of the real
 * `pulumi preview` per stack, on success and on failure. The fixtures have the shape the CLI prints
 * (`--json`: PreviewDigest, pulumi/pulumi sdk/pkg/display/json.go; `--event-log`: one apitype
 * EngineEvent per line). The `pulumi` on PATH here is a FAKE: a shell script that answers
 * `stack output` and `preview` from files the test chooses, nothing more.
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { canSeeOrganization, NOT_DEPLOYED, parseDigest, policyViolations, previewSection, runPreview, stackState, WhoAmI } from "../tools/plan/real-preview";
import { PROJECT_DIR, shellcheck } from "./harness";

const FIXTURES = path.join(PROJECT_DIR, "test", "fixtures", "real-preview");
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), "utf8");
const US_EAST = { stack: "us-east", pulumiStack: "acme/wso2-apim-multi-dc/us-east" };

/** A personal token of a member of acme, as `pulumi whoami --json` prints it (pulumi/pulumi whoAmIJSON). */
const ACME_MEMBER: WhoAmI = { user: "jdoe", organizations: ["jdoe", "acme"], url: "https://api.pulumi.com" };

/**
 * A fake pulumi CLI: `whoami --json` prints $FAKE_WHOAMI (default: ACME_MEMBER); `stack output`
 * answers from $FAKE_STACKS/<stack name with / as _>.json (absent: no such stack).
 */
const FAKE_PULUMI = `#!/bin/bash
# FAKE pulumi for tests: answers only what test/real-preview.test.ts needs.
if [ "$1 $2" = "whoami --json" ]; then
  printf '%s\\n' "$FAKE_WHOAMI"; exit 0
fi
if [ "$1 $2" = "stack output" ]; then
  file="$FAKE_STACKS/$(echo "$5" | tr / _).json"
  if [ -f "$file" ]; then cat "$file"; exit 0; fi
  echo "error: no stack named '$5' found" >&2; exit 255
fi
if [ "$1" = "preview" ]; then
  [ "$PULUMI_DEBUG_COMMANDS" = "true" ] || { echo "error: unknown flag: --event-log" >&2; exit 255; }
  while [ $# -gt 0 ]; do [ "$1" = "--event-log" ] && log="$2"; shift; done
  [ -n "$FAKE_EVENTS" ] && cp "$FAKE_EVENTS" "$log"
  cat "$FAKE_DIGEST"; exit "$FAKE_EXIT"
fi
exit 99
`;

function runWorkflowStep(env: Record<string, string>): { status: number; markdown: string; summary: string; stdout: string } {
    const workflow = YAML.parse(fs.readFileSync(path.join(PROJECT_DIR, ".github", "workflows", "preview.yml"), "utf8"));
    const step = workflow.jobs["pulumi-preview"].steps.find((s: any) => s.name === "Preview the stack");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "real-preview-"));
    try {
        fs.mkdirSync(path.join(dir, "bin"));
        fs.writeFileSync(path.join(dir, "bin", "pulumi"), FAKE_PULUMI, { mode: 0o755 });
        for (const link of ["tools", "lib", "node_modules"]) fs.symlinkSync(path.join(PROJECT_DIR, link), path.join(dir, link));
        fs.mkdirSync(path.join(dir, "stacks"));
        const result = spawnSync("bash", ["-e", "-c", step.run], {
            cwd: dir, encoding: "utf8",
            env: { ...process.env, PATH: `${path.join(dir, "bin")}:${process.env.PATH}`, FAKE_STACKS: path.join(dir, "stacks"), GITHUB_STEP_SUMMARY: path.join(dir, "summary"), POLICY_PACK: "policy", FAKE_EXIT: "0", FAKE_WHOAMI: JSON.stringify(ACME_MEMBER), ...env },
        });
        const read = (f: string) => (fs.existsSync(path.join(dir, f)) ? fs.readFileSync(path.join(dir, f), "utf8") : "");
        return { status: result.status ?? -1, markdown: read("preview.md"), summary: read("summary"), stdout: result.stdout + result.stderr };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

describe("real preview report", () => {
    it("tells a missing stack (the CLI's \"no stack named '…' found\", or exit code 6) from a stack without outputs and from a backend it cannot read", () => {
        assert.equal(stackState(255, "", "error: no stack named 'acme/wso2-apim-multi-dc/us-west' found\n"), "missing");
        assert.equal(stackState(0, "{}\n", ""), "no-outputs");
        assert.equal(stackState(0, '{"vpcId": "vpc-0abc"}', ""), "deployed");
        assert.equal(stackState(255, "", "error: [401] Unauthorized: No credentials provided or are invalid.\n"), "unreadable");
        // Current CLIs exit 6 (ExitStackNotFound, pkg/cmd/pulumi/cmd/exit_codes.go) for a missing stack,
        // whatever the message says; 3 (authentication) or 1 is still not "missing".
        assert.equal(stackState(6, "", "error: stack 'acme/wso2-apim-multi-dc/us-west' could not be found\n"), "missing");
        assert.equal(stackState(6, "", ""), "missing");
        assert.equal(stackState(3, "", "error: [401] Unauthorized\n"), "unreadable");
        assert.equal(stackState(1, "", "error: network unreachable\n"), "unreadable");
    });

    it("a successful preview shows its real counts, and every deletion and replacement by name", () => {
        const { markdown, failed } = previewSection(US_EAST, { kind: "previewed", exitCode: 0, digest: parseDigest(fixture("preview-changes.json")), violations: [], stderr: "" });
        assert.equal(failed, false);
        assert.match(markdown, /^### Real preview: us-east \(`acme\/wso2-apim-multi-dc\/us-east`\)$/m);
        assert.match(markdown, /^\| delete \| replace \| update \| create \| unchanged \|\n\| ---: \| ---: \| ---: \| ---: \| ---: \|\n\| 1 \| 1 \| 1 \| 1 \| 181 \|$/m);
        assert.match(markdown, /^- `-` delete `dc1-db-oracle` \(aws:rds\/instance:Instance\)$/m);
        assert.match(markdown, /^- `±` replace `dc1-db-params` \(aws:rds\/parameterGroup:ParameterGroup\) \(replaced because of `family`\)$/m);
        assert.match(markdown, /^No policy violations\.$/m);
        assert.doesNotMatch(markdown, /partial/, "a preview that succeeded counted every resource");
    });

    it("a preview failed by a mandatory policy still reports its counts and every violation, read from the event log (the --json digest has none)", () => {
        const violations = policyViolations(fixture("events-policy-failure.jsonl"));
        assert.equal(violations.length, 2);
        const { markdown, failed } = previewSection(US_EAST, { kind: "previewed", exitCode: 255, digest: parseDigest(fixture("preview-policy-failure.json")), violations, stderr: "" });
        assert.equal(failed, true);
        assert.match(markdown, /❌ \*\*The preview failed\*\* \(exit 255\)/);
        assert.match(markdown, /^\| 0 \| 0 \| 1 \| 0 \| 183 \|$/m);
        // The engine's summary event comes after the walk, also after an error: the counts stop where it stopped.
        assert.match(markdown, /^Counts are \*\*partial: the preview stopped early\*\*; resources after the error are not counted\.$/m);
        assert.match(markdown, /^\| mandatory \| wso2-apim-guardrails\/alb-drops-invalid-headers \| `dc1-alb` \| ALB must drop invalid header fields\. Set dropInvalidHeaderFields: true \(docs\/guardrails\.md\)\. \|$/m);
        assert.match(markdown, /^\| advisory \| wso2-apim-guardrails\/log-retention \| `dc1-app-logs` \|/m);
    });

    it("a failed program shows its error diagnostics; a CLI that stopped before the engine shows the end of its output", () => {
        const program = previewSection(US_EAST, { kind: "previewed", exitCode: 255, digest: parseDigest(fixture("preview-program-error.json")), violations: [], stderr: "" });
        assert.equal(program.failed, true);
        assert.match(program.markdown, /^- error `wso2-apim-multi-dc-us-west`: Running program .* RunError: peer stack acme\/wso2-apim-multi-dc\/us-east has no output privateZoneId: deploy it first/m);
        const early = previewSection(US_EAST, { kind: "previewed", exitCode: 255, digest: parseDigest(""), violations: [], stderr: "error: failed to load language plugin nodejs\n" });
        assert.match(early.markdown, /No change counts: the preview stopped before it planned the resources\./);
        assert.match(early.markdown, /```text\nerror: failed to load language plugin nodejs\n```/);
    });

    it("the workflow step: a stack not created yet is one neutral line in preview.md and the summary, and the job stays green", () => {
        const result = runWorkflowStep({ STACK: "us-east", PULUMI_STACK: US_EAST.pulumiStack, PEERS: "[]", FAKE_DIGEST: "/dev/null" });
        assert.equal(result.status, 0, result.stdout);
        assert.ok(result.markdown.startsWith(`### Real preview: us-east (\`acme/wso2-apim-multi-dc/us-east\`)\n\n➖ ${NOT_DEPLOYED} (no stack acme/wso2-apim-multi-dc/us-east in the Pulumi backend yet).\n`), result.markdown);
        assert.equal(result.summary, result.markdown);
    });

    it("the workflow step: us-west while us-east has no outputs is neutral too, naming the peer", () => {
        const dirEnv = { STACK: "us-west", PULUMI_STACK: "acme/wso2-apim-multi-dc/us-west", PEERS: JSON.stringify([US_EAST.pulumiStack]), FAKE_DIGEST: "/dev/null" };
        // Both stacks exist; us-east has never been deployed ({} outputs).
        const result = runWorkflowStepWith({ "acme_wso2-apim-multi-dc_us-west.json": "{}", "acme_wso2-apim-multi-dc_us-east.json": "{}" }, dirEnv);
        assert.equal(result.status, 0, result.stdout);
        assert.match(result.markdown, /➖ not deployed yet: offline plan only \(its peer acme\/wso2-apim-multi-dc\/us-east has no outputs yet\)\./);
    });

    it("the workflow step: a deployed stack whose preview fails goes red, with its section written first", () => {
        const result = runWorkflowStepWith({ "acme_wso2-apim-multi-dc_us-east.json": '{"vpcId": "vpc-0abc"}' }, {
            STACK: "us-east", PULUMI_STACK: US_EAST.pulumiStack, PEERS: "[]",
            FAKE_DIGEST: path.join(FIXTURES, "preview-policy-failure.json"), FAKE_EVENTS: path.join(FIXTURES, "events-policy-failure.jsonl"), FAKE_EXIT: "255",
        });
        assert.equal(result.status, 1, result.stdout);
        assert.match(result.markdown, /\| mandatory \| wso2-apim-guardrails\/alb-drops-invalid-headers \|/);
        assert.equal(result.summary, result.markdown);
    });

    it("checks the token against the prefix's organization first: a member, the user's own stacks, an organization or team token of it", () => {
        assert.equal(canSeeOrganization(ACME_MEMBER, "acme"), true);
        assert.equal(canSeeOrganization(ACME_MEMBER, "jdoe"), true, "personal stacks live under the user's name");
        assert.equal(canSeeOrganization({ user: "acme-preview", url: "https://api.pulumi.com", tokenInformation: { name: "preview", organization: "acme", team: "readers" } }, "acme"), true);
        assert.equal(canSeeOrganization(ACME_MEMBER, "organization"), false);
        // A fake CLI in-process: the order of the calls is what matters.
        const calls: string[] = [];
        const cli = (answers: Record<string, { status: number; stdout: string; stderr: string }>) => (args: string[]) => {
            calls.push(args.slice(0, 2).join(" "));
            return answers[args.slice(0, 2).join(" ")] ?? { status: 255, stdout: "", stderr: "error: no stack named 'x' found" };
        };
        const stack = { stack: "us-east", pulumiStack: "organization/wso2-apim-multi-dc/us-east", peers: [] };
        const wrong = runPreview(stack, "policy", cli({ "whoami --json": { status: 0, stdout: JSON.stringify(ACME_MEMBER), stderr: "" } }));
        assert.deepEqual(calls, ["whoami --json"], "no stack is read with a token that cannot see the organization");
        assert.equal(wrong.kind, "wrong-organization");
        const { markdown, failed } = previewSection(stack, wrong);
        assert.equal(failed, true);
        assert.match(markdown, /❌ \*\*The Pulumi token cannot see organization `organization`\*\* of stackReferencePrefix `organization\/wso2-apim-multi-dc`: it is the personal token of jdoe at https:\/\/api\.pulumi\.com \(organizations: jdoe, acme\)\./);
        const noLogin = runPreview(stack, "policy", cli({ "whoami --json": { status: 255, stdout: "", stderr: "error: invalid access token\n" } }));
        assert.equal(noLogin.kind, "unreadable");
        assert.match(previewSection(stack, noLogin).markdown, /error: invalid access token/);
    });

    it("the workflow step: a token without access to the prefix's organization goes red naming the prefix and the token, not \"not deployed yet\"", () => {
        const result = runWorkflowStep({
            STACK: "us-east", PULUMI_STACK: "other-org/wso2-apim-multi-dc/us-east", PEERS: "[]", FAKE_DIGEST: "/dev/null",
            FAKE_WHOAMI: JSON.stringify({ user: "acme-preview", organizations: ["acme"], url: "https://api.pulumi.com", tokenInformation: { name: "ci", team: "readers" } }),
        });
        assert.equal(result.status, 1, result.stdout);
        assert.doesNotMatch(result.markdown, /➖/, "not the neutral line");
        assert.match(result.markdown, /cannot see organization `other-org`\*\* of stackReferencePrefix `other-org\/wso2-apim-multi-dc`: it is the team token "ci" of team readers at https:\/\/api\.pulumi\.com \(organizations: acme\)/);
        assert.equal(result.summary, result.markdown);
    });

    it("the workflow step: when no stack of the run exists, the neutral line comes with a warning naming the prefix; not when another stack exists", () => {
        const ALL = JSON.stringify([
            { stack: "us-east", region: "us-east-1", pulumiStack: US_EAST.pulumiStack, peers: [] },
            { stack: "us-west", region: "us-west-2", pulumiStack: "acme/wso2-apim-multi-dc/us-west", peers: [US_EAST.pulumiStack] },
        ]);
        const none = runWorkflowStep({ STACK: "us-east", PULUMI_STACK: US_EAST.pulumiStack, PEERS: "[]", ALL_STACKS: ALL, FAKE_DIGEST: "/dev/null" });
        assert.equal(none.status, 0, none.stdout);
        assert.match(none.markdown, /➖ not deployed yet: offline plan only/);
        assert.match(none.markdown, /^⚠️ \*\*No stack of this run exists under `acme\/wso2-apim-multi-dc`\*\* \(`acme\/wso2-apim-multi-dc\/us-east`, `acme\/wso2-apim-multi-dc\/us-west`\)\. Right for a repository never deployed; otherwise stackReferencePrefix or the token's access is wrong\.$/m);
        assert.match(none.stdout, /^::warning::No stack of this run exists under acme\/wso2-apim-multi-dc/m);
        const one = runWorkflowStepWith({ "acme_wso2-apim-multi-dc_us-west.json": "{}" }, { STACK: "us-east", PULUMI_STACK: US_EAST.pulumiStack, PEERS: "[]", ALL_STACKS: ALL, FAKE_DIGEST: "/dev/null" });
        assert.match(one.markdown, /➖ not deployed yet/);
        assert.doesNotMatch(one.markdown, /No stack of this run/);
    });

    describe("the job's last word when it failed before the preview ran", () => {
        const workflow = YAML.parse(fs.readFileSync(path.join(PROJECT_DIR, ".github", "workflows", "preview.yml"), "utf8"));
        const steps: any[] = workflow.jobs["pulumi-preview"].steps;
        const report = steps.find((s) => s.name === "Say which step stopped the preview");
        const outcomes = { CHECKOUT: "success", NODE: "success", INSTALL: "success", AWS: "success", PULUMI_TOKEN: "skipped", CLI: "success", PREVIEW: "skipped" };
        const replay = (env: Record<string, string>, existing?: string) => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "preview-failed-"));
            try {
                if (existing !== undefined) fs.writeFileSync(path.join(dir, "preview.md"), existing);
                const result = spawnSync("bash", ["-e", "-c", report.run], {
                    cwd: dir, encoding: "utf8",
                    env: { ...process.env, ...outcomes, STACK: "us-east", PULUMI_STACK: US_EAST.pulumiStack, RUN_URL: "https://github.com/acme/apim/actions/runs/7", GITHUB_STEP_SUMMARY: path.join(dir, "summary"), ...env },
                });
                assert.equal(result.status, 0, result.stderr);
                const read = (f: string) => (fs.existsSync(path.join(dir, f)) ? fs.readFileSync(path.join(dir, f), "utf8") : "");
                return { markdown: read("preview.md"), summary: read("summary") };
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        };

        it("runs only on failure, before the upload (which runs unless cancelled), and passes shellcheck", () => {
            assert.equal(report.if, "${{ failure() }}");
            const upload = steps.find((s) => s.uses?.startsWith("actions/upload-artifact@"));
            assert.equal(upload.if, "${{ !cancelled() }}");
            assert.ok(steps.indexOf(report) > steps.findIndex((s) => s.id === "preview") && steps.indexOf(report) < steps.indexOf(upload));
            // Every step it names has the id its env reads.
            for (const [key, value] of Object.entries(report.env as Record<string, string>)) {
                const id = /^\$\{\{ steps\.([a-z-]+)\.outcome \}\}$/.exec(value)?.[1];
                if (id) assert.ok(steps.some((s) => s.id === id), `${key}: no step ${id}`);
            }
            const lint = shellcheck(`#!/bin/bash\n${report.run}`);
            assert.equal(lint.status, 0, lint.output);
        });

        it("the AWS role could not be assumed: preview.md and the summary say so, naming the step", () => {
            const { markdown, summary } = replay({ AWS: "failure", PULUMI_TOKEN: "skipped", CLI: "skipped", PREVIEW: "skipped" });
            assert.equal(markdown, "### Real preview: us-east (`acme/wso2-apim-multi-dc/us-east`)\n\n❌ **preview could not start: configure-aws-credentials (role AWS_PREVIEW_ROLE_ARN) failed** (log: https://github.com/acme/apim/actions/runs/7).\n");
            assert.equal(summary, markdown);
        });

        it("npm ci, the OIDC exchange, the CLI install: the first failed step is named", () => {
            assert.match(replay({ INSTALL: "failure", AWS: "skipped", CLI: "skipped" }).markdown, /preview could not start: npm ci failed/);
            assert.match(replay({ PULUMI_TOKEN: "failure", CLI: "skipped" }).markdown, /preview could not start: pulumi\/auth-actions \(OIDC token exchange\) failed/);
            assert.match(replay({ CLI: "failure" }).markdown, /preview could not start: the Pulumi CLI install failed/);
            assert.match(replay({ PREVIEW: "failure" }).markdown, /preview could not start: Preview the stack failed/, "real-preview.ts died before writing");
        });

        it("a preview that failed after writing its section keeps that section", () => {
            const section = "### Real preview: us-east (`acme/wso2-apim-multi-dc/us-east`)\n\n❌ **The preview failed** (exit 255).\n";
            assert.deepEqual(replay({ PREVIEW: "failure" }, section), { markdown: section, summary: "" });
        });
    });
});

/** runWorkflowStep with stacks the fake backend has (file name: the Pulumi name with / as _). */
function runWorkflowStepWith(stacks: Record<string, string>, env: Record<string, string>) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fake-stacks-"));
    try {
        for (const [file, text] of Object.entries(stacks)) fs.writeFileSync(path.join(dir, file), text);
        return runWorkflowStep({ ...env, FAKE_STACKS: dir });
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}
