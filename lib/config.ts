/**
 * Configuration: read once, validated completely, before any resource is declared.
 *
 * Every key lives under the project namespace (`wso2-apim-multi-dc:<key>`) except `aws:region`.
 * The datacenter set and the defaults are project-level config in Pulumi.yaml; a stack file only
 * says which datacenter it is, its region and any region-pinned value (a node AMI, an existing VPC).
 */
import * as pulumi from "@pulumi/pulumi";
import { formatGeoLocation, GeoLocation, parseGeoLocation } from "./geo";
import { KeyColumns, parseKeyColumns } from "./goldengate/key-columns";
import { MAX_DATACENTERS } from "./goldengate/names";
import { architectureOf, instanceTypeProblem } from "./instance-types";
import { nearestName } from "./nearest-name";
import { checkStackFile, PER_STACK_KEYS } from "./stack-config";

export const PROJECT = "wso2-apim-multi-dc";

export const DEFAULT_DEPLOYMENT_NAME = "wso2-apim";
/**
 * The tightest rules of the names it begins: an RDS identifier (letters, digits, hyphens, a letter
 * first, no `--`, no hyphen last) and an S3 bucket name (lower case, at most 63: `<name>-dcN-<12-digit
 * account>-<region>` leaves 24 for the name with a 14-character region and a two-digit DC).
 */
const DEPLOYMENT_NAME = /^[a-z](?:[a-z0-9]|-(?=[a-z0-9])){1,23}$/;
/** The most Traffic Managers (datacenters × nodeCount) a node's user-data can name (see nodeCount). */
export const MAX_TRAFFIC_MANAGERS = 40;

/** Every key of the project namespace the program reads; Pulumi.yaml declares the same set. */
export const CONFIG_KEYS = [
    "deploymentName", "datacenters", "trustedSource", "designTimeActive", "datacenter",
    "nodeCount", "nodeInstanceType", "nodeRootVolumeGiB", "nodeAmiId", "wso2PackS3Uri", "wso2PackSha256", "gatewayTokenCacheSeconds",
    "hostedZoneName", "hostedZoneId", "certificateArn",
    "vpcId", "publicSubnetIds", "privateSubnetIds",
    "databaseKind", "databaseEngine", "databaseInstanceClass", "databaseMultiAz", "databaseStorageGiB", "databaseServiceName",
    "databaseAmiId", "databaseInstanceType",
    "backupRetentionDays", "trustedSourceBackupRetentionDays", "archiveLogRetentionHours", "goldengateExceptionsRetentionDays", "sequenceFloor", "oracleClientZips",
    "stackReferencePrefix", "goldengateLicense", "goldengateAmiId", "goldengateInstallerS3Uri", "goldengateInstallerSha256", "goldengateInstanceType",
    "goldengateVolumeGiB", "goldengateKeyColumns", "trustedSourceBackupCopy",
    "alarmEmails",
] as const;

/**
 * Config namespaces something of this program reads: its own, the providers it uses (aws, random),
 * and Pulumi's (`pulumi:` settings such as `pulumi:tags`).
 */
const KNOWN_NAMESPACES = [PROJECT, "aws", "random", "pulumi"] as const;

/** What to say about a key the program does not read: the nearest declared key when one is close. */
export function unknownKeyMessage(key: string): string {
    const nearest = nearestName(key, CONFIG_KEYS);
    return `is not a setting of this project${nearest ? `: did you mean ${nearest}?` : ""} (settings are declared in Pulumi.yaml)`;
}

export interface Datacenter {
    /** `DC1`..`DCn`; also the value of the `DCID` column default in this DC's database. */
    id: string;
    /** 1..n; DC k of n uses sequences k, k+n, k+2n… */
    index: number;
    region: string;
    /** The VPC CIDR; CIDRs of all datacenters are disjoint because the VPCs are peered. */
    cidr: string;
    /** Where clients are sent to this DC's gateways (Route 53 geolocation). */
    gatewayLocations: GeoLocation[];
    /** The Pulumi stack that deploys it (peers read its outputs): `stack`, or the region less its number. */
    stack: string;
    /** Fixed private address of its GoldenGate hub: peers send trails there and reach its database from there. */
    goldengateHubIp: string;
}

export interface ExistingNetwork {
    vpcId: string;
    publicSubnetIds: string[];
    privateSubnetIds: string[];
}

export interface Hostnames {
    /** Global gateway name (geolocation routed). */
    gateway: string;
    /** Global Publisher/Developer Portal name (latency routed to the design-time active DC). */
    portal: string;
    /** This region's own names, for operators and health checks. */
    regionalGateway: string;
    regionalPortal: string;
}

