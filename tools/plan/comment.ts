/**
 * The pull-request review comment of the offline plan: per stack what a reviewer needs first (the
 * resources added, changed and removed with the changed keys, the monthly cost delta, broken or new
 * guardrail findings), the DNS routing changes, then each stack's full summary.md collapsed, cut to
 * a size budget with a pointer to the uploaded plan artifact.
 *
 * Both sides are judged by this pull request's code (cost prices, guardrail rules, routing model),
 * so a difference is a difference of the plans, not of the tools that read them.
 */
import * as fs from "fs";
import * as path from "path";
import { routingTable, RoutingRow } from "../../lib/dns/routing-table";
import { evaluateStacks, Finding, formatFinding } from "../../lib/guardrails";
import { Attention, attentionBlock, attentionItems } from "./attention";
import { estimateCost } from "./cost";
import { diffPlans, StackDiff } from "./diff";
import { normalizePlan, Plan, PlanResource } from "./plan-json";

/**
 * GitHub refuses a comment body over 65,536 characters ("Body is too long (maximum is 65536
 * characters)", REST API, create an issue comment: HTTP 422). The body is measured here in UTF-8
 * bytes, which is never less than its characters, and kept a margin under the limit for the
 * marker the sticky-comment action adds.
 */
export const GITHUB_COMMENT_LIMIT = 65_536;
export const COMMENT_BUDGET_BYTES = 60_000;

/** Rows of each list in the lead (changes, cost lines, findings, routing): the rest is in the artifact. */
const ROWS_PER_LIST = 30;
/** Lines of a failed plan's output shown in the comment. */
const LOG_LINES = 40;

/** How a plan command ended: GitHub's step outcome, and whether any plan was read. */
export type PlanOutcome = "ok" | "failed" | "missing" | "unreadable";

export interface PlanSide {
    outcome: PlanOutcome;
    /** The plans read (every stack the command wrote). */
    plans: Plan[];
    /** summary.md of each stack, by stack name. */
    summaries: Record<string, string>;
    /** What the plan command printed (its error when it failed). */
    log: string;
    /** Why a plan.json could not be read as a plan (outcome "unreadable"), one line per file. */
    refused?: string[];
    /** Fields an earlier version of the program did not write, read with their defaults. */
    filled?: string[];
}

export interface CommentInput {
    base: PlanSide;
    head: PlanSide;
    /** Commits compared, as shown to the reviewer (short SHAs). */
    baseCommit: string;
    headCommit: string;
    /** Where the uploaded plan artifact is (upload-artifact's artifact-url); null when not uploaded. */
    artifactUrl: string | null;
    budgetBytes?: number;
}

