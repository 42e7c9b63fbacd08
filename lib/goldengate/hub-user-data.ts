/**
 * The GoldenGate hub's EC2 user-data: a cloud-config that writes the hub's script, its
 * parameters (ids and names only, no secret), a systemd unit that runs it at every start and
 * stops every group gracefully at shutdown, a timer that publishes the replication lag every
 * minute, and the hub's side of its health gate (the nodes' signal script, run every minute with
 * the hub's own health command: docs/replication.md § The hub's health gate), and the divergence
 * check's launcher and units (its script and parameters come from the boot bucket at every run:
 * lib/goldengate/divergence.ts). The parameter files come from the boot bucket at every start. cloud-init writes this
 * user-data's files once per instance; the script writes them again at every start from the
 * instance's current user-data (IMDS), as the nodes' boot does, so a `pulumi up` that changed them
 * (the AWS provider stops and starts the hub for a new userData) takes effect at that start
 * (docs/nodes.md § What a change does).
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { HEALTH_GATE, HEALTH_SIGNAL } from "../health-gate";
import { shellQuote } from "../render/bootstrap-env";
import { renderHostMetricsAgentConfig } from "../render/cloudwatch-agent";
import { HEALTH_SIGNAL_SCRIPT } from "../render/health-signal";
import { withoutCommentLines, withUserDataWriter } from "../render/script-text";
import { USER_DATA_LIMIT_BYTES, writeFilesEntry } from "../render/user-data";
import { REPLICATION_LAG_METRIC } from "../metrics";
import { DIVERGENCE_CHECK, DIVERGENCE_LAUNCHER_SCRIPT, renderDivergenceUnits } from "./divergence";
import { dcLetter, GOLDENGATE } from "./names";

/** The hub's script as deployed: without its comment lines (lib/render/script-text.ts), to fit EC2's 16 KB. */
export const HUB_BOOT_SCRIPT = withUserDataWriter(withoutCommentLines(fs.readFileSync(path.join(__dirname, "scripts", "hub-boot.sh"), "utf8")));
export const HUB_ENV_FILE = "/etc/goldengate/hub.env";
/** The CloudWatch agent's configuration on the hub: memory and root-volume use (lib/render/cloudwatch-agent.ts). */
export const HUB_AGENT_CONFIG_FILE = "/etc/goldengate/cloudwatch-agent.json";
const UNIT = "goldengate-hub.service";
const LAG_UNIT = "goldengate-lag";
const SCRIPT = "/usr/local/sbin/goldengate-hub-boot";
/**
 * The lag publisher's bound per run (TimeoutStartSec): a oneshot has no start timeout by default
 * (systemd.service(5)), and a timer does not start a unit still starting, so one hung GGSCI or CLI
 * call would silence the metric for good. Under the metric's period.
 */
export const LAG_TIMEOUT_SECONDS = 50;
/** The hub's side of its health gate: the signal script (shared with the nodes), its parameters and units. */
export const HUB_GATE_SIGNAL = {
    scriptPath: "/usr/local/sbin/goldengate-gate-signal",
    envPath: "/etc/goldengate/gate-signal.env",
    unit: "goldengate-gate-signal",
} as const;
/**
 * How long the Manager or a group may be seen not running before the gate fails: the Manager
 * restarts an abended group `retries` times after the first attempt, `waitMinutes` apart (mgr.prm
 * AUTORESTART; the Reference counts the retries after the first), so a group still down after
 * all of them, with five minutes to spare for the last start, is not passing.
 */
export const HUB_HEALTH_GRACE_SECONDS = (GOLDENGATE.autorestart.retries + 1) * GOLDENGATE.autorestart.waitMinutes * 60 + 300;
/**
 * How long every process must have been RUNNING at each check before the gate passes: longer than
 * one AUTORESTART wait, so a group that abends again after each restart is never caught only in
 * its RUNNING moments (INFO ALL shows RUNNING as soon as a process has started).
 */
