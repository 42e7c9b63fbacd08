/** The systemd unit that runs WSO2 API Manager in the foreground as its own user. */
import { APIM_HOME, SHARED_PATHS, WSO2_USER } from "../shared-paths";

export const UNIT_NAME = "wso2am.service";
/** Written by the boot script (from Secrets Manager and instance metadata), never by user-data. */
export const RUNTIME_ENV_FILE = "/etc/wso2-apim/runtime.env";

export function renderSystemdUnit(): string {
    const sections: [string, [string, string][]][] = [
        ["Unit", [
            ["Description", "WSO2 API Manager 3.1.0"],
            ["Wants", "network-online.target"],
            ["After", "network-online.target remote-fs.target"],
            // Never start on the node's local copies of the shared directories.
            ["RequiresMountsFor", SHARED_PATHS.map((p) => p.path).join(" ")],
        ]],
        ["Service", [
            ["Type", "simple"],
            ["User", WSO2_USER.name],
            ["Group", WSO2_USER.name],
            ["Environment", "JAVA_HOME=/usr/lib/jvm/java-11-amazon-corretto"],
            ["EnvironmentFile", RUNTIME_ENV_FILE],
            ["ExecStart", `${APIM_HOME}/bin/wso2server.sh`],
            ["SuccessExitStatus", "143"],
            ["Restart", "on-failure"],
            ["RestartSec", "30"],
            ["TimeoutStopSec", "120"],
            ["LimitNOFILE", "65535"],
        ]],
        ["Install", [["WantedBy", "multi-user.target"]]],
    ];
    return sections
        .map(([section, entries]) => `[${section}]\n${entries.map(([k, v]) => `${k}=${v}`).join("\n")}\n`)
        .join("\n");
}
