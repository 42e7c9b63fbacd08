/**
 * The boot hook that installs the scripts the node's units run: WSO2's start wrapper
 * (`/usr/local/sbin/wso2-run`, lib/render/scripts/wso2-run.sh: a JVM that ends without a stop
 * request is a failure systemd restarts), the health signal (`/usr/local/sbin/wso2-health-signal`,
 * lib/render/health-signal.ts) and the node's health command it runs (`/usr/local/sbin/wso2-node-health`). They travel through the boot bucket, not the user-data (EC2's
 * 16 KB limit). The boot fetches the hooks and runs this one first, before it enables the health
 * signal's timer and long before WSO2's first start (lib/render/scripts/bootstrap.sh,
 * install_node_tools); running it again with the other hooks changes nothing.
 */
import * as fs from "fs";
import * as path from "path";
import { HEALTH_SIGNAL, HEALTH_SIGNAL_SCRIPT, NODE_HEALTH_SCRIPT } from "./health-signal";
import { withoutCommentLines } from "./script-text";
import { RUN_WRAPPER_PATH } from "./systemd-unit";

/** The wrapper as deployed: without its comment lines (lib/render/script-text.ts). */
export const RUN_WRAPPER_SCRIPT = withoutCommentLines(fs.readFileSync(path.join(__dirname, "scripts", "wso2-run.sh"), "utf8"));

/** Its key in the boot bucket; bootstrap.sh runs it by this name before the other hooks. */
export const NODE_TOOLS_HOOK_KEY = "boot.d/40-node-tools.sh";

/** Each script with the heredoc marker that ends it. */
const TOOLS: { path: string; script: string; marker: string }[] = [
    { path: RUN_WRAPPER_PATH, script: RUN_WRAPPER_SCRIPT, marker: "WRAPPER" },
    { path: HEALTH_SIGNAL.scriptPath, script: HEALTH_SIGNAL_SCRIPT, marker: "SIGNAL" },
    { path: HEALTH_SIGNAL.healthCommandPath, script: NODE_HEALTH_SCRIPT, marker: "HEALTH" },
];

export function renderNodeToolsHook(): string {
    const lines = [
        "#!/bin/bash",
        "# Boot hook: installs the scripts the node's units run (docs/nodes.md). Rendered by lib/render/node-tools-hook.ts.",
        "set -euo pipefail",
    ];
    for (const { path: target, script, marker } of TOOLS) {
        if (script.split("\n").includes(marker)) throw new Error(`${target} contains its heredoc's end marker ${marker}`);
        // One rename each: a unit starting meanwhile finds the old script or the new, never half of one.
        lines.push(`cat > ${target}.new <<'${marker}'`, script.trimEnd(), marker, `chmod 0755 ${target}.new`, `mv -f ${target}.new ${target}`);
    }
    return lines.join("\n") + "\n";
}
