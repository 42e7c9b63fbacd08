import * as assert from "node:assert/strict";
import * as TOML from "smol-toml";
import * as YAML from "yaml";
import { ConfigError } from "../lib/config";
import { SHARED_PATHS } from "../lib/shared-paths";
import { writtenContent } from "../lib/render/user-data";
import { TLS_POLICY } from "../components/load-balancer";
import { named, ofType, run, STACKS } from "./harness";
import { ProgramFailure, RecordedResource } from "../tools/offline/run";

const T = {
    vpc: "aws:ec2/vpc:Vpc",
    subnet: "aws:ec2/subnet:Subnet",
    nat: "aws:ec2/natGateway:NatGateway",
    routeTable: "aws:ec2/routeTable:RouteTable",
    sg: "aws:ec2/securityGroup:SecurityGroup",
    ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    alb: "aws:lb/loadBalancer:LoadBalancer",
    listener: "aws:lb/listener:Listener",
    rule: "aws:lb/listenerRule:ListenerRule",
    targetGroup: "aws:lb/targetGroup:TargetGroup",
    attachment: "aws:lb/targetGroupAttachment:TargetGroupAttachment",
    instance: "aws:ec2/instance:Instance",
    efs: "aws:efs/fileSystem:FileSystem",
    mountTarget: "aws:efs/mountTarget:MountTarget",
    accessPoint: "aws:efs/accessPoint:AccessPoint",
    bucket: "aws:s3/bucket:Bucket",
} as const;

/** "<rule name>: <port> from <source>" for every rule, with group ids shown as group names. */
function describeRules(resources: RecordedResource[], type: string, sourceKey: "from" | "to"): string[] {
    const groupName = (id: unknown) => String(id).replace(/^\(known after apply: (.+)\.id\)$/, "$1");
    return resources
        .filter((r) => r.type === type)
        .map((r) => {
            const i = r.inputs as any;
            const port = i.ipProtocol === "-1" ? "all" : `${i.ipProtocol}/${i.fromPort}-${i.toPort}`;
            const peer = i.cidrIpv4 ?? groupName(i.referencedSecurityGroupId);
            return `${groupName(i.securityGroupId)} ${port} ${sourceKey} ${peer}`;
        })
        .sort();
}

/** Every value stored under `key` anywhere in a parsed document. */
function findKeys(node: unknown, key: string): string[] {
    if (Array.isArray(node)) return node.flatMap((item) => findKeys(item, key));
    if (node === null || typeof node !== "object") return [];
    return Object.entries(node).flatMap(([k, v]) => (k === key ? [String(v)] : findKeys(v, key)));
}

