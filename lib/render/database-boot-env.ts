/**
 * The database boot hook (`scripts/database-boot.sh`) and its parameters, as a shell file it
 * sources. No secrets: only secret ids; the hook fetches the values with the instance role.
 */
import * as fs from "fs";
import * as path from "path";
import { APIM_HOME, WSO2_USER } from "../shared-paths";
import { shellQuote } from "./bootstrap-env";
import { RUNTIME_ENV_FILE } from "./systemd-unit";

/** Where the hook goes: bootstrap.sh runs /etc/wso2-apim/boot.d/*.sh before it starts WSO2. */
export const DATABASE_BOOT_HOOK_PATH = "/etc/wso2-apim/boot.d/50-database.sh";
/** Where the hook reads its parameters (overridable with DATABASE_ENV). */
export const DATABASE_BOOT_ENV_FILE = "/etc/wso2-apim/database.env";
export const DATABASE_BOOT_SCRIPT = fs.readFileSync(path.join(__dirname, "scripts", "database-boot.sh"), "utf8");

/**
 * Oracle Instant Client 19 (Basic with ojdbc8.jar, and SQL*Plus) from Oracle's download site: 19c
 * clients talk to databases 11.2 and later, so self-managed older hosts work too. Pinned so every
 * node runs the same client; set your own (s3:// copies for a VPC without internet) in config.
 */
export const DEFAULT_ORACLE_CLIENT_ZIPS = [
    "https://download.oracle.com/otn_software/linux/instantclient/1928000/instantclient-basic-linux.x64-19.28.0.0.0dbru.zip",
    "https://download.oracle.com/otn_software/linux/instantclient/1928000/instantclient-sqlplus-linux.x64-19.28.0.0.0dbru.zip",
];
export const ORACLE_CLIENT_HOME = "/opt/oracle/instantclient";

export interface DatabaseUser {
    /** Oracle user name (unquoted identifier). */
    user: string;
    /** Secrets Manager id or ARN; the secret is the password, plain or as JSON {"password": …}. */
    secretId: string;
}

export interface DatabaseBootParameters {
    region: string;
    /** A stable private DNS name of the region's database (not an address that changes on restore). */
    host: string;
    port?: number;
    serviceName: string;
    /** `rds`: the RDS GoldenGate prerequisites run through rdsadmin; `ec2`: they are the operator's. */
    platform: "rds" | "ec2";
    /** Master (DBA) credentials: JSON {"username", "password"}, as RDS-managed master secrets are. */
    masterSecretId: string;
    amDb: DatabaseUser;
    sharedDb: DatabaseUser;
    goldengate: DatabaseUser;
    /** s3://bucket/prefix/ holding the project's SQL scripts and this DC's parameters.sql. */
    sqlS3Prefix: string;
    /** Instant Client zips (https:// or s3://); default DEFAULT_ORACLE_CLIENT_ZIPS. */
    oracleClientZips?: string[];
    /** Node ordinal 1 of the region: the only node that changes the schemas. */
    schemaApplier: boolean;
    /** This DC's database is the trusted source: its nodes never wait for the replication flag. */
    trustedSource: boolean;
    /** SSM parameter the operator sets to "true" once replication to this DC is in place. */
    replicationReadyParameter: string;
    /** Seconds; 0 for the replication wait means no limit. */
    waits?: { databaseSeconds?: number; schemaSeconds?: number; replicationSeconds?: number; pollSeconds?: number };
}

