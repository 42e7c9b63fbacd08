/**
 * The WSO2 directories a region's nodes share through EFS (README.md § What it deploys): 3.1.0 has no artifact
 * synchroniser, so APIs deployed by the Publisher reach every gateway of the region through these;
 * the truststore is shared so the certificates WSO2 adds at run time reach every node. No secret is
 * kept in them (docs/artifacts.md, Keystores). Everything else (local H2, Solr index, the Traffic
 * Manager's broker store) stays per node.
 */
export const APIM_HOME = "/opt/wso2am-3.1.0";
/**
 * Where the shared directories are mounted: outside every pack version (APIM_HOME is a symlink to
 * the current one, `/opt/wso2am-3.1.0-<digest>`), so a new version links to the same mounts and
 * systemd's RequiresMountsFor names real mount points (it does not follow symlinks). Each mount is
 * `<SHARED_ROOT>/<last part of the path>`; the path in the WSO2 home is a symlink to it.
 */
export const SHARED_ROOT = "/mnt/wso2-shared";

export const SHARED_PATHS = [
    { key: "synapse-configs", path: `${APIM_HOME}/repository/deployment/server/synapse-configs` },
    { key: "executionplans", path: `${APIM_HOME}/repository/deployment/server/executionplans` },
    { key: "tenants", path: `${APIM_HOME}/repository/tenants` },
    // The DC's truststore (lib/keystore.ts): certificates WSO2 adds at run time reach every node of the DC.
    { key: "security", path: `${APIM_HOME}/repository/resources/security/dc-shared` },
] as const;

export type SharedPathKey = (typeof SHARED_PATHS)[number]["key"];

/** The EFS mount point of a shared path (see SHARED_ROOT). */
export function sharedMountPoint(path: string): string {
    return `${SHARED_ROOT}/${path.slice(path.lastIndexOf("/") + 1)}`;
}

/** The unprivileged account WSO2 runs as; EFS access points create directories owned by it. */
export const WSO2_USER = { name: "wso2", uid: 802, gid: 802 } as const;
