/**
 * Issue 11, findings 6 and 7: which Availability Zones a new VPC uses and which image the EC2
 * hosts boot. The pretend cloud (tools/offline/cloud.ts) lists an opted-in Local Zone first and
 * has a first AZ without 7th-generation types; the real rules are cited in lib/zones.ts and
 * lib/instance-types.ts.
 */
import * as assert from "node:assert/strict";
import { DEFAULT_ORACLE_CLIENT_ZIPS } from "../lib/render/database-boot-env";
import * as YAML from "yaml";
import { ConfigError } from "../lib/config";
import { pickZones } from "../lib/zones";
import { architectureOf } from "../lib/instance-types";
import { answerInvoke } from "../tools/offline/cloud";
import { EXISTING_VPC, ofType, run } from "./harness";

const SUBNET = "aws:ec2/subnet:Subnet";
const INSTANCE = "aws:ec2/instance:Instance";
const AL2023 = (arch: string) => `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${arch}`;
const RESOLVED = (arch: string) => `(known after apply: ${AL2023(arch)}.value)`;
const HUB = { goldengateLicense: "byol", goldengateInstallerS3Uri: "s3://example-ogg/ogg.zip" };

const zonesOfSubnets = (program: Awaited<ReturnType<typeof run>>) =>
    [...new Set(ofType(program, SUBNET).map((s) => String(s.inputs.availabilityZone)))].sort();

describe("Availability Zones of a new VPC", function () {
    this.timeout(180_000);

    it("uses two Availability Zones proper, never the opted-in Local Zone the account lists first; an existing VPC's subnets as given", async () => {
        assert.deepEqual(zonesOfSubnets(await run("us-east")), ["us-east-1a", "us-east-1b"]);
        assert.deepEqual(zonesOfSubnets(await run("us-west")), ["us-west-2a", "us-west-2b"]);
        const existing = await run("us-east", EXISTING_VPC);
        assert.equal(ofType(existing, SUBNET).length, 0);
        assert.deepEqual(ofType(existing, INSTANCE).map((n) => n.inputs.subnetId), ["subnet-0123456789abcdef2", "subnet-0123456789abcdef3"]);
    });

    it("skips a zone that does not offer an instance type the stack launches (nodes, Oracle host, hub)", async () => {
        assert.deepEqual(zonesOfSubnets(await run("us-east", { nodeInstanceType: "m7i.xlarge" })), ["us-east-1b", "us-east-1c"]);
        assert.deepEqual(zonesOfSubnets(await run("us-east", { ...HUB, goldengateInstanceType: "m7i.large" })), ["us-east-1b", "us-east-1c"]);
        const oracleHost = { databaseKind: "ec2", databaseAmiId: "ami-0123456789abcdef0", databaseInstanceType: "r7i.xlarge" };
        assert.deepEqual(zonesOfSubnets(await run("us-east", oracleHost)), ["us-east-1b", "us-east-1c"]);
    });

    it("fails naming the types and the region when fewer than two zones offer them all, before any subnet or host", async () => {
        await assert.rejects(run("us-west", { nodeInstanceType: "u7i-12tb.224xlarge" }), (err: Error & { declared?: string[] }) => {
            assert.match(err.message, /the VPC needs two Availability Zones of us-west-2 that offer every instance type the stack launches \(u7i-12tb\.224xlarge\), and none does \(zones: us-west-2a, us-west-2b, us-west-2c\)/);
            assert.ok(!err.declared?.includes(SUBNET) && !err.declared?.includes(INSTANCE), `declared: ${err.declared}`);
            return true;
        });
    });

    it("picks the first two suitable zones and says which one alone fits", () => {
        const offered = (zones: string[], type: string) => zones.map((location) => ({ instanceType: type, location }));
        const zones = ["z-1a", "z-1b", "z-1c"];
        assert.deepEqual(pickZones("z-1", zones, ["m6i.xlarge", "r6i.large"], [...offered(zones, "m6i.xlarge"), ...offered(["z-1b", "z-1c"], "r6i.large")]), ["z-1b", "z-1c"]);
        assert.throws(() => pickZones("z-1", zones, ["m6i.xlarge", "r6i.large"], [...offered(zones, "m6i.xlarge"), ...offered(["z-1c"], "r6i.large")]),
            /of z-1 that offer every instance type the stack launches \(m6i\.xlarge, r6i\.large\), and only z-1c does/);
    });
});

