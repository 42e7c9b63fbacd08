/** Reading recorded inputs: references between resources, JSON policy documents, lists. */
import { GuardedResource, StackResources, StackView } from "./model";

/** Prefix of every value only the cloud can know (README.md § The offline plan). */
export const KNOWN_AFTER_APPLY = "(known after apply";
const REFERENCE = /^\(known after apply: (.+)\)$/;

/** The `<name>.<property>` a reference placeholder names, or null for any other value. */
function referencePath(value: unknown): string | null {
    return typeof value === "string" ? (REFERENCE.exec(value)?.[1] ?? null) : null;
}

/** The placeholder that refers to `property` of `resource`, as the offline plan writes it. */
export function referenceTo(resource: Pick<GuardedResource, "name">, property: string): string {
    return `(known after apply: ${resource.name}.${property})`;
}

/**
 * The candidate whose output `value` refers to. Names may hold dots, so the longest name that
 * prefixes the path wins.
 */
export function resolveReference(value: unknown, candidates: readonly GuardedResource[]): GuardedResource | undefined {
    const path = referencePath(value);
    if (path === null) return undefined;
    return candidates
        .filter((candidate) => path.startsWith(`${candidate.name}.`))
        .sort((a, b) => b.name.length - a.name.length)[0];
}

/** `value` as a list: AWS inputs that take one or many (IAM Action, Resource) arrive either way. */
export function asList<T = unknown>(value: unknown): T[] {
    if (value === undefined || value === null) return [];
    return (Array.isArray(value) ? value : [value]) as T[];
}

export function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A JSON policy document's statements; empty when the text is not a known JSON document. */
export function policyStatements(document: unknown): Record<string, unknown>[] {
    let parsed: unknown = document;
    if (typeof document === "string") {
        try {
            parsed = JSON.parse(document);
        } catch {
            return [];
        }
    }
    return isRecord(parsed) ? asList(parsed.Statement).filter(isRecord) : [];
}

/** Whether a statement denies every request that does not use TLS (`aws:SecureTransport` false). */
export function deniesInsecureTransport(statement: Record<string, unknown>): boolean {
    const condition = statement.Condition;
    if (statement.Effect !== "Deny" || !isRecord(condition) || !isRecord(condition.Bool)) return false;
    return asList(condition.Bool["aws:SecureTransport"]).some((v) => String(v) === "false");
}

/** Builds the look-ups rules share over one stack's resources. */
export function stackView(
    stack: string,
    trustedSource: boolean,
    resources: readonly GuardedResource[],
    allStacks?: readonly StackResources[],
): StackView {
    const byType = new Map<string, GuardedResource[]>();
    for (const resource of resources) byType.set(resource.type, [...(byType.get(resource.type) ?? []), resource]);
    const ofType = (...types: string[]) => types.flatMap((type) => byType.get(type) ?? []);
    return {
        stack,
        trustedSource,
        resources,
        allStacks,
        ofType,
        resolve: (value, ...types) => resolveReference(value, ofType(...types)),
    };
}
