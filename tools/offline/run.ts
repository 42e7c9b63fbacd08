/**
 * Runs the real program (index.ts) under Pulumi's mocks and records what it declares: the
 * engine's view of every resource (type, name, parent, provider, dependencies, protect, inputs)
 * and the stack outputs. The offline plan and the tests both stand on this.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import * as settings from "@pulumi/pulumi/runtime/settings";
import * as rpc from "@pulumi/pulumi/runtime/rpc";
import { StackConfig, SECRET_PLACEHOLDER, toRuntimeConfig } from "../../lib/stack-config";
import { answerInvoke, newResourceState, stackReferenceState, STACK_REFERENCE } from "./cloud";

export interface RecordedResource {
    urn: string;
    /** Pulumi type token, e.g. `aws:lb/loadBalancer:LoadBalancer`. */
    type: string;
    name: string;
    parent: string | null;
    provider: string | null;
    /** URNs this resource waits for: explicit dependsOn and those through consumed outputs. */
    dependsOn: string[];
    /** Per input, the URNs of the resources whose outputs it was computed from (what a policy pack sees). */
    propertyDependencies: Record<string, string[]>;
    protect: boolean;
    /** The ignoreChanges resource option: properties whose new values never update or replace it. */
    ignoreChanges: string[];
    /** The replacementTrigger resource option (a change of it replaces the resource), or null. */
    replacementTrigger: unknown;
    /** Resolved inputs as sent to the provider; secrets are "[secret]". */
    inputs: Record<string, unknown>;
    custom: boolean;
}

/** What a failed run throws: the program's own error, with the types it had declared by then. */
export type ProgramFailure = Error & { declared: string[] };

/** A provider function the program called (a data source): the deployer and preview roles need its read. */
export interface RecordedInvoke {
    /** Pulumi function token, e.g. `aws:ssm/getParameter:getParameter`. */
    token: string;
    inputs: Record<string, unknown>;
    /** URN of the explicit provider the call went through, or null for the stack's default provider. */
    provider: string | null;
}

export interface ProgramRun {
    config: StackConfig;
    resources: RecordedResource[];
    outputs: Record<string, unknown>;
    invokes: RecordedInvoke[];
}

/** Turns wire-format property values into plain JSON, redacting secrets. */
export function plainValue(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(plainValue);
    if (value === null || typeof value !== "object") return value === rpc.unknownValue ? "(known after apply)" : value;
    const object = value as Record<string, unknown>;
    switch (object[rpc.specialSigKey]) {
        case rpc.specialSecretSig:
            return SECRET_PLACEHOLDER;
        case rpc.specialResourceSig:
            return object.urn;
        case rpc.specialAssetSig:
        case rpc.specialArchiveSig:
            return { asset: object.path ?? object.uri ?? "(inline)" };
    }
    return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, plainValue(v)]));
}

/** A provider reference is `<urn>::<id>`; the plan names providers by URN. */
function providerUrn(reference: string): string | null {
    return reference ? reference.slice(0, reference.lastIndexOf("::")) : null;
}

/** A registration's per-property dependencies (reads carry none). */
function propertyDependenciesOf(req: any): Record<string, string[]> {
    const map = req.getPropertydependenciesMap?.();
    if (!map) return {};
    const entries: [string, string[]][] = [];
    map.forEach((dependencies: any, key: string) => entries.push([key, [...new Set<string>(dependencies.getUrnsList())].sort()]));
    return Object.fromEntries(entries);
}

class RecordingMonitor extends MockMonitor {
    readonly recorded: RecordedResource[] = [];

    override async registerResource(req: any, callback: (err: any, response: any) => void): Promise<void> {
        const record = this.record(req, req.getObject(), req.getProtect() === true, req.getCustom(), req.getIgnorechangesList());
        return super.registerResource(req, this.noteUrn(record, callback));
    }

    // Reads (stack references) are resources the program depends on: the plan shows them too.
    override async readResource(req: any, callback: (err: any, response: any) => void): Promise<void> {
        const record = this.record(req, req.getProperties(), false, true);
        return super.readResource(req, this.noteUrn(record, callback));
    }

    private record(req: any, properties: any, protect: boolean, custom: boolean, ignoreChanges: string[] = []): RecordedResource {
        const record: RecordedResource = {
            urn: "",
            type: req.getType(),
            name: req.getName(),
            parent: req.getParent() || null,
            provider: providerUrn(req.getProvider()),
            dependsOn: [...new Set<string>(req.getDependenciesList())].sort(),
            propertyDependencies: propertyDependenciesOf(req),
            replacementTrigger: req.getReplacementTrigger?.()?.toJavaScript() ?? null,
            protect,
            ignoreChanges,
            inputs: plainValue(properties?.toJavaScript() ?? {}) as Record<string, unknown>,
            custom,
        };
        this.recorded.push(record);
        return record;
    }

    /** The URN is the monitor's answer: fill it in on the way back. */
    private noteUrn(record: RecordedResource, callback: (err: any, response: any) => void) {
        return (err: any, response: any) => {
            if (response) record.urn = response.getUrn();
            callback(err, response);
        };
    }
}

// The mock monitor names a child after its parent's last type only; the engine chains every
// ancestor type below the stack. Plans carry URNs as `pulumi preview` would show them.
(RecordingMonitor.prototype as any).newUrn = function (parent: string, type: string, name: string): string {
    const parentType = parent ? parent.split("::")[2] : "";
    const qualified = parentType && parentType !== "pulumi:pulumi:Stack" ? `${parentType}$${type}` : type;
    return `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::${qualified}::${name}`;
};

