/**
 * The names and strings AWS will actually receive, and the checks its APIs apply to them. Rules
 * in rules/aws-input.ts judge a resource's physical name as Pulumi will send it, which is often
 * not written in the program at all:
 *  - no name and no prefix: Pulumi auto-names the resource `<logical name>-<7 random hex>`
 *    (Pulumi docs, Concepts › Resources › Names › "Physical names and auto-naming": `my-role` →
 *    `my-role-d7c2fa0`), for every @pulumi/aws type whose args take `name` (pulumi-aws
 *    provider/autonaming.go) and for the S3 bucket and RDS instance names (`bucket`, `identifier`);
 *  - a name prefix: the provider appends a 26-character unique suffix (terraform-plugin-sdk
 *    helper/id `PrefixedUniqueId`; hence @pulumi/aws's `bucketPrefix` "at most 37" = 63 − 26).
 * A length limit judged on the written name alone could never fail for an auto-named resource.
 */
import { KNOWN_AFTER_APPLY } from "./inputs";
import { GuardedResource } from "./model";

/** `-` and 7 hex digits after the logical name. */
export const AUTONAME_SUFFIX_LENGTH = 8;
/** What the provider appends to a name prefix. */
export const PREFIX_SUFFIX_LENGTH = 26;

/** The physical name Pulumi sends: `value` is judged, `shown` is what a finding quotes. */
export interface PhysicalName {
    value: string;
    shown: string;
    source: "given" | "prefix" | "auto";
}

/** Whether a value is known when the rules run (not a placeholder for a cloud or secret value). */
export function isKnown(value: unknown): value is string {
    return typeof value === "string" && !value.startsWith(KNOWN_AFTER_APPLY) && value !== "[secret]";
}

/**
 * The name `resource` gets in AWS through `property` (or `prefixProperty`); null when the program
 * hands over a value nobody knows yet. With `autoNamed` false a missing name is not judged.
 */
export function physicalName(
    resource: GuardedResource,
    property = "name",
    prefixProperty = "namePrefix",
    autoNamed = true,
): PhysicalName | null {
    const given = resource.inputs[property];
    if (given !== undefined) return isKnown(given) ? { value: given, shown: `"${given}"`, source: "given" } : null;
    const prefix = resource.inputs[prefixProperty];
    if (prefix !== undefined) {
        // Digits stand in for the suffix: they break no rule themselves, so only the prefix is judged.
        return isKnown(prefix) ? { value: prefix + "0".repeat(PREFIX_SUFFIX_LENGTH), shown: `"${prefix}" + ${PREFIX_SUFFIX_LENGTH} characters`, source: "prefix" } : null;
    }
    if (!autoNamed) return null;
    return { value: `${resource.name}-${"0".repeat(AUTONAME_SUFFIX_LENGTH - 1)}`, shown: `"${resource.name}-" + 7 hex (Pulumi auto-name)`, source: "auto" };
}

/** One check a name must pass: `fails` says whether it breaks it, `message` why. */
export interface NameCheck {
    fails(name: string): boolean;
    message: string;
}

/** What AWS accepts for one kind of name. */
export interface NameRule {
    /** What the finding calls it: "target group name". */
    label: string;
    max: number;
    min?: number;
    /** Every character must match (one character, anchored by the caller). */
    chars: RegExp;
    charsText: string;
    checks?: NameCheck[];
}

/** Characters of `text` outside `chars`, each once, quoted. */
function badCharacters(text: string, chars: RegExp): string[] {
    return [...new Set([...text].filter((c) => !chars.test(c)))].map((c) => JSON.stringify(c));
}

/** What is wrong with `name` under `rule`, one message each. */
export function nameProblems(name: PhysicalName | null, rule: NameRule): string[] {
    if (name === null) return [];
    const problems: string[] = [];
    const { value, shown } = name;
    const length = [...value].length;
    if (length > rule.max) problems.push(`${rule.label} ${shown} is ${length} characters; AWS allows ${rule.max}`);
    if (length < (rule.min ?? 1)) problems.push(`${rule.label} ${shown} is shorter than ${rule.min ?? 1} characters`);
    const bad = badCharacters(value, rule.chars);
    if (bad.length > 0) problems.push(`${rule.label} ${shown} has ${bad.join(", ")}; AWS allows ${rule.charsText}`);
    for (const check of rule.checks ?? []) if (check.fails(value)) problems.push(`${rule.label} ${shown} ${check.message}`);
    return problems;
}

/** A free-text field (a description): characters and length. */
export function textProblems(label: string, value: unknown, max: number, chars?: RegExp, charsText?: string): string[] {
    if (!isKnown(value)) return [];
    const problems: string[] = [];
    const length = [...value].length;
    if (length > max) problems.push(`${label} is ${length} characters; AWS allows ${max}`);
    const bad = chars ? badCharacters(value, chars) : [];
    if (bad.length > 0) problems.push(`${label} "${value}" has ${bad.join(", ")}; AWS allows ${charsText}`);
    return problems;
}

/**
 * A DNS name as Route 53 and ACM take it: at most 253 characters (255 octets on the wire) and 63
 * per label (RFC 1035 §2.3.4; Route 53 Developer Guide, "DNS domain name format"). A trailing dot
 * and a leading `*` label are allowed.
 */
export function dnsNameProblems(label: string, value: unknown, max = 253): string[] {
    if (!isKnown(value)) return [];
    const name = value.replace(/\.$/, "");
    const problems: string[] = [];
    if (name.length > max) problems.push(`${label} "${value}" is ${name.length} characters; AWS allows ${max}`);
    const labels = name.split(".");
    const long = labels.filter((l) => l.length > 63);
    if (long.length > 0) problems.push(`${label} "${value}" has a label over 63 characters ("${long[0]}")`);
    if (labels.some((l) => l === "")) problems.push(`${label} "${value}" has an empty label`);
    return problems;
}
