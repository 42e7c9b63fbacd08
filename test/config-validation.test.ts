import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { CONFIG_KEYS, ConfigError, parseConfig, splitCidr } from "../lib/config";
import { PROJECT_DIR, sourcesOf, stackConfig } from "./harness";

/** Parses the shipped us-east config with some keys replaced (undefined removes a key). */
function parseWith(overrides: Record<string, unknown>, stack = "us-east") {
    const { project, aws } = sourcesOf(stackConfig(stack, overrides));
    return parseConfig(project, aws, stack);
}

/** Asserts the config is rejected with a problem on `key` whose message matches `pattern`. */
function rejects(overrides: Record<string, unknown>, key: string, pattern: RegExp) {
    assert.throws(() => parseWith(overrides), (err: unknown) => {
        assert.ok(err instanceof ConfigError, `expected ConfigError, got ${err}`);
        const problem = err.problems.find((p) => p.key === key && pattern.test(p.message));
        assert.ok(problem, `no problem on ${key} matching ${pattern}; got:\n${err.message}`);
        assert.match(err.message, new RegExp(key.replace(/[[\].]/g, "\\$&")));
        return true;
    });
}

const DCS = stackConfig("us-east").values["wso2-apim-multi-dc:datacenters"] as any[];
const withDc = (i: number, patch: Record<string, unknown>) => DCS.map((dc, j) => (j === i ? { ...dc, ...patch } : dc));
const K = (key: string) => `wso2-apim-multi-dc:${key}`;

