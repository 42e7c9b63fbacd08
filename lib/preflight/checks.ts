/**
 * What the offline plan cannot see: whether the things a stack's configuration names exist in the
 * account, are usable in the stack's region, and whether the account's quotas leave room for what
 * the stack adds. Each check makes read-only calls through PreflightAws and returns one result per
 * line of the report; a failure names the configuration key and the fix.
 */
import { DeploymentConfig, PROJECT } from "../config";
import { placeholdersIn } from "../placeholders";
import { describeError, errorName, httpStatus, PreflightAws } from "./aws-api";
import {
    busiestZone, fitsQuota, natGatewaysAddedPerZone, PlannedCounts, QUOTAS, QuotaSpec,
} from "./quotas";

export type CheckStatus = "ok" | "FAIL" | "skipped";

export interface CheckResult {
    /** What is checked, e.g. `wso2 pack`, `hosted zone`, `quota: VPCs per Region`. */
    check: string;
    status: CheckStatus;
    /** The full configuration key a failure is about (`wso2-apim-multi-dc:wso2PackS3Uri`). */
    key?: string;
    /** What was found (ok), what is wrong (FAIL) or why it was not checked (skipped). */
    detail: string;
    /** What to do about a failure. */
    fix?: string;
}

/** One stack as the preflight sees it: its validated config, effective values and planned resources. */
export interface StackInput {
    stack: string;
    config: DeploymentConfig;
    /** The stack's effective config (full key → value), for the shipped-example check. */
    values: Record<string, unknown>;
    planned: PlannedCounts;
}

const fullKey = (key: string) => `${PROJECT}:${key}`;
const ok = (check: string, detail: string): CheckResult => ({ check, status: "ok", detail });
const skipped = (check: string, detail: string): CheckResult => ({ check, status: "skipped", detail });
const fail = (check: string, key: string, detail: string, fix: string): CheckResult => ({ check, status: "FAIL", key: fullKey(key), detail, fix });

/** A call that failed for a reason the check does not interpret (permissions, throttling): the check could not be made. */
function couldNotCheck(check: string, key: string, action: string, err: unknown): CheckResult {
    return fail(check, key, `could not be checked: ${action} failed (${describeError(err)})`, `if it was denied, allow ${action} to the caller (docs/preflight.md lists the policy); then, or after a passing fault, run the preflight again`);
}

/** Settings still at the example Pulumi.yaml ships (lib/placeholders.ts): in the preflight, each is a failure. */
export function placeholderChecks(values: Record<string, unknown>): CheckResult[] {
    const found = placeholdersIn(PROJECT, values);
    if (found.length === 0) return [ok("shipped examples", "no setting is still at its shipped example")];
    return found.map((message) => {
        const [key, rest] = [message.slice(0, message.indexOf(" ")), message.slice(message.indexOf(" ") + 1)];
        const [what, fix] = rest.split(": use ");
        return { check: "shipped examples", status: "FAIL", key, detail: what, fix: `set it to ${fix}` };
    });
}

const S3_URI = /^s3:\/\/([^/]+)\/(.+)$/;

/**
 * An S3 object the deployment downloads exists and the caller may read it (S3 HeadObject). S3
 * answers a missing key with 404 only to a caller allowed s3:ListBucket on the bucket, and with
 * 403 to anyone else (S3 API Reference, HeadObject, Permissions).
 */
