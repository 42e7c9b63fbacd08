/**
 * The API reconciler's boot hook (docs/artifacts.md § API reconciler): it writes the parameters,
 * the script (lib/render/scripts/api-reconciler.sh) and a service with its timer, and enables the
 * timer. Every node gets it; a run does its work only on node 1 of the design-time active DC, read
 * at each run, so a promotion moves it without a restart. It arrives from the boot bucket like
 * the other hooks: no user-data, no secret (the admin password is read from Secrets Manager).
 */
import * as fs from "fs";
import * as path from "path";
import { API_RECONCILER } from "../api-reconciler";
import { artifactSourceParameterName } from "../artifact-sync";
import { API_STATE_UNKNOWN_METRIC, APIS_OUT_OF_STEP_METRIC, metricNamespace } from "../metrics";
import { shellQuote } from "./bootstrap-env";
import { DATABASE_BOOT_ENV_FILE } from "./database-boot-env";
import { deploymentCertificatePath } from "./keystore-hook";

export const API_RECONCILER_SCRIPT = fs.readFileSync(path.join(__dirname, "scripts", "api-reconciler.sh"), "utf8");

/** A datacenter as the reconciler reaches it. */
export interface ReconciledDatacenter {
    id: string;
    region: string;
    /** Its gateway environment's name in the Publisher (deployment-toml.ts gatewayEnvironmentName). */
    environment: string;
    /** Its gateways' admin services, `https://…:9443/services/` (the environment's `service_url`). */
    servicesUrl: string;
}

export interface ApiReconcilerHookInput {
    region: string;
    datacenter: string;
    deployment: string;
    project: string;
    /** Secrets Manager id of the WSO2 admin password (the same admin in every DC). */
    adminSecretId: string;
    datacenters: ReconciledDatacenter[];
}

/** The script's parameters, in the order written; the tests run it with their own. */
export function apiReconcilerEnv(input: ApiReconcilerHookInput): [string, string][] {
    for (const dc of input.datacenters) {
        const fields = [dc.id, dc.region, dc.environment, dc.servicesUrl];
        if (fields.some((field) => field.includes("|") || field.includes("\n"))) throw new Error(`datacenter ${dc.id}: a field holds "|" or a line break`);
    }
    const env: [string, string | number][] = [
        ["AWS_REGION", input.region],
        ["DATACENTER", input.datacenter],
        ["SOURCE_PARAMETER", artifactSourceParameterName(input.deployment, input.project)],
        ["NODE_ROLE_ENV", DATABASE_BOOT_ENV_FILE],
        ["ADMIN_SECRET_ID", input.adminSecretId],
        ["ADMIN_USER", "admin"],
        ["CERTIFICATE", deploymentCertificatePath()],
        ["PUBLISHER_URL", API_RECONCILER.publisherUrl],
        ["PUBLISHER_SCOPES", API_RECONCILER.scopes.join(" ")],
        ["CLIENT_NAME", API_RECONCILER.clientName],
        ["PAGE_SIZE", API_RECONCILER.pageSize],
        ["DATACENTERS", input.datacenters.map((dc) => [dc.id, dc.region, dc.environment, dc.servicesUrl].join("|")).join("\n")],
        ["STATE_DIR", `/var/lib/${API_RECONCILER.stateDirectory}`],
        ["CONNECT_TIMEOUT_SECONDS", API_RECONCILER.connectTimeoutSeconds],
        ["READ_TIMEOUT_SECONDS", API_RECONCILER.readTimeoutSeconds],
        ["DEPLOY_TIMEOUT_SECONDS", API_RECONCILER.deployTimeoutSeconds],
        ["MAX_REPUBLISH_PER_RUN", API_RECONCILER.maxRepublishPerRun],
        ["BACKOFF_BASE_SECONDS", API_RECONCILER.backoffBaseSeconds],
        ["BACKOFF_MAX_SECONDS", API_RECONCILER.backoffMaxSeconds],
        ["METRIC_NAMESPACE", metricNamespace(input.deployment, APIS_OUT_OF_STEP_METRIC.area)],
        ["OUT_OF_STEP_METRIC", APIS_OUT_OF_STEP_METRIC.metricName],
        ["UNKNOWN_METRIC", API_STATE_UNKNOWN_METRIC.metricName],
    ];
    return env.map(([name, value]) => [name, String(value)]);
}

/** Its unit files by name: a bounded oneshot with a state directory, and the timer. */
export function apiReconcilerUnits(): Record<string, string> {
    const lines = (...parts: string[]) => `${parts.join("\n")}\n`;
    return {
        [`${API_RECONCILER.unit}.service`]: lines(
            "[Unit]", "Description=WSO2 API reconciler across datacenters (docs/artifacts.md)",
            "", "[Service]", "Type=oneshot", `ExecStart=${API_RECONCILER.scriptPath}`,
            `TimeoutStartSec=${API_RECONCILER.timeoutSeconds}`, `StateDirectory=${API_RECONCILER.stateDirectory}`,
        ),
        [`${API_RECONCILER.unit}.timer`]: lines(
            "[Unit]", "Description=Runs the WSO2 API reconciler every 5 minutes",
            "", "[Timer]", `OnBootSec=${API_RECONCILER.intervalSeconds}`, `OnUnitActiveSec=${API_RECONCILER.intervalSeconds}`,
            "", "[Install]", "WantedBy=timers.target",
        ),
    };
}

export function renderApiReconcilerHook(input: ApiReconcilerHookInput): string {
    if (API_RECONCILER_SCRIPT.split("\n").includes("SCRIPT")) throw new Error("the reconciler script contains its heredoc's end marker");
    return [
        "#!/bin/bash",
        "# Boot hook: installs the API reconciler (docs/artifacts.md). Rendered by lib/render/api-reconciler.ts.",
        "set -euo pipefail",
        // jq (JSON) and xmllint (SOAP answers; Amazon Linux's libxml2 package carries it).
        "dnf install -y -q jq libxml2",
        `cat > ${API_RECONCILER.envPath} <<'ENV'`,
        ...apiReconcilerEnv(input).map(([name, value]) => `${name}=${shellQuote(value)}`),
        "ENV",
        `cat > ${API_RECONCILER.scriptPath}.new <<'SCRIPT'`, API_RECONCILER_SCRIPT.trimEnd(), "SCRIPT",
        `chmod 0755 ${API_RECONCILER.scriptPath}.new`,
        `mv -f ${API_RECONCILER.scriptPath}.new ${API_RECONCILER.scriptPath}`,
        ...Object.entries(apiReconcilerUnits()).flatMap(([name, unit]) => [`cat > /etc/systemd/system/${name} <<'UNIT'`, unit.trimEnd(), "UNIT"]),
        "systemctl daemon-reload",
        `systemctl enable --now ${API_RECONCILER.unit}.timer`,
        "",
    ].join("\n");
}
