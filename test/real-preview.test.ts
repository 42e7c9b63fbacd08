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
import { NOT_DEPLOYED, parseDigest, policyViolations, previewSection, stackState } from "../tools/plan/real-preview";
import { PROJECT_DIR } from "./harness";

const FIXTURES = path.join(PROJECT_DIR, "test", "fixtures", "real-preview");
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), "utf8");
const US_EAST = { stack: "us-east", pulumiStack: "acme/wso2-apim-multi-dc/us-east" };

/** A fake pulumi CLI: `stack output` answers from $FAKE_STACKS/<stack name with / as _>.json (absent: no such stack). */
const FAKE_PULUMI = `#!/bin/bash
# FAKE pulumi for tests: answers only what test/real-preview.test.ts needs.
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
            env: { ...process.env, PATH: `${path.join(dir, "bin")}:${process.env.PATH}`, FAKE_STACKS: path.join(dir, "stacks"), GITHUB_STEP_SUMMARY: path.join(dir, "summary"), POLICY_PACK: "policy", FAKE_EXIT: "0", ...env },
        });
        const read = (f: string) => (fs.existsSync(path.join(dir, f)) ? fs.readFileSync(path.join(dir, f), "utf8") : "");
        return { status: result.status ?? -1, markdown: read("preview.md"), summary: read("summary"), stdout: result.stdout + result.stderr };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

describe("real preview report", () => {
    it("tells a missing stack (the CLI's \"no stack named '…' found\") from a stack without outputs and from a backend it cannot read", () => {
        assert.equal(stackState(255, "", "error: no stack named 'acme/wso2-apim-multi-dc/us-west' found\n"), "missing");
        assert.equal(stackState(0, "{}\n", ""), "no-outputs");
        assert.equal(stackState(0, '{"vpcId": "vpc-0abc"}', ""), "deployed");
        assert.equal(stackState(255, "", "error: [401] Unauthorized: No credentials provided or are invalid.\n"), "unreadable");
    });

    it("a successful preview shows its real counts, and every deletion and replacement by name", () => {
        const { markdown, failed } = previewSection(US_EAST, { kind: "previewed", exitCode: 0, digest: parseDigest(fixture("preview-changes.json")), violations: [], stderr: "" });
        assert.equal(failed, false);
        assert.match(markdown, /^### Real preview: us-east \(`acme\/wso2-apim-multi-dc\/us-east`\)$/m);
        assert.match(markdown, /^\| delete \| replace \| update \| create \| unchanged \|\n\| ---: \| ---: \| ---: \| ---: \| ---: \|\n\| 1 \| 1 \| 1 \| 1 \| 181 \|$/m);
        assert.match(markdown, /^- `-` delete `dc1-db-oracle` \(aws:rds\/instance:Instance\)$/m);
        assert.match(markdown, /^- `±` replace `dc1-db-params` \(aws:rds\/parameterGroup:ParameterGroup\) \(replaced because of `family`\)$/m);
        assert.match(markdown, /^No policy violations\.$/m);
    });

    it("a preview failed by a mandatory policy still reports its counts and every violation, read from the event log (the --json digest has none)", () => {
        const violations = policyViolations(fixture("events-policy-failure.jsonl"));
        assert.equal(violations.length, 2);
        const { markdown, failed } = previewSection(US_EAST, { kind: "previewed", exitCode: 255, digest: parseDigest(fixture("preview-policy-failure.json")), violations, stderr: "" });
        assert.equal(failed, true);
        assert.match(markdown, /❌ \*\*The preview failed\*\* \(exit 255\)/);
        assert.match(markdown, /^\| 0 \| 0 \| 1 \| 0 \| 183 \|$/m);
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
        assert.equal(result.markdown, `### Real preview: us-east (\`acme/wso2-apim-multi-dc/us-east\`)\n\n➖ ${NOT_DEPLOYED} (no stack acme/wso2-apim-multi-dc/us-east in the Pulumi backend yet).\n`);
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
