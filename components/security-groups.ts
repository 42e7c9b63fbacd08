import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { GOLDENGATE } from "../lib/goldengate/names";
import { PORTS } from "../lib/wso2-ports";

/** A datacenter's GoldenGate hub as the security groups see it. */
export interface HubAddress {
    dcId: string;
    /** The hub's fixed private address. */
    hubIp: string;
    /** The datacenter's VPC CIDR (its database's addresses are somewhere in it). */
    vpcCidr: string;
}

export interface SecurityGroupsArgs {
    vpcId: pulumi.Input<string>;
    /** This region's GoldenGate hub and the peers' (reached over the VPC peering). */
    goldengate: { self: HubAddress; peers: HubAddress[] };
}

/**
 * Every security group of the region and every rule between them, in one place so that the
 * traffic allowed is reviewable at a glance (docs/guardrails.md): only the ALB takes 0.0.0.0/0, on 80 and
 * 443; nodes take 8243/9443 from the ALB only and the Traffic Manager ports from each other; EFS
 * takes 2049 from the nodes only; the database takes 1521 from the nodes. No port 22 anywhere: nodes are managed through SSM.
 *
 * Across regions GoldenGate and WSO2's admin calls cross the peering: the database takes 1521
 * from this region's hub and from each peer's hub, by the hub's fixed /32 (a peered region's
 * security groups cannot be referenced), and the hub takes the Manager and Collector ports from
 * the peer hubs only; the nodes take 9443 from each peer's VPC, where that DC's Publisher deploys
 * APIs to this DC's gateways through their admin services (the public ALB never forwards them), and
 * the Traffic Manager's event ports (9611 events, 9711 the publishers' TLS login) from each peer's
 * VPC, where that DC's nodes publish their throttling and runtime events to this DC's Traffic
 * Managers (lib/render/deployment-toml.ts, docs/artifacts.md § Runtime events across datacenters).
 * JMS (5672) stays within the DC: gateways take decisions from their own DC's Traffic Managers only.
 */
export class SecurityGroups extends pulumi.ComponentResource {
    readonly alb: aws.ec2.SecurityGroup;
    readonly nodes: aws.ec2.SecurityGroup;
    readonly efs: aws.ec2.SecurityGroup;
    readonly database: aws.ec2.SecurityGroup;
    readonly goldengate: aws.ec2.SecurityGroup;

