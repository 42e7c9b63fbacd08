/**
 * The real `pulumi preview` of one stack in the pull-request workflow, reported whatever happens:
 * `preview.md` (the stack's section of the sticky comment) and the job summary get the stack's real
 * create/update/replace/delete counts, its deletions and replacements, its policy violations and
 * its errors, on success and on failure; a stack (or a peer it reads) that is not deployed yet gets
 * one neutral line instead of a red job.
 *
 * Why not pulumi/actions: v6.6.1 and v7.0.0 call `runAction(config)` without `await` in `main()`
 * (src/main.ts), and write the step summary (`handleSummaryMessage`) only after the command
 * returned, so a failed preview leaves no summary (pulumi/actions#1373). The workflow installs the
 * CLI with pulumi/actions' installer mode (no `command` input: `makeInstallationConfig`) and runs it here.
 *
 * `node -r sucrase/register/ts tools/plan/real-preview.ts run` (env STACK, PULUMI_STACK, PEERS as a
 * JSON array of Pulumi stack names, ALL_STACKS as preview-config's `stacks` output, POLICY_PACK;
 * writes preview.md, appends to $GITHUB_STEP_SUMMARY, exits 1 when a deployed stack's preview failed
 * or the token cannot see the prefix's organization).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/**
 * `pulumi preview --json`: a PreviewDigest (pulumi/pulumi sdk/pkg/display/json.go; built by
 * ShowPreviewDigest in pkg/backend/display/json.go, printed when the event stream closes, so also
 * after a failed preview). Only the fields read here.
 */
export interface PreviewDigest {
    steps?: { op: string; urn: string; replaceReasons?: string[]; diffReasons?: string[] }[];
    /** Severity: "info", "info#err", "warning", "error" (apitype DiagnosticEvent); the prefix is folded into the message. */
    diagnostics?: { urn?: string; message?: string; severity?: string }[];
    /** Count per step op ("create", "update", "delete", "replace", "same", …). */
    changeSummary?: Record<string, number>;
}

/**
 * One line of `--event-log` with a `policyEvent` (apitype EngineEvent / PolicyEvent,
 * sdk/go/common/apitype/events.go). The digest has none: ShowPreviewDigest skips
 * PolicyViolationEvent ("we don't handle policy events in JSON serialization").
 */
export interface PolicyViolation {
    policyPackName: string;
    policyName: string;
    /** "advisory" ("warning" in older CLIs) or "mandatory". */
    enforcementLevel: string;
    resourceUrn?: string;
    message: string;
}

/** What `pulumi stack output --json --stack <name>` says of a stack. */
export type StackState = "deployed" | "no-outputs" | "missing" | "unreadable";

/**
 * `pulumi whoami --json` (pulumi/pulumi pkg/cmd/pulumi/whoami/whoami.go, whoAmIJSON): the token's
 * user (for a team or organization token, the name Pulumi Cloud's /api/user gives it), the
 * organizations it belongs to, the backend URL, and what kind of token it is.
 */
export interface WhoAmI {
    user: string;
    organizations?: string[];
    url: string;
    tokenInformation?: { name: string; organization?: string; team?: string };
}

/**
 * Whether the token can see the prefix's organization: it is among the token's organizations, or
 * it is the user itself (personal stacks live under the user's name), or the organization an
 * organization or team token was issued for.
 */
export function canSeeOrganization(who: WhoAmI, organization: string): boolean {
    return who.user === organization || (who.organizations ?? []).includes(organization) || who.tokenInformation?.organization === organization;
}

/** The token in words for a message: never its value, only who it is. */
export function describeToken(who: WhoAmI): string {
    const info = who.tokenInformation;
    const kind = !info ? `the personal token of ${who.user}` : info.team ? `the team token "${info.name}" of team ${info.team}` : info.organization ? `the organization token "${info.name}" of ${info.organization}` : `the token "${info.name}" of ${who.user}`;
    const orgs = who.organizations?.length ? who.organizations.join(", ") : "none";
    return `${kind} at ${who.url} (organizations: ${orgs})`;
}