export interface DeploymentConfig {
    project: string;
    stack: string;
    /**
     * Begins every name AWS holds once per account and region (RDS identifiers, CloudFormation
     * gate stacks, SSM parameters, secrets, the boot buckets, alarms, the dashboard): two
     * deployments (staging beside production) can then share an account and region.
     */
    deploymentName: string;
    /** All datacenters, ordered by index. */
    datacenters: Datacenter[];
    /** The datacenter this stack deploys. */
    self: Datacenter;
    trustedSource: Datacenter;
    designTimeActive: Datacenter;
    nodes: {
        count: number;
        instanceType: string;
        /** Pinned image; null: the current Amazon Linux 2023 image, resolved at deploy time (components/node-image.ts). */
        amiId: string | null;
        rootVolumeGiB: number;
        /** The gateways' token cache expiry (docs/artifacts.md, Token revocation). */
        gatewayTokenCacheSeconds: number;
    };
    /** s3://bucket/key of the WSO2 API Manager 3.1.0 pack (zip). */
    wso2PackS3Uri: string;
    /**
     * SHA-256 of that zip, lower-case hex; null: not verified. With the URI it keys the node's
     * versioned install (docs/nodes.md § What a change does): a new value installs at the next start.
     */
    wso2PackSha256: string | null;
    /** Null when the program creates the VPC. */
    existingNetwork: ExistingNetwork | null;
    dns: {
        zoneName: string;
        /** Null: looked up by name. */
        zoneId: string | null;
    };
    hostnames: Hostnames;
    /** Null: an ACM certificate is requested and validated through the hosted zone. */
    certificateArn: string | null;
    database: DatabaseConfig;
    replication: ReplicationConfig;
    /** Email addresses the alarm topics notify (components/monitoring.ts). */
    alarmEmails: string[];
}

export interface ReplicationConfig {
    /** `<org>/<project>`: a peer's stack is `<prefix>/<peer's stack>`. */
    stackReferencePrefix: string;
    /** This stack's GoldenGate host; null: no host (the files are rendered all the same). */
    hub: { amiId: string; installerS3Uri: string | null; installerSha256: string | null; instanceType: string; volumeGiB: number } | null;
    /** Tables without a primary or unique key and the columns GoldenGate identifies rows by. */
    keyColumns: KeyColumns[];
    /**
     * When this stack keeps the cross-region copy of the trusted source's automated backups (the
     * first other datacenter does): what to copy and for how long. Null otherwise.
     */
    trustedBackupCopy: { sourceRegion: string; sourceDcId: string; retentionDays: number } | null;
}

export interface DatabaseConfig {
    /** `rds`: RDS for Oracle 19c; `ec2`: an Oracle host from the user's AMI. */
    kind: "rds" | "ec2";
    /** RDS engine: SE2 licence included, or EE bring-your-own-licence. */
    engine: "oracle-se2" | "oracle-ee";
    instanceClass: string;
    multiAz: boolean;
    storageGiB: number;
    /** This DC's backup retention: the trusted source keeps the longest. */
    backupRetentionDays: number;
    /** Oracle service name (RDS: the DB name, 1-8 letters and digits). */
    serviceName: string;
    /** ec2 kind only. */
    ec2: { amiId: string; instanceType: string } | null;
    archiveLogRetentionHours: number;
    /** Days the GoldenGate exceptions tables keep a row before the daily purge job deletes it (sql/05-goldengate-exceptions.sql). */
    exceptionsRetentionDays: number;
    /** Re-striped sequences start above this value (see docs/database.md). */
    sequenceFloor: number;
    /** Oracle Instant Client zips (https:// or s3://) with their SHA-256; empty for the pinned default of the nodes' architecture. */
    oracleClientZips: ClientZip[];
}

/** A download the nodes verify before they install it. */
export interface ClientZip {
    url: string;
    /** Lower-case hex SHA-256 of the file. */
    sha256: string;
}

/** What Pulumi's Config offers; a plain map in tests. Values arrive as strings, objects as JSON. */
export interface ConfigSource {
    get(key: string): string | undefined;
}

export interface ConfigProblem {
    /** Full key as the CLI names it, e.g. `wso2-apim-multi-dc:nodeCount`. */
    key: string;
    message: string;
    /** The file the key is set in: Pulumi.yaml for a key every stack shares, else the stack's file. */
    file?: string;
}

/** Thrown when config is invalid: lists every problem, each naming its key and what is allowed. */
export class ConfigError extends pulumi.RunError {
    constructor(readonly problems: ConfigProblem[]) {
        super(
            `Invalid configuration (nothing was deployed):\n` +
                problems.map((p) => `  - ${p.key}: ${p.message}${p.file ? ` [${p.file}]` : ""}`).join("\n"),
        );
        this.name = "ConfigError";
    }
}

const DC_ID = /^DC[1-9][0-9]*$/;
const AWS_REGION = /^[a-z]{2}(-gov)?-[a-z]+-[1-9]$/;
const AMI_ID = /^ami-([0-9a-f]{8}|[0-9a-f]{17})$/;
const VPC_ID = /^vpc-([0-9a-f]{8}|[0-9a-f]{17})$/;
const SUBNET_ID = /^subnet-([0-9a-f]{8}|[0-9a-f]{17})$/;
const S3_URI = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(\S+)$/;
const ZONE_ID = /^Z[A-Z0-9]{1,31}$/;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const ACM_ARN = /^arn:aws(-[a-z]+)*:acm:([a-z0-9-]+):[0-9]{12}:certificate\/[0-9a-f-]{36}$/;
const STACK_NAME = /^[A-Za-z0-9_.-]{1,100}$/;
const STACK_PREFIX = /^[A-Za-z0-9][A-Za-z0-9_.-]*\/[A-Za-z0-9_.-]+$/;
const SHA256 = /^[0-9a-f]{64}$/;
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** A dotted IPv4 address as a number; null when malformed. */
function parseIpv4(text: string): number | null {
    const match = IPV4.exec(text);
    if (!match || match.slice(1).some((o) => Number(o) > 255)) return null;
    return match.slice(1).reduce((acc, o) => acc * 256 + Number(o), 0);
}

function formatIpv4(address: number): string {
    return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join(".");
}

