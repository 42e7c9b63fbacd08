/**
 * What a region hands its nodes and hub, derived from config alone (pure, so tests and the plan
 * can read it without the cloud): the boot bucket's objects, the database step's parameters and
 * the deployment.toml input. Ids only the cloud knows come in as arguments.
 */
import { createHash } from "crypto";
import { KEYSTORE } from "./keystore";
import { renderKeystoreHook } from "./render/keystore-hook";
import { ARTIFACT_SYNC, renderArtifactSyncHook } from "./render/artifact-sync";
import { API_RECONCILER } from "./api-reconciler";
import { renderApiReconcilerHook } from "./render/api-reconciler";
import { gatewayEnvironmentName } from "./render/deployment-toml";
import { adminSecretName } from "../components/stack-secrets";
import { NODE_TOOLS_HOOK_KEY, renderNodeToolsHook } from "./render/node-tools-hook";
import * as path from "path";
import { DeploymentConfig, regionalHostnames } from "./config";
import { adminServicesHostname, DATABASE_USERS, databaseHostname, nodeHostname, replicationReadyParameter } from "./database-names";
import { DivergenceCheckParameters, divergenceCheckerSecretName, divergenceObjects } from "./goldengate/divergence";
import { renderGoldenGateFiles } from "./goldengate/parameter-files";
import { WSO2_TABLES } from "./goldengate/wso2-tables";
import { metricNamespace, DIVERGENT_TABLES_METRIC } from "./metrics";
import { DATABASE_BOOT_HOOK_PATH, DATABASE_BOOT_SCRIPT, DatabaseBootParameters, DEFAULT_ORACLE_CLIENT_ZIPS } from "./render/database-boot-env";
import { DeploymentTomlInput } from "./render/deployment-toml";
import { sqlArtifacts } from "./render/sql-parameters";
import { architectureOf } from "./instance-types";
import { PORTS } from "./wso2-ports";

/** Keys in the boot bucket. */
export const BOOT_KEYS = {
    databaseHook: `boot.d/${path.posix.basename(DATABASE_BOOT_HOOK_PATH)}`,
    sqlPrefix: "sql/",
    /** The GoldenGate hub's files, by their path under the GoldenGate home. */
    goldengatePrefix: "goldengate/",
    /** The divergence check's script, parameters and table list, fetched by every hub at every run. */
    divergencePrefix: "divergence/",
    /** Installs the deployment's keystore and truststore (lib/keystore.ts); after the database hook. */
    keystoreHook: KEYSTORE.hookKey,
    /** Installs the runtime-artifact sync (docs/artifacts.md); runs after the database hook. */
    artifactSyncHook: ARTIFACT_SYNC.hookKey,
    /** Installs the API reconciler across DCs (docs/artifacts.md § API reconciler). */
    apiReconcilerHook: API_RECONCILER.hookKey,
    /** Installs the scripts the node's units run (lib/render/node-tools-hook.ts); the boot runs it first. */
    nodeToolsHook: NODE_TOOLS_HOOK_KEY,
} as const;