const bytes = (text: string) => Buffer.byteLength(text, "utf8");
const usd = (value: number) => `$${value.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const signedUsd = (value: number) => (value === 0 ? "±$0.00" : `${value > 0 ? "+" : "−"}${usd(Math.abs(value))}`);
const round = (value: number) => Math.round(value * 100) / 100;
const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;
/** Table cells: a `|` would end the cell. */
const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** A list capped at ROWS_PER_LIST rows, the rest counted and pointed at. */
function capped(rows: string[], rest: (count: number) => string): string[] {
    return rows.length <= ROWS_PER_LIST ? rows : [...rows.slice(0, ROWS_PER_LIST), rest(rows.length - ROWS_PER_LIST)];
}

function artifactPointer(input: CommentInput, what: string): string {
    return input.artifactUrl ? `${what} in the [plan artifact](${input.artifactUrl})` : `${what} in the plan artifact of this run`;
}

/** The stack's datacenter is the trusted source: what the guardrails need besides the resources. */
function isTrustedSource(plan: Plan): boolean {
    const config = plan.config as Record<string, unknown>;
    const datacenter = config[`${plan.project}:datacenter`];
    return datacenter !== undefined && datacenter === (config[`${plan.project}:trustedSource`] ?? "DC1");
}

function findingsOf(plans: Plan[]): Map<string, Finding[]> {
    return evaluateStacks(plans.map((plan) => ({ stack: plan.stack, trustedSource: isTrustedSource(plan), resources: plan.resources })));
}

const findingKey = (f: Finding) => `${f.ruleId}|${f.resource?.urn ?? ""}|${f.message}`;

/** Routing rows of a set of plans, keyed by name, location and outage; null when it cannot be modelled. */
function routingOf(plans: Plan[]): { rows: Map<string, RoutingRow>; error: string | null } {
    const host = (url: unknown) => (typeof url === "string" ? [url.replace(/^https:\/\//, "")] : []);
    const names = [...new Set(plans.flatMap((p) => [...host(p.outputs.gatewayUrl), ...host(p.outputs.portalUrl)]))];
    try {
        const rows = routingTable(plans.map((p) => ({ stack: p.stack, resources: p.resources })), names);
        return { rows: new Map(rows.map((r) => [`${r.name}|${r.location}|${r.down ?? ""}`, r])), error: null };
    } catch (err) {
        return { rows: new Map(), error: (err as Error).message };
    }
}

function answer(row: RoutingRow | undefined): string {
    if (!row || row.answers.length === 0) return "**no answer**";
    return row.healthy ? row.answers.join(" or ") : `**${row.answers.join(" or ")} (unhealthy)**`;
}

/**
 * The stack's resource rows: removals, suspected replacements, other changes, additions, in that
 * order. Over the cap, additions are cut first (counted by type), then changes.
 */
function resourceSection(diff: StackDiff, baseKnown: boolean, input: CommentInput, attention: Attention): string[] {
    if (!baseKnown) {
        const counts = new Map<string, number>();
        for (const r of diff.added) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
        const rows = [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([type, n]) => `${code(type)} × ${n}`);
        return [`${diff.added.length} resources, by type (no base to compare): ${rows.join(", ")}.`];
    }
    if (!diff.added.length && !diff.changed.length && !diff.removed.length) return ["No resource changes."];
    const replacing = diff.changed.filter((c) => attention.replacements.has(c.resource.urn));
    const others = diff.changed.filter((c) => !attention.replacements.has(c.resource.urn));
    const removedRow = (r: PlanResource) => `| - | ${cell(r.name)} | ${code(r.type)} |${attention.urnChanges.has(r.urn) ? " URN change: see above " : " "}|`;
    const kept = [
        ...diff.removed.map(removedRow),
        ...replacing.map((c) => `| ± | ${cell(c.resource.name)} | ${code(c.resource.type)} | may replace: ${attention.replacements.get(c.resource.urn)!.map(code).join(", ")}; ${c.keys.map(code).join(", ")} |`),
        ...others.map((c) => `| ~ | ${cell(c.resource.name)} | ${code(c.resource.type)} | ${c.keys.map(code).join(", ")} |`),
    ];
    const pointer = artifactPointer(input, "all of them: diff.md");
    const rows = capped(kept, (n) => `| | … ${n} more | | ${pointer} |`);
    const room = Math.max(0, ROWS_PER_LIST - kept.length);
    rows.push(...diff.added.slice(0, room).map((r) => `| + | ${cell(r.name)} | ${code(r.type)} | |`));
    const cut = diff.added.slice(room);
    if (cut.length) {
        const counts = new Map<string, number>();
        for (const r of cut) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
        const byType = [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([type, n]) => `${code(type)} × ${n}`).join(", ");
        rows.push(`| + | … ${cut.length} more to add: ${byType} | | ${pointer} |`);
    }
    return ["| | resource | type | changed keys |", "| --- | --- | --- | --- |", ...rows];
}

function costSection(base: Plan | undefined, head: Plan | undefined): { line: string; rows: string[] } {
    const baseCost = base ? estimateCost(base.resources) : null;
    const headCost = head ? estimateCost(head.resources) : null;
    const total = (c: typeof baseCost) => (c ? c.totalUsd : 0);
    const delta = round(total(headCost) - total(baseCost));
    const line = baseCost && headCost
        ? `${usd(baseCost.totalUsd)} → ${usd(headCost.totalUsd)} per month (**${signedUsd(delta)}**)`
        : headCost ? `${usd(headCost.totalUsd)} per month (no base to compare)` : `${usd(total(baseCost))} per month removed`;
    if (!baseCost || !headCost) return { line, rows: [] };
    const key = (l: { resource: string; type: string }) => `${l.type}|${l.resource}`;
    const before = new Map(baseCost.lines.map((l) => [key(l), l.monthlyUsd ?? 0]));
    const after = new Map(headCost.lines.map((l) => [key(l), l.monthlyUsd ?? 0]));
    const rows = [...new Set([...before.keys(), ...after.keys()])]
        .map((k) => ({ k, was: before.get(k) ?? 0, now: after.get(k) ?? 0 }))
        .filter(({ was, now }) => round(now - was) !== 0)
        .sort((a, b) => Math.abs(b.now - b.was) - Math.abs(a.now - a.was))
        .map(({ k, was, now }) => `| ${cell(k.split("|")[1])} | ${usd(was)} | ${usd(now)} | ${signedUsd(round(now - was))} |`);
    return { line, rows };
}

/** Broken (mandatory) findings of the pull request, advisory ones it adds, and those it resolves; without a base only the broken. */
function findingChanges(stack: string, base: Map<string, Finding[]> | null, head: Map<string, Finding[]>) {
    const now = head.get(stack) ?? [];
    const before = base?.get(stack) ?? [];
    const keysBefore = new Set(before.map(findingKey));
    const keysNow = new Set(now.map(findingKey));
    return {
        broken: now.filter((f) => f.severity === "mandatory"),
        added: base ? now.filter((f) => f.severity === "advisory" && !keysBefore.has(findingKey(f))) : [],
        resolved: before.filter((f) => !keysNow.has(findingKey(f))),
        advisories: now.filter((f) => f.severity === "advisory").length,
    };
}

function findingSection(changes: ReturnType<typeof findingChanges>, baseKnown: boolean): string[] {
    const lines = [
        ...changes.broken.map((f) => `- :x: broken: ${cell(formatFinding(f))}`),
        ...changes.added.map((f) => `- :warning: new: ${cell(formatFinding(f))}`),
        ...changes.resolved.map((f) => `- :white_check_mark: resolved: ${cell(formatFinding(f))}`),
    ];
    if (lines.length === 0) return [baseKnown ? "No broken or new guardrail findings." : `No broken guardrail findings; ${changes.advisories} advisory (no base to compare).`];
    return capped(lines, (n) => `- … ${n} more (summary.md lists every advisory finding)`);
}

function routingSection(input: CommentInput, baseKnown: boolean): string[] {
    const head = routingOf(input.head.plans);
    if (head.error) return [`The routing of this pull request could not be modelled: ${head.error}`];
    if (!baseKnown) return ["No base to compare: the full routing table is in each summary below."];
    const base = routingOf(input.base.plans);
    if (base.error) return [`The routing of the base could not be modelled (${base.error}): the full table of this pull request is in each summary below.`];
    const changed = [...new Set([...base.rows.keys(), ...head.rows.keys()])]
        .filter((key) => answer(base.rows.get(key)) !== answer(head.rows.get(key)))
        .map((key) => {
            const [name, location, down] = key.split("|");
            return `| ${name} | ${location} | ${down ? `${down} down` : "all up"} | ${answer(base.rows.get(key))} | ${answer(head.rows.get(key))} |`;
        });
    if (changed.length === 0) return ["No routing changes."];
    return [
        "| name | location | regions | before | after |",
        "| --- | --- | --- | --- | --- |",
        ...capped(changed, (n) => `| … ${n} more | | | | ${artifactPointer(input, "the full tables: summary.md of each stack")} |`),
    ];
}

/** A fence longer than any run of backticks in the text, so the text cannot close it. */
function fenced(text: string): string {
    const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length));
    const fence = "`".repeat(longest + 1);
    return `${fence}text\n${text}\n${fence}`;
}

