import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";
import { EvaluationContext, GuardedResource, RULES, evaluate, formatFinding } from "../lib/guardrails";
import { PROVIDER_SECRET_INPUTS } from "../lib/guardrails/secrets";
import { NON_TAGGABLE_TYPES } from "../lib/guardrails/tags";
import { PROVIDER_URN, STACK, compliantStack, patch, ref, resource, tlsOnlyPolicy, without } from "./guardrails-fixture";
import { PROJECT_DIR, STACKS, run } from "./harness";

interface Case {
    title: string;
    resources: (base: GuardedResource[]) => GuardedResource[];
    context?: Partial<EvaluationContext>;
    /** For a break: what the finding's message says. */
    message?: RegExp;
}

const other = (stack: string, trustedSource: boolean, resources: GuardedResource[]) => ({ stack, trustedSource, resources });
const rdsIn = (days: number) => [resource("aws:rds/instance:Instance", "db-west", { backupRetentionPeriod: days })];
/** The fixture is the trusted source; a second datacenter keeps shorter backups. */
const CONTEXT: EvaluationContext = { stack: STACK, trustedSource: true, allStacks: [other("us-west", false, rdsIn(7))] };
const geoIn = (country: string) => [resource("aws:route53/record:Record", "geo-west", {
    name: "gateway.example.com",
    type: "A",
    geolocationRoutingPolicies: [{ country }],
    aliases: [{ name: "gateway-failover-dc2.example.com", zoneId: "Z0EXAMPLE", evaluateTargetHealth: true }],
})];
const addIngress = (name: string, group: string, inputs: Record<string, unknown>) => (base: GuardedResource[]) => [
    ...base,
    resource("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", name, { securityGroupId: ref(group), ipProtocol: "tcp", ...inputs }),
];
const withUserData = (userData: string) => (base: GuardedResource[]) => patch(base, "node-1", { userData });