/** Whether `address` lies in `cidr`, clear of AWS's reserved first four and last addresses when `subnet`. */
function inCidr(address: number, cidr: string, subnet = false): boolean {
    const network = parseCidr(cidr)!;
    const size = 2 ** (32 - network.prefix);
    return subnet ? address >= network.base + 4 && address < network.base + size - 1 : address >= network.base && address < network.base + size;
}

/** The hub's default address: the 10th of the first private subnet (see Network's layout). */
export function defaultHubIp(cidr: string): string {
    return formatIpv4(parseCidr(splitCidr(cidr, 4)[2])!.base + 10);
}

/** The stack a datacenter's region suggests: `us-east-1` → `us-east`. */
export function conventionalStackName(region: string): string {
    return region.replace(/-\d+$/, "");
}

/** Parses `a.b.c.d/n`; null when malformed. */
export function parseCidr(text: string): { base: number; prefix: number } | null {
    const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
    if (!match) return null;
    const octets = match.slice(1, 5).map(Number);
    const prefix = Number(match[5]);
    if (octets.some((o) => o > 255) || prefix > 32) return null;
    const address = octets.reduce((acc, o) => acc * 256 + o, 0);
    const size = 2 ** (32 - prefix);
    if (address % size !== 0) return null; // host bits set: AWS rejects it
    return { base: address, prefix };
}

function cidrsOverlap(a: string, b: string): boolean {
    const x = parseCidr(a)!;
    const y = parseCidr(b)!;
    const xEnd = x.base + 2 ** (32 - x.prefix);
    const yEnd = y.base + 2 ** (32 - y.prefix);
    return x.base < yEnd && y.base < xEnd;
}

/**
 * Validates raw config and returns the typed deployment config, or throws one ConfigError.
 * `configKeys`: every key the stack sets (`<namespace>:<key>`); keys of the project namespace
 * that the program does not read are reported, with the nearest one it does read.
 */