/** Every object of the region's boot bucket: key → content. */
export function bootObjects(config: DeploymentConfig): Record<string, string> {
    const dc = config.self;
    const peers = config.datacenters.filter((other) => other.id !== dc.id);
    const sql = sqlArtifacts({
        dcId: dc.id,
        dcIndex: dc.index,
        dcCount: config.datacenters.length,
        amDbUser: DATABASE_USERS.amDb,
        sharedDbUser: DATABASE_USERS.sharedDb,
        goldengateUser: DATABASE_USERS.goldengate,
        archiveLogRetentionHours: config.database.archiveLogRetentionHours,
        exceptionsRetentionDays: config.database.exceptionsRetentionDays,
        sequenceFloor: config.database.sequenceFloor,
        keyColumnTables: config.replication.keyColumns.map(({ owner, table }) => ({ owner, table })),
    });
    const goldengate = renderGoldenGateFiles({
        self: { id: dc.id, index: dc.index, hubIp: dc.goldengateHubIp },
        peers: peers.map((peer) => ({ id: peer.id, index: peer.index, hubIp: peer.goldengateHubIp })),
        // On a conflict the trusted source's row wins, then the lower index's.
        priority: [config.trustedSource, ...config.datacenters.filter((d) => d.id !== config.trustedSource.id)].map((d) => d.id),
        keyColumns: config.replication.keyColumns,
    });
    return {
        [BOOT_KEYS.nodeToolsHook]: renderNodeToolsHook(),
        [BOOT_KEYS.databaseHook]: DATABASE_BOOT_SCRIPT,
        [BOOT_KEYS.keystoreHook]: renderKeystoreHook({
            region: dc.region,
            deployment: config.deploymentName,
            project: config.project,
            trustedSource: dc.id === config.trustedSource.id,
            commonName: config.hostnames.portal,
        }),
        [BOOT_KEYS.artifactSyncHook]: renderArtifactSyncHook({ region: dc.region, datacenter: dc.id, deployment: config.deploymentName, project: config.project }),
        [BOOT_KEYS.apiReconcilerHook]: renderApiReconcilerHook({
            region: dc.region,
            datacenter: dc.id,
            deployment: config.deploymentName,
            project: config.project,
            adminSecretId: adminSecretName(config.deploymentName, config.project),
            datacenters: config.datacenters.map((other) => ({
                id: other.id,
                region: other.region,
                environment: gatewayEnvironmentName(other.id, other.region),
                servicesUrl: adminServicesUrl(config.deploymentName, other.id),
            })),
        }),
        ...Object.fromEntries(sql.map(({ name, content }) => [`${BOOT_KEYS.sqlPrefix}${name}`, content])),
        ...Object.fromEntries(goldengate.map((file) => [`${BOOT_KEYS.goldengatePrefix}${file.path}`, file.content])),
        // Every stack's hub fetches them; only the trusted source's compares (docs/replication.md § Divergence).
        ...Object.fromEntries(Object.entries(divergenceObjects(divergenceCheckParameters(config), WSO2_TABLES))
            .map(([name, content]) => [`${BOOT_KEYS.divergencePrefix}${name}`, content])),
    };
}

/**
 * A digest of the GoldenGate hub's objects in the boot bucket (`goldengate/…`). The hub copies
 * them at every start; carrying the digest in its user-data makes a change of them stop and start
 * the hub (the AWS provider's userData update) behind its health gate, instead of waiting for a
 * restart nobody schedules.
 */
export function hubFilesDigest(objects: Record<string, string>): string {
    const hash = createHash("sha256");
    for (const key of Object.keys(objects).filter((k) => k.startsWith(BOOT_KEYS.goldengatePrefix)).sort()) {
        hash.update(`${key}\0${objects[key]}\0`);
    }
    return hash.digest("hex").slice(0, 16);
}

/**
 * The divergence check's parameters for this stack's hub: every DC's database by its private name
 * (the peerings associate each DC's private zone with every peer VPC), checker secret and
 * replication-ready flag, all derived from the shared config.
 */
export function divergenceCheckParameters(config: DeploymentConfig): DivergenceCheckParameters {
    return {
        region: config.self.region,
        datacenterId: config.self.id,
        trustedSourceId: config.trustedSource.id,
        datacenters: config.datacenters.map((dc) => ({
            id: dc.id,
            region: dc.region,
            connect: `${databaseHostname(config.deploymentName, dc.id)}:${PORTS.oracle}/${config.database.serviceName}`,
            checkerSecret: divergenceCheckerSecretName(config.deploymentName, dc.id),
            readyParameter: replicationReadyParameter(config.deploymentName, dc.id),
        })),
        namespace: metricNamespace(config.deploymentName, DIVERGENT_TABLES_METRIC.area),
        clientZips: hubClientZips(config),
    };
}

/**
 * The Instant Client zips for the hub: oracleClientZips when the hub has the nodes' architecture
 * (they are given for the nodes), else the pinned defaults for the hub's own.
 */