const S3_OR_HTTPS = /^(s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/\S+|https:\/\/\S+)$/;
const S3_PREFIX = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/(\S+\/)?$/;
const ORACLE_NAME = /^[A-Za-z][A-Za-z0-9_$#]{0,29}$/;
const SSM_NAME = /^\/?[A-Za-z0-9_.\-/]{1,1011}$/;

function validate(p: DatabaseBootParameters): string[] {
    const problems: string[] = [];
    const port = p.port ?? 1521;
    if (!Number.isInteger(port) || port < 1 || port > 65535) problems.push(`port must be 1..65535, got ${port}`);
    if (!/^[A-Za-z0-9.-]+$/.test(p.host)) problems.push(`host must be a DNS name, got "${p.host}"`);
    if (!/^[A-Za-z0-9_.$#-]+$/.test(p.serviceName)) problems.push(`serviceName must be an Oracle service name, got "${p.serviceName}"`);
    for (const [name, user] of Object.entries({ amDb: p.amDb, sharedDb: p.sharedDb, goldengate: p.goldengate })) {
        if (!ORACLE_NAME.test(user.user)) problems.push(`${name}.user must be an unquoted Oracle name, got "${user.user}"`);
        if (!user.secretId) problems.push(`${name}.secretId is required`);
    }
    if (!p.masterSecretId) problems.push("masterSecretId is required");
    if (!S3_PREFIX.test(p.sqlS3Prefix)) problems.push(`sqlS3Prefix must be an s3:// prefix ending in /, got "${p.sqlS3Prefix}"`);
    for (const zip of p.oracleClientZips ?? DEFAULT_ORACLE_CLIENT_ZIPS) {
        if (!S3_OR_HTTPS.test(zip)) problems.push(`oracleClientZips entries must be s3:// or https:// locations, got "${zip}"`);
    }
    if (!SSM_NAME.test(p.replicationReadyParameter)) problems.push(`replicationReadyParameter must be an SSM parameter name, got "${p.replicationReadyParameter}"`);
    for (const [name, value] of Object.entries(p.waits ?? {})) {
        const min = name === "pollSeconds" ? 1 : 0;
        if (!Number.isInteger(value) || value < min) problems.push(`waits.${name} must be a whole number of seconds >= ${min}, got ${value}`);
    }
    return problems;
}

export function renderDatabaseBootEnv(p: DatabaseBootParameters): string {
    const problems = validate(p);
    if (problems.length > 0) throw new Error(`invalid database boot parameters:\n  - ${problems.join("\n  - ")}`);
    const waits = p.waits ?? {};
    const variables: [string, string | number][] = [
        ["AWS_REGION", p.region],
        ["APIM_HOME", APIM_HOME],
        ["WSO2_USER", WSO2_USER.name],
        ["RUNTIME_ENV_FILE", RUNTIME_ENV_FILE],
        ["DB_HOST", p.host],
        ["DB_PORT", p.port ?? 1521],
        ["DB_SERVICE", p.serviceName],
        ["DB_PLATFORM", p.platform],
        ["MASTER_SECRET_ID", p.masterSecretId],
        ["AM_DB_USER", p.amDb.user.toUpperCase()],
        ["AM_DB_SECRET_ID", p.amDb.secretId],
        ["SHARED_DB_USER", p.sharedDb.user.toUpperCase()],
        ["SHARED_DB_SECRET_ID", p.sharedDb.secretId],
        ["GOLDENGATE_USER", p.goldengate.user.toUpperCase()],
        ["GOLDENGATE_SECRET_ID", p.goldengate.secretId],
        ["SQL_S3_PREFIX", p.sqlS3Prefix],
        ["ORACLE_CLIENT_ZIPS", (p.oracleClientZips ?? DEFAULT_ORACLE_CLIENT_ZIPS).join(" ")],
        ["ORACLE_CLIENT_HOME", ORACLE_CLIENT_HOME],
        ["SCHEMA_APPLIER", String(p.schemaApplier)],
        ["TRUSTED_SOURCE", String(p.trustedSource)],
        ["REPLICATION_READY_PARAMETER", p.replicationReadyParameter],
        ["DB_WAIT_SECONDS", waits.databaseSeconds ?? 1800],
        ["SCHEMA_WAIT_SECONDS", waits.schemaSeconds ?? 3600],
        ["REPLICATION_WAIT_SECONDS", waits.replicationSeconds ?? 0],
        ["POLL_SECONDS", waits.pollSeconds ?? 15],
    ];
    return variables.map(([name, value]) => `${name}=${shellQuote(String(value))}`).join("\n") + "\n";
}
