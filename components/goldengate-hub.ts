import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { renderHubUserData } from "../lib/goldengate/hub-user-data";
import { hubGateStackName, hubGateStatements } from "../lib/health-gate";
import { policyDocument, PolicyStatement } from "../lib/iam";
import { InstanceRole } from "./instance-role";
import { NodeHealthGate } from "./node-health-gate";

export interface GoldenGateHubArgs {
    region: string;
    /** Begins the names AWS holds once per account and region (the hub's gate stack). */
    deploymentName: string;
    /** The stack's AWS account (the gate stack's ARN in the hub's role). */
    accountId: pulumi.Input<string>;
    /** The deployment's GoldenGate namespace (lib/metrics.ts metricNamespace): the lag and divergence metrics the hub publishes. */
    lagNamespace: string;
    /** The deployment's namespace of the hub's memory and disk use (HUB_HOST_METRICS_AREA). */
    hostMetricsNamespace: string;
    /** The host's image: GoldenGate installed in /u01/app/ogg, or a base image for the installer. */
    amiId: pulumi.Input<string>;
    instanceType: string;
    volumeGiB: number;
    /** s3:// GoldenGate installer zip, installed at first boot; null when the AMI carries GoldenGate. */
    installerS3Uri: string | null;
    /** Its SHA-256 (goldengateInstallerSha256); null: not verified. */
    installerSha256: string | null;
    /** A digest of the hub's files in the boot bucket (hubFilesDigest): a change of them restarts the hub behind its gate. */
    filesDigest: string;
    /** The private subnet that holds `privateIp`. */
    subnetId: pulumi.Input<string>;
    /** The hub's fixed address: the peers' pumps and security groups name it. */
    privateIp: string;
    securityGroupId: pulumi.Input<string>;
    /** The stack's boot bucket, the key prefix of the hub's files in it (`goldengate/`) and of the divergence check's (`divergence/`). */
    bucketName: pulumi.Input<string>;
    bucketArn: pulumi.Input<string>;
    filesPrefix: string;
    divergencePrefix: string;
    /** Secrets Manager secret of the GoldenGate administrator's password. */
    secretArn: pulumi.Input<string>;
    /** The GoldenGate administrator and this region's database (`host:port/service`). */
    database: { user: string; connect: string; credentialAlias: string };
    /** This datacenter's id and every datacenter's id and index: the hub publishes lag per path into it. */
    datacenterId: string;
    datacenters: { id: string; index: number }[];
    /** Statements of the divergence check (lib/goldengate/divergence.ts divergenceCheckStatements): none but on the trusted source's hub. */
    extraStatements: pulumi.Input<PolicyStatement[]>;
    /** What the hub must not boot before: the uploads of its files, the VPC's private egress. */
    bootDependencies: pulumi.Resource[];
    /** What the hub's groups cannot run without (the region's database): its health gate starts after them. */
    healthGateAfter: pulumi.Resource[];
}

/**
 * A region's GoldenGate hub (RDS does not host GoldenGate): a private EC2 host at a fixed
 * address, IMDSv2 only, encrypted gp3 volume, no SSH key (SSM Session Manager), with a role
 * that reads its parameter files from the boot bucket, the installer if any, and the
 * GoldenGate secret, reads its health gate, publishes the replication metrics, and on the trusted
 * source reads what the divergence check needs (every DC's checker secret and replication-ready
 * flag), and nothing else. Its boot script puts the files in place, stores the database credential and starts the
 * Manager and its groups. Like a node, it has a health gate: a change that stops and starts it
 * (user-data, instance type) or replaces it completes only once its Manager and every added group
 * run again (docs/replication.md § The hub's health gate).
 */
export class GoldenGateHub extends pulumi.ComponentResource {
    /** The hub's instance, once its health gate has passed (else the program stops with why). */
    readonly instanceId: pulumi.Output<string>;