function failedPlanNotice(input: CommentInput): string {
    if (input.head.outcome === "unreadable") {
        return [
            `> [!CAUTION]`,
            `> **The plan of this pull request could not be read** at ${input.headCommit}: ${(input.head.refused ?? []).join("; ")}. Any earlier plan of this pull request is out of date.`,
            "",
        ].join("\n");
    }
    const tail = input.head.log.trimEnd().split("\n").slice(-LOG_LINES).join("\n");
    return [
        `> [!CAUTION]`,
        `> **The plan of this pull request failed** at ${input.headCommit}: there is nothing to compare, and any earlier plan of this pull request is out of date.`,
        "",
        "Last lines of `npm run plan`:",
        "",
        fenced(tail.length > 8_000 ? tail.slice(-8_000) : tail),
        "",
        `${artifactPointer(input, "The whole output is plan-head.log")}.`,
        "",
    ].join("\n");
}

/** The Markdown blocks open after a line: a fenced code block (its character and length) and `<details>` elements. */
interface OpenBlocks {
    fence: { char: string; length: number } | null;
    details: number;
}

/**
 * A fence opens with three or more backticks or tildes indented up to three spaces (a backtick
 * fence's info string holds no backtick), and is closed only by a line of the same character, at
 * least as long, indented up to three spaces, with nothing but spaces after it (CommonMark 0.31.2,
 * 4.5 "Fenced code blocks"). `<details>` lines count only outside fences.
 */
