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
            {
                title: "a literal after a comment line, or after a # inside a line",
                resources: withUserData('# the database\nuser = "app" # password = "x"\npassword = "hunter2"\n'),
                message: /^userData: password is set to a literal \(line 2\)$/,
            },
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
                title: "a comment that describes a secret's shape (the GoldenGate hub's boot script, issue 22)",
                resources: withUserData('#!/bin/bash\n# The secret holds the plain password or {"password": "..."}\n  -- PASSWORD mine is set at run time\n'),
            },
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
        id: "WSO2-NET-007",
        breaks: [
            { title: "JMS from a peered VPC", resources: addIngress("jms-peer", "sg-nodes", { fromPort: 5672, toPort: 5672, cidrIpv4: "10.20.0.0/16" }), message: /^tcp 5672 open to 10\.20\.0\.0\/16 on group sg-nodes; port 5672 takes the nodes' group only$/ },
            { title: "events from this stack's own VPC range", resources: (b) => patch(b, "nodes-tm-binary", { referencedSecurityGroupId: undefined, cidrIpv4: "10.10.0.0/16" }), message: /tcp 9611 open to 10\.10\.0\.0\/16 on group sg-nodes; port 9611 takes the nodes' group or a peered VPC only/ },
            { title: "the publishers' login port from the ALB", resources: (b) => patch(b, "nodes-tm-auth", { referencedSecurityGroupId: ref("sg-alb") }), message: /tcp 9711 open to group sg-alb/ },
            { title: "events from a public range", resources: (b) => patch(b, "nodes-tm-binary-from-dc2", { cidrIpv4: "203.0.113.0/24" }), message: /tcp 9611 open to 203\.0\.113\.0\/24/ },
            { title: "a port range from a peered VPC that takes in JMS", resources: addIngress("tm-range", "sg-nodes", { fromPort: 5000, toPort: 6000, cidrIpv4: "10.20.0.0/16" }), message: /tcp 5000-6000 open to 10\.20\.0\.0\/16 on group sg-nodes; port 5672 takes the nodes' group only/ },
        ],
        keeps: [
            { title: "a third DC's nodes publishing events", resources: addIngress("tm-dc3", "sg-nodes", { fromPort: 9611, toPort: 9611, cidrIpv4: "10.30.0.0/16" }) },
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
        id: "WSO2-OPS-004",
        breaks: [
            { title: "a node without an alarm", resources: (b) => without(b, "node-1-system-check"), message: /^APIM node or Oracle host has no alarm that notifies a topic \(dimension InstanceId\)$/ },
            {
                title: "a node whose only alarm recovers it and tells nobody",
                resources: (b) => patch(b, "node-1-system-check", { alarmActions: ["arn:aws:automate:us-east-1:ec2:recover"] }),
                message: /APIM node or Oracle host has no alarm/,
            },
            { title: "a database without an alarm", resources: (b) => without(b, "db-free-storage"), message: /^database has no alarm/ },
            {
                title: "an Oracle host (an instance in a group that takes 1521) without an alarm",
                resources: (b) => [...b, resource("aws:ec2/instance:Instance", "oracle-host", { vpcSecurityGroupIds: [ref("sg-db")] })],
                message: /APIM node or Oracle host has no alarm/,
            },
            { title: "a target group without an alarm", resources: (b) => [...b, resource("aws:lb/targetGroup:TargetGroup", "gateway", { port: 8243 })], message: /^target group has no alarm/ },
            { title: "a health check without an alarm", resources: (b) => [...b, resource("aws:route53/healthCheck:HealthCheck", "hc", { type: "HTTPS" })], message: /^Route 53 health check has no alarm/ },
        ],
        keeps: [
            {
                title: "a target group watched through a metric math query, and a health check alarm notifying a topic by ARN",
                resources: (b) => [
                    ...b,
                    resource("aws:lb/targetGroup:TargetGroup", "gateway", { port: 8243 }),
                    resource("aws:cloudwatch/metricAlarm:MetricAlarm", "gateway-errors", {
                        metricQueries: [{ id: "m", metric: { metricName: "HTTPCode_Target_5XX_Count", dimensions: { TargetGroup: ref("gateway", "arnSuffix") } } }],
                        alarmActions: [ref("alarms", "arn")],
                    }),
                    resource("aws:route53/healthCheck:HealthCheck", "hc", { type: "HTTPS" }),
                    resource("aws:cloudwatch/metricAlarm:MetricAlarm", "hc-status", {
                        dimensions: { HealthCheckId: ref("hc") },
                        alarmActions: ["arn:aws:sns:us-east-1:123456789012:alarms"],
                    }),
                ],
            },
            { title: "a database watched by its literal identifier", resources: (b) => patch(patch(b, "db", { identifier: "wso2-apim-dc1" }), "db-free-storage", { dimensions: { DBInstanceIdentifier: "wso2-apim-dc1" } }) },
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
    },    // AWS input constraints (issue 11): what the AWS APIs accept, auto-names included.
    {
        id: "WSO2-AWS-001",
        breaks: [
            {
                title: "an apostrophe in a security group description (issue 11)",
                resources: (b) => patch(b, "sg-alb", { description: "GoldenGate hub: Manager and Collectors from the peer regions' hubs" }),
                message: /^description "GoldenGate hub: Manager and Collectors from the peer regions' hubs" has "'"; AWS allows a-zA-Z0-9, space and /,
            },
            { title: "an apostrophe in an ingress rule description (issue 11)", resources: (b) => patch(b, "alb-https", { description: "throttling decisions (JMS) to the region's gateways" }), message: /has "'"/ },
            { title: "an apostrophe in an egress rule description", resources: (b) => [...b, resource("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "to-dc2", { description: "trails to DC2's GoldenGate hub" })], message: /has "'"/ },
            { title: "a description over 255 characters", resources: (b) => patch(b, "alb-https", { description: "x".repeat(256) }), message: /^description is 256 characters; AWS allows 255$/ },
            { title: "a double quote in an inline rule", resources: (b) => patch(b, "sg-alb", { ingress: [{ description: `the "gateway"`, fromPort: 443, toPort: 443, protocol: "tcp" }] }), message: /^inline rule 1 description .* has "\\""/ },
        ],
        keeps: [
            { title: "every character EC2 lists, 255 of them", resources: (b) => patch(b, "alb-https", { description: "aZ09 ._-:/()#,@[]+=&;{}!$*".padEnd(255, "x") }) },
            { title: "no description (the provider's default)", resources: (b) => patch(b, "sg-alb", { description: undefined }) },
        ],
    },
    {
        id: "WSO2-AWS-002",
        breaks: [
            {
                title: "a logical name starting with sg- left to auto-naming",
                resources: (b) => patch(b, "sg-alb", { name: undefined }),
                message: /^security group name "sg-alb-" \+ 7 hex \(Pulumi auto-name\) starts with "sg-", which AWS reserves$/,
            },
            { title: "an apostrophe in the name", resources: (b) => patch(b, "sg-alb", { name: "dc1's alb" }), message: /has "'"/ },
            { title: "a prefix starting with sg-", resources: (b) => patch(b, "sg-alb", { name: undefined, namePrefix: "sg-alb-" }), message: /starts with "sg-"/ },
        ],
        keeps: [{ title: "a name prefix", resources: (b) => patch(b, "sg-alb", { name: undefined, namePrefix: "dc1-alb-" }) }],
    },
    {
        id: "WSO2-AWS-003",
        breaks: [
            {
                title: "a provider default tag key over 128 characters",
                resources: (b) => patch(b, "aws", { defaultTags: JSON.stringify({ tags: { project: "p", stack: STACK, datacenter: "DC1", ["k".repeat(129)]: "v" } }) }),
                message: /^tag key "k{129}" \(provider defaultTags\) is 129 characters; AWS allows 1 to 128$/,
            },
            { title: "an EC2 tag key of 128 characters", resources: (b) => patch(b, "vpc", { tags: { ["k".repeat(128)]: "v" } }), message: /is 128 characters; AWS allows 1 to 127$/ },
            { title: "a key starting with aws:", resources: (b) => patch(b, "vpc", { tags: { "aws:owner": "ops" } }), message: /^tag key "aws:owner" starts with aws:/ },
            { title: "a value over 256 characters", resources: (b) => patch(b, "logs", { tags: { Name: "n".repeat(257) } }), message: /^tag Name value is 257 characters; AWS allows 256$/ },
            { title: "an apostrophe in a value", resources: (b) => patch(b, "logs", { tags: { Owner: "ops team's" } }), message: /^tag Owner value "ops team's" has characters outside/ },
        ],
        keeps: [
            { title: "a 128-character key and a 256-character value outside EC2", resources: (b) => patch(b, "logs", { tags: { ["k".repeat(128)]: "v".repeat(256) } }) },
            { title: "a health check's URL-like Name tag", resources: (b) => patch(b, "vpc", { tags: { Name: "gateway-us-east-1.example.com/services/Version" } }) },
        ],
    },
    {
        id: "WSO2-AWS-004",
        breaks: [
            {
                title: "an auto-named target group over 32 characters",
                resources: (b) => [...b, resource("aws:lb/targetGroup:TargetGroup", "dc123456789-lb-management", { port: 9443 })],
                message: /^target group name "dc123456789-lb-management-" \+ 7 hex \(Pulumi auto-name\) is 33 characters; AWS allows 32$/,
            },
            { title: "a load balancer named internal-…", resources: (b) => patch(b, "alb", { name: "internal-gateway" }), message: /starts with "internal-"/ },
            { title: "a trailing hyphen", resources: (b) => patch(b, "alb", { name: "gateway-" }), message: /begins or ends with a hyphen/ },
            { title: "an underscore", resources: (b) => patch(b, "alb", { name: "wso2_alb" }), message: /has "_"; AWS allows letters, digits and hyphens/ },
            { title: "a name prefix over 6 characters", resources: (b) => patch(b, "alb", { namePrefix: "gateway" }), message: /^load balancer name "gateway" \+ 26 characters is 33 characters; AWS allows 32$/ },
        ],
        keeps: [
            { title: "an auto-named target group of 32 characters", resources: (b) => [...b, resource("aws:lb/targetGroup:TargetGroup", "dc12345678-lb-management", { port: 9443 })] },
            { title: "a name of 32 characters and a prefix of 6", resources: (b) => [...patch(b, "alb", { name: "a".repeat(32) }), resource("aws:lb/targetGroup:TargetGroup", "tg", { namePrefix: "dc1-gw" })] },
        ],
    },
    {
        id: "WSO2-AWS-005",
        breaks: [
            { title: "an auto-named role over 64 characters", resources: (b) => [...b, resource("aws:iam/role:Role", "r".repeat(57), {})], message: /^role name "r{57}-" \+ 7 hex \(Pulumi auto-name\) is 65 characters; AWS allows 64$/ },
            { title: "a space in a role name", resources: (b) => patch(b, "node-role", { name: "node role" }), message: /has " "; AWS allows letters, digits and _\+=,\.@-/ },
            { title: "an instance profile name over 128", resources: (b) => patch(b, "node-profile", { name: "p".repeat(129) }), message: /^instance profile name "p{129}" is 129 characters; AWS allows 128$/ },
            { title: "a path without slashes", resources: (b) => patch(b, "node-role", { path: "wso2" }), message: /^path "wso2" is not \/ or \/…\// },
            { title: "a colon in an inline policy prefix", resources: (b) => patch(b, "node-access", { namePrefix: "wso2:" }), message: /^inline policy name "wso2:" \+ 26 characters has ":"/ },
        ],
        keeps: [
            { title: "an instance profile name of 128 (the IAM API reference allows twice a role's 64)", resources: (b) => patch(b, "node-profile", { name: "p".repeat(128) }) },
            { title: "a role path and description", resources: (b) => patch(b, "node-role", { path: "/wso2/", description: "The node's role" }) },
        ],
    },
    {
        id: "WSO2-AWS-006",
        breaks: [
            { title: "two consecutive hyphens", resources: (b) => patch(b, "db", { identifier: "wso2--dc1" }), message: /^DB instance identifier "wso2--dc1" has two consecutive hyphens$/ },
            { title: "a digit first", resources: (b) => patch(b, "db", { identifier: "1db" }), message: /does not start with a letter/ },
            { title: "an identifier over 63 characters", resources: (b) => patch(b, "db", { identifier: "d".repeat(64) }), message: /is 64 characters; AWS allows 63/ },
            { title: "an auto-named instance over 63 characters", resources: (b) => [...b, resource("aws:rds/instance:Instance", "d".repeat(56), {})], message: /"d{56}-" \+ 7 hex \(Pulumi auto-name\) is 64 characters/ },
            { title: "a final snapshot ending with a hyphen", resources: (b) => patch(b, "db", { finalSnapshotIdentifier: "db-final-" }), message: /^final snapshot identifier "db-final-" ends with a hyphen$/ },
            { title: "an underscore in a parameter group name", resources: (b) => [...b, resource("aws:rds/parameterGroup:ParameterGroup", "params", { name: "oracle_params" })], message: /^DB parameter group name "oracle_params" has "_"/ },
            { title: "a subnet group named default", resources: (b) => [...b, resource("aws:rds/subnetGroup:SubnetGroup", "subnets", { name: "default" })], message: /is "default", which RDS reserves/ },
        ],
        keeps: [
            { title: "an identifier prefix", resources: (b) => patch(b, "db", { identifierPrefix: "wso2-dc1-" }) },
            { title: "auto-named parameter and subnet groups, a subnet group name with dots and underscores", resources: (b) => [
                ...b,
                resource("aws:rds/parameterGroup:ParameterGroup", "dc1-db-params", {}),
                resource("aws:rds/subnetGroup:SubnetGroup", "subnets", { name: "wso2.db_subnets" }),
            ] },
        ],
    },
    {
        id: "WSO2-AWS-007",
        breaks: [
            { title: "an Oracle DB name of 9 characters", resources: (b) => patch(b, "db", { dbName: "APIMDBXYZ" }), message: /^Oracle DB name "APIMDBXYZ" is not 1 to 8 letters and digits starting with a letter$/ },
            { title: "an Oracle DB name starting with a digit", resources: (b) => patch(b, "db", { dbName: "1APIM" }), message: /Oracle DB name "1APIM"/ },
            { title: "a master username of 17 characters", resources: (b) => patch(b, "db", { username: "a".repeat(17) }), message: /^master username "a{17}" is not 1 to 16/ },
            { title: "a hyphen in the master username", resources: (b) => patch(b, "db", { username: "wso2-admin" }), message: /master username "wso2-admin"/ },
        ],
        keeps: [
            { title: "an 8-character Oracle DB name and a 16-character username", resources: (b) => patch(b, "db", { dbName: "APIMDB01", username: "wso2_admin_00001" }) },
            { title: "a longer DB name on another engine", resources: (b) => patch(b, "db", { engine: "postgres", dbName: "apim_database" }) },
        ],
    },
    {
        id: "WSO2-AWS-008",
        breaks: [
            { title: "an auto-named bucket with capitals", resources: (b) => [...b, resource("aws:s3/bucket:Bucket", "Logs", {})], message: /^bucket name "Logs-" \+ 7 hex \(Pulumi auto-name\) has "L"; AWS allows lowercase letters, digits, dots and hyphens$/ },
            { title: "an auto-named bucket over 63 characters", resources: (b) => [...b, resource("aws:s3/bucket:Bucket", "b".repeat(56), {})], message: /is 64 characters; AWS allows 63/ },
            { title: "an IP address", resources: (b) => patch(b, "logs", { bucket: "192.168.5.4" }), message: /is formatted as an IP address/ },
            { title: "the xn-- prefix", resources: (b) => patch(b, "logs", { bucket: "xn--wso2-logs" }), message: /starts with "xn--"/ },
            { title: "the -s3alias suffix", resources: (b) => patch(b, "logs", { bucket: "wso2-logs-s3alias" }), message: /ends with "-s3alias"/ },
            { title: "two adjacent dots", resources: (b) => patch(b, "logs", { bucket: "wso2..logs" }), message: /has two adjacent dots/ },
            { title: "a prefix over 37 characters", resources: (b) => patch(b, "logs", { bucketPrefix: "p".repeat(38) }), message: /^bucket name "p{38}" \+ 26 characters is 64 characters; AWS allows 63$/ },
        ],
        keeps: [
            { title: "an auto-named bucket of 63 characters", resources: (b) => [...b, resource("aws:s3/bucket:Bucket", "b".repeat(55), {})] },
            { title: "dots in a name", resources: (b) => patch(b, "logs", { bucket: "logs.wso2.example" }) },
        ],
    },
    {
        id: "WSO2-AWS-009",
        breaks: [
            { title: "a retention CloudWatch does not offer", resources: (b) => [...b, resource("aws:cloudwatch/logGroup:LogGroup", "apim-logs", { retentionInDays: 100 })], message: /^retentionInDays 100 is not one CloudWatch Logs offers$/ },
            { title: "a space in the name", resources: (b) => [...b, resource("aws:cloudwatch/logGroup:LogGroup", "apim-logs", { name: "wso2 logs" })], message: /^log group name "wso2 logs" has " "/ },
            { title: "a name starting with aws/", resources: (b) => [...b, resource("aws:cloudwatch/logGroup:LogGroup", "apim-logs", { name: "aws/wso2" })], message: /starts with "aws\/"/ },
        ],
        keeps: [{ title: "a hierarchical name kept for ever (0)", resources: (b) => [...b, resource("aws:cloudwatch/logGroup:LogGroup", "apim-logs", { name: "/wso2-apim/dc1/apim", retentionInDays: 0 })] }],
    },
    {
        id: "WSO2-AWS-010",
        breaks: [
            { title: "a 3-day recovery window", resources: (b) => patch(b, "admin", { recoveryWindowInDays: 3 }, "aws:secretsmanager/secret:Secret"), message: /^recoveryWindowInDays 3 is neither 0 nor 7 to 30$/ },
            { title: "a space in the name", resources: (b) => patch(b, "admin", { name: "wso2 admin" }, "aws:secretsmanager/secret:Secret"), message: /^secret name "wso2 admin" has " "/ },
            { title: "a hyphen and six characters last", resources: (b) => patch(b, "admin", { name: "wso2/admin-abcdef" }, "aws:secretsmanager/secret:Secret"), message: /ends with a hyphen and six characters/ },
            { title: "a name over 512 characters", resources: (b) => patch(b, "admin", { name: "s".repeat(513) }, "aws:secretsmanager/secret:Secret"), message: /is 513 characters; AWS allows 512/ },
        ],
        keeps: [
            { title: "force delete (0) and a name prefix", resources: (b) => patch(b, "admin", { recoveryWindowInDays: 0, namePrefix: "wso2-apim/dc1/wso2-admin-" }, "aws:secretsmanager/secret:Secret") },
            { title: "a 30-day window", resources: (b) => patch(b, "admin", { recoveryWindowInDays: 30 }, "aws:secretsmanager/secret:Secret") },
        ],
    },
    {
        id: "WSO2-AWS-011",
        breaks: [
            { title: "a name under /aws", resources: (b) => [...b, resource("aws:ssm/parameter:Parameter", "ready", { name: "/aws/wso2/ready" })], message: /^parameter name "\/aws\/wso2\/ready" begins with aws or ssm/ },
            { title: "a name starting with ssm", resources: (b) => [...b, resource("aws:ssm/parameter:Parameter", "ready", { name: "SSM-ready" })], message: /begins with aws or ssm/ },
            { title: "a hierarchy without the leading /", resources: (b) => [...b, resource("aws:ssm/parameter:Parameter", "ready", { name: "wso2/ready" })], message: /has a hierarchy but no leading \// },
            { title: "16 levels", resources: (b) => [...b, resource("aws:ssm/parameter:Parameter", "ready", { name: "/l".repeat(16) })], message: /is deeper than 15 levels/ },
            { title: "a space", resources: (b) => [...b, resource("aws:ssm/parameter:Parameter", "ready", { name: "/wso2/ready flag" })], message: /has " "/ },
            {
                title: "a name its ARN makes longer than 1011",
                resources: (b) => [...b, resource("aws:ssm/parameter:Parameter", "ready", { name: "/" + "p".repeat(967) })],
                message: /is longer than the 966 characters its ARN leaves$/,
            },
        ],
        keeps: [{ title: "the replication flag's name, and 966 characters", resources: (b) => [
            ...b,
            resource("aws:ssm/parameter:Parameter", "ready", { name: "/wso2-apim/dc1/replication-ready" }),
            resource("aws:ssm/parameter:Parameter", "long", { name: "/" + "p".repeat(966) }),
        ] }],
    },
    {
        id: "WSO2-AWS-012",
        breaks: [
            { title: "a record label over 63 characters", resources: (b) => patch(b, "gateway-geo-us", { name: `${"g".repeat(64)}.example.com` }), message: /^record name "g{64}\.example\.com" has a label over 63 characters/ },
            { title: "a set identifier over 128", resources: (b) => patch(b, "gateway-geo-us", { setIdentifier: "s".repeat(129) }), message: /^set identifier "s{129}" is not 1 to 128 characters$/ },
            { title: "a 15 s health check", resources: (b) => [...b, resource("aws:route53/healthCheck:HealthCheck", "hc", { fqdn: "gateway.example.com", requestInterval: 15, failureThreshold: 3 })], message: /^requestInterval 15 is neither 10 nor 30$/ },
            { title: "a failure threshold of 11", resources: (b) => [...b, resource("aws:route53/healthCheck:HealthCheck", "hc", { fqdn: "gateway.example.com", requestInterval: 10, failureThreshold: 11 })], message: /^failureThreshold 11 is not 1 to 10$/ },
            { title: "a health check FQDN over 255", resources: (b) => [...b, resource("aws:route53/healthCheck:HealthCheck", "hc", { fqdn: Array(5).fill("h".repeat(60)).join(".") })], message: /^health check FQDN .* is 304 characters; AWS allows 255$/ },
            { title: "a zone comment over 256", resources: (b) => [...b, resource("aws:route53/zone:Zone", "private", { name: "dc1.wso2-apim.internal", comment: "c".repeat(257) })], message: /^comment is 257 characters; AWS allows 256$/ },
        ],
        keeps: [{ title: "a 30 s health check, threshold 10, with a trailing-dot name", resources: (b) => [
            ...b,
            resource("aws:route53/healthCheck:HealthCheck", "hc", { fqdn: "gateway.example.com.", resourcePath: "/services/Version", requestInterval: 30, failureThreshold: 10 }),
        ] }],
    },
    {
        id: "WSO2-AWS-013",
        breaks: [
            {
                title: "a Common Name over 64 characters",
                resources: (b) => [...b, resource("aws:acm/certificate:Certificate", "cert", { domainName: `gateway.${"z".repeat(50)}.example.com`, validationMethod: "DNS" })],
                message: /^certificate domain name "gateway\.z{50}\.example\.com" is 70 characters; AWS allows 64$/,
            },
            { title: "an alternative name with a 64-character label", resources: (b) => [...b, resource("aws:acm/certificate:Certificate", "cert", { domainName: "gateway.example.com", subjectAlternativeNames: [`${"a".repeat(64)}.example.com`] })], message: /^subject alternative name .* has a label over 63/ },
        ],
        keeps: [{ title: "a 64-character Common Name and a 100-character alternative name", resources: (b) => [
            ...b,
            resource("aws:acm/certificate:Certificate", "cert", { domainName: `gateway.${"z".repeat(44)}.example.com`, subjectAlternativeNames: [`apim.${"y".repeat(60)}.${"x".repeat(22)}.example.com`] }),
        ] }],
    },
    {
        id: "WSO2-AWS-014",
        breaks: [
            { title: "an alias without alias/", resources: (b) => [...b, resource("aws:kms/alias:Alias", "backups", { name: "wso2-backups" })], message: /^KMS alias name "wso2-backups" does not begin with alias\/$/ },
            { title: "an alias under alias/aws/", resources: (b) => [...b, resource("aws:kms/alias:Alias", "backups", { name: "alias/aws/wso2" })], message: /starts with "alias\/aws\/"/ },
            { title: "a key description over 8192", resources: (b) => [...b, resource("aws:kms/key:Key", "backups", { description: "k".repeat(8193) })], message: /^key description is 8193 characters; AWS allows 8192$/ },
        ],
        keeps: [{ title: "an alias/ name and a key description with an apostrophe", resources: (b) => [
            ...b,
            resource("aws:kms/alias:Alias", "backups", { name: "alias/wso2/backups" }),
            resource("aws:kms/key:Key", "backups", { description: "Copies of DC1's (trusted source) automated RDS backups" }),
        ] }],
    },
    {
        id: "WSO2-AWS-015",
        breaks: [{ title: "a creation token over 64 characters", resources: (b) => patch(b, "fs", { creationToken: "t".repeat(65) }), message: /^creation token "t{65}" is 65 characters; AWS allows 64$/ }],
        keeps: [{ title: "a creation token of 64 characters", resources: (b) => patch(b, "fs", { creationToken: "t".repeat(64) }) }],
    },
    {
        id: "WSO2-AWS-016",
        breaks: [
            { title: "an alarm name over 255 characters", resources: (b) => patch(b, "db-free-storage", { name: "a".repeat(256) }), message: /^alarm name "a{256}" is 256 characters; AWS allows 255$/ },
            { title: "an alarm description over 1024 characters", resources: (b) => patch(b, "db-free-storage", { alarmDescription: "d".repeat(1025) }), message: /^alarm description is 1025 characters; AWS allows 1024$/ },
            { title: "a topic name with a dot", resources: (b) => patch(b, "alarms", { name: "wso2.alarms" }), message: /^topic name "wso2\.alarms" has "\."/ },
            { title: "a metric filter name with a colon", resources: (b) => [...b, resource("aws:cloudwatch/logMetricFilter:LogMetricFilter", "errors", { name: "wso2:errors" })], message: /^metric filter name "wso2:errors" has ":"/ },
            { title: "a dashboard name with a space", resources: (b) => [...b, resource("aws:cloudwatch/dashboard:Dashboard", "d", { dashboardName: "wso2 dc1" })], message: /^dashboard name "wso2 dc1" has " "/ },
        ],
        keeps: [{ title: "an auto-named topic and a dashboard of letters, digits and hyphens", resources: (b) => [...b, resource("aws:cloudwatch/dashboard:Dashboard", "d", { dashboardName: "wso2-apim-dc1-us-east-1" })] }],
    },
    {
        id: "WSO2-AWS-017",
        breaks: [
            { title: "a stack name starting with a digit", resources: (b) => [...b, resource("aws:cloudformation/stack:Stack", "gate", { name: "1-dc1-node-1-gate" })], message: /^stack name "1-dc1-node-1-gate" does not start with a letter$/ },
            { title: "a stack name with an underscore", resources: (b) => [...b, resource("aws:cloudformation/stack:Stack", "gate", { name: "wso2_apim-gate" })], message: /^stack name "wso2_apim-gate" has "_"; AWS allows letters, digits and hyphens$/ },
            { title: "a stack name over 128 characters", resources: (b) => [...b, resource("aws:cloudformation/stack:Stack", "gate", { name: `g${"-".repeat(128)}` })], message: /^stack name "g-{128}" is 129 characters; AWS allows 128$/ },
        ],
        keeps: [{ title: "a 128-character name of letters, digits and hyphens, a letter first", resources: (b) => [...b, resource("aws:cloudformation/stack:Stack", "gate", { name: `W${"s0-".repeat(42)}1` })] }],
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
            assert.match(rule.id, /^WSO2-(SEC|NET|LB|REL|OPS|DNS|AWS)-\d{3}$/);
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

    it("the README counts the rules there are", () => {
        const readme = fs.readFileSync(path.join(PROJECT_DIR, "README.md"), "utf8");
        assert.match(readme, new RegExp(`^${RULES.length} rules with ids`, "m"));
    });
});
