/**
 * Ingress as one shape, whichever of the three ways it was declared (an inline `ingress` block,
 * `aws.ec2.SecurityGroupRule`, `aws.vpc.SecurityGroupIngressRule`), and the role of each security
 * group, known from what it is attached to (the ALB, instances, EFS mount targets, RDS).
 */
import { parseCidr } from "../config";
import { asList, isRecord } from "./inputs";
import { GuardedResource, StackView } from "./model";
import { TYPES } from "./types";

export type IngressSource =
    | { kind: "cidr"; cidr: string }
    /** `group` is undefined when the reference does not resolve to a group of this stack. */
    | { kind: "group"; group: GuardedResource | undefined }
    | { kind: "prefixList" };

export interface IngressPermission {
    /** The resource that declares it: the rule, or the group for inline rules. */
    declaredBy: GuardedResource;
    /** The group it opens; undefined when the reference does not resolve. */
    group: GuardedResource | undefined;
    protocol: "tcp" | "udp" | "all" | "other";
    from: number;
    to: number;
    sources: IngressSource[];
}

function protocolOf(value: unknown): IngressPermission["protocol"] {
    switch (String(value).toLowerCase()) {
        case "-1":
        case "all":
            return "all";
        case "tcp":
        case "6":
            return "tcp";
        case "udp":
        case "17":
            return "udp";
        default:
            return "other";
    }
}

/** Port range; an unknown bound counts as the widest, since it could be. */
function portsOf(protocol: IngressPermission["protocol"], fromPort: unknown, toPort: unknown): { from: number; to: number } {
    if (protocol === "all") return { from: 0, to: 65535 };
    return {
        from: typeof fromPort === "number" && fromPort >= 0 ? fromPort : 0,
        to: typeof toPort === "number" && toPort >= 0 ? toPort : 65535,
    };
}

function cidrSources(...lists: unknown[]): IngressSource[] {
    return lists.flatMap((list) => asList<string>(list)).filter((c) => typeof c === "string").map((cidr) => ({ kind: "cidr", cidr }));
}

/** Every ingress permission of the stack. */
export function ingressPermissions(view: StackView): IngressPermission[] {
    const group = (value: unknown) => view.resolve(value, TYPES.securityGroup);
    const groupSource = (value: unknown): IngressSource => ({ kind: "group", group: group(value) });

    const inline = view.ofType(TYPES.securityGroup).flatMap((sg) =>
        asList(sg.inputs.ingress).filter(isRecord).map((block): IngressPermission => {
            const protocol = protocolOf(block.protocol);
            return {
                declaredBy: sg,
                group: sg,
                protocol,
                ...portsOf(protocol, block.fromPort, block.toPort),
                sources: [
                    ...cidrSources(block.cidrBlocks, block.ipv6CidrBlocks),
                    ...asList(block.securityGroups).map(groupSource),
                    ...(block.self === true ? [{ kind: "group", group: sg } as const] : []),
                    ...asList(block.prefixListIds).map(() => ({ kind: "prefixList" }) as const),
                ],
            };
        }));

    const classic = view.ofType(TYPES.securityGroupRule).filter((r) => r.inputs.type === "ingress").map((rule): IngressPermission => {
        const protocol = protocolOf(rule.inputs.protocol);
        const target = group(rule.inputs.securityGroupId);
        return {
            declaredBy: rule,
            group: target,
            protocol,
            ...portsOf(protocol, rule.inputs.fromPort, rule.inputs.toPort),
            sources: [
                ...cidrSources(rule.inputs.cidrBlocks, rule.inputs.ipv6CidrBlocks),
                ...(rule.inputs.sourceSecurityGroupId !== undefined ? [groupSource(rule.inputs.sourceSecurityGroupId)] : []),
                ...(rule.inputs.self === true ? [{ kind: "group", group: target } as const] : []),
                ...asList(rule.inputs.prefixListIds).map(() => ({ kind: "prefixList" }) as const),
            ],
        };
    });

    const vpcRules = view.ofType(TYPES.ingressRule).map((rule): IngressPermission => {
        const protocol = protocolOf(rule.inputs.ipProtocol);
        return {
            declaredBy: rule,
            group: group(rule.inputs.securityGroupId),
            protocol,
            ...portsOf(protocol, rule.inputs.fromPort, rule.inputs.toPort),
            sources: [
                ...cidrSources(rule.inputs.cidrIpv4, rule.inputs.cidrIpv6),
                ...(rule.inputs.referencedSecurityGroupId !== undefined ? [groupSource(rule.inputs.referencedSecurityGroupId)] : []),
                ...(rule.inputs.prefixListId !== undefined ? [{ kind: "prefixList" } as const] : []),
            ],
        };
    });

    return [...inline, ...classic, ...vpcRules];
}