export function parseConfig(source: ConfigSource, aws: ConfigSource, stack: string, configKeys: string[] = []): DeploymentConfig {
    const problems: ConfigProblem[] = [];
    const fail = (key: string, message: string) => problems.push({ key: fullKey(key), message });
    for (const key of configKeys) {
        const name = key.slice(PROJECT.length + 1);
        if (key.startsWith(`${PROJECT}:`) && !(CONFIG_KEYS as readonly string[]).includes(name)) fail(name, unknownKeyMessage(name));
        const namespace = key.includes(":") ? key.slice(0, key.indexOf(":")) : "";
        if (!(KNOWN_NAMESPACES as readonly string[]).includes(namespace)) {
            const bare = key.slice(namespace.length + 1);
            const suggestion = (CONFIG_KEYS as readonly string[]).includes(bare) ? `: did you mean ${PROJECT}:${bare}?` : "";
            problems.push({ key, message: `is in namespace "${namespace}", which nothing of this project reads (its settings are ${PROJECT}:…, the AWS provider's aws:…)${suggestion}` });
        }
    }

    const str = (key: string): string | undefined => {
        const value = source.get(key);
        return value === undefined || value === "" ? undefined : value;
    };
    const required = (key: string, what: string): string => {
        const value = str(key);
        if (value === undefined) fail(key, `is required: ${what}`);
        return value ?? "";
    };
    const integer = (key: string, fallback: number, min: number, max: number): number => {
        const text = str(key);
        if (text === undefined) return fallback;
        const value = Number(text);
        if (!Number.isInteger(value) || value < min || value > max) {
            fail(key, `must be an integer from ${min} to ${max}, got "${text}"`);
            return fallback;
        }
        return value;
    };
    const json = (key: string): unknown => {
        const text = str(key);
        if (text === undefined) return undefined;
        try {
            return JSON.parse(text);
        } catch {
            fail(key, `must be a YAML list or object, got "${text}"`);
            return undefined;
        }
    };
    const matching = (key: string, pattern: RegExp, what: string, value = str(key)): string | undefined => {
        // An empty value was reported by required() already.
        if (value !== undefined && value !== "" && !pattern.test(value)) fail(key, `must be ${what}, got "${value}"`);
        return value;
    };
    const instanceType = (key: string, example: string, fallback: string): string => {
        const value = str(key) ?? fallback;
        const problem = instanceTypeProblem(value, example);
        if (problem) fail(key, problem);
        return value;
    };

    const datacenters = parseDatacenters(json("datacenters"), fail);
    const byId = new Map(datacenters.map((dc) => [dc.id, dc]));
    const allowedIds = datacenters.map((dc) => dc.id).join(", ") || "none configured";
    const pickDc = (key: string, fallback?: string): Datacenter => {
        const id = str(key) ?? fallback;
        // With no valid datacenter list, its own problems say what is wrong; naming every id unknown would not.
        if (datacenters.length === 0) return datacenters[0];
        if (id === undefined) {
            fail(key, `is required: the id of one of the configured datacenters (${allowedIds})`);
        } else if (!byId.has(id)) {
            fail(key, `"${id}" is not a configured datacenter (allowed: ${allowedIds})`);
        }
        return byId.get(id ?? "") ?? datacenters[0];
    };

    const self = pickDc("datacenter");
    const trustedSource = pickDc("trustedSource", "DC1");
    const designTimeActive = pickDc("designTimeActive", trustedSource?.id);

    if (self && stack !== self.stack) {
        const owner = datacenters.find((dc) => dc.stack === stack);
        fail("datacenter", `${self.id} is deployed by stack "${self.stack}" (datacenters[${datacenters.indexOf(self)}].stack, by default its region less the number), not by stack "${stack}"` +
            (owner ? `, which deploys ${owner.id}` : `; deploy ${self.id} from stack "${self.stack}", or set that datacenter's stack to "${stack}"`));
    }

    const region = aws.get("region");
    if (self && region !== self.region) {
        problems.push({
            key: "aws:region",
            message: `must be ${self.region}, the region of datacenter ${self.id}, got "${region ?? ""}"`,
        });
    }

    const count = integer("nodeCount", 2, 1, 20);
    // Every node's deployment.toml names every Traffic Manager of every datacenter (its event
    // receivers, lib/render/deployment-toml.ts), and the file travels in EC2's 16 KB user-data: at
    // MAX_TRAFFIC_MANAGERS, a 24-character deploymentName and a long zone, a node's user-data is
    // about 15.9 KB (test/cross-dc-events.test.ts keeps it under the limit).
    if (datacenters.length > 0 && datacenters.length * count > MAX_TRAFFIC_MANAGERS) {
        fail("nodeCount", `must be at most ${Math.floor(MAX_TRAFFIC_MANAGERS / datacenters.length)} with ${datacenters.length} datacenters: every node names every datacenter's Traffic Managers (nodes) in its user-data, at most ${MAX_TRAFFIC_MANAGERS} in all; got ${count}`);
    }
    const nodeInstanceType = instanceType("nodeInstanceType", "m6i.xlarge", "m6i.xlarge");
    // Sizes up to .large have at most 2 vCPU in every family; WSO2's all-in-one profile needs 4.
    if (/\.(nano|micro|small|medium|large)$/.test(nodeInstanceType)) {
        fail("nodeInstanceType", `must be an .xlarge or larger size: WSO2's all-in-one minimum is 4 vCPU and 8 GiB, got "${nodeInstanceType}"`);
    }
    const amiId = matching("nodeAmiId", AMI_ID, "an AMI id such as ami-0123456789abcdef0 (or unset: the current Amazon Linux 2023 image)") ?? null;
    const rootVolumeGiB = integer("nodeRootVolumeGiB", 50, 20, 1024);
    // The gateway's token caches, valid and invalid alike (docs/artifacts.md § Token revocation); WSO2's default is 900 s.
    const gatewayTokenCacheSeconds = integer("gatewayTokenCacheSeconds", 900, 1, 900);

    const deploymentName = matching("deploymentName", DEPLOYMENT_NAME,
        "2 to 24 lower-case letters, digits and single hyphens, a letter first, no hyphen last (it begins RDS identifiers and S3 bucket names)") ?? DEFAULT_DEPLOYMENT_NAME;
    // S3 refuses bucket names beginning xn--, sthree- or amzn-s3-demo- (Amazon S3 User Guide, bucket
    // naming rules); SSM refuses parameter names beginning aws or ssm (PutParameter, Name).
    const reservedPrefix = /^(xn--|sthree-|amzn-s3-demo-|aws|ssm)/.exec(deploymentName)?.[1];
    if (reservedPrefix) fail("deploymentName", `must not begin with "${reservedPrefix}": it begins S3 bucket and SSM parameter names, which AWS refuses with that prefix`);

    const wso2PackS3Uri =
        matching(
            "wso2PackS3Uri",
            S3_URI,
            "an S3 URI such as s3://my-bucket/wso2am-3.1.0.zip",
            required("wso2PackS3Uri", "the s3:// location of the WSO2 API Manager 3.1.0 pack"),
        ) ?? "";

    const wso2PackSha256 = matching("wso2PackSha256", SHA256, "the SHA-256 of the pack zip, 64 lower-case hex digits (sha256sum wso2am-3.1.0.zip), or empty: not verified") ?? null;

    const zoneName = required("hostedZoneName", "the public hosted zone the gateway and portal names live in").replace(/\.$/, "");
    if (zoneName && !DOMAIN.test(zoneName)) fail("hostedZoneName", `must be a lower-case DNS name such as example.com, got "${zoneName}"`);
    const zoneId = matching("hostedZoneId", ZONE_ID, "a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ") ?? null;

    const certificateArn = str("certificateArn") ?? null;
    if (certificateArn !== null) {
        const match = ACM_ARN.exec(certificateArn);
        if (!match) {
            fail("certificateArn", `must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<uuid>), got "${certificateArn}"`);
        } else if (self && match[2] !== self.region) {
            fail("certificateArn", `must be a certificate in ${self.region} (an ALB only uses certificates of its own region), got one in ${match[2]}`);
        }
    }

    const boolean = (key: string, fallback: boolean): boolean => {
        const text = str(key);
        if (text === undefined) return fallback;
        if (text !== "true" && text !== "false") fail(key, `must be true or false, got "${text}"`);
        return text === "true";
    };
    const oneOf = <T extends string>(key: string, allowed: readonly T[], fallback: T): T => {
        const value = str(key) ?? fallback;
        if (!allowed.includes(value as T)) fail(key, `must be one of ${allowed.join(", ")}, got "${value}"`);
        return value as T;
    };
    const kind = oneOf("databaseKind", ["rds", "ec2"] as const, "rds");
    const backupRetentionDays = integer("backupRetentionDays", 7, 1, 35);
    const trustedSourceBackupRetentionDays = integer("trustedSourceBackupRetentionDays", 35, 1, 35);
    if (trustedSourceBackupRetentionDays <= backupRetentionDays) {
        fail("trustedSourceBackupRetentionDays", `must be longer than backupRetentionDays (${backupRetentionDays}): the trusted source keeps the longest backups, got ${trustedSourceBackupRetentionDays}`);
    }
    const serviceName = matching("databaseServiceName", /^[A-Za-z][A-Za-z0-9]{0,7}$/, "1 to 8 letters and digits starting with a letter (the RDS DB name)") ?? "APIMDB";
    const oracleClientZips = parseClientZips(json("oracleClientZips"), architectureOf(nodeInstanceType), fail);
    const database: DatabaseConfig = {
        kind,
        engine: oneOf("databaseEngine", ["oracle-se2", "oracle-ee"] as const, "oracle-se2"),
        instanceClass: instanceType("databaseInstanceClass", "db.m5.large", "db.m5.large"),
        multiAz: boolean("databaseMultiAz", true),
        storageGiB: integer("databaseStorageGiB", 100, 20, 65536),
        backupRetentionDays: self?.id === trustedSource?.id ? trustedSourceBackupRetentionDays : backupRetentionDays,
        serviceName: serviceName.toUpperCase(),
        ec2: kind === "ec2"
            ? {
                amiId: matching("databaseAmiId", AMI_ID, "the AMI id of your Oracle host image", required("databaseAmiId", "with databaseKind ec2, the AMI of your Oracle host")) ?? "",
                instanceType: instanceType("databaseInstanceType", "r6i.xlarge", "r6i.xlarge"),
            }
            : null,
        archiveLogRetentionHours: integer("archiveLogRetentionHours", 24, 1, 168),
        // Up to ten years; at least a day, so a row outlives the next divergence run that may need it.
        exceptionsRetentionDays: integer("goldengateExceptionsRetentionDays", 30, 1, 3650),
        // Below 2^31 - 1: WSO2 reads many ids as a Java int (docs/database.md, the sequence floor).
        sequenceFloor: integer("sequenceFloor", 0, 0, 2_147_483_646),
        oracleClientZips,
    };

    const existingNetwork = parseExistingNetwork(str("vpcId"), json("publicSubnetIds"), json("privateSubnetIds"), fail);
    if (self && !existingNetwork && !inCidr(parseIpv4(self.goldengateHubIp)!, splitCidr(self.cidr, 4)[2], true)) {
        const at = `datacenters[${datacenters.indexOf(self)}].goldengateHubIp`;
        fail(at, `must be a usable address of ${self.id}'s first private subnet ${splitCidr(self.cidr, 4)[2]} (the hub's subnet), got "${self.goldengateHubIp}"`);
    }

    // SNS Subscribe with protocol email takes one address per subscription (SNS API Reference: Subscribe, Endpoint).
    const alarmEmails = json("alarmEmails") ?? [];
    if (!Array.isArray(alarmEmails)) {
        fail("alarmEmails", `must be a list of email addresses (one per entry), got ${JSON.stringify(alarmEmails)}`);
    } else {
        alarmEmails.forEach((email: unknown, i) => {
            if (typeof email !== "string" || !/^[^\s@,;]+@[^\s@,;]+\.[^\s@,;]+$/.test(email)) {
                fail(`alarmEmails[${i}]`, `must be one email address, got ${JSON.stringify(email)}`);
            } else if (alarmEmails.indexOf(email) !== i) {
                fail(`alarmEmails[${i}]`, `lists ${email} again (alarmEmails[${alarmEmails.indexOf(email)}])`);
            }
        });
    }

    const replication = parseReplication({ str, json, matching, instanceType, integer, fail, trustedSourceBackupRetentionDays, self, trustedSource, datacenters, kind });

    if (problems.length > 0) throw new ConfigError(problems.map((problem) => ({ ...problem, file: fileOf(problem.key, stack) })));

    const regional = regionalHostnames(zoneName, self.region);
    return {
        project: PROJECT,
        stack,
        deploymentName,
        datacenters,
        self,
        trustedSource,
        designTimeActive,
        nodes: { count, instanceType: nodeInstanceType, amiId, rootVolumeGiB, gatewayTokenCacheSeconds },
        wso2PackS3Uri,
        wso2PackSha256,
        existingNetwork,
        dns: { zoneName, zoneId },
        hostnames: {
            gateway: `gateway.${zoneName}`,
            portal: `apim.${zoneName}`,
            regionalGateway: regional.gateway,
            regionalPortal: regional.portal,
        },
        certificateArn,
        database,
        replication,
        alarmEmails: Array.isArray(alarmEmails) ? alarmEmails.map(String) : [],
    };
}