export async function s3ObjectCheck(aws: PreflightAws, check: string, key: string, uri: string): Promise<CheckResult> {
    const match = S3_URI.exec(uri);
    if (!match) return fail(check, key, `"${uri}" is not an s3://bucket/key address`, `set ${fullKey(key)} to s3://<bucket>/<key>`);
    const [, bucket, objectKey] = match;
    try {
        await aws.headObject(bucket, objectKey);
        return ok(check, `${fullKey(key)} ${uri} exists and is readable`);
    } catch (err) {
        const status = httpStatus(err);
        const name = errorName(err);
        if (status === 404 || ["NotFound", "NoSuchKey", "NoSuchBucket"].includes(name)) {
            return fail(check, key, `${uri} does not exist (HeadObject: 404 Not Found, no such bucket or key)`,
                `upload the file to that address, or set ${fullKey(key)} to where it is`);
        }
        if (status === 403 || ["Forbidden", "AccessDenied"].includes(name)) {
            return fail(check, key, `${uri} cannot be read (HeadObject: 403 Forbidden). Most likely the key does not exist: S3 answers 403 instead of 404 for a missing key when the caller lacks s3:ListBucket on ${bucket}; otherwise the caller lacks s3:GetObject on it (or a bucket policy or KMS key denies it)`,
                `check the address (aws s3 ls ${uri}) and set ${fullKey(key)} to the object's real address; grant s3:GetObject (and s3:ListBucket, to tell a missing key from a denial)`);
        }
        return couldNotCheck(check, key, "s3:GetObject (HeadObject)", err);
    }
}

/** Every S3 object the stack's configuration names, each checked with HeadObject. */
export async function s3ObjectChecks(aws: PreflightAws, config: DeploymentConfig, examples: ReadonlySet<string>): Promise<CheckResult[]> {
    const results: CheckResult[] = [];
    if (examples.has(fullKey("wso2PackS3Uri"))) results.push(skipped("wso2 pack", "wso2PackS3Uri is still the shipped example (see above)"));
    else results.push(await s3ObjectCheck(aws, "wso2 pack", "wso2PackS3Uri", config.wso2PackS3Uri));

    const installer = config.replication.hub?.installerS3Uri;
    if (installer) results.push(await s3ObjectCheck(aws, "goldengate installer", "goldengateInstallerS3Uri", installer));
    else results.push(skipped("goldengate installer", "goldengateInstallerS3Uri unset (no GoldenGate hub, or its image carries GoldenGate)"));

    for (const [i, { url: zip }] of config.database.oracleClientZips.entries()) {
        const key = `oracleClientZips[${i}]`;
        if (zip.startsWith("s3://")) results.push(await s3ObjectCheck(aws, "oracle client zip", key, zip));
        else results.push(skipped("oracle client zip", `${fullKey(key)} ${zip} is not in S3; the preflight checks s3:// addresses only`));
    }
    return results;
}

/**
 * The zones named `zoneName`: ListHostedZonesByName lists zones from the given name onwards in its
 * order (not only that name), so keep the exact matches and read on while the next zone still has it.
 */
