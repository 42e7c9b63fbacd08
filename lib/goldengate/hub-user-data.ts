/**
 * The GoldenGate hub's EC2 user-data: a cloud-config that writes the boot script, its
 * parameters (ids and names only, no secret) and a systemd unit that runs the script at every
 * start, so that a reboot or a `pulumi up` that changed the files is one restart away.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { shellQuote } from "../render/bootstrap-env";
import { USER_DATA_LIMIT_BYTES } from "../render/user-data";
import { GOLDENGATE } from "./names";

export const HUB_BOOT_SCRIPT = fs.readFileSync(path.join(__dirname, "scripts", "hub-boot.sh"), "utf8");
export const HUB_ENV_FILE = "/etc/goldengate/hub.env";
const UNIT = "goldengate-hub.service";

export interface HubBootParameters {
    region: string;
    /** s3://bucket/goldengate/: copied into the GoldenGate home. */
    filesS3Prefix: string;
    /** The GoldenGate for Oracle installer zip; null when the AMI carries GoldenGate. */
    installerS3Uri: string | null;
    /** Secrets Manager id of the GoldenGate administrator's password. */
    secretId: string;
    /** The database user and its EZConnect address (`host:port/service`). */
    databaseUser: string;
    databaseConnect: string;
    credentialAlias: string;
}

export function renderHubEnv(params: HubBootParameters): string {
    const variables: [string, string][] = [
        ["AWS_REGION", params.region],
        ["OGG_HOME", GOLDENGATE.home],
        ["OGG_USER", "ogg"],
        ["INVENTORY_DIR", "/u01/app/oraInventory"],
        ["FILES_S3_PREFIX", params.filesS3Prefix],
        ["INSTALLER_S3_URI", params.installerS3Uri ?? ""],
        ["SECRET_ID", params.secretId],
        ["DB_USER", params.databaseUser],
        ["DB_CONNECT", params.databaseConnect],
        ["CREDENTIAL_ALIAS", params.credentialAlias],
        ["CREDENTIAL_DOMAIN", GOLDENGATE.credentialDomain],
    ];
    return variables.map(([name, value]) => `${name}=${shellQuote(value)}`).join("\n") + "\n";
}

function renderUnit(): string {
    return [
        "[Unit]",
        "Description=GoldenGate hub: parameter files, credential store and Manager",
        "Wants=network-online.target",
        "After=network-online.target",
        "",
        "[Service]",
        "Type=oneshot",
        "RemainAfterExit=yes",
        "ExecStart=/usr/local/sbin/goldengate-hub-boot",
        "",
        "[Install]",
        "WantedBy=multi-user.target",
        "",
    ].join("\n");
}

export function renderHubUserData(params: HubBootParameters): string {
    const cloudConfig = {
        write_files: [
            { path: HUB_ENV_FILE, owner: "root:root", permissions: "0644", content: renderHubEnv(params) },
            { path: "/usr/local/sbin/goldengate-hub-boot", owner: "root:root", permissions: "0755", content: HUB_BOOT_SCRIPT },
            { path: `/etc/systemd/system/${UNIT}`, owner: "root:root", permissions: "0644", content: renderUnit() },
        ],
        runcmd: [["systemctl", "daemon-reload"], ["systemctl", "enable", "--now", UNIT]],
    };
    const userData = `#cloud-config\n${YAML.stringify(cloudConfig, { lineWidth: 0 })}`;
    const size = Buffer.byteLength(userData, "utf8");
    if (size > USER_DATA_LIMIT_BYTES) throw new Error(`hub user-data is ${size} bytes, over EC2's ${USER_DATA_LIMIT_BYTES}-byte limit`);
    return userData;
}
