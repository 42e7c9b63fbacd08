import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { apiReconcilerStatements } from "../lib/api-reconciler";
import { artifactSourceParameterName, artifactSourceValue, artifactSyncStatements, bootBucketName } from "../lib/artifact-sync";
import { DeploymentConfig, peeredDatacenters } from "../lib/config";
import { internalKeySecretName, keystoreKeySecretName, keystorePasswordSecretName, keystoreStatements } from "../lib/keystore";
import { databaseIdentifier, DATABASE_USERS, privateZoneName, replicationReadyParameter } from "../lib/database-names";
import { HUB_HOST_METRICS_AREA, metricNamespace, REPLICATION_LAG_METRIC } from "../lib/metrics";
import { divergenceCheckerSecretName, divergenceCheckStatements } from "../lib/goldengate/divergence";
import { credentialAlias } from "../lib/goldengate/names";
import { integratedExtracts } from "../lib/goldengate/parameter-files";
import { adminSecretStatement, databaseStepStatements } from "../lib/node-permissions";
import { BOOT_KEYS, bootObjects, databaseStepParameters, deploymentTomlInput, hubClientZips, hubFilesDigest } from "../lib/region-files";
import { BootArtifacts } from "./boot-artifacts";
import { OracleDatabase } from "./database";
import { ApimNodes } from "./apim-nodes";
import { GlobalDns } from "./dns";
import { GoldenGateHub } from "./goldengate-hub";
import { LoadBalancer } from "./load-balancer";
import { Monitoring } from "./monitoring";
import { HostImage, hostImages } from "./node-image";
import { Network } from "./network";
import { VpcPeering } from "./peering";
import { PORTS } from "../lib/wso2-ports";
import { SecurityGroups } from "./security-groups";
import { SharedArtifacts } from "./shared-artifacts";
import { adminSecretName, StackSecrets } from "./stack-secrets";
import { TrustedBackupCopy } from "./trusted-backup-copy";

export interface RegionArgs {
    /** The validated deployment config; `self` is the datacenter this region deploys. */
    config: DeploymentConfig;
}

/**
 * One datacenter: its own AWS provider (region and default tags), network, security groups,
 * shared artifacts, secrets, load balancer and APIM nodes; and its part of the replication mesh:
 * the VPC peerings it owns (with every earlier datacenter), its GoldenGate files and hub.
 */
export class Region extends pulumi.ComponentResource {
    readonly albDnsName: pulumi.Output<string>;
    readonly gatewayUrl: string;
    readonly portalUrl: string;
    readonly regionalGatewayUrl: string;
    readonly regionalPortalUrl: string;
    readonly efsFileSystemId: pulumi.Output<string>;
    readonly nodeInstanceIds: pulumi.Output<string>[];
    /** The CloudWatch log group of the nodes' WSO2 logs. */
    readonly nodeLogGroupName: pulumi.Output<string>;
    /** The RDS instance identifier; null with databaseKind ec2. */
    readonly databaseIdentifier: string | null;
    /** The alarm topics: this region's, and the us-east-1 one of the Route 53 health-check alarms. */
    readonly alarmTopicArns: { region: pulumi.Output<string>; healthChecks: pulumi.Output<string> };
    /** The GoldenGate hub (goldengateLicense byol); null without one. */
    readonly goldengateHubInstanceId: pulumi.Output<string> | null = null;
    readonly regionalGatewayName: string;
    readonly regionalPortalName: string;
    readonly gatewayHealthCheckId: pulumi.Output<string>;
    readonly portalHealthCheckId: pulumi.Output<string> | undefined;
    /** What later datacenters read from this stack to peer with it (see VpcPeering). */
    readonly vpcId: pulumi.Output<string>;
    readonly privateRouteTableIds: pulumi.Output<string>[];
    readonly accountId: pulumi.Output<string>;
    readonly privateZoneId: pulumi.Output<string>;
    /** The connections this stack owns, by peer datacenter id. */
    readonly peeringConnectionIds: Record<string, pulumi.Output<string>>;
    /** The APIM nodes' image and where it came from. */
    readonly nodeImage: HostImage;