export function hubClientZips(config: DeploymentConfig): { url: string; sha256: string }[] {
    const hub = architectureOf(config.replication.hub?.instanceType ?? config.nodes.instanceType);
    const nodes = architectureOf(config.nodes.instanceType);
    return config.database.oracleClientZips.length && hub === nodes ? config.database.oracleClientZips : DEFAULT_ORACLE_CLIENT_ZIPS[hub];
}

/** Ids of the database step that only exist once their resources do. */
export interface DatabaseStepIds {
    bootBucket: string;
    /** `rds-db:<identifier>` or the ec2 host's secret ARN. */
    masterSecretId: string;
    amDbSecretId: string;
    sharedDbSecretId: string;
    goldengateSecretId: string;
    /** The divergence checker's secret, by its fixed name (divergenceCheckerSecretName). */
    checkerSecretId: string;
    replicationReadyParameter: string;
}

/** The database step's parameters for the region's nodes (node 1 adds that it applies schemas). */
export function databaseStepParameters(config: DeploymentConfig, ids: DatabaseStepIds): Omit<DatabaseBootParameters, "schemaApplier"> {
    const { database } = config;
    return {
        region: config.self.region,
        host: databaseHostname(config.deploymentName, config.self.id),
        port: PORTS.oracle,
        serviceName: database.serviceName,
        platform: database.kind,
        masterSecretId: ids.masterSecretId,
        amDb: { user: DATABASE_USERS.amDb, secretId: ids.amDbSecretId },
        sharedDb: { user: DATABASE_USERS.sharedDb, secretId: ids.sharedDbSecretId },
        goldengate: { user: DATABASE_USERS.goldengate, secretId: ids.goldengateSecretId },
        checker: { user: DATABASE_USERS.checker, secretId: ids.checkerSecretId },
        sqlS3Prefix: `s3://${ids.bootBucket}/${BOOT_KEYS.sqlPrefix}`,
        architecture: architectureOf(config.nodes.instanceType),
        oracleClientZips: database.oracleClientZips.length ? database.oracleClientZips : undefined,
        trustedSource: config.self.id === config.trustedSource.id,
        replicationReadyParameter: ids.replicationReadyParameter,
    };
}

/** A datacenter's gateway admin services over the peering: its environment's `service_url`. */
export function adminServicesUrl(deployment: string, dcId: string): string {
    return `https://${adminServicesHostname(deployment, dcId)}:${PORTS.management}/services/`;
}

/**
 * deployment.toml's input for every node of the region: the region's own Traffic Managers (its
 * nodes) come from components/apim-nodes.ts; every other DC's are its `nodeCount` nodes, named as
 * that DC's stack names them (nodeHostname), since nodeCount is one value every stack shares.
 */
export function deploymentTomlInput(config: DeploymentConfig): Omit<DeploymentTomlInput, "trafficManagers"> {
    return {
        peerTrafficManagers: config.datacenters.filter((other) => other.id !== config.self.id).map((peer) => ({
            datacenter: peer.id,
            hosts: Array.from({ length: config.nodes.count }, (_, i) => nodeHostname(config.deploymentName, peer.id, i + 1)),
        })),
        hostname: config.hostnames.portal,
        globalGatewayHost: config.hostnames.gateway,
        datacenter: config.self.id,
        gatewayTokenCacheSeconds: config.nodes.gatewayTokenCacheSeconds,
        database: {
            host: databaseHostname(config.deploymentName, config.self.id),
            port: PORTS.oracle,
            serviceName: config.database.serviceName,
            amDbUser: DATABASE_USERS.amDb,
            sharedDbUser: DATABASE_USERS.sharedDb,
        },
        gatewayEnvironments: config.datacenters.map((other) => {
            const names = regionalHostnames(config.dns.zoneName, other.region);
            return { datacenter: other.id, region: other.region, gatewayHost: names.gateway, adminServicesHost: adminServicesHostname(config.deploymentName, other.id) };
        }),
    };
}
