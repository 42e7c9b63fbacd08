/**
 * A small stack, in plan.json's vocabulary, that keeps every guardrail: the rule tests break it
 * one way at a time. References between resources are written as the offline plan writes them.
 */
import { GuardedResource } from "../lib/guardrails";

export const STACK = "test";
export const PROVIDER_URN = `urn:pulumi:${STACK}::wso2-apim-multi-dc::pulumi:providers:aws::aws`;

export function resource(type: string, name: string, inputs: Record<string, unknown>, protect = false): GuardedResource {
    return {
        urn: `urn:pulumi:${STACK}::wso2-apim-multi-dc::${type}::${name}`,
        type,
        name,
        inputs,
        protect,
        provider: type.startsWith("aws:") ? PROVIDER_URN : null,
    };
}

/** `(known after apply: <name>.<property>)`. */
export const ref = (name: string, property = "id") => `(known after apply: ${name}.${property})`;

export const tlsOnlyPolicy = (resourceRef: string) => JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Deny", Principal: "*", Action: "*", Resource: resourceRef, Condition: { Bool: { "aws:SecureTransport": "false" } } }],
});

const ingress = (name: string, group: string, port: number, source: { cidr: string } | { group: string }) =>
    resource("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", name, {
        securityGroupId: ref(group),
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        ...("cidr" in source ? { cidrIpv4: source.cidr } : { referencedSecurityGroupId: ref(source.group) }),
    });

const geoRecord = (name: string, location: Record<string, string>) =>
    resource("aws:route53/record:Record", name, {
        name: "gateway.example.com",
        type: "A",
        zoneId: "Z0EXAMPLE",
        setIdentifier: name,
        geolocationRoutingPolicies: [location],
        aliases: [{ name: "gateway-failover-dc1.example.com", zoneId: "Z0EXAMPLE", evaluateTargetHealth: true }],
    });