/** For every rule: stacks that break it (with what the finding says) and, beyond the compliant stack, ones that keep it. */
const TABLE: { id: string; breaks: Case[]; keeps?: Case[] }[] = [
    {
        id: "WSO2-SEC-001",
        breaks: [
            { title: "unencrypted root volume", resources: (b) => patch(b, "node-1", { rootBlockDevice: { encrypted: false } }), message: /^root volume not encrypted$/ },
            { title: "no root block device settings", resources: (b) => patch(b, "node-1", { rootBlockDevice: undefined }), message: /root volume/ },
            { title: "unencrypted data volume", resources: (b) => patch(b, "node-1", { ebsBlockDevices: [{ deviceName: "/dev/sdf", encrypted: false }] }), message: /EBS volume \/dev\/sdf/ },
            { title: "unencrypted EBS volume", resources: (b) => [...b, resource("aws:ebs/volume:Volume", "data", { size: 100 })], message: /EBS volume not encrypted/ },
        ],
        keeps: [{ title: "encrypted EBS volume", resources: (b) => [...b, resource("aws:ebs/volume:Volume", "data", { size: 100, encrypted: true })] }],
    },
    {
        id: "WSO2-SEC-002",
        breaks: [{ title: "unencrypted file system", resources: (b) => patch(b, "fs", { encrypted: false }), message: /not encrypted/ }],
    },
    {
        id: "WSO2-SEC-003",
        breaks: [
            { title: "no file system policy", resources: (b) => without(b, "fs-tls"), message: /no file system policy/ },
            {
                title: "a policy that allows plain NFS",
                resources: (b) => patch(b, "fs-tls", { policy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: "*", Action: "*" }] }) }),
                message: /does not deny access without TLS/,
            },
            { title: "a policy of another file system", resources: (b) => patch(b, "fs-tls", { fileSystemId: ref("other-fs") }), message: /no file system policy/ },
        ],
        keeps: [{ title: "a policy still unknown during preview", resources: (b) => patch(b, "fs-tls", { policy: "(known after apply)" }) }],
    },
    {
        id: "WSO2-SEC-004",
        breaks: [
            { title: "IMDSv1 allowed", resources: (b) => patch(b, "node-1", { metadataOptions: { httpTokens: "optional" } }), message: /^IMDSv2 not required$/ },
            { title: "no metadata options", resources: (b) => patch(b, "node-1", { metadataOptions: undefined }), message: /IMDSv2/ },
        ],
    },
    {
        id: "WSO2-SEC-005",
        breaks: [{ title: "unencrypted storage", resources: (b) => patch(b, "db", { storageEncrypted: undefined }), message: /storage not encrypted/ }],
    },
    {
        id: "WSO2-SEC-006",
        breaks: [
            { title: "public IP", resources: (b) => patch(b, "node-1", { associatePublicIpAddress: true }), message: /public IP/ },
            { title: "left to the subnet's default", resources: (b) => patch(b, "node-1", { associatePublicIpAddress: undefined }), message: /public IP/ },
        ],
    },
    {
        id: "WSO2-SEC-007",
        breaks: [{ title: "publicly accessible", resources: (b) => patch(b, "db", { publiclyAccessible: true }), message: /publicly accessible/ }],
        keeps: [{ title: "left to the default (private)", resources: (b) => patch(b, "db", { publiclyAccessible: undefined }) }],
    },
    {
        id: "WSO2-SEC-008",
        breaks: [
            { title: "a secret in user-data", resources: (b) => patch(b, "node-1", { userData: "[secret]" }), message: /^input userData carries a secret value$/ },
            { title: "a secret in a tag", resources: (b) => patch(b, "node-1", { tags: { Name: "[secret]" } }), message: /input tags\.Name/ },
            {
                title: "a stored secret's value copied into user-data (as a policy pack sees it)",
                resources: (b) => patch(patch(b, "admin", { secretString: "S3cret-Value-42" }, "aws:secretsmanager/secretVersion:SecretVersion"), "node-1", {
                    userData: "#!/bin/bash\necho S3cret-Value-42 | app --stdin\n",
                }),
                message: /userData contains the value of secret admin/,
            },
        ],
        keeps: [
            { title: "a secret in an RDS password", resources: (b) => patch(b, "db", { password: "[secret]" }) },
            { title: "an SSM parameter value (secret in the provider's schema)", resources: (b) => [...b, resource("aws:ssm/parameter:Parameter", "p", { type: "SecureString", value: "[secret]" })] },
        ],
    },
    {
        id: "WSO2-SEC-009",
        breaks: [
            { title: "a password literal in deployment.toml", resources: withUserData('[database.apim_db]\npassword = "wso2carbon"\n'), message: /^userData: password is set to a literal \(line 2\)$/ },
            { title: "a password in an env file", resources: withUserData("export DB_PASSWORD=hunter2\n"), message: /DB_PASSWORD is set to a literal/ },
            { title: "a JSON password", resources: withUserData('{"db_password": "hunter2"}'), message: /db_password is set to a literal/ },
            { title: "an AWS access key id", resources: withUserData("AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n"), message: /AWS access key id/ },
            { title: "a private key", resources: withUserData("-----BEGIN RSA PRIVATE KEY-----\nMIIE\n"), message: /private key/ },
            {
                title: "a password in a base64 file of the cloud-config",
                resources: withUserData(`#cloud-config\nwrite_files:\n  - path: /etc/db.env\n    encoding: b64\n    content: ${Buffer.from('password = "hunter2"').toString("base64")}\n`),
                message: /userData → \/etc\/db.env: password/,
            },
            {
                title: "a password in gzip-compressed user-data",
                resources: (b) => patch(b, "node-1", { userData: undefined, userDataBase64: zlib.gzipSync('password = "hunter2"').toString("base64") }),
                message: /userDataBase64: password/,
            },
            {
                title: "a GoldenGate login with its password",
                resources: (b) => [...b, resource("aws:s3/bucketObjectv2:BucketObjectv2", "ext", { key: "dirprm/ext.prm", content: "EXTRACT ext1\nUSERID ggadmin@APIMDB, PASSWORD Welcome1\n" })],
                message: /content: a GoldenGate PASSWORD literal \(line 2\)/,
            },
            {
                title: "an Oracle user created with a literal password",
                resources: (b) => [...b, resource("aws:s3/bucketObjectv2:BucketObjectv2", "users", { key: "sql/users.sql", content: "CREATE USER am_db IDENTIFIED BY wso2carbon;\n" })],
                message: /an IDENTIFIED BY literal/,
            },
            {
                title: "a password in an S3 object",
                resources: (b) => [...b, resource("aws:s3/bucketObjectv2:BucketObjectv2", "gg-params", { key: "dirprm/mgr.prm", content: "PASSWORD = 'oracle123'" })],
                message: /content: PASSWORD is set to a literal/,
            },
        ],
        keeps: [
            { title: "values drawn at run time", resources: withUserData('password="$DB_PASSWORD"\nexport DB_PASSWORD=$(read_secret db)\nsecret_key = "$secret{key}"\n') },
            { title: "an empty password", resources: withUserData('password = ""\n') },
            {
                title: "passwords supplied at run time to GoldenGate and SQL*Plus",
                resources: (b) => [...b, resource("aws:s3/bucketObjectv2:BucketObjectv2", "sql", {
                    key: "sql/users.sql",
                    content: [
                        "USERIDALIAS ggadmin DOMAIN wso2",
                        "CREATE USER am_db IDENTIFIED BY \"&&am_db_password\";",
                        "EXECUTE IMMEDIATE 'CREATE USER ' || v_user || ' IDENTIFIED BY \"' || p_password || '\"';",
                        "log \"APIM_DB_PASSWORD and SHARED_DB_PASSWORD written\"",
                    ].join("\n"),
                })],
            },
        ],
    },
    {
        id: "WSO2-SEC-010",
        breaks: [
            { title: "no bucket policy", resources: (b) => without(b, "logs", "aws:s3/bucketPolicy:BucketPolicy"), message: /no bucket policy denies/ },
            { title: "a policy of another bucket", resources: (b) => patch(b, "logs", { bucket: ref("other") }, "aws:s3/bucketPolicy:BucketPolicy"), message: /no bucket policy denies/ },
        ],
        keeps: [{
            title: "the deny set inline on the bucket",
            resources: (b) => patch(without(b, "logs", "aws:s3/bucketPolicy:BucketPolicy"), "logs", { policy: tlsOnlyPolicy("*") }, "aws:s3/bucket:Bucket"),
        }],
    },
    {
        id: "WSO2-SEC-011",
        breaks: [
            { title: "public buckets not restricted", resources: (b) => patch(b, "logs", { restrictPublicBuckets: false }, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"), message: /public access not fully blocked/ },
            { title: "no public access block", resources: (b) => without(b, "logs", "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"), message: /public access/ },
        ],
    },
    {
        id: "WSO2-SEC-012",
        breaks: [
            {
                title: "every action",
                resources: (b) => patch(b, "node-access", { policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: ["s3:*"], Resource: "arn:aws:s3:::b/*" }] }) }),
                message: /allows action s3:\*/,
            },
            {
                title: "every resource",
                resources: (b) => patch(b, "node-access", { policy: JSON.stringify({ Statement: { Effect: "Allow", Action: "ec2:DescribeInstances", Resource: "*" } }) }),
                message: /allows resource \*/,
            },
        ],
        keeps: [{
            title: "a wildcard in a Deny",
            resources: (b) => patch(b, "node-access", { policy: JSON.stringify({ Statement: [{ Effect: "Deny", Action: "*", Resource: "*" }] }) }),
        }],
    },
    {
        id: "WSO2-NET-001",
        breaks: [
            { title: "a node port open to anywhere", resources: addIngress("nodes-open", "sg-nodes", { fromPort: 8243, toPort: 8243, cidrIpv4: "0.0.0.0/0" }), message: /tcp 8243 open to anywhere on group sg-nodes/ },
            { title: "the ALB open to anywhere beyond 80/443", resources: addIngress("alb-8080", "sg-alb", { fromPort: 8080, toPort: 8080, cidrIpv6: "::/0" }), message: /tcp 8080 open to anywhere on group sg-alb/ },
            {
                title: "an inline all-traffic rule",
                resources: (b) => patch(b, "sg-db", { ingress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }] }),
                message: /all traffic open to anywhere on group sg-db/,
            },
        ],
    },
    {
        id: "WSO2-NET-002",
        breaks: [
            { title: "SSH from the VPC", resources: addIngress("ssh", "sg-nodes", { fromPort: 22, toPort: 22, cidrIpv4: "10.10.0.0/16" }), message: /opens port 22 on group sg-nodes/ },
            {
                title: "RDP inside a port range (classic rule)",
                resources: (b) => [...b, resource("aws:ec2/securityGroupRule:SecurityGroupRule", "range", {
                    type: "ingress", securityGroupId: ref("sg-nodes"), protocol: "tcp", fromPort: 3000, toPort: 4000, sourceSecurityGroupId: ref("sg-alb"),
                })],
                message: /tcp 3000-4000 opens port 3389/,
            },
        ],
        keeps: [{
            title: "an egress classic rule on 22",
            resources: (b) => [...b, resource("aws:ec2/securityGroupRule:SecurityGroupRule", "out", { type: "egress", securityGroupId: ref("sg-nodes"), protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] })],
        }],
    },
    {
        id: "WSO2-NET-003",
        breaks: [
            { title: "the management port from the VPC", resources: (b) => patch(b, "nodes-management", { referencedSecurityGroupId: undefined, cidrIpv4: "10.10.0.0/16" }), message: /tcp 9443 open to 10\.10\.0\.0\/16 on group sg-nodes/ },
            { title: "node-to-node all traffic", resources: (b) => patch(b, "sg-nodes", { ingress: [{ protocol: "-1", fromPort: 0, toPort: 0, self: true }] }), message: /all traffic open to group sg-nodes/ },
            { title: "the gateway port from a group outside the stack", resources: (b) => patch(b, "nodes-gateway", { referencedSecurityGroupId: "sg-0123456789abcdef0" }), message: /a group outside this stack/ },
        ],
    },
    {
        id: "WSO2-NET-004",
        breaks: [
            { title: "Oracle from anywhere", resources: (b) => patch(b, "db-oracle", { referencedSecurityGroupId: undefined, cidrIpv4: "0.0.0.0/0" }), message: /tcp 1521 open to 0\.0\.0\.0\/0/ },
            { title: "Oracle from the ALB", resources: (b) => patch(b, "db-oracle", { referencedSecurityGroupId: ref("sg-alb") }), message: /open to group sg-alb/ },
            { title: "another port on the database's group", resources: addIngress("db-em", "sg-db", { fromPort: 5500, toPort: 5500, referencedSecurityGroupId: ref("sg-nodes") }), message: /tcp 5500 open on group sg-db, which should take tcp 1521 only/ },
        ],
        keeps: [
            { title: "Oracle from a peered region's private range", resources: addIngress("db-peer", "sg-db", { fromPort: 1521, toPort: 1521, cidrIpv4: "10.20.0.0/16" }) },
            {
                title: "Oracle from a replication hub's group",
                resources: (b) => addIngress("db-hub", "sg-db", { fromPort: 1521, toPort: 1521, referencedSecurityGroupId: ref("sg-hub") })([
                    ...b,
                    resource("aws:ec2/securityGroup:SecurityGroup", "sg-hub", { vpcId: ref("vpc") }),
                    resource("aws:ec2/instance:Instance", "gg-hub", { vpcSecurityGroupIds: [ref("sg-hub")] }),
                ]),
            },
        ],
    },
    {
        id: "WSO2-NET-005",
        breaks: [
            { title: "NFS from the ALB", resources: (b) => patch(b, "efs-nfs", { referencedSecurityGroupId: ref("sg-alb") }), message: /tcp 2049 open to group sg-alb/ },
            { title: "NFS from a private range", resources: (b) => patch(b, "efs-nfs", { referencedSecurityGroupId: undefined, cidrIpv4: "10.10.0.0/16" }), message: /2049/ },
            { title: "another port on the EFS group", resources: addIngress("efs-other", "sg-efs", { fromPort: 111, toPort: 111, referencedSecurityGroupId: ref("sg-nodes") }), message: /should take tcp 2049 only/ },
            {
                title: "NFS from a host that is not an APIM node",
                resources: (b) => patch([
                    ...b,
                    resource("aws:ec2/securityGroup:SecurityGroup", "sg-hub", { vpcId: ref("vpc") }),
                    resource("aws:ec2/instance:Instance", "gg-hub", { vpcSecurityGroupIds: [ref("sg-hub")] }),
                ], "efs-nfs", { referencedSecurityGroupId: ref("sg-hub") }),
                message: /tcp 2049 open to group sg-hub/,
            },
        ],
    },
    {
        id: "WSO2-NET-006",
        breaks: [{ title: "no flow log", resources: (b) => without(b, "flow-logs"), message: /no flow log/ }],
    },
    {
        id: "WSO2-LB-001",
        breaks: [
            { title: "no TLS policy", resources: (b) => patch(b, "https", { sslPolicy: undefined }), message: /no TLS policy set/ },
            { title: "the TLS 1.0 default named", resources: (b) => patch(b, "https", { sslPolicy: "ELBSecurityPolicy-2016-08" }), message: /accepts versions before TLS 1\.2/ },
            { title: "a TLS 1.1 policy", resources: (b) => patch(b, "https", { sslPolicy: "ELBSecurityPolicy-TLS13-1-1-2021-06" }), message: /before TLS 1\.2/ },
        ],
        keeps: [
            { title: "TLS 1.3 only", resources: (b) => patch(b, "https", { sslPolicy: "ELBSecurityPolicy-TLS13-1-3-2021-06" }) },
            { title: "a FIPS TLS 1.2 policy", resources: (b) => patch(b, "https", { sslPolicy: "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04" }) },
        ],
    },
    {
        id: "WSO2-LB-002",
        breaks: [
            { title: "HTTP forwarding to targets", resources: (b) => patch(b, "http", { defaultActions: [{ type: "forward", targetGroupArn: ref("gateway", "arn") }] }), message: /HTTP listener serves traffic/ },
            { title: "a redirect to plain HTTP", resources: (b) => patch(b, "http", { defaultActions: [{ type: "redirect", redirect: { protocol: "HTTP", port: "8080" } }] }), message: /HTTP listener serves/ },
            { title: "a forwarding rule on the HTTP listener", resources: (b) => patch(b, "gateway-hosts", { listenerArn: ref("http", "arn") }), message: /listener rule on an HTTP listener/ },
        ],
    },
    {
        id: "WSO2-LB-003",
        breaks: [{ title: "headers kept", resources: (b) => patch(b, "alb", { dropInvalidHeaderFields: false }), message: /invalid header fields not dropped/ }],
        keeps: [{ title: "a network load balancer", resources: (b) => patch(b, "alb", { loadBalancerType: "network", dropInvalidHeaderFields: undefined }) }],
    },
    {
        id: "WSO2-LB-004",
        breaks: [
            { title: "logs disabled", resources: (b) => patch(b, "alb", { accessLogs: { bucket: ref("logs", "bucket"), enabled: false } }), message: /access logs off/ },
            { title: "no logs", resources: (b) => patch(b, "alb", { accessLogs: undefined }), message: /access logs off/ },
        ],
    },
    {
        id: "WSO2-LB-005",
        breaks: [{ title: "deletable", resources: (b) => patch(b, "alb", { enableDeletionProtection: undefined }), message: /deletion protection off/ }],
    },
    {
        id: "WSO2-REL-001",
        breaks: [
            { title: "no automated backups", resources: (b) => patch(b, "db", { backupRetentionPeriod: 0 }), message: /automated backups off \(backupRetentionPeriod 0\)/ },
            { title: "retention not set", resources: (b) => patch(b, "db", { backupRetentionPeriod: undefined }), message: /backupRetentionPeriod not set/ },
        ],
    },
    {
        id: "WSO2-REL-002",
        breaks: [
            {
                title: "another datacenter keeps backups as long",
                resources: (b) => b,
                context: { allStacks: [other("us-west", false, rdsIn(14))] },
                message: /backup retention 14 days is not longer than stack us-west's 14 days/,
            },
            { title: "only this stack visible", resources: (b) => b, context: { allStacks: undefined }, message: /not visible from this stack alone/ },
        ],
        keeps: [
            { title: "the others keep backups shorter", resources: (b) => b, context: { allStacks: [other("us-west", false, rdsIn(7))] } },
            { title: "a stack that is not the trusted source", resources: (b) => b, context: { trustedSource: false, allStacks: [other("us-east", true, rdsIn(7))] } },
        ],
    },
    {
        id: "WSO2-REL-003",
        breaks: [{ title: "deletable", resources: (b) => patch(b, "db", { deletionProtection: false }), message: /deletion protection off/ }],
    },
    {
        id: "WSO2-REL-004",
        breaks: [
            { title: "final snapshot skipped", resources: (b) => patch(b, "db", { skipFinalSnapshot: true }), message: /final snapshot skipped/ },
            { title: "no snapshot name", resources: (b) => patch(b, "db", { finalSnapshotIdentifier: undefined }), message: /no finalSnapshotIdentifier/ },
        ],
    },
    {
        id: "WSO2-REL-005",
        breaks: [{ title: "single-AZ trusted source", resources: (b) => patch(b, "db", { multiAz: false }), message: /not Multi-AZ/ }],
        keeps: [{ title: "single-AZ elsewhere", resources: (b) => patch(b, "db", { multiAz: false }), context: { trustedSource: false } }],
    },
    {
        id: "WSO2-REL-006",
        breaks: [
            { title: "database unprotected", resources: (b) => b.map((r) => (r.name === "db" ? { ...r, protect: false } : r)), message: /not protected/ },
            { title: "file system unprotected", resources: (b) => b.map((r) => (r.name === "fs" ? { ...r, protect: false } : r)), message: /not protected/ },
            { title: "EBS data volume unprotected", resources: (b) => [...b, resource("aws:ebs/volume:Volume", "oracle-data", { encrypted: true })], message: /not protected/ },
            { title: "access-log bucket unprotected", resources: (b) => b.map((r) => (r.type === "aws:s3/bucket:Bucket" ? { ...r, protect: false } : r)), message: /not protected/ },
        ],
        keeps: [{ title: "an unprotected bucket that holds no access logs", resources: (b) => [...b, resource("aws:s3/bucket:Bucket", "scratch", {})] }],
    },
    {
        id: "WSO2-REL-007",
        breaks: [{ title: "no log exports", resources: (b) => patch(b, "db", { enabledCloudwatchLogsExports: [] }), message: /no logs exported/ }],
    },
    {
        id: "WSO2-REL-008",
        breaks: [{ title: "no enhanced monitoring", resources: (b) => patch(b, "db", { monitoringInterval: 0 }), message: /enhanced monitoring off/ }],
    },
    {
        id: "WSO2-REL-009",
        breaks: [{ title: "basic monitoring", resources: (b) => patch(b, "node-1", { monitoring: undefined }), message: /detailed monitoring off/ }],
    },
    {
        id: "WSO2-OPS-001",
        breaks: [{ title: "a key pair", resources: (b) => patch(b, "node-1", { keyName: "ops" }), message: /SSH key pair "ops" set/ }],
    },
    {
        id: "WSO2-OPS-002",
        breaks: [
            { title: "no instance profile", resources: (b) => patch(b, "node-1", { iamInstanceProfile: undefined }), message: /no instance profile/ },
            { title: "a role without the SSM policy", resources: (b) => without(b, "node-ssm"), message: /role node-role lacks AmazonSSMManagedInstanceCore/ },
            { title: "a profile from outside the stack", resources: (b) => patch(b, "node-1", { iamInstanceProfile: "legacy-profile" }), message: /cannot be confirmed/ },
        ],
        keeps: [{
            title: "the SSM policy listed on the role",
            resources: (b) => patch(without(b, "node-ssm"), "node-role", { managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"] }),
        }],
    },
    {
        id: "WSO2-OPS-003",
        breaks: [
            { title: "a provider without default tags", resources: (b) => patch(b, "aws", { defaultTags: undefined }), message: /missing tags: project, stack, datacenter/ },
            {
                title: "another stack's tag",
                resources: (b) => patch(b, "aws", { defaultTags: JSON.stringify({ tags: { project: "p", stack: "us-west", datacenter: "DC2" } }) }),
                message: /tag stack is "us-west", not "test"/,
            },
            { title: "an empty tag on the resource", resources: (b) => patch(b, "vpc", { tags: { datacenter: "" } }), message: /missing tags: datacenter/ },
        ],
        keeps: [
            {
                title: "own tags without provider defaults, and untaggable types untagged",
                resources: (b) => [
                    { ...b[0], inputs: { region: "us-east-1" } },
                    resource("aws:ec2/vpc:Vpc", "vpc", { tags: { project: "p", stack: STACK, datacenter: "DC1" } }),
                    resource("aws:route53/record:Record", "r", { name: "x.example.com", type: "A", records: ["192.0.2.1"], zoneId: "Z0EXAMPLE" }),
                ],
            },
            { title: "provider defaults given as an object", resources: (b) => patch(b, "aws", { defaultTags: { tags: { project: "p", stack: STACK, datacenter: "DC1" } } }) },
        ],
    },
    {
        id: "WSO2-DNS-001",
        breaks: [
            {
                title: "an alias blind to its target's health",
                resources: (b) => patch(b, "gateway-geo-us", { aliases: [{ name: "gateway-failover-dc1.example.com", zoneId: "Z0EXAMPLE", evaluateTargetHealth: false }] }),
                message: /alias to gateway-failover-dc1\.example\.com does not evaluate target health/,
            },
            { title: "a routed record without alias or health check", resources: (b) => patch(b, "gateway-geo-us", { aliases: undefined, records: ["192.0.2.1"] }), message: /routed record has no health check/ },
        ],
        keeps: [{ title: "a routed record with a health check", resources: (b) => patch(b, "gateway-geo-us", { aliases: undefined, records: ["192.0.2.1"], healthCheckId: ref("hc") }) }],
    },
    {
        id: "WSO2-DNS-002",
        breaks: [
            { title: "no default record in this stack alone", resources: (b) => without(b, "gateway-geo-default"), context: { allStacks: undefined }, message: /no default geolocation record for gateway\.example\.com in this stack/ },
            {
                title: "no default record in any stack",
                resources: (b) => without(b, "gateway-geo-default"),
                context: { allStacks: [other("us-west", false, geoIn("JP"))] },
                message: /in any stack \(us-west, test\)/,
            },
        ],
        keeps: [{ title: "the default record held by another stack", resources: (b) => without(b, "gateway-geo-default"), context: { allStacks: [other("us-west", false, geoIn("*"))] } }],
    },
];

function findingsOf(id: string, c: Case) {
    const context = { ...CONTEXT, ...c.context };
    return evaluate(c.resources(compliantStack()), context).filter((f) => f.ruleId === id);
}

describe("guardrail rules", () => {
    it("every rule is in the table, with at least one stack that breaks it", () => {
        assert.deepEqual(TABLE.map((row) => row.id).sort(), RULES.map((rule) => rule.id).sort());
        for (const row of TABLE) assert.ok(row.breaks.length > 0, `${row.id} has no breaking case`);
    });

    it("rule ids are unique and every rule explains itself", () => {
        assert.equal(new Set(RULES.map((r) => r.id)).size, RULES.length);
        for (const rule of RULES) {
            assert.match(rule.id, /^WSO2-(SEC|NET|LB|REL|OPS|DNS)-\d{3}$/);
            for (const text of [rule.title, rule.rationale, rule.fix]) assert.ok(text.length > 10, `${rule.id}: say more`);
        }
    });

    it("the compliant stack keeps every rule", () => {
        assert.deepEqual(evaluate(compliantStack(), CONTEXT).map(formatFinding), []);
    });

    for (const row of TABLE) {
        describe(row.id, () => {
            for (const c of row.breaks) {
                it(`breaks: ${c.title}`, () => {
                    const findings = findingsOf(row.id, c);
                    assert.ok(findings.length > 0, `${row.id} kept by: ${c.title}`);
                    assert.ok(findings.some((f) => c.message!.test(f.message)), `messages: ${findings.map((f) => f.message).join(" | ")}`);
                });
            }
            for (const c of row.keeps ?? []) {
                it(`keeps: ${c.title}`, () => assert.deepEqual(findingsOf(row.id, c).map(formatFinding), []));
            }
        });
    }
});

describe("guardrail findings", () => {
    it("format as one line: rule, severity, resource, message, fix", () => {
        const [finding] = evaluate(patch(compliantStack(), "node-1", { metadataOptions: { httpTokens: "optional" } }), CONTEXT);
        assert.equal(
            formatFinding(finding),
            `WSO2-SEC-004 (mandatory) node-1 [aws:ec2/instance:Instance]: IMDSv2 not required — fix: set metadataOptions.httpTokens = "required"`,
        );
        assert.equal(finding.resource?.urn, `urn:pulumi:${STACK}::wso2-apim-multi-dc::aws:ec2/instance:Instance::node-1`);
    });

    it("carry the rule's severity; advisory rules stay advisory", () => {
        const [finding] = evaluate(patch(compliantStack(), "node-1", { monitoring: false }), CONTEXT);
        assert.equal(finding.ruleId, "WSO2-REL-009");
        assert.equal(finding.severity, "advisory");
    });

    it("of a cross-stack rule are mandatory with every stack in sight and advisory with one", () => {
        const broken = without(compliantStack(), "gateway-geo-default");
        const alone = evaluate(broken, { ...CONTEXT, allStacks: undefined }).filter((f) => f.ruleId === "WSO2-DNS-002");
        const together = evaluate(broken, { ...CONTEXT, allStacks: [other("us-west", false, geoIn("JP"))] }).filter((f) => f.ruleId === "WSO2-DNS-002");
        assert.deepEqual([alone[0].severity, together[0].severity], ["advisory", "mandatory"]);
    });

    it("name resources by the provider the resource uses, not any provider", () => {
        const untagged = { ...compliantStack()[0], urn: `${PROVIDER_URN}-bare`, inputs: {} };
        const resources = [...compliantStack(), untagged, { ...resource("aws:ec2/vpc:Vpc", "vpc-2", {}), provider: untagged.urn }];
        assert.deepEqual(evaluate(resources, CONTEXT).map((f) => `${f.ruleId} ${f.resource?.name}`), ["WSO2-NET-006 vpc-2", "WSO2-OPS-003 vpc-2"]);
    });
});

/** @pulumi/aws's source of a resource type: `aws:ec2/vpc:Vpc` → ec2/vpc.d.ts or .js. */
function awsSource(type: string, extension: "d.ts" | "js"): string {
    const [, module] = /^aws:([^:]+):\w+$/.exec(type)!;
    return fs.readFileSync(path.join(PROJECT_DIR, "node_modules/@pulumi/aws", `${module}.${extension}`), "utf8");
}

async function awsTypesOfShippedStacks(): Promise<Set<string>> {
    const declared = new Set<string>();
    for (const stack of STACKS) for (const r of (await run(stack)).resources) if (r.type.startsWith("aws:")) declared.add(r.type);
    return declared;
}

describe("non-taggable types", () => {
    /** Whether @pulumi/aws's args for the type take `tags`. */
    function argsTakeTags(type: string): boolean {
        const name = type.split(":")[2];
        const args = new RegExp(`export interface ${name}Args \\{([\\s\\S]*?)\\n\\}`).exec(awsSource(type, "d.ts"));
        assert.ok(args, `no ${name}Args in @pulumi/aws for ${type}`);
        return /^\s+tags\?:/m.test(args[1]);
    }

    it("include every untaggable type the shipped stacks declare", async () => {
        const declared = await awsTypesOfShippedStacks();
        const unlisted = [...declared].filter((type) => !argsTakeTags(type) && !NON_TAGGABLE_TYPES.has(type));
        assert.deepEqual(unlisted, [], "add these to NON_TAGGABLE_TYPES");
    });

    it("take no tags in @pulumi/aws", () => {
        assert.deepEqual([...NON_TAGGABLE_TYPES].filter(argsTakeTags), []);
    });
});

describe("provider secret inputs", () => {
    /** The inputs @pulumi/aws wraps in pulumi.secret for the type. */
    function secretInputs(type: string): string[] {
        return [...awsSource(type, "js").matchAll(/resourceInputs\["(\w+)"\] = args\?\.\w+ \? pulumi\.secret\(/g)].map((m) => m[1]).sort();
    }

    it("are listed for every type the shipped stacks declare and every listed type", async () => {
        const types = new Set([...(await awsTypesOfShippedStacks()), ...Object.keys(PROVIDER_SECRET_INPUTS)]);
        const actual = Object.fromEntries([...types].map((type) => [type, secretInputs(type)]).filter(([, keys]) => keys.length > 0));
        assert.deepEqual(actual, Object.fromEntries(Object.entries(PROVIDER_SECRET_INPUTS).map(([type, keys]) => [type, [...keys].sort()])));
    });
});

describe("docs/guardrails.md", () => {
    it("lists every rule with its severity and equivalents", () => {
        const doc = fs.readFileSync(path.join(PROJECT_DIR, "docs/guardrails.md"), "utf8");
        const rows = new Map(doc.split("\n").filter((line) => /^\| WSO2-/.test(line)).map((line) => {
            const cells = line.split("|").slice(1, -1).map((cell) => cell.trim());
            return [cells[0], cells];
        }));
        assert.deepEqual([...rows.keys()].sort(), RULES.map((r) => r.id).sort());
        for (const rule of RULES) {
            const [, severity, , , checkov, cdkNag] = rows.get(rule.id)!;
            assert.equal(severity, rule.severity, rule.id);
            assert.equal(checkov, (rule.equivalents.checkov ?? []).join(", ") || "—", `${rule.id} checkov`);
            assert.equal(cdkNag, (rule.equivalents.cdkNag ?? []).join(", ") || "—", `${rule.id} cdk-nag`);
        }
    });
});
