import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { PLACEHOLDER_SETTINGS, placeholdersIn } from "../lib/placeholders";
import { PROJECT_DIR, projectYamlWith, STACKS } from "./harness";

const REAL = { wso2PackS3Uri: "s3://acme-apim-artifacts/wso2am-3.1.0.zip", hostedZoneName: "apis.acme.test", stackReferencePrefix: "acme/wso2-apim-multi-dc" };

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
    });
});