let droppingLeftovers = false;

/**
 * After a failed run the SDK's promise wrappers reject again with the program's error, and
 * the run's last registrations reach a monitor that no longer knows them, with nobody to
 * listen. The run has reported its failure (the language host also reports an error once):
 * the leftovers are dropped rather than crash the process.
 */
function dropLeftoversOfFailedRuns(): void {
    if (droppingLeftovers) return;
    process.on("unhandledRejection", () => undefined);
    droppingLeftovers = true;
}

/**
 * What Pulumi's state holds for a resource instead of what a successful operation would have left
 * (tests: the state a failed `pulumi up` leaves behind). Receives the pretend cloud's state.
 */
export type PriorState = (type: string, name: string, state: Record<string, unknown>) => Record<string, unknown>;

/**
 * Runs `index.ts` of `projectDir` for one stack. Throws what the program throws (a ConfigError
 * for invalid config). Runs are sequential: the Pulumi runtime is process-global.
 * `stackOutputs` holds the outputs of the stacks already run, by stack name: stack references
 * read them (see stackReferenceState).
 */
export async function runProgram(
    projectDir: string,
    config: StackConfig,
    stackOutputs: Record<string, Record<string, unknown>> = {},
    priorState?: PriorState,
): Promise<ProgramRun> {
    const region = String(config.values["aws:region"] ?? "");
    const invokes: RecordedInvoke[] = [];
    const monitor = new RecordingMonitor({
        call: (args) => {
            invokes.push({ token: args.token, inputs: plainValue(args.inputs ?? {}) as Record<string, unknown>, provider: args.provider ? providerUrn(args.provider) : null });
            return answerInvoke(args, region);
        },
        newResource: (args) => {
            if (args.type === STACK_REFERENCE) return stackReferenceState(String(args.inputs.name), stackOutputs);
            const fresh = newResourceState(args.type, args.name, args.inputs);
            return priorState ? { ...fresh, state: priorState(args.type, args.name, fresh.state) } : fresh;
        },
    });
    settings.setMockOptions(monitor, config.project, config.stack, false);
    enableMockFeatures();
    pulumi.runtime.setAllConfig(toRuntimeConfig(config), config.secretKeys);

    const entry = require.resolve(path.join(projectDir, "index.ts"));
    delete require.cache[entry];
    let outputs: Record<string, unknown> | undefined;
    // Every resource's constructor captures the whole call stack (Error.stackTraceLimit = Infinity), parses
    // it and sends it as the registration's source position and stack trace: for the engine's diagnostics
    // (@pulumi/pulumi resource.js, Resource.stackTrace). Neither the mock monitor nor the plan reads them:
    // offline they are skipped (measured: a tenth of the program's run time).
    const resourceClass = pulumi.Resource as unknown as { stackTrace: (skip: number) => unknown[] };
    const stackTrace = resourceClass.stackTrace;
    resourceClass.stackTrace = () => [];
    try {
        outputs = await pulumi.runtime.runInPulumiStack(async () => require(entry));
        await (settings as any).waitForRPCs();
    } catch (err) {
        const failure = err instanceof Error ? err : new Error(String(err));
        // An error thrown in an apply (a missing stack output) reaches us through the inputs that
        // consumed it, each level prefixed by the SDK; the program's own message is what is left.
        failure.message = failure.message.replace(/^(error serializing property "[^"]*": )+/, "");
        dropLeftoversOfFailedRuns();
        throw Object.assign(failure, { declared: monitor.recorded.map((r) => r.type) });
    } finally {
        resourceClass.stackTrace = stackTrace;
    }

    // Providers register through a different call; the mock records them as resources too.
    return { config, resources: monitor.recorded, outputs: (plainValue(outputs ?? {}) as Record<string, unknown>), invokes };
}

/**
 * Stacks in datacenter order, as they are deployed (README: bootstrap order): a later datacenter
 * reads the outputs of the earlier ones. A stack whose config does not load goes last, to fail
 * with its own message when it runs.
 */
export function deploymentOrder(stacks: string[], load: (stack: string) => StackConfig): string[] {
    const indexOf = (stack: string): number => {
        try {
            const config = load(stack);
            const id = config.values[`${config.project}:datacenter`];
            const datacenters = config.values[`${config.project}:datacenters`];
            const dc = Array.isArray(datacenters) ? datacenters.find((d) => d?.id === id) : undefined;
            return Number.isInteger(dc?.index) ? dc.index : Infinity;
        } catch {
            return Infinity;
        }
    };
    const order = new Map(stacks.map((stack) => [stack, indexOf(stack)]));
    return [...stacks].sort((a, b) => order.get(a)! - order.get(b)!);
}

/** What `setMocks` switches on besides the monitor (we install our own recording monitor). */
function enableMockFeatures(): void {
    const store = (require("@pulumi/pulumi/runtime/state") as any).getStore();
    Object.assign(store, {
        supportsSecrets: true,
        supportsResourceReferences: true,
        supportsOutputValues: false,
        supportsDeletedWith: true,
        supportsAliasSpecs: true,
        supportsTransforms: true,
        supportsInvokeTransforms: true,
        supportsInvokeDependsOn: false,
    });
}
