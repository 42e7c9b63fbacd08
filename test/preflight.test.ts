import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DeploymentConfig, parseConfig } from "../lib/config";
import { Certificate, HostedZone, HostedZonePage, Image, NatGateway, PreflightAws, Subnet } from "../lib/preflight/aws-api";
import {
    certificateCovers, CheckResult, formatResult, imageCheck, preflightStack, StackInput,
} from "../lib/preflight/checks";
import { fitsQuota, natGatewaysAddedPerZone, PlannedCounts, plannedCounts } from "../lib/preflight/quotas";
import { main } from "../tools/preflight/cli";
import { EXISTING_VPC, PROJECT_DIR, projectYamlWith, run, sourcesOf, stackConfig, STACKS } from "./harness";

const P = "wso2-apim-multi-dc";
const REAL = { wso2PackS3Uri: "s3://acme-apim-artifacts/wso2am-3.1.0.zip", hostedZoneName: "apis.acme.test", stackReferencePrefix: "acme/wso2-apim-multi-dc" };
const NODE_AMI = "ami-0123456789abcdef0";
const ARM_AMI = "ami-0fedcba9876543210";
const ORACLE_AMI = "ami-00000000000000001";
const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012";
const PLANNED: PlannedCounts = { vpcs: 1, elasticIps: 2, natGateways: 2, dbInstances: 1 };

/** An error as the AWS SDK throws it: the service's code as name, the HTTP status in $metadata. */
function awsError(name: string, httpStatusCode = 400, message = ""): Error {
    return Object.assign(new Error(message || name), { name, $metadata: { httpStatusCode } });
}

/** Route 53's order for ListHostedZonesByName: the name with its labels reversed (`com.example.`), then the id. */
const zoneOrder = (name: string) => `${name.replace(/\.$/, "").split(".").reverse().join(".")}.`;

/**
 * A pretend AWS account that answers as the real APIs are documented to, not only on the happy
 * path (see each method). Fields are the account's contents; tests change them.
 */
class FakeAccount implements PreflightAws {
    readonly calls: string[] = [];
    hasCredentials = true;
    /** bucket → keys. */
    objects = new Map<string, Set<string>>([["acme-apim-artifacts", new Set(["wso2am-3.1.0.zip", "gg/fbo_ggs_Linux_x64.zip", "oracle/basic.zip"])]]);
    /** Whether the caller holds s3:ListBucket (S3 then tells a missing key by 404, else 403). */
    canListBuckets = true;
    zones: HostedZone[] = [
        { id: "/hostedzone/Z0AAAAAAAAAAAAAAAAAA1", name: "acme.test.", privateZone: false },
        { id: "/hostedzone/Z0AAAAAAAAAAAAAAAAAA2", name: "apis.acme.test.", privateZone: false },
        { id: "/hostedzone/Z0AAAAAAAAAAAAAAAAAA3", name: "www.apis.acme.test.", privateZone: false },
        { id: "/hostedzone/Z0AAAAAAAAAAAAAAAAAA4", name: "zeta.test.", privateZone: false },
    ];
    zonePageSize = 100;
    images = new Map<string, Image>([
        [NODE_AMI, { imageId: NODE_AMI, state: "available", architecture: "x86_64" }],
        [ARM_AMI, { imageId: ARM_AMI, state: "available", architecture: "arm64" }],
        [ORACLE_AMI, { imageId: ORACLE_AMI, state: "available", architecture: "x86_64" }],
    ]);
    /** Recently deregistered: DescribeImages answers an empty list for a while. */
    deregistered = new Set<string>();
    architectures = new Map<string, string[]>([
        ["m6i.xlarge", ["x86_64"]], ["m6i.large", ["x86_64"]], ["r6i.xlarge", ["x86_64"]], ["m6g.large", ["arm64"]], ["m6g.xlarge", ["arm64"]],
    ]);
    offered = new Set(["m6i.xlarge", "m6i.large", "r6i.xlarge", "m6g.large", "m6g.xlarge"]);
    orderable = [
        { engine: "oracle-se2", instanceClass: "db.m5.large", licenseModel: "license-included", engineVersion: "19.0.0.0.ru-2025-01.rur-2025-01.r1", storageType: "gp3", multiAzCapable: true },
        { engine: "oracle-se2", instanceClass: "db.m5.large", licenseModel: "license-included", engineVersion: "19.0.0.0.ru-2025-01.rur-2025-01.r1", storageType: "gp2", multiAzCapable: true },
        { engine: "oracle-ee", instanceClass: "db.r5.large", licenseModel: "bring-your-own-license", engineVersion: "19.0.0.0.ru-2025-01.rur-2025-01.r1", storageType: "gp3", multiAzCapable: true },
    ];
    certificates = new Map<string, Certificate>([[CERT, { status: "ISSUED", domainName: "apis.acme.test", subjectAlternativeNames: ["apis.acme.test", "*.apis.acme.test"] }]]);
    vpcs = ["vpc-0aaaaaaaaaaaaaaaa", EXISTING_VPC.vpcId];
    subnets: Subnet[] = [
        { subnetId: EXISTING_VPC.publicSubnetIds[0], vpcId: EXISTING_VPC.vpcId, availabilityZone: "us-east-1a" },
        { subnetId: EXISTING_VPC.publicSubnetIds[1], vpcId: EXISTING_VPC.vpcId, availabilityZone: "us-east-1b" },
        { subnetId: EXISTING_VPC.privateSubnetIds[0], vpcId: EXISTING_VPC.vpcId, availabilityZone: "us-east-1a" },
        { subnetId: EXISTING_VPC.privateSubnetIds[1], vpcId: EXISTING_VPC.vpcId, availabilityZone: "us-east-1b" },
    ];
    addresses: { allocationId: string; domain: string }[] = [{ allocationId: "eipalloc-1", domain: "vpc" }];
    natGateways: NatGateway[] = [];
    /** `<service>/<code>` → applied value; a quota not here answers NoSuchResourceException. */
    appliedQuotas = new Map<string, number>();
    rdsUsed = 0;