interface ReplicationInputs {
    str: (key: string) => string | undefined;
    json: (key: string) => unknown;
    matching: (key: string, pattern: RegExp, what: string, value?: string) => string | undefined;
    instanceType: (key: string, example: string, fallback: string) => string;
    integer: (key: string, fallback: number, min: number, max: number) => number;
    fail: (key: string, message: string) => void;
    trustedSourceBackupRetentionDays: number;
    self: Datacenter | undefined;
    trustedSource: Datacenter | undefined;
    datacenters: Datacenter[];
    kind: DatabaseConfig["kind"];
}

function parseReplication(inputs: ReplicationInputs): ReplicationConfig {
    const { str, json, matching, instanceType, integer, fail, self, trustedSource, datacenters } = inputs;
    const stackReferencePrefix =
        matching("stackReferencePrefix", STACK_PREFIX, "<organization>/<project> such as acme/wso2-apim-multi-dc (peers' stacks are <prefix>/<stack>)")
        ?? "organization/wso2-apim-multi-dc";

    const amiId = matching("goldengateAmiId", AMI_ID, "the AMI id of your GoldenGate host image in this region");
    const installerS3Uri = matching("goldengateInstallerS3Uri", S3_URI, "an S3 URI of the GoldenGate for Oracle installer zip") ?? null;
    const installerSha256 = matching("goldengateInstallerSha256", SHA256, "the SHA-256 of the installer zip, 64 lower-case hex digits (sha256sum <zip>), or empty: not verified") ?? null;
    const license = str("goldengateLicense") ?? "none";
    if (license !== "none" && license !== "byol") {
        fail("goldengateLicense", `must be none or byol, got "${license}"`);
    } else if (license === "none" && (amiId || installerS3Uri)) {
        fail("goldengateLicense", `must be byol when goldengateAmiId or goldengateInstallerS3Uri is set: a GoldenGate host runs on your own licence (none: no host, the files are still rendered)`);
    } else if (license === "byol" && !amiId && !installerS3Uri) {
        fail("goldengateLicense", `byol needs goldengateAmiId or goldengateInstallerS3Uri: the hub host needs GoldenGate from an image or an installer`);
    }
    const hubInstanceType = instanceType("goldengateInstanceType", "m6i.large", "m6i.large");
    // The hub installs and runs GoldenGate 19c for Oracle's Linux x86-64 build (INSTALL_OPTION ORA19c,
    // lib/goldengate/scripts/hub-boot.sh); a Graviton type would boot the arm64 image and fail there.
    if (architectureOf(hubInstanceType) === "arm64") {
        fail("goldengateInstanceType", `${hubInstanceType} is a Graviton (arm64) type: the hub runs GoldenGate 19c for Oracle's Linux x86-64 build; use an x86-64 type such as m6i.large`);
    }
    const volumeGiB = integer("goldengateVolumeGiB", 100, 20, 16384);

    const rawKeys = json("goldengateKeyColumns");
    const keyColumns: KeyColumns[] = [];
    if (rawKeys !== undefined && !Array.isArray(rawKeys)) {
        fail("goldengateKeyColumns", `must be a list of OWNER.TABLE(COLUMN, …) entries, got ${JSON.stringify(rawKeys)}`);
    } else {
        (rawKeys as unknown[] | undefined ?? []).forEach((entry, i) => {
            const parsed = parseKeyColumns(String(entry));
            if ("error" in parsed) fail(`goldengateKeyColumns[${i}]`, parsed.error);
            else keyColumns.push(parsed);
        });
    }

    const copy = str("trustedSourceBackupCopy") ?? "true";
    if (copy !== "true" && copy !== "false") fail("trustedSourceBackupCopy", `must be true or false, got "${copy}"`);
    // The first other datacenter keeps the copy: it is in another region and already runs there.
    const copyKeeper = datacenters.find((dc) => dc.id !== trustedSource?.id);
    const trustedBackupCopy = copy === "true" && inputs.kind === "rds" && trustedSource && self && copyKeeper?.id === self.id
        ? { sourceRegion: trustedSource.region, sourceDcId: trustedSource.id, retentionDays: inputs.trustedSourceBackupRetentionDays }
        : null;

    return {
        stackReferencePrefix,
        hub: license === "byol" && (amiId || installerS3Uri) ? { amiId: amiId ?? "", installerS3Uri, installerSha256, instanceType: hubInstanceType, volumeGiB } : null,
        keyColumns,
        trustedBackupCopy,
    };
}

