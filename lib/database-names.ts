/** Names shared by the database, the SQL and the nodes' configuration. */

/** Oracle users: the two WSO2 schemas and the GoldenGate administrator. */
export const DATABASE_USERS = {
    amDb: "WSO2AM",
    sharedDb: "WSO2SHARED",
    goldengate: "OGGADMIN",
} as const;

/** The VPC's private zone, e.g. `dc1.wso2-apim.internal`. */
export function privateZoneName(dcId: string): string {
    return `${dcId.toLowerCase()}.wso2-apim.internal`;
}

/** The database's stable name: nodes use it, so they never wait for the database to exist. */
export function databaseHostname(dcId: string): string {
    return `oracle.${privateZoneName(dcId)}`;
}

/** A node's private name (Traffic Manager endpoints of its region's gateways). */
export function nodeHostname(dcId: string, ordinal: number): string {
    return `apim-${ordinal}.${privateZoneName(dcId)}`;
}

/**
 * Every node of a datacenter under one name (an A record holding each node's address): where a
 * Publisher reaches the datacenter's WSO2 admin services, on 9443 over the VPC peering, to deploy APIs.
 */
export function adminServicesHostname(dcId: string): string {
    return `apim.${privateZoneName(dcId)}`;
}

/** RDS instance identifier: fixed, so policies and the boot hook can name it before it exists. */
export function databaseIdentifier(dcId: string): string {
    return `wso2-apim-${dcId.toLowerCase()}`;
}

/** SSM parameter the operator (or the replication set-up) sets to "true" once this DC's database is in step. */
export function replicationReadyParameter(dcId: string): string {
    return `/wso2-apim/${dcId.toLowerCase()}/replication-ready`;
}
