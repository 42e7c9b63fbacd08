/** The CloudWatch agent's configuration: ships the boot log and WSO2's logs to the node log group. */
import { APIM_HOME } from "../shared-paths";

export const CLOUDWATCH_AGENT_CONFIG_FILE = "/etc/wso2-apim/cloudwatch-agent.json";

export function renderCloudWatchAgentConfig(logGroupName: string): string {
    const file = (path: string, stream: string) => ({
        file_path: path,
        log_group_name: logGroupName,
        // One stream per node and file: {instance_id} is expanded by the agent.
        log_stream_name: `{instance_id}/${stream}`,
        timezone: "UTC",
    });
    const config = {
        agent: { run_as_user: "root" },
        logs: {
            logs_collected: {
                files: {
                    collect_list: [
                        file("/var/log/wso2-bootstrap.log", "bootstrap"),
                        file(`${APIM_HOME}/repository/logs/wso2carbon.log`, "wso2carbon"),
                        file(`${APIM_HOME}/repository/logs/http_access_management_console.log`, "management-access"),
                    ],
                },
            },
        },
    };
    return `${JSON.stringify(config, null, 2)}\n`;
}
