/**
 * Guardrails: security and reliability rules over every stack (docs/guardrails.md). The offline
 * plan and the tests call `evaluate`/`evaluateStacks`; policy/index.ts runs the same rules as a
 * Pulumi policy pack.
 */
export { evaluate, evaluateStacks, formatFinding } from "./evaluate";
export { stackContext, stackContextFromProject } from "./context";
export { RULES } from "./rules";
export type { EvaluationContext, Finding, GuardedResource, Rule, Severity, StackResources } from "./model";