describe("config validation", () => {
    it("rejects a sequenceFloor WSO2's Java int ids could not reach past", () => {
        rejects({ sequenceFloor: 2147483647 }, K("sequenceFloor"), /must be an integer from 0 to 2147483646/);
        assert.equal(parseWith({ sequenceFloor: 2147483646 }).database.sequenceFloor, 2147483646);
    });

    it("rejects a deploymentName RDS identifiers or S3 bucket names would refuse", () => {
        for (const bad of ["Staging", "1prod", "prod-", "pro--d", "a", "a-very-long-deployment-name", "prod_1"]) {
            rejects({ deploymentName: bad }, K("deploymentName"), /lower-case letters, digits and single hyphens/);
        }
        for (const reserved of ["aws-prod", "ssmx", "sthree-a", "amzn-s3-demo-x"]) rejects({ deploymentName: reserved }, K("deploymentName"), /must not begin with/);
        assert.equal(parseWith({ deploymentName: "prod-2" }).deploymentName, "prod-2");
        assert.equal(parseWith({}).deploymentName, "wso2-apim");
    });

    it("accepts both shipped stacks and resolves their datacenter", () => {
        assert.equal(parseWith({}, "us-east").self.id, "DC1");
        const west = parseWith({}, "us-west");
        assert.equal(west.self.id, "DC2");
        assert.equal(west.trustedSource.id, "DC1");
        assert.equal(west.designTimeActive.id, "DC1");
        assert.equal(west.hostnames.regionalGateway, "gateway-us-west-2.example.com");
    });

    it("rejects overlapping CIDRs", () =>
        rejects({ datacenters: withDc(1, { cidr: "10.10.128.0/17" }) }, K("datacenters"), /overlaps .*disjoint/));
    it("rejects a malformed CIDR or one too small for four subnets", () => {
        rejects({ datacenters: withDc(0, { cidr: "10.10.0.1/16" }) }, K("datacenters[0].cidr"), /\/16 to \/22/);
        rejects({ datacenters: withDc(0, { cidr: "10.10.0.0/26" }) }, K("datacenters[0].cidr"), /\/16 to \/22/);
    });
    it("rejects duplicate datacenter ids", () =>
        rejects({ datacenters: withDc(1, { id: "DC1" }) }, K("datacenters"), /id "DC1" is used by both/));
    it("rejects duplicate indexes", () =>
        rejects({ datacenters: withDc(1, { index: 1 }) }, K("datacenters"), /index 1 is used by both/));
    it("rejects an index outside 1..n", () =>
        rejects({ datacenters: withDc(1, { index: 3 }) }, K("datacenters[1].index"), /integer from 1 to 2/));
    it("rejects a malformed datacenter id", () =>
        rejects({ datacenters: withDc(1, { id: "west" }) }, K("datacenters[1].id"), /DC1, DC2/));
    it("rejects two datacenters in one region", () =>
        rejects({ datacenters: withDc(1, { region: "us-east-1" }) }, K("datacenters"), /region "us-east-1" is used by both/));
    it("rejects a trusted source that is not in the set", () =>
        rejects({ trustedSource: "DC7" }, K("trustedSource"), /"DC7" is not a configured datacenter \(allowed: DC1, DC2\)/));
    it("rejects a design-time active DC that is not in the set", () =>
        rejects({ designTimeActive: "DC3" }, K("designTimeActive"), /not a configured datacenter/));
    it("rejects a stack that names no datacenter", () =>
        rejects({ datacenter: undefined }, K("datacenter"), /is required/));
    it("rejects a stack that names an unknown datacenter", () =>
        rejects({ datacenter: "DC9" }, K("datacenter"), /not a configured datacenter/));
    it("rejects an aws:region that is not the datacenter's region", () =>
        rejects({ "aws:region": "eu-west-1" }, "aws:region", /must be us-east-1, the region of datacenter DC1/));
    it("rejects an unknown US state code", () =>
        rejects({ datacenters: withDc(1, { gatewayLocations: ["state:XX"] }) }, K("datacenters[1].gatewayLocations[0]"), /unknown US state code "XX"/));
    it("rejects an unknown continent code", () =>
        rejects({ datacenters: withDc(1, { gatewayLocations: ["continent:ZZ"] }) }, K("datacenters[1].gatewayLocations[0]"), /unknown continent code "ZZ"/));
    it("rejects a location claimed by two regions", () =>
        rejects({ datacenters: withDc(1, { gatewayLocations: ["state:NY"] }) }, K("datacenters"), /"state:NY" is claimed by both DC1 and DC2/));
    it("rejects a set without the default location", () =>
        rejects({ datacenters: withDc(0, { gatewayLocations: ["country:US"] }) }, K("datacenters"), /default location "\*"/));
    it("rejects nodeCount below 1", () => rejects({ nodeCount: 0 }, K("nodeCount"), /integer from 1 to 20, got "0"/));
    it("rejects an instance type below WSO2's all-in-one minimum", () =>
        rejects({ nodeInstanceType: "t3.large" }, K("nodeInstanceType"), /\.xlarge or larger size: WSO2's all-in-one minimum is 4 vCPU and 8 GiB, got "t3\.large"/));
    it("rejects an instance type that is not an EC2 type name", () =>
        rejects({ nodeInstanceType: "large" }, K("nodeInstanceType"), /EC2 instance type name/));
    it("rejects a malformed AMI id", () => rejects({ nodeAmiId: "ami-123" }, K("nodeAmiId"), /AMI id/));
    it("takes no node AMI id by default: the nodes boot AWS's current Amazon Linux 2023 image", () => {
        assert.equal(parseWith({}).nodes.amiId, null);
        assert.equal(parseWith({ nodeAmiId: "ami-0123456789abcdef0" }).nodes.amiId, "ami-0123456789abcdef0");
    });
    it("rejects a malformed S3 URI", () =>
        rejects({ wso2PackS3Uri: "https://bucket/wso2am.zip" }, K("wso2PackS3Uri"), /S3 URI such as s3:\/\//));
    it("rejects a missing hosted zone", () => rejects({ hostedZoneName: "" }, K("hostedZoneName"), /is required/));
    it("rejects a malformed hosted zone id", () => rejects({ hostedZoneId: "zone-1" }, K("hostedZoneId"), /hosted zone id/));
    it("rejects a malformed certificate ARN and one from another region", () => {
        rejects({ certificateArn: "arn:aws:acm:cert" }, K("certificateArn"), /ACM certificate ARN/);
        rejects(
            { certificateArn: "arn:aws:acm:us-west-2:123456789012:certificate/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0" },
            K("certificateArn"),
            /certificate in us-east-1/,
        );
    });
    it("rejects an existing VPC without two subnets of each kind", () =>
        rejects({ vpcId: "vpc-0123456789abcdef0", publicSubnetIds: ["subnet-0123456789abcdef0"] }, K("publicSubnetIds"), /at least two subnet ids/));
    it("reports every problem at once", () => {
        assert.throws(() => parseWith({ nodeCount: 0, nodeInstanceType: "big" }), (err: ConfigError) => err.problems.length === 2);
    });
});

describe("config validation: replication", () => {
    it("names each datacenter's stack after its region and gives its hub the 10th address of its first private subnet", () => {
        const config = parseWith({});
        assert.deepEqual(config.datacenters.map((dc) => [dc.stack, dc.goldengateHubIp]), [["us-east", "10.10.128.10"], ["us-west", "10.20.128.10"]]);
        assert.equal(config.replication.stackReferencePrefix, "organization/wso2-apim-multi-dc");
        assert.equal(config.replication.hub, null);
        const named = parseWith({ datacenters: withDc(1, { stack: "prod-west", goldengateHubIp: "10.20.130.7" }) });
        assert.deepEqual([named.datacenters[1].stack, named.datacenters[1].goldengateHubIp], ["prod-west", "10.20.130.7"]);
    });
    it("rejects two datacenters whose stacks would have the same name", () =>
        rejects({ datacenters: withDc(1, { region: "us-east-2" }) }, K("datacenters"), /stack "us-east" is used by both DC1 and DC2.*set `stack` on one of them/));
    it("rejects a stack field that is not a stack name", () =>
        rejects({ datacenters: withDc(1, { stack: "us west" }) }, K("datacenters[1].stack"), /must be a Pulumi stack name/));
    it("rejects a hub address outside the datacenter's CIDR", () =>
        rejects({ datacenters: withDc(1, { goldengateHubIp: "10.10.128.10" }) }, K("datacenters[1].goldengateHubIp"), /inside the datacenter's cidr "10\.20\.0\.0\/16"/));
    it("rejects a hub address of this stack outside its first private subnet, or reserved by AWS", () => {
        rejects({ datacenters: withDc(0, { goldengateHubIp: "10.10.0.10" }) }, K("datacenters[0].goldengateHubIp"), /usable address of DC1's first private subnet 10\.10\.128\.0\/18/);
        rejects({ datacenters: withDc(0, { goldengateHubIp: "10.10.128.2" }) }, K("datacenters[0].goldengateHubIp"), /usable address/);
    });
    it("rejects a malformed stack reference prefix", () =>
        rejects({ stackReferencePrefix: "wso2-apim-multi-dc" }, K("stackReferencePrefix"), /<organization>\/<project>/));
    it("rejects malformed KEYCOLS entries and tables outside the replicated schemas", () => {
        rejects({ goldengateKeyColumns: ["WSO2AM.AM_EXAMPLE"] }, K("goldengateKeyColumns[0]"), /must be OWNER\.TABLE\(COLUMN, …\)/);
        rejects({ goldengateKeyColumns: ["SYS.T(A)"] }, K("goldengateKeyColumns[0]"), /owner SYS is not a replicated schema \(WSO2AM, WSO2SHARED\)/);
    });
    it("rejects more datacenters than GoldenGate trail names have letters for", () => {
        const many = Array.from({ length: 27 }, (_, i) => ({
            id: `DC${i + 1}`, index: i + 1, region: `zz-test${String.fromCharCode(97 + (i % 26))}-${1 + Math.floor(i / 26)}`,
            cidr: `10.${i + 1}.0.0/16`, gatewayLocations: i === 0 ? ["*", "country:US"] : [],
        }));
        rejects({ datacenters: many, "aws:region": "zz-testa-1" }, K("datacenters"), /at most 26 \(GoldenGate trail names carry one letter per datacenter\)/);
    });
    it("builds a hub only with a byol licence and software, from the node image when only an installer is given", () => {
        const hub = parseWith({ goldengateLicense: "byol", goldengateInstallerS3Uri: "s3://example-ogg/ogg.zip" }).replication.hub;
        assert.deepEqual(hub, { amiId: "", installerS3Uri: "s3://example-ogg/ogg.zip", installerSha256: null, instanceType: "m6i.large", volumeGiB: 100 });
        assert.equal(parseWith({}).replication.hub, null);
    });
    it("rejects a byol licence without GoldenGate software rather than silently creating no hub", () =>
        rejects({ goldengateLicense: "byol" }, K("goldengateLicense"), /byol needs goldengateAmiId or goldengateInstallerS3Uri/));
    it("reports an empty required value once", () => {
        assert.throws(() => parseWith({ wso2PackS3Uri: "" }), (err: ConfigError) => {
            assert.deepEqual(err.problems.map((p) => p.key), [K("wso2PackS3Uri")]);
            return true;
        });
    });
    it("reports a broken datacenter list without blaming every datacenter id", () => {
        assert.throws(() => parseWith({ datacenters: withDc(1, { index: 3 }) }), (err: ConfigError) => {
            assert.deepEqual(err.problems.map((p) => p.key), [K("datacenters[1].index")]);
            return true;
        });
    });
});

describe("splitCidr", () => {
    it("splits a /16 into four /18s in address order", () =>
        assert.deepEqual(splitCidr("10.20.0.0/16", 4), ["10.20.0.0/18", "10.20.64.0/18", "10.20.128.0/18", "10.20.192.0/18"]));
});

describe("config validation: mistakes a new user makes (issue 11)", () => {
    it("rejects an instance size EC2 does not have, naming the key and the sizes it has, and takes real types of every naming shape", () => {
        rejects({ nodeInstanceType: "m6i.hugex" }, K("nodeInstanceType"), /has no EC2 size "hugex" \(sizes: nano, micro, .*, 48xlarge, .*metal-24xl.*\), got "m6i\.hugex"/);
        rejects({ goldengateInstanceType: "m6i.larg" }, K("goldengateInstanceType"), /has no EC2 size "larg"/);
        rejects({ databaseInstanceClass: "db.r5.xxlarge" }, K("databaseInstanceClass"), /has no EC2 size "xxlarge"/);
        rejects({ databaseKind: "ec2", databaseAmiId: "ami-0123456789abcdef0", databaseInstanceType: "r6i.2xl" }, K("databaseInstanceType"), /has no EC2 size "2xl"/);
        for (const type of ["m6i.xlarge", "c7i-flex.xlarge", "m7g.metal", "r7iz.metal-16xl", "x2iedn.32xlarge", "u7i-12tb.224xlarge", "u-6tb1.112xlarge", "m7i.metal-48xl"]) {
            assert.equal(parseWith({ nodeInstanceType: type }).nodes.instanceType, type);
        }
        assert.equal(parseWith({ databaseInstanceClass: "db.x2iedn.24xlarge" }).database.instanceClass, "db.x2iedn.24xlarge");
    });
    it("rejects an instance type whose family is not an EC2 family", () => {
        rejects({ nodeInstanceType: "xlarge.m6i" }, K("nodeInstanceType"), /must be an EC2 instance type name such as m6i\.xlarge, got "xlarge\.m6i"/);
        rejects({ databaseInstanceClass: "db.m5" }, K("databaseInstanceClass"), /must be an RDS instance class such as db\.m5\.large/);
    });
    it("rejects a misspelt key of the project, suggesting the nearest one", () => {
        const { project, aws } = sourcesOf(stackConfig("us-east"));
        const keys = [...Object.keys(stackConfig("us-east").values), K("nodeCont"), K("hostedZone"), K("colour"), "aws:profile"];
        assert.throws(() => parseConfig(project, aws, "us-east", keys), (err: ConfigError) => {
            assert.deepEqual(err.problems.map((p) => [p.key, p.message]), [
                [K("nodeCont"), "is not a setting of this project: did you mean nodeCount? (settings are declared in Pulumi.yaml)"],
                [K("hostedZone"), "is not a setting of this project: did you mean hostedZoneId? (settings are declared in Pulumi.yaml)"],
                [K("colour"), "is not a setting of this project (settings are declared in Pulumi.yaml)"],
            ]);
            return true;
        });
    });
    it("reads exactly the keys Pulumi.yaml declares", () => {
        const declared = Object.keys(YAML.parse(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8")).config);
        assert.deepEqual([...CONFIG_KEYS].sort(), declared.sort());
    });
    it("rejects a stack that deploys another stack's datacenter, saying which stack deploys it", () => {
        rejects({ datacenter: "DC2", "aws:region": "us-west-2" }, K("datacenter"),
            /^DC2 is deployed by stack "us-west" \(datacenters\[1\]\.stack, by default its region less the number\), not by stack "us-east", which deploys DC1$/);
        assert.throws(() => parseConfig(sourcesOf(stackConfig("us-east")).project, sourcesOf(stackConfig("us-east")).aws, "us-east-2"), (err: ConfigError) => {
            assert.match(err.message, /datacenter: DC1 is deployed by stack "us-east" .*, not by stack "us-east-2"; deploy DC1 from stack "us-east", or set that datacenter's stack to "us-east-2"/);
            return true;
        });
    });
});
