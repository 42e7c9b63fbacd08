/** Names shared by the database, the SQL and the nodes' configuration. */

/**
 * Oracle users: the two WSO2 schemas, the GoldenGate administrator, and the divergence check's
 * read-only user (CREATE SESSION and SELECT on the two schemas' tables only).
 */
export const DATABASE_USERS = {
    amDb: "WSO2AM",
    sharedDb: "WSO2SHARED",
    goldengate: "OGGADMIN",
    checker: "WSO2CHECK",
} as const;

/**
 * The VPC's private zone, e.g. `dc1.wso2-apim.internal`: with the deployment name, so that two
 * deployments sharing a VPC do not ask Route 53 for two zones of one name in it
 * (AssociateVPCWithHostedZone: ConflictingDomainExists).
 */
export function privateZoneName(deployment: string, dcId: string): string {
    return `${dcId.toLowerCase()}.${deployment}.internal`;
}

/** The database's stable name: nodes use it, so they never wait for the database to exist. */
export function databaseHostname(deployment: string, dcId: string): string {
    return `oracle.${privateZoneName(deployment, dcId)}`;
}

/** A node's private name (Traffic Manager endpoints of its region's gateways). */
export function nodeHostname(deployment: string, dcId: string, ordinal: number): string {
    return `apim-${ordinal}.${privateZoneName(deployment, dcId)}`;
}

/**
 * Every node of a datacenter under one name (an A record holding each node's address): where a
 * Publisher reaches the datacenter's WSO2 admin services, on 9443 over the VPC peering, to deploy APIs.
 */
export function adminServicesHostname(deployment: string, dcId: string): string {
    return `apim.${privateZoneName(deployment, dcId)}`;
}

/** RDS instance identifier: fixed, so policies and the boot hook can name it before it exists. */
export function databaseIdentifier(deployment: string, dcId: string): string {
    return `${deployment}-${dcId.toLowerCase()}`;
}

/** SSM parameter the operator (or the replication set-up) sets to "true" once this DC's database is in step. */
export function replicationReadyParameter(deployment: string, dcId: string): string {
    return `/${deployment}/${dcId.toLowerCase()}/replication-ready`;
}
