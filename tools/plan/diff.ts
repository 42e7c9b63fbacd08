/** Compares two plans resource by resource, as Markdown for a pull-request comment. */
import { isDeepStrictEqual } from "util";
import { Plan, PlanResource } from "./plan-json";

export interface StackDiff {
    stack: string;
    added: PlanResource[];
    removed: PlanResource[];
    changed: { resource: PlanResource; keys: string[] }[];
}

/** Input keys (and resource options) whose values differ; nested objects by dotted path. */
function changedKeys(before: PlanResource, after: PlanResource): string[] {
    const keys: string[] = [];
    const walk = (a: unknown, b: unknown, at: string) => {
        if (isDeepStrictEqual(a, b)) return;
        const plain = (v: unknown) => v !== null && typeof v === "object" && !Array.isArray(v);
        if (plain(a) && plain(b) && at.split(".").length < 3) {
            const all = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
            for (const k of [...all].sort()) walk((a as any)[k], (b as any)[k], at ? `${at}.${k}` : k);
        } else {
            keys.push(at);
        }
    };
    walk(before.inputs, after.inputs, "");
    for (const option of ["protect", "parent", "provider", "dependsOn"] as const) {
        if (!isDeepStrictEqual(before[option], after[option])) keys.push(`(${option})`);
    }
    return keys;
}

export function diffPlans(stack: string, before: Plan | null, after: Plan | null): StackDiff {
    const index = (plan: Plan | null) => new Map((plan?.resources ?? []).map((r) => [r.urn, r]));
    const old = index(before);
    const now = index(after);
    return {
        stack,
        added: [...now.values()].filter((r) => !old.has(r.urn)),
        removed: [...old.values()].filter((r) => !now.has(r.urn)),
        changed: [...now.values()]
            .filter((r) => old.has(r.urn))
            .map((r) => ({ resource: r, keys: changedKeys(old.get(r.urn)!, r) }))
            .filter((c) => c.keys.length > 0),
    };
}

export function renderDiff(diffs: StackDiff[]): string {
    const out = ["## Offline plan diff", ""];
    for (const d of diffs) {
        out.push(`### ${d.stack}: ${d.added.length} to add, ${d.changed.length} to change, ${d.removed.length} to remove`, "");
        if (!d.added.length && !d.changed.length && !d.removed.length) {
            out.push("No changes.", "");
            continue;
        }
        out.push("| | resource | type | changed keys |", "| --- | --- | --- | --- |");
        for (const r of d.added) out.push(`| + | ${r.name} | \`${r.type}\` | |`);
        for (const c of d.changed) out.push(`| ~ | ${c.resource.name} | \`${c.resource.type}\` | ${c.keys.map((k) => `\`${k}\``).join(", ")} |`);
        for (const r of d.removed) out.push(`| - | ${r.name} | \`${r.type}\` | |`);
        out.push("");
    }
    return out.join("\n");
}
