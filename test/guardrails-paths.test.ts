import * as assert from "node:assert/strict";
import * as fs from "fs";
import { Finding, StackResources, evaluateStacks, formatFinding, stackContext } from "../lib/guardrails";
import { EXISTING_VPC, STACKS, run, runAll, threeDatacenterProject } from "./harness";
import { policyPackViolations } from "./policy-pack-driver";

/**
 * Every configuration path the README and docs offer plans through every mandatory guardrail:
 * the rules as `npm run plan` runs them (all stacks together), and the same rules as the policy
 * pack reports them to `pulumi preview --policy-pack policy` (one stack at a time, values the
 * cloud computes unknown, references linked through property dependencies).
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
                assert.deepEqual(policyPackViolations(program), [], `policy pack, ${stack}`);
            }
            assert.deepEqual(mandatory(evaluateStacks(stacks)), []);
        });
    }

    it("an existing VPC", async () => {
        const program = await run("us-east", EXISTING_VPC);
        assert.deepEqual(mandatory(evaluateStacks([{ ...stackContext(program.config), resources: program.resources }])), []);
        assert.deepEqual(policyPackViolations(program), []);
    });

    it("the policy pack still reports a mandatory violation on a planned stack (the check can fail)", async () => {
        const program = await run("us-east");
        const node = program.resources.find((r) => r.name === "dc1-apim-1")!;
        const broken = { ...program, resources: program.resources.map((r) => r === node ? { ...r, inputs: { ...r.inputs, metadataOptions: { httpTokens: "optional" } } } : r) };
        assert.deepEqual(policyPackViolations(broken).filter((v) => v.startsWith("WSO2-SEC-004")), ["WSO2-SEC-004 dc1-apim-1: IMDSv2 not required — fix: set metadataOptions.httpTokens = \"required\""]);
    });

    it("three datacenters, the third outside the US", async () => {
        const dir = threeDatacenterProject("guardrails-3dc-");
        try {
            const runs = await runAll(dir);
            const stacks = [...runs.values()].map((program) => ({ ...stackContext(program.config), resources: program.resources }));
            assert.equal(stacks.length, 3);
            assert.deepEqual(mandatory(evaluateStacks(stacks)), []);
            for (const program of runs.values()) assert.deepEqual(policyPackViolations(program, dir), [], `policy pack, ${program.config.stack}`);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
