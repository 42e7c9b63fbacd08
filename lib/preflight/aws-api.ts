/**
 * The read-only AWS calls the preflight makes, as a small interface: tools/preflight/sdk.ts binds
 * it to the AWS SDK for JavaScript v3, the tests to fakes that answer as the real APIs do.
 *
 * Shapes are trimmed to the fields the checks read. Errors are thrown as the SDK throws them: an
 * object whose `name` is the service's error code (`InvalidAMIID.NotFound`, `NoSuchHostedZone`,
 * `NoSuchResourceException`, S3's `NotFound`/`Forbidden`) and whose `$metadata.httpStatusCode`
 * is the HTTP status.
 */

export interface HostedZone {
    /** As Route 53 returns it: `/hostedzone/Z…`. */
    id: string;
    /** Fully qualified, with the trailing dot: `example.com.`. */
    name: string;
    privateZone: boolean;
}

export interface HostedZonePage {
    zones: HostedZone[];
    isTruncated: boolean;
    nextDnsName?: string;
    nextZoneId?: string;
}

export interface Image {
    imageId: string;
    /** pending | available | invalid | deregistered | transient | failed | error | disabled */
    state: string;
    /** i386 | x86_64 | arm64 | x86_64_mac | arm64_mac */
    architecture: string;
}

export interface OrderableDbOption {
    engineVersion: string;
    storageType: string;
    multiAzCapable: boolean;
}

export interface Certificate {
    /** PENDING_VALIDATION | ISSUED | INACTIVE | EXPIRED | VALIDATION_TIMED_OUT | REVOKED | FAILED */
    status: string;
    domainName: string;
    /** Includes the domain name (ACM lists it among the alternative names). */
    subjectAlternativeNames: string[];
}

export interface Subnet {
    subnetId: string;
    vpcId: string;
    availabilityZone: string;
}

export interface NatGateway {
    natGatewayId: string;
    subnetId: string;
    /** pending | failed | available | deleting | deleted */
    state: string;
}

/** The calls of one region (Route 53 is global; S3 follows the bucket's region). */
export interface PreflightAws {
    /** Resolves credentials through the SDK's default chain; throws when it finds none. */
    credentials(): Promise<void>;
    /** S3 HeadObject; resolves when the object exists and the caller may read it. */
    headObject(bucket: string, key: string): Promise<void>;
    /** Route 53 ListHostedZonesByName: zones from `dnsName` (and `zoneId`) onwards, one page. */
    listHostedZonesByName(dnsName: string, zoneId?: string): Promise<HostedZonePage>;
    /** Route 53 GetHostedZone. */
    getHostedZone(zoneId: string): Promise<HostedZone>;
    /** EC2 DescribeImages of the given ids. */
    describeImages(imageIds: string[]): Promise<Image[]>;
    /** EC2 DescribeInstanceTypes: each type's supported architectures. */
    describeInstanceTypes(instanceTypes: string[]): Promise<{ instanceType: string; architectures: string[] }[]>;
    /** EC2 DescribeInstanceTypeOfferings with LocationType region: which of `instanceTypes` the region offers. */
    instanceTypesOfferedInRegion(instanceTypes: string[]): Promise<string[]>;
    /** RDS DescribeOrderableDBInstanceOptions (every page), VPC offerings only. */
    orderableDbInstanceOptions(query: { engine: string; instanceClass: string; licenseModel: string }): Promise<OrderableDbOption[]>;
    /** ACM DescribeCertificate. */
    describeCertificate(arn: string): Promise<Certificate>;
    /** EC2 DescribeVpcs: the given ids, or every VPC of the region without them. */
    describeVpcs(vpcIds?: string[]): Promise<{ vpcId: string }[]>;
    /** EC2 DescribeSubnets of the given ids. */
    describeSubnets(subnetIds: string[]): Promise<Subnet[]>;
    /** EC2 DescribeAddresses: every Elastic IP of the region. */
    describeAddresses(): Promise<{ allocationId: string; domain: string }[]>;
    /** EC2 DescribeNatGateways: every NAT gateway of the region, whatever its state. */
    describeNatGateways(): Promise<NatGateway[]>;
    /** Service Quotas GetServiceQuota: the applied value. */
    getServiceQuota(serviceCode: string, quotaCode: string): Promise<number>;
    /** RDS DescribeAccountAttributes: the `Used` of the `DBInstances` account quota. */
    rdsDbInstancesUsed(): Promise<number>;
}

/** The error code an SDK error carries (EC2's dotted codes included). */
export function errorName(err: unknown): string {
    const e = err as { name?: unknown; Code?: unknown } | null;
    return typeof e?.name === "string" && e.name !== "Error" ? e.name : typeof e?.Code === "string" ? e.Code : String(e?.name ?? "Error");
}

export function httpStatus(err: unknown): number | undefined {
    return (err as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
}

/** An error's code and message for a report line (messages of AWS errors name no secret). */
export function describeError(err: unknown): string {
    const message = (err as { message?: unknown } | null)?.message;
    const name = errorName(err);
    return typeof message === "string" && message !== "" && message !== name ? `${name}: ${message}` : name;
}
