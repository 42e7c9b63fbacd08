/**
 * Drives the guardrail policies as the Pulumi policy SDK would during `pulumi preview
 * --policy-pack policy`: each resource through every ResourceValidationPolicy with its provider,
 * the whole stack through every StackValidationPolicy, props wrapped in the SDK's unknown-checking
 * proxy. The PolicyPack itself is never constructed: that starts the analyzer's gRPC server.
 */
import type { EnforcementLevel, PolicyResource, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { GuardedResource, RULES } from "../lib/guardrails";
import { stackContextFromProject } from "../lib/guardrails/context";
import { policiesFor } from "../lib/guardrails/policy-adapter";
import { ProgramRun, RecordedResource } from "../tools/offline/run";
import { PROJECT_DIR } from "./harness";

// The SDK's preview machinery: props are wrapped so that reading an unknown value throws.
export const { unknownCheckingProxy, unknownStringValue } = require("@pulumi/policy/proxy");

const OPTIONS = { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] };

export function resourceArgs(r: GuardedResource, provider?: GuardedResource): ResourceValidationArgs {
    return {
        type: r.type,
        props: unknownCheckingProxy(r.inputs),
        urn: r.urn,
        name: r.name,
        opts: { ...OPTIONS, protect: r.protect },
        provider: provider && { type: provider.type, props: provider.inputs, urn: provider.urn, name: provider.name },
    } as unknown as ResourceValidationArgs;
}

/** A stack resource as the SDK hands it over; `dependsOn` names what each input came from. */
export function stackResource(r: GuardedResource, dependsOn: Record<string, GuardedResource[]> = {}): PolicyResource {
    const urnOnly = (d: GuardedResource) => ({ urn: d.urn }) as PolicyResource;
    return {
        type: r.type,
        props: unknownCheckingProxy(r.inputs),
        urn: r.urn,
        name: r.name,
        opts: { ...OPTIONS, protect: r.protect },
        dependencies: Object.values(dependsOn).flat().map(urnOnly),
        propertyDependencies: Object.fromEntries(Object.entries(dependsOn).map(([key, deps]) => [key, deps.map(urnOnly)])),
    } as unknown as PolicyResource;
}

export function validateResource(policy: ResourceValidationPolicy, args: ResourceValidationArgs): string[] {
    const reported: string[] = [];
    (policy.validateResource as Function)(args, (message: string) => reported.push(message));
    return reported;
}

export function validateStack(policy: StackValidationPolicy, resources: PolicyResource[]): { message: string; urn?: string }[] {
    const reported: { message: string; urn?: string }[] = [];
    policy.validateStack({ resources } as StackValidationArgs, (message, urn) => reported.push({ message, urn }));
    return reported;
}

/** A value the cloud computes (`(known after apply: …)` in the plan) is unknown in a preview. */
function asPreviewed(value: unknown): unknown {
    if (typeof value === "string") return value.startsWith("(known after apply") ? unknownStringValue : value;
    if (Array.isArray(value)) return value.map(asPreviewed);
    if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asPreviewed(v)]));
    return value;
}

/**
 * The violations at enforcement level `level` that the shipped pack (policy/index.ts: the rules
 * through policiesFor, each stack's context from the project's config in `configDir`) reports on a
 * planned program, as `<policy>: <message>`.
 */
export function policyPackViolations(program: ProgramRun, configDir = PROJECT_DIR, level: EnforcementLevel = "mandatory"): string[] {
    const policies = policiesFor(RULES, (stack) => stackContextFromProject(configDir, stack)).filter((p) => p.enforcementLevel === level);
    const byUrn = new Map(program.resources.map((r) => [r.urn, r]));
    const guarded = (r: RecordedResource): GuardedResource => ({
        urn: r.urn, type: r.type, name: r.name, inputs: asPreviewed(r.inputs) as Record<string, unknown>, protect: r.protect, provider: r.provider,
    });
    const custom = program.resources.filter((r) => r.custom);
    const violations: string[] = [];
    for (const policy of policies) {
        if ("validateResource" in policy) {
            for (const r of custom) {
                const provider = r.provider ? byUrn.get(r.provider) : undefined;
                violations.push(...validateResource(policy, resourceArgs(guarded(r), provider && guarded(provider))).map((m) => `${policy.name} ${r.name}: ${m}`));
            }
        } else {
            const resources = custom.map((r) => stackResource(guarded(r), Object.fromEntries(Object.entries(r.propertyDependencies)
                .map(([key, urns]) => [key, urns.flatMap((urn) => (byUrn.has(urn) ? [guarded(byUrn.get(urn)!)] : []))]))));
            violations.push(...validateStack(policy as StackValidationPolicy, resources).map((v) => `${policy.name}: ${v.message}`));
        }
    }
    return violations;
}
