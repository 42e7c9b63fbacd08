/**
 * The vocabulary of the guardrails: what a rule looks at, what it says, and what a finding is.
 * A resource is the engine's view of it as plan.json records it (README.md § The offline plan), so the same rules
 * run over the mocks in tests, over the offline plan and, through an adapter, as a policy pack.
 */

/** What a rule sees of one resource: plan.json's resource, less what no rule needs. */
export interface GuardedResource {
    urn: string;
    /** Pulumi type token, e.g. `aws:ec2/instance:Instance`. */
    type: string;
    name: string;
    /** Resolved inputs; a value only the cloud knows is `(known after apply…)`, a secret `[secret]`. */
    inputs: Record<string, unknown>;
    protect: boolean;
    /** URN of the provider resource; null for the default provider and for components. */
    provider: string | null;
    /**
     * Per input, the URNs of the resources it was computed from, where the caller knows them (the
     * policy pack's property dependencies). In a preview a value computed from two resources is
     * just unknown; this still says which resources it came from.
     */
    inputDependencies?: Record<string, string[]>;
}

/** Mandatory findings fail the plan (and a `pulumi preview` with the pack); advisory ones are reported. */
export type Severity = "mandatory" | "advisory";

/** One stack's resources and what the rules must know about the stack. */
export interface StackResources {
    stack: string;
    /** This stack's datacenter is the trusted source (the article: one DC's database is the reference; docs/database.md). */
    trustedSource: boolean;
    resources: readonly GuardedResource[];
}

export interface EvaluationContext {
    stack: string;
    trustedSource: boolean;
    /**
     * Every stack of the deployment, for rules that judge the set (the default geolocation
     * record, the trusted source's longer backups). Without it those rules see this stack only,
     * and what they cannot verify from it is reported as advisory.
     */
    allStacks?: readonly StackResources[];
}

export interface Finding {
    ruleId: string;
    severity: Severity;
    stack: string;
    /** The resource at fault; null when the stack as a whole is. */
    resource: { name: string; urn: string; type: string } | null;
    message: string;
    fix: string;
}

/** Where a rule's id has a counterpart in other scanners (empty where none exists). */
export interface Equivalents {
    checkov?: string[];
    cdkNag?: string[];
}

interface RuleInfo {
    /** `WSO2-<AREA>-<nnn>`. */
    id: string;
    /** One line: what the rule requires. */
    title: string;
    /** One line: why. */
    rationale: string;
    severity: Severity;
    /** What to change. */
    fix: string;
    equivalents: Equivalents;
}

/** What a resource rule knows besides the resource itself. */
export interface ResourceScope {
    stack: string;
    trustedSource: boolean;
    /** The resource's provider (its `defaultTags` count as the resource's tags). */
    provider?: GuardedResource;
}

/** A rule over one resource at a time: the policy pack runs it as a ResourceValidationPolicy. */
export interface ResourceRule extends RuleInfo {
    kind: "resource";
    /** The types it applies to; `"aws:*"` applies to every AWS resource. */
    types: readonly string[];
    /** Problems found, each a message; none when the resource keeps the rule. */
    check(resource: GuardedResource, scope: ResourceScope): string[];
}

/** A rule over the stack (cross-resource): the policy pack runs it as a StackValidationPolicy. */
export interface StackRule extends RuleInfo {
    kind: "stack";
    /** Judges the set of stacks: with one stack only, its findings are advisory. */
    crossStack?: boolean;
    check(view: StackView): Violation[];
}

export type Rule = ResourceRule | StackRule;

export interface Violation {
    /** Omitted when the stack as a whole is at fault. */
    resource?: GuardedResource;
    message: string;
}

/** A stack's resources with the look-ups cross-resource rules share. */
export interface StackView {
    stack: string;
    trustedSource: boolean;
    resources: readonly GuardedResource[];
    /** Every stack, this one included, when the caller gave them all. */
    allStacks?: readonly StackResources[];
    ofType(...types: string[]): GuardedResource[];
    /**
     * The resource of one of `types` whose output `value` is: the offline plan writes a reference
     * to another resource's output as `(known after apply: <name>.<property>)`.
     */
    resolve(value: unknown, ...types: string[]): GuardedResource | undefined;
}
