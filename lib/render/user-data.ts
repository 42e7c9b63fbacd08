/**
 * A node's EC2 user-data: a cloud-config document (written with a YAML library) whose write_files
 * carry the boot script, its parameters, deployment.toml, the kernel settings and the systemd
 * units, and whose runcmd only enables and starts the boot unit.
 *
 * cloud-init runs write_files and runcmd once per instance; the boot unit runs at every start and
 * first writes these same files again from the instance's *current* user-data (read from IMDS).
 * The AWS provider applies a changed `userData` by stopping and starting the instance
 * (@pulumi/aws ec2.Instance `userData`: "Updates to this field will trigger a stop/start of the EC2
 * instance by default"; `userDataReplaceOnChange` defaults to false), so a change reaches the node
 * at that start. See docs/nodes.md.
 *
 * EC2 takes at most 16 KB of user-data; the program never truncates, it fails. The scripts go
 * without their comment lines to fit.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import * as zlib from "zlib";
import { BootstrapParameters, renderBootstrapEnv } from "./bootstrap-env";
import { CLOUDWATCH_AGENT_CONFIG_FILE, renderCloudWatchAgentConfig } from "./cloudwatch-agent";
import { DATABASE_BOOT_ENV_FILE, DatabaseBootParameters, renderDatabaseBootEnv } from "./database-boot-env";
import { DeploymentTomlInput, renderDeploymentToml } from "./deployment-toml";
import { HEALTH_SIGNAL, HealthSignalInput, renderHealthSignalEnv, renderHealthSignalService, renderHealthSignalTimer } from "./health-signal";
import { withoutCommentLines, withUserDataWriter } from "./script-text";
import { renderSysctlConf, SYSCTL_FILE } from "./sysctl";
import { BOOT_UNIT_NAME, BOOTSTRAP_PATH, renderBootUnit, renderSystemdUnit, UNIT_NAME } from "./systemd-unit";

export const USER_DATA_LIMIT_BYTES = 16 * 1024;
/** The boot script as deployed: without its comment lines (lib/render/script-text.ts). */
export const BOOTSTRAP_SCRIPT = withUserDataWriter(withoutCommentLines(fs.readFileSync(path.join(__dirname, "scripts", "bootstrap.sh"), "utf8")));

export interface NodeFile {
    path: string;
    content: string;
    permissions: string;
    /** Written gzip-compressed and base64-encoded (cloud-init write_files `encoding: gz+b64`) to fit 16 KB. */
    compressed?: boolean;
}

/** A write_files entry as it appears in the user-data. */
export interface WrittenFile {
    path: string;
    content: string;
    encoding?: string;
}

/** The text a write_files entry puts on the node. */
export function writtenContent(file: WrittenFile): string {
    return file.encoding === "gz+b64" ? zlib.gunzipSync(Buffer.from(file.content, "base64")).toString("utf8") : file.content;
}

export interface NodeUserDataInput {
    bootstrap: BootstrapParameters;
    /** The node log group the CloudWatch agent ships to. */
    logGroupName: string;
    /** Where the CloudWatch agent publishes the node's memory and disk use (lib/metrics.ts metricNamespace). */
    hostMetricsNamespace: string;
    deploymentToml: DeploymentTomlInput;
    /** Parameters of the database boot hook (which itself arrives from S3: it is too large). */
    database: DatabaseBootParameters;
    /** The node's health gate signal (docs/nodes.md § Rolling replacement). */
    healthSignal: HealthSignalInput;
}

/**
 * The files a node receives, in the order cloud-init writes them (and the boot rewrites them).
 * The parameters stay plain text; the rest is compressed so that a deployment of four or more
 * datacenters still fits (deployment.toml grows by a gateway environment per datacenter). The plan
 * writes every file decoded, as it lands on the node.
 */
export function renderNodeFiles(input: NodeUserDataInput): NodeFile[] {
    return [
        { path: "/etc/wso2-apim/bootstrap.env", content: renderBootstrapEnv(input.bootstrap), permissions: "0644" },
        { path: DATABASE_BOOT_ENV_FILE, content: renderDatabaseBootEnv(input.database), permissions: "0644" },
        { path: "/etc/wso2-apim/deployment.toml", content: renderDeploymentToml(input.deploymentToml), permissions: "0644", compressed: true },
        { path: SYSCTL_FILE, content: renderSysctlConf(), permissions: "0644", compressed: true },
        { path: `/etc/systemd/system/${UNIT_NAME}`, content: renderSystemdUnit(), permissions: "0644", compressed: true },
        { path: `/etc/systemd/system/${BOOT_UNIT_NAME}`, content: renderBootUnit(), permissions: "0644", compressed: true },
        { path: CLOUDWATCH_AGENT_CONFIG_FILE, content: renderCloudWatchAgentConfig(input.logGroupName, input.hostMetricsNamespace), permissions: "0644", compressed: true },
        { path: BOOTSTRAP_PATH, content: BOOTSTRAP_SCRIPT, permissions: "0755", compressed: true },
        { path: HEALTH_SIGNAL.envPath, content: renderHealthSignalEnv(input.healthSignal), permissions: "0644" },
        { path: `/etc/systemd/system/${HEALTH_SIGNAL.unit}.service`, content: renderHealthSignalService(), permissions: "0644", compressed: true },
        { path: `/etc/systemd/system/${HEALTH_SIGNAL.unit}.timer`, content: renderHealthSignalTimer(), permissions: "0644", compressed: true },
    ];
}

/** A cloud-config write_files entry for `file`, owned by root (shared with the GoldenGate hub's user-data). */
export function writeFilesEntry(file: NodeFile): WrittenFile & { owner: string; permissions: string } {
    return {
        path: file.path,
        owner: "root:root",
        permissions: file.permissions,
        ...(file.compressed
            ? { encoding: "gz+b64", content: zlib.gzipSync(file.content, { level: 9 }).toString("base64") }
            : { content: file.content }),
    };
}

export function renderUserData(input: NodeUserDataInput): string {
    const cloudConfig = {
        write_files: renderNodeFiles(input).map(writeFilesEntry),
        // --no-block: runcmd runs inside cloud-final.service, which must not wait for a boot that
        // may wait hours for the replication-ready flag.
        runcmd: [
            ["systemctl", "daemon-reload"],
            ["systemctl", "enable", BOOT_UNIT_NAME],
            ["systemctl", "start", "--no-block", BOOT_UNIT_NAME],
        ],
    };
    const userData = `#cloud-config\n${YAML.stringify(cloudConfig, { lineWidth: 0 })}`;
    const size = Buffer.byteLength(userData, "utf8");
    if (size > USER_DATA_LIMIT_BYTES) {
        throw new Error(`user-data is ${size} bytes, over EC2's ${USER_DATA_LIMIT_BYTES}-byte limit; move content to S3`);
    }
    return userData;
}
