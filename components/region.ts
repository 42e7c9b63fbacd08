import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as path from "path";
import { DeploymentConfig, regionalHostnames } from "../lib/config";
import { databaseIdentifier, DATABASE_USERS, privateZoneName } from "../lib/database-names";
import { databaseStepStatements } from "../lib/node-permissions";
import { DATABASE_BOOT_HOOK_PATH, DATABASE_BOOT_SCRIPT } from "../lib/render/database-boot-env";
import { sqlArtifacts } from "../lib/render/sql-parameters";
import { BootArtifacts } from "./boot-artifacts";
import { OracleDatabase } from "./database";
import { ApimNodes } from "./apim-nodes";
import { GlobalDns } from "./dns";
import { LoadBalancer } from "./load-balancer";
import { Network } from "./network";
import { PORTS } from "../lib/wso2-ports";
import { SecurityGroups } from "./security-groups";
import { SharedArtifacts } from "./shared-artifacts";
import { StackSecrets } from "./stack-secrets";

export interface RegionArgs {
    /** The validated deployment config; `self` is the datacenter this region deploys. */
    config: DeploymentConfig;
}

/**
 * One datacenter: its own AWS provider (region and default tags), network, security groups,
 * shared artifacts, secrets, load balancer and APIM nodes.
 */
export class Region extends pulumi.ComponentResource {
    readonly albDnsName: pulumi.Output<string>;
    readonly gatewayUrl: string;
    readonly portalUrl: string;
    readonly regionalGatewayUrl: string;
    readonly regionalPortalUrl: string;
    readonly efsFileSystemId: pulumi.Output<string>;
    readonly nodeInstanceIds: pulumi.Output<string>[];
    readonly regionalGatewayName: string;
    readonly regionalPortalName: string;
    readonly gatewayHealthCheckId: pulumi.Output<string>;
    readonly portalHealthCheckId: pulumi.Output<string> | undefined;