/** Words of an Instant Client zip's file name that say its architecture (Oracle names them `…-linux.x64-…` and `…-linux.arm64-…`). */
const ZIP_ARCHITECTURES = { x86_64: /(x64|x86[_-]64|amd64)/i, arm64: /(arm64|aarch64)/i } as const;

/**
 * `oracleClientZips`: a list of { url, sha256 } (s3:// or https:// .zip, its SHA-256), each
 * verified by the nodes before it is unpacked. A zip whose file name names the other architecture
 * than the nodes' (nodeInstanceType) is refused here: it could only fail at boot.
 */
function parseClientZips(raw: unknown, architecture: "arm64" | "x86_64", fail: (key: string, message: string) => void): ClientZip[] {
    if (raw === undefined) return [];
    const shape = "a list of { url: s3:// or https:// location of a .zip, sha256: its SHA-256 in 64 lower-case hex digits }";
    if (!Array.isArray(raw)) {
        fail("oracleClientZips", `must be ${shape}, got ${JSON.stringify(raw)}`);
        return [];
    }
    const zips: ClientZip[] = [];
    raw.forEach((entry: unknown, i) => {
        const at = `oracleClientZips[${i}]`;
        const { url, sha256 } = (typeof entry === "object" && entry !== null ? entry : {}) as Record<string, unknown>;
        if (typeof entry === "string") {
            fail(at, `must be { url, sha256 } (the nodes verify every download), got the bare location ${JSON.stringify(entry)}: add its SHA-256 (sha256sum <zip>)`);
        } else if (typeof url !== "string" || !/^(s3|https):\/\/\S+\.zip$/.test(url)) {
            fail(`${at}.url`, `must be an s3:// or https:// location of a .zip, got ${JSON.stringify(url)}`);
        } else if (typeof sha256 !== "string" || !SHA256.test(sha256)) {
            fail(`${at}.sha256`, `must be the zip's SHA-256, 64 lower-case hex digits (sha256sum <zip>), got ${JSON.stringify(sha256)}`);
        } else {
            const other = architecture === "arm64" ? "x86_64" : "arm64";
            const name = url.slice(url.lastIndexOf("/") + 1);
            if (ZIP_ARCHITECTURES[other].test(name) && !ZIP_ARCHITECTURES[architecture].test(name)) {
                fail(`${at}.url`, `${name} is built for ${other}, but nodeInstanceType runs ${architecture}: use the Instant Client zips for Linux ${architecture === "arm64" ? "ARM (aarch64)" : "x86-64"}`);
            } else {
                zips.push({ url, sha256 });
            }
        }
    });
    return zips;
}

