/**
 * docs/preview.md's size table is measured, not written by hand: this test plans the shipped stacks
 * and a three-datacenter project, renders the review comment in each case of the table and each
 * stack's summary.md (tools/plan/preview-sizes.ts), and fails when the table between the markers in
 * docs/preview.md differs. `npm run docs:sizes` runs it with UPDATE_DOCS=1, which writes the table.
 */
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { GITHUB_COMMENT_LIMIT, readPlanDir } from "../tools/plan/comment";
import { BEGIN, END, Measured, measuredTexts, sizeTable, tableIn, withTable } from "../tools/plan/preview-sizes";
import { planQuietly, PROJECT_DIR, temporaryDirectories, threeDatacenterProject } from "./harness";

const DOC = path.join(PROJECT_DIR, "docs", "preview.md");
const REFRESH = "npm run docs:sizes";

describe("docs/preview.md size table", function () {
    this.timeout(300_000);
    const tempDir = temporaryDirectories();
    let measured: Measured[];

    before(async () => {
        const out = tempDir("sizes-plan-");
        assert.equal((await planQuietly(["--out", out])).status, 0);
        const out3 = tempDir("sizes-plan-3-");
        assert.equal((await planQuietly(["--config-dir", threeDatacenterProject("sizes-three-dcs-", undefined, tempDir), "--out", out3])).status, 0);
        measured = measuredTexts(readPlanDir(out, "success", null), readPlanDir(out3, "success", null));
    });

    it(`matches what the comment and the summaries measure now (refresh: ${REFRESH})`, () => {
        const doc = fs.readFileSync(DOC, "utf8");
        const table = sizeTable(measured);
        if (process.env.UPDATE_DOCS === "1") fs.writeFileSync(DOC, withTable(doc, table));
        const written = tableIn(fs.readFileSync(DOC, "utf8"));
        assert.equal(written, table, `docs/preview.md's size table is stale: run \`${REFRESH}\` and commit docs/preview.md`);
    });

    it("measures five comment cases and both shipped summaries, every comment under GitHub's limit", () => {
        assert.deepEqual(measured.map((m) => m.label.split(":")[0]), ["comment", "comment", "comment", "comment", "comment", "us-east/summary.md", "us-west/summary.md"]);
        for (const m of measured.filter((m) => m.label.startsWith("comment"))) assert.ok(m.text.length < GITHUB_COMMENT_LIMIT, m.label);
    });

    it("replaces only what lies between the markers, and says so when they are missing", () => {
        const doc = `before\n${BEGIN}\n| old |\n${END}\nafter\n`;
        assert.equal(withTable(doc, "| new |"), `before\n${BEGIN}\n| new |\n${END}\nafter\n`);
        assert.throws(() => tableIn("no markers"), /has no size table between/);
    });
});
