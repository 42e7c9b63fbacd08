/**
 * The one-way runtime-artifact sync of throttling policies (docs/artifacts.md): a boot hook that
 * installs `wso2-artifact-sync` and a timer running it every minute. It arrives from the region's
 * boot bucket like the database hook, so it costs no user-data.
 */
import * as fs from "fs";
import * as path from "path";
import { artifactSourceParameterName } from "../artifact-sync";
import { ARTIFACT_SYNC_LAG_METRIC, metricNamespace } from "../metrics";
import { SHARED_PATHS, sharedMountPoint } from "../shared-paths";
import { shellQuote } from "./bootstrap-env";

export const ARTIFACT_SYNC_SCRIPT = fs.readFileSync(path.join(__dirname, "scripts", "artifact-sync.sh"), "utf8");
export const ARTIFACT_SYNC = {
    hookKey: "boot.d/60-artifact-sync.sh",
    scriptPath: "/usr/local/sbin/wso2-artifact-sync",
    envPath: "/etc/wso2-apim/artifact-sync.env",
    unit: "wso2-artifact-sync",
    intervalSeconds: 60,
    /**
     * A run's bound (TimeoutStartSec; a oneshot has none by default and a hung run would stop the
     * timer for good): a sync of the small execution plans takes seconds; a run killed at 3 minutes
     * leaves the lag alarm (10 minutes) time to see the next one.
     */
    timeoutSeconds: 180,
    /** Written after a complete push; holds its epoch seconds. */
    marker: "push-complete",
    /**
     * The pack's own execution plan: carbon-apimgt 6.6.163 ships it as
     * features/apimgt/org.wso2.carbon.apimgt.throttling.siddhi.extension.feature/src/main/resources/conf/executionplans/RequestPreProcessorExecutionPlan.siddhiql,
     * which product-apim v3.1.0 puts into repository/deployment/server/executionplans (bin.xml). A set without it is never synced.
     */
    requiredPlan: "RequestPreProcessorExecutionPlan.siddhiql",
    /**
     * The most plans one sync may remove. Deleting an advanced throttling policy removes a plan per
     * condition group and one for its default limits (carbon-apimgt 6.6.163 APIProviderImpl.deletePolicy),
     * any other policy one plan: so a policy of up to four condition groups, or five simple ones,
     * go in one sync, while a wiped or half-seeded directory (the pack alone ships eleven plans) does not.
     */
    maxPlansRemoved: 5,
} as const;

export interface ArtifactSyncHookInput {
    region: string;
    datacenter: string;
    deployment: string;
    project: string;
}

const executionplansDir = SHARED_PATHS.find((p) => p.key === "executionplans")!.path;

/** The boot hook: writes the parameters, the script and the units, and (re)enables the timer. */
export function renderArtifactSyncHook(input: ArtifactSyncHookInput): string {
    const env = [
        ["AWS_REGION", input.region],
        ["DATACENTER", input.datacenter],
        ["SOURCE_PARAMETER", artifactSourceParameterName(input.deployment, input.project)],
        ["EXECUTIONPLANS_DIR", executionplansDir],
        ["MARKER", ARTIFACT_SYNC.marker],
        ["METRIC_NAMESPACE", metricNamespace(input.deployment, ARTIFACT_SYNC_LAG_METRIC.area)],
        ["METRIC_NAME", ARTIFACT_SYNC_LAG_METRIC.metricName],
        ["REQUIRED_PLAN", ARTIFACT_SYNC.requiredPlan],
        ["MAX_PLANS_REMOVED", String(ARTIFACT_SYNC.maxPlansRemoved)],
    ].map(([name, value]) => `${name}=${shellQuote(value)}`).join("\n");
    const service = [
        "[Unit]", "Description=WSO2 runtime-artifact sync (docs/artifacts.md)",
        // Never on the node's local copy of the shared directory.
        // The mount point itself: the path in the WSO2 home is a symlink, which systemd does not follow.
        "RequiresMountsFor=" + sharedMountPoint(executionplansDir),
        "", "[Service]", "Type=oneshot", `ExecStart=${ARTIFACT_SYNC.scriptPath}`, `TimeoutStartSec=${ARTIFACT_SYNC.timeoutSeconds}`,
    ].join("\n");
    const timer = [
        "[Unit]", "Description=Runs the WSO2 runtime-artifact sync every minute",
        "", "[Timer]", `OnBootSec=${ARTIFACT_SYNC.intervalSeconds}`, `OnUnitActiveSec=${ARTIFACT_SYNC.intervalSeconds}`,
        "", "[Install]", "WantedBy=timers.target",
    ].join("\n");
    return [
        "#!/bin/bash",
        "# Boot hook: installs the runtime-artifact sync (docs/artifacts.md). Rendered by lib/render/artifact-sync.ts.",
        "set -euo pipefail",
        `cat > ${ARTIFACT_SYNC.envPath} <<'ENV'`, env, "ENV",
        `cat > ${ARTIFACT_SYNC.scriptPath} <<'SCRIPT'`, ARTIFACT_SYNC_SCRIPT.trimEnd(), "SCRIPT",
        `chmod 0755 ${ARTIFACT_SYNC.scriptPath}`,
        `cat > /etc/systemd/system/${ARTIFACT_SYNC.unit}.service <<'UNIT'`, service, "UNIT",
        `cat > /etc/systemd/system/${ARTIFACT_SYNC.unit}.timer <<'UNIT'`, timer, "UNIT",
        "systemctl daemon-reload",
        `systemctl enable --now ${ARTIFACT_SYNC.unit}.timer`,
        "",
    ].join("\n");
}
