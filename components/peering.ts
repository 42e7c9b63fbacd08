import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Datacenter } from "../lib/config";

/** The outputs a stack exports for the later datacenters that peer with it. */
export const PEER_OUTPUTS = ["vpcId", "privateRouteTableIds", "accountId", "privateZoneId"] as const;

export interface VpcPeeringArgs {
    /** This stack's datacenter: the later one in the configured order, so it owns the connection. */
    self: Datacenter;
    /** The earlier datacenter, whose stack is deployed already. */
    peer: Datacenter;
    /** `<org>/<project>/<stack>` of the peer; its outputs (PEER_OUTPUTS) give its VPC, route tables and account. */
    peerStackName: string;
    vpcId: pulumi.Input<string>;
    /** This VPC's private hosted zone: associated with the peer's VPC, as the peer's zone is with this one. */
    privateZoneId: pulumi.Input<string>;
    /** This VPC's private route tables (empty for an existing VPC: its routing stays the operator's). */
    privateRouteTableIds: pulumi.Input<string>[];
    /** Default tags for the provider of the peer's region, the same as this stack's provider sets. */
    defaultTags: Record<string, string>;
}

/**
 * A cross-region VPC peering with an earlier datacenter, owned by this (later) stack from end
 * to end: the request in this region, the acceptance in the peer's region through a provider
 * of its own, routes for each other's CIDR in both sides' private route tables, and each side's
 * private hosted zone associated with the other's VPC, so a Publisher resolves the other
 * datacenter's private names (its admin services, docs/artifacts.md). The peer's ids come from its
 * stack's outputs, so the peer's stack never references this one.
 */
export class VpcPeering extends pulumi.ComponentResource {
    readonly connectionId: pulumi.Output<string>;

    constructor(name: string, args: VpcPeeringArgs, opts?: pulumi.ComponentResourceOptions) {
        super("wso2-apim:network:VpcPeering", name, {}, opts);
        const child = { parent: this };
        const { self, peer } = args;

        const ref = new pulumi.StackReference(`${name}-ref`, { name: args.peerStackName }, child);
        // One check for all: the program stops with one message naming the first missing output.
        const outputs = ref.outputs.apply((values) => {
            const missing = PEER_OUTPUTS.find((key) => values[key] === undefined || values[key] === null);
            if (missing) {
                throw new pulumi.RunError(`peer stack ${args.peerStackName} has no output ${missing}: deploy it first (README: bootstrap order)`);
            }
            return values as { vpcId: string; privateRouteTableIds: string[]; accountId: string; privateZoneId: string };
        });
        const peerVpcId = outputs.vpcId;
        const peerRouteTableIds = outputs.privateRouteTableIds;
        const peerAccountId = outputs.accountId;

        const peerProvider = new aws.Provider(`${name}-aws`, {
            region: peer.region as aws.Region,
            defaultTags: { tags: args.defaultTags },
        }, child);
        const onPeerSide = { parent: this, provider: peerProvider };

        const label = `${self.id}-${peer.id}`;
        const connection = new aws.ec2.VpcPeeringConnection(`${name}-connection`, {
            vpcId: args.vpcId,
            peerVpcId,
            peerRegion: peer.region,
            peerOwnerId: peerAccountId,
            // Cross-region requests cannot accept themselves: the accepter does, on the peer's side.
            autoAccept: false,
            tags: { Name: label, Side: "requester" },
        }, child);
        const accepter = new aws.ec2.VpcPeeringConnectionAccepter(`${name}-accepter`, {
            vpcPeeringConnectionId: connection.id,
            autoAccept: true,
            tags: { Name: label, Side: "accepter" },
        }, onPeerSide);
        // Routes through the accepter's id: AWS refuses routes to a connection not yet active.
        const activeConnectionId = accepter.vpcPeeringConnectionId;

        args.privateRouteTableIds.forEach((routeTableId, i) => new aws.ec2.Route(`${name}-route-${i + 1}`, {
            routeTableId,
            destinationCidrBlock: peer.cidr,
            vpcPeeringConnectionId: activeConnectionId,
        }, child));
        // The peer's tables are known only from its stack; stack outputs are read at preview, so
        // these routes show in `pulumi preview` like any other.
        const peerRouteIds = peerRouteTableIds.apply((ids) => pulumi.all(ids.map((routeTableId, i) => new aws.ec2.Route(`${name}-peer-route-${i + 1}`, {
            routeTableId,
            destinationCidrBlock: self.cidr,
            vpcPeeringConnectionId: activeConnectionId,
        }, onPeerSide).id)));

        // A private zone answers in any VPC associated with it, in any region (Route 53 Developer Guide,
        // "Working with private hosted zones"); both zones are in this account (the same-account
        // association needs no authorization: Route 53 API AssociateVPCWithHostedZone).
        new aws.route53.ZoneAssociation(`${name}-zone-to-peer`, {
            zoneId: args.privateZoneId,
            vpcId: peerVpcId,
            vpcRegion: peer.region,
        }, child);
        new aws.route53.ZoneAssociation(`${name}-peer-zone`, {
            zoneId: outputs.privateZoneId,
            vpcId: args.vpcId,
            vpcRegion: self.region,
        }, child);

        this.connectionId = connection.id;
        this.registerOutputs({ connectionId: this.connectionId, peerRouteIds });
    }
}