    constructor(name: string, args: RegionArgs, opts?: pulumi.ComponentResourceOptions) {
        super("wso2-apim:region:Region", name, {}, opts);
        const { config } = args;
        const dc = config.self;

        const provider = new aws.Provider(`${name}-aws`, {
            region: dc.region as aws.Region,
            defaultTags: { tags: { project: config.project, stack: config.stack, datacenter: dc.id } },
        }, { parent: this });
        const child = { parent: this, providers: { aws: provider } };

        const network = new Network(`${name}-net`, {
            region: dc.region,
            cidr: dc.cidr,
            existing: config.existingNetwork,
            privateZoneName: privateZoneName(dc.id),
        }, child);
        const groups = new SecurityGroups(`${name}-sg`, { vpcId: network.vpcId }, child);
        const shared = new SharedArtifacts(`${name}-efs`, {
            subnetIds: network.privateSubnetIds,
            securityGroupId: groups.efs.id,
        }, child);
        const secrets = new StackSecrets(`${name}-secrets`, {
            region: dc.region,
            scope: dc.id.toLowerCase(),
            databaseMasterUser: config.database.kind === "ec2" ? "SYSTEM" : undefined,
        }, child);
        const isTrustedSource = dc.id === config.trustedSource.id;
        const database = new OracleDatabase(`${name}-db`, {
            dcId: dc.id,
            isTrustedSource,
            config: config.database,
            subnetIds: network.privateSubnetIds,
            securityGroupId: groups.database.id,
            privateZoneId: network.privateZoneId,
            ec2MasterSecretArn: secrets.databaseMasterSecretArn,
        }, child);

        const accountId = aws.getCallerIdentityOutput({}, { parent: this, provider }).accountId;
        const hookKey = `boot.d/${path.posix.basename(DATABASE_BOOT_HOOK_PATH)}`;
        const artifacts = new BootArtifacts(`${name}-artifacts`, {
            bucketName: pulumi.interpolate`wso2-apim-${dc.id.toLowerCase()}-${accountId}-${dc.region}`,
            objects: {
                [hookKey]: DATABASE_BOOT_SCRIPT,
                ...Object.fromEntries(sqlArtifacts({
                    dcId: dc.id,
                    dcIndex: dc.index,
                    dcCount: config.datacenters.length,
                    amDbUser: DATABASE_USERS.amDb,
                    sharedDbUser: DATABASE_USERS.sharedDb,
                    goldengateUser: DATABASE_USERS.goldengate,
                    archiveLogRetentionHours: config.database.archiveLogRetentionHours,
                    sequenceFloor: config.database.sequenceFloor,
                }).map(({ name: file, content }) => [`sql/${file}`, content])),
            },
        }, child);
        const clientZips = config.database.oracleClientZips.length ? config.database.oracleClientZips : undefined;

        const zoneId = config.dns.zoneId
            ?? aws.route53.getZoneOutput({ name: config.dns.zoneName, privateZone: false }, { parent: this, provider }).zoneId;
        const lb = new LoadBalancer(`${name}-lb`, {
            region: dc.region,
            vpcId: network.vpcId,
            publicSubnetIds: network.publicSubnetIds,
            securityGroupId: groups.alb.id,
            hostnames: config.hostnames,
            certificate: config.certificateArn ? { arn: config.certificateArn } : { zoneId },
        }, child);

        const dns = new GlobalDns(`${name}-dns`, {
            config,
            zoneId,
            loadBalancer: { dnsName: lb.dnsName, zoneId: lb.zoneId },
        }, child);

        const nodes = new ApimNodes(`${name}-apim`, {
            region: dc.region,
            count: config.nodes.count,
            instanceType: config.nodes.instanceType,
            amiId: config.nodes.amiId,
            rootVolumeGiB: config.nodes.rootVolumeGiB,
            subnetIds: network.privateSubnetIds,
            securityGroupId: groups.nodes.id,
            wso2PackS3Uri: config.wso2PackS3Uri,
            efsFileSystemId: shared.fileSystemId,
            accessPointIds: shared.accessPointIds,
            dcId: dc.id,
            bootDependencies: [...shared.mountTargets, ...artifacts.uploads],
            bootHookUris: pulumi.interpolate`s3://${artifacts.bucketName}/${hookKey}`.apply((uri) => [uri]),
            privateZoneId: network.privateZoneId,
            database: pulumi.all([
                artifacts.bucketName, database.masterSecretRef, secrets.amDbPasswordSecretArn,
                secrets.sharedDbPasswordSecretArn, secrets.goldengatePasswordSecretArn,
            ]).apply(([bucket, masterSecretId, amDbSecret, sharedDbSecret, goldengateSecret]) => ({
                region: dc.region,
                host: database.hostname,
                port: PORTS.oracle,
                serviceName: config.database.serviceName,
                platform: config.database.kind,
                masterSecretId,
                amDb: { user: DATABASE_USERS.amDb, secretId: amDbSecret },
                sharedDb: { user: DATABASE_USERS.sharedDb, secretId: sharedDbSecret },
                goldengate: { user: DATABASE_USERS.goldengate, secretId: goldengateSecret },
                sqlS3Prefix: `s3://${bucket}/sql/`,
                oracleClientZips: clientZips,
                trustedSource: isTrustedSource,
                replicationReadyParameter: database.replicationReadyParameter,
            })),
            extraPolicyStatements: pulumi.all([accountId, artifacts.bucketArn]).apply(([account, bucketArn]) => databaseStepStatements({
                region: dc.region,
                accountId: account,
                artifactsBucketArn: bucketArn,
                replicationReadyParameter: database.replicationReadyParameter,
                rdsIdentifier: config.database.kind === "rds" ? databaseIdentifier(dc.id) : null,
                oracleClientZips: config.database.oracleClientZips,
            })),
            adminSecretArn: secrets.adminPasswordSecretArn,
            secretArnPrefix: secrets.arnPrefix,
            deploymentToml: {
                hostname: config.hostnames.portal,
                database: {
                    host: database.hostname,
                    port: PORTS.oracle,
                    serviceName: config.database.serviceName,
                    amDbUser: DATABASE_USERS.amDb,
                    sharedDbUser: DATABASE_USERS.sharedDb,
                },
                gatewayEnvironments: config.datacenters.map((other) => {
                    const names = regionalHostnames(config.dns.zoneName, other.region);
                    return { datacenter: other.id, region: other.region, gatewayHost: names.gateway, managementHost: names.portal };
                }),
            },
            targetGroups: [
                { arn: lb.gatewayTargetGroupArn, port: PORTS.gatewayHttps },
                { arn: lb.managementTargetGroupArn, port: PORTS.management },
            ],
        }, child);

        this.albDnsName = lb.dnsName;
        this.gatewayUrl = `https://${config.hostnames.gateway}`;
        this.portalUrl = `https://${config.hostnames.portal}`;
        this.regionalGatewayUrl = `https://${config.hostnames.regionalGateway}`;
        this.regionalPortalUrl = `https://${config.hostnames.regionalPortal}`;
        this.efsFileSystemId = shared.fileSystemId;
        this.nodeInstanceIds = nodes.instanceIds;
        this.regionalGatewayName = dns.regionalGatewayName;
        this.regionalPortalName = dns.regionalPortalName;
        this.gatewayHealthCheckId = dns.gatewayHealthCheckId;
        this.portalHealthCheckId = dns.portalHealthCheckId;
        this.registerOutputs({
            albDnsName: this.albDnsName,
            efsFileSystemId: this.efsFileSystemId,
            nodeInstanceIds: this.nodeInstanceIds,
        });
    }
}