export function compliantStack(): GuardedResource[] {
    // Named: the auto-name of a logical name "sg-…" would start with sg-, which EC2 refuses (WSO2-AWS-002).
    const group = (name: string) => resource("aws:ec2/securityGroup:SecurityGroup", name, { vpcId: ref("vpc"), name: `test-${name}`, description: name });
    return [
        {
            urn: PROVIDER_URN,
            type: "pulumi:providers:aws",
            name: "aws",
            inputs: { region: "us-east-1", defaultTags: JSON.stringify({ tags: { project: "wso2-apim-multi-dc", stack: STACK, datacenter: "DC1" } }) },
            protect: false,
            provider: null,
        },
        resource("aws:ec2/vpc:Vpc", "vpc", { cidrBlock: "10.10.0.0/16" }),
        resource("aws:ec2/flowLog:FlowLog", "flow-logs", { vpcId: ref("vpc"), trafficType: "REJECT" }),
        group("sg-alb"),
        group("sg-nodes"),
        group("sg-efs"),
        group("sg-db"),
        ingress("alb-https", "sg-alb", 443, { cidr: "0.0.0.0/0" }),
        ingress("alb-http", "sg-alb", 80, { cidr: "0.0.0.0/0" }),
        ingress("nodes-gateway", "sg-nodes", 8243, { group: "sg-alb" }),
        ingress("nodes-management", "sg-nodes", 9443, { group: "sg-alb" }),
        ingress("nodes-tm-binary", "sg-nodes", 9611, { group: "sg-nodes" }),
        ingress("nodes-tm-auth", "sg-nodes", 9711, { group: "sg-nodes" }),
        ingress("nodes-tm-jms", "sg-nodes", 5672, { group: "sg-nodes" }),
        ingress("nodes-tm-binary-from-dc2", "sg-nodes", 9611, { cidr: "10.20.0.0/16" }),
        ingress("nodes-tm-auth-from-dc2", "sg-nodes", 9711, { cidr: "10.20.0.0/16" }),
        ingress("efs-nfs", "sg-efs", 2049, { group: "sg-nodes" }),
        ingress("db-oracle", "sg-db", 1521, { group: "sg-nodes" }),
        resource("aws:lb/loadBalancer:LoadBalancer", "alb", {
            loadBalancerType: "application",
            securityGroups: [ref("sg-alb")],
            dropInvalidHeaderFields: true,
            enableDeletionProtection: true,
            accessLogs: { bucket: ref("logs", "bucket"), prefix: "alb", enabled: true },
        }),
        resource("aws:lb/listener:Listener", "http", {
            loadBalancerArn: ref("alb", "arn"),
            port: 80,
            protocol: "HTTP",
            defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
        }),
        resource("aws:lb/listener:Listener", "https", {
            loadBalancerArn: ref("alb", "arn"),
            port: 443,
            protocol: "HTTPS",
            sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
            defaultActions: [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "404" } }],
        }),
        resource("aws:lb/listenerRule:ListenerRule", "gateway-hosts", {
            listenerArn: ref("https", "arn"),
            priority: 10,
            actions: [{ type: "forward", targetGroupArn: ref("gateway", "arn") }],
        }),
        resource("aws:s3/bucket:Bucket", "logs", { forceDestroy: false }, true),
        resource("aws:s3/bucketPolicy:BucketPolicy", "logs", { bucket: ref("logs"), policy: tlsOnlyPolicy(ref("logs", "arn")) }),
        resource("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "logs", {
            bucket: ref("logs"),
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
        }),
        resource("aws:iam/role:Role", "node-role", { assumeRolePolicy: "{}" }),
        resource("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "node-ssm", {
            role: ref("node-role", "name"),
            policyArn: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
        }),
        resource("aws:iam/rolePolicy:RolePolicy", "node-access", {
            role: ref("node-role"),
            policy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "arn:aws:secretsmanager:us-east-1:123456789012:secret:wso2-apim/dc1/*" }],
            }),
        }),
        resource("aws:iam/instanceProfile:InstanceProfile", "node-profile", { role: ref("node-role", "name") }),
        resource("aws:ec2/instance:Instance", "node-1", {
            instanceType: "m6i.xlarge",
            associatePublicIpAddress: false,
            iamInstanceProfile: ref("node-profile", "name"),
            vpcSecurityGroupIds: [ref("sg-nodes")],
            metadataOptions: { httpEndpoint: "enabled", httpTokens: "required" },
            rootBlockDevice: { volumeType: "gp3", encrypted: true },
            monitoring: true,
            userData: [
                "#cloud-config",
                "write_files:",
                "  - path: /opt/wso2/deployment.toml",
                "    content: |",
                '      password = "$env{WSO2_ADMIN_PASSWORD}"',
                '      admin_password = "${admin.password}"',
                "",
            ].join("\n"),
        }),
        resource("aws:lb/targetGroupAttachment:TargetGroupAttachment", "node-1-gateway", { targetGroupArn: ref("gateway", "arn"), targetId: ref("node-1"), port: 8243 }),
        resource("aws:efs/fileSystem:FileSystem", "fs", { encrypted: true }, true),
        resource("aws:efs/fileSystemPolicy:FileSystemPolicy", "fs-tls", { fileSystemId: ref("fs"), policy: tlsOnlyPolicy(ref("fs", "arn")) }),
        resource("aws:efs/mountTarget:MountTarget", "fs-mount", { fileSystemId: ref("fs"), securityGroups: [ref("sg-efs")] }),
        resource("aws:rds/instance:Instance", "db", {
            engine: "oracle-se2",
            storageEncrypted: true,
            publiclyAccessible: false,
            backupRetentionPeriod: 14,
            deletionProtection: true,
            skipFinalSnapshot: false,
            finalSnapshotIdentifier: "db-final",
            multiAz: true,
            enabledCloudwatchLogsExports: ["alert", "listener"],
            monitoringInterval: 60,
            vpcSecurityGroupIds: [ref("sg-db")],
            manageMasterUserPassword: true,
        }, true),
        resource("aws:secretsmanager/secret:Secret", "admin", { description: "WSO2 admin password" }),
        resource("aws:secretsmanager/secretVersion:SecretVersion", "admin", { secretId: ref("admin"), secretString: "[secret]" }),
        geoRecord("gateway-geo-default", { country: "*" }),
        geoRecord("gateway-geo-us", { country: "US" }),
        resource("aws:sns/topic:Topic", "alarms", { kmsMasterKeyId: ref("alarms-key", "arn") }),
        resource("aws:cloudwatch/metricAlarm:MetricAlarm", "node-1-system-check", {
            namespace: "AWS/EC2",
            metricName: "StatusCheckFailed_System",
            dimensions: { InstanceId: ref("node-1") },
            alarmActions: ["arn:aws:automate:us-east-1:ec2:recover", ref("alarms", "arn")],
        }),
        resource("aws:cloudwatch/metricAlarm:MetricAlarm", "db-free-storage", {
            namespace: "AWS/RDS",
            metricName: "FreeStorageSpace",
            dimensions: { DBInstanceIdentifier: ref("db", "identifier") },
            alarmActions: [ref("alarms", "arn")],
        }),
        resource("aws:route53/record:Record", "cert-validation", {
            name: ref("cert", "domainValidationOptions[0].resourceRecordName"),
            type: "CNAME",
            zoneId: "Z0EXAMPLE",
            records: [ref("cert", "domainValidationOptions[0].resourceRecordValue")],
            ttl: 300,
        }),
    ];
}

/** `resources` with the inputs of the resource `name` (of `type`, when names repeat) patched; undefined deletes. */
export function patch(resources: GuardedResource[], name: string, inputs: Record<string, unknown>, type?: string): GuardedResource[] {
    const target = resources.find((r) => r.name === name && (type === undefined || r.type === type));
    if (!target) throw new Error(`fixture has no resource ${name}`);
    return resources.map((r) => {
        if (r !== target) return r;
        const merged: Record<string, unknown> = { ...r.inputs, ...inputs };
        for (const [key, value] of Object.entries(inputs)) if (value === undefined) delete merged[key];
        return { ...r, inputs: merged };
    });
}

export function without(resources: GuardedResource[], name: string, type?: string): GuardedResource[] {
    const target = resources.find((r) => r.name === name && (type === undefined || r.type === type));
    if (!target) throw new Error(`fixture has no resource ${name}`);
    return resources.filter((r) => r !== target);
}
