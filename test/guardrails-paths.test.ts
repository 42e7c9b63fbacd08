import * as assert from "node:assert/strict";
import * as fs from "fs";
import { Finding, StackResources, evaluateStacks, formatFinding, stackContext } from "../lib/guardrails";
import { EXISTING_VPC, STACKS, run, runAll, threeDatacenterProject } from "./harness";

/**
 * Every configuration path the README and docs offer plans through every mandatory guardrail
 * (the rules `npm run plan` and the policy pack run), judged over all its stacks together.
 */
const PATHS: Record<string, Record<string, unknown>> = {
    "the shipped defaults": {},
    "GoldenGate byol with a hub AMI": { goldengateLicense: "byol", goldengateAmiId: "ami-0fedcba9876543210" },
    "GoldenGate byol with an installer": { goldengateLicense: "byol", goldengateInstallerS3Uri: "s3://example-ogg/fbo_ggs_Linux_x64_Oracle_shiphome.zip" },
    "databaseKind ec2": { databaseKind: "ec2", databaseAmiId: "ami-0123456789abcdef0" },
};

function mandatory(findings: Map<string, Finding[]>): string[] {
    return [...findings.values()].flat().filter((f) => f.severity === "mandatory").map((f) => `${f.stack}: ${formatFinding(f)}`);
}

describe("every documented configuration path plans through every mandatory guardrail", function () {
    this.timeout(300_000);

    for (const [title, overrides] of Object.entries(PATHS)) {
        it(title, async () => {
            const stacks: StackResources[] = [];
            for (const stack of STACKS) {
                const program = await run(stack, overrides);
                stacks.push({ ...stackContext(program.config), resources: program.resources });
            }
            assert.deepEqual(mandatory(evaluateStacks(stacks)), []);
        });
    }

    it("an existing VPC", async () => {
        const program = await run("us-east", EXISTING_VPC);
        assert.deepEqual(mandatory(evaluateStacks([{ ...stackContext(program.config), resources: program.resources }])), []);
    });

    it("three datacenters, the third outside the US", async () => {
        const dir = threeDatacenterProject("guardrails-3dc-");
        try {
            const runs = await runAll(dir);
            const stacks = [...runs.values()].map((program) => ({ ...stackContext(program.config), resources: program.resources }));
            assert.equal(stacks.length, 3);
            assert.deepEqual(mandatory(evaluateStacks(stacks)), []);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