/**
 * A region's own names: one label under the zone (`gateway-us-east-1.example.com`), so that one
 * wildcard certificate of the zone covers the global and every regional name.
 */
/**
 * The earlier datacenters this stack's datacenter peers with, each with the Pulumi stack whose
 * outputs it reads (`<stackReferencePrefix>/<its stack>`): the later datacenter of each pair owns
 * the connection, since earlier stacks are deployed first. components/region.ts declares a
 * VpcPeering per entry; tools/plan/preview-setup.ts names the same stacks as the real preview's
 * peers, so both read one rule from one config (a datacenter without a stack file included).
 */
export function peeredDatacenters(config: DeploymentConfig): { peer: Datacenter; stackName: string }[] {
    return config.datacenters
        .filter((other) => other.index < config.self.index)
        .map((peer) => ({ peer, stackName: `${config.replication.stackReferencePrefix}/${peer.stack}` }));
}

export function regionalHostnames(zoneName: string, region: string): { gateway: string; portal: string } {
    return { gateway: `gateway-${region}.${zoneName}`, portal: `apim-${region}.${zoneName}` };
}

/** The fields of a `datacenters` entry. */
const DATACENTER_FIELDS = ["id", "index", "region", "cidr", "gatewayLocations", "stack", "goldengateHubIp"] as const;

function parseDatacenters(raw: unknown, fail: (key: string, message: string) => void): Datacenter[] {
    const key = "datacenters";
    if (!Array.isArray(raw) || raw.length === 0) {
        fail(key, "must be a non-empty list of datacenters ({ id, index, region, cidr, gatewayLocations })");
        return [];
    }
    const datacenters: Datacenter[] = [];
    raw.forEach((entry: any, i) => {
        const at = `${key}[${i}]`;
        if (typeof entry !== "object" || entry === null) {
            fail(at, "must be an object with id, index, region, cidr and gatewayLocations");
            return;
        }
        const { id, index, region, cidr, gatewayLocations, stack, goldengateHubIp } = entry;
        let ok = true;
        const check = (cond: boolean, field: string, message: string) => {
            if (!cond) {
                fail(`${at}.${field}`, message);
                ok = false;
            }
        };
        for (const field of Object.keys(entry).filter((f) => !(DATACENTER_FIELDS as readonly string[]).includes(f))) {
            const nearest = nearestName(field, DATACENTER_FIELDS);
            check(false, field, `unknown field${nearest ? `, did you mean ${nearest}?` : ""} (a datacenter has ${DATACENTER_FIELDS.join(", ")})`);
        }
        check(typeof id === "string" && DC_ID.test(id), "id", `must be DC1, DC2, … got ${JSON.stringify(id)}`);
        check(
            Number.isInteger(index) && index >= 1 && index <= raw.length,
            "index",
            `must be an integer from 1 to ${raw.length} (the number of datacenters), got ${JSON.stringify(index)}`,
        );
        check(typeof region === "string" && AWS_REGION.test(region), "region", `must be an AWS region such as us-east-1, got ${JSON.stringify(region)}`);
        const parsedCidr = typeof cidr === "string" ? parseCidr(cidr) : null;
        check(
            parsedCidr !== null && parsedCidr.prefix >= 16 && parsedCidr.prefix <= 22,
            "cidr",
            `must be an IPv4 network from /16 to /22 such as 10.10.0.0/16, got ${JSON.stringify(cidr)}`,
        );
        check(stack === undefined || (typeof stack === "string" && STACK_NAME.test(stack)), "stack", `must be a Pulumi stack name (letters, digits, _ . -), got ${JSON.stringify(stack)}`);
        const hubAddress = typeof goldengateHubIp === "string" ? parseIpv4(goldengateHubIp) : null;
        check(
            goldengateHubIp === undefined || (hubAddress !== null && parsedCidr !== null && inCidr(hubAddress, cidr)),
            "goldengateHubIp",
            `must be an IPv4 address inside the datacenter's cidr ${JSON.stringify(cidr)}, got ${JSON.stringify(goldengateHubIp)}`,
        );
        const locations: GeoLocation[] = [];
        if (!Array.isArray(gatewayLocations)) {
            check(false, "gatewayLocations", `must be a list of locations ("*", "continent:EU", "country:US", "state:NY")`);
        } else {
            gatewayLocations.forEach((text: unknown, j: number) => {
                const parsed = parseGeoLocation(String(text));
                if ("error" in parsed) check(false, `gatewayLocations[${j}]`, parsed.error);
                else locations.push(parsed);
            });
        }
        if (ok) {
            datacenters.push({
                id, index, region, cidr, gatewayLocations: locations,
                stack: stack ?? conventionalStackName(region),
                goldengateHubIp: goldengateHubIp ?? defaultHubIp(cidr),
            });
        }
    });
    if (datacenters.length !== raw.length) return [];

    const duplicates = (field: "id" | "index" | "region" | "stack") => {
        const seen = new Map<unknown, string>();
        for (const dc of datacenters) {
            const previous = seen.get(dc[field]);
            if (previous) {
                const hint = field === "stack" ? " (set `stack` on one of them: by default it is the region less its number)" : "";
                fail(key, `${field} ${JSON.stringify(dc[field])} is used by both ${previous} and ${dc.id}; each datacenter needs its own${hint}`);
            }
            seen.set(dc[field], dc.id);
        }
    };
    duplicates("id");
    duplicates("index");
    duplicates("region");
    duplicates("stack");
    if (datacenters.length > MAX_DATACENTERS) {
        fail(key, `has ${datacenters.length} datacenters; at most ${MAX_DATACENTERS} (GoldenGate trail names carry one letter per datacenter)`);
    }
    for (let i = 0; i < datacenters.length; i++) {
        for (let j = i + 1; j < datacenters.length; j++) {
            const [a, b] = [datacenters[i], datacenters[j]];
            if (cidrsOverlap(a.cidr, b.cidr)) {
                fail(key, `CIDR ${a.cidr} of ${a.id} overlaps ${b.cidr} of ${b.id}; peered VPCs need disjoint CIDRs`);
            }
        }
    }
    const claimedBy = new Map<string, string>();
    for (const dc of datacenters) {
        for (const location of dc.gatewayLocations) {
            const name = formatGeoLocation(location);
            const owner = claimedBy.get(name);
            if (owner) fail(key, `location "${name}" is claimed by both ${owner} and ${dc.id}; each location routes to one datacenter`);
            claimedBy.set(name, dc.id);
        }
    }
    for (const needed of ["*", "country:US"]) {
        if (!claimedBy.has(needed)) {
            fail(
                key,
                needed === "*"
                    ? `no datacenter claims the default location "*"; without it clients outside every listed location get no answer`
                    : `no datacenter claims "country:US"; US clients that Route 53 maps to no state would fall to the default record`,
            );
        }
    }
    return datacenters.sort((a, b) => a.index - b.index);
}

