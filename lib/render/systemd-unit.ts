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

/** wso2am.service's start wrapper (lib/render/scripts/wso2-run.sh), written by the user-data. */
export const RUN_WRAPPER_PATH = "/usr/local/sbin/wso2-run";
/** Under /var/lib: where the JVM writes its one heap dump (lib/render/scripts/wso2-run.sh). */
export const HEAP_DUMP_STATE_DIRECTORY = "wso2-heap-dumps";

/**
 * WSO2 that ends without a stop request is started again after `pauseSeconds`, at most `burst`
 * starts (the first included) within `intervalSeconds`; the next start is refused and the unit is
 * left `failed` (systemd.unit(5) StartLimitIntervalSec=/StartLimitBurst=; systemd.exec(5)
 * $SERVICE_RESULT "start-limit-hit"). A JVM that dies at start-up (about 20 s) hits it within
 * about 4 minutes; one that dies every 6 minutes or less often is restarted for ever, and the
 * unexpected-exits alarm (lib/alarms.ts) fires either way.
 */
export const WSO2_RESTARTS = { burst: 5, intervalSeconds: 1800, pauseSeconds: 30 } as const;

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
            // Bounds the restarts below (the default, 5 in 10 s, never trips with a 30 s pause).
            ["StartLimitIntervalSec", String(WSO2_RESTARTS.intervalSeconds)],
            ["StartLimitBurst", String(WSO2_RESTARTS.burst)],
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
            // One heap-dump directory outside the versioned WSO2 homes (a kept previous version would
            // hold its own dump too): systemd creates /var/lib/<name> for the unit's user and passes it
            // as $STATE_DIRECTORY (systemd.exec(5), StateDirectory=); the wrapper points the JVM there.
            ["StateDirectory", HEAP_DUMP_STATE_DIRECTORY],
            ["StateDirectoryMode", "0700"],
            // Before every start of the JVM, the boot's or a restart's: the truststore trusts the
            // deployment key as gateway_certificate_alias and never the pack's public key; then the
            // WSO2 home's files are made private and the secure vault's passwords sealed.
            ["ExecStartPre", TRUST_CHECK_PATH],
            ["ExecStartPre", SECRETS_AT_REST_PATH],
            // wso2server.sh 3.1.0 exits 0 whatever ended the JVM; the wrapper exits 0 only when
            // systemd stopped it (lib/render/scripts/wso2-run.sh). `always` restarts even a clean
            // exit that nobody asked for; `systemctl stop` never restarts (systemd.service(5), Restart=).
            ["ExecStart", `${RUN_WRAPPER_PATH} ${APIM_HOME}`],
            // After every stop, also of a start refused before WSO2 ran: one line per failed run for the alarm.
            ["ExecStopPost", `${RUN_WRAPPER_PATH} --report ${APIM_HOME}`],
            ["Restart", "always"],
            ["RestartSec", String(WSO2_RESTARTS.pauseSeconds)],
            ["TimeoutStopSec", "120"],
            ["LimitNOFILE", "65535"],
        ]],
    ]);
}
