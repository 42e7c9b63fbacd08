import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ELB_ACCOUNT_BY_REGION, LOG_DELIVERY_SERVICE } from "../lib/elb-log-delivery";
import { PROJECT_DIR, threeDatacenterProject } from "./harness";

/**
 * A third datacenter in regions the shipped stacks do not use plans (issue 22): one opened before
 * August 2022 (eu-west-2, Elastic Load Balancing's own account writes the access logs) and one
 * opened after (eu-central-2, which has no such account: the log-delivery service principal does),
 * each priced with a line saying the prices are us-east-1's.
 */
describe("a datacenter in any commercial region", function () {
    this.timeout(300_000);

    for (const [region, stack, principal] of [
        ["eu-west-2", "eu-west", { AWS: `arn:aws:iam::${ELB_ACCOUNT_BY_REGION["eu-west-2"]}:root` }],
        ["eu-central-2", "eu-central", { Service: LOG_DELIVERY_SERVICE }],
    ] as const) {
        it(`${region}: plans, lets ${"AWS" in principal ? "ELB's account" : "the log-delivery service"} write the access logs, and says it is priced as us-east-1`, () => {
            const configDir = threeDatacenterProject(`regions-${region}-`, region);
            const out = fs.mkdtempSync(path.join(os.tmpdir(), `regions-${region}-out-`));
            try {
                const result = spawnSync(process.execPath, ["-r", "sucrase/register/ts", "tools/plan/cli.ts", "--config-dir", configDir, "--out", out], { cwd: PROJECT_DIR, encoding: "utf8" });
                assert.equal(result.status, 0, result.stderr);
                assert.match(result.stdout, new RegExp(`^${stack}: \\d+ resources, ~\\$[\\d.]+/month \\(priced as us-east-1\\) → `, "m"));
                assert.match(result.stdout, /^us-east: \d+ resources, ~\$[\d.]+\/month → /m);
                const plan = JSON.parse(fs.readFileSync(path.join(out, stack, "plan.json"), "utf8"));
                const policy = plan.resources.find((r: any) => r.type === "aws:s3/bucketPolicy:BucketPolicy" && r.name.includes("access-logs"));
                const statement = JSON.parse(policy.inputs.policy).Statement.find((s: any) => s.Sid === "AlbAccessLogs");
                assert.deepEqual(statement.Principal, principal);
                assert.match(fs.readFileSync(path.join(out, stack, "summary.md"), "utf8"), /\*\*Priced as us-east-1\*\*: the price file has no prices for this region/);
                assert.doesNotMatch(fs.readFileSync(path.join(out, "us-east", "summary.md"), "utf8"), /Priced as/);
            } finally {
                fs.rmSync(configDir, { recursive: true, force: true });
                fs.rmSync(out, { recursive: true, force: true });
            }
        });
    }
});
