/**
 * The review comment of the offline plan (tools/plan/comment.ts), rendered from real plans of the
 * shipped stacks and of a three-datacenter project (built as test/replication-peering.test.ts
 * builds one), for the cases a reviewer meets: no change, one change, a failed plan on either
 * side, every resource changed, new findings and routing changes. GitHub refuses a comment over
 * 65,536 characters (REST API: HTTP 422 "Body is too long (maximum is 65536 characters)").
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { attentionItems, isCustomProviderType, REPLACEMENT_INPUTS } from "../tools/plan/attention";
import { CommentInput, COMMENT_BUDGET_BYTES, cutToBudget, GITHUB_COMMENT_LIMIT, PlanSide, readPlanDir, renderComment } from "../tools/plan/comment";
import { main as composeCli } from "../tools/plan/comment-cli";
import { diffPlans } from "../tools/plan/diff";
import { PROJECT_DIR, planQuietly, requireTool, temporaryDirectories, threeDatacenterProject } from "./harness";

/** plan.json files of other shapes, as a pull request's base can hand them over (test/fixtures/old-plans/README.md). */
const OLD_PLANS = path.join(PROJECT_DIR, "test", "fixtures", "old-plans");

const ARTIFACT = "https://github.com/acme/apim/actions/runs/1/artifacts/2";
const copy = (side: PlanSide): PlanSide => structuredClone(side);
const resource = (side: PlanSide, name: string) => side.plans.flatMap((p) => p.resources).find((r) => r.name === name)!;
const input = (base: PlanSide, head: PlanSide): CommentInput => ({ base, head, baseCommit: "1111111", headCommit: "2222222", artifactUrl: ARTIFACT });
const missing: PlanSide = { outcome: "missing", plans: [], summaries: {}, log: "" };
const stackOf = (side: PlanSide, stack: string) => side.plans.find((p) => p.stack === stack)!;

/**
 * The database component renamed without `aliases` (its type token changes, as when the class moves
 * to another module): every URN under it changes while names and types stay, so Pulumi would
 * delete the protected RDS instance and create a new one.
 */
function renameDatabaseComponent(side: PlanSide): void {
    const rename = (urn: string) => urn.replace(/wso2-apim:database:OracleDatabase/g, "wso2-apim:db:Oracle");
    for (const r of side.plans.flatMap((p) => p.resources)) {
        r.urn = rename(r.urn);
        if (r.type === "wso2-apim:database:OracleDatabase") r.type = "wso2-apim:db:Oracle";
        r.parent = r.parent && rename(r.parent);
        r.dependsOn = r.dependsOn.map(rename);
    }
}

/** Fits GitHub's limit however it counts: UTF-8 bytes are never fewer than characters. */
function assertFits(comment: string): void {
    assert.ok(Buffer.byteLength(comment) <= COMMENT_BUDGET_BYTES, `${Buffer.byteLength(comment)} bytes`);
    assert.ok(comment.length < GITHUB_COMMENT_LIMIT);
}

