/**
 * Operations (issue 15, docs/operations.md): what can fail without anyone noticing has an alarm
 * that notifies someone. The watched resources are the APIM nodes (instances behind a target
 * group), the database (an RDS instance, or the Oracle host: an instance in a group that takes
 * 1521), every target group and every Route 53 health check.
 */
import { PORTS } from "../../wso2-ports";
import { asList, isRecord, resolveReference } from "../inputs";
import { GuardedResource, StackRule, StackView, Violation } from "../model";
import { TYPES } from "../types";

/** The dimensions an alarm watches: its own metric's, and each metric of its math queries. */
function watchedDimensions(alarm: GuardedResource): Record<string, unknown>[] {
    const queries = asList(alarm.inputs.metricQueries).filter(isRecord).map((query) => query.metric).filter(isRecord);
    return [alarm.inputs.dimensions, ...queries.map((metric) => metric.dimensions)].filter(isRecord);
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
        const dimensionValues = notifying.flatMap(watchedDimensions).flatMap((dimensions) => Object.entries(dimensions));
        const watched = (resource: GuardedResource, dimension: string, literal?: unknown) => dimensionValues.some(([name, value]) =>
            name === dimension && (resolveReference(value, [resource]) !== undefined || (literal !== undefined && value === literal)));
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