export const HUB_HEALTH_SETTLE_SECONDS = (GOLDENGATE.autorestart.waitMinutes + 1) * 60;
/**
 * Starts of the hub's service per boot before its gate reports the failure: a passing error (S3,
 * Secrets Manager, the network) is retried by systemd (Restart=on-failure, RestartSec) first. The
 * same number bounds systemd's restarts (StartLimitBurst within StartLimitIntervalSec).
 */
export const HUB_START = { attempts: 3, restartSeconds: 60, timeoutSeconds: 900 } as const;
/**
 * systemd's start-limit window: its counter restarts when a start comes after the window that
 * began with the first (src/basic/ratelimit.c, ratelimit_below), so the window must hold every
 * attempt with its timeout and pause, or the restarts would never end.
 */
export const HUB_START_LIMIT_INTERVAL_SECONDS = HUB_START.attempts * (HUB_START.timeoutSeconds + HUB_START.restartSeconds) + 300;

export interface HubBootParameters {
    region: string;
    /** s3://bucket/goldengate/: copied into the GoldenGate home. */
    filesS3Prefix: string;
    /** s3://bucket/divergence/: the divergence check's objects, fetched at every run by its launcher. */
    divergenceS3Prefix: string;
    /** The GoldenGate for Oracle installer zip; null when the AMI carries GoldenGate. */
    installerS3Uri: string | null;
    /** Its SHA-256 (goldengateInstallerSha256); null: not verified. */
    installerSha256: string | null;
    /**
     * A digest of the hub's files in the boot bucket: the hub copies them at every start, so a
     * change of them changes the user-data, which stops and starts the hub behind its gate.
     */
    filesDigest: string;
    /** Secrets Manager id of the GoldenGate administrator's password. */
    secretId: string;
    /** The database user and its EZConnect address (`host:port/service`). */
    databaseUser: string;
    databaseConnect: string;
    credentialAlias: string;
    /** This datacenter (TargetDatacenter of the lag it publishes) and every datacenter by index (the letters of the paths). */
    datacenterId: string;
    datacenters: { id: string; index: number }[];
    /** The deployment's namespace of the replication lag the hub publishes (lib/metrics.ts metricNamespace). */
    lagNamespace: string;
    /** The hub's health gate stack (hubGateStackName). */
    gateStack: string;
    /** Where the hub's CloudWatch agent publishes its memory and disk use (lib/metrics.ts HUB_HOST_METRICS_AREA). */
    hostMetricsNamespace: string;
}

export function renderHubEnv(params: HubBootParameters): string {
    const variables: [string, string][] = [
        ["AWS_REGION", params.region],
        ["OGG_HOME", GOLDENGATE.home],
        ["OGG_USER", "ogg"],
        ["INVENTORY_DIR", "/u01/app/oraInventory"],
        ["FILES_S3_PREFIX", params.filesS3Prefix],
        ["DIVERGENCE_S3_PREFIX", params.divergenceS3Prefix],
        ["INSTALLER_S3_URI", params.installerS3Uri ?? ""],
        ["INSTALLER_SHA256", params.installerSha256 ?? ""],
        ["FILES_DIGEST", params.filesDigest],
        ["SECRET_ID", params.secretId],
        ["DB_USER", params.databaseUser],
        ["DB_CONNECT", params.databaseConnect],
        ["CREDENTIAL_ALIAS", params.credentialAlias],
        ["CREDENTIAL_DOMAIN", GOLDENGATE.credentialDomain],
        ["DATACENTER_ID", params.datacenterId],
        ["DATACENTER_LETTERS", params.datacenters.map((dc) => `${dcLetter(dc.index)}=${dc.id}`).join(" ")],
        ["LAG_NAMESPACE", params.lagNamespace],
        ["LAG_METRIC", REPLICATION_LAG_METRIC.metricName],
        ["LAG_SOURCE_DIMENSION", REPLICATION_LAG_METRIC.dimensions[0]],
        ["LAG_TARGET_DIMENSION", REPLICATION_LAG_METRIC.dimensions[1]],
        ["HEALTH_GRACE_SECONDS", String(HUB_HEALTH_GRACE_SECONDS)],
        ["HEALTH_SETTLE_SECONDS", String(HUB_HEALTH_SETTLE_SECONDS)],
        ["HUB_START_ATTEMPTS", String(HUB_START.attempts)],
        ["GATE_SIGNAL_TIMER", `${HUB_GATE_SIGNAL.unit}.timer`],
        ["CLOUDWATCH_AGENT_CONFIG", HUB_AGENT_CONFIG_FILE],
        ["DIVERGENCE_TIMER", `${DIVERGENCE_CHECK.unit}.timer`],
    ];
    return variables.map(([name, value]) => `${name}=${shellQuote(value)}`).join("\n") + "\n";
}