export type PreviewResult =
    | { kind: "not-deployed"; reason: string; noneDeployed?: { prefix: string; stacks: string[] } }
    | { kind: "wrong-organization"; organization: string; prefix: string; token: string }
    | { kind: "unreadable"; stack: string; detail: string }
    | { kind: "previewed"; exitCode: number; digest: PreviewDigest | null; violations: PolicyViolation[]; stderr: string };

/**
 * The CLI's error for a stack the backend does not have is `no stack named '<name>' found`
 * (pulumi/pulumi pkg/backend/backenderr/backenderr.go, StackNotFoundError); current CLIs also exit
 * with 6 for it, "ExitStackNotFound", part of their stable exit-code contract (pulumi/pulumi
 * pkg/cmd/pulumi/cmd/exit_codes.go, ExitCodeFor: StackNotFoundError, StackStateNotFoundError,
 * NoStacksError; tests/integration/exit_codes_test.go), while older ones exit 255 with the same text.
 * Either marks it missing; any other failure (login, network) is not "not deployed" and must not
 * pass for it.
 */
export const EXIT_STACK_NOT_FOUND = 6;
export function stackState(exitCode: number, stdout: string, stderr: string): StackState {
    if (exitCode !== 0) return exitCode === EXIT_STACK_NOT_FOUND || /no stack named '[^']*' found/.test(stderr) ? "missing" : "unreadable";
    try {
        const outputs = JSON.parse(stdout);
        return outputs && typeof outputs === "object" && Object.keys(outputs).length > 0 ? "deployed" : "no-outputs";
    } catch {
        return "unreadable";
    }
}

/** The digest, or null when the CLI stopped before the engine ran (no JSON on stdout). */
export function parseDigest(stdout: string): PreviewDigest | null {
    const start = stdout.indexOf("{");
    if (start < 0) return null;
    try {
        const digest = JSON.parse(stdout.slice(start));
        return digest && typeof digest === "object" ? digest : null;
    } catch {
        return null;
    }
}

/** The policy violations of an event log (one JSON engine event per line). */
export function policyViolations(eventLog: string): PolicyViolation[] {
    const violations: PolicyViolation[] = [];
    for (const line of eventLog.split("\n")) {
        if (!line.trim()) continue;
        let event: any;
        try {
            event = JSON.parse(line);
        } catch {
            continue; // a line cut off by a cancelled run
        }
        const p = event?.policyEvent;
        if (p) violations.push({ policyPackName: p.policyPackName, policyName: p.policyName, enforcementLevel: p.enforcementLevel, resourceUrn: p.resourceUrn || undefined, message: String(p.message ?? "") });
    }
    return violations;
}

/** `urn:pulumi:<stack>::<project>::<parent$type>::<name>` → type and name. */
function urnParts(urn: string): { type: string; name: string } {
    const parts = urn.split("::");
    return { type: (parts[2] ?? "").split("$").pop() ?? "", name: parts.slice(3).join("::") };
}

const oneLine = (text: string, max = 500) => {
    const flat = text.replace(/\s+/g, " ").trim().replace(/\|/g, "\\|");
    return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};
