import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PORTS } from "../lib/wso2-ports";


export interface SecurityGroupsArgs {
    vpcId: pulumi.Input<string>;
}

/**
 * Every security group of the region and every rule between them, in one place so that the
 * traffic allowed is reviewable at a glance (DESIGN §8): only the ALB takes 0.0.0.0/0, on 80 and
 * 443; nodes take 8243/9443 from the ALB only and the Traffic Manager ports from each other; EFS
 * takes 2049 from the nodes only; the database takes 1521 from the nodes. No port 22 anywhere: nodes are managed through SSM.
 */
export class SecurityGroups extends pulumi.ComponentResource {
    readonly alb: aws.ec2.SecurityGroup;
    readonly nodes: aws.ec2.SecurityGroup;
    readonly efs: aws.ec2.SecurityGroup;
    readonly database: aws.ec2.SecurityGroup;

    constructor(name: string, args: SecurityGroupsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("wso2-apim:network:SecurityGroups", name, {}, opts);
        const child = { parent: this };
        const group = (role: string, description: string) =>
            new aws.ec2.SecurityGroup(`${name}-${role}`, { vpcId: args.vpcId, description, tags: { Name: `${name}-${role}` } }, child);

        this.alb = group("alb", "WSO2 APIM ALB: HTTPS from the internet, HTTP only to redirect");
        this.nodes = group("nodes", "WSO2 APIM nodes: gateway and management ports from the ALB");
        this.efs = group("efs", "WSO2 APIM shared artifacts: NFS from the nodes");
        this.database = group("db", "WSO2 APIM Oracle database: listener from the nodes");

        const ingress = (rule: string, target: aws.ec2.SecurityGroup, port: number, from: { cidr: string } | { group: aws.ec2.SecurityGroup }, description: string) =>
            new aws.vpc.SecurityGroupIngressRule(`${name}-${rule}`, {
                securityGroupId: target.id,
                ipProtocol: "tcp",
                fromPort: port,
                toPort: port,
                description,
                ...("cidr" in from ? { cidrIpv4: from.cidr } : { referencedSecurityGroupId: from.group.id }),
            }, child);
        const egress = (rule: string, source: aws.ec2.SecurityGroup, port: number | "all", to: { cidr: string } | { group: aws.ec2.SecurityGroup }, description: string) =>
            new aws.vpc.SecurityGroupEgressRule(`${name}-${rule}`, {
                securityGroupId: source.id,
                ...(port === "all" ? { ipProtocol: "-1" } : { ipProtocol: "tcp", fromPort: port, toPort: port }),
                description,
                ...("cidr" in to ? { cidrIpv4: to.cidr } : { referencedSecurityGroupId: to.group.id }),
            }, child);

        ingress("alb-https", this.alb, 443, { cidr: "0.0.0.0/0" }, "HTTPS from clients");
        ingress("alb-http", this.alb, 80, { cidr: "0.0.0.0/0" }, "HTTP from clients, redirected to HTTPS");
        egress("alb-to-gateway", this.alb, PORTS.gatewayHttps, { group: this.nodes }, "to the APIM gateway");
        egress("alb-to-management", this.alb, PORTS.management, { group: this.nodes }, "to the APIM Publisher/Portal");

        ingress("nodes-gateway", this.nodes, PORTS.gatewayHttps, { group: this.alb }, "gateway HTTPS from the ALB");
        ingress("nodes-management", this.nodes, PORTS.management, { group: this.alb }, "Publisher/Portal from the ALB");
        // Every node is a Traffic Manager for the region's gateways (throttling events and decisions).
        ingress("nodes-tm-binary", this.nodes, PORTS.trafficManagerBinary, { group: this.nodes }, "throttling events from the region's gateways");
        ingress("nodes-tm-auth", this.nodes, PORTS.trafficManagerBinaryAuth, { group: this.nodes }, "throttling event authentication");
        ingress("nodes-tm-jms", this.nodes, PORTS.trafficManagerJms, { group: this.nodes }, "throttling decisions (JMS) to the region's gateways");
        // Nodes reach API backends, OS repositories, S3, SSM and Secrets Manager through the NAT.
        egress("nodes-out", this.nodes, "all", { cidr: "0.0.0.0/0" }, "API backends and AWS endpoints");

        ingress("efs-nfs", this.efs, PORTS.efs, { group: this.nodes }, "NFS from the APIM nodes");
        ingress("db-oracle", this.database, PORTS.oracle, { group: this.nodes }, "Oracle listener from the APIM nodes");

        this.registerOutputs({
            albSecurityGroupId: this.alb.id,
            nodesSecurityGroupId: this.nodes.id,
            efsSecurityGroupId: this.efs.id,
            databaseSecurityGroupId: this.database.id,
        });
    }
}