    async credentials() {
        this.calls.push("credentials");
        if (!this.hasCredentials) throw awsError("CredentialsProviderError", 0, "Could not load credentials from any providers");
    }

    /** HeadObject: 404 NotFound for a missing bucket or key when the caller may list the bucket, 403 Forbidden otherwise (it has no body, so no code beyond the status). */
    async headObject(bucket: string, key: string) {
        this.calls.push(`s3:HeadObject ${bucket}/${key}`);
        if (this.objects.get(bucket)?.has(key)) return;
        throw this.canListBuckets ? awsError("NotFound", 404, "UnknownError") : awsError("Forbidden", 403, "UnknownError");
    }

    /** ListHostedZonesByName: every zone from `dnsName` (then `zoneId`) onwards in Route 53's order, not only exact matches; names end with a dot. */
    async listHostedZonesByName(dnsName: string, zoneId?: string): Promise<HostedZonePage> {
        this.calls.push(`route53:ListHostedZonesByName ${dnsName}`);
        const sorted = [...this.zones].sort((a, b) => zoneOrder(a.name).localeCompare(zoneOrder(b.name)) || a.id.localeCompare(b.id));
        const from = sorted.filter((z) => zoneOrder(z.name) > zoneOrder(dnsName) || (zoneOrder(z.name) === zoneOrder(dnsName) && (!zoneId || z.id.replace("/hostedzone/", "") >= zoneId.replace("/hostedzone/", ""))));
        const page = from.slice(0, this.zonePageSize);
        const next = from[this.zonePageSize];
        return { zones: page, isTruncated: next !== undefined, nextDnsName: next?.name, nextZoneId: next?.id.replace("/hostedzone/", "") };
    }

    async getHostedZone(zoneId: string) {
        this.calls.push(`route53:GetHostedZone ${zoneId}`);
        const zone = this.zones.find((z) => z.id === `/hostedzone/${zoneId}`);
        if (!zone) throw awsError("NoSuchHostedZone", 404, `No hosted zone found with ID: ${zoneId}`);
        return zone;
    }

    /** DescribeImages: a malformed id throws InvalidAMIID.Malformed, an unknown one InvalidAMIID.NotFound, a recently deregistered one answers nothing. */
    async describeImages(imageIds: string[]) {
        this.calls.push(`ec2:DescribeImages ${imageIds.join(",")}`);
        for (const id of imageIds) {
            if (!/^ami-([0-9a-f]{8}|[0-9a-f]{17})$/.test(id)) throw awsError("InvalidAMIID.Malformed", 400, `Invalid id: "${id}"`);
            if (!this.images.has(id) && !this.deregistered.has(id)) throw awsError("InvalidAMIID.NotFound", 400, `The image id '[${id}]' does not exist`);
        }
        return imageIds.filter((id) => !this.deregistered.has(id)).map((id) => this.images.get(id)!);
    }

    async describeInstanceTypes(instanceTypes: string[]) {
        this.calls.push(`ec2:DescribeInstanceTypes ${instanceTypes.join(",")}`);
        const unknown = instanceTypes.filter((t) => !this.architectures.has(t));
        if (unknown.length > 0) throw awsError("InvalidInstanceType", 400, `The following supplied instance types do not exist: [${unknown.join(", ")}]`);
        return instanceTypes.map((t) => ({ instanceType: t, architectures: this.architectures.get(t)! }));
    }

    /** DescribeInstanceTypeOfferings (LocationType region, filter instance-type): the filter's types the region offers; an unoffered type is simply absent. */
    async instanceTypesOfferedInRegion(instanceTypes: string[]) {
        this.calls.push(`ec2:DescribeInstanceTypeOfferings region ${instanceTypes.join(",")}`);
        return instanceTypes.filter((t) => this.offered.has(t));
    }

    async orderableDbInstanceOptions(query: { engine: string; instanceClass: string; licenseModel: string }) {
        this.calls.push(`rds:DescribeOrderableDBInstanceOptions ${query.engine} ${query.instanceClass} ${query.licenseModel}`);
        return this.orderable.filter((o) => o.engine === query.engine && o.instanceClass === query.instanceClass && o.licenseModel === query.licenseModel);
    }

