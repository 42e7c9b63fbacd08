/**
 * The account quotas a stack's resources count against, and how many of each the stack adds.
 *
 * Quota codes: Service Quotas names each quota by service code and quota code; the codes below are
 * the ones `aws service-quotas list-service-quotas --service-code <ec2|vpc|rds>` lists for these
 * names (cross-checked in several public tools, see docs/real-world-constraints.md). Defaults: Amazon
 * VPC User Guide, "Amazon VPC quotas" (VPCs per Region 5, Elastic IP addresses per Region 5, NAT
 * gateways per Availability Zone 5, counted in the pending, active and deleting states); Amazon RDS
 * User Guide, "Quotas in Amazon RDS" (DB instances 40; 20 in ap-south-1).
 */

/** One quota: where Service Quotas keeps it and the AWS default when it has no applied value. */
export interface QuotaSpec {
    name: string;
    serviceCode: string;
    quotaCode: string;
    /** The AWS default of a region (GetServiceQuota answers NoSuchResourceException for some unset quotas). */
    defaultIn(region: string): number;
}

export const QUOTAS = {
    elasticIps: { name: "EC2-VPC Elastic IPs", serviceCode: "ec2", quotaCode: "L-0263D0A3", defaultIn: () => 5 },
    natGatewaysPerAz: { name: "NAT gateways per Availability Zone", serviceCode: "vpc", quotaCode: "L-FE5A380F", defaultIn: () => 5 },
    vpcs: { name: "VPCs per Region", serviceCode: "vpc", quotaCode: "L-F678F1CE", defaultIn: () => 5 },
    dbInstances: { name: "DB instances", serviceCode: "rds", quotaCode: "L-7B6409FD", defaultIn: (region: string) => (region === "ap-south-1" ? 20 : 40) },
} satisfies Record<string, QuotaSpec>;

/** The Pulumi types whose resources count against those quotas, as the plan records them. */
export const COUNTED_TYPES = {
    elasticIps: "aws:ec2/eip:Eip",
    natGateways: "aws:ec2/natGateway:NatGateway",
    vpcs: "aws:ec2/vpc:Vpc",
    dbInstances: "aws:rds/instance:Instance",
} as const;

export type PlannedCounts = Record<keyof typeof COUNTED_TYPES, number>;

/** How many resources of each counted type the planned stack declares (read from the program's run, not guessed from config). */
export function plannedCounts(resources: readonly { type: string; custom: boolean }[]): PlannedCounts {
    const count = (type: string) => resources.filter((r) => r.custom && r.type === type).length;
    return {
        elasticIps: count(COUNTED_TYPES.elasticIps),
        natGateways: count(COUNTED_TYPES.natGateways),
        vpcs: count(COUNTED_TYPES.vpcs),
        dbInstances: count(COUNTED_TYPES.dbInstances),
    };
}

/**
 * The new VPC spans two Availability Zones with one NAT gateway in each (components/network.ts), so
 * a zone receives half of the stack's NAT gateways, rounded up.
 */
export const NETWORK_ZONES = 2;
export function natGatewaysAddedPerZone(planned: number): number {
    return Math.ceil(planned / NETWORK_ZONES);
}

/**
 * NAT gateways count against the quota in these states (Amazon VPC quotas: "pending, active, and
 * deleting"); the API's states are pending | failed | available | deleting | deleted (EC2 API Reference, NatGateway).
 */
export const NAT_STATES_COUNTED = ["pending", "available", "deleting"] as const;

/** Whether what is in use plus what the stack adds stays within the limit. */
export function fitsQuota(limit: number, used: number, adding: number): boolean {
    return used + adding <= limit;
}

/** The most NAT gateways counted in any one zone, and that zone (the program's zones are chosen at deploy time). */
export function busiestZone(natGateways: readonly { subnetId: string; state: string }[], zoneOfSubnet: ReadonlyMap<string, string>): { zone: string | null; count: number } {
    const perZone = new Map<string, number>();
    for (const nat of natGateways.filter((n) => (NAT_STATES_COUNTED as readonly string[]).includes(n.state))) {
        const zone = zoneOfSubnet.get(nat.subnetId) ?? "(zone unknown)";
        perZone.set(zone, (perZone.get(zone) ?? 0) + 1);
    }
    const [zone, count] = [...perZone].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0] ?? [null, 0];
    return { zone, count };
}
