import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { checkStackFile, listStacks, loadStackConfig, PER_STACK_KEYS, SECRET_PLACEHOLDER, toRuntimeConfig } from "../lib/stack-config";
import { PROJECT_DIR, temporaryDirectories } from "./harness";

const tempDir = temporaryDirectories();

/** A throwaway project directory holding the given files (removed after the run). */
function project(files: Record<string, string>): string {
    const dir = tempDir("stack-config-");
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

    describe("keys every stack shares are set in Pulumi.yaml only (issue 22)", () => {
        const shipped = fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8");
        const west = fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.us-west.yaml"), "utf8");

        it("a stack file that sets designTimeActive (two design-time active regions) stops the plan and pulumi up, naming the key, the file and the fix", () => {
            const dir = project({ "Pulumi.yaml": shipped, "Pulumi.us-west.yaml": `${west}  wso2-apim-multi-dc:designTimeActive: DC2\n  hostedZoneName: example.org\n` });
            const message = /Pulumi\.us-west\.yaml: sets 'wso2-apim-multi-dc:designTimeActive', 'wso2-apim-multi-dc:hostedZoneName', shared by every stack of the deployment: a stack may set only datacenter, .*\. Set them once for every stack in Pulumi\.yaml \(config: designTimeActive: value: …\) and remove them from Pulumi\.us-west\.yaml$/;
            assert.throws(() => loadStackConfig(dir, "us-west"), message);
            // What the program checks under `pulumi up` (it runs in the project's directory).
            assert.throws(() => checkStackFile(dir, "wso2-apim-multi-dc", "us-west"), message);
        });

        it("the shipped stack files and the per-stack keys pass", () => {
            for (const stack of listStacks(PROJECT_DIR)) checkStackFile(PROJECT_DIR, "wso2-apim-multi-dc", stack);
            const dir = project({ "Pulumi.yaml": shipped, "Pulumi.us-west.yaml": `${west}  wso2-apim-multi-dc:nodeAmiId: ami-0123456789abcdef0\n  wso2-apim-multi-dc:certificateArn: arn:aws:acm:us-west-2:123456789012:certificate/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0\n` });
            assert.equal(loadStackConfig(dir, "us-west").values["wso2-apim-multi-dc:nodeAmiId"], "ami-0123456789abcdef0");
        });

        it("the per-stack keys are the ones Pulumi.yaml lists under its per-stack heading", () => {
            const section = shipped.slice(shipped.indexOf("# --- per stack"));
            const declared = [...section.matchAll(/^  ([A-Za-z]+):$/gm)].map((m) => m[1]);
            assert.deepEqual(declared.sort(), [...PER_STACK_KEYS.keys].sort());
        });
    });

    it("names the stacks that exist when asked for one that does not", () =>
        assert.throws(() => loadStackConfig(PROJECT_DIR, "eu-central"), /no such stack file \(stacks here: us-east, us-west\)/));
});
