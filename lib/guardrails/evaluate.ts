/** Runs the rules over a stack's resources and says what breaks them, in one line each. */
import { stackView } from "./inputs";
import { EvaluationContext, Finding, GuardedResource, ResourceRule, Rule, Severity, StackResources } from "./model";
import { RULES } from "./rules";

function appliesTo(rule: ResourceRule, type: string): boolean {
    return rule.types.includes(type) || (rule.types.includes("aws:*") && type.startsWith("aws:"));
}

/** A cross-stack rule that sees one stack cannot know what the others hold: it only advises. */
export function effectiveSeverity(rule: Rule, seesAllStacks: boolean): Severity {
    return rule.kind === "stack" && rule.crossStack && !seesAllStacks ? "advisory" : rule.severity;
}

/**
 * Findings for one stack. Cross-stack rules judge `context.allStacks` when given (this stack is
 * added when missing) and report only on this stack's resources.
 */
export function evaluate(resources: readonly GuardedResource[], context: EvaluationContext, rules: readonly Rule[] = RULES): Finding[] {
    const { stack, trustedSource } = context;
    const allStacks = context.allStacks && !context.allStacks.some((s) => s.stack === stack)
        ? [...context.allStacks, { stack, trustedSource, resources }]
        : context.allStacks;
    const view = stackView(stack, trustedSource, resources, allStacks);
    const byUrn = new Map(resources.map((r) => [r.urn, r]));

    return rules.flatMap((rule) => {
        const severity = effectiveSeverity(rule, allStacks !== undefined);
        const finding = (resource: GuardedResource | undefined, message: string): Finding => ({
            ruleId: rule.id,
            severity,
            stack,
            resource: resource ? { name: resource.name, urn: resource.urn, type: resource.type } : null,
            message,
            fix: rule.fix,
        });
        if (rule.kind === "stack") return rule.check(view).map((v) => finding(v.resource, v.message));
        return resources
            .filter((resource) => appliesTo(rule, resource.type))
            .flatMap((resource) => {
                const provider = resource.provider ? byUrn.get(resource.provider) : undefined;
                return rule.check(resource, { stack, trustedSource, provider }).map((message) => finding(resource, message));
            });
    });
}

/** Every stack judged with sight of all the others: what the offline plan and the tests run. */
export function evaluateStacks(stacks: readonly StackResources[], rules: readonly Rule[] = RULES): Map<string, Finding[]> {
    return new Map(stacks.map((s) => [s.stack, evaluate(s.resources, { stack: s.stack, trustedSource: s.trustedSource, allStacks: stacks }, rules)]));
}

/** `WSO2-SEC-004 (mandatory) dc1-apim-1 [aws:ec2/instance:Instance]: IMDSv2 not required — fix: …` */
export function formatFinding(finding: Finding): string {
    const where = finding.resource ? `${finding.resource.name} [${finding.resource.type}]` : `stack ${finding.stack}`;
    return `${finding.ruleId} (${finding.severity}) ${where}: ${finding.message} — fix: ${finding.fix}`;
}
