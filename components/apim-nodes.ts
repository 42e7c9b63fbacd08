import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { adminServicesHostname, nodeHostname } from "../lib/database-names";
import { policyDocument, PolicyStatement } from "../lib/iam";
import { metricNamespace, NODE_HOST_METRICS } from "../lib/metrics";
import { SharedPathKey } from "../lib/shared-paths";
import { DatabaseBootParameters } from "../lib/render/database-boot-env";
import { DeploymentTomlInput } from "../lib/render/deployment-toml";
import { renderUserData } from "../lib/render/user-data";
import { gateStackName, healthGateStatements } from "../lib/health-gate";
import { architectureOf } from "../lib/instance-types";
import { InstanceRole } from "./instance-role";
import { NodeHealthGate } from "./node-health-gate";


export interface ApimNodesArgs {
    region: string;
    /** Begins the names AWS holds once per account and region (DeploymentConfig.deploymentName). */
    deploymentName: string;
    dcId: string;
    count: number;
    instanceType: string;
    /** Amazon Linux 2023 AMI: pinned, or AWS's current one (components/node-image.ts). */
    amiId: pulumi.Input<string>;
    /** True when amiId follows AWS's latest image: a running node keeps its image (README: "Roll a new node image"). */
    keepRunningImage: boolean;
    rootVolumeGiB: number;
    /** Nodes are spread round-robin over these (private) subnets. */
    subnetIds: pulumi.Input<string>[];
    securityGroupId: pulumi.Input<string>;
    wso2PackS3Uri: string;
    /** SHA-256 of the pack; null: not verified (with the URI it keys the node's versioned install). */
    wso2PackSha256: string | null;
    efsFileSystemId: pulumi.Input<string>;
    /** The stack's AWS account (for the EFS file system's ARN). */
    accountId: pulumi.Input<string>;
    accessPointIds: Record<SharedPathKey, pulumi.Input<string>>;
    /** Resources the nodes must not boot before (EFS mount targets, boot artifacts). */
    bootDependencies: pulumi.Resource[];
    /** s3:// locations of the boot hooks (the database step). */
    bootHookUris: pulumi.Input<string[]>;
    /** The database step's parameters; node 1 of the region is the one that changes schemas. */
    database: pulumi.Input<Omit<DatabaseBootParameters, "schemaApplier">>;
    /** The VPC's private zone: each node gets a name there (its Traffic Manager endpoint). */
    privateZoneId: pulumi.Input<string>;
    /** Least-privilege reads the boot steps need beyond the pack, secrets and logs. */
    extraPolicyStatements: pulumi.Input<PolicyStatement[]>;
    /** Name (or ARN) of the deployment's WSO2 admin secret in this region; extraPolicyStatements grant the read. */
    adminSecretId: pulumi.Input<string>;
    /** ARN prefix of every secret of this stack the nodes may read. */
    secretArnPrefix: pulumi.Input<string>;
    /** Everything but the Traffic Managers, which are this region's nodes. */
    deploymentToml: Omit<DeploymentTomlInput, "trafficManagers">;
    /** Target groups every node joins, with the port it serves them on. */
    targetGroups: { arn: pulumi.Input<string>; port: number }[];
    /**
     * What a node cannot be healthy without (the region's database): each health gate is created
     * only after these, so its wait does not include the database's creation on a first deploy.
     */
    healthGateAfter: pulumi.Resource[];
}

/**
 * What efs-utils needs to find a mount target's IP when the file system's DNS name does not resolve
 * (efs-utils README, "Using botocore to retrieve mount target ip address"). DescribeMountTargets
 * takes the file system as its resource; DescribeAvailabilityZones has no resource-level
 * permissions (Service Authorization Reference), so it is allowed on "*", read-only.
 */
export function efsMountTargetLookup(region: string, accountId: string, fileSystemId: string): PolicyStatement[] {
    return [
        {
            Sid: "FindEfsMountTargets",
            Effect: "Allow",
            Action: "elasticfilesystem:DescribeMountTargets",
            Resource: `arn:aws:elasticfilesystem:${region}:${accountId}:file-system/${fileSystemId}`,
        },
        { Sid: "FindAvailabilityZones", Effect: "Allow", Action: "ec2:DescribeAvailabilityZones", Resource: "*" },
    ];
}

/**
 * The region's WSO2 API Manager all-in-one nodes: private, IMDSv2 only, encrypted gp3 roots,
 * managed through SSM Session Manager (no SSH key, no port 22), with an IAM role limited to SSM,
 * this stack's secrets, the WSO2 pack object and the node log group.
 */
export class ApimNodes extends pulumi.ComponentResource {
    readonly instanceIds: pulumi.Output<string>[];
    /** The log group the nodes ship WSO2's logs to (components/monitoring.ts filters it). */
    readonly logGroupName: pulumi.Output<string>;

