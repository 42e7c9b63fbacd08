/**
 * The rules as Pulumi policies (`pulumi preview --policy-pack policy`): each resource rule a
 * ResourceValidationPolicy, each stack rule a StackValidationPolicy. The adapter turns what the
 * policy SDK hands over into the plan's vocabulary, so the rules themselves stay one:
 *  - values unknown during preview become `(known after apply)`;
 *  - a reference to another resource (known from the engine's property dependencies) becomes
 *    `(known after apply: <name>.<property>)`, as the offline plan writes it.
 * A pack sees one stack at a time, so cross-stack rules are advisory there (`npm run plan` judges
 * all stacks together).
 */
import type {
    Policies,
    PolicyProviderResource,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { effectiveSeverity, evaluate } from "./evaluate";
import { KNOWN_AFTER_APPLY, isRecord, referenceTo } from "./inputs";
import { Finding, GuardedResource, Rule } from "./model";
import { StackContext } from "./context";

/** `(known after apply)`: what plan.json shows for a value nobody knows yet. */
const UNKNOWN = `${KNOWN_AFTER_APPLY})`;
/** Outputs through which one resource refers to another. */
const REFERENCE_OUTPUTS = ["id", "arn", "name", "bucket"];

/** The stack a URN belongs to: `urn:pulumi:<stack>::<project>::…`. */
export function stackOfUrn(urn: string): string {
    return urn.replace(/^urn:pulumi:/, "").split("::")[0];
}

/** The policy SDK throws this (not exported in its typings) when a preview-unknown value is read. */
function isUnknownValueError(err: unknown): boolean {
    return err instanceof Error && err.constructor.name === "UnknownValueError";
}

function readProperty(container: any, key: string | number): unknown {
    try {
        return plainValue(container[key]);
    } catch (err) {
        if (isUnknownValueError(err)) return UNKNOWN;
        throw err;
    }
}

/** A plain JSON copy of policy props, reading through the SDK's unknown-checking proxy. */
export function plainValue(value: unknown): unknown {
    if (Array.isArray(value)) return Array.from({ length: value.length }, (_, i) => readProperty(value, i));
    if (isRecord(value)) return Object.fromEntries(Object.keys(value).map((key) => [key, readProperty(value, key)]));
    return value;
}

/**
 * `value` with each string that stands for one of `dependencies` (an output of it, or an unknown
 * with no other candidate) written as a reference placeholder.
 */
export function linkReferences(value: unknown, dependencies: readonly GuardedResource[]): unknown {
    if (Array.isArray(value)) {
        // Unknown ids listed one per dependency (e.g. securityGroups) pair up in order.
        if (value.length === dependencies.length && dependencies.length > 1 && value.every((v) => v === UNKNOWN)) {
            return dependencies.map((dependency) => referenceTo(dependency, "id"));
        }
        return value.map((item) => linkReferences(item, dependencies));
    }
    if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, linkReferences(v, dependencies)]));
    if (typeof value !== "string") return value;
    if (value === UNKNOWN) return dependencies.length === 1 ? referenceTo(dependencies[0], "id") : value;
    for (const dependency of dependencies) {
        const output = REFERENCE_OUTPUTS.find((key) => dependency.inputs[key] === value);
        if (output) return referenceTo(dependency, output);
    }
    return value;
}

function fromProvider(provider: PolicyProviderResource): GuardedResource {
    return { urn: provider.urn, type: provider.type, name: provider.name, inputs: plainValue(provider.props) as Record<string, unknown>, protect: false, provider: null };
}

/** What the policy SDK says of a resource, as a rule reads it. */
function guarded(r: Pick<ResourceValidationArgs, "urn" | "type" | "name" | "props" | "opts" | "provider">): GuardedResource {
    return {
        urn: r.urn,
        type: r.type,
        name: r.name,
        inputs: plainValue(r.props) as Record<string, unknown>,
        protect: r.opts.protect,
        provider: r.provider?.urn ?? null,
    };
}

/** The resource under validation and its provider (whose defaultTags are its tags too). */
export function fromResourceArgs(args: ResourceValidationArgs): GuardedResource[] {
    const resource = guarded(args);
    return args.provider ? [fromProvider(args.provider), resource] : [resource];
}

/** The stack's resources with references between them linked, plus their providers. */
export function fromStackArgs(args: Pick<StackValidationArgs, "resources">): GuardedResource[] {
    const plain = new Map<string, GuardedResource>(args.resources.map((r) => [r.urn, guarded(r)]));
    const linked = args.resources.map((r: PolicyResource): GuardedResource => {
        const resource = plain.get(r.urn)!;
        const inputs = Object.fromEntries(Object.entries(resource.inputs).map(([key, value]) => {
            const dependencies = (r.propertyDependencies[key] ?? []).flatMap((d) => plain.get(d.urn) ?? []);
            return [key, dependencies.length > 0 ? linkReferences(value, dependencies) : value];
        }));
        const inputDependencies = Object.fromEntries(Object.entries(r.propertyDependencies).map(([key, deps]) => [key, deps.map((d) => d.urn)]));
        return { ...resource, inputs, inputDependencies };
    });
    const providers = args.resources
        .flatMap((r) => (r.provider && !plain.has(r.provider.urn) ? [r.provider] : []))
        .filter((p, i, all) => all.findIndex((q) => q.urn === p.urn) === i)
        .map(fromProvider);
    return [...providers, ...linked];
}

function report(findings: Finding[], reportViolation: ReportViolation): void {
    for (const finding of findings) reportViolation(`${finding.message} — fix: ${finding.fix}`, finding.resource?.urn);
}

/** The rules as policies; `contextOf` tells each stack's context (read once per stack). */
export function policiesFor(rules: readonly Rule[], contextOf: (stack: string) => StackContext): Policies {
    const contexts = new Map<string, StackContext>();
    const context = (urn: string) => {
        const stack = stackOfUrn(urn);
        if (!contexts.has(stack)) contexts.set(stack, contextOf(stack));
        return contexts.get(stack)!;
    };
    return rules.map((rule) => {
        const common = {
            name: rule.id,
            description: `${rule.title}. ${rule.rationale}`,
            enforcementLevel: effectiveSeverity(rule, false),
            remediationSteps: rule.fix,
        };
        if (rule.kind === "resource") {
            const policy: ResourceValidationPolicy = {
                ...common,
                validateResource: (args, reportViolation) => {
                    const resources = fromResourceArgs(args);
                    const findings = evaluate(resources, context(args.urn), [rule]).filter((f) => f.resource?.urn === args.urn);
                    report(findings, reportViolation);
                },
            };
            return policy;
        }
        const policy: StackValidationPolicy = {
            ...common,
            validateStack: (args, reportViolation) => {
                if (args.resources.length === 0) return;
                report(evaluate(fromStackArgs(args), context(args.resources[0].urn), [rule]), reportViolation);
            },
        };
        return policy;
    });
}