const tail = (text: string, lines = 30) => text.trimEnd().split("\n").slice(-lines).join("\n").replace(/```/g, "'''");

export const NOT_DEPLOYED = "not deployed yet: offline plan only";

/** The stack's section of preview.md and of the job summary; `failed` is whether the job should go red. */
export function previewSection(stack: { stack: string; pulumiStack: string }, result: PreviewResult): { markdown: string; failed: boolean } {
    const title = `### Real preview: ${stack.stack} (\`${stack.pulumiStack}\`)`;
    if (result.kind === "not-deployed") {
        const none = result.noneDeployed;
        const warning = none
            ? `\n⚠️ **No stack of this run exists under \`${none.prefix}\`** (${none.stacks.map((s) => `\`${s}\``).join(", ")}). Right for a repository never deployed; otherwise stackReferencePrefix or the token's access is wrong.\n`
            : "";
        return { markdown: `${title}\n\n➖ ${NOT_DEPLOYED} (${result.reason}).\n${warning}`, failed: false };
    }
    if (result.kind === "wrong-organization") {
        // pulumi/pulumi pkg/backend/httpstate/backend.go GetStack turns every 404 into "no stack", and an
        // organization the token cannot see answers 404: without this check every stack would pass for
        // "not deployed yet" and the job would stay green.
        return {
            markdown: `${title}\n\n❌ **The Pulumi token cannot see organization \`${result.organization}\`** of stackReferencePrefix \`${result.prefix}\`: it is ${result.token}. Every stack would look "not deployed yet"; set stackReferencePrefix to your organization, or give the token (PULUMI_ACCESS_TOKEN, or the team of PULUMI_OIDC_TEAM) access to it.\n`,
            failed: true,
        };
    }
    if (result.kind === "unreadable") {
        return { markdown: `${title}\n\n❌ **Could not read stack \`${result.stack}\`** from the Pulumi backend:\n\n\`\`\`text\n${tail(result.detail)}\n\`\`\`\n`, failed: true };
    }
    const { digest, violations, exitCode } = result;
    const failed = exitCode !== 0;
    const lines = [title, "", failed ? `❌ **The preview failed** (exit ${exitCode}).` : "✅ The preview succeeded.", ""];
    if (digest?.changeSummary) {
        const count = (op: string) => digest.changeSummary?.[op] ?? 0;
        // The engine emits its summary event after the walk, also when it stopped on an error
        // (pulumi/pulumi pkg/engine/deployment.go, run): the counts are then of the steps planned so far.
        if (failed) lines.push("Counts are **partial: the preview stopped early**; resources after the error are not counted.", "");
        lines.push("| delete | replace | update | create | unchanged |", "| ---: | ---: | ---: | ---: | ---: |",
            `| ${count("delete")} | ${count("replace")} | ${count("update")} | ${count("create")} | ${count("same")} |`, "");
    } else {
        lines.push("No change counts: the preview stopped before it planned the resources.", "");
    }
    // Deletions and replacements are never cut: they are what a reviewer must not miss.
    const risky = (digest?.steps ?? []).filter((s) => s.op === "delete" || s.op === "replace");
    if (risky.length > 0) {
        lines.push("**Deletions and replacements**", "");
        for (const step of risky) {
            const { type, name } = urnParts(step.urn);
            const why = step.op === "replace" && step.replaceReasons?.length ? ` (replaced because of ${step.replaceReasons.map((r) => `\`${r}\``).join(", ")})` : "";
            lines.push(`- ${step.op === "delete" ? "`-` delete" : "`±` replace"} \`${name}\` (${type})${why}`);
        }
        lines.push("");
    }
    if (violations.length > 0) {
        lines.push(`**Policy violations (${violations.length})**`, "", "| level | policy | resource | message |", "| --- | --- | --- | --- |");
        for (const v of violations) {
            const resource = v.resourceUrn ? `\`${urnParts(v.resourceUrn).name}\`` : "(stack)";
            lines.push(`| ${v.enforcementLevel} | ${v.policyPackName}/${v.policyName} | ${resource} | ${oneLine(v.message)} |`);
        }
        lines.push("");
    } else {
        lines.push("No policy violations.", "");
    }
    const diagnostics = (digest?.diagnostics ?? []).filter((d) => d.severity === "error" || d.severity === "warning");
    if (diagnostics.length > 0) {
        lines.push("**Errors and warnings**", "");
        for (const d of diagnostics) lines.push(`- ${d.severity}${d.urn ? ` \`${urnParts(d.urn).name}\`` : ""}: ${oneLine((d.message ?? "").replace(/^(error|warning): /, ""), 1000)}`);
        lines.push("");
    }
    if (failed && !digest && result.stderr.trim()) lines.push("```text", tail(result.stderr), "```", "");
    return { markdown: `${lines.join("\n").trimEnd()}\n`, failed };
}

interface Cli {
    (args: string[]): { status: number; stdout: string; stderr: string };
}

/**
 * `--event-log` is registered only when debug commands are on (pulumi/pulumi pkg/cmd/pulumi preview
 * flags: `if env.DebugCommands.Value()`, PULUMI_DEBUG_COMMANDS; the Automation API sets it for its
 * event stream the same way).
 */
const pulumiCli: Cli = (args) => {
    const result = spawnSync("pulumi", args, { encoding: "utf8", maxBuffer: 256 * 1024 * 1024, env: { ...process.env, PULUMI_DEBUG_COMMANDS: "true" } });
    if (result.error) return { status: 127, stdout: "", stderr: String(result.error.message) };
    return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
};

/**
 * Checks the token, the stack and its peers, then previews it: the steps of the workflow's preview job.
 * `allStacks`: every stack of the run (preview-config's matrix), to say when none of them exists.
 */
export function runPreview(stack: { stack: string; pulumiStack: string; peers: string[] }, policyPack: string, pulumi: Cli = pulumiCli, allStacks: string[] = [stack.pulumiStack]): PreviewResult {
    const prefix = stack.pulumiStack.replace(/\/[^/]*$/, "");
    const organization = prefix.split("/")[0];
    const whoami = pulumi(["whoami", "--json"]);
    let who: WhoAmI | undefined;
    try {
        who = whoami.status === 0 ? JSON.parse(whoami.stdout) : undefined;
    } catch {
        who = undefined;
    }
    if (!who || typeof who.user !== "string") return { kind: "unreadable", stack: stack.pulumiStack, detail: `pulumi whoami --json: ${whoami.stderr || whoami.stdout}` };
    if (!canSeeOrganization(who, organization)) return { kind: "wrong-organization", organization, prefix, token: describeToken(who) };

    const stateOf = (name: string) => {
        const r = pulumi(["stack", "output", "--json", "--stack", name]);
        return { state: stackState(r.status, r.stdout, r.stderr), stderr: r.stderr };
    };
    const own = stateOf(stack.pulumiStack);
    if (own.state === "missing") {
        const others = allStacks.filter((s) => s !== stack.pulumiStack);
        const noneDeployed = others.every((s) => stateOf(s).state === "missing") ? { prefix, stacks: allStacks } : undefined;
        return { kind: "not-deployed", reason: `no stack ${stack.pulumiStack} in the Pulumi backend yet`, noneDeployed };
    }
    if (own.state === "unreadable") return { kind: "unreadable", stack: stack.pulumiStack, detail: own.stderr };
    for (const peer of stack.peers) {
        const { state, stderr } = stateOf(peer);
        if (state === "missing" || state === "no-outputs") return { kind: "not-deployed", reason: `its peer ${peer} ${state === "missing" ? "does not exist" : "has no outputs"} yet` };
        if (state === "unreadable") return { kind: "unreadable", stack: peer, detail: stderr };
    }
    const log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "real-preview-")), "events.jsonl");
    // No refresh: the preview role may not read secret values, which a SecretVersion's refresh needs (docs/deployer-iam.md).
    const r = pulumi(["preview", "--stack", stack.pulumiStack, "--json", "--event-log", log, "--policy-pack", policyPack, "--refresh=false", "--non-interactive"]);
    const events = fs.existsSync(log) ? fs.readFileSync(log, "utf8") : "";
    fs.rmSync(path.dirname(log), { recursive: true, force: true });
    return { kind: "previewed", exitCode: r.status, digest: parseDigest(r.stdout), violations: policyViolations(events), stderr: r.stderr };
}

if (require.main === module) {
    const env = process.env;
    const [command] = process.argv.slice(2);
    if (command !== "run" || !env.STACK || !env.PULUMI_STACK) {
        console.error("usage: STACK=<stack> PULUMI_STACK=<org/project/stack> PEERS='[…]' POLICY_PACK=policy real-preview.ts run");
        process.exit(2);
    }
    const stack = { stack: env.STACK, pulumiStack: env.PULUMI_STACK, peers: JSON.parse(env.PEERS || "[]") as string[] };
    const allStacks = env.ALL_STACKS ? (JSON.parse(env.ALL_STACKS) as { pulumiStack: string }[]).map((s) => s.pulumiStack) : [stack.pulumiStack];
    const result = runPreview(stack, env.POLICY_PACK || "policy", pulumiCli, allStacks);
    const { markdown, failed } = previewSection(stack, result);
    if (result.kind === "not-deployed" && result.noneDeployed) console.log(`::warning::No stack of this run exists under ${result.noneDeployed.prefix}: right for a repository never deployed; otherwise stackReferencePrefix or the token's access is wrong`);
    fs.writeFileSync(env.PREVIEW_MD || "preview.md", markdown);
    if (env.GITHUB_STEP_SUMMARY) fs.appendFileSync(env.GITHUB_STEP_SUMMARY, markdown);
    console.log(markdown);
    process.exit(failed ? 1 : 0);
}
