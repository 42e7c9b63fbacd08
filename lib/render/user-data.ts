/**
 * A node's EC2 user-data: a cloud-config document (written with a YAML library) that writes the
 * boot script, its parameters, deployment.toml and the systemd unit, then runs the script.
 * EC2 takes at most 16 KB of user-data; the program never truncates, it fails (see fitUserData).
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { BootstrapParameters, renderBootstrapEnv } from "./bootstrap-env";
import { CLOUDWATCH_AGENT_CONFIG_FILE, renderCloudWatchAgentConfig } from "./cloudwatch-agent";
import { DATABASE_BOOT_ENV_FILE, DatabaseBootParameters, renderDatabaseBootEnv } from "./database-boot-env";
import { DeploymentTomlInput, renderDeploymentToml } from "./deployment-toml";
import { renderSystemdUnit, UNIT_NAME } from "./systemd-unit";

export const USER_DATA_LIMIT_BYTES = 16 * 1024;
export const BOOTSTRAP_SCRIPT = fs.readFileSync(path.join(__dirname, "scripts", "bootstrap.sh"), "utf8");

export interface NodeFile {
    path: string;
    content: string;
    permissions: string;
}

export interface NodeUserDataInput {
    bootstrap: BootstrapParameters;
    /** The node log group the CloudWatch agent ships to. */
    logGroupName: string;
    deploymentToml: DeploymentTomlInput;
    /** Parameters of the database boot hook (which itself arrives from S3: it is too large). */
    database: DatabaseBootParameters;
}

/** The files a node receives, in the order cloud-init writes them. */
export function renderNodeFiles(input: NodeUserDataInput): NodeFile[] {
    return [
        { path: "/etc/wso2-apim/bootstrap.env", content: renderBootstrapEnv(input.bootstrap), permissions: "0644" },
        { path: DATABASE_BOOT_ENV_FILE, content: renderDatabaseBootEnv(input.database), permissions: "0644" },
        { path: "/etc/wso2-apim/deployment.toml", content: renderDeploymentToml(input.deploymentToml), permissions: "0644" },
        { path: `/etc/systemd/system/${UNIT_NAME}`, content: renderSystemdUnit(), permissions: "0644" },
        { path: CLOUDWATCH_AGENT_CONFIG_FILE, content: renderCloudWatchAgentConfig(input.logGroupName), permissions: "0644" },
        { path: "/usr/local/sbin/wso2-bootstrap", content: BOOTSTRAP_SCRIPT, permissions: "0755" },
    ];
}

export function renderUserData(input: NodeUserDataInput): string {
    const cloudConfig = {
        write_files: renderNodeFiles(input).map((file) => ({
            path: file.path,
            owner: "root:root",
            permissions: file.permissions,
            content: file.content,
        })),
        runcmd: [["/bin/bash", "-o", "pipefail", "-c", "/usr/local/sbin/wso2-bootstrap 2>&1 | tee -a /var/log/wso2-bootstrap.log"]],
    };
    const userData = `#cloud-config\n${YAML.stringify(cloudConfig, { lineWidth: 0 })}`;
    const size = Buffer.byteLength(userData, "utf8");
    if (size > USER_DATA_LIMIT_BYTES) {
        throw new Error(`user-data is ${size} bytes, over EC2's ${USER_DATA_LIMIT_BYTES}-byte limit; move content to S3`);
    }
    return userData;
}