function afterLine(state: OpenBlocks, line: string): OpenBlocks {
    const fence = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
    if (state.fence) {
        const closes = fence !== null && fence[1][0] === state.fence.char && fence[1].length >= state.fence.length && /^[ \t]*$/.test(fence[2]);
        return closes ? { ...state, fence: null } : state;
    }
    if (fence && !(fence[1][0] === "`" && fence[2].includes("`"))) return { ...state, fence: { char: fence[1][0], length: fence[1].length } };
    const opened = (line.match(/<details\b/gi) ?? []).length;
    const closed = (line.match(/<\/details\s*>/gi) ?? []).length;
    return { ...state, details: Math.max(0, state.details + opened - closed) };
}

/** What closes the blocks left open, in order: the fence, then each `<details>`. */
function closing(state: OpenBlocks): string {
    return (state.fence ? `\n${state.fence.char.repeat(state.fence.length)}` : "") + "\n</details>".repeat(state.details);
}

/**
 * Cuts text to at most `budget` bytes at a line end, closing a code fence and any `<details>` the cut
 * leaves open (after the closing fence: HTML inside a code block is text), and says where the rest is.
 */
export function cutToBudget(text: string, budget: number, pointer: string): string {
    if (bytes(text) <= budget) return text;
    const note = `\n\n_Cut here to keep the comment under GitHub's size limit: ${pointer}._\n`;
    const kept: string[] = [];
    let state: OpenBlocks = { fence: null, details: 0 };
    let size = bytes(note);
    for (const line of text.split("\n")) {
        const next = afterLine(state, line);
        if (size + bytes(line) + 1 + bytes(closing(next)) > budget) break;
        kept.push(line);
        size += bytes(line) + 1;
        state = next;
    }
    return kept.join("\n") + closing(state) + note;
}

export function renderComment(input: CommentInput): string {
    const budget = input.budgetBytes ?? COMMENT_BUDGET_BYTES;
    const title = "## Offline plan";
    if (input.head.outcome !== "ok") {
        return cutToBudget([title, "", failedPlanNotice(input)].join("\n"), budget, artifactPointer(input, "the whole output"));
    }
    const baseKnown = input.base.outcome === "ok" && input.base.plans.length > 0;
    const stacks = [...new Set([...input.head.plans.map((p) => p.stack), ...(baseKnown ? input.base.plans.map((p) => p.stack) : [])])];
    const planOf = (side: PlanSide, stack: string) => side.plans.find((p) => p.stack === stack);
    const headFindings = findingsOf(input.head.plans);
    const baseFindings = baseKnown ? findingsOf(input.base.plans) : null;

    const lead: string[] = [title, ""];
    lead.push(
        baseKnown
            ? `This pull request (${input.headCommit}) against its base (${input.baseCommit}, the first parent of GitHub's merge commit), planned offline under mocks.`
            : `This pull request (${input.headCommit}), planned offline under mocks.\n\n> [!WARNING]\n` +
                  (input.base.outcome === "unreadable"
                      ? `> The base (${input.baseCommit}) has a plan this version cannot compare (written by an earlier version of the program?): ` +
                        `${(input.base.refused ?? []).join("; ")}. Nothing is compared, resources are counted by type.`
                      : `> The base (${input.baseCommit}) has ${input.base.outcome === "failed" ? "a failed plan" : "no plan"}: nothing is compared, resources are counted by type.`),
        "",
    );
    if (baseKnown && input.base.filled?.length) {
        lead.push(
            `The base's plan was written by an earlier version of the program, without ${input.base.filled.map(code).join(", ")}: ` +
                "compared as if those were empty (no config keys, no outputs, unprotected, no dependencies), so differences in them are not real changes.",
            "",
        );
    }
    const diffs = stacks.map((stack) => diffPlans(stack, baseKnown ? planOf(input.base, stack) ?? null : null, planOf(input.head, stack) ?? null));
    const costs = new Map(stacks.map((stack) => [stack, costSection(baseKnown ? planOf(input.base, stack) : undefined, planOf(input.head, stack))]));
    const findings = new Map(stacks.map((stack) => [stack, findingChanges(stack, baseFindings, headFindings)]));
    // What must be seen first, whatever the size of the rest: never capped, and first in the comment.
    const attention = attentionItems({ diffs, baseKnown, broken: new Map(stacks.map((stack) => [stack, findings.get(stack)!.broken])) });
    lead.push(...attentionBlock(attention));
    lead.push("| stack | add | change | remove | monthly cost (USD, estimate) | broken / new findings |", "| --- | ---: | ---: | ---: | --- | ---: |");
    for (const d of diffs) {
        const { broken, added } = findings.get(d.stack)!;
        lead.push(`| ${d.stack} | ${d.added.length} | ${d.changed.length} | ${d.removed.length} | ${costs.get(d.stack)!.line} | ${broken.length + added.length} |`);
    }
    lead.push("");
    for (const d of diffs) {
        const cost = costs.get(d.stack)!;
        lead.push(`### ${d.stack}`, "", ...resourceSection(d, baseKnown, input, attention), "");
        if (cost.rows.length) {
            lead.push("| cost line | before | after | change |", "| --- | ---: | ---: | ---: |");
            lead.push(...capped(cost.rows, (n) => `| … ${n} more | | | ${artifactPointer(input, "summary.md")} |`), "");
        }
        lead.push(...findingSection(findings.get(d.stack)!, baseKnown), "");
    }
    lead.push("### DNS routing (every stack together)", "", ...routingSection(input, baseKnown), "");

    const head = lead.join("\n") + "\n";
    const summaries = stacks.filter((stack) => input.head.summaries[stack] !== undefined);
    const share = Math.floor((budget - bytes(head)) / Math.max(1, summaries.length));
    const details = summaries.map((stack) => {
        const open = `<details><summary>${stack}: full summary</summary>\n\n`;
        const close = "\n</details>\n";
        const body = cutToBudget(input.head.summaries[stack], share - bytes(open) - bytes(close), artifactPointer(input, `the rest is ${stack}/summary.md`));
        return open + body + close;
    });
    return cutToBudget(head + details.join("\n"), budget, artifactPointer(input, "the plans"));
}

