/**
 * The node's side of the health gate (lib/health-gate.ts, docs/nodes.md § Rolling replacement):
 * `wso2-health-signal` (the signaller the GoldenGate hub shares), the node's health command
 * `wso2-node-health`, their parameters and a timer running the signal every minute. The parameters
 * and units travel in the user-data, the scripts by the node-tools hook
 * (lib/render/node-tools-hook.ts: the user-data has no room), which the boot runs first; it then
 * enables the timer at every start, before the other hooks (the gate must be signalled even while
 * the boot waits in them).
 */
import * as fs from "fs";
import * as path from "path";
import { HEALTH_GATE, HEALTH_SIGNAL } from "../health-gate";
import { shellQuote } from "./bootstrap-env";
import { withoutCommentLines } from "./script-text";

/** The signal script as deployed: without its comment lines (lib/render/script-text.ts). */
export const HEALTH_SIGNAL_SCRIPT = withoutCommentLines(fs.readFileSync(path.join(__dirname, "scripts", "health-signal.sh"), "utf8"));
/** The node's health command: its verdict for the signal. */
export const NODE_HEALTH_SCRIPT = withoutCommentLines(fs.readFileSync(path.join(__dirname, "scripts", "node-health.sh"), "utf8"));
export { HEALTH_SIGNAL };

export interface HealthSignalInput {
    region: string;
    /** The node's gate stack (gateStackName). */
    gateStack: string;
    /** Every target group the node joins, with the port it serves it on. */
    targetGroups: { arn: string; port: number }[];
    trustedSource: boolean;
    /** The SSM flag the database hook waits for outside the trusted source. */
    replicationReadyParameter: string;
}

export function renderHealthSignalEnv(input: HealthSignalInput): string {
    if (input.targetGroups.length === 0) throw new Error("the health signal needs at least one target group");
    return [
        ["AWS_REGION", input.region],
        ["GATE_STACK", input.gateStack],
        ["HEALTH_COMMAND", HEALTH_SIGNAL.healthCommandPath],
        ["TARGET_GROUPS", input.targetGroups.map((group) => `${group.arn}=${group.port}`).join(" ")],
        ["TRUSTED_SOURCE", String(input.trustedSource)],
        ["REPLICATION_READY_PARAMETER", input.replicationReadyParameter],
        ["HANDLE_PREFIX", HEALTH_GATE.handlePrefix],
        ["CONDITION_PREFIX", HEALTH_GATE.conditionPrefix],
    ].map(([name, value]) => `${name}=${shellQuote(value)}`).join("\n") + "\n";
}

export function renderHealthSignalService(): string {
    return [
        "[Unit]",
        "Description=Signals the node's health gate once its targets are healthy (docs/nodes.md)",
        "Wants=network-online.target",
        "After=network-online.target",
        "",
        "[Service]",
        "Type=oneshot",
        `ExecStart=${HEALTH_SIGNAL.scriptPath}`,
        `TimeoutStartSec=${HEALTH_SIGNAL.timeoutSeconds}`,
        "",
    ].join("\n");
}

export function renderHealthSignalTimer(): string {
    return [
        "[Unit]",
        "Description=Runs the node's health signal every minute",
        "",
        "[Timer]",
        `OnBootSec=${HEALTH_SIGNAL.intervalSeconds}`,
        `OnUnitActiveSec=${HEALTH_SIGNAL.intervalSeconds}`,
        // systemd.timer(5): "AccuracySec= defaults to 1 minute", which would space the checks 60–120 s apart.
        "AccuracySec=1s",
        "",
        "[Install]",
        "WantedBy=timers.target",
        "",
    ].join("\n");
}