    constructor(name: string, args: SecurityGroupsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("wso2-apim:network:SecurityGroups", name, {}, opts);
        const child = { parent: this };
        // EC2 takes group and rule descriptions of a-zA-Z0-9, space and ._-:/()#,@[]+=&;{}!$* only, 255 at
        // most (EC2 API reference: CreateSecurityGroup GroupDescription, IpRange Description): no apostrophes.
        // Guardrail WSO2-AWS-001 checks every description the stacks declare.
        const group = (role: string, description: string) =>
            new aws.ec2.SecurityGroup(`${name}-${role}`, { vpcId: args.vpcId, description, tags: { Name: `${name}-${role}` } }, child);

        this.alb = group("alb", "WSO2 APIM ALB: HTTPS from the internet, HTTP only to redirect");
        this.nodes = group("nodes", "WSO2 APIM nodes: gateway and management ports from the ALB");
        this.efs = group("efs", "WSO2 APIM shared artifacts: NFS from the nodes");
        this.database = group("db", "WSO2 APIM Oracle database: listener from the nodes");
        this.goldengate = group("goldengate", "GoldenGate hub: Manager and Collectors from peer region hubs");

        type Ports = number | { from: number; to: number };
        const range = (port: Ports) => (typeof port === "number" ? { fromPort: port, toPort: port } : { fromPort: port.from, toPort: port.to });
        const ingress = (rule: string, target: aws.ec2.SecurityGroup, port: Ports, from: { cidr: string } | { group: aws.ec2.SecurityGroup }, description: string) =>
            new aws.vpc.SecurityGroupIngressRule(`${name}-${rule}`, {
                securityGroupId: target.id,
                ipProtocol: "tcp",
                ...range(port),
                description,
                ...("cidr" in from ? { cidrIpv4: from.cidr } : { referencedSecurityGroupId: from.group.id }),
            }, child);
        const egress = (rule: string, source: aws.ec2.SecurityGroup, port: Ports | "all", to: { cidr: string } | { group: aws.ec2.SecurityGroup }, description: string) =>
            new aws.vpc.SecurityGroupEgressRule(`${name}-${rule}`, {
                securityGroupId: source.id,
                ...(port === "all" ? { ipProtocol: "-1" } : { ipProtocol: "tcp", ...range(port) }),
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
        ingress("nodes-tm-binary", this.nodes, PORTS.trafficManagerBinary, { group: this.nodes }, "throttling events from gateways in this region");
        ingress("nodes-tm-auth", this.nodes, PORTS.trafficManagerBinaryAuth, { group: this.nodes }, "throttling event authentication");
        ingress("nodes-tm-jms", this.nodes, PORTS.trafficManagerJms, { group: this.nodes }, "throttling decisions (JMS) to gateways in this region");
        // Nodes reach API backends, OS repositories, S3, SSM and Secrets Manager through the NAT.
        egress("nodes-out", this.nodes, "all", { cidr: "0.0.0.0/0" }, "API backends and AWS endpoints");

        ingress("efs-nfs", this.efs, PORTS.efs, { group: this.nodes }, "NFS from the APIM nodes");
        ingress("db-oracle", this.database, PORTS.oracle, { group: this.nodes }, "Oracle listener from the APIM nodes");

        // GoldenGate: by the hubs' fixed addresses, so the rules hold whether or not the program runs the hub host.
        const { self, peers } = args.goldengate;
        const hub = (address: HubAddress) => ({ cidr: `${address.hubIp}/32` });
        // The Manager's port and its DYNAMICPORTLIST, one Collector port per pump the hub may receive
        // (lib/goldengate/names.ts): whichever DC is the trusted source, its peers' pumps find a port open.
        const managerAndCollectors = { from: GOLDENGATE.managerPort, to: GOLDENGATE.dynamicPorts.to };
        ingress("db-oracle-goldengate", this.database, PORTS.oracle, hub(self), "Oracle listener from the GoldenGate hub in this region");
        egress("goldengate-to-db", this.goldengate, PORTS.oracle, { group: this.database }, "Extract and Replicat to the database in this region");
        // AWS APIs (SSM, S3, Secrets Manager) and the installer's OS packages, through the NAT.
        egress("goldengate-https", this.goldengate, 443, { cidr: "0.0.0.0/0" }, "AWS endpoints and OS packages");
        for (const peer of peers) {
            const dc = peer.dcId.toLowerCase();
            ingress(`db-oracle-${dc}-goldengate`, this.database, PORTS.oracle, hub(peer), `Oracle listener from the ${peer.dcId} GoldenGate hub (initial load, re-sync)`);
            ingress(`goldengate-from-${dc}`, this.goldengate, managerAndCollectors, hub(peer), `Manager and Collectors from the ${peer.dcId} GoldenGate hub`);
            egress(`goldengate-to-${dc}`, this.goldengate, managerAndCollectors, hub(peer), `trails to the ${peer.dcId} GoldenGate hub`);
            // The other DCs' Publishers deploy APIs through this DC's admin services (docs/artifacts.md).
            ingress(`nodes-admin-from-${dc}`, this.nodes, PORTS.management, { cidr: peer.vpcCidr }, `WSO2 admin services from the ${peer.dcId} Publisher over the peering`);
            // The other DCs' nodes publish every event to every Traffic Manager of this DC (docs/artifacts.md).
            ingress(`nodes-tm-binary-from-${dc}`, this.nodes, PORTS.trafficManagerBinary, { cidr: peer.vpcCidr }, `throttling and runtime events from ${peer.dcId} nodes over the peering`);
            ingress(`nodes-tm-auth-from-${dc}`, this.nodes, PORTS.trafficManagerBinaryAuth, { cidr: peer.vpcCidr }, `event publisher login from ${peer.dcId} nodes over the peering`);
            egress(`goldengate-to-${dc}-db`, this.goldengate, PORTS.oracle, { cidr: peer.vpcCidr }, `database of ${peer.dcId} (initial load, re-sync)`);
        }

        this.registerOutputs({
            albSecurityGroupId: this.alb.id,
            nodesSecurityGroupId: this.nodes.id,
            efsSecurityGroupId: this.efs.id,
            databaseSecurityGroupId: this.database.id,
            goldengateSecurityGroupId: this.goldengate.id,
        });
    }
}