export function renderUnit(): string {
    return [
        "[Unit]",
        "Description=GoldenGate hub: parameter files, credential store, Manager and its groups",
        "Wants=network-online.target",
        "After=network-online.target",
        // At most HUB_START.attempts starts in the interval: then the gate reports the failure.
        `StartLimitIntervalSec=${HUB_START_LIMIT_INTERVAL_SECONDS}`,
        `StartLimitBurst=${HUB_START.attempts}`,
        "",
        "[Service]",
        "Type=oneshot",
        "RemainAfterExit=yes",
        // The Manager it starts, and the groups the Manager starts, run in UTC: @DATENOW () "returns
        // the current date and time … in local time" (Oracle GoldenGate Reference, @DATENOW), and the
        // exceptions MAPs write it to EXC_AT, which the purge job compares with the database's UTC
        // (sql/05-goldengate-exceptions.sql). TZ is the time zone of a process (tzset(3)). hub-boot.sh
        // also runs GGSCI under `env TZ=UTC` itself: a start from an older unit's process (an upgrade)
        // does not have this line's environment.
        "Environment=TZ=UTC",
        `ExecStart=${SCRIPT} start`,
        // A passing failure (S3, Secrets Manager) is retried; a hung installer or GGSCI is a failure too.
        "Restart=on-failure",
        `RestartSec=${HUB_START.restartSeconds}`,
        `TimeoutStartSec=${HUB_START.timeoutSeconds}`,
        // A restart or shutdown stops the groups first, each at a checkpoint; the Manager's AUTOSTART resumes them.
        `ExecStop=${SCRIPT} stop`,
        "TimeoutStopSec=300",
        "",
        "[Install]",
        "WantedBy=multi-user.target",
        "",
    ].join("\n");
}

/** The lag publisher: a oneshot service, run by a timer at the metric's period once the hub is up. */
export function renderLagUnits(): { service: string; timer: string } {
    const period = REPLICATION_LAG_METRIC.periodSeconds;
    return {
        service: ["[Unit]", "Description=Publish the GoldenGate replication lag", `Requisite=${UNIT}`, `After=${UNIT}`, "",
            "[Service]", "Type=oneshot", `ExecStart=${SCRIPT} publish-lag`, `TimeoutStartSec=${LAG_TIMEOUT_SECONDS}`, ""].join("\n"),
        timer: ["[Unit]", `Description=Publish the GoldenGate replication lag every ${period} s`, "",
            "[Timer]", `OnBootSec=${period}`, `OnUnitActiveSec=${period}`, "AccuracySec=5", "",
            "[Install]", "WantedBy=timers.target", ""].join("\n"),
    };
}

/** The gate signal's parameters: the signal script runs `goldengate-hub-boot health` for the verdict. */
export function renderGateSignalEnv(params: HubBootParameters): string {
    return [
        ["AWS_REGION", params.region],
        ["GATE_STACK", params.gateStack],
        ["HEALTH_COMMAND", `${SCRIPT} health`],
        ["HANDLE_PREFIX", HEALTH_GATE.handlePrefix],
        ["CONDITION_PREFIX", HEALTH_GATE.conditionPrefix],
    ].map(([name, value]) => `${name}=${shellQuote(value)}`).join("\n") + "\n";
}

