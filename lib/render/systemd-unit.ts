/**
 * The node's two systemd units. `wso2-boot.service` runs the boot script at every start of the
 * instance (cloud-init's runcmd runs once per instance, so it cannot); `wso2am.service` runs WSO2
 * API Manager in the foreground as its own user, and only after a successful boot.
 */
import { APIM_HOME, SHARED_PATHS, sharedMountPoint, WSO2_USER } from "../shared-paths";
import { SECRETS_AT_REST_PATH, TRUST_CHECK_PATH } from "../keystore";

export const UNIT_NAME = "wso2am.service";
export const BOOT_UNIT_NAME = "wso2-boot.service";
export const BOOTSTRAP_PATH = "/usr/local/sbin/wso2-bootstrap";
export const BOOTSTRAP_LOG = "/var/log/wso2-bootstrap.log";
/** Written at every boot (bootstrap.sh and the database hook: instance metadata, Secrets Manager, rpm, /proc), never by user-data. */
export const RUNTIME_ENV_FILE = "/etc/wso2-apim/runtime.env";

/** A whole boot that failed is tried again this often within the interval, then left failed. */
export const BOOT_RESTARTS = { burst: 4, intervalSeconds: 7200, pauseSeconds: 60 } as const;

type Section = [string, [string, string][]];

function render(sections: Section[]): string {
    return sections
        .map(([section, entries]) => `[${section}]\n${entries.map(([k, v]) => `${k}=${v}`).join("\n")}\n`)
        .join("\n");
}

export function renderBootUnit(): string {
    return render([
        ["Unit", [
            ["Description", "WSO2 API Manager node boot: node files from the current user-data, packages, pack, EFS, secrets, database, then WSO2"],
            ["Wants", "network-online.target"],
            // cloud-init.service writes the unit's files on the instance's first start.
            ["After", "network-online.target cloud-init.service"],
            // systemd 252 (AL2023) restarts a failed oneshot; the start limit bounds the whole-boot retries.
            ["StartLimitIntervalSec", String(BOOT_RESTARTS.intervalSeconds)],
            ["StartLimitBurst", String(BOOT_RESTARTS.burst)],
        ]],
        ["Service", [
            ["Type", "oneshot"],
            ["RemainAfterExit", "yes"],
            ["ExecStart", BOOTSTRAP_PATH],
            ["Restart", "on-failure"],
            ["RestartSec", String(BOOT_RESTARTS.pauseSeconds)],
            // The database step waits for the database and, outside the trusted source, for the
            // replication-ready flag (docs/database.md); its own limits bound those waits, not systemd's 90 s.
            ["TimeoutStartSec", "infinity"],
            ["StandardOutput", `append:${BOOTSTRAP_LOG}`],
            ["StandardError", `append:${BOOTSTRAP_LOG}`],
        ]],
        ["Install", [["WantedBy", "multi-user.target"]]],
    ]);
}

export function renderSystemdUnit(): string {
    return render([
        ["Unit", [
            ["Description", "WSO2 API Manager 3.1.0"],
            // Started by the boot (never enabled on its own), and never without a successful one.
            ["Requires", BOOT_UNIT_NAME],
            ["After", `${BOOT_UNIT_NAME} network-online.target remote-fs.target`],
            // Never start on the node's local copies of the shared directories.
            // The mount points themselves: the paths in the WSO2 home are symlinks, which systemd does not follow.
            ["RequiresMountsFor", SHARED_PATHS.map((p) => sharedMountPoint(p.path)).join(" ")],
        ]],
        ["Service", [
            ["Type", "simple"],
            ["User", WSO2_USER.name],
            ["Group", WSO2_USER.name],
            // JAVA_HOME and JVM_MEM_OPTS (read by wso2server.sh 3.1.0) come from the boot, which
            // finds Corretto 11 and sizes the heap for this instance.
            ["EnvironmentFile", RUNTIME_ENV_FILE],
            // Every file WSO2 writes is its user's alone: config-mapper substitutes $env{} secrets into
            // the XML it renders, into .metadata and into backup/ (docs/artifacts.md, Keystores).
            ["UMask", "0077"],
            // Before every start of the JVM, the boot's or a restart's: the truststore trusts the
            // deployment key as gateway_certificate_alias and never the pack's public key; then the
            // WSO2 home's files are made private and the secure vault's passwords sealed.
            ["ExecStartPre", TRUST_CHECK_PATH],
            ["ExecStartPre", SECRETS_AT_REST_PATH],
            ["ExecStart", `${APIM_HOME}/bin/wso2server.sh`],
            ["SuccessExitStatus", "143"],
            ["Restart", "on-failure"],
            ["RestartSec", "30"],
            ["TimeoutStopSec", "120"],
            ["LimitNOFILE", "65535"],
        ]],
    ]);
}
