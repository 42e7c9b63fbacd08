/**
 * Security groups least-privilege (docs/guardrails.md): only the ALB takes traffic from anywhere, on 80
 * and 443; the APIM ports take traffic from the ALB only; the database from hosts; EFS from the
 * nodes; the Traffic Manager ports from the nodes (and the event ports from peered VPCs); no
 * remote-login port anywhere. And flow logs on every VPC.
 */
import { GuardedResource, StackRule, StackView, Violation } from "../model";
import {
    IngressPermission,
    IngressSource,
    describePorts,
    describeSource,
    groupRoles,
    ingressPermissions,
    isAnywhere,
    isPrivateCidr,
    opensTcpPort,
} from "../security-groups";
import { TYPES } from "../types";
import { parseCidr } from "../../config";

const WEB_PORTS = [80, 443];
const REMOTE_LOGIN_PORTS = [22, 3389];
/** WSO2's gateway HTTPS and management ports, the ALB's targets (docs/nodes.md); 9443 also serves the peers' Publishers. */
const APIM_PORTS = [8243, 9443];
const ORACLE_PORT = 1521;
const NFS_PORT = 2049;
/**
 * The Traffic Manager's databridge receiver (9611 events, 9711 the publishers' TLS login) and its
 * JMS broker (5672 throttling decisions), carbon-analytics-common v5.2.24 data-bridge defaults and
 * product-apim v3.1.0 (docs/nodes.md).
 */
const TRAFFIC_MANAGER_EVENT_PORTS = [9611, 9711];
const TRAFFIC_MANAGER_JMS_PORT = 5672;

function groupLabel(group: GuardedResource | undefined): string {
    return group ? `group ${group.name}` : "a group outside this stack";
}

function violation(permission: IngressPermission, message: string): Violation {
    return { resource: permission.declaredBy, message };
}

/** Whether the permission opens exactly `port` over TCP and nothing else. */
function isExactlyTcp(permission: IngressPermission, port: number): boolean {
    return permission.protocol === "tcp" && permission.from === port && permission.to === port;
}

/**
 * Permissions opening `port` whose sources are not all `allowed`, and permissions on a group
 * reserved for `port` (EFS, the database) that open anything else.
 */
function portGuard(view: StackView, port: number, allowed: (source: IngressSource) => boolean, reservedGroups: Set<string>, who: string): Violation[] {
    return ingressPermissions(view).flatMap((permission) => {
        const found: Violation[] = [];
        if (opensTcpPort(permission, port)) {
            for (const source of permission.sources.filter((s) => !allowed(s))) {
                found.push(violation(permission, `${describePorts(permission)} open to ${describeSource(source)} on ${groupLabel(permission.group)}; port ${port} takes ${who} only`));
            }
        }
        if (permission.group && reservedGroups.has(permission.group.urn) && !isExactlyTcp(permission, port)) {
            found.push(violation(permission, `${describePorts(permission)} open on ${groupLabel(permission.group)}, which should take tcp ${port} only`));
        }
        return found;
    });
}

/**
 * Whether a source is a peered VPC: a private range that overlaps none of this stack's VPCs (the
 * own VPC's hosts are reached through their security groups instead).
 */
function peerVpcSource(view: StackView): (source: IngressSource) => boolean {
    const ownVpcs = view.ofType(TYPES.vpc).flatMap((vpc) => parseCidr(String(vpc.inputs.cidrBlock)) ?? []);
    const end = (n: { base: number; prefix: number }) => n.base + 2 ** (32 - n.prefix);
    const overlapsOwnVpc = (cidr: string) => {
        const network = parseCidr(cidr);
        return network === null || ownVpcs.some((own) => network.base < end(own) && own.base < end(network));
    };
    return (source) => source.kind === "cidr" && isPrivateCidr(source.cidr) && !overlapsOwnVpc(source.cidr);
}

export const internetOnlyToAlb: StackRule = {
    kind: "stack",
    id: "WSO2-NET-001",
    title: "Only the ALB's group takes traffic from anywhere, on 80 and 443 only",
    rationale: "Everything else sits behind the ALB; an address open to 0.0.0.0/0 elsewhere bypasses TLS termination, header checks and logs.",
    severity: "mandatory",
    fix: "limit 0.0.0.0/0 and ::/0 ingress to tcp 80 and 443 on the ALB's security group; reach everything else through it",
    equivalents: { checkov: ["CKV_AWS_260", "CKV_AWS_24", "CKV_AWS_25"], cdkNag: ["AwsSolutions-EC23"] },
    check(view) {
        const albGroups = groupRoles(view).loadBalancer;
        return ingressPermissions(view)
            .filter((permission) => permission.sources.some(isAnywhere))
            .filter((permission) => {
                const onAlb = permission.group !== undefined && albGroups.has(permission.group.urn);
                return !(onAlb && WEB_PORTS.some((port) => isExactlyTcp(permission, port)));
            })
            .map((permission) => violation(permission, `${describePorts(permission)} open to anywhere on ${groupLabel(permission.group)}`));
    },
};

export const noRemoteLoginPorts: StackRule = {
    kind: "stack",
    id: "WSO2-NET-002",
    title: "No security group opens SSH (22) or RDP (3389)",
    rationale: "Operators reach hosts through SSM Session Manager, which needs no inbound port.",
    severity: "mandatory",
    fix: "remove the ingress rule; use `aws ssm start-session` instead",
    equivalents: { checkov: ["CKV_AWS_24", "CKV_AWS_25"] },
    check(view) {
        return ingressPermissions(view).flatMap((permission) =>
            REMOTE_LOGIN_PORTS.filter((port) => opensTcpPort(permission, port)).map((port) =>
                violation(permission, `${describePorts(permission)} opens port ${port} on ${groupLabel(permission.group)}`)));
    },
};