    constructor(name: string, args: RegionArgs, opts?: pulumi.ComponentResourceOptions) {
        super("wso2-apim:region:Region", name, {}, opts);
        const { config } = args;
        const dc = config.self;
        const deployment = config.deploymentName;

        const defaultTags = { project: config.project, stack: config.stack, datacenter: dc.id };
        const provider = new aws.Provider(`${name}-aws`, {
            region: dc.region as aws.Region,
            defaultTags: { tags: defaultTags },
        }, { parent: this });
        const child = { parent: this, providers: { aws: provider } };

        const network = new Network(`${name}-net`, {
            region: dc.region,
            cidr: dc.cidr,
            existing: config.existingNetwork,
            instanceTypes: [config.nodes.instanceType, config.database.ec2?.instanceType, config.replication.hub?.instanceType]
                .filter((type): type is string => type !== undefined),
            privateZoneName: privateZoneName(deployment, dc.id),
        }, child);
        const peers = config.datacenters.filter((other) => other.id !== dc.id);
        const hubAddress = (of: typeof dc) => ({ dcId: of.id, hubIp: of.goldengateHubIp, vpcCidr: of.cidr });
        const groups = new SecurityGroups(`${name}-sg`, {
            vpcId: network.vpcId,
            goldengate: { self: hubAddress(dc), peers: peers.map(hubAddress) },
        }, child);
        // The later datacenter of each pair owns the connection: earlier stacks are deployed first.
        const peerings = peeredDatacenters(config).map(({ peer, stackName }) => [peer.id, new VpcPeering(`${name}-peer-${peer.id.toLowerCase()}`, {
            self: dc,
            peer,
            peerStackName: stackName,
            vpcId: network.vpcId,
            privateRouteTableIds: network.privateRouteTableIds,
            privateZoneId: network.privateZoneId,
            defaultTags,
        }, child)] as const);
        const accountId = aws.getCallerIdentityOutput({}, { parent: this, provider }).accountId;
        const active = config.designTimeActive;
        const shared = new SharedArtifacts(`${name}-efs`, {
            subnetIds: network.privateSubnetIds,
            securityGroupId: groups.efs.id,
            artifactSource: {
                parameterName: artifactSourceParameterName(deployment, config.project),
                value: accountId.apply((account) => artifactSourceValue(active.id, active.region, bootBucketName(deployment, active.id, account, active.region))),
            },
        }, child);
        const secrets = new StackSecrets(`${name}-secrets`, {
            region: dc.region,
            scope: `${deployment}/${dc.id.toLowerCase()}`,
            checkerSecretName: divergenceCheckerSecretName(deployment, dc.id),
            databaseMasterUser: config.database.kind === "ec2" ? "SYSTEM" : undefined,
            // One admin for every DC (the user store replicates): the trusted source creates it.
            admin: {
                name: adminSecretName(deployment, config.project),
                replicaRegions: dc.id === config.trustedSource.id ? peers.map((peer) => peer.region) : undefined,
            },
            // The same key pair in every DC (tokens signed in one validate in all): created like the admin secret.
            keystore: dc.id === config.trustedSource.id ? {
                passwordSecretName: keystorePasswordSecretName(deployment, config.project),
                keySecretName: keystoreKeySecretName(deployment, config.project),
                internalKeySecretName: internalKeySecretName(deployment, config.project),
                replicaRegions: peers.map((peer) => peer.region),
            } : undefined,
        }, child);
        const database = new OracleDatabase(`${name}-db`, {
            deploymentName: deployment,
            dcId: dc.id,
            isTrustedSource: dc.id === config.trustedSource.id,
            integratedExtracts: integratedExtracts(dc.id === config.trustedSource.id, config.datacenters.length),
            config: config.database,
            subnetIds: network.privateSubnetIds,
            securityGroupId: groups.database.id,
            privateZoneId: network.privateZoneId,
            ec2MasterSecretArn: secrets.databaseMasterSecretArn,
            privateEgress: network.privateEgress,
        }, child);

        if (config.replication.trustedBackupCopy) {
            const { sourceDcId, sourceRegion, retentionDays } = config.replication.trustedBackupCopy;
            new TrustedBackupCopy(`${name}-trusted-backups`, {
                sourceDcId,
                sourceDbInstanceArn: pulumi.interpolate`arn:aws:rds:${sourceRegion}:${accountId}:db:${databaseIdentifier(deployment, sourceDcId)}`,
                retentionDays,
            }, child);
        }
        const bootFiles = bootObjects(config);
        const artifacts = new BootArtifacts(`${name}-artifacts`, {
            bucketName: accountId.apply((account) => bootBucketName(deployment, dc.id, account, dc.region)),
            objects: bootFiles,
        }, child);
        const imageFor = hostImages({ key: `${config.project}:nodeAmiId`, amiId: config.nodes.amiId }, { parent: this, provider });
        this.nodeImage = imageFor(config.nodes.instanceType);
        const hub = config.replication.hub;
        if (hub) {
            this.goldengateHubInstanceId = new GoldenGateHub(`${name}-goldengate`, {
                region: dc.region,
                deploymentName: deployment,
                accountId,
                lagNamespace: metricNamespace(deployment, REPLICATION_LAG_METRIC.area),
                hostMetricsNamespace: metricNamespace(deployment, HUB_HOST_METRICS_AREA),
                // Without an image of its own, the hub boots the node image (for its own architecture).
                amiId: hub.amiId || imageFor(hub.instanceType).amiId,
                instanceType: hub.instanceType,
                volumeGiB: hub.volumeGiB,
                installerS3Uri: hub.installerS3Uri,
                installerSha256: hub.installerSha256,
                filesDigest: hubFilesDigest(bootFiles),
                subnetId: network.privateSubnetIds[0],
                privateIp: dc.goldengateHubIp,
                securityGroupId: groups.goldengate.id,
                bucketName: artifacts.bucketName,
                bucketArn: artifacts.bucketArn,
                filesPrefix: BOOT_KEYS.goldengatePrefix,
                divergencePrefix: BOOT_KEYS.divergencePrefix,
                secretArn: secrets.goldengatePasswordSecretArn,
                database: {
                    user: DATABASE_USERS.goldengate,
                    connect: `${database.hostname}:${PORTS.oracle}/${config.database.serviceName}`,
                    credentialAlias: credentialAlias(dc.id),
                },
                datacenterId: dc.id,
                datacenters: config.datacenters.map(({ id, index }) => ({ id, index })),
                // The divergence check: only the trusted source's hub reads every DC's checker and flag.
                extraStatements: accountId.apply((account) => divergenceCheckStatements({
                    accountId: account,
                    deployment,
                    isTrustedSource: dc.id === config.trustedSource.id,
                    datacenters: config.datacenters.map((other) => ({
                        id: other.id,
                        region: other.region,
                        readyParameter: replicationReadyParameter(deployment, other.id),
                        trustedSource: other.id === config.trustedSource.id,
                    })),
                    clientZips: hubClientZips(config),
                })),
                bootDependencies: [...artifacts.uploads, ...network.privateEgress],
                healthGateAfter: [database],
            }, child).instanceId;
        }

        const zoneId = config.dns.zoneId
            ?? aws.route53.getZoneOutput({ name: config.dns.zoneName, privateZone: false }, { parent: this, provider }).zoneId;
        const lb = new LoadBalancer(`${name}-lb`, {
            region: dc.region,
            vpcId: network.vpcId,
            publicSubnetIds: network.publicSubnetIds,
            securityGroupId: groups.alb.id,
            hostnames: config.hostnames,
            designTimeActive: dc.id === active.id,
            certificate: config.certificateArn ? { arn: config.certificateArn } : { zoneId },
            internetAccess: network.internetAccess,
        }, child);

        const dns = new GlobalDns(`${name}-dns`, {
            config,
            zoneId,
            loadBalancer: { dnsName: lb.dnsName, zoneId: lb.zoneId },
        }, child);

        const nodes = new ApimNodes(`${name}-apim`, {
            deploymentName: deployment,
            region: dc.region,
            count: config.nodes.count,
            instanceType: config.nodes.instanceType,
            amiId: this.nodeImage.amiId,
            keepRunningImage: this.nodeImage.followsLatest,
            rootVolumeGiB: config.nodes.rootVolumeGiB,
            subnetIds: network.privateSubnetIds,
            securityGroupId: groups.nodes.id,
            wso2PackS3Uri: config.wso2PackS3Uri,
            wso2PackSha256: config.wso2PackSha256,
            efsFileSystemId: shared.fileSystemId,
            accountId,
            accessPointIds: shared.accessPointIds,
            dcId: dc.id,
            bootDependencies: [...shared.mountTargets, ...artifacts.uploads, ...network.privateEgress],
            bootHookUris: artifacts.bucketName.apply((bucket) => [BOOT_KEYS.nodeToolsHook, BOOT_KEYS.databaseHook, BOOT_KEYS.keystoreHook, BOOT_KEYS.artifactSyncHook, BOOT_KEYS.apiReconcilerHook]
                .map((key) => `s3://${bucket}/${key}`)),
            privateZoneId: network.privateZoneId,
            database: pulumi.all([
                artifacts.bucketName, database.masterSecretRef, secrets.amDbPasswordSecretArn,
                secrets.sharedDbPasswordSecretArn, secrets.goldengatePasswordSecretArn, secrets.checkerPasswordSecretArn,
            ]).apply(([bootBucket, masterSecretId, amDbSecretId, sharedDbSecretId, goldengateSecretId, checkerSecretId]) => databaseStepParameters(config, {
                bootBucket,
                masterSecretId,
                amDbSecretId,
                sharedDbSecretId,
                goldengateSecretId,
                checkerSecretId,
                replicationReadyParameter: database.replicationReadyParameter,
            })),
            extraPolicyStatements: pulumi.all([accountId, artifacts.bucketArn, secrets.adminSecretArnPattern]).apply(([account, bucketArn, adminSecret]) => [
                ...databaseStepStatements({
                    region: dc.region,
                    accountId: account,
                    artifactsBucketArn: bucketArn,
                    replicationReadyParameter: database.replicationReadyParameter,
                    rdsIdentifier: config.database.kind === "rds" ? databaseIdentifier(deployment, dc.id) : null,
                    oracleClientZips: config.database.oracleClientZips,
                }),
                adminSecretStatement(adminSecret),
                ...keystoreStatements({ region: dc.region, accountId: account, deployment, project: config.project, trustedSource: dc.id === config.trustedSource.id }),
                ...artifactSyncStatements({
                    region: dc.region,
                    accountId: account,
                    deployment,
                    project: config.project,
                    bucketNames: config.datacenters.map((other) => bootBucketName(deployment, other.id, account, other.region)),
                }),
                ...apiReconcilerStatements(deployment),
            ]),
            adminSecretId: secrets.adminSecretId,
            secretArnPrefix: secrets.arnPrefix,
            deploymentToml: deploymentTomlInput(config),
            targetGroups: [
                { arn: lb.gatewayTargetGroupArn, port: PORTS.gatewayHttps },
                { arn: lb.managementTargetGroupArn, port: PORTS.management },
            ],
            healthGateAfter: [database],
        }, child);

        const monitoring = new Monitoring(`${name}-ops`, {
            deploymentName: deployment,
            dcId: dc.id,
            region: dc.region,
            accountId,
            defaultTags,
            alarmEmails: config.alarmEmails,
            loadBalancer: {
                arnSuffix: lb.arnSuffix,
                targetGroups: [
                    { role: "gateway", arnSuffix: lb.gatewayTargetGroupArnSuffix },
                    { role: "management", arnSuffix: lb.managementTargetGroupArnSuffix },
                ],
            },
            nodes: nodes.instanceIds.map((instanceId, i) => ({ name: `node-${i + 1}`, instanceId })),
            nodeLogGroupName: nodes.logGroupName,
            database: config.database.kind === "rds"
                ? { kind: "rds", identifier: databaseIdentifier(deployment, dc.id), storageGiB: config.database.storageGiB }
                : { kind: "ec2", hostInstanceId: database.hostInstanceId! },
            healthChecks: [
                { key: "gateway-health", id: dns.gatewayHealthCheckId },
                ...(dns.portalHealthCheckId ? [{ key: "portal-health", id: dns.portalHealthCheckId }] : []),
            ],
            replication: {
                sourceDcIds: peers.map((peer) => peer.id),
                archiveLogRetentionHours: config.database.archiveLogRetentionHours,
                hubDeployed: config.replication.hub !== null,
                // The trusted source's hub measures every other DC's divergence, and publishes it in this region.
                divergenceDcIds: dc.id === config.trustedSource.id && config.replication.hub !== null ? peers.map((peer) => peer.id) : [],
                // It counts duplicate natural keys in every DC, its own included.
                naturalKeyDcIds: dc.id === config.trustedSource.id && config.replication.hub !== null ? [dc.id, ...peers.map((peer) => peer.id)] : [],
            },
            ...(this.goldengateHubInstanceId ? { goldengateHubInstanceId: this.goldengateHubInstanceId } : {}),
        }, child);

        this.albDnsName = lb.dnsName;
        this.gatewayUrl = `https://${config.hostnames.gateway}`;
        this.portalUrl = `https://${config.hostnames.portal}`;
        this.regionalGatewayUrl = `https://${config.hostnames.regionalGateway}`;
        this.regionalPortalUrl = `https://${config.hostnames.regionalPortal}`;
        this.efsFileSystemId = shared.fileSystemId;
        this.nodeInstanceIds = nodes.instanceIds;
        this.nodeLogGroupName = nodes.logGroupName;
        this.databaseIdentifier = config.database.kind === "rds" ? databaseIdentifier(deployment, dc.id) : null;
        this.alarmTopicArns = { region: monitoring.topicArn, healthChecks: monitoring.healthCheckTopicArn };
        this.regionalGatewayName = dns.regionalGatewayName;
        this.regionalPortalName = dns.regionalPortalName;
        this.gatewayHealthCheckId = dns.gatewayHealthCheckId;
        this.portalHealthCheckId = dns.portalHealthCheckId;
        this.vpcId = network.vpcId;
        this.privateRouteTableIds = network.privateRouteTableIds;
        this.accountId = accountId;
        this.privateZoneId = network.privateZoneId;
        this.peeringConnectionIds = Object.fromEntries(peerings.map(([peerId, peering]) => [peerId, peering.connectionId]));
        this.registerOutputs({
            albDnsName: this.albDnsName,
            efsFileSystemId: this.efsFileSystemId,
            nodeInstanceIds: this.nodeInstanceIds,
        });
    }
}