/** The gate signal every minute from boot, as on the nodes; each run bounded (HEALTH_SIGNAL.timeoutSeconds). */
export function renderGateSignalUnits(): { service: string; timer: string } {
    const every = HEALTH_SIGNAL.intervalSeconds;
    return {
        service: ["[Unit]", "Description=Signal the GoldenGate hub's health gate (docs/replication.md)", "Wants=network-online.target", "After=network-online.target", "",
            "[Service]", "Type=oneshot", `Environment=SIGNAL_ENV=${HUB_GATE_SIGNAL.envPath}`, `ExecStart=${HUB_GATE_SIGNAL.scriptPath}`,
            `TimeoutStartSec=${HEALTH_SIGNAL.timeoutSeconds}`, ""].join("\n"),
        timer: ["[Unit]", `Description=Signal the GoldenGate hub's health gate every ${every} s`, "",
            // AccuracySec: the default 1 minute would space the checks 60–120 s apart (systemd.timer(5)).
            "[Timer]", `OnBootSec=${every}`, `OnUnitActiveSec=${every}`, "AccuracySec=1s", "", "[Install]", "WantedBy=timers.target", ""].join("\n"),
    };
}

export function renderHubUserData(params: HubBootParameters): string {
    const lag = renderLagUnits();
    const gate = renderGateSignalUnits();
    const divergence = renderDivergenceUnits();
    const cloudConfig = {
        // Parameters in clear; scripts and units compressed, to fit EC2's 16 KB (cloud-init write_files gz+b64).
        write_files: [
            { path: HUB_ENV_FILE, permissions: "0644", content: renderHubEnv(params) },
            { path: SCRIPT, permissions: "0755", content: HUB_BOOT_SCRIPT, compressed: true },
            { path: `/etc/systemd/system/${UNIT}`, permissions: "0644", content: renderUnit(), compressed: true },
            { path: `/etc/systemd/system/${LAG_UNIT}.service`, permissions: "0644", content: lag.service, compressed: true },
            { path: `/etc/systemd/system/${LAG_UNIT}.timer`, permissions: "0644", content: lag.timer, compressed: true },
            { path: HUB_GATE_SIGNAL.envPath, permissions: "0644", content: renderGateSignalEnv(params) },
            { path: HUB_GATE_SIGNAL.scriptPath, permissions: "0755", content: HEALTH_SIGNAL_SCRIPT, compressed: true },
            { path: `/etc/systemd/system/${HUB_GATE_SIGNAL.unit}.service`, permissions: "0644", content: gate.service, compressed: true },
            { path: `/etc/systemd/system/${HUB_GATE_SIGNAL.unit}.timer`, permissions: "0644", content: gate.timer, compressed: true },
            { path: HUB_AGENT_CONFIG_FILE, permissions: "0644", content: renderHostMetricsAgentConfig(params.hostMetricsNamespace), compressed: true },
            { path: DIVERGENCE_CHECK.launcherPath, permissions: "0755", content: DIVERGENCE_LAUNCHER_SCRIPT, compressed: true },
            { path: `/etc/systemd/system/${DIVERGENCE_CHECK.unit}.service`, permissions: "0644", content: divergence.service, compressed: true },
            { path: `/etc/systemd/system/${DIVERGENCE_CHECK.unit}.timer`, permissions: "0644", content: divergence.timer, compressed: true },
        ].map(writeFilesEntry),
        // The gate's timer first: `enable --now` of the hub's unit waits for its start (a oneshot).
        runcmd: [["systemctl", "daemon-reload"], ["systemctl", "enable", "--now", `${HUB_GATE_SIGNAL.unit}.timer`],
            ["systemctl", "enable", "--now", UNIT], ["systemctl", "enable", "--now", `${LAG_UNIT}.timer`],
            ["systemctl", "enable", "--now", `${DIVERGENCE_CHECK.unit}.timer`]],
    };
    const userData = `#cloud-config\n${YAML.stringify(cloudConfig, { lineWidth: 0 })}`;
    const size = Buffer.byteLength(userData, "utf8");
    if (size > USER_DATA_LIMIT_BYTES) throw new Error(`hub user-data is ${size} bytes, over EC2's ${USER_DATA_LIMIT_BYTES}-byte limit`);
    return userData;
}