    constructor(name: string, args: GoldenGateHubArgs, opts?: pulumi.ComponentResourceOptions) {
        super("wso2-apim:replication:GoldenGateHub", name, {}, opts);
        const child = { parent: this };

        const installerArn = args.installerS3Uri?.replace(/^s3:\/\//, "arn:aws:s3:::");
        const gateStack = hubGateStackName(args.deploymentName, args.datacenterId);
        const identity = new InstanceRole(`${name}-iam`, {
            policy: pulumi.all([args.bucketArn, args.secretArn, args.accountId, args.extraStatements]).apply(([bucketArn, secretArn, accountId, extra]) => policyDocument([
                { Sid: "ListHubFiles", Effect: "Allow", Action: "s3:ListBucket", Resource: bucketArn, Condition: { StringLike: { "s3:prefix": `${args.filesPrefix}*` } } },
                { Sid: "ReadHubFiles", Effect: "Allow", Action: "s3:GetObject", Resource: `${bucketArn}/${args.filesPrefix}*` },
                // Every hub's launcher fetches the check; only the trusted source's compares.
                { Sid: "ReadDivergenceCheck", Effect: "Allow", Action: "s3:GetObject", Resource: `${bucketArn}/${args.divergencePrefix}*` },
                ...(installerArn ? [{ Sid: "ReadInstaller", Effect: "Allow", Action: "s3:GetObject", Resource: installerArn }] : []),
                { Sid: "ReadGoldenGateSecret", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: secretArn },
                // PutMetricData has no resource ARN; the condition keeps the hub to its own namespace
                // (CloudWatch User Guide, "Using condition keys to limit access to CloudWatch namespaces"):
                // the lag and the divergence check's metrics (lib/metrics.ts, area GoldenGate), and the
                // CloudWatch agent's memory and disk use (area GoldenGateHost).
                {
                    Sid: "PublishReplicationMetrics", Effect: "Allow", Action: "cloudwatch:PutMetricData", Resource: "*",
                    Condition: { StringEquals: { "cloudwatch:namespace": [args.lagNamespace, args.hostMetricsNamespace] } },
                },
                ...hubGateStatements(args.region, accountId, args.deploymentName, args.datacenterId),
                ...extra,
            ])),
        }, child);

        const host = new aws.ec2.Instance(`${name}-host`, {
            ami: args.amiId,
            instanceType: args.instanceType,
            subnetId: args.subnetId,
            privateIp: args.privateIp,
            vpcSecurityGroupIds: [args.securityGroupId],
            iamInstanceProfile: identity.profileName,
            associatePublicIpAddress: false,
            monitoring: true,
            metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
            rootBlockDevice: { volumeType: "gp3", volumeSize: args.volumeGiB, encrypted: true, deleteOnTermination: true },
            userData: pulumi.all([args.bucketName, args.secretArn]).apply(([bucket, secretId]) => renderHubUserData({
                region: args.region,
                filesS3Prefix: `s3://${bucket}/${args.filesPrefix}`,
                divergenceS3Prefix: `s3://${bucket}/${args.divergencePrefix}`,
                installerS3Uri: args.installerS3Uri,
                installerSha256: args.installerSha256,
                filesDigest: args.filesDigest,
                secretId,
                databaseUser: args.database.user,
                databaseConnect: args.database.connect,
                credentialAlias: args.database.credentialAlias,
                datacenterId: args.datacenterId,
                datacenters: args.datacenters,
                lagNamespace: args.lagNamespace,
                gateStack,
                hostMetricsNamespace: args.hostMetricsNamespace,
            })),
            tags: { Name: `${name}-host` },
        // Its checkpoints and trails say where replication stands: replacing it means re-positioning every process.
        // A new image (AWS's latest AL2023 when it follows the node image) never replaces it either.
        }, { ...child, dependsOn: [...args.bootDependencies, ...identity.ready], protect: true, ignoreChanges: ["ami"] });

        const gate = new NodeHealthGate(`${name}-gate`, {
            stackName: gateStack, instance: host, after: args.healthGateAfter,
            completesWhen: "the GoldenGate hub signals that its Manager and every added group run",
        }, child);
        this.instanceId = pulumi.all([gate.passed, host.id]).apply(([, instanceId]) => instanceId);
        this.registerOutputs({ instanceId: this.instanceId });
    }
}
