import * as assert from "node:assert/strict";
import { Finding, StackResources, evaluateStacks, formatFinding, stackContext } from "../lib/guardrails";
import { STACKS, run } from "./harness";

describe("guardrails over the shipped stacks", () => {
    let findings: Finding[];

    before(async () => {
        const stacks: StackResources[] = [];
        for (const stack of STACKS) {
            const program = await run(stack);
            stacks.push({ ...stackContext(program.config), resources: program.resources });
        }
        findings = [...evaluateStacks(stacks).values()].flat();
    });

    it("break no mandatory rule, judged together", () => {
        const broken = findings.filter((f) => f.severity === "mandatory");
        assert.deepEqual(broken.map((f) => `${f.stack}: ${formatFinding(f)}`), []);
    });
});
