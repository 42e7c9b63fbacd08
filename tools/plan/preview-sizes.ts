/**
 * The size table of docs/preview.md: the review comment in the cases a reviewer meets, and each
 * stack's summary.md, measured on real plans. test/preview-sizes.test.ts plans the shipped stacks
 * and a three-datacenter project, renders the table with these functions and fails when the table
 * between the markers of docs/preview.md differs; `npm run docs:sizes` runs that test with
 * UPDATE_DOCS=1, which writes the table instead. The numbers are never written by hand.
 */
import { CommentInput, PlanSide, renderComment } from "./comment";

export const BEGIN = "<!-- sizes: written by test/preview-sizes.test.ts; refresh with npm run docs:sizes -->";
export const END = "<!-- /sizes -->";

const ARTIFACT = "https://github.com/acme/apim/actions/runs/1/artifacts/2";
/** What a failed plan prints: 100 progress lines, then its error (the comment shows the end). */
const FAILED_LOG = [...Array.from({ length: 100 }, (_, i) => `progress line ${i}`), "plan failed: stack us-east: nodeCount must be at least 1"].join("\n");

const input = (base: PlanSide, head: PlanSide): CommentInput => ({ base, head, baseCommit: "1111111", headCommit: "2222222", artifactUrl: ARTIFACT });
const missing: PlanSide = { outcome: "missing", plans: [], summaries: {}, log: "" };

export interface Measured {
    label: string;
    text: string;
}

/** The measured texts: five comment cases, then each shipped stack's summary.md. */
export function measuredTexts(shipped: PlanSide, threeDcs: PlanSide): Measured[] {
    const oneChanged = structuredClone(shipped);
    oneChanged.plans.flatMap((p) => p.resources).find((r) => r.name === "dc1-apim-1")!.inputs.instanceType = "m6i.2xlarge";
    const everyChanged = structuredClone(threeDcs);
    for (const r of everyChanged.plans.flatMap((p) => p.resources)) r.inputs = { ...r.inputs, replacedKey: "old" };
    return [
        { label: "comment: no change", text: renderComment(input(structuredClone(shipped), shipped)) },
        { label: "comment: one resource changed (an APIM node's instance type)", text: renderComment(input(oneChanged, shipped)) },
        { label: "comment: no base plan, three datacenters", text: renderComment(input(missing, threeDcs)) },
        { label: "comment: every resource of three datacenters changed", text: renderComment(input(everyChanged, threeDcs)) },
        { label: "comment: the pull request's plan failed", text: renderComment(input(shipped, { outcome: "failed", plans: [], summaries: {}, log: FAILED_LOG })) },
        ...Object.entries(shipped.summaries).sort(([a], [b]) => a.localeCompare(b)).map(([stack, text]) => ({ label: `${stack}/summary.md`, text })),
    ];
}

export function sizeTable(measured: Measured[]): string {
    const n = (value: number) => value.toLocaleString("en-US");
    return [
        "| text | characters | UTF-8 bytes |",
        "| --- | ---: | ---: |",
        ...measured.map((m) => `| ${m.label} | ${n(m.text.length)} | ${n(Buffer.byteLength(m.text))} |`),
    ].join("\n");
}

/** The table as it stands between the markers of `doc`. */
export function tableIn(doc: string): string {
    const begin = doc.indexOf(BEGIN);
    const end = doc.indexOf(END);
    if (begin < 0 || end < begin) throw new Error(`docs/preview.md has no size table between ${BEGIN} and ${END}`);
    return doc.slice(begin + BEGIN.length, end).trim();
}

export function withTable(doc: string, table: string): string {
    tableIn(doc); // the markers are there
    return `${doc.slice(0, doc.indexOf(BEGIN) + BEGIN.length)}\n${table}\n${doc.slice(doc.indexOf(END))}`;
}
