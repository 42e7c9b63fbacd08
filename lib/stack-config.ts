/**
 * Loads a stack's effective config the way the Pulumi CLI does, for runs without the CLI (the
 * offline plan and the tests): project config from Pulumi.yaml (values and defaults of declared
 * keys, keys without a namespace belonging to the project), then the stack file on top.
 * `secure:` values cannot be decrypted here; they are kept as secrets with the value "[secret]".
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { nearestName } from "./nearest-name";

export const SECRET_PLACEHOLDER = "[secret]";

export interface StackConfig {
    project: string;
    stack: string;
    /** Full key (`namespace:key`) to value, as parsed from YAML. */
    values: Record<string, unknown>;
    /** Full keys whose values are secret. */
    secretKeys: string[];
}

interface Declaration {
    type?: "string" | "integer" | "boolean" | "array";
    description?: string;
    default?: unknown;
    value?: unknown;
    secret?: boolean;
}

/**
 * The project's keys a stack file may set: what differs by region (its datacenter, images, an
 * existing VPC, the Oracle host, an ACM certificate, which only serves its own region). Every other
 * key of the project is shared: stacks that disagreed on one would build a deployment no stack
 * describes (two design-time active regions answering `apim.<zone>`, two trusted sources, records
 * in two zones).
 */
export const PER_STACK_KEYS = {
    project: "wso2-apim-multi-dc",
    keys: [
        "datacenter", "nodeAmiId", "vpcId", "publicSubnetIds", "privateSubnetIds",
        "databaseAmiId", "databaseInstanceType", "goldengateAmiId", "certificateArn",
    ],
} as const;

/** The shared keys of this project a stack file's `config` sets (unqualified, as Pulumi.yaml names them). */
export function sharedKeysSet(projectName: string, stackConfig: Record<string, unknown>): string[] {
    if (projectName !== PER_STACK_KEYS.project) return [];
    return Object.keys(stackConfig)
        .filter((key) => !key.includes(":") || key.startsWith(`${projectName}:`))
        .map((key) => key.replace(`${projectName}:`, ""))
        .filter((key) => !(PER_STACK_KEYS.keys as readonly string[]).includes(key));
}

/** The error for a stack file that sets shared keys: which keys, which file, and how to set them for every stack. */
export function sharedKeysMessage(projectName: string, stackFile: string, keys: string[]): string {
    const names = keys.map((key) => `'${projectName}:${key}'`).join(", ");
    return `sets ${names}, shared by every stack of the deployment: a stack may set only ${PER_STACK_KEYS.keys.join(", ")}. `
        + `Set ${keys.length > 1 ? "them" : "it"} once for every stack in Pulumi.yaml (config: ${keys[0]}: value: …) `
        + `and remove ${keys.length > 1 ? "them" : "it"} from ${path.basename(stackFile)}`;
}

function refuseSharedKeys(projectName: string, stackFile: string, stackConfig: Record<string, unknown>): void {
    const shared = sharedKeysSet(projectName, stackConfig);
    if (shared.length > 0) throw new StackConfigError(stackFile, sharedKeysMessage(projectName, stackFile, shared));
}

/**
 * The same refusal for `pulumi up`, which runs the program in the project's directory: the stack
 * file, when it is there (config may also come from elsewhere, which this cannot see).
 */
export function checkStackFile(projectDir: string, projectName: string, stack: string): void {
    const stackFile = path.join(projectDir, `Pulumi.${stack}.yaml`);
    if (fs.existsSync(stackFile)) refuseSharedKeys(projectName, stackFile, readYaml(stackFile).config ?? {});
}

export class StackConfigError extends Error {
    constructor(file: string, message: string) {
        super(`${file}: ${message}`);
        this.name = "StackConfigError";
    }
}

/** The stacks of a project: every `Pulumi.<stack>.yaml` beside `Pulumi.yaml`. */
export function listStacks(projectDir: string): string[] {
    return fs
        .readdirSync(projectDir)
        .map((file) => /^Pulumi\.(.+)\.ya?ml$/.exec(file)?.[1])
        .filter((stack): stack is string => stack !== undefined)
        .sort();
}