    constructor(name: string, args: ApimNodesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("wso2-apim:compute:ApimNodes", name, {}, opts);
        const child = { parent: this };

        const logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, { retentionInDays: 90 }, child);
        const packObjectArn = args.wso2PackS3Uri.replace(/^s3:\/\//, "arn:aws:s3:::");
        const identity = new InstanceRole(`${name}-iam`, {
            policy: pulumi.all([args.secretArnPrefix, logGroup.arn, args.extraPolicyStatements, args.accountId, args.efsFileSystemId])
                .apply(([secretPrefix, logArn, extra, accountId, fileSystemId]) => policyDocument([
                    { Sid: "ReadWso2Pack", Effect: "Allow", Action: "s3:GetObject", Resource: packObjectArn },
                    { Sid: "ReadStackSecrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: `${secretPrefix}*` },
                    { Sid: "WriteNodeLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], Resource: `${logArn}:*` },
                    // The CloudWatch agent's memory and disk metrics (PutMetricData takes no resource: the namespace condition key).
                    { Sid: "PublishHostMetrics", Effect: "Allow", Action: "cloudwatch:PutMetricData", Resource: "*", Condition: { StringEquals: { "cloudwatch:namespace": metricNamespace(args.deploymentName, NODE_HOST_METRICS.area) } } },
                    ...efsMountTargetLookup(args.region, accountId, fileSystemId),
                    ...healthGateStatements(args.region, accountId, args.deploymentName, args.dcId),
                    ...extra,
                ])),
        }, child);

        const trafficManagers = Array.from({ length: args.count }, (_, i) => nodeHostname(args.deploymentName, args.dcId, i + 1));
        const userDataFor = (ordinal: number) => pulumi
            .all([args.efsFileSystemId, pulumi.all(args.accessPointIds), args.adminSecretId, args.bootHookUris, pulumi.output(args.database), logGroup.name,
                pulumi.all(args.targetGroups.map((group) => pulumi.output(group.arn)))])
            .apply(([efsFileSystemId, accessPointIds, adminSecretId, bootHookUris, database, logGroupName, targetGroupArns]) => renderUserData({
                logGroupName,
                hostMetricsNamespace: metricNamespace(args.deploymentName, NODE_HOST_METRICS.area),
                bootstrap: {
                    region: args.region,
                    wso2PackS3Uri: args.wso2PackS3Uri,
                    wso2PackSha256: args.wso2PackSha256,
                    efsFileSystemId,
                    accessPointIds: accessPointIds as Record<SharedPathKey, string>,
                    adminSecretId,
                    bootHookUris,
                },
                deploymentToml: { ...args.deploymentToml, trafficManagers },
                database: { ...(database as Omit<DatabaseBootParameters, "schemaApplier">), schemaApplier: ordinal === 1 },
                healthSignal: {
                    region: args.region,
                    gateStack: gateStackName(args.deploymentName, args.dcId, ordinal),
                    targetGroups: args.targetGroups.map((group, g) => ({ arn: targetGroupArns[g], port: group.port })),
                    trustedSource: database.trustedSource,
                    replicationReadyParameter: database.replicationReadyParameter,
                },
            }));

        // Rolling: node k+1 waits for node k's health gate, so a change that takes nodes out of
        // service (replacement, or the stop/start of a changed user-data or instance type) reaches
        // the next node only once the previous one is healthy behind the ALB again.
        const gates: NodeHealthGate[] = [];
        const instances = Array.from({ length: args.count }, (_, i) => {
            const nodeName = `${name}-${i + 1}`;
            const previousGate = i > 0 ? [gates[i - 1].passed] : [];
            const instance = new aws.ec2.Instance(nodeName, {
                ami: args.amiId,
                instanceType: args.instanceType,
                subnetId: args.subnetIds[i % args.subnetIds.length],
                vpcSecurityGroupIds: [args.securityGroupId],
                iamInstanceProfile: identity.profileName,
                associatePublicIpAddress: false,
                ebsOptimized: true,
                monitoring: true,
                metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
                rootBlockDevice: { volumeType: "gp3", volumeSize: args.rootVolumeGiB, encrypted: true, deleteOnTermination: true },
                userData: userDataFor(i + 1),
                tags: { Name: nodeName },
            }, {
                ...child,
                dependsOn: [...args.bootDependencies, ...identity.ready, ...previousGate],
                ignoreChanges: args.keepRunningImage ? ["ami"] : [],
                // A type of the other architecture cannot run the kept image (EC2 refuses the start after
                // the provider's stop and modify): replace the node instead (Pulumi's replacementTrigger, engine 3.208).
                replacementTrigger: architectureOf(args.instanceType),
            });
            gates.push(new NodeHealthGate(`${nodeName}-gate`, {
                stackName: gateStackName(args.deploymentName, args.dcId, i + 1), instance, after: args.healthGateAfter,
                completesWhen: "the node signals it is healthy behind the ALB",
            }, child));
            new aws.route53.Record(`${nodeName}-name`, {
                zoneId: args.privateZoneId,
                name: trafficManagers[i],
                type: "A",
                ttl: 60,
                records: [instance.privateIp],
            }, child);
            args.targetGroups.forEach((group, g) => new aws.lb.TargetGroupAttachment(`${nodeName}-tg-${g + 1}`, {
                targetGroupArn: group.arn,
                targetId: instance.id,
                port: group.port,
            }, child));
            return instance;
        });

        // One name for all the DC's nodes: the Publishers' gateway environments reach its admin services by it (docs/artifacts.md).
        new aws.route53.Record(`${name}-admin-services-name`, {
            zoneId: args.privateZoneId,
            name: adminServicesHostname(args.deploymentName, args.dcId),
            type: "A",
            ttl: 60,
            records: instances.map((instance) => instance.privateIp),
        }, child);

        this.instanceIds = instances.map((instance) => instance.id);
        this.logGroupName = logGroup.name;
        this.registerOutputs({ instanceIds: this.instanceIds });
    }
}