    async describeCertificate(arn: string) {
        this.calls.push(`acm:DescribeCertificate ${arn}`);
        const certificate = this.certificates.get(arn);
        if (!certificate) throw awsError("ResourceNotFoundException", 400, `Could not find certificate ${arn}.`);
        return certificate;
    }

    /** DescribeVpcs: an unknown id fails the whole call with InvalidVpcID.NotFound. */
    async describeVpcs(vpcIds?: string[]) {
        this.calls.push(`ec2:DescribeVpcs ${vpcIds?.join(",") ?? "(all)"}`);
        const missing = (vpcIds ?? []).filter((id) => !this.vpcs.includes(id));
        if (missing.length > 0) throw awsError("InvalidVpcID.NotFound", 400, `The vpc ID '${missing[0]}' does not exist`);
        return (vpcIds ?? this.vpcs).map((vpcId) => ({ vpcId }));
    }

    /** DescribeSubnets: an unknown id fails the whole call with InvalidSubnetID.NotFound. */
    async describeSubnets(subnetIds: string[]) {
        this.calls.push(`ec2:DescribeSubnets ${subnetIds.join(",")}`);
        const found = subnetIds.map((id) => this.subnets.find((s) => s.subnetId === id));
        if (found.some((s) => !s)) throw awsError("InvalidSubnetID.NotFound", 400, `The subnet ID '${subnetIds[found.indexOf(undefined)]}' does not exist`);
        return found as Subnet[];
    }

    async describeAddresses() {
        this.calls.push("ec2:DescribeAddresses");
        return this.addresses;
    }

    /** DescribeNatGateways without a filter lists every state, deleted and failed ones included (they stay visible for a while). */
    async describeNatGateways() {
        this.calls.push("ec2:DescribeNatGateways");
        return this.natGateways;
    }

    /** GetServiceQuota: NoSuchResourceException when the account has no applied value for the quota. */
    async getServiceQuota(serviceCode: string, quotaCode: string) {
        this.calls.push(`servicequotas:GetServiceQuota ${serviceCode} ${quotaCode}`);
        const value = this.appliedQuotas.get(`${serviceCode}/${quotaCode}`);
        if (value === undefined) throw awsError("NoSuchResourceException", 400, "The request failed because the specified service does not exist.");
        return value;
    }

    async rdsDbInstancesUsed() {
        this.calls.push("rds:DescribeAccountAttributes");
        return this.rdsUsed;
    }
}

/** A stack's validated config with real (non-example) shared values and `overrides`. */
function configOf(overrides: Record<string, unknown> = {}, stack = "us-east"): { config: DeploymentConfig; values: Record<string, unknown> } {
    const loaded = stackConfig(stack, { ...REAL, ...overrides });
    const sources = sourcesOf(loaded);
    return { config: parseConfig(sources.project, sources.aws, stack), values: loaded.values };
}

function inputOf(overrides: Record<string, unknown> = {}, planned: PlannedCounts = PLANNED): StackInput {
    return { stack: "us-east", ...configOf(overrides), planned };
}

async function check(account: FakeAccount, overrides: Record<string, unknown> = {}, planned?: PlannedCounts): Promise<CheckResult[]> {
    return preflightStack(account, inputOf(overrides, planned));
}

const failures = (results: CheckResult[]) => results.filter((r) => r.status === "FAIL");
const named = (results: CheckResult[], check: string) => results.filter((r) => r.check === check);
const only = (results: CheckResult[], check: string): CheckResult => {
    const found = named(results, check);
    assert.equal(found.length, 1, `one "${check}" result, got ${JSON.stringify(results.map((r) => r.check))}`);
    return found[0];
};