/** Whether the permission lets TCP traffic to `port` in. */
export function opensTcpPort(permission: IngressPermission, port: number): boolean {
    return (permission.protocol === "tcp" || permission.protocol === "all") && permission.from <= port && port <= permission.to;
}

/** `tcp 443`, `tcp 8000-9000`, `all traffic`. */
export function describePorts(permission: IngressPermission): string {
    if (permission.protocol === "all") return "all traffic";
    return `${permission.protocol} ${permission.from === permission.to ? permission.from : `${permission.from}-${permission.to}`}`;
}

export function describeSource(source: IngressSource): string {
    switch (source.kind) {
        case "cidr":
            return source.cidr;
        case "group":
            return source.group ? `group ${source.group.name}` : "a group outside this stack";
        case "prefixList":
            return "a prefix list";
    }
}

/** 0.0.0.0/0 or ::/0: anyone. */
export function isAnywhere(source: IngressSource): boolean {
    return source.kind === "cidr" && /\/0$/.test(source.cidr);
}

const PRIVATE_IPV4 = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map((cidr) => parseCidr(cidr)!);

/** An RFC 1918 (or IPv6 unique-local) range: reachable only through peering or a VPN. */
export function isPrivateCidr(cidr: string): boolean {
    if (/^f[cd][0-9a-f]{2}:/i.test(cidr)) return true;
    const network = parseCidr(cidr);
    if (!network) return false;
    const end = network.base + 2 ** (32 - network.prefix);
    return PRIVATE_IPV4.some((block) => network.base >= block.base && end <= block.base + 2 ** (32 - block.prefix));
}

/** URNs of the groups attached to `resources` through the inputs `keys`. */
function groupsOf(view: StackView, resources: GuardedResource[], ...keys: string[]): Set<string> {
    const urns = resources.flatMap((resource) =>
        keys.flatMap((key) => asList(resource.inputs[key]).map((id) => view.resolve(id, TYPES.securityGroup)?.urn)));
    return new Set(urns.filter((urn): urn is string => urn !== undefined));
}

/** The APIM nodes: the instances registered in a load balancer's target group. */
function nodeInstances(view: StackView): GuardedResource[] {
    const targets = new Set(view.ofType(TYPES.targetGroupAttachment).map((a) => view.resolve(a.inputs.targetId, TYPES.instance)?.urn));
    return view.ofType(TYPES.instance).filter((instance) => targets.has(instance.urn));
}

/** What each security group guards, by what it is attached to. */
export function groupRoles(view: StackView) {
    const instanceKeys = ["vpcSecurityGroupIds", "securityGroups"];
    return {
        loadBalancer: groupsOf(view, view.ofType(TYPES.loadBalancer), "securityGroups"),
        /** Every host: APIM nodes, replication hubs, an Oracle host. */
        instances: groupsOf(view, view.ofType(TYPES.instance), ...instanceKeys),
        nodes: groupsOf(view, nodeInstances(view), ...instanceKeys),
        efs: groupsOf(view, view.ofType(TYPES.mountTarget), "securityGroups"),
        database: groupsOf(view, view.ofType(TYPES.rdsInstance), "vpcSecurityGroupIds"),
    };
}