/** Reads a plan directory as `npm run plan --out <dir>` writes it: <stack>/plan.json and summary.md. */
export function readPlanDir(dir: string, stepOutcome: string, logFile: string | null): PlanSide {
    const log = logFile && fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8") : "";
    const stacks = fs.existsSync(dir)
        // Not the CLI's hidden staging folders (`.<stack>-XXXXXX`, tools/plan/cli.ts writeStack): a plan left half-moved is not a stack.
        ? fs.readdirSync(dir).filter((entry) => !entry.startsWith(".") && fs.existsSync(path.join(dir, entry, "plan.json"))).sort()
        : [];
    const plans: Plan[] = [];
    const refused: string[] = [];
    const filled = new Set<string>();
    for (const stack of stacks) {
        const file = path.join(dir, stack, "plan.json");
        let raw: unknown;
        try {
            raw = JSON.parse(fs.readFileSync(file, "utf8"));
        } catch (err) {
            refused.push(`${stack}/plan.json is not JSON (${(err as Error).message})`);
            continue;
        }
        const read = normalizePlan(raw, `${stack}/plan.json`);
        if ("refused" in read) {
            refused.push(read.refused);
        } else {
            plans.push(read.plan);
            read.filled.forEach((field) => filled.add(field));
        }
    }
    const summaries = Object.fromEntries(
        stacks.filter((stack) => fs.existsSync(path.join(dir, stack, "summary.md")))
            .map((stack) => [stack, fs.readFileSync(path.join(dir, stack, "summary.md"), "utf8")]),
    );
    // GitHub's step outcomes: success, failure, cancelled or skipped.
    // A plan that cannot be read makes the whole side incomparable: comparing the stacks that could
    // be read would show the others as wholly added or removed.
    const outcome: PlanOutcome = stepOutcome === "failure" ? "failed"
        : refused.length ? "unreadable"
        : stepOutcome === "success" && plans.length > 0 ? "ok" : "missing";
    return { outcome, plans: refused.length ? [] : plans, summaries, log, refused, filled: [...filled].sort() };
}

/**
 * The comment when composing failed (the builder threw): what failed, at which commit and when, so
 * the sticky comment is replaced and no earlier plan passes for current. When not even Node could
 * run the composer (the pull request's `npm ci` failed), tools/plan/fallback-comment.sh writes the
 * same notice without any package.
 */
export function renderFailureComment(failure: { what: string; detail: string; headCommit: string; at: string; artifactUrl: string | null }): string {
    return [
        "## Offline plan",
        "",
        "> [!CAUTION]",
        `> **${failure.what}** at ${failure.headCommit} (${failure.at}): there is no plan comment for this commit, and any earlier one is out of date.`,
        "",
        fenced(failure.detail.trimEnd().split("\n").slice(-LOG_LINES).join("\n").slice(-8_000)),
        "",
        `${failure.artifactUrl ? `The plans and logs are in the [plan artifact](${failure.artifactUrl})` : "The plans and logs are in the plan artifact of this run"}.`,
        "",
    ].join("\n");
}
