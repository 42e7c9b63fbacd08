/**
 * What a reviewer must see first in the pull-request comment, never cut by a row cap: removals of
 * stateful or protected resources, URN changes (an add/remove pair of the same name and type),
 * changes of inputs that force a replacement, broken guardrails. Pure: from the stacks' diffs and
 * findings to Markdown lines.
 *
 * Sources: Pulumi refuses to delete a protected resource ("cannot be deleted because it is
 * protected", pulumi/pulumi pkg/resource/deploy/step.go, deleteProtectedError); a URN encodes name,
 * type and parent path, a changed URN is a delete and a create unless `aliases` names the old one,
 * and aliases set on a component carry to its children (Pulumi docs, Resource option: aliases;
 * Refactoring with aliases); an input marked `ForceNew: true` in a terraform-provider-aws resource
 * schema (or forced by customdiff.ForceNewIf) replaces the resource (tools/plan/replacement-inputs.json,
 * derived by tools/plan/derive-replacement-inputs.ts from one commit, records the file read for each type).
 */
import { Finding, formatFinding } from "../../lib/guardrails";
import { StackDiff } from "./diff";
import { PlanResource } from "./plan-json";
import replacementInputs from "./replacement-inputs.json";

/**
 * Types whose removal loses data or something that cannot be had back as it was: a database, a
 * file system, a bucket's objects, a key (and whatever it encrypted), a hosted zone (its name
 * servers are delegated), a secret (its name stays taken for the recovery window). The plan's
 * `protect: true` marks more (test/preview-comment.test.ts covers both).
 */
export const STATEFUL_TYPES: ReadonlySet<string> = new Set([
    "aws:rds/instance:Instance",
    "aws:rds/cluster:Cluster",
    "aws:efs/fileSystem:FileSystem",
    "aws:s3/bucket:Bucket",
    "aws:s3/bucketV2:BucketV2",
    "aws:kms/key:Key",
    "aws:route53/zone:Zone",
    "aws:secretsmanager/secret:Secret",
]);

/** Replacement-forcing inputs of one type, as tools/plan/replacement-inputs.json records them. */
export interface ReplacementInputs {
    /** Input paths as Pulumi names them (camelCase, nested by dots); null: the source was not read for this type. */
    forceNew: string[] | null;
    /** Inputs that force a new resource only while another input is true (customdiff.ForceNewIf). */
    forceNewIf?: Record<string, string>;
    /** Inputs that force a new resource under a condition the provider computes against the cloud (ForceNewIf with a computed condition, ForceNewIfChange, diff.ForceNew): recorded, not flagged. */
    forceNewConditional?: string[];
    /** Not a terraform-provider-aws resource (e.g. random:*): nothing read, and not counted as unknown. */
    notProvider?: boolean;
    /** Where they were read: the file in the repository, at that commit; null when not read. */
    file: string | null;
    commit: string | null;
    note?: string;
}

export const REPLACEMENT_SOURCE: { repository: string; commit: string; version: string; rule: string } = replacementInputs.source;
export const REPLACEMENT_INPUTS: Readonly<Record<string, ReplacementInputs>> = replacementInputs.types as Record<string, ReplacementInputs>;

/** Types that are Pulumi's own or this project's components: no provider inputs, nothing to replace. */
export const isCustomProviderType = (type: string) => !type.startsWith("pulumi:") && !type.startsWith("wso2-apim:");

/** Whether the comment should say a type's replacement-forcing inputs are unknown (a provider resource not read yet). */
export const isUnrecorded = (type: string) => isCustomProviderType(type) && !REPLACEMENT_INPUTS[type]?.notProvider;

/** The changed keys of a resource that force its replacement (a change of a parent path counts for its children and the reverse). */
export function forcingKeys(type: string, keys: string[], inputs: Record<string, unknown> = {}): string[] | null {
    const entry = REPLACEMENT_INPUTS[type];
    if (!entry || entry.forceNew === null) return null;
    const conditional = Object.entries(entry.forceNewIf ?? {}).filter(([, when]) => inputs[when] === true).map(([input]) => input);
    // forceNewConditional is not judged here: its conditions need the cloud (aws_instance instance_type
    // forces a new instance only when the old and new types share no CPU architecture), and flagging
    // every instance-type change would bury the real risks.
    const forcing = [...entry.forceNew, ...conditional];
    const hits = (key: string, input: string) => key === input || key.startsWith(`${input}.`) || input.startsWith(`${key}.`);
    return keys.filter((key) => !key.startsWith("(") && forcing.some((input) => hits(key, input)));
}

