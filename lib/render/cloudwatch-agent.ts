/**
 * The CloudWatch agent's configuration: ships the boot log and WSO2's logs to the node log group,
 * and publishes the node's memory and root-volume use (lib/metrics.ts NODE_HOST_METRICS).
 */
import { NODE_HOST_METRICS } from "../metrics";
import { APIM_HOME } from "../shared-paths";
import { BOOTSTRAP_LOG } from "./systemd-unit";

export const CLOUDWATCH_AGENT_CONFIG_FILE = "/etc/wso2-apim/cloudwatch-agent.json";

const WSO2_LOGS = `${APIM_HOME}/repository/logs`;

/**
 * The files shipped, under the names WSO2 3.1.0 writes them (product-apim v3.1.0: conf/log4j2.properties
 * appenders; the Tomcat AccessLogValve with default.json's `http_access_log` prefix `http_access_` and
 * suffix `.log`, which Tomcat dates per day: http_access_<yyyy-MM-dd>.log). The agent's file_path
 * takes a glob and follows the newest matching file.
 */
export const SHIPPED_LOGS: { path: string; stream: string }[] = [
    { path: BOOTSTRAP_LOG, stream: "bootstrap" },
    { path: `${WSO2_LOGS}/wso2carbon.log`, stream: "wso2carbon" },
    { path: `${WSO2_LOGS}/wso2-apigw-errors.log`, stream: "gateway-errors" },
    { path: `${WSO2_LOGS}/audit.log`, stream: "audit" },
    { path: `${WSO2_LOGS}/http_access_*.log`, stream: "management-access" },
    // wso2am.service's start wrapper (lib/render/scripts/wso2-run.sh): one line per unexpected end.
    { path: `${WSO2_LOGS}/wso2-run.log`, stream: "wso2-run" },
];

/**
 * Memory and root-volume use, in `namespace`, per instance.
 * CloudWatch User Guide, "Manually create or edit the CloudWatch agent configuration file":
 * append_dimensions ${aws:InstanceId}; the disk section's `resources` (mount points) and
 * `drop_device`. Its `fstype` dimension is the AMI's: aggregation_dimensions adds a copy
 * with InstanceId and path only (a roll-up keeps a subset of the metric's dimensions:
 * aws/amazon-cloudwatch-agent plugins/outputs/cloudwatch/cloudwatch.go ProcessRollup).
 */
function hostMetrics(namespace: string) {
    return {
        namespace,
        append_dimensions: { InstanceId: "${aws:InstanceId}" },
        aggregation_dimensions: [["InstanceId", "path"]],
        metrics_collected: {
            mem: { measurement: ["used_percent"], metrics_collection_interval: NODE_HOST_METRICS.periodSeconds },
            disk: { measurement: ["used_percent"], resources: [NODE_HOST_METRICS.diskPath], drop_device: true, metrics_collection_interval: NODE_HOST_METRICS.periodSeconds },
        },
    };
}

// omit_hostname: no `host` dimension, so the alarms can name every dimension a metric has.
const AGENT = { run_as_user: "root", omit_hostname: true };

/** The GoldenGate hub's agent: its memory and root-volume use only (the trails fill that volume while a peer is away). */
export function renderHostMetricsAgentConfig(hostMetricsNamespace: string): string {
    return `${JSON.stringify({ agent: AGENT, metrics: hostMetrics(hostMetricsNamespace) }, null, 2)}\n`;
}

/** `hostMetricsNamespace`: the deployment's namespace of NODE_HOST_METRICS (lib/metrics.ts metricNamespace). */
export function renderCloudWatchAgentConfig(logGroupName: string, hostMetricsNamespace: string): string {
    const config = {
        agent: AGENT,
        metrics: hostMetrics(hostMetricsNamespace),
        logs: {
            logs_collected: {
                files: {
                    collect_list: SHIPPED_LOGS.map(({ path, stream }) => ({
                        file_path: path,
                        log_group_name: logGroupName,
                        // One stream per node and file: {instance_id} is expanded by the agent.
                        log_stream_name: `{instance_id}/${stream}`,
                        timezone: "UTC",
                    })),
                },
            },
        },
    };
    return `${JSON.stringify(config, null, 2)}\n`;
}
