/**
 * Which two Availability Zones a new VPC uses.
 *
 * Only zones whose opt-in status is `opt-in-not-required` are Availability Zones proper
 * (EC2 API Reference, DescribeAvailabilityZones: "For Availability Zones, this parameter always
 * has the value of opt-in-not-required. For Local Zones and Wavelength Zones, this parameter is
 * the opt-in status"): an opted-in Local Zone or Wavelength Zone has no NAT gateway, ALB,
 * Multi-AZ RDS or EFS mount target of its own. Not every instance type is offered in every
 * zone (EC2 API Reference, DescribeInstanceTypeOfferings with LocationType availability-zone
 * lists the types each zone offers): a zone missing one of the stack's types would fail the
 * launch of a node, the Oracle host or the GoldenGate hub there.
 */

/** The filters the program sends to DescribeAvailabilityZones (through aws.getAvailabilityZones). */
export const AVAILABILITY_ZONE_FILTERS = [{ name: "opt-in-status", values: ["opt-in-not-required"] }];

/** One row of DescribeInstanceTypeOfferings: a type offered in a zone. */
export interface Offering {
    instanceType: string;
    location: string;
}

/**
 * The first two of `zones` (as the API lists them) that offer every one of `instanceTypes`;
 * throws naming the types and the region when fewer than two do.
 */
export function pickZones(region: string, zones: string[], instanceTypes: string[], offerings: Offering[]): [string, string] {
    const types = [...new Set(instanceTypes)].sort();
    const offers = (zone: string, type: string) => offerings.some((o) => o.location === zone && o.instanceType === type);
    const suitable = zones.filter((zone) => types.every((type) => offers(zone, type)));
    if (suitable.length < 2) {
        const found = suitable.length === 0 ? "none does" : `only ${suitable[0]} does`;
        throw new Error(
            `the VPC needs two Availability Zones of ${region} that offer every instance type the stack launches ` +
            `(${types.join(", ")}), and ${found} (zones: ${zones.join(", ") || "none"}); choose types offered in two zones ` +
            `(nodeInstanceType, databaseInstanceType, goldengateInstanceType; aws ec2 describe-instance-type-offerings --location-type availability-zone)`,
        );
    }
    return [suitable[0], suitable[1]];
}