describe("preflight (issue 22, item 2)", function () {
    this.timeout(120_000);

    it("passes a stack whose account has everything it names, and reports each check", async () => {
        const results = await check(new FakeAccount());
        assert.deepEqual(failures(results), []);
        assert.equal(only(results, "wso2 pack").status, "ok");
        assert.equal(only(results, "hosted zone").detail, `${P}:hostedZoneName apis.acme.test is a public zone (Z0AAAAAAAAAAAAAAAAAA2)`);
        assert.equal(only(results, "database class").status, "ok");
        for (const skippedCheck of ["goldengate installer", "image: APIM nodes", "certificate", "existing VPC"]) assert.equal(only(results, skippedCheck).status, "skipped", skippedCheck);
        assert.deepEqual(named(results, "quota: VPCs per Region").map((r) => r.status), ["ok"]);
    });

    it("fails on every setting still at its shipped example, and does not look them up", async () => {
        const account = new FakeAccount();
        const shipped = stackConfig("us-east");
        const sources = sourcesOf(shipped);
        const results = await preflightStack(account, { stack: "us-east", config: parseConfig(sources.project, sources.aws, "us-east"), values: shipped.values, planned: PLANNED });
        assert.deepEqual(failures(results).map((r) => r.key), [`${P}:wso2PackS3Uri`, `${P}:hostedZoneName`]);
        assert.match(formatResult("us-east", failures(results)[0]), /^FAIL {4}us-east {2}shipped examples: wso2-apim-multi-dc:wso2PackS3Uri: is still the shipped example "s3:\/\/example-wso2-artifacts\/wso2am-3\.1\.0\.zip" \(Pulumi\.yaml\)\. Fix: set it to the s3:\/\/ address of your wso2am-3\.1\.0\.zip/);
        assert.equal(only(results, "wso2 pack").status, "skipped");
        assert.equal(only(results, "hosted zone").status, "skipped");
        assert.ok(!account.calls.some((c) => c.startsWith("s3:") || c.startsWith("route53:")), account.calls.join("\n"));
    });

    describe("S3 objects", () => {
        it("a missing pack is a failure naming wso2PackS3Uri: 404 with s3:ListBucket, 403 (most likely missing) without", async () => {
            const account = new FakeAccount();
            account.objects.get("acme-apim-artifacts")!.delete("wso2am-3.1.0.zip");
            const notFound = only(await check(account), "wso2 pack");
            assert.equal(notFound.status, "FAIL");
            assert.equal(notFound.key, `${P}:wso2PackS3Uri`);
            assert.match(notFound.detail, /does not exist \(HeadObject: 404 Not Found/);

            account.canListBuckets = false;
            const forbidden = only(await check(account), "wso2 pack");
            assert.equal(forbidden.status, "FAIL");
            assert.equal(forbidden.key, `${P}:wso2PackS3Uri`);
            assert.match(forbidden.detail, /403 Forbidden\)\. Most likely the key does not exist: S3 answers 403 instead of 404 for a missing key when the caller lacks s3:ListBucket/);
            assert.match(forbidden.fix!, /s3:GetObject/);
        });

        it("a missing bucket fails as well; an object present passes", async () => {
            const account = new FakeAccount();
            const missingBucket = only(await check(account, { wso2PackS3Uri: "s3://no-such-bucket-acme/wso2am-3.1.0.zip" }), "wso2 pack");
            assert.equal(missingBucket.status, "FAIL");
            assert.ok(account.calls.includes("s3:HeadObject no-such-bucket-acme/wso2am-3.1.0.zip"));
            assert.equal(only(await check(account), "wso2 pack").status, "ok");
        });

        it("checks the GoldenGate installer and the s3:// Oracle client zips, naming their keys; https:// zips are skipped", async () => {
            const account = new FakeAccount();
            const results = await check(account, {
                goldengateLicense: "byol",
                goldengateInstallerS3Uri: "s3://acme-apim-artifacts/gg/missing.zip",
                oracleClientZips: ["s3://acme-apim-artifacts/oracle/basic.zip", "s3://acme-apim-artifacts/oracle/sqlplus.zip", "https://download.oracle.com/x/sqlplus.zip"]
                    .map((url) => ({ url, sha256: "0".repeat(64) })),
            });
            assert.deepEqual(failures(results).map((r) => r.key), [`${P}:goldengateInstallerS3Uri`, `${P}:oracleClientZips[1]`]);
            assert.deepEqual(named(results, "oracle client zip").map((r) => r.status), ["ok", "FAIL", "skipped"]);
        });
    });

    describe("hosted zone", () => {
        it("takes only an exact public match from ListHostedZonesByName, which lists names from the given one onwards", async () => {
            const account = new FakeAccount();
            // Zones after the name (a subdomain, a later name) are listed too: they are not the zone.
            account.zones = account.zones.filter((z) => z.name !== "apis.acme.test.");
            const missing = only(await check(account), "hosted zone");
            assert.equal(missing.status, "FAIL");
            assert.equal(missing.key, `${P}:hostedZoneName`);
            assert.match(missing.detail, /^no public hosted zone apis\.acme\.test in this account$/);
        });

        it("a private zone of that name is not enough; two public ones need hostedZoneId", async () => {
            const account = new FakeAccount();
            account.zones = account.zones.map((z) => (z.name === "apis.acme.test." ? { ...z, privateZone: true } : z));
            assert.match(only(await check(account), "hosted zone").detail, /only a private zone of that name: Z0AAAAAAAAAAAAAAAAAA2/);

            account.zones.push({ id: "/hostedzone/Z0AAAAAAAAAAAAAAAAAA5", name: "apis.acme.test.", privateZone: false }, { id: "/hostedzone/Z0AAAAAAAAAAAAAAAAAA6", name: "apis.acme.test.", privateZone: false });
            const ambiguous = only(await check(account), "hosted zone");
            assert.equal(ambiguous.key, `${P}:hostedZoneId`);
            assert.match(ambiguous.detail, /^2 public zones are named apis\.acme\.test \(Z0AAAAAAAAAAAAAAAAAA5, Z0AAAAAAAAAAAAAAAAAA6\)/);
        });

        it("reads further pages while they still hold the name", async () => {
            const account = new FakeAccount();
            account.zonePageSize = 1;
            account.zones.push({ id: "/hostedzone/Z0AAAAAAAAAAAAAAAAAA0", name: "apis.acme.test.", privateZone: true });
            const found = only(await check(account), "hosted zone");
            assert.equal(found.status, "ok", found.detail);
            assert.equal(account.calls.filter((c) => c.startsWith("route53:ListHostedZonesByName")).length, 2);
        });

        it("with hostedZoneId: GetHostedZone must find a public zone of hostedZoneName", async () => {
            const account = new FakeAccount();
            assert.equal(only(await check(account, { hostedZoneId: "Z0AAAAAAAAAAAAAAAAAA2" }), "hosted zone").status, "ok");
            const wrongZone = only(await check(account, { hostedZoneId: "Z0AAAAAAAAAAAAAAAAAA1" }), "hosted zone");
            assert.equal(wrongZone.key, `${P}:hostedZoneId`);
            assert.match(wrongZone.detail, /is acme\.test, not hostedZoneName apis\.acme\.test/);
            const missing = only(await check(account, { hostedZoneId: "Z0BBBBBBBBBBBBBBBBBBB" }), "hosted zone");
            assert.equal(missing.key, `${P}:hostedZoneId`);
            assert.match(missing.detail, /NoSuchHostedZone/);
        });
    });

    describe("images", () => {
        it("a pinned node AMI must exist in the region (InvalidAMIID.NotFound), be visible (a deregistered one answers nothing) and available", async () => {
            const account = new FakeAccount();
            assert.equal(only(await check(account, { nodeAmiId: NODE_AMI }), "image: APIM nodes").status, "ok");

            const unknown = only(await check(account, { nodeAmiId: "ami-0abcdefabcdefabcd" }), "image: APIM nodes");
            assert.equal(unknown.key, `${P}:nodeAmiId`);
            assert.match(unknown.detail, /does not exist in us-east-1 .*InvalidAMIID\.NotFound/);

            account.images.delete(NODE_AMI);
            account.deregistered.add(NODE_AMI);
            const gone = only(await check(account, { nodeAmiId: NODE_AMI }), "image: APIM nodes");
            assert.equal(gone.key, `${P}:nodeAmiId`);
            assert.match(gone.detail, /DescribeImages returned no image/);

            account.deregistered.clear();
            account.images.set(NODE_AMI, { imageId: NODE_AMI, state: "pending", architecture: "x86_64" });
            assert.match(only(await check(account, { nodeAmiId: NODE_AMI }), "image: APIM nodes").detail, /is pending, not available/);
        });

        it("a malformed id is reported as such", async () => {
            const result = await imageCheck(new FakeAccount(), "us-east-1", { host: "APIM nodes", amiKey: "nodeAmiId", amiId: "ami-xyz", typeKey: "nodeInstanceType", instanceType: "m6i.xlarge" });
            assert.equal(result.key, `${P}:nodeAmiId`);
            assert.match(result.detail, /InvalidAMIID\.Malformed/);
        });

        it("the image's architecture must match the instance type's, the hub's too (it boots the node image without one of its own)", async () => {
            const account = new FakeAccount();
            const arm = only(await check(account, { nodeAmiId: ARM_AMI }), "image: APIM nodes");
            assert.equal(arm.key, `${P}:nodeAmiId`);
            assert.match(arm.detail, /is arm64, but wso2-apim-multi-dc:nodeInstanceType m6i\.xlarge runs x86_64/);

            // Graviton nodes on their arm64 image; the hub (x86-64 only: a Graviton hub type is refused) boots that image.
            const hub = only(await check(account, { nodeAmiId: ARM_AMI, nodeInstanceType: "m6g.xlarge", goldengateLicense: "byol", goldengateInstallerS3Uri: "s3://acme-apim-artifacts/gg/fbo_ggs_Linux_x64.zip", goldengateInstanceType: "m6i.large" }), "image: GoldenGate hub");
            assert.equal(hub.status, "FAIL");
            assert.equal(hub.key, `${P}:nodeAmiId`);
            assert.match(hub.detail, /goldengateInstanceType m6i\.large runs x86_64/);
        });

        it("the Oracle host's AMI is checked with databaseKind ec2", async () => {
            const account = new FakeAccount();
            const results = await check(account, { databaseKind: "ec2", databaseAmiId: ORACLE_AMI }, { ...PLANNED, dbInstances: 0 });
            assert.equal(only(results, "image: Oracle host").status, "ok");
            account.images.delete(ORACLE_AMI);
            assert.equal(only(await check(account, { databaseKind: "ec2", databaseAmiId: ORACLE_AMI }), "image: Oracle host").key, `${P}:databaseAmiId`);
        });
    });

    describe("instance types and the RDS class", () => {
        it("every launched type must be offered in the region (DescribeInstanceTypeOfferings, location type region)", async () => {
            const account = new FakeAccount();
            account.offered.delete("r6i.xlarge");
            const results = await check(account, { databaseKind: "ec2", databaseAmiId: ORACLE_AMI });
            assert.deepEqual(named(results, "instance type").map((r) => [r.status, r.key ?? ""]), [["ok", ""], ["FAIL", `${P}:databaseInstanceType`]]);
            assert.ok(account.calls.includes("ec2:DescribeInstanceTypeOfferings region m6i.xlarge,r6i.xlarge"), account.calls.join("\n"));
        });

        it("the RDS class must be orderable for the engine, licence, version 19, gp3 and Multi-AZ the program uses", async () => {
            const account = new FakeAccount();
            assert.ok((await check(account)).some((r) => r.check === "database class" && r.status === "ok"));
            assert.ok(account.calls.includes("rds:DescribeOrderableDBInstanceOptions oracle-se2 db.m5.large license-included"));

            const notOffered = only(await check(account, { databaseInstanceClass: "db.x2g.large" }), "database class");
            assert.equal(notOffered.key, `${P}:databaseInstanceClass`);
            assert.match(notOffered.detail, /db\.x2g\.large cannot be ordered in us-east-1 for oracle-se2 19 \(license-included, gp3, Multi-AZ\)$/);

            account.orderable = account.orderable.map((o) => ({ ...o, storageType: "gp2" }));
            assert.equal(only(await check(account), "database class").status, "FAIL");
            account.orderable = account.orderable.map((o) => ({ ...o, storageType: "gp3", multiAzCapable: false }));
            assert.equal(only(await check(account), "database class").status, "FAIL");
            assert.equal(only(await check(account, { databaseMultiAz: false }), "database class").status, "ok");
            account.orderable = account.orderable.map((o) => ({ ...o, multiAzCapable: true, engineVersion: "21.0.0.0.ru-2024-01.rur-2024-01.r1" }));
            assert.match(only(await check(account), "database class").detail, /only for other versions/);
        });
    });

    describe("certificate", () => {
        it("covers a name exactly or by a wildcard of one label", () => {
            assert.ok(certificateCovers(["*.example.com"], "gateway.example.com"));
            assert.ok(!certificateCovers(["*.example.com"], "example.com"));
            assert.ok(!certificateCovers(["*.example.com"], "a.gateway.example.com"));
            assert.ok(certificateCovers(["Gateway.Example.com"], "gateway.example.com"));
        });

        it("must be ISSUED, exist in the region and cover the four names the ALB serves", async () => {
            const account = new FakeAccount();
            assert.equal(only(await check(account, { certificateArn: CERT }), "certificate").status, "ok");

            account.certificates.set(CERT, { status: "ISSUED", domainName: "gateway.apis.acme.test", subjectAlternativeNames: ["gateway.apis.acme.test", "apim.apis.acme.test"] });
            const partial = only(await check(account, { certificateArn: CERT }), "certificate");
            assert.equal(partial.key, `${P}:certificateArn`);
            assert.match(partial.detail, /does not cover gateway-us-east-1\.apis\.acme\.test, apim-us-east-1\.apis\.acme\.test/);

            account.certificates.set(CERT, { status: "PENDING_VALIDATION", domainName: "apis.acme.test", subjectAlternativeNames: ["*.apis.acme.test"] });
            assert.match(only(await check(account, { certificateArn: CERT }), "certificate").detail, /is PENDING_VALIDATION, not ISSUED/);

            account.certificates.clear();
            const missing = only(await check(account, { certificateArn: CERT }), "certificate");
            assert.equal(missing.key, `${P}:certificateArn`);
            assert.match(missing.detail, /ResourceNotFoundException/);
        });
    });

    describe("existing VPC", () => {
        const planned = { vpcs: 0, elasticIps: 0, natGateways: 0, dbInstances: 1 };

        it("passes when the VPC and subnets exist, belong together and span two zones", async () => {
            const results = await check(new FakeAccount(), EXISTING_VPC, planned);
            assert.deepEqual(failures(results), []);
            assert.deepEqual([...named(results, "existing VPC"), ...named(results, "existing subnets")].map((r) => r.status), ["ok", "ok", "ok"]);
        });

        it("names vpcId, the missing subnet, a subnet of another VPC and a tier in one zone", async () => {
            const account = new FakeAccount();
            account.vpcs = ["vpc-0aaaaaaaaaaaaaaaa"];
            account.subnets = account.subnets
                .filter((s) => s.subnetId !== EXISTING_VPC.privateSubnetIds[1])
                .map((s) => (s.subnetId === EXISTING_VPC.publicSubnetIds[1] ? { ...s, availabilityZone: "us-east-1a" } : s))
                .map((s) => (s.subnetId === EXISTING_VPC.privateSubnetIds[0] ? { ...s, vpcId: "vpc-0aaaaaaaaaaaaaaaa" } : s));
            const results = await check(account, EXISTING_VPC, planned);
            assert.deepEqual(failures(results).map((r) => r.key), [
                `${P}:vpcId`, `${P}:publicSubnetIds`, `${P}:privateSubnetIds[0]`, `${P}:privateSubnetIds[1]`,
            ]);
            assert.match(failures(results)[0].detail, /InvalidVpcID\.NotFound/);
            assert.match(failures(results)[3].detail, /InvalidSubnetID\.NotFound/);
        });
    });

    describe("quotas", () => {
        it("usage + what the stack adds must stay within the quota (at the quota passes, one over fails)", () => {
            assert.ok(fitsQuota(5, 3, 2));
            assert.ok(!fitsQuota(5, 4, 2));
            assert.equal(natGatewaysAddedPerZone(2), 1);
            assert.equal(natGatewaysAddedPerZone(3), 2);
        });

        it("Elastic IPs: AWS default 5 when Service Quotas has no applied value; 4 in use + 2 fails naming vpcId", async () => {
            const account = new FakeAccount();
            account.addresses = [1, 2, 3].map((i) => ({ allocationId: `eipalloc-${i}`, domain: "vpc" }));
            const fits = only(await check(account), "quota: EC2-VPC Elastic IPs");
            assert.equal(fits.status, "ok");
            assert.equal(fits.detail, "3 in use + 2 the stack adds = 5, quota 5 (AWS default, ec2 L-0263D0A3)");

            account.addresses.push({ allocationId: "eipalloc-4", domain: "vpc" });
            const over = only(await check(account), "quota: EC2-VPC Elastic IPs");
            assert.equal(over.status, "FAIL");
            assert.equal(over.key, `${P}:vpcId`);
            assert.match(over.fix!, /--service-code ec2 --quota-code L-0263D0A3 --desired-value 6/);

            account.appliedQuotas.set("ec2/L-0263D0A3", 10);
            assert.match(only(await check(account), "quota: EC2-VPC Elastic IPs").detail, /quota 10 \(applied/);
        });

        it("NAT gateways count per zone in the pending, available and deleting states only", async () => {
            const account = new FakeAccount();
            const subnetInZone = (zone: string) => `subnet-0${zone.slice(-1).repeat(16)}`;
            account.subnets.push(...["us-east-1a", "us-east-1b"].map((zone) => ({ subnetId: subnetInZone(zone), vpcId: "vpc-0aaaaaaaaaaaaaaaa", availabilityZone: zone })));
            const nat = (i: number, zone: string, state: string) => ({ natGatewayId: `nat-${i}`, subnetId: subnetInZone(zone), state });
            account.natGateways = [nat(1, "us-east-1a", "available"), nat(2, "us-east-1a", "pending"), nat(3, "us-east-1a", "deleting"), nat(4, "us-east-1a", "available"),
                nat(5, "us-east-1a", "deleted"), nat(6, "us-east-1a", "failed"), nat(7, "us-east-1b", "available")];
            const fits = only(await check(account), "quota: NAT gateways per Availability Zone");
            assert.equal(fits.detail, "4 in use (busiest zone us-east-1a) + 1 the stack adds = 5, quota 5 (AWS default, vpc L-FE5A380F)");

            account.natGateways.push(nat(8, "us-east-1a", "available"));
            const over = only(await check(account), "quota: NAT gateways per Availability Zone");
            assert.equal(over.status, "FAIL");
            assert.equal(over.key, `${P}:vpcId`);
        });

        it("VPCs and RDS DB instances: usage from DescribeVpcs and DescribeAccountAttributes", async () => {
            const account = new FakeAccount();
            account.vpcs = ["vpc-1", "vpc-2", "vpc-3", "vpc-4", "vpc-5"];
            account.rdsUsed = 40;
            const results = await check(account);
            assert.equal(only(results, "quota: VPCs per Region").key, `${P}:vpcId`);
            const rds = only(results, "quota: DB instances");
            assert.equal(rds.key, `${P}:databaseKind`);
            assert.equal(rds.detail, "40 in use + 1 the stack adds = 41, quota 40 (AWS default, rds L-7B6409FD): not enough room in us-east-1");
        });

        it("a call the caller may not make fails the check, naming the key and the IAM action (not a pass)", async () => {
            const account = new FakeAccount();
            account.getServiceQuota = async () => {
                throw awsError("AccessDeniedException", 400, "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: servicequotas:GetServiceQuota");
            };
            account.describeAddresses = async () => {
                throw awsError("UnauthorizedOperation", 403, "You are not authorized to perform this operation.");
            };
            const rds = only(await check(account), "quota: DB instances");
            assert.equal(rds.status, "FAIL");
            assert.equal(rds.key, `${P}:databaseKind`);
            assert.match(rds.detail, /^could not be checked: servicequotas:GetServiceQuota failed \(AccessDeniedException: User: /);
            account.appliedQuotas.set("ec2/L-0263D0A3", 5);
            delete (account as Partial<FakeAccount>).getServiceQuota;
            assert.match(only(await check(account), "quota: EC2-VPC Elastic IPs").detail, /^could not be checked: ec2:DescribeAddresses failed \(UnauthorizedOperation/);
        });

        it("a quota the stack adds nothing to is skipped without a call", async () => {
            const account = new FakeAccount();
            const results = await check(account, EXISTING_VPC, { vpcs: 0, elasticIps: 0, natGateways: 0, dbInstances: 0 });
            assert.deepEqual(results.filter((r) => r.check.startsWith("quota:")).map((r) => r.status), ["skipped", "skipped", "skipped", "skipped"]);
            assert.ok(!account.calls.some((c) => c.startsWith("servicequotas:")));
        });

        it("counts what the planned stack declares: a new VPC with two NAT gateways and their addresses, one RDS instance; none of the network with an existing VPC", async () => {
            assert.deepEqual(plannedCounts((await run("us-east")).resources), { vpcs: 1, elasticIps: 2, natGateways: 2, dbInstances: 1 });
            assert.deepEqual(plannedCounts((await run("us-east", EXISTING_VPC)).resources), { vpcs: 0, elasticIps: 0, natGateways: 0, dbInstances: 1 });
        });
    });

    describe("the command", () => {
        let configDir: string;
        before(() => {
            configDir = fs.mkdtempSync(path.join(os.tmpdir(), "preflight-"));
            fs.writeFileSync(path.join(configDir, "Pulumi.yaml"), projectYamlWith(REAL));
            for (const stack of STACKS) fs.copyFileSync(path.join(PROJECT_DIR, `Pulumi.${stack}.yaml`), path.join(configDir, `Pulumi.${stack}.yaml`));
        });
        after(() => fs.rmSync(configDir, { recursive: true, force: true }));

        async function preflight(account: FakeAccount, args: string[], env: NodeJS.ProcessEnv = {}) {
            const out: string[] = [];
            const err: string[] = [];
            const code = await main(["--config-dir", configDir, ...args], { awsFor: () => account, out: (l) => out.push(l), err: (l) => err.push(l), env });
            return { code, out, err };
        }

        it("exits 0 when every check passes, 1 on a failure, and prints one line per check", async () => {
            const account = new FakeAccount();
            const passed = await preflight(account, ["--stack", "us-east"]);
            assert.equal(passed.code, 0, passed.out.join("\n"));
            assert.ok(passed.out.every((line) => /^(ok|skipped) +us-east {2}\S/.test(line) || line.startsWith("preflight: ")), passed.out.join("\n"));
            assert.match(passed.out[passed.out.length - 1], /^preflight: \d+ checks, 0 failed, \d+ skipped$/);

            account.objects.clear();
            const failed = await preflight(account, []);
            assert.equal(failed.code, 1);
            assert.ok(failed.out.includes("FAIL    us-east  wso2 pack: wso2-apim-multi-dc:wso2PackS3Uri: s3://acme-apim-artifacts/wso2am-3.1.0.zip does not exist (HeadObject: 404 Not Found, no such bucket or key). Fix: upload the file to that address, or set wso2-apim-multi-dc:wso2PackS3Uri to where it is"), failed.out.join("\n"));
            assert.ok(failed.out.some((line) => line.startsWith("FAIL    us-west  wso2 pack:")), "every stack by default");
        });

        it("without credentials says so and exits 2 before any check", async () => {
            const account = new FakeAccount();
            account.hasCredentials = false;
            const result = await preflight(account, ["--stack", "us-east"]);
            assert.equal(result.code, 2);
            assert.deepEqual(account.calls, ["credentials"]);
            assert.match(result.err.join("\n"), /^preflight: no AWS credentials: the AWS SDK's default chain found none \(CredentialsProviderError: Could not load credentials from any providers\); nothing was checked\. Fix: set AWS_PROFILE/);
        });

        it("fails on invalid configuration with the plan's message, and on an unknown stack", async () => {
            fs.writeFileSync(path.join(configDir, "Pulumi.us-east.yaml"), "config:\n  aws:region: us-east-1\n  wso2-apim-multi-dc:datacenter: DC1\n  wso2-apim-multi-dc:nodeAmiId: ami-1\n");
            try {
                const invalid = await preflight(new FakeAccount(), ["--stack", "us-east"]);
                assert.equal(invalid.code, 1);
                assert.match(invalid.err.join("\n"), /^preflight failed: stack us-east: Invalid configuration \(nothing was deployed\):\n {2}- wso2-apim-multi-dc:nodeAmiId: must be an AMI id/);
            } finally {
                fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.us-east.yaml"), path.join(configDir, "Pulumi.us-east.yaml"));
            }
            const unknown = await preflight(new FakeAccount(), ["--stack", "eu-west"]);
            assert.equal(unknown.code, 1);
            assert.match(unknown.err.join("\n"), /no stack "eu-west"/);
        });

        it("never prints the caller's secret key or session token, even when an error message carries one", async () => {
            const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
            const account = new FakeAccount();
            account.headObject = async () => {
                throw awsError("SignatureDoesNotMatch", 400, `The request signature we calculated does not match (key ${secret})`);
            };
            const result = await preflight(account, ["--stack", "us-east"], { AWS_SECRET_ACCESS_KEY: secret });
            assert.equal(result.code, 1);
            const text = [...result.out, ...result.err].join("\n");
            assert.ok(!text.includes(secret));
            assert.match(text, /key \[secret\]/);
        });
    });
});