function parseExistingNetwork(
    vpcId: string | undefined,
    publicSubnets: unknown,
    privateSubnets: unknown,
    fail: (key: string, message: string) => void,
): ExistingNetwork | null {
    const given = (v: unknown) => Array.isArray(v) && v.length > 0;
    if (vpcId === undefined && !given(publicSubnets) && !given(privateSubnets)) return null;
    if (vpcId === undefined || !VPC_ID.test(vpcId)) {
        fail("vpcId", `must be a VPC id such as vpc-0123456789abcdef0 when subnets are given, got "${vpcId ?? ""}"`);
    }
    const subnets = (key: string, value: unknown): string[] => {
        const ids = Array.isArray(value) ? value.map(String) : [];
        if (ids.length < 2 || ids.some((id) => !SUBNET_ID.test(id))) {
            fail(key, `must list at least two subnet ids (subnet-…) in different AZs when vpcId is set, got ${JSON.stringify(value ?? [])}`);
        }
        return ids;
    };
    return {
        vpcId: vpcId ?? "",
        publicSubnetIds: subnets("publicSubnetIds", publicSubnets),
        privateSubnetIds: subnets("privateSubnetIds", privateSubnets),
    };
}

/**
 * Where a key is set: a key every stack shares in Pulumi.yaml (lib/stack-config.ts PER_STACK_KEYS),
 * a per-stack, misspelt or aws: key in the stack's file; a key of another namespace could be in either.
 */
function fileOf(key: string, stack: string): string | undefined {
    const name = /^[^:]+:([A-Za-z]+)/.exec(key)?.[1] ?? "";
    if (key.startsWith(`${PROJECT}:`)) {
        const shared = (CONFIG_KEYS as readonly string[]).includes(name) && !(PER_STACK_KEYS.keys as readonly string[]).includes(name);
        return shared ? "Pulumi.yaml" : `Pulumi.${stack}.yaml`;
    }
    return key.startsWith("aws:") ? `Pulumi.${stack}.yaml` : undefined;
}

function fullKey(key: string): string {
    return `${PROJECT}:${key}`;
}

/**
 * Reads and validates the running stack's config (the Pulumi CLI or the offline runner set it).
 * The CLI itself does not reject a key that Pulumi.yaml does not declare (it only checks the
 * declared ones: pulumi/pulumi sdk/go/common/workspace/config.go, mergeConfig), so a misspelt key
 * would be silently ignored: every key the stack sets is checked here.
 */
export function loadConfig(): DeploymentConfig {
    checkStackFile(process.cwd(), PROJECT, pulumi.getStack());
    return parseConfig(new pulumi.Config(PROJECT), new pulumi.Config("aws"), pulumi.getStack(), Object.keys(pulumi.runtime.allConfig()));
}

/** Splits a network into `parts` equal subnets (parts a power of two), in address order. */
export function splitCidr(cidr: string, parts: number): string[] {
    const network = parseCidr(cidr);
    const bits = Math.log2(parts);
    if (!network || !Number.isInteger(bits) || network.prefix + bits > 28) {
        throw new Error(`cannot split ${cidr} into ${parts} subnets`);
    }
    const prefix = network.prefix + bits;
    const size = 2 ** (32 - prefix);
    return Array.from({ length: parts }, (_, i) => {
        const address = network.base + i * size;
        const octets = [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256);
        return `${octets.join(".")}/${prefix}`;
    });
}
