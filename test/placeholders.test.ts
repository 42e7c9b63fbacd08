import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { PLACEHOLDER_SETTINGS, placeholdersIn, settingAdvisories } from "../lib/placeholders";
import { buildPlan } from "../tools/plan/plan-json";
import { replicationLine } from "../tools/plan/summary";
import { PROJECT_DIR, projectYamlWith, run, STACKS } from "./harness";

const REAL = { wso2PackS3Uri: "s3://acme-apim-artifacts/wso2am-3.1.0.zip", hostedZoneName: "apis.acme.test", stackReferencePrefix: "acme/wso2-apim-multi-dc", wso2PackSha256: "0123456789abcdef".repeat(4) };

function planIn(projectYaml: string, ...args: string[]) {
    const configDir = fs.mkdtempSync(path.join(os.tmpdir(), "placeholders-"));
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "placeholders-out-"));
    fs.writeFileSync(path.join(configDir, "Pulumi.yaml"), projectYaml);
    for (const stack of STACKS) fs.copyFileSync(path.join(PROJECT_DIR, `Pulumi.${stack}.yaml`), path.join(configDir, `Pulumi.${stack}.yaml`));
    try {
        const result = spawnSync(process.execPath, ["-r", "sucrase/register/ts", "tools/plan/cli.ts", "--config-dir", configDir, "--out", out, ...args], { cwd: PROJECT_DIR, encoding: "utf8" });
        const summary = fs.existsSync(path.join(out, "us-east", "summary.md")) ? fs.readFileSync(path.join(out, "us-east", "summary.md"), "utf8") : null;
        return { ...result, summary };
    } finally {
        fs.rmSync(configDir, { recursive: true, force: true });
        fs.rmSync(out, { recursive: true, force: true });
    }
}

describe("settings still at their shipped example (issue 22)", function () {
    this.timeout(120_000);

    it("are the values Pulumi.yaml ships as defaults", () => {
        const shipped = YAML.parse(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8")).config;
        for (const { key, shipped: value } of PLACEHOLDER_SETTINGS) assert.equal(shipped[key].default, value, key);
    });

    it("are named with the fix; real values are not", () => {
        const shipped = Object.fromEntries(PLACEHOLDER_SETTINGS.map(({ key, shipped: value }) => [`p:${key}`, value]));
        assert.deepEqual(placeholdersIn("p", shipped).map((line) => line.split(" is ")[0]), ["p:wso2PackS3Uri", "p:hostedZoneName"]);
        assert.match(placeholdersIn("p", shipped)[1], /^p:hostedZoneName is still the shipped example "example\.com" \(Pulumi\.yaml\): use the public Route 53 zone you own$/);
        assert.deepEqual(placeholdersIn("p", Object.fromEntries(Object.entries(REAL).map(([key, value]) => [`p:${key}`, value]))), []);
    });

    it("the plan advises on each in the console and summary.md, and fails on them with --require-real-config", () => {
        const shipped = fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8");
        const advised = planIn(shipped);
        assert.equal(advised.status, 0, advised.stderr);
        assert.match(advised.stdout, /^advisory: us-east: wso2-apim-multi-dc:wso2PackS3Uri is still the shipped example/m);
        assert.match(advised.summary!, /^- wso2-apim-multi-dc:hostedZoneName is still the shipped example "example\.com"/m);
        const refused = planIn(shipped, "--require-real-config");
        assert.equal(refused.status, 1);
        assert.match(refused.stderr, /plan failed: 4 setting\(s\) still at the shipped example \(--require-real-config\):\n {2}- us-east: wso2-apim-multi-dc:wso2PackS3Uri/);
        assert.equal(refused.summary, null);
        const real = planIn(projectYamlWith(REAL), "--require-real-config");
        assert.equal(real.status, 0, real.stderr);
        assert.doesNotMatch(real.stdout, /advisory:/);
        // A setting that gives something up is advised on, never refused.
        const single = planIn(projectYamlWith({ ...REAL, nodeCount: 1 }), "--require-real-config");
        assert.equal(single.status, 0, single.stderr);
        assert.match(single.stdout, /^advisory: us-east: wso2-apim-multi-dc:nodeCount is 1: /m);
        assert.match(single.summary!, /^- wso2-apim-multi-dc:nodeCount is 1: /m);
    });
});

describe("what the plan says about a setting that gives something up (issue 22)", function () {
    this.timeout(120_000);

    it("one node per region is advised against, two or more are not; so is a pack without its checksum", () => {
        const SHA = { "p:wso2PackSha256": "a".repeat(64) };
        assert.match(settingAdvisories("p", { ...SHA, "p:nodeCount": 1 })[0], /^p:nodeCount is 1: the region's only node is in one Availability Zone, and every rolling change .* stops it/);
        assert.deepEqual(settingAdvisories("p", { ...SHA, "p:nodeCount": 2 }), []);
        assert.match(settingAdvisories("p", { "p:nodeCount": 2, "p:wso2PackSha256": "" })[0], /^p:wso2PackSha256 is empty: the nodes install the pack without checking it/);
    });

    it("more gateways in all DCs than WSO2 sizes one Traffic Manager for (10) are advised against: every Traffic Manager hears every gateway", () => {
        const SHA = { "p:wso2PackSha256": "a".repeat(64) };
        const dcs = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `DC${i + 1}` }));
        assert.deepEqual(settingAdvisories("p", { ...SHA, "p:nodeCount": 5, "p:datacenters": dcs(2) }), []);
        assert.deepEqual(settingAdvisories("p", { ...SHA, "p:nodeCount": 4, "p:datacenters": dcs(3) }), [
            "p:nodeCount 4 in 3 datacenters makes 12 gateways, each publishing every request to every Traffic Manager: WSO2 sizes a Traffic Manager for 10 gateways; load-test the Traffic Managers (each node's CPU) before production",
        ]);
    });

    it("says what replicates each DC: nothing (and that only the trusted source serves), or a hub priced in the table with the licence outside", async () => {
        const [east, west] = [buildPlan(await run("us-east")), buildPlan(await run("us-west"))];
        assert.match(replicationLine(east), /No GoldenGate host .* This DC is the trusted source and serves on its own/);
        assert.match(replicationLine(west), /No GoldenGate host .* this DC serves nothing until you run GoldenGate/);
        const hub = buildPlan(await run("us-west", { goldengateLicense: "byol", goldengateAmiId: "ami-0fedcba9876543210" }));
        assert.match(replicationLine(hub), /^GoldenGate hub: `m6i\.large` host `dc2-goldengate-host`, priced in the cost table; the GoldenGate licence .* not in the estimate\.$/);
    });
});
