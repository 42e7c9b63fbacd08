/** The parameters of `scripts/bootstrap.sh`, as a shell file it sources. No secrets: only ids. */
import { APIM_HOME, SHARED_PATHS, SHARED_ROOT, SharedPathKey, WSO2_USER } from "../shared-paths";
import { CLOUDWATCH_AGENT_CONFIG_FILE } from "./cloudwatch-agent";
import { HEALTH_SIGNAL } from "../health-gate";
import { SYSCTL_FILE } from "./sysctl";
import { RUNTIME_ENV_FILE } from "./systemd-unit";

/** Amazon Linux 2023's Corretto 11 package; the boot asks rpm where it put the JDK (JAVA_HOME). */
export const CORRETTO_PACKAGE = "java-11-amazon-corretto-headless";

/**
 * The JVM heap, sized at boot from the instance's MemTotal (wso2server.sh 3.1.0 uses JVM_MEM_OPTS
 * when set, else -Xms256m -Xmx1024m whatever the instance). Half the memory: the other half holds
 * metaspace, thread stacks, the NIO transports' direct buffers, the page cache of the Solr index,
 * the CloudWatch agent and the EFS TLS tunnel. The floor is wso2server.sh's own -Xmx; the ceiling
 * keeps the heap under the ~32 GiB up to which HotSpot uses compressed object pointers.
 */
export const JVM_HEAP = { percentOfMemory: 50, floorMiB: 1024, ceilingMiB: 30720 } as const;

export interface BootstrapParameters {
    region: string;
    wso2PackS3Uri: string;
    /** SHA-256 of the pack zip; null: not verified. */
    wso2PackSha256: string | null;
    efsFileSystemId: string;
    accessPointIds: Record<SharedPathKey, string>;
    /** Secrets Manager id of the WSO2 admin password. */
    adminSecretId: string;
    /** s3:// locations of boot hooks, run in this order before WSO2 starts. */
    bootHookUris: string[];
}

/** Single-quotes a value for bash; the only character needing care inside '' is ' itself. */
export function shellQuote(value: string): string {
    return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function renderBootstrapEnv(params: BootstrapParameters): string {
    const variables: [string, string | number][] = [
        ["AWS_REGION", params.region],
        ["APIM_HOME", APIM_HOME],
        ["WSO2_PACK_S3_URI", params.wso2PackS3Uri],
        ["WSO2_PACK_SHA256", params.wso2PackSha256 ?? ""],
        ["WSO2_USER", WSO2_USER.name],
        ["WSO2_UID", WSO2_USER.uid],
        ["WSO2_GID", WSO2_USER.gid],
        ["EFS_FILE_SYSTEM_ID", params.efsFileSystemId],
        // <path in the WSO2 home>=<access point>; mounted at SHARED_ROOT/<last part of the path>.
        ["SHARED_MOUNTS", SHARED_PATHS.map(({ key, path }) => `${path.slice(APIM_HOME.length + 1)}=${params.accessPointIds[key]}`).join(" ")],
        ["SHARED_ROOT", SHARED_ROOT],
        ["SEED_DIR", "/opt/wso2-seed"],
        ["SEED_WAIT_SECONDS", 600],
        ["ADMIN_SECRET_ID", params.adminSecretId],
        ["RUNTIME_ENV_FILE", RUNTIME_ENV_FILE],
        ["BOOT_HOOK_URIS", params.bootHookUris.join(" ")],
        ["CLOUDWATCH_AGENT_CONFIG", CLOUDWATCH_AGENT_CONFIG_FILE],
        ["SYSCTL_FILE", SYSCTL_FILE],
        ["HEALTH_SIGNAL_TIMER", `${HEALTH_SIGNAL.unit}.timer`],
        ["CORRETTO_PACKAGE", CORRETTO_PACKAGE],
        ["HEAP_PERCENT", JVM_HEAP.percentOfMemory],
        ["HEAP_FLOOR_MIB", JVM_HEAP.floorMiB],
        ["HEAP_CEILING_MIB", JVM_HEAP.ceilingMiB],
    ];
    return variables.map(([name, value]) => `${name}=${shellQuote(String(value))}`).join("\n") + "\n";
}