describe("pull-request comment of the offline plan", function () {
    this.timeout(180_000);
    const tempDir = temporaryDirectories();
    let shipped: PlanSide;
    let threeDcs: PlanSide;

    before(async () => {
        const out = tempDir("comment-plan-");
        assert.equal((await planQuietly(["--out", out])).status, 0);
        shipped = readPlanDir(out, "success", null);

        const dir = threeDatacenterProject("comment-three-dcs-", undefined, tempDir);
        const out3 = tempDir("comment-plan-3-");
        assert.equal((await planQuietly(["--config-dir", dir, "--out", out3])).status, 0);
        threeDcs = readPlanDir(out3, "success", null);
        assert.deepEqual(threeDcs.plans.map((p) => p.stack), ["eu-west", "us-east", "us-west"]);
    });

    it("reads the stacks of a plan directory, not the plan CLI's hidden staging folders beside them", () => {
        const out = tempDir("comment-staging-");
        const plan = structuredClone(shipped.plans[0]);
        for (const dir of ["us-east", `.us-east-${"x".repeat(6)}`, ".git"]) {
            fs.mkdirSync(path.join(out, dir));
            fs.writeFileSync(path.join(out, dir, "plan.json"), JSON.stringify(plan));
            fs.writeFileSync(path.join(out, dir, "summary.md"), `# ${dir}\n`);
        }
        const side = readPlanDir(out, "success", null);
        assert.deepEqual(side.plans.map((p) => p.stack), ["us-east"]);
        assert.deepEqual(Object.keys(side.summaries), ["us-east"]);
    });

    it("with no change: says so per stack and for routing, and carries both full summaries", () => {
        const comment = renderComment(input(copy(shipped), shipped));
        assert.match(comment, /\| us-east \| 0 \| 0 \| 0 \| \$1,\d{3}\.\d\d → \$1,\d{3}\.\d\d per month \(\*\*±\$0\.00\*\*\) \| 0 \|/);
        assert.equal(comment.match(/^No resource changes\.$/gm)?.length, 2);
        assert.match(comment, /^No routing changes\.$/m);
        assert.match(comment, /<details><summary>us-west: full summary<\/summary>\n\n# Offline plan: wso2-apim-multi-dc \/ us-west/);
        assertFits(comment);
    });

    it("with one resource changed: names it and the key, and the cost delta it makes", () => {
        const base = copy(shipped);
        resource(base, "dc1-apim-1").inputs.instanceType = "m6i.2xlarge";
        const comment = renderComment(input(base, shipped));
        assert.match(comment, /\| us-east \| 0 \| 1 \| 0 \| .*\(\*\*−\$\d+\.\d\d\*\*\)/);
        assert.match(comment, /^\| ~ \| dc1-apim-1 \| `aws:ec2\/instance:Instance` \| `instanceType` \|$/m);
        assert.match(comment, /^\| dc1-apim-1 \| \$\d+\.\d\d \| \$\d+\.\d\d \| −\$\d+\.\d\d \|$/m);
        assert.match(comment, /\| us-west \| 0 \| 0 \| 0 \|/);
        assertFits(comment);
    });

    it("with no base plan and three datacenters: warns, counts each stack's resources by type, fits", () => {
        const comment = renderComment(input(missing, threeDcs));
        assert.match(comment, /> \[!WARNING\]\n> The base \(1111111\) has no plan: nothing is compared/);
        for (const p of threeDcs.plans) {
            assert.match(comment, new RegExp(`^${p.resources.length} resources, by type \\(no base to compare\\): .*\`aws:ec2/instance:Instance\` × \\d`, "m"));
        }
        assert.match(comment, /Cut here to keep the comment under GitHub's size limit: the rest is eu-west\/summary\.md in the \[plan artifact\]\(https:\/\/github\.com\/acme\/apim\/actions\/runs\/1\/artifacts\/2\)/);
        assertFits(comment);
    });

    it("with a failed base plan: says the base failed rather than that everything is new", () => {
        const comment = renderComment(input({ ...missing, outcome: "failed" }, threeDcs));
        assert.match(comment, /The base \(1111111\) has a failed plan/);
        assertFits(comment);
    });

    it("with every resource of three datacenters changed: lists the first changes, points to the rest, fits", () => {
        const base = copy(threeDcs);
        for (const r of base.plans.flatMap((p) => p.resources)) r.inputs = { ...r.inputs, replacedKey: "old" };
        const comment = renderComment(input(base, threeDcs));
        for (const p of threeDcs.plans) {
            assert.match(comment, new RegExp(`\\| ${p.stack} \\| 0 \\| ${p.resources.length} \\| 0 \\|`));
            assert.match(comment, new RegExp(`\\| \\| … ${p.resources.length - 30} more \\| \\| all of them: diff\\.md in the \\[plan artifact\\]`));
        }
        assert.match(comment, /^\| ~ \| .* \| `replacedKey` \|$/m);
        assertFits(comment);
    });

    it("with this pull request's plan failed: says so with the end of its output, and nothing stale", () => {
        const log = [...Array.from({ length: 100 }, (_, i) => `progress line ${i}`), "plan failed: stack us-east: nodeCount must be at least 1", "```"].join("\n");
        const comment = renderComment(input(shipped, { outcome: "failed", plans: [], summaries: {}, log }));
        assert.match(comment, /\*\*The plan of this pull request failed\*\* at 2222222/);
        assert.match(comment, /^plan failed: stack us-east: nodeCount must be at least 1$/m);
        assert.doesNotMatch(comment, /progress line 10\n/);
        assert.match(comment, /````text\n/, "a fence longer than the log's own backticks");
        assert.doesNotMatch(comment, /<details>|No resource changes/);
        assertFits(comment);
    });

    it("shows broken (mandatory) and new (advisory) guardrail findings, and resolved ones", () => {
        const head = copy(shipped);
        resource(head, "dc2-apim-1").inputs.monitoring = false;
        resource(head, "dc2-apim-2").inputs.metadataOptions = { httpTokens: "optional" };
        const comment = renderComment(input(shipped, head));
        assert.match(comment, /^- :x: broken: WSO2-SEC-004 \(mandatory\) dc2-apim-2 \[aws:ec2\/instance:Instance\]: IMDSv2 not required/m);
        assert.match(comment, /^- :warning: new: WSO2-REL-009 \(advisory\) dc2-apim-1 \[aws:ec2\/instance:Instance\]: detailed monitoring off/m);
        assert.match(comment, /\| us-west \| 0 \| 2 \| 0 \| .* \| 2 \|/);
        const reverse = renderComment(input(head, shipped));
        assert.match(reverse, /^- :white_check_mark: resolved: WSO2-REL-009 \(advisory\) dc2-apim-1/m);
    });

    it("shows DNS routing changes: a state that loses its record is answered by the default", () => {
        const head = copy(shipped);
        const west = head.plans.find((p) => p.stack === "us-west")!;
        west.resources = west.resources.filter((r) => r.name !== "dc2-dns-gateway-geo-state-ca");
        const comment = renderComment(input(shipped, head));
        assert.match(comment, /^\| gateway\.example\.com \| state:CA \| all up \| us-west-2 \| us-east-1 \|$/m);
        assert.match(comment, /^\| - \| dc2-dns-gateway-geo-state-ca \| `aws:route53\/record:Record` \| \|$/m);
    });

    it("cuts a summary at a line end, closes an open code fence and says where the rest is", () => {
        const text = ["# title", "```mermaid", ...Array.from({ length: 50 }, (_, i) => `  n${i} --> n${i + 1}`), "```", "after"].join("\n");
        const cut = cutToBudget(text, 400, "the rest is in the artifact");
        assert.ok(Buffer.byteLength(cut) <= 400);
        assert.match(cut, /n\d+ --> n\d+\n```\n\n_Cut here to keep the comment under GitHub's size limit: the rest is in the artifact\._\n$/);
        assert.equal(cutToBudget(text, 10_000, "unused"), text);
    });

    it("cuts inside a 4-backtick fence holding a ``` line, a ~~~ fence or a <details>, and closes each as CommonMark reads it", function () {
        // The earlier cut counted lines starting with ``` and closed with ```: wrong for a ```` fence holding
        // a ``` line (left open) and for ~~~ (never closed), and an open <details> swallowed the note.
        requireTool(this, "cmark");
        const rows = (tag: string) => Array.from({ length: 80 }, (_, i) => `${tag} row ${i}`);
        const cases: Array<[string, string[], RegExp]> = [
            ["````", ["# log", "````text", "```", ...rows("a"), "```", "````", "after"], /a row \d+\n````\n\n_Cut here/],
            ["~~~", ["# log", "~~~text", ...rows("b"), "~~~", "after"], /b row \d+\n~~~\n\n_Cut here/],
            ["<details>", ["<details><summary>us-east: full summary</summary>", "", "```text", ...rows("c"), "```", "", "</details>", "after"], /c row \d+\n```\n<\/details>\n\n_Cut here/],
            ["<details>, no fence", ["<details><summary>s</summary>", "", ...rows("d"), "", "</details>", "after"], /d row \d+\n<\/details>\n\n_Cut here/],
        ];
        for (const [name, lines, ending] of cases) {
            const cut = cutToBudget(lines.join("\n"), 400, "the rest is in the artifact");
            assert.ok(Buffer.byteLength(cut) <= 400, name);
            assert.match(cut, ending, `${name}:\n${cut}`);
            assert.doesNotMatch(cut, /after/, name);
            // CommonMark's reference parser: the note is a paragraph of its own, outside any code block.
            const html = spawnSync("cmark", ["--unsafe"], { input: cut, encoding: "utf8" }).stdout;
            assert.match(html, /<p><em>Cut here to keep the comment under GitHub's size limit: the rest is in the artifact\.<\/em><\/p>\n$/, `${name}:\n${html}`);
            assert.equal((html.match(/<details>/g) ?? []).length, (html.match(/<\/details>/g) ?? []).length, name);
        }
        // A ``` line inside the ```` fence does not close it; a longer closing fence does.
        const closedLonger = ["~~~", "x", "~~~~~", ...rows("e")].join("\n");
        assert.match(cutToBudget(closedLonger, 300, "p"), /e row \d+\n\n_Cut here/, "closed by a longer fence: nothing left open");
    });

    it("leads with what needs attention when the database component is renamed and every resource changes, and cuts none of it", () => {
        const head = copy(shipped);
        renameDatabaseComponent(head);
        for (const r of head.plans.flatMap((p) => p.resources)) r.inputs = { ...r.inputs, tags: { ...(r.inputs.tags as object), CostCentre: "42" } };
        const comment = renderComment(input(shipped, head));
        const block = comment.slice(comment.indexOf("### Needs attention"), comment.indexOf("| stack | add |"));
        assert.ok(comment.indexOf("### Needs attention") > 0 && comment.indexOf("### Needs attention") < comment.indexOf("| stack | add |"), "the block comes before the stack table");
        const items = block.split("\n").filter((line) => line.startsWith("- "));
        assert.match(items[0], /^- :rotating_light: \*\*us-east: removes dc1-db-oracle\*\* `aws:rds\/instance:Instance`: protected \(`pulumi up` refuses to delete it until it is unprotected\); stateful: its data goes with it\.$/);
        const oldUrn = stackOf(shipped, "us-east").resources.find((r) => r.name === "dc1-db-oracle")!.urn;
        const pair = items.find((line) => line.includes("**us-east: dc1-db-oracle**"));
        assert.ok(pair, "the add/remove pair of dc1-db-oracle is listed");
        assert.ok(pair!.includes(`\`aliases: ["${oldUrn}"]\``), pair);
        assert.match(pair!, /is removed and added again: its URN changes \(`wso2-apim:region:Region\$wso2-apim:database:OracleDatabase\$aws:rds\/instance:Instance` → `wso2-apim:region:Region\$wso2-apim:db:Oracle\$aws:rds\/instance:Instance`\)/);
        // Nothing of it cut: every item the attention block computes from these plans is in the comment.
        const diffs = ["us-east", "us-west"].map((stack) => diffPlans(stack, stackOf(shipped, stack), stackOf(head, stack)));
        const expected = attentionItems({ diffs, broken: new Map(), baseKnown: true }).lines;
        const moved = shipped.plans.flatMap((p) => p.resources).filter((r) => r.urn.includes("OracleDatabase") && r.type !== "wso2-apim:database:OracleDatabase");
        assert.equal(expected.filter((line) => line.includes("is removed and added again")).length, moved.length);
        for (const line of expected) assert.ok(comment.includes(line), `cut from the comment: ${line}`);
        // The stack's list starts with its removals, whatever the cap cuts.
        assert.match(comment, /### us-east\n\n\| \| resource \| type \| changed keys \|\n\| --- \| --- \| --- \| --- \|\n\| - \| /);
        assert.match(comment, /^\| - \| dc1-db-oracle \| `aws:rds\/instance:Instance` \| URN change: see above \|$/m);
        assertFits(comment);
    });

    it("says a change of a replacement-forcing input may replace, and a change of user data does not unless it is set to", () => {
        const head = copy(shipped);
        resource(head, "dc2-apim-1").inputs.subnetId = "subnet-0123456789abcdef0";
        resource(head, "dc2-apim-2").inputs.userData = "#!/bin/bash\necho changed";
        const comment = renderComment(input(shipped, head));
        assert.match(comment, /^- :arrows_counterclockwise: us-west: dc2-apim-1 `aws:ec2\/instance:Instance` \*\*may replace, confirm in the real preview\*\*: `subnetId` forces a new resource\.$/m);
        assert.match(comment, /^\| ± \| dc2-apim-1 \| `aws:ec2\/instance:Instance` \| may replace: `subnetId`; `subnetId` \|$/m);
        assert.doesNotMatch(comment, /dc2-apim-2 `aws:ec2\/instance:Instance` \*\*may replace/);
        resource(head, "dc2-apim-2").inputs.userDataReplaceOnChange = true;
        assert.match(renderComment(input(shipped, head)), /dc2-apim-2 `aws:ec2\/instance:Instance` \*\*may replace, confirm in the real preview\*\*: `userData` forces/);
    });

    it("lists a removed secret and a broken guardrail in the block, and says so when nothing needs attention", () => {
        const head = copy(shipped);
        const west = stackOf(head, "us-west");
        const secret = west.resources.find((r) => r.type === "aws:secretsmanager/secret:Secret")!;
        west.resources = west.resources.filter((r) => r !== secret);
        resource(head, "dc2-apim-2").inputs.metadataOptions = { httpTokens: "optional" };
        const comment = renderComment(input(shipped, head));
        assert.ok(comment.includes(`- :rotating_light: **us-west: removes ${secret.name}** \`aws:secretsmanager/secret:Secret\`: stateful: its data goes with it.`));
        assert.match(comment, /^- :x: us-west: broken guardrail WSO2-SEC-004 \(mandatory\) dc2-apim-2/m);
        assert.match(renderComment(input(copy(shipped), shipped)), /### Needs attention\n\nNothing: no stateful or protected resource removed, no URN change/);
    });

    it("over the cap, cuts additions first and counts them by type, after removals and changes", () => {
        const base = copy(shipped);
        const east = stackOf(base, "us-east");
        const records = east.resources.filter((r) => r.type === "aws:route53/record:Record");
        east.resources = east.resources.filter((r) => r.type !== "aws:route53/record:Record");
        resource(base, "dc1-apim-1").inputs.instanceType = "m6i.2xlarge";
        const comment = renderComment(input(base, shipped));
        const section = comment.slice(comment.indexOf("### us-east\n"), comment.indexOf("### us-west\n"));
        const rows = section.split("\n").filter((line) => /^\| [-~±+] \|/.test(line));
        assert.match(rows[0], /^\| ~ \| dc1-apim-1 \| `aws:ec2\/instance:Instance` \| `instanceType` \|$/);
        assert.equal(rows.filter((row) => row.startsWith("| + | dc1-")).length, 29);
        assert.ok(section.includes(`| + | … ${records.length - 29} more to add: \`aws:route53/record:Record\` × ${records.length - 29} | | all of them: diff.md in the [plan artifact]`), section);
    });

    it("has the replacement-forcing inputs of every resource type the shipped and three-datacenter plans declare, all read at one commit", () => {
        const types = new Set([...shipped.plans, ...threeDcs.plans].flatMap((p) => p.resources.map((r) => r.type)).filter(isCustomProviderType));
        const missingTypes = [...types].filter((type) => !(type in REPLACEMENT_INPUTS));
        assert.deepEqual(missingTypes, [], "types with no entry in tools/plan/replacement-inputs.json");
        const commits = new Set<string>();
        for (const [type, entry] of Object.entries(REPLACEMENT_INPUTS)) {
            assert.doesNotMatch(entry.note ?? "", /not read yet/, `${type} is still unread`);
            if (entry.forceNew === null) {
                assert.equal(entry.notProvider, true, `${type}: only a type that is no terraform-provider-aws resource has no inputs`);
                assert.match(entry.note ?? "", /^not a terraform-provider-aws resource/, type);
                continue;
            }
            assert.match(entry.file ?? "", /^internal\/service\/[a-z0-9]+\/[a-z0-9_]+\.go$/, type);
            assert.match(entry.commit ?? "", /^[0-9a-f]{40}$/, type);
            commits.add(entry.commit!);
            for (const key of [...entry.forceNew, ...(entry.forceNewConditional ?? []), ...Object.keys(entry.forceNewIf ?? {})]) {
                assert.match(key, /^[a-z][A-Za-z0-9]*(\.[a-z][A-Za-z0-9]*)*$/, `${type}: ${key} is a Pulumi (camelCase) input path`);
            }
        }
        assert.equal(commits.size, 1, `every entry read at one commit: ${[...commits].join(", ")}`);
    });

    it("does not call a changed random password's replacement-forcing inputs unknown: random:* is no terraform-provider-aws resource", () => {
        const head = copy(shipped);
        const east = stackOf(head, "us-east");
        const password = east.resources.find((r) => r.type === "random:index/randomPassword:RandomPassword")!;
        password.inputs = { ...password.inputs, length: 40 };
        const diffs = ["us-east", "us-west"].map((stack) => diffPlans(stack, stackOf(shipped, stack), stackOf(head, stack)));
        const lines = attentionItems({ diffs, broken: new Map(), baseKnown: true }).lines;
        assert.deepEqual(lines.filter((line) => line.includes("not recorded yet")), []);
    });

    it("compares with a base plan written by an earlier version (no config, outputs, protect): fills the defaults and says so", () => {
        const base = readPlanDir(path.join(OLD_PLANS, "no-config"), "success", null);
        assert.equal(base.outcome, "ok");
        assert.deepEqual(base.filled, ["config", "outputs", "resources[].dependsOn", "resources[].protect", "resources[].provider"]);
        const comment = renderComment(input(base, shipped));
        assert.match(comment, /against its base \(1111111/, "compared, not counted");
        assert.match(comment, /written by an earlier version of the program, without `config`, `outputs`, `resources\[\]\.dependsOn`, `resources\[\]\.protect`, `resources\[\]\.provider`/);
        // The six resources it has are matched by URN: the database instance is changed, not removed and added.
        assert.match(comment, /^\| ~ \| dc1-db-oracle \| `aws:rds\/instance:Instance` \| .*`\(protect\)`/m);
        assert.doesNotMatch(comment, /^\| - \| dc1-db-oracle /m);
        assertFits(comment);
    });

    it("refuses a base plan.json that is not a plan, and says clearly that it cannot compare", () => {
        const base = readPlanDir(path.join(OLD_PLANS, "not-a-plan"), "success", null);
        assert.equal(base.outcome, "unreadable");
        assert.deepEqual(base.refused, ['us-east/plan.json has no "resources" list']);
        const comment = renderComment(input(base, shipped));
        assert.match(comment, /> The base \(1111111\) has a plan this version cannot compare \(written by an earlier version of the program\?\): us-east\/plan\.json has no "resources" list\. Nothing is compared, resources are counted by type\./);
        assert.doesNotMatch(comment, /^\| - \|/m, "nothing listed as removed");
        assertFits(comment);
    });

    it("when the builder throws, the CLI still writes a comment saying what failed, at which commit and when, and fails", () => {
        const workspace = tempDir("comment-throws-");
        const notADirectory = path.join(workspace, "out-base");
        fs.writeFileSync(notADirectory, "a file where the base's plan folder should be\n");
        const out = path.join(workspace, "comment.md");
        assert.throws(
            () => composeCli(["--head", path.join(OLD_PLANS, "no-config"), "--head-outcome", "success", "--base", notADirectory, "--base-outcome", "success",
                "--head-commit", "2222222aaaa", "--artifact-url", ARTIFACT, "--out", out]),
            /ENOTDIR/,
        );
        const comment = fs.readFileSync(out, "utf8");
        assert.match(comment, /^> \*\*Composing the plan comment failed\*\* at 2222222 \(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\): there is no plan comment for this commit, and any earlier one is out of date\.$/m);
        assert.match(comment, /ENOTDIR/);
        assert.match(comment, /\[plan artifact\]\(https:\/\/github\.com\/acme\/apim\/actions\/runs\/1\/artifacts\/2\)/);
        fs.rmSync(workspace, { recursive: true, force: true });
    });
});