function readYaml(file: string): any {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch {
        throw new StackConfigError(file, "cannot be read");
    }
    const doc = YAML.parseDocument(text, { prettyErrors: true });
    if (doc.errors.length > 0) throw new StackConfigError(file, doc.errors[0].message);
    return doc.toJS() ?? {};
}

function typeMatches(type: Declaration["type"], value: unknown): boolean {
    switch (type) {
        case "string":
            return typeof value === "string";
        case "integer":
            return Number.isInteger(value);
        case "boolean":
            return typeof value === "boolean";
        case "array":
            return Array.isArray(value);
        default:
            return true;
    }
}

export function loadStackConfig(projectDir: string, stack: string): StackConfig {
    const projectFile = path.join(projectDir, "Pulumi.yaml");
    const project = readYaml(projectFile);
    const projectName: string = project.name;
    const qualify = (key: string) => (key.includes(":") ? key : `${projectName}:${key}`);

    const stackFile = path.join(projectDir, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(stackFile)) {
        throw new StackConfigError(stackFile, `no such stack file (stacks here: ${listStacks(projectDir).join(", ") || "none"})`);
    }
    const stackSettings = readYaml(stackFile);

    const values: Record<string, unknown> = {};
    const secretKeys = new Set<string>();
    const declarations = new Map<string, Declaration>();

    for (const [key, entry] of Object.entries<any>(project.config ?? {})) {
        const full = qualify(key);
        const isDeclaration = entry !== null && typeof entry === "object" && !Array.isArray(entry);
        const declaration: Declaration = isDeclaration ? entry : { value: entry };
        declarations.set(full, declaration);
        if (declaration.value !== undefined) values[full] = declaration.value;
        else if (declaration.default !== undefined) values[full] = declaration.default;
        if (declaration.secret) secretKeys.add(full);
    }

    for (const [key, entry] of Object.entries<any>(stackSettings.config ?? {})) {
        const full = qualify(key);
        // The CLI would silently ignore an undeclared key of the project (it checks declared keys
        // only: pulumi/pulumi sdk/go/common/workspace/config.go, mergeConfig); a misspelt key is a mistake.
        if (full.startsWith(`${projectName}:`) && !declarations.has(full)) {
            const declared = [...declarations.keys()].filter((k) => k.startsWith(`${projectName}:`)).map((k) => k.slice(projectName.length + 1));
            const nearest = nearestName(full.slice(projectName.length + 1), declared);
            throw new StackConfigError(stackFile, `configuration key '${full}' is not declared in Pulumi.yaml${nearest ? `; did you mean '${projectName}:${nearest}'?` : ""}`);
        }
        if (entry !== null && typeof entry === "object" && "secure" in entry) {
            values[full] = SECRET_PLACEHOLDER;
            secretKeys.add(full);
        } else {
            values[full] = entry;
        }
    }

    // After the undeclared-key check: a misspelt key gets its nearest name first.
    refuseSharedKeys(projectName, stackFile, stackSettings.config ?? {});

    for (const [full, declaration] of declarations) {
        if (!(full in values)) {
            throw new StackConfigError(stackFile, `missing required configuration value '${full}' (declared in Pulumi.yaml without a default)`);
        }
        if (!secretKeys.has(full) && !typeMatches(declaration.type, values[full])) {
            throw new StackConfigError(
                stackFile,
                `configuration value '${full}' must be of type ${declaration.type}, got ${JSON.stringify(values[full])}`,
            );
        }
    }

    return { project: projectName, stack, values, secretKeys: [...secretKeys].sort() };
}

/** Config as the language host hands it to a program: every value a string, objects as JSON. */
export function toRuntimeConfig(config: StackConfig): Record<string, string> {
    return Object.fromEntries(
        Object.entries(config.values).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]),
    );
}
