/**
 * Operations (issue 15, docs/operations.md): what can fail without anyone noticing has an alarm
 * that notifies someone. The watched resources are the APIM nodes (instances behind a target
 * group), the database (an RDS instance, or the Oracle host: an instance in a group that takes
 * 1521), every target group and every Route 53 health check.
 */
import { PORTS } from "../../wso2-ports";
import { asList, isRecord, KNOWN_AFTER_APPLY, resolveReference } from "../inputs";
import { GuardedResource, StackRule, StackView, Violation } from "../model";
import { TYPES } from "../types";

/** The dimensions an alarm watches: its own metric's, and each metric of its math queries. */
/** An alarm's dimensions (its own and its metric queries'), each with the input it came from. */
function watchedDimensions(alarm: GuardedResource): { input: string; dimensions: Record<string, unknown> }[] {
    const queries = asList(alarm.inputs.metricQueries).filter(isRecord).map((query) => query.metric).filter(isRecord);
    return [{ input: "dimensions", dimensions: alarm.inputs.dimensions }, ...queries.map((metric) => ({ input: "metricQueries", dimensions: metric.dimensions }))]
        .filter((d): d is { input: string; dimensions: Record<string, unknown> } => isRecord(d.dimensions));
}

/**
 * Whether a dimension value names `resource`: a reference to it, or, in a preview where the value
 * is unknown and computed from several resources (a target group's dimension beside its load
 * balancer's), an unknown computed from it.
 */
function namesResource(value: unknown, alarm: GuardedResource, input: string, resource: GuardedResource): boolean {
    if (resolveReference(value, [resource]) !== undefined) return true;
    return value === `${KNOWN_AFTER_APPLY})` && (alarm.inputDependencies?.[input] ?? []).includes(resource.urn);
}

/** Whether an alarm action reaches people: an SNS topic of the stack, or a topic ARN. */
function notifies(view: StackView, alarm: GuardedResource): boolean {
    return asList(alarm.inputs.alarmActions).some((action) =>
        view.resolve(action, TYPES.snsTopic) !== undefined || (typeof action === "string" && action.startsWith("arn:aws:sns:")));
}

function oracleHosts(view: StackView): GuardedResource[] {
    const oracleGroups = view.ofType(TYPES.ingressRule, TYPES.securityGroupRule)
        .filter((rule) => rule.inputs.type !== "egress" && Number(rule.inputs.fromPort) <= PORTS.oracle && PORTS.oracle <= Number(rule.inputs.toPort))
        .map((rule) => view.resolve(rule.inputs.securityGroupId, TYPES.securityGroup)?.urn);
    return view.ofType(TYPES.instance).filter((instance) =>
        asList(instance.inputs.vpcSecurityGroupIds).some((id) => oracleGroups.includes(view.resolve(id, TYPES.securityGroup)?.urn)));
}

function apimNodes(view: StackView): GuardedResource[] {
    const targets = new Set(view.ofType(TYPES.targetGroupAttachment).map((a) => view.resolve(a.inputs.targetId, TYPES.instance)?.urn));
    return view.ofType(TYPES.instance).filter((instance) => targets.has(instance.urn));
}

export const watchedResourcesAlarm: StackRule = {
    kind: "stack",
    id: "WSO2-OPS-004",
    title: "Every APIM node, database, target group and Route 53 health check has an alarm that notifies a topic",
    rationale: "A multi-DC deployment only keeps serving if someone learns quickly that a part failed; an unwatched part fails silently.",
    severity: "mandatory",
    fix: "declare it in components/monitoring.ts (or give it a CloudWatch alarm whose alarmActions include an SNS topic)",
    equivalents: {},
    check(view) {
        const notifying = view.ofType(TYPES.metricAlarm).filter((alarm) => notifies(view, alarm));
        const dimensionValues = notifying.flatMap((alarm) => watchedDimensions(alarm)
            .flatMap(({ input, dimensions }) => Object.entries(dimensions).map(([name, value]) => ({ alarm, input, name, value }))));
        const watched = (resource: GuardedResource, dimension: string, literal?: unknown) => dimensionValues.some(({ alarm, input, name, value }) =>
            name === dimension && (namesResource(value, alarm, input, resource) || (literal !== undefined && value === literal)));
        const unwatched = (resources: GuardedResource[], what: string, dimension: string, literal?: (r: GuardedResource) => unknown): Violation[] =>
            resources.filter((r) => !watched(r, dimension, literal?.(r))).map((r) => ({ resource: r, message: `${what} has no alarm that notifies a topic (dimension ${dimension})` }));
        const hosts = [...new Set([...apimNodes(view), ...oracleHosts(view)])];
        return [
            ...unwatched(hosts, "APIM node or Oracle host", "InstanceId"),
            ...unwatched(view.ofType(TYPES.rdsInstance), "database", "DBInstanceIdentifier", (db) => db.inputs.identifier),
            ...unwatched(view.ofType(TYPES.targetGroup), "target group", "TargetGroup"),
            ...unwatched(view.ofType(TYPES.healthCheck), "Route 53 health check", "HealthCheckId"),
        ];
    },
};