describe("the pretend cloud's zone answers", () => {
    const azs = (inputs: Record<string, unknown>) =>
        answerInvoke({ token: "aws:index/getAvailabilityZones:getAvailabilityZones", inputs, provider: "" } as any, "eu-west-1").names;

    it("lists an opted-in Local Zone unless asked for opt-in-not-required zones, as DescribeAvailabilityZones does", () => {
        assert.deepEqual(azs({ state: "available" }), ["eu-west-1-lcl-1a", "eu-west-1a", "eu-west-1b", "eu-west-1c"]);
        assert.deepEqual(azs({ state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] }), ["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
    });

    it("fails loudly on a filter or an invoke it has no answer for", () => {
        assert.throws(() => azs({ filters: [{ name: "group-name", values: ["x"] }] }), /no offline answer for filter group-name/);
        assert.throws(() => answerInvoke({ token: "aws:ec2/getAmi:getAmi", inputs: {}, provider: "" } as any, "eu-west-1"), /has no offline answer/);
        assert.throws(() => answerInvoke({ token: "aws:ssm/getParameter:getParameter", inputs: { name: "/my/secret" }, provider: "" } as any, "eu-west-1"), /no offline answer for SSM parameter \/my\/secret/);
    });
});

describe("node image", function () {
    this.timeout(180_000);

    it("boots AWS's current Amazon Linux 2023 when nodeAmiId is unset, keeps running nodes on their image and shows the choice", async () => {
        const program = await run("us-east");
        for (const node of ofType(program, INSTANCE)) {
            assert.equal(node.inputs.ami, RESOLVED("x86_64"));
            assert.deepEqual(node.ignoreChanges, ["ami"], `${node.name}: a new AWS image must not replace it`);
        }
        assert.deepEqual(program.outputs.nodeImage, { amiId: RESOLVED("x86_64"), source: `ssm:${AL2023("x86_64")}` });
    });

    it("reads the arm64 image for Graviton nodes, and the hub's own architecture when it falls back to the node image", async () => {
        const program = await run("us-east", { ...HUB, nodeInstanceType: "m7g.xlarge" });
        const [hub] = ofType(program, INSTANCE).filter((i) => i.name.includes("goldengate"));
        const nodes = ofType(program, INSTANCE).filter((i) => i.name.includes("-apim-"));
        assert.deepEqual(nodes.map((n) => n.inputs.ami), [RESOLVED("arm64"), RESOLVED("arm64")]);
        assert.equal(hub.inputs.ami, RESOLVED("x86_64"));
        assert.deepEqual(hub.ignoreChanges, ["ami"]);
    });

    it("a node whose type changes architecture is replaced, not stopped and started on an image it cannot run (issue 24)", async () => {
        // The kept image is ignored (ignoreChanges ami); the architecture is the node's replacementTrigger.
        const triggers = async (nodeInstanceType?: string) => ofType(await run("us-east", nodeInstanceType ? { nodeInstanceType } : {}), INSTANCE)
            .filter((i) => i.name.includes("-apim-")).map((n) => n.replacementTrigger);
        assert.deepEqual(await triggers(), ["x86_64", "x86_64"]);
        assert.deepEqual(await triggers("m7g.xlarge"), ["arm64", "arm64"]);
        // Same architecture, another size: the trigger does not change (a stop/start, gated, as before).
        assert.deepEqual(await triggers("m6i.2xlarge"), ["x86_64", "x86_64"]);
    });

    it("Graviton nodes get the Instant Client built for ARM (aarch64), x86-64 nodes the x64 one, each with its pinned SHA-256 (issue 24, item 6)", async () => {
        const zipsOf = (program: Awaited<ReturnType<typeof run>>) => ofType(program, INSTANCE).filter((i) => i.name.includes("-apim-")).map((node) => {
            const files = YAML.parse(String(node.inputs.userData)).write_files as { path: string; content: string }[];
            return /^ORACLE_CLIENT_ZIPS='(.*)'$/m.exec(files.find((f) => f.path === "/etc/wso2-apim/database.env")!.content)![1];
        });
        const expected = (architecture: "x86_64" | "arm64") => DEFAULT_ORACLE_CLIENT_ZIPS[architecture].map((zip) => `${zip.sha256}:${zip.url}`).join(" ");
        assert.deepEqual(zipsOf(await run("us-east", { nodeInstanceType: "m7g.xlarge" })), [expected("arm64"), expected("arm64")]);
        assert.match(expected("arm64"), /^[0-9a-f]{64}:https:\/\/download\.oracle\.com\/\S+instantclient-basic-linux\.arm64-19\.10\.0\.0\.0dbru\.zip [0-9a-f]{64}:\S+instantclient-sqlplus-linux\.arm64-19\.10\.0\.0\.0dbru\.zip$/);
        assert.deepEqual(zipsOf(await run("us-east")), [expected("x86_64"), expected("x86_64")]);
        assert.doesNotMatch(expected("x86_64"), /arm64/);
    });

    it("boots a pinned nodeAmiId, hub included, and lets a change of it roll the nodes", async () => {
        const program = await run("us-west", { ...HUB, nodeAmiId: "ami-0123456789abcdef0" });
        for (const host of ofType(program, INSTANCE)) assert.equal(host.inputs.ami, "ami-0123456789abcdef0");
        const nodes = ofType(program, INSTANCE).filter((i) => i.name.includes("-apim-"));
        assert.equal(nodes.length, 2);
        for (const node of nodes) assert.deepEqual(node.ignoreChanges, []);
        assert.deepEqual(program.outputs.nodeImage, { amiId: "ami-0123456789abcdef0", source: "config wso2-apim-multi-dc:nodeAmiId" });
    });

    it("knows the Graviton families", () => {
        assert.deepEqual(["m7g.xlarge", "c7gn.large", "t4g.medium", "a1.large", "x2gd.xlarge", "im4gn.large", "g5g.xlarge"].map(architectureOf), Array(7).fill("arm64"));
        assert.deepEqual(["m6i.xlarge", "g5.xlarge", "g4dn.xlarge", "m7a.large", "c7i-flex.large"].map(architectureOf), Array(5).fill("x86_64"));
    });
});

describe("config mistakes under the program itself (as under `pulumi up`, without our loader)", function () {
    this.timeout(180_000);

    it("rejects a misspelt key of the project, suggesting the nearest one", async () => {
        await assert.rejects(run("us-east", { nodeCont: 3 }), (err: unknown) => {
            assert.ok(err instanceof ConfigError, String(err));
            assert.match(err.message, /wso2-apim-multi-dc:nodeCont: is not a setting of this project: did you mean nodeCount\?/);
            return true;
        });
    });

    it("rejects a stack that deploys another stack's datacenter", async () => {
        await assert.rejects(run("us-east", { datacenter: "DC2", "aws:region": "us-west-2" }), (err: unknown) => {
            assert.ok(err instanceof ConfigError, String(err));
            assert.match(err.message, /wso2-apim-multi-dc:datacenter: DC2 is deployed by stack "us-west" .*not by stack "us-east", which deploys DC1/);
            return true;
        });
    });
});