export const apimPortsFromAlbOnly: StackRule = {
    kind: "stack",
    id: "WSO2-NET-003",
    title: "The APIM ports (8243, 9443) take traffic from the ALB's group only, and 9443 also from peered VPCs",
    rationale: "Clients reach the gateway and the Publisher/Portal through the ALB, which terminates TLS, drops bad headers and logs; the other datacenters' Publishers deploy APIs through 9443 over the peering (docs/artifacts.md).",
    severity: "mandatory",
    fix: "reference the ALB's security group (referencedSecurityGroupId) as the only source of 8243, and of 9443 besides private CIDRs outside this stack's VPCs",
    equivalents: {},
    check(view) {
        const albGroups = groupRoles(view).loadBalancer;
        const fromAlb = (source: IngressSource) => source.kind === "group" && source.group !== undefined && albGroups.has(source.group.urn);
        const fromPeerVpc = peerVpcSource(view);
        return [
            ...portGuard(view, APIM_PORTS[0], fromAlb, new Set(), "the ALB's group"),
            ...portGuard(view, APIM_PORTS[1], (source) => fromAlb(source) || fromPeerVpc(source), new Set(), "the ALB's group or a peered VPC"),
        ];
    },
};

export const oracleFromHostsOnly: StackRule = {
    kind: "stack",
    id: "WSO2-NET-004",
    title: "Oracle (1521) takes traffic from the nodes and replication hosts only",
    rationale: "The database answers the APIM nodes and the GoldenGate hubs (over peering, by private CIDR); nothing else needs it.",
    severity: "mandatory",
    fix: "allow 1521 only from the nodes' or replication hosts' security group, or from the peered regions' private CIDRs; open nothing else on the database's group",
    equivalents: {},
    check(view) {
        const roles = groupRoles(view);
        const fromHosts = (source: IngressSource) =>
            (source.kind === "group" && source.group !== undefined && roles.instances.has(source.group.urn)) ||
            (source.kind === "cidr" && isPrivateCidr(source.cidr));
        return portGuard(view, ORACLE_PORT, fromHosts, roles.database, "the nodes', replication hosts' groups or private CIDRs");
    },
};

export const nfsFromNodesOnly: StackRule = {
    kind: "stack",
    id: "WSO2-NET-005",
    title: "EFS (2049) takes traffic from the nodes only",
    rationale: "Only the region's APIM nodes (the instances in the ALB's target groups) mount the shared artifacts.",
    severity: "mandatory",
    fix: "allow 2049 only from the nodes' security group; open nothing else on the mount targets' group",
    equivalents: {},
    check(view) {
        const roles = groupRoles(view);
        const fromNodes = (source: IngressSource) => source.kind === "group" && source.group !== undefined && roles.nodes.has(source.group.urn);
        return portGuard(view, NFS_PORT, fromNodes, roles.efs, "the nodes' group");
    },
};

export const trafficManagerPortsFromNodesOnly: StackRule = {
    kind: "stack",
    id: "WSO2-NET-007",
    title: "The Traffic Manager ports take traffic from the nodes' group only, and 9611/9711 also from peered VPCs",
    rationale: "Every node publishes its throttling and runtime events (block conditions, key templates, revocations) to every datacenter's Traffic Managers on 9611/9711 over the peering; JMS on 5672 carries decisions to the DC's own gateways only, with the admin password in its connection URL, and never leaves the DC (docs/artifacts.md).",
    severity: "mandatory",
    fix: "allow 9611 and 9711 only from the nodes' security group and the peered DCs' VPC CIDRs, and 5672 only from the nodes' security group",
    equivalents: {},
    check(view) {
        const nodeGroups = groupRoles(view).nodes;
        const fromNodes = (source: IngressSource) => source.kind === "group" && source.group !== undefined && nodeGroups.has(source.group.urn);
        const fromPeerVpc = peerVpcSource(view);
        return [
            ...TRAFFIC_MANAGER_EVENT_PORTS.flatMap((port) => portGuard(view, port, (source) => fromNodes(source) || fromPeerVpc(source), new Set(), "the nodes' group or a peered VPC")),
            ...portGuard(view, TRAFFIC_MANAGER_JMS_PORT, fromNodes, new Set(), "the nodes' group"),
        ];
    },
};

export const vpcFlowLogs: StackRule = {
    kind: "stack",
    id: "WSO2-NET-006",
    title: "Every VPC has flow logs",
    rationale: "Rejected-traffic records show what the security groups stopped, for audits and for debugging replication paths.",
    severity: "advisory",
    fix: "add an aws.ec2.FlowLog with vpcId set to the VPC",
    equivalents: { checkov: ["CKV2_AWS_11"], cdkNag: ["AwsSolutions-VPC7"] },
    check(view) {
        const logged = new Set(view.ofType(TYPES.flowLog).map((log) => view.resolve(log.inputs.vpcId, TYPES.vpc)?.urn));
        return view.ofType(TYPES.vpc)
            .filter((vpc) => !logged.has(vpc.urn))
            .map((vpc) => ({ resource: vpc, message: "no flow log" }));
    },
};
