/**
 * wso2-apim-multi-dc: one stack per datacenter (region). Reads and validates config before any
 * resource is declared, builds the region, exports what operators and other stacks need.
 */
import { loadConfig } from "./lib/config";
import { Region } from "./components/region";

const config = loadConfig();
const region = new Region(config.self.id.toLowerCase(), { config });

export const datacenter = config.self.id;
export const awsRegion = config.self.region;
export const albDnsName = region.albDnsName;
export const gatewayUrl = region.gatewayUrl;
export const portalUrl = region.portalUrl;
export const regionalGatewayUrl = region.regionalGatewayUrl;
export const regionalPortalUrl = region.regionalPortalUrl;
export const regionalGatewayName = region.regionalGatewayName;
export const regionalPortalName = region.regionalPortalName;
export const gatewayHealthCheckId = region.gatewayHealthCheckId;
// Null in a datacenter that is neither the design-time active one nor its standby.
export const portalHealthCheckId = region.portalHealthCheckId ?? null;
export const efsFileSystemId = region.efsFileSystemId;
export const nodeInstanceIds = region.nodeInstanceIds;
// What on-call reaches for first (docs/operations.md): the nodes' logs, the database, the hub, where alarms go.
export const nodeLogGroupName = region.nodeLogGroupName;
export const databaseIdentifier = region.databaseIdentifier;
export const goldengateHubInstanceId = region.goldengateHubInstanceId;
export const alarmTopicArns = region.alarmTopicArns;
// The image the nodes boot and where it came from (a pinned nodeAmiId or AWS's current Amazon Linux 2023).
export const nodeImage = { amiId: region.nodeImage.amiId, source: region.nodeImage.source };
// Read by the later datacenters' stacks, which own the VPC peering with this one (components/peering.ts).
export const vpcId = region.vpcId;
export const privateRouteTableIds = region.privateRouteTableIds;
export const accountId = region.accountId;
export const privateZoneId = region.privateZoneId;
export const goldengateHubIp = config.self.goldengateHubIp;
export const peeringConnectionIds = region.peeringConnectionIds;