async function zonesNamed(aws: PreflightAws, zoneName: string): Promise<{ id: string; privateZone: boolean }[]> {
    const wanted = `${zoneName}.`;
    const found: { id: string; privateZone: boolean }[] = [];
    let page = await aws.listHostedZonesByName(wanted);
    // 20 pages of 100 is far past any account's zones of one name.
    for (let pages = 1; ; pages++) {
        const matching = page.zones.filter((zone) => zone.name.toLowerCase() === wanted);
        found.push(...matching.map((zone) => ({ id: zone.id.replace(/^\/hostedzone\//, ""), privateZone: zone.privateZone })));
        if (!page.isTruncated || page.nextDnsName?.toLowerCase() !== wanted || pages >= 20) return found;
        page = await aws.listHostedZonesByName(wanted, page.nextZoneId);
    }
}

/** The hosted zone exists and is public: by id when hostedZoneId is set (GetHostedZone), else by name (ListHostedZonesByName). */
export async function hostedZoneCheck(aws: PreflightAws, config: DeploymentConfig, examples: ReadonlySet<string>): Promise<CheckResult> {
    const check = "hosted zone";
    const { zoneName, zoneId } = config.dns;
    if (zoneId) {
        try {
            const zone = await aws.getHostedZone(zoneId);
            if (zone.name.toLowerCase() !== `${zoneName}.`) {
                return fail(check, "hostedZoneId", `zone ${zoneId} is ${zone.name.replace(/\.$/, "")}, not hostedZoneName ${zoneName}`, `set ${fullKey("hostedZoneId")} to the id of ${zoneName}'s public zone, or empty it to look the zone up by name`);
            }
            if (zone.privateZone) {
                return fail(check, "hostedZoneId", `zone ${zoneId} (${zoneName}) is a private zone; the gateway and portal names must resolve on the internet`, `set ${fullKey("hostedZoneId")} to the id of ${zoneName}'s public zone`);
            }
            return ok(check, `${fullKey("hostedZoneId")} ${zoneId} is the public zone ${zoneName}`);
        } catch (err) {
            if (errorName(err) === "NoSuchHostedZone") {
                return fail(check, "hostedZoneId", `no hosted zone ${zoneId} in this account (GetHostedZone: NoSuchHostedZone)`, `set ${fullKey("hostedZoneId")} to the id of ${zoneName}'s public zone (aws route53 list-hosted-zones-by-name --dns-name ${zoneName})`);
            }
            return couldNotCheck(check, "hostedZoneId", "route53:GetHostedZone", err);
        }
    }
    if (examples.has(fullKey("hostedZoneName"))) return skipped(check, "hostedZoneName is still the shipped example (see above)");
    let zones: { id: string; privateZone: boolean }[];
    try {
        zones = await zonesNamed(aws, zoneName);
    } catch (err) {
        return couldNotCheck(check, "hostedZoneName", "route53:ListHostedZonesByName", err);
    }
    const publicZones = zones.filter((zone) => !zone.privateZone);
    if (publicZones.length === 0) {
        const privateOnly = zones.length > 0 ? ` (only a private zone of that name: ${zones.map((z) => z.id).join(", ")})` : "";
        return fail(check, "hostedZoneName", `no public hosted zone ${zoneName} in this account${privateOnly}`, `create the public zone and delegate the domain to it, or set ${fullKey("hostedZoneName")} to a public zone you own`);
    }
    if (publicZones.length > 1) {
        return fail(check, "hostedZoneId", `${publicZones.length} public zones are named ${zoneName} (${publicZones.map((z) => z.id).join(", ")}); a lookup by name needs exactly one`, `set ${fullKey("hostedZoneId")} to the one your domain is delegated to`);
    }
    return ok(check, `${fullKey("hostedZoneName")} ${zoneName} is a public zone (${publicZones[0].id})`);
}

/** An AMI the stack launches, the host that launches it and the keys that configure both. */
interface ImageUse {
    host: string;
    amiKey: string;
    amiId: string;
    typeKey: string;
    instanceType: string;
}

/** The AMIs the configuration pins, with the instance type each boots on (the hub boots the node image when it has none of its own). */
export function configuredImages(config: DeploymentConfig): ImageUse[] {
    const uses: ImageUse[] = [];
    if (config.nodes.amiId) uses.push({ host: "APIM nodes", amiKey: "nodeAmiId", amiId: config.nodes.amiId, typeKey: "nodeInstanceType", instanceType: config.nodes.instanceType });
    if (config.database.ec2) uses.push({ host: "Oracle host", amiKey: "databaseAmiId", amiId: config.database.ec2.amiId, typeKey: "databaseInstanceType", instanceType: config.database.ec2.instanceType });
    const hub = config.replication.hub;
    if (hub?.amiId) uses.push({ host: "GoldenGate hub", amiKey: "goldengateAmiId", amiId: hub.amiId, typeKey: "goldengateInstanceType", instanceType: hub.instanceType });
    else if (hub && config.nodes.amiId) uses.push({ host: "GoldenGate hub", amiKey: "nodeAmiId", amiId: config.nodes.amiId, typeKey: "goldengateInstanceType", instanceType: hub.instanceType });
    return uses;
}

/** The architectures a type supports, null when EC2 does not know the type (the offering check reports it). */
async function architecturesOf(aws: PreflightAws, instanceType: string): Promise<string[] | null> {
    try {
        const [described] = await aws.describeInstanceTypes([instanceType]);
        return described?.architectures ?? null;
    } catch (err) {
        if (errorName(err) === "InvalidInstanceType") return null;
        throw err;
    }
}

/**
 * One pinned AMI exists in the region, is available, and runs on its instance type's architecture.
 * DescribeImages throws InvalidAMIID.NotFound (or .Malformed) for an id it does not know, and may
 * answer a recently deregistered image with an empty list (EC2 API Reference, DescribeImages).
 */
export async function imageCheck(aws: PreflightAws, region: string, use: ImageUse): Promise<CheckResult> {
    const check = `image: ${use.host}`;
    const key = fullKey(use.amiKey);
    const fix = `set ${key} to an available AMI of ${region} for ${use.instanceType} (aws ec2 describe-images --region ${region} --image-ids <id>)`;
    let images;
    try {
        images = await aws.describeImages([use.amiId]);
    } catch (err) {
        const name = errorName(err);
        if (name === "InvalidAMIID.NotFound") return fail(check, use.amiKey, `${use.amiId} does not exist in ${region} or is not shared with this account (InvalidAMIID.NotFound); AMIs are regional`, `${fix}; copy the image to ${region} if it lives in another region`);
        if (name === "InvalidAMIID.Malformed") return fail(check, use.amiKey, `${use.amiId} is not a well-formed AMI id (InvalidAMIID.Malformed)`, fix);
        return couldNotCheck(check, use.amiKey, "ec2:DescribeImages", err);
    }
    const image = images.find((i) => i.imageId === use.amiId);
    if (!image) return fail(check, use.amiKey, `${use.amiId} is not visible in ${region}: DescribeImages returned no image (deregistered, or not shared with this account)`, fix);
    if (image.state !== "available") return fail(check, use.amiKey, `${use.amiId} is ${image.state}, not available`, fix);
    let architectures: string[] | null;
    try {
        architectures = await architecturesOf(aws, use.instanceType);
    } catch (err) {
        return couldNotCheck(check, use.typeKey, "ec2:DescribeInstanceTypes", err);
    }
    if (architectures === null) return skipped(check, `${use.amiId} is available; the architecture of ${use.instanceType} is unknown in ${region} (see the instance type check)`);
    if (!architectures.includes(image.architecture)) {
        return fail(check, use.amiKey, `${use.amiId} is ${image.architecture}, but ${fullKey(use.typeKey)} ${use.instanceType} runs ${architectures.join("/")}`,
            `set ${key} to an ${architectures.join(" or ")} image, or ${fullKey(use.typeKey)} to a type of the image's architecture`);
    }
    return ok(check, `${key} ${use.amiId} is available in ${region} (${image.architecture}, matches ${use.instanceType})`);
}

export async function imageChecks(aws: PreflightAws, config: DeploymentConfig): Promise<CheckResult[]> {
    const results: CheckResult[] = [];
    if (!config.nodes.amiId) results.push(skipped("image: APIM nodes", "nodeAmiId unset: the program boots AWS's current Amazon Linux 2023 image (its public SSM parameter) for the type's architecture"));
    for (const use of configuredImages(config)) results.push(await imageCheck(aws, config.self.region, use));
    if (config.replication.hub && !config.replication.hub.amiId && !config.nodes.amiId) {
        results.push(skipped("image: GoldenGate hub", "goldengateAmiId and nodeAmiId unset: the hub boots AWS's current Amazon Linux 2023 image"));
    }
    return results;
}

/** The EC2 types the stack launches, each with the key that sets it. */
export function launchedInstanceTypes(config: DeploymentConfig): { key: string; instanceType: string }[] {
    return [
        { key: "nodeInstanceType", instanceType: config.nodes.instanceType },
        ...(config.database.ec2 ? [{ key: "databaseInstanceType", instanceType: config.database.ec2.instanceType }] : []),
        ...(config.replication.hub ? [{ key: "goldengateInstanceType", instanceType: config.replication.hub.instanceType }] : []),
    ];
}

/**
 * Every EC2 type the stack launches is offered in its region (EC2 API Reference,
 * DescribeInstanceTypeOfferings: LocationType `region` lists the types the current region offers;
 * a type it does not offer is absent from the answer, not an error).
 */
export async function instanceTypeChecks(aws: PreflightAws, config: DeploymentConfig): Promise<CheckResult[]> {
    const region = config.self.region;
    const launched = launchedInstanceTypes(config);
    let offered: string[];
    try {
        offered = await aws.instanceTypesOfferedInRegion([...new Set(launched.map((l) => l.instanceType))]);
    } catch (err) {
        return [couldNotCheck("instance type", launched[0].key, "ec2:DescribeInstanceTypeOfferings", err)];
    }
    return launched.map(({ key, instanceType }) => offered.includes(instanceType)
        ? ok("instance type", `${fullKey(key)} ${instanceType} is offered in ${region}`)
        : fail("instance type", key, `${instanceType} is not offered in ${region}`, `set ${fullKey(key)} to a type ${region} offers (aws ec2 describe-instance-type-offerings --region ${region} --location-type region)`));
}

/** The licence model the program orders each engine with (components/database.ts). */
export function licenseModelOf(engine: DeploymentConfig["database"]["engine"]): string {
    return engine === "oracle-se2" ? "license-included" : "bring-your-own-license";
}

/**
 * The RDS class can be ordered in the region for what the program creates: the engine at major
 * version 19, its licence model, gp3 storage, in a VPC, Multi-AZ when configured (RDS API Reference,
 * DescribeOrderableDBInstanceOptions: filters Engine, DBInstanceClass, LicenseModel, Vpc; each option
 * has EngineVersion, StorageType, MultiAZCapable).
 */
export async function databaseClassCheck(aws: PreflightAws, config: DeploymentConfig): Promise<CheckResult> {
    const check = "database class";
    const db = config.database;
    if (db.kind !== "rds") return skipped(check, "databaseKind is ec2: no RDS instance (the Oracle host's type is checked above)");
    const region = config.self.region;
    let options;
    try {
        options = await aws.orderableDbInstanceOptions({ engine: db.engine, instanceClass: db.instanceClass, licenseModel: licenseModelOf(db.engine) });
    } catch (err) {
        return couldNotCheck(check, "databaseInstanceClass", "rds:DescribeOrderableDBInstanceOptions", err);
    }
    const fitting = options.filter((o) => o.engineVersion.startsWith("19.") && o.storageType === "gp3" && (!db.multiAz || o.multiAzCapable));
    if (fitting.length > 0) return ok(check, `${fullKey("databaseInstanceClass")} ${db.instanceClass} can be ordered in ${region} for ${db.engine} 19 (${licenseModelOf(db.engine)}, gp3${db.multiAz ? ", Multi-AZ" : ""})`);
    const what = `${db.engine} 19 (${licenseModelOf(db.engine)}, gp3${db.multiAz ? ", Multi-AZ" : ""})`;
    const near = options.length > 0 ? `; it is offered only for other versions or options (${[...new Set(options.map((o) => o.engineVersion))].slice(0, 3).join(", ")}…)` : "";
    return fail(check, "databaseInstanceClass", `${db.instanceClass} cannot be ordered in ${region} for ${what}${near}`,
        `set ${fullKey("databaseInstanceClass")} to a class RDS offers there (aws rds describe-orderable-db-instance-options --region ${region} --engine ${db.engine} --license-model ${licenseModelOf(db.engine)} --query "OrderableDBInstanceOptions[?starts_with(EngineVersion,'19.')].DBInstanceClass")`);
}

/**
 * Whether a certificate name covers a host: equal, or a wildcard standing for exactly one leftmost
 * label (RFC 6125 §6.4.3: `*.example.com` matches foo.example.com, not bar.foo.example.com or example.com).
 */
export function certificateCovers(certificateNames: readonly string[], host: string): boolean {
    const wanted = host.toLowerCase();
    return certificateNames.some((name) => {
        const n = name.toLowerCase();
        if (n === wanted) return true;
        const dot = wanted.indexOf(".");
        return n.startsWith("*.") && dot > 0 && wanted.slice(dot + 1) === n.slice(2);
    });
}

/** The names the ALB serves (components/load-balancer.ts requests a certificate for the same four). */
export function servedNames(config: DeploymentConfig): string[] {
    const { gateway, portal, regionalGateway, regionalPortal } = config.hostnames;
    return [gateway, portal, regionalGateway, regionalPortal];
}

/**
 * certificateArn, when set, is an ISSUED ACM certificate of the region covering every served name
 * (ACM API Reference, DescribeCertificate: ResourceNotFoundException for an unknown ARN;
 * CertificateDetail.Status PENDING_VALIDATION | ISSUED | INACTIVE | EXPIRED | VALIDATION_TIMED_OUT | REVOKED | FAILED).
 */
export async function certificateCheck(aws: PreflightAws, config: DeploymentConfig): Promise<CheckResult> {
    const check = "certificate";
    const arn = config.certificateArn;
    if (!arn) return skipped(check, "certificateArn unset: the stack requests a certificate and validates it in the hosted zone");
    let certificate;
    try {
        certificate = await aws.describeCertificate(arn);
    } catch (err) {
        if (errorName(err) === "ResourceNotFoundException") {
            return fail(check, "certificateArn", `${arn} does not exist in ${config.self.region} for this account (ResourceNotFoundException)`, `set ${fullKey("certificateArn")} to an ISSUED certificate of ${config.self.region}, or empty it to let the stack request one`);
        }
        return couldNotCheck(check, "certificateArn", "acm:DescribeCertificate", err);
    }
    const names = [certificate.domainName, ...certificate.subjectAlternativeNames];
    const uncovered = servedNames(config).filter((host) => !certificateCovers(names, host));
    if (certificate.status !== "ISSUED") {
        return fail(check, "certificateArn", `${arn} is ${certificate.status}, not ISSUED`, `complete its validation or set ${fullKey("certificateArn")} to an ISSUED certificate (or empty it to let the stack request one)`);
    }
    if (uncovered.length > 0) {
        return fail(check, "certificateArn", `${arn} does not cover ${uncovered.join(", ")} (it names ${[...new Set(names)].join(", ")})`, `use a certificate for ${servedNames(config).join(", ")} (or *.${config.dns.zoneName} and the zone), or empty ${fullKey("certificateArn")}`);
    }
    return ok(check, `${fullKey("certificateArn")} is ISSUED and covers ${servedNames(config).join(", ")}`);
}

/**
 * An existing VPC and its subnets exist, the subnets belong to it, and each tier spans two zones.
 * EC2 answers an unknown id with InvalidVpcID.NotFound / InvalidSubnetID.NotFound (EC2 API error codes).
 */
export async function existingNetworkChecks(aws: PreflightAws, config: DeploymentConfig): Promise<CheckResult[]> {
    const network = config.existingNetwork;
    if (!network) return [skipped("existing VPC", "vpcId unset: the stack creates its VPC")];
    const results: CheckResult[] = [];
    try {
        const vpcs = await aws.describeVpcs([network.vpcId]);
        results.push(vpcs.some((v) => v.vpcId === network.vpcId)
            ? ok("existing VPC", `${fullKey("vpcId")} ${network.vpcId} exists in ${config.self.region}`)
            : fail("existing VPC", "vpcId", `${network.vpcId} is not in ${config.self.region}`, `set ${fullKey("vpcId")} to a VPC of ${config.self.region}`));
    } catch (err) {
        if (errorName(err) !== "InvalidVpcID.NotFound") return [couldNotCheck("existing VPC", "vpcId", "ec2:DescribeVpcs", err)];
        results.push(fail("existing VPC", "vpcId", `${network.vpcId} does not exist in ${config.self.region} (InvalidVpcID.NotFound)`, `set ${fullKey("vpcId")} to a VPC of ${config.self.region}`));
    }
    for (const [tier, ids] of [["publicSubnetIds", network.publicSubnetIds], ["privateSubnetIds", network.privateSubnetIds]] as const) {
        const zones = new Set<string>();
        let tierOk = true;
        for (const [i, id] of ids.entries()) {
            const key = `${tier}[${i}]`;
            try {
                // One call per subnet: DescribeSubnets fails as a whole when any id is unknown.
                const [subnet] = await aws.describeSubnets([id]);
                if (!subnet) throw Object.assign(new Error(`no subnet ${id}`), { name: "InvalidSubnetID.NotFound" });
                if (subnet.vpcId !== network.vpcId) {
                    results.push(fail("existing subnets", key, `${id} is in ${subnet.vpcId}, not in ${network.vpcId}`, `list subnets of ${network.vpcId} in ${fullKey(tier)}`));
                    tierOk = false;
                }
                zones.add(subnet.availabilityZone);
            } catch (err) {
                tierOk = false;
                results.push(errorName(err) === "InvalidSubnetID.NotFound"
                    ? fail("existing subnets", key, `${id} does not exist in ${config.self.region} (InvalidSubnetID.NotFound)`, `list subnets of ${network.vpcId} in ${fullKey(tier)}`)
                    : couldNotCheck("existing subnets", key, "ec2:DescribeSubnets", err));
            }
        }
        if (tierOk && zones.size < 2) {
            results.push(fail("existing subnets", tier, `${ids.join(", ")} are all in ${[...zones].join(", ")}; the stack needs two Availability Zones`, `list subnets of two Availability Zones in ${fullKey(tier)}`));
        } else if (tierOk) {
            results.push(ok("existing subnets", `${fullKey(tier)} are in ${network.vpcId}, zones ${[...zones].sort().join(", ")}`));
        }
    }
    return results;
}

/**
 * The applied quota, or the AWS default when Service Quotas has no applied value (Service Quotas API
 * Reference, GetServiceQuota: throws NoSuchResourceException).
 */
export async function quotaLimit(aws: PreflightAws, spec: QuotaSpec, region: string): Promise<{ value: number; source: string }> {
    try {
        return { value: await aws.getServiceQuota(spec.serviceCode, spec.quotaCode), source: "applied" };
    } catch (err) {
        if (errorName(err) === "NoSuchResourceException") return { value: spec.defaultIn(region), source: "AWS default" };
        throw err;
    }
}

interface QuotaQuestion {
    spec: QuotaSpec;
    /** What the stack adds (per zone for a per-zone quota). */
    adding: number;
    /** What is in use now (and where, for a per-zone quota). */
    used: () => Promise<{ count: number; where?: string }>;
    /** The key whose setting avoids adding these resources, and how. */
    key: string;
    alternative: string;
    /** The plural noun the report uses. */
    noun: string;
    /** The IAM action of the usage call, for a call that fails. */
    usageAction: string;
}

async function quotaCheck(aws: PreflightAws, region: string, q: QuotaQuestion): Promise<CheckResult> {
    const check = `quota: ${q.spec.name}`;
    if (q.adding === 0) return skipped(check, `the planned stack adds no ${q.noun}`);
    let limit: { value: number; source: string };
    let used: { count: number; where?: string };
    try {
        limit = await quotaLimit(aws, q.spec, region);
    } catch (err) {
        return couldNotCheck(check, q.key, "servicequotas:GetServiceQuota", err);
    }
    try {
        used = await q.used();
    } catch (err) {
        return couldNotCheck(check, q.key, q.usageAction, err);
    }
    const sum = `${used.count} in use${used.where ? ` (${used.where})` : ""} + ${q.adding} the stack adds = ${used.count + q.adding}, quota ${limit.value} (${limit.source}, ${q.spec.serviceCode} ${q.spec.quotaCode})`;
    if (fitsQuota(limit.value, used.count, q.adding)) return ok(check, sum);
    return fail(check, q.key, `${sum}: not enough room in ${region}`,
        `request an increase (aws service-quotas request-service-quota-increase --region ${region} --service-code ${q.spec.serviceCode} --quota-code ${q.spec.quotaCode} --desired-value ${used.count + q.adding}), remove unused ${q.noun}, or ${q.alternative}`);
}

/** The four quotas the stack's resources count against, each with usage + what the plan adds ≤ quota. */
export async function quotaChecks(aws: PreflightAws, config: DeploymentConfig, planned: PlannedCounts): Promise<CheckResult[]> {
    const region = config.self.region;
    const existingVpc = `deploy into an existing VPC (${fullKey("vpcId")}, publicSubnetIds, privateSubnetIds)`;
    const questions: QuotaQuestion[] = [
        {
            spec: QUOTAS.vpcs, adding: planned.vpcs, key: "vpcId", alternative: existingVpc, noun: "VPCs", usageAction: "ec2:DescribeVpcs",
            used: async () => ({ count: (await aws.describeVpcs()).length }),
        },
        {
            spec: QUOTAS.elasticIps, adding: planned.elasticIps, key: "vpcId", alternative: existingVpc, noun: "Elastic IPs", usageAction: "ec2:DescribeAddresses",
            // EC2-Classic addresses (domain "standard") do not count against the VPC quota.
            used: async () => ({ count: (await aws.describeAddresses()).filter((a) => a.domain !== "standard").length }),
        },
        {
            spec: QUOTAS.natGatewaysPerAz, adding: natGatewaysAddedPerZone(planned.natGateways), key: "vpcId", alternative: existingVpc, noun: "NAT gateways", usageAction: "ec2:DescribeNatGateways and ec2:DescribeSubnets",
            used: async () => {
                const nats = await aws.describeNatGateways();
                const zoneOfSubnet = new Map<string, string>();
                for (const subnetId of new Set(nats.map((n) => n.subnetId))) {
                    // A NAT gateway's subnet names its zone; an unknown subnet leaves it in "(zone unknown)", counted together (an upper bound).
                    try {
                        for (const s of await aws.describeSubnets([subnetId])) zoneOfSubnet.set(s.subnetId, s.availabilityZone);
                    } catch (err) {
                        if (errorName(err) !== "InvalidSubnetID.NotFound") throw err;
                    }
                }
                const busiest = busiestZone(nats, zoneOfSubnet);
                return { count: busiest.count, where: busiest.zone ? `busiest zone ${busiest.zone}` : "no zone has one" };
            },
        },
        {
            spec: QUOTAS.dbInstances, adding: planned.dbInstances, key: "databaseKind", alternative: `run Oracle on your own host (${fullKey("databaseKind")}: ec2)`, noun: "DB instances", usageAction: "rds:DescribeAccountAttributes",
            // RDS API Reference, AccountQuota: DBInstances "Used" counts RDS, Aurora, Neptune and DocumentDB instances.
            used: async () => ({ count: await aws.rdsDbInstancesUsed() }),
        },
    ];
    const results: CheckResult[] = [];
    for (const q of questions) results.push(await quotaCheck(aws, region, q));
    return results;
}

/** Every check of one stack, in report order. */
export async function preflightStack(aws: PreflightAws, input: StackInput): Promise<CheckResult[]> {
    const { config } = input;
    const placeholders = placeholderChecks(input.values);
    const examples = new Set(placeholders.filter((r) => r.status === "FAIL").map((r) => r.key!));
    return [
        ...placeholders,
        ...await s3ObjectChecks(aws, config, examples),
        await hostedZoneCheck(aws, config, examples),
        ...await imageChecks(aws, config),
        ...await instanceTypeChecks(aws, config),
        await databaseClassCheck(aws, config),
        await certificateCheck(aws, config),
        ...await existingNetworkChecks(aws, config),
        ...await quotaChecks(aws, config, input.planned),
    ];
}

/** A report line; secret values (the caller's secret key, session token) are masked wherever they might appear. */
export function formatResult(stack: string, result: CheckResult, secrets: readonly string[] = []): string {
    const status = result.status.padEnd(7);
    const body = result.status === "FAIL"
        ? `${result.check}: ${result.key}: ${result.detail}. Fix: ${result.fix}`
        : `${result.check}: ${result.detail}`;
    return masked(`${status} ${stack}  ${body}`, secrets);
}

/** `line` with every secret value replaced by [secret] (short strings are no secret and would mask ordinary words). */
export function masked(line: string, secrets: readonly string[]): string {
    return secrets.filter((s) => s.length >= 8).reduce((text, secret) => text.split(secret).join("[secret]"), line);
}
