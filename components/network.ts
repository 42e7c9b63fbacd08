import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ExistingNetwork, splitCidr } from "../lib/config";
import { assumeRolePolicy, policyDocument } from "../lib/iam";
import { AVAILABILITY_ZONE_FILTERS, pickZones } from "../lib/zones";

export interface NetworkArgs {
    /** AWS region, for the S3 endpoint's service name. */
    region: string;
    /** Private hosted zone of the VPC's own names (database, nodes), e.g. `dc1.wso2-apim.internal`. */
    privateZoneName: string;
    /** VPC CIDR; split into four equal subnets: public and private in each of two AZs. */
    cidr: string;
    /** Deploy into this VPC and these subnets instead of creating them. */
    existing: ExistingNetwork | null;
    /** Every EC2 instance type the stack launches: both AZs of a new VPC must offer them all. */
    instanceTypes: string[];
}

/**
 * The region's VPC: public subnets for the ALB and the NAT gateways, private subnets for the
 * APIM nodes, database and EFS, in two AZs. Private egress goes through a NAT gateway per AZ
 * (API backends are often on the internet, and one AZ's loss must not cut the other's egress);
 * S3 traffic (the WSO2 pack, OS packages) stays on a free gateway endpoint.
 */
export class Network extends pulumi.ComponentResource {
    readonly vpcId: pulumi.Output<string>;
    readonly publicSubnetIds: pulumi.Output<string>[];
    readonly privateSubnetIds: pulumi.Output<string>[];
    /** Route tables of the private subnets (peering routes go here); empty for an existing VPC. */
    readonly privateRouteTableIds: pulumi.Output<string>[];
    /** Private zone for names that must not depend on resources that take long to create. */
    readonly privateZoneId: pulumi.Output<string>;
    /**
     * What an internet-facing load balancer waits for: the internet gateway and the public default
     * route (ELBv2 refuses public subnets of a VPC without an attached gateway: "InvalidSubnet").
     * Empty for an existing VPC.
     */
    readonly internetAccess: pulumi.Resource[];
    /**
     * What a private instance's boot waits for: the NAT default routes and the S3 endpoint (its
     * dnf, S3 and Secrets Manager calls must not race them). Empty for an existing VPC.
     */
    readonly privateEgress: pulumi.Resource[];

    constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("wso2-apim:network:Network", name, {}, opts);
        const child = { parent: this };

        if (args.existing) {
            this.vpcId = pulumi.output(args.existing.vpcId);
            this.publicSubnetIds = args.existing.publicSubnetIds.map((id) => pulumi.output(id));
            this.privateSubnetIds = args.existing.privateSubnetIds.map((id) => pulumi.output(id));
            this.privateRouteTableIds = [];
            this.internetAccess = [];
            this.privateEgress = [];
            this.privateZoneId = this.privateZone(name, args.privateZoneName, this.vpcId);
            this.registerOutputs({ vpcId: this.vpcId, privateZoneId: this.privateZoneId });
            return;
        }

        // Availability Zones proper, each offering every type the stack launches (lib/zones.ts).
        const zones = aws.getAvailabilityZonesOutput({ state: "available", filters: AVAILABILITY_ZONE_FILTERS }, child);
        const offerings = aws.ec2.getInstanceTypeOfferingsOutput({
            locationType: "availability-zone",
            filters: [{ name: "instance-type", values: args.instanceTypes }],
        }, child);
        const chosen = pulumi.all([zones.names, offerings.instanceTypes, offerings.locations]).apply(([names, types, locations]) =>
            pickZones(args.region, names, args.instanceTypes, types.map((instanceType, i) => ({ instanceType, location: locations[i] }))));
        const azNames = [0, 1].map((i) => chosen[i]);
        const [publicA, publicB, privateA, privateB] = splitCidr(args.cidr, 4);

