/**
 * The database boot hook (`scripts/database-boot.sh`) and its parameters, as a shell file it
 * sources. No secrets: only secret ids; the hook fetches the values with the instance role.
 */
import * as fs from "fs";
import * as path from "path";
import { APIM_HOME, WSO2_USER } from "../shared-paths";
import { shellQuote } from "./bootstrap-env";
import type { ClientZip } from "../config";
import { RUNTIME_ENV_FILE } from "./systemd-unit";

/** Where the hook goes: bootstrap.sh runs /etc/wso2-apim/boot.d/*.sh before it starts WSO2. */
export const DATABASE_BOOT_HOOK_PATH = "/etc/wso2-apim/boot.d/50-database.sh";
/** Where the hook reads its parameters (overridable with DATABASE_ENV). */
export const DATABASE_BOOT_ENV_FILE = "/etc/wso2-apim/database.env";
export const DATABASE_BOOT_SCRIPT = fs.readFileSync(path.join(__dirname, "scripts", "database-boot.sh"), "utf8");

/**
 * Oracle Instant Client 19c (Basic with ojdbc8.jar, and SQL*Plus) from Oracle's download site, per
 * CPU architecture of the nodes (lib/instance-types.ts architectureOf): 19c clients talk to
 * databases 11.2 and later, so self-managed older hosts work too. 19.10 is the first 19c release
 * update Oracle builds for Linux ARM (aarch64) (Oracle Database Client Installation Guide 19c for
 * Linux, "Installing Oracle Instant Client": "Starting with Oracle Database 19c Release Update
 * (19.10), Oracle Instant Client is available on Linux x86-64 and Linux for Arm (aarch64)"), so
 * both architectures run the same release. The SHA-256s are the ones spack's oracle-instant-client
 * package pins for these URLs (spack/spack var/spack/repos/builtin/packages/oracle-instant-client/
 * package.py, release 19.10.0.0.0, Linux-x86_64 and Linux-aarch64). Pinned so every node runs
 * the same verified client; set your own (s3:// copies for a VPC without internet, a newer
 * release update) in config `oracleClientZips` with their SHA-256s.
 */
export const DEFAULT_ORACLE_CLIENT_ZIPS: Record<"x86_64" | "arm64", ClientZip[]> = {
    x86_64: [
        {
            url: "https://download.oracle.com/otn_software/linux/instantclient/191000/instantclient-basic-linux.x64-19.10.0.0.0dbru.zip",
            sha256: "c2eeea093d70f5416f8a8560f9fa5b57707a76ac9775906dbc4aaa778fdee84f",
        },
        {
            url: "https://download.oracle.com/otn_software/linux/instantclient/191000/instantclient-sqlplus-linux.x64-19.10.0.0.0dbru.zip",
            sha256: "eee44825f348966796166beb8c0d8cc8f61929bae05229b65b34794e0f05659a",
        },
    ],
    arm64: [
        {
            url: "https://download.oracle.com/otn_software/linux/instantclient/191000/instantclient-basic-linux.arm64-19.10.0.0.0dbru.zip",
            sha256: "0cd9ed1f6d01026a3990ecfbb84816d8d5da35fc1dbc9f25f28327a79d013ac6",
        },
        {
            url: "https://download.oracle.com/otn_software/linux/instantclient/191000/instantclient-sqlplus-linux.arm64-19.10.0.0.0dbru.zip",
            sha256: "8877328a31e102f8ec02a37d47e471a36478ee4f78d15bcf6d271cd8c5989f44",
        },
    ],
};
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
    /** The divergence check's read-only user (docs/replication.md § Divergence). */
    checker: DatabaseUser;
    /** s3://bucket/prefix/ holding the project's SQL scripts and this DC's parameters.sql. */
    sqlS3Prefix: string;
    /** The nodes' CPU architecture: picks the default Instant Client zips. */
    architecture: "x86_64" | "arm64";
    /** Instant Client zips (https:// or s3://) with their SHA-256; default DEFAULT_ORACLE_CLIENT_ZIPS of the architecture. */
    oracleClientZips?: ClientZip[];
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

function clientZips(p: DatabaseBootParameters): ClientZip[] {
    return p.oracleClientZips ?? DEFAULT_ORACLE_CLIENT_ZIPS[p.architecture];
}

function validate(p: DatabaseBootParameters): string[] {
    const problems: string[] = [];
    const port = p.port ?? 1521;
    if (!Number.isInteger(port) || port < 1 || port > 65535) problems.push(`port must be 1..65535, got ${port}`);
    if (!/^[A-Za-z0-9.-]+$/.test(p.host)) problems.push(`host must be a DNS name, got "${p.host}"`);
    if (!/^[A-Za-z0-9_.$#-]+$/.test(p.serviceName)) problems.push(`serviceName must be an Oracle service name, got "${p.serviceName}"`);
    for (const [name, user] of Object.entries({ amDb: p.amDb, sharedDb: p.sharedDb, goldengate: p.goldengate, checker: p.checker })) {
        if (!ORACLE_NAME.test(user.user)) problems.push(`${name}.user must be an unquoted Oracle name, got "${user.user}"`);
        if (!user.secretId) problems.push(`${name}.secretId is required`);
    }
    if (!p.masterSecretId) problems.push("masterSecretId is required");
    if (!S3_PREFIX.test(p.sqlS3Prefix)) problems.push(`sqlS3Prefix must be an s3:// prefix ending in /, got "${p.sqlS3Prefix}"`);
    for (const zip of clientZips(p)) {
        if (!S3_OR_HTTPS.test(zip.url)) problems.push(`oracleClientZips entries must be s3:// or https:// locations, got "${zip.url}"`);
        if (!/^[0-9a-f]{64}$/.test(zip.sha256)) problems.push(`oracleClientZips entries need a SHA-256 (64 lower-case hex digits), got "${zip.sha256}" for ${zip.url}`);
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
        ["CHECKER_USER", p.checker.user.toUpperCase()],
        ["CHECKER_SECRET_ID", p.checker.secretId],
        ["SQL_S3_PREFIX", p.sqlS3Prefix],
        // <sha256>:<url> per zip: a SHA-256 has no colon, so the first one splits them.
        ["ORACLE_CLIENT_ZIPS", clientZips(p).map((zip) => `${zip.sha256}:${zip.url}`).join(" ")],
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
