/** plan.json, the contract of DESIGN §7: what the program would declare, as reviewers and tools read it. */
import { SECRET_PLACEHOLDER } from "../../lib/stack-config";
import { ProgramRun } from "../offline/run";

export interface PlanResource {
    urn: string;
    type: string;
    name: string;
    parent: string | null;
    provider: string | null;
    dependsOn: string[];
    protect: boolean;
    inputs: Record<string, unknown>;
}

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
