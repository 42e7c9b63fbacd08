/** plan.json, the contract of README.md § The offline plan: what the program would declare, as reviewers and tools read it. */
import { SECRET_PLACEHOLDER } from "../../lib/stack-config";
import { ProgramRun, RecordedResource } from "../offline/run";

/** A resource as plan.json shows it (README.md § The offline plan): what the runner records, less the custom/component flag, ignoreChanges and per-property dependencies. */
export type PlanResource = Omit<RecordedResource, "custom" | "ignoreChanges" | "propertyDependencies" | "replacementTrigger">;

export interface Plan {
    project: string;
    stack: string;
    config: Record<string, unknown>;
    resources: PlanResource[];
    outputs: Record<string, unknown>;
}

export function buildPlan(run: ProgramRun): Plan {
    const secret = new Set(run.config.secretKeys);
    const config = Object.fromEntries(
        Object.keys(run.config.values)
            .sort()
            .map((key) => [key, secret.has(key) ? SECRET_PLACEHOLDER : run.config.values[key]]),
    );
    return {
        project: run.config.project,
        stack: run.config.stack,
        config,
        resources: run.resources.map(({ urn, type, name, parent, provider, dependsOn, protect, inputs }) => ({
            urn, type, name, parent, provider, dependsOn, protect, inputs,
        })),
        outputs: run.outputs,
    };
}

/**
 * A plan.json as read back, possibly written by an earlier version of the program (a pull
 * request's base can predate any field added since): the fields this version needs are filled
 * with what their absence meant (no config keys, no outputs, unprotected, no parent, provider or
 * dependencies), and a file that is not a plan at all is refused with the reason, so the comment
 * can say it cannot compare rather than throw (issue 23: a base plan.json without `config` made
 * the comment builder fail with a TypeError, and the previous comment stayed up).
 */
export type ReadPlan = { plan: Plan; filled: string[] } | { refused: string };

export function normalizePlan(raw: unknown, where: string): ReadPlan {
    const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
    if (!isObject(raw)) return { refused: `${where} is not a JSON object` };
    if (typeof raw.stack !== "string" || !raw.stack) return { refused: `${where} has no "stack" name` };
    if (!Array.isArray(raw.resources)) return { refused: `${where} has no "resources" list` };
    const filled = new Set<string>();
    const fill = <T>(value: unknown, ok: (v: unknown) => boolean, fallback: T, field: string): T => {
        if (ok(value)) return value as T;
        filled.add(field);
        return fallback;
    };
    const resources: PlanResource[] = [];
    for (const [i, r] of raw.resources.entries()) {
        if (!isObject(r) || typeof r.urn !== "string" || typeof r.type !== "string" || typeof r.name !== "string") {
            return { refused: `${where}: resource ${i} has no urn, type and name` };
        }
        const isString = (v: unknown) => typeof v === "string";
        resources.push({
            urn: r.urn,
            type: r.type,
            name: r.name,
            parent: fill(r.parent, (v) => v === null || isString(v), null, "resources[].parent"),
            provider: fill(r.provider, (v) => v === null || isString(v), null, "resources[].provider"),
            dependsOn: fill(r.dependsOn, (v) => Array.isArray(v) && v.every(isString), [], "resources[].dependsOn"),
            protect: fill(r.protect, (v) => typeof v === "boolean", false, "resources[].protect"),
            inputs: fill(r.inputs, isObject, {}, "resources[].inputs"),
        } as PlanResource);
    }
    const plan: Plan = {
        project: fill(raw.project, (v) => typeof v === "string", "", "project"),
        stack: raw.stack,
        config: fill(raw.config, isObject, {}, "config"),
        resources,
        outputs: fill(raw.outputs, isObject, {}, "outputs"),
    };
    return { plan, filled: [...filled].sort() };
}
