/**
 * PreflightAws bound to the AWS SDK for JavaScript v3. Credentials and everything else come from
 * the SDK's default chain (environment, shared config and credentials files, SSO, web identity,
 * container or instance metadata). Every call here is a read.
 */
import { ACMClient, DescribeCertificateCommand } from "@aws-sdk/client-acm";
import {
    DescribeAddressesCommand, DescribeImagesCommand, DescribeInstanceTypesCommand, DescribeSubnetsCommand, EC2Client,
    paginateDescribeInstanceTypeOfferings, paginateDescribeNatGateways, paginateDescribeVpcs,
} from "@aws-sdk/client-ec2";
import { DescribeAccountAttributesCommand, paginateDescribeOrderableDBInstanceOptions, RDSClient } from "@aws-sdk/client-rds";
import { GetHostedZoneCommand, ListHostedZonesByNameCommand, Route53Client } from "@aws-sdk/client-route-53";
import { HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { GetServiceQuotaCommand, ServiceQuotasClient } from "@aws-sdk/client-service-quotas";
import { PreflightAws } from "../../lib/preflight/aws-api";

/** Every item of every page of an SDK paginator. */
async function allPages<P, T>(pages: AsyncIterable<P>, items: (page: P) => T[] | undefined): Promise<T[]> {
    const all: T[] = [];
    for await (const page of pages) all.push(...(items(page) ?? []));
    return all;
}

export function sdkAws(region: string): PreflightAws {
    const ec2 = new EC2Client({ region });
    // The bucket may be in another region: S3 answers 301 there, and the client retries in the bucket's region.
    const s3 = new S3Client({ region, followRegionRedirects: true });
    const route53 = new Route53Client({ region });
    const rds = new RDSClient({ region });
    const acm = new ACMClient({ region });
    const quotas = new ServiceQuotasClient({ region });
    return {
        async credentials() {
            await ec2.config.credentials();
        },
        async headObject(bucket, key) {
            await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        },
        async listHostedZonesByName(dnsName, zoneId) {
            const page = await route53.send(new ListHostedZonesByNameCommand({ DNSName: dnsName, HostedZoneId: zoneId, MaxItems: 100 }));
            return {
                zones: (page.HostedZones ?? []).map((z) => ({ id: z.Id ?? "", name: z.Name ?? "", privateZone: z.Config?.PrivateZone === true })),
                isTruncated: page.IsTruncated === true,
                nextDnsName: page.NextDNSName,
                nextZoneId: page.NextHostedZoneId,
            };
        },
        async getHostedZone(zoneId) {
            const { HostedZone: z } = await route53.send(new GetHostedZoneCommand({ Id: zoneId }));
            return { id: z?.Id ?? zoneId, name: z?.Name ?? "", privateZone: z?.Config?.PrivateZone === true };
        },
        async describeImages(imageIds) {
            const { Images } = await ec2.send(new DescribeImagesCommand({ ImageIds: imageIds }));
            return (Images ?? []).map((i) => ({ imageId: i.ImageId ?? "", state: i.State ?? "", architecture: i.Architecture ?? "" }));
        },
        async describeInstanceTypes(instanceTypes) {
            const { InstanceTypes } = await ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: instanceTypes as never[] }));
            return (InstanceTypes ?? []).map((t) => ({ instanceType: String(t.InstanceType), architectures: (t.ProcessorInfo?.SupportedArchitectures ?? []).map(String) }));
        },
        async instanceTypesOfferedInRegion(instanceTypes) {
            const offerings = await allPages(
                paginateDescribeInstanceTypeOfferings({ client: ec2 }, { LocationType: "region", Filters: [{ Name: "instance-type", Values: instanceTypes }] }),
                (page) => page.InstanceTypeOfferings,
            );
            return offerings.map((o) => String(o.InstanceType));
        },
        async orderableDbInstanceOptions({ engine, instanceClass, licenseModel }) {
            const options = await allPages(
                paginateDescribeOrderableDBInstanceOptions({ client: rds }, { Engine: engine, DBInstanceClass: instanceClass, LicenseModel: licenseModel, Vpc: true }),
                (page) => page.OrderableDBInstanceOptions,
            );
            return options.map((o) => ({ engineVersion: o.EngineVersion ?? "", storageType: o.StorageType ?? "", multiAzCapable: o.MultiAZCapable === true }));
        },
        async describeCertificate(arn) {
            const { Certificate: c } = await acm.send(new DescribeCertificateCommand({ CertificateArn: arn }));
            return { status: c?.Status ?? "", domainName: c?.DomainName ?? "", subjectAlternativeNames: c?.SubjectAlternativeNames ?? [] };
        },
        async describeVpcs(vpcIds) {
            const vpcs = await allPages(paginateDescribeVpcs({ client: ec2 }, { VpcIds: vpcIds }), (page) => page.Vpcs);
            return vpcs.map((v) => ({ vpcId: v.VpcId ?? "" }));
        },
        async describeSubnets(subnetIds) {
            const { Subnets } = await ec2.send(new DescribeSubnetsCommand({ SubnetIds: subnetIds }));
            return (Subnets ?? []).map((s) => ({ subnetId: s.SubnetId ?? "", vpcId: s.VpcId ?? "", availabilityZone: s.AvailabilityZone ?? "" }));
        },
        async describeAddresses() {
            const { Addresses } = await ec2.send(new DescribeAddressesCommand({}));
            return (Addresses ?? []).map((a) => ({ allocationId: a.AllocationId ?? "", domain: a.Domain ?? "" }));
        },
        async describeNatGateways() {
            const nats = await allPages(paginateDescribeNatGateways({ client: ec2 }, {}), (page) => page.NatGateways);
            return nats.map((n) => ({ natGatewayId: n.NatGatewayId ?? "", subnetId: n.SubnetId ?? "", state: n.State ?? "" }));
        },
        async getServiceQuota(serviceCode, quotaCode) {
            const { Quota } = await quotas.send(new GetServiceQuotaCommand({ ServiceCode: serviceCode, QuotaCode: quotaCode }));
            if (Quota?.Value === undefined) throw Object.assign(new Error(`no value for ${serviceCode} ${quotaCode}`), { name: "NoSuchResourceException" });
            return Quota.Value;
        },
        async rdsDbInstancesUsed() {
            const { AccountQuotas } = await rds.send(new DescribeAccountAttributesCommand({}));
            return Number(AccountQuotas?.find((q) => q.AccountQuotaName === "DBInstances")?.Used ?? 0);
        },
    };
}
