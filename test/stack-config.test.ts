import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { listStacks, loadStackConfig, SECRET_PLACEHOLDER, toRuntimeConfig } from "../lib/stack-config";
import { PROJECT_DIR } from "./harness";

/** A throwaway project directory holding the given files. */
function project(files: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stack-config-"));
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    return dir;
}

const PROJECT_YAML = `name: demo
runtime: nodejs
config:
  count:
    type: integer
    default: 2
  shared:
    value: [a, b]
  required:
    type: string
  aws:region: us-east-1
`;

describe("stack config loading (as the Pulumi CLI does)", () => {
    it("lists the shipped stacks", () => assert.deepEqual(listStacks(PROJECT_DIR), ["us-east", "us-west"]));

    it("applies project defaults and values, then the stack file on top", () => {
        const dir = project({
            "Pulumi.yaml": PROJECT_YAML,
            "Pulumi.dev.yaml": "config:\n  demo:required: yes-please\n  aws:region: eu-west-1\n",
        });
        const config = loadStackConfig(dir, "dev");
        assert.deepEqual(config.values, {
            "demo:count": 2,
            "demo:shared": ["a", "b"],
            "demo:required": "yes-please",
            "aws:region": "eu-west-1",
        });
        assert.deepEqual(toRuntimeConfig(config)["demo:shared"], '["a","b"]');
        assert.equal(toRuntimeConfig(config)["demo:count"], "2");
    });

    it("keeps secure values secret and never decrypts them", () => {
        const dir = project({
            "Pulumi.yaml": PROJECT_YAML,
            "Pulumi.dev.yaml": "config:\n  demo:required:\n    secure: v1:AAAAcipher\n",
        });
        const config = loadStackConfig(dir, "dev");
        assert.equal(config.values["demo:required"], SECRET_PLACEHOLDER);
        assert.deepEqual(config.secretKeys, ["demo:required"]);
        assert.ok(!JSON.stringify(config).includes("AAAAcipher"));
    });

    it("fails like the CLI when a declared key without default is missing", () => {
        const dir = project({ "Pulumi.yaml": PROJECT_YAML, "Pulumi.dev.yaml": "config: {}\n" });
        assert.throws(() => loadStackConfig(dir, "dev"), /Pulumi\.dev\.yaml: missing required configuration value 'demo:required'/);
    });

    it("fails when a value does not have its declared type", () => {
        const dir = project({ "Pulumi.yaml": PROJECT_YAML, "Pulumi.dev.yaml": "config:\n  demo:required: x\n  demo:count: many\n" });
        assert.throws(() => loadStackConfig(dir, "dev"), /'demo:count' must be of type integer, got "many"/);
    });

    it("names the file and line of a YAML syntax error", () => {
        const dir = project({ "Pulumi.yaml": PROJECT_YAML, "Pulumi.dev.yaml": "config:\n  demo:required: [unclosed\n" });
        assert.throws(() => loadStackConfig(dir, "dev"), /Pulumi\.dev\.yaml: .*line \d+/s);
    });

    it("rejects a key of the project that Pulumi.yaml does not declare, naming the file and the nearest key", () => {
        const dir = project({ "Pulumi.yaml": PROJECT_YAML, "Pulumi.dev.yaml": "config:\n  demo:required: x\n  demo:cont: 3\n  aws:profile: dev\n" });
        assert.throws(
            () => loadStackConfig(dir, "dev"),
            /Pulumi\.dev\.yaml: configuration key 'demo:cont' is not declared in Pulumi\.yaml; did you mean 'demo:count'\?$/,
        );
        const far = project({ "Pulumi.yaml": PROJECT_YAML, "Pulumi.dev.yaml": "config:\n  demo:required: x\n  colour: blue\n" });
        assert.throws(() => loadStackConfig(far, "dev"), /configuration key 'demo:colour' is not declared in Pulumi\.yaml$/);
    });

    it("names the stacks that exist when asked for one that does not", () =>
        assert.throws(() => loadStackConfig(PROJECT_DIR, "eu-central"), /no such stack file \(stacks here: us-east, us-west\)/));
});
