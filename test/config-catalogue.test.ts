/**
 * docs/config-errors.md is the catalogue of bad inputs: every row is applied to the shipped us-east
 * stack file, loaded as the CLI loads it and validated, and must fail naming its key with its
 * message. Docs and behaviour cannot drift apart.
 */
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { ConfigError, parseConfig } from "../lib/config";
import { PER_STACK_KEYS, StackConfigError, loadStackConfig } from "../lib/stack-config";
import { PROJECT_DIR, sourcesOf } from "./harness";

const STACK = "us-east";
const CATALOGUE = path.join(PROJECT_DIR, "docs/config-errors.md");

interface Row {
    key: string;
    override: Record<string, unknown>;
    message: string;
}

/** A code cell: `text`, or `` text `` when the text itself contains a backtick. */
const CELL = "(?:`([^`]+)`|`` (.+?) ``)";
const ROW = new RegExp(`^\\| ${CELL} \\| ${CELL} \\| ${CELL} \\|$`);

/** The table rows: three code cells, key, override (JSON) and message. */
function catalogue(): Row[] {
    return fs.readFileSync(CATALOGUE, "utf8")
        .split("\n")
        .filter((line) => line.startsWith("| `"))
        .map((line) => {
            const match = ROW.exec(line);
            assert.ok(match, `malformed catalogue row: ${line}`);
            const cells = [1, 3, 5].map((i) => match[i] ?? match[i + 1]);
            return { key: cells[0], override: JSON.parse(cells[1]), message: cells[2] };
        });
}

/** Sets `value` at a path such as `[1].gatewayLocations[0]` inside `target`. */
function setPath(target: any, pathText: string, value: unknown): void {
    const steps = [...pathText.matchAll(/\[(\d+)\]|\.([\w-]+)/g)].map((m) => (m[1] !== undefined ? Number(m[1]) : m[2]));
    assert.equal(steps.map((s) => (typeof s === "number" ? `[${s}]` : `.${s}`)).join(""), pathText, `bad path ${pathText}`);
    const parent = steps.slice(0, -1).reduce((node, step) => node[step], target);
    parent[steps[steps.length - 1]] = value;
}

/**
 * Writes the project changed by `override` into a temporary directory, each key where a user sets
 * it: a key every stack shares as its `value` in Pulumi.yaml, a per-stack key (and one Pulumi.yaml
 * does not declare) in the shipped stack file. A key sets a config key, null removes it,
 * `key[i].field` changes one field of the shipped value.
 */
function projectWith(override: Record<string, unknown>): string {
    const shipped = loadStackConfig(PROJECT_DIR, STACK);
    const projectFile = YAML.parse(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8"));
    const stackFile = YAML.parse(fs.readFileSync(path.join(PROJECT_DIR, `Pulumi.${STACK}.yaml`), "utf8"));
    const config: Record<string, unknown> = stackFile.config;
    for (const [keyPath, value] of Object.entries(override)) {
        const [, root, rest] = /^([^.[]+)(.*)$/.exec(keyPath)!;
        const key = root.includes(":") ? root : `${shipped.project}:${root}`;
        const name = key.slice(shipped.project.length + 1);
        // A `secure:` value can only be in a stack file.
        const secure = value !== null && typeof value === "object" && "secure" in value;
        const declaration = key.startsWith(`${shipped.project}:`) && !(PER_STACK_KEYS.keys as readonly string[]).includes(name) && !secure
            ? projectFile.config[name] : undefined;
        const current = declaration ? declaration.value ?? shipped.values[key] : config[key] ?? shipped.values[key];
        const next = rest === "" ? value : (() => {
            const changed = structuredClone(current);
            setPath(changed, rest, value);
            return changed;
        })();
        if (declaration) {
            if (next === null) delete declaration.default;
            else declaration.value = next;
        } else if (next === null) {
            delete config[key];
        } else {
            config[key] = next;
        }
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "config-catalogue-"));
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), YAML.stringify(projectFile));
    fs.writeFileSync(path.join(dir, `Pulumi.${STACK}.yaml`), YAML.stringify(stackFile));
    return dir;
}

/** Loads and validates the stack as the offline runner does; returns what it threw. */
function failureOf(override: Record<string, unknown>): unknown {
    const dir = projectWith(override);
    try {
        const config = loadStackConfig(dir, STACK);
        const { project, aws } = sourcesOf(config);
        parseConfig(project, aws, STACK, Object.keys(config.values));
        return undefined;
    } catch (err) {
        return err;
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

describe("config error catalogue (docs/config-errors.md)", () => {
    const rows = catalogue();

    it("covers the errors the issue names", () => {
        const messages = rows.map((r) => r.message).join("\n");
        for (const needed of [
            /overlaps .* peered VPCs need disjoint CIDRs/,
            /id "DC1" is used by both/,
            /index 1 is used by both/,
            /must be an integer from 1 to 2 \(the number of datacenters\)/,
            /"DC7" is not a configured datacenter/,
            /"DC3" is not a configured datacenter/,
            /missing required configuration value 'wso2-apim-multi-dc:datacenter'/,
            /"DC9" is not a configured datacenter/,
            /unknown US state code/,
            /unknown continent code/,
            /is claimed by both DC1 and DC2/,
            /must be an integer from 1 to 20, got "0"/,
            /must be an ACM certificate ARN/,
            /must be an S3 URI/,
            /is required: the public hosted zone/,
            /must be an EC2 instance type name/,
        ]) {
            assert.match(messages, needed);
        }
    });

    it("the shipped stack, unchanged through the same path, is valid", () => {
        assert.equal(failureOf({}), undefined);
    });

    for (const row of rows) {
        it(`${row.key} ← ${JSON.stringify(row.override)}`, () => {
            const err = failureOf(row.override);
            if (err instanceof StackConfigError) {
                assert.ok(err.message.includes(row.key), `the error does not name ${row.key}: ${err.message}`);
                assert.ok(err.message.includes(row.message), `expected "${row.message}", got: ${err.message}`);
                return;
            }
            assert.ok(err instanceof ConfigError, `expected a config error, got ${err === undefined ? "none" : String(err)}`);
            const problem = err.problems.find((p) => p.key === row.key && p.message.includes(row.message));
            assert.ok(problem, `no problem on ${row.key} saying "${row.message}"; got:\n${err.message}`);
            assert.ok(err.message.includes(`${row.key}: ${problem.message}`), "the error text names the key with its message");
        });
    }
});
