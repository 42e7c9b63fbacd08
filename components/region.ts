import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DeploymentConfig, regionalHostnames } from "../lib/config";
import { ApimNodes } from "./apim-nodes";
import { GlobalDns } from "./dns";
import { LoadBalancer } from "./load-balancer";
import { Network } from "./network";
import { SecurityGroups, PORTS } from "./security-groups";
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

        const network = new Network(`${name}-net`, { region: dc.region, cidr: dc.cidr, existing: config.existingNetwork }, child);
        const groups = new SecurityGroups(`${name}-sg`, { vpcId: network.vpcId }, child);
        const shared = new SharedArtifacts(`${name}-efs`, {
            subnetIds: network.privateSubnetIds,
            securityGroupId: groups.efs.id,
        }, child);
        const secrets = new StackSecrets(`${name}-secrets`, { region: dc.region, scope: dc.id.toLowerCase() }, child);

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
            bootDependencies: shared.mountTargets,
            adminSecretArn: secrets.adminPasswordSecretArn,
            secretArnPrefix: secrets.arnPrefix,
            deploymentToml: {
                hostname: config.hostnames.portal,
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
