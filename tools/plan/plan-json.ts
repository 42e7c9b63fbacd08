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