for (const stack of STACKS) {
    const dc = stack === "us-east" ? "dc1" : "dc2";
    const region = stack === "us-east" ? "us-east-1" : "us-west-2";
    const [ownHub, peerHub, peerCidr] = stack === "us-east"
        ? ["10.10.128.10", "10.20.128.10", "10.20.0.0/16"]
        : ["10.20.128.10", "10.10.128.10", "10.10.0.0/16"];

    describe(`regional stack ${stack}`, () => {
        it("declares every AWS resource through the region's own provider, tagged with project, stack and DC", async () => {
            const program = await run(stack);
            const provider = named(program, `${dc}-aws`);
            assert.equal(provider.inputs.region, region);
            assert.deepEqual(JSON.parse(String(provider.inputs.defaultTags)), {
                tags: { project: "wso2-apim-multi-dc", stack, datacenter: dc.toUpperCase() },
            });
            const awsResources = program.resources.filter((r) => r.type.startsWith("aws:"));
            assert.ok(awsResources.length > 50);
            // Only the accepter side of a VPC peering this stack owns lives in the peer's region, and
            // the Route 53 health-check alarms (with their topic) in us-east-1, where those metrics are.
            const otherProviders = new Map(ofType(program, "pulumi:providers:aws").filter((p) => p !== provider).map((p) => [p.urn, p]));
            for (const r of awsResources) {
                if (r.provider === provider.urn) continue;
                const other = otherProviders.get(r.provider!);
                const allowed = /^dc\d-peer-dc\d-(accepter|peer-route-\d)$/.test(r.name)
                    || (other?.inputs.region === "us-east-1" && /^dc\d-ops-(us-east-1-alarms|dns-)/.test(r.name));
                assert.ok(other && allowed, `${r.name} uses another provider`);
            }
        });

        it("builds components with wso2-apim type tokens whose children are named from them", async () => {
            const program = await run(stack);
            const components = program.resources.filter((r) => r.type.startsWith("wso2-apim:"));
            const types = components.map((c) => c.type);
            for (const type of [
                "wso2-apim:region:Region",
                "wso2-apim:network:Network",
                "wso2-apim:network:SecurityGroups",
                "wso2-apim:efs:SharedArtifacts",
                "wso2-apim:secrets:StackSecrets",
                "wso2-apim:lb:LoadBalancer",
                "wso2-apim:compute:ApimNodes",
            ]) {
                assert.ok(types.includes(type), `no ${type} component`);
            }
            for (const component of components) {
                for (const childResource of program.resources.filter((r) => r.parent === component.urn)) {
                    assert.ok(childResource.name.startsWith(`${component.name}-`), `${childResource.name} is not named from ${component.name}`);
                }
            }
        });

        it("has a VPC with public and private subnets in two AZs and a NAT gateway per AZ", async () => {
            const program = await run(stack);
            assert.equal(ofType(program, T.vpc).length, 1);
            const subnets = ofType(program, T.subnet);
            assert.equal(subnets.length, 4);
            for (const tier of ["public", "private"]) {
                const ofTier = subnets.filter((s) => (s.inputs.tags as any).Tier === tier);
                assert.deepEqual(ofTier.map((s) => s.inputs.availabilityZone).sort(), [`${region}a`, `${region}b`]);
                for (const s of ofTier) assert.equal(s.inputs.mapPublicIpOnLaunch, false);
            }
            assert.equal(ofType(program, T.nat).length, 2);
            const privateTables = ofType(program, T.routeTable).filter((t) => t.name.includes("private"));
            assert.equal(privateTables.length, 2);
            const defaultRoutes = ofType(program, "aws:ec2/route:Route").filter((r) => r.inputs.destinationCidrBlock === "0.0.0.0/0" && r.name.includes("private"));
            assert.deepEqual(defaultRoutes.map((r) => [r.inputs.routeTableId, r.inputs.natGatewayId]), [1, 2].map((i) => [
                `(known after apply: ${dc}-net-private-${i}.id)`, `(known after apply: ${dc}-net-nat-${i}.id)`,
            ]));
        });

        it("allows exactly the traffic of docs/guardrails.md and nothing from 0.0.0.0/0 but HTTP(S) to the ALB", async () => {
            const program = await run(stack);
            assert.deepEqual(describeRules(program.resources, T.ingress, "from"), [
                `${dc}-sg-alb tcp/443-443 from 0.0.0.0/0`,
                `${dc}-sg-alb tcp/80-80 from 0.0.0.0/0`,
                `${dc}-sg-db tcp/1521-1521 from ${ownHub}/32`,
                `${dc}-sg-db tcp/1521-1521 from ${peerHub}/32`,
                `${dc}-sg-db tcp/1521-1521 from ${dc}-sg-nodes`,
                `${dc}-sg-efs tcp/2049-2049 from ${dc}-sg-nodes`,
                `${dc}-sg-goldengate tcp/7809-7839 from ${peerHub}/32`,
                `${dc}-sg-nodes tcp/5672-5672 from ${dc}-sg-nodes`,
                `${dc}-sg-nodes tcp/8243-8243 from ${dc}-sg-alb`,
                `${dc}-sg-nodes tcp/9443-9443 from ${dc}-sg-alb`,
                // The peer DC's Publisher deploys APIs through this DC's admin services (docs/artifacts.md).
                `${dc}-sg-nodes tcp/9443-9443 from ${peerCidr}`,
                `${dc}-sg-nodes tcp/9611-9611 from ${dc}-sg-nodes`,
                `${dc}-sg-nodes tcp/9711-9711 from ${dc}-sg-nodes`,
                // The peer DC's nodes publish their events to this DC's Traffic Managers (docs/artifacts.md).
                `${dc}-sg-nodes tcp/9611-9611 from ${peerCidr}`,
                `${dc}-sg-nodes tcp/9711-9711 from ${peerCidr}`,
            ].sort());
            assert.deepEqual(describeRules(program.resources, T.egress, "to"), [
                `${dc}-sg-alb tcp/8243-8243 to ${dc}-sg-nodes`,
                `${dc}-sg-alb tcp/9443-9443 to ${dc}-sg-nodes`,
                `${dc}-sg-goldengate tcp/1521-1521 to ${dc}-sg-db`,
                `${dc}-sg-goldengate tcp/1521-1521 to ${peerCidr}`,
                `${dc}-sg-goldengate tcp/443-443 to 0.0.0.0/0`,
                `${dc}-sg-goldengate tcp/7809-7839 to ${peerHub}/32`,
                `${dc}-sg-nodes all to 0.0.0.0/0`,
            ].sort());
            for (const group of ofType(program, T.sg)) {
                assert.equal(group.inputs.ingress, undefined, `${group.name} has inline rules`);
            }
        });

        it("runs the configured number of private, IMDSv2-only nodes with encrypted gp3 roots and no SSH key", async () => {
            const program = await run(stack);
            const nodes = ofType(program, T.instance);
            assert.equal(nodes.length, 2);
            assert.deepEqual(nodes.map((n) => n.inputs.subnetId).sort(), [`(known after apply: ${dc}-net-private-1.id)`, `(known after apply: ${dc}-net-private-2.id)`]);
            for (const node of nodes) {
                const i = node.inputs as any;
                assert.equal(i.associatePublicIpAddress, false);
                assert.equal(i.metadataOptions.httpTokens, "required");
                assert.deepEqual([i.rootBlockDevice.volumeType, i.rootBlockDevice.encrypted], ["gp3", true]);
                assert.equal(i.keyName, undefined);
                assert.equal(i.instanceType, "m6i.xlarge");
                // No nodeAmiId in the shipped stacks: AWS's current Amazon Linux 2023, known only at deploy time.
                assert.equal(i.ami, "(known after apply: /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64.value)");
            }
        });

        it("follows nodeCount", async () => {
            const program = await run(stack, { nodeCount: 3 });
            assert.equal(ofType(program, T.instance).length, 3);
            assert.equal(ofType(program, T.attachment).length, 6);
        });

        it("gives nodes an IAM role limited to SSM, this stack's secrets, the WSO2 pack, their logs, their health gates and the database step's reads", async () => {
            const program = await run(stack);
            const attachments = ofType(program, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((a) => a.name.startsWith(`${dc}-apim-`));
            assert.deepEqual(attachments.map((a) => a.inputs.policyArn), ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"]);
            const policy = JSON.parse(String(named(program, `${dc}-apim-iam-access`).inputs.policy));
            assert.deepEqual(
                policy.Statement.map((s: any) => [s.Action, s.Resource]),
                [
                    ["s3:GetObject", "arn:aws:s3:::example-wso2-artifacts/wso2am-3.1.0.zip"],
                    ["secretsmanager:GetSecretValue", `arn:aws:secretsmanager:${region}:123456789012:secret:wso2-apim/${dc}/*`],
                    [["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], `(known after apply: ${dc}-apim-logs.arn):*`],
                    // The CloudWatch agent's memory and disk metrics, in their namespace only.
                    ["cloudwatch:PutMetricData", "*"],
                    ["elasticfilesystem:DescribeMountTargets", `arn:aws:elasticfilesystem:${region}:123456789012:file-system/(known after apply: ${dc}-efs-fs.id)`],
                    ["ec2:DescribeAvailabilityZones", "*"],
                    [["cloudformation:DescribeStackResources", "cloudformation:DescribeStackResource"], `arn:aws:cloudformation:${region}:123456789012:stack/wso2-apim-${dc}-node-*-gate/*`],
                    ["elasticloadbalancing:DescribeTargetHealth", "*"],
                    ["s3:GetObject", [`(known after apply: ${dc}-artifacts-s3-bucket.arn)/*`]],
                    ["ssm:GetParameter", `arn:aws:ssm:${region}:123456789012:parameter/wso2-apim/${dc}/replication-ready`],
                    ["rds:DescribeDBInstances", `arn:aws:rds:${region}:123456789012:db:wso2-apim-${dc}`],
                    ["secretsmanager:GetSecretValue", `arn:aws:secretsmanager:${region}:123456789012:secret:rds!db-*`],
                    ["secretsmanager:GetSecretValue", `arn:aws:secretsmanager:${region}:123456789012:secret:wso2-apim/wso2-apim-multi-dc/wso2-admin-??????`],
                    // The deployment keystore (lib/keystore.ts): read everywhere, stored by the trusted source's nodes only.
                    ["secretsmanager:GetSecretValue", [
                        `arn:aws:secretsmanager:${region}:123456789012:secret:wso2-apim/wso2-apim-multi-dc/wso2-keystore-passwords-??????`,
                        `arn:aws:secretsmanager:${region}:123456789012:secret:wso2-apim/wso2-apim-multi-dc/wso2-keystore-key-??????`,
                        `arn:aws:secretsmanager:${region}:123456789012:secret:wso2-apim/wso2-apim-multi-dc/wso2-internal-key-??????`,
                    ]],
                    ...(region === "us-east-1"
                        ? [["secretsmanager:PutSecretValue", [
                            "arn:aws:secretsmanager:us-east-1:123456789012:secret:wso2-apim/wso2-apim-multi-dc/wso2-keystore-key-??????",
                            "arn:aws:secretsmanager:us-east-1:123456789012:secret:wso2-apim/wso2-apim-multi-dc/wso2-internal-key-??????",
                        ]]]
                        : []),
                    // The runtime-artifact sync (docs/artifacts.md): any DC may be promoted and push to its own bucket.
                    ["ssm:GetParameter", `arn:aws:ssm:${region}:123456789012:parameter/wso2-apim/wso2-apim-multi-dc/runtime-artifacts-source`],
                    ["s3:ListBucket", ["arn:aws:s3:::wso2-apim-dc1-123456789012-us-east-1", "arn:aws:s3:::wso2-apim-dc2-123456789012-us-west-2"]],
                    [["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], [
                        "arn:aws:s3:::wso2-apim-dc1-123456789012-us-east-1/runtime-artifacts/*",
                        "arn:aws:s3:::wso2-apim-dc2-123456789012-us-west-2/runtime-artifacts/*",
                    ]],
                    ["cloudwatch:PutMetricData", "*"],
                    // The API reconciler (docs/artifacts.md § API reconciler): its metrics, into any DC's region.
                    ["cloudwatch:PutMetricData", "*"],
                ],
            );
            assert.deepEqual(policy.Statement.at(-2).Condition, { StringEquals: { "cloudwatch:namespace": "WSO2APIM/wso2-apim/Artifacts" } });
            assert.deepEqual(policy.Statement.at(-1).Condition, { StringEquals: { "cloudwatch:namespace": "WSO2APIM/wso2-apim/ApiReconciler" } });
            assert.deepEqual(policy.Statement.find((st: any) => st.Sid === "PublishHostMetrics").Condition, { StringEquals: { "cloudwatch:namespace": "WSO2APIM/wso2-apim/NodeHost" } });
            assert.deepEqual(policy.Statement.find((st: any) => st.Sid === "ReadDatabaseMasterSecret").Condition, {
                StringEquals: { "secretsmanager:ResourceTag/aws:rds:primaryDBInstanceArn": `arn:aws:rds:${region}:123456789012:db:wso2-apim-${dc}` },
            });
        });

        it("terminates TLS 1.2+ on 443, redirects 80 and drops invalid headers, with deletion protection and access logs", async () => {
            const program = await run(stack);
            const [alb] = ofType(program, T.alb);
            const i = alb.inputs as any;
            assert.deepEqual([i.internal, i.dropInvalidHeaderFields, i.enableDeletionProtection], [false, true, true]);
            assert.equal(i.accessLogs.enabled, true);
            assert.equal(i.accessLogs.bucket, `(known after apply: ${dc}-lb-access-logs-bucket.bucket)`);
            const listeners = ofType(program, T.listener);
            const https = listeners.find((l) => l.inputs.port === 443)!.inputs as any;
            assert.equal(https.protocol, "HTTPS");
            assert.equal(https.sslPolicy, TLS_POLICY);
            assert.match(TLS_POLICY, /TLS13-1-2/);
            const http = listeners.find((l) => l.inputs.port === 80)!.inputs as any;
            assert.deepEqual(http.defaultActions[0].redirect, { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" });
        });

        it("keeps the access-log bucket private, encrypted and TLS-only", async () => {
            const program = await run(stack);
            const logs = (part: string) => named(program, `${dc}-lb-access-logs-${part}`);
            const block = logs("public-access").inputs as any;
            assert.deepEqual([block.blockPublicAcls, block.blockPublicPolicy, block.ignorePublicAcls, block.restrictPublicBuckets], [true, true, true, true]);
            const sse = logs("encryption").inputs as any;
            assert.equal(sse.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm, "AES256");
            const policy = JSON.parse(String(logs("policy").inputs.policy));
            const elbAccount = region === "us-east-1" ? "127311923021" : "797873946194";
            assert.equal(policy.Statement[0].Principal.AWS, `arn:aws:iam::${elbAccount}:root`);
            assert.equal(policy.Statement[1].Condition.Bool["aws:SecureTransport"], "false");
            assert.equal(logs("bucket").protect, true);
        });

        it("routes gateway hosts to 8243 and Publisher/Portal hosts to sticky 9443, with WSO2 health checks", async () => {
            const program = await run(stack);
            const gateway = named(program, `${dc}-lb-gateway`).inputs as any;
            const management = named(program, `${dc}-lb-management`).inputs as any;
            assert.deepEqual([gateway.port, gateway.protocol, gateway.healthCheck.path, gateway.healthCheck.protocol], [8243, "HTTPS", "/services/Version", "HTTPS"]);
            assert.equal(gateway.stickiness.enabled, false);
            assert.deepEqual([management.port, management.protocol, management.healthCheck.path], [9443, "HTTPS", "/carbon/admin/login.jsp"]);
            assert.deepEqual([management.stickiness.type, management.stickiness.enabled], ["lb_cookie", true]);
            const hostsOf = (rule: string) => (named(program, `${dc}-lb-${rule}`).inputs as any).conditions[0].hostHeader.values;
            assert.deepEqual(hostsOf("gateway-hosts"), ["gateway.example.com", `gateway-${region}.example.com`]);
            assert.deepEqual(hostsOf("management-paths-1"), ["apim.example.com", `apim-${region}.example.com`]);
            const attachments = ofType(program, T.attachment).map((a) => a.inputs.port).sort();
            assert.deepEqual(attachments, [8243, 8243, 9443, 9443]);
        });

        it("requests a certificate for the four names validated in the hosted zone unless one is given", async () => {
            const program = await run(stack);
            const certificate = named(program, `${dc}-lb-cert`).inputs as any;
            assert.deepEqual([certificate.domainName, ...certificate.subjectAlternativeNames], [
                "gateway.example.com", "apim.example.com", `gateway-${region}.example.com`, `apim-${region}.example.com`,
            ]);
            assert.equal(ofType(program, "aws:route53/record:Record").filter((r) => r.name.includes("cert-validation")).length, 4);
            const arn = `arn:aws:acm:${region}:123456789012:certificate/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0`;
            const withArn = await run(stack, { certificateArn: arn });
            assert.equal(ofType(withArn, "aws:acm/certificate:Certificate").length, 0);
            assert.equal(ofType(withArn, T.listener).find((l) => l.inputs.port === 443)!.inputs.certificateArn, arn);
        });

        it("shares an encrypted, backed-up, TLS-only EFS with a mount target per private subnet and the four paths", async () => {
            const program = await run(stack);
            const [fs] = ofType(program, T.efs);
            assert.equal(fs.inputs.encrypted, true);
            assert.equal(fs.protect, true);
            assert.equal(ofType(program, "aws:efs/backupPolicy:BackupPolicy")[0].inputs.backupPolicy && (ofType(program, "aws:efs/backupPolicy:BackupPolicy")[0].inputs.backupPolicy as any).status, "ENABLED");
            const mounts = ofType(program, T.mountTarget);
            assert.deepEqual(mounts.map((m) => m.inputs.subnetId).sort(), [`(known after apply: ${dc}-net-private-1.id)`, `(known after apply: ${dc}-net-private-2.id)`]);
            for (const m of mounts) assert.deepEqual(m.inputs.securityGroups, [`(known after apply: ${dc}-sg-efs.id)`]);
            assert.deepEqual(ofType(program, T.accessPoint).map((a) => (a.inputs.rootDirectory as any).path).sort(), ["/executionplans", "/security", "/synapse-configs", "/tenants"]);
            const policy = JSON.parse(String(ofType(program, "aws:efs/fileSystemPolicy:FileSystemPolicy")[0].inputs.policy));
            assert.ok(policy.Statement.some((s: any) => s.Effect === "Deny" && s.Condition.Bool["aws:SecureTransport"] === "false"));
            for (const node of ofType(program, T.instance)) {
                for (const m of mounts) assert.ok(node.dependsOn.includes(m.urn), `${node.name} does not wait for ${m.name}`);
            }
        });

        it("boots nodes with user-data that mounts the three shared paths over TLS and carries no secret", async () => {
            const program = await run(stack);
            for (const node of ofType(program, T.instance)) {
                const userData = String(node.inputs.userData);
                assert.ok(userData.startsWith("#cloud-config\n"));
                const files = YAML.parse(userData).write_files as { path: string; content: string }[];
                const env = files.find((f) => f.path === "/etc/wso2-apim/bootstrap.env")!.content;
                for (const { key, path } of SHARED_PATHS) {
                    // Relative to the WSO2 home; the boot mounts it at /mnt/wso2-shared/<last part> (lib/shared-paths.ts).
                    assert.match(env, new RegExp(`[' ]${path.slice("/opt/wso2am-3.1.0/".length)}=\\(known after apply: ${dc}-efs-${key}\\.id\\)`));
                }
                assert.match(writtenContent(files.find((f) => f.path === "/usr/local/sbin/wso2-bootstrap")!), /efs _netdev,noresvport,tls,iam,accesspoint=/);
                const secretValues = program.resources
                    .filter((r) => r.type.startsWith("random:"))
                    .map((r) => `(known after apply: ${r.name}.result)`);
                for (const value of [...secretValues, "[secret]"]) assert.ok(!userData.includes(value), `${value} flowed into user-data`);
                const toml = TOML.parse(writtenContent(files.find((f) => f.path === "/etc/wso2-apim/deployment.toml")!));
                for (const password of findKeys(toml, "password")) assert.match(password, /^(\$env\{[A-Z0-9_]+\}|\$secret\{[a-z_]+\}|\$\{admin\.password\})$/);
            }
        });

        it("exports the ALB name, URLs, EFS id and node ids", async () => {
            const { outputs } = await run(stack);
            assert.equal(outputs.gatewayUrl, "https://gateway.example.com");
            assert.equal(outputs.portalUrl, "https://apim.example.com");
            assert.equal(outputs.albDnsName, `(known after apply: ${dc}-lb-alb.dnsName)`);
            assert.equal(outputs.efsFileSystemId, `(known after apply: ${dc}-efs-fs.id)`);
            assert.deepEqual(outputs.nodeInstanceIds, [`(known after apply: ${dc}-apim-1.id)`, `(known after apply: ${dc}-apim-2.id)`]);
        });

        it("exports what on-call needs: the node log group, the database, the alarm topics, the hub (null without one)", async () => {
            const { outputs } = await run(stack);
            assert.equal(outputs.nodeLogGroupName, `(known after apply: ${dc}-apim-logs.name)`);
            assert.equal(outputs.databaseIdentifier, `wso2-apim-${dc}`);
            assert.equal(outputs.goldengateHubInstanceId, null);
            const topics = outputs.alarmTopicArns as Record<string, string>;
            assert.equal(topics.region, `(known after apply: ${dc}-ops-alarms.arn)`);
            assert.match(topics.healthChecks, stack === "us-east" ? new RegExp(`^\\(known after apply: ${dc}-ops-alarms\\.arn\\)$`) : /us-east-1-alarms\.arn/);
            const withHub = await run(stack, { goldengateLicense: "byol", goldengateInstallerS3Uri: "s3://example-ogg/ogg.zip" });
            assert.equal(withHub.outputs.goldengateHubInstanceId, `(known after apply: ${dc}-goldengate-host.id)`);
            assert.equal((await run(stack, { databaseKind: "ec2", databaseAmiId: "ami-0123456789abcdef0" })).outputs.databaseIdentifier, null);
        });
    });
}

describe("invalid config stops the program before any resource", () => {
    it("throws a ConfigError naming the key, with nothing but the stack registered", async () => {
        await assert.rejects(run("us-west", { nodeCount: 0 }), (err: unknown) => {
            assert.ok(err instanceof ConfigError);
            assert.match(err.message, /wso2-apim-multi-dc:nodeCount: must be an integer from 1 to 20/);
            const declared = (err as unknown as ProgramFailure).declared;
            assert.ok(Array.isArray(declared));
            assert.deepEqual(declared.filter((type) => type !== "pulumi:pulumi:Stack"), []);
            return true;
        });
    });
});