/** `urn:pulumi:<stack>::<project>::<type chain>::<name>`: the type chain (parent types, then the resource's). */
const typeChain = (urn: string) => urn.split("::")[2] ?? urn;

export interface AttentionInput {
    diffs: StackDiff[];
    /** Mandatory guardrail findings of the pull request's plans, by stack. */
    broken: Map<string, Finding[]>;
    /** Whether a base plan was compared (without one, only broken guardrails are judged). */
    baseKnown: boolean;
}

export interface Attention {
    lines: string[];
    /** Removed resources shown as half of a URN change: the resource list marks them. */
    urnChanges: Set<string>;
    /** URNs of changed resources whose changed keys may force a replacement, with those keys. */
    replacements: Map<string, string[]>;
}

const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;
const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** The attention block's items, in the order a reviewer must read them. */
export function attentionItems(input: AttentionInput): Attention {
    const removals: string[] = [];
    const pairs: string[] = [];
    const forcing: string[] = [];
    const unknown = new Map<string, number>();
    const guardrails: string[] = [];
    const urnChanges = new Set<string>();
    const replacements = new Map<string, string[]>();
    for (const d of input.diffs) {
        if (!input.baseKnown) continue;
        for (const r of d.removed.filter((r) => r.protect || STATEFUL_TYPES.has(r.type))) {
            const why = [r.protect ? "protected (`pulumi up` refuses to delete it until it is unprotected)" : "", STATEFUL_TYPES.has(r.type) ? "stateful: its data goes with it" : ""]
                .filter(Boolean).join("; ");
            removals.push(`- :rotating_light: **${d.stack}: removes ${cell(r.name)}** ${code(r.type)}: ${why}.`);
        }
        const added = new Map<string, PlanResource>(d.added.map((r) => [`${r.type}|${r.name}`, r]));
        for (const r of d.removed) {
            const twin = added.get(`${r.type}|${r.name}`);
            if (!twin) continue;
            urnChanges.add(r.urn);
            pairs.push(
                `- :warning: **${d.stack}: ${cell(r.name)}** ${code(r.type)} is removed and added again: its URN changes ` +
                    `(${code(typeChain(r.urn))} → ${code(typeChain(twin.urn))}). Without \`aliases\` Pulumi deletes the old one and creates a new one; ` +
                    `give the moved or renamed resource (or its renamed component: children follow) ${code(`aliases: ["${r.urn}"]`)}.`,
            );
        }
        for (const c of d.changed) {
            const keys = forcingKeys(c.resource.type, c.keys, c.resource.inputs);
            if (keys === null) {
                if (isUnrecorded(c.resource.type)) unknown.set(c.resource.type, (unknown.get(c.resource.type) ?? 0) + 1);
                continue;
            }
            if (keys.length === 0) continue;
            replacements.set(c.resource.urn, keys);
            forcing.push(
                `- :arrows_counterclockwise: ${d.stack}: ${cell(c.resource.name)} ${code(c.resource.type)} **may replace, confirm in the real preview**: ` +
                    `${keys.map(code).join(", ")} ${keys.length === 1 ? "forces" : "force"} a new resource.`,
            );
        }
    }
    for (const [stack, findings] of [...input.broken].sort(([a], [b]) => a.localeCompare(b))) {
        for (const f of findings) guardrails.push(`- :x: ${stack}: broken guardrail ${cell(formatFinding(f))}`);
    }
    const lines = [...removals, ...pairs, ...forcing, ...guardrails];
    if (unknown.size) {
        const counts = [...unknown].sort(([a], [b]) => a.localeCompare(b)).map(([type, n]) => `${code(type)} × ${n}`);
        lines.push(`- :grey_question: changed resources of types whose replacement-forcing inputs are not recorded yet (confirm in the real preview): ${counts.join(", ")}.`);
    }
    return { lines, urnChanges, replacements };
}

/** The block that leads the comment. */
export function attentionBlock(attention: Attention): string[] {
    const source = `replacement-forcing input (ForceNew in [the provider's schemas](${REPLACEMENT_SOURCE.repository}), tools/plan/replacement-inputs.json)`;
    if (attention.lines.length === 0) {
        return ["### Needs attention", "", `Nothing: no stateful or protected resource removed, no URN change, no change of a ${source}, no broken guardrail.`, ""];
    }
    return ["### Needs attention", "", ...attention.lines, "", `_Replacements are judged offline from each ${source}; the real \`pulumi preview\` decides._`, ""];
}