        const vpc = new aws.ec2.Vpc(`${name}-vpc`, {
            cidrBlock: args.cidr,
            enableDnsHostnames: true,
            enableDnsSupport: true,
            tags: { Name: `${name}-vpc` },
        }, child);
        const internetGateway = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: { Name: `${name}-igw` } }, child);

        // Every route is a Route resource, none inline: a table with inline routes and Route resources
        // (the peering routes) is unsupported and loses routes (Pulumi AWS ec2.RouteTable docs,
        // "NOTE on Route Tables and Routes").
        const publicRouteTable = new aws.ec2.RouteTable(`${name}-public`, { vpcId: vpc.id, tags: { Name: `${name}-public` } }, child);
        const internetRoute = new aws.ec2.Route(`${name}-public-default`, {
            routeTableId: publicRouteTable.id,
            destinationCidrBlock: "0.0.0.0/0",
            gatewayId: internetGateway.id,
        }, child);

        const publicSubnets = [publicA, publicB].map((cidr, i) => {
            const subnet = new aws.ec2.Subnet(`${name}-public-${i + 1}`, {
                vpcId: vpc.id,
                cidrBlock: cidr,
                availabilityZone: azNames[i],
                mapPublicIpOnLaunch: false,
                tags: { Name: `${name}-public-${i + 1}`, Tier: "public" },
            }, child);
            new aws.ec2.RouteTableAssociation(`${name}-public-${i + 1}`, { subnetId: subnet.id, routeTableId: publicRouteTable.id }, child);
            return subnet;
        });

        const privateRouteTables: aws.ec2.RouteTable[] = [];
        const natRoutes: aws.ec2.Route[] = [];
        const privateSubnets = [privateA, privateB].map((cidr, i) => {
            const ip = new aws.ec2.Eip(`${name}-nat-${i + 1}`, { domain: "vpc", tags: { Name: `${name}-nat-${i + 1}` } }, child);
            const nat = new aws.ec2.NatGateway(`${name}-nat-${i + 1}`, {
                subnetId: publicSubnets[i].id,
                allocationId: ip.id,
                tags: { Name: `${name}-nat-${i + 1}` },
            }, { ...child, dependsOn: [internetGateway] });
            const routeTable = new aws.ec2.RouteTable(`${name}-private-${i + 1}`, { vpcId: vpc.id, tags: { Name: `${name}-private-${i + 1}` } }, child);
            privateRouteTables.push(routeTable);
            natRoutes.push(new aws.ec2.Route(`${name}-private-${i + 1}-default`, {
                routeTableId: routeTable.id,
                destinationCidrBlock: "0.0.0.0/0",
                natGatewayId: nat.id,
            }, child));
            const subnet = new aws.ec2.Subnet(`${name}-private-${i + 1}`, {
                vpcId: vpc.id,
                cidrBlock: cidr,
                availabilityZone: azNames[i],
                mapPublicIpOnLaunch: false,
                tags: { Name: `${name}-private-${i + 1}`, Tier: "private" },
            }, child);
            new aws.ec2.RouteTableAssociation(`${name}-private-${i + 1}`, { subnetId: subnet.id, routeTableId: routeTable.id }, child);
            return subnet;
        });

        const s3Endpoint = new aws.ec2.VpcEndpoint(`${name}-s3`, {
            vpcId: vpc.id,
            serviceName: `com.amazonaws.${args.region}.s3`,
            vpcEndpointType: "Gateway",
            routeTableIds: privateRouteTables.map((t) => t.id),
            tags: { Name: `${name}-s3` },
        }, child);

        const flowLogRole = new aws.iam.Role(`${name}-flow-logs`, { assumeRolePolicy: assumeRolePolicy("vpc-flow-logs.amazonaws.com") }, child);
        const flowLogGroup = new aws.cloudwatch.LogGroup(`${name}-flow-logs`, { retentionInDays: 90 }, child);
        new aws.iam.RolePolicy(`${name}-flow-logs`, {
            role: flowLogRole.id,
            policy: flowLogGroup.arn.apply((arn) => policyDocument([{
                Effect: "Allow",
                Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                Resource: [arn, `${arn}:*`],
            }])),
        }, child);
        new aws.ec2.FlowLog(`${name}-flow-logs`, {
            vpcId: vpc.id,
            trafficType: "REJECT",
            logDestination: flowLogGroup.arn,
            iamRoleArn: flowLogRole.arn,
        }, child);

        this.vpcId = vpc.id;
        this.publicSubnetIds = publicSubnets.map((s) => s.id);
        this.privateSubnetIds = privateSubnets.map((s) => s.id);
        this.privateRouteTableIds = privateRouteTables.map((t) => t.id);
        this.internetAccess = [internetGateway, internetRoute];
        this.privateEgress = [...natRoutes, s3Endpoint];
        this.privateZoneId = this.privateZone(name, args.privateZoneName, vpc.id);
        this.registerOutputs({
            vpcId: this.vpcId,
            publicSubnetIds: this.publicSubnetIds,
            privateSubnetIds: this.privateSubnetIds,
            privateZoneId: this.privateZoneId,
        });
    }

    private privateZone(name: string, zoneName: string, vpcId: pulumi.Input<string>): pulumi.Output<string> {
        return new aws.route53.Zone(`${name}-private`, {
            name: zoneName,
            comment: "Private names of the WSO2 APIM region (database, nodes)",
            vpcs: [{ vpcId }],
        // The peerings add the other datacenters' VPCs with ZoneAssociation; in-line vpcs and
        // ZoneAssociation on one zone undo each other unless vpcs is ignored (Pulumi AWS route53.ZoneAssociation docs).
        }, { parent: this, ignoreChanges: ["vpcs"] }).zoneId;
    }
}
