import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
    ALARM_THRESHOLDS,
    freeStorageThresholdBytes,
    hoursLeftAtCriticalLag,
    lagCriticalSeconds,
    APIS_OUT_OF_STEP_RUNS,
    ARTIFACT_SYNC_LAG_SECONDS,
    LAG_WARNING_SECONDS,
} from "../lib/alarms";
import { APIS_OUT_OF_STEP_METRIC, ARTIFACT_SYNC_LAG_METRIC, CustomMetric, DIVERGENT_TABLES_METRIC, DUPLICATE_NATURAL_KEYS_METRIC, EXCEPTIONS_PURGE_FAILURES_METRIC, HUB_HOST_METRICS_AREA, metricNamespace, NODE_HOST_METRICS, REPLICATION_LAG_METRIC, UNCHECKED_TABLES_METRIC } from "../lib/metrics";
import { renderDashboard } from "../lib/render/dashboard";
import { WSO2_RESTARTS } from "../lib/render/systemd-unit";

/**
 * Route 53 publishes its health-check metrics in US East (N. Virginia) only, so alarms on them
 * live there (Route 53 Developer Guide, "Monitoring health checks using CloudWatch").
 */
export const ROUTE53_METRICS_REGION = "us-east-1";

/** What the metric filters on the node log group count (docs/operations.md, "WSO2 errors"). */
export function nodeLogMetrics(deployment: string, dcId: string) {
    return {
        namespace: metricNamespace(deployment, `Nodes/${dcId}`),
        errorLines: "Wso2ErrorLines",
        outOfMemory: "OutOfMemoryErrors",
        unexpectedExits: "Wso2UnexpectedExits",
        trafficManagerUnreachable: "TrafficManagerUnreachableLines",
        runtimeEventsDropped: "RuntimeEventsDropped",
    };
}

/**
 * wso2carbon.log and audit.log lines are `... [date]  ERROR {logger} - message` (product-apim v3.1.0
 * conf/log4j2.properties, CARBON_LOGFILE and AUDIT_LOGFILE: `[%d] %5p {%c} - %m%ex%n`). The quoted
 * phrase matches exactly, so an access-log URL holding "ERROR" is not counted, and neither is
 * wso2-apigw-errors.log (`%5p %c{1}`, no brace), whose errors wso2carbon.log carries already
 * (CloudWatch Logs User Guide, "Filter pattern syntax": quoted terms with non-alphanumerics).
 */
export const WSO2_ERROR_PATTERN = `"] ERROR {"`;
export const OUT_OF_MEMORY_PATTERN = `"java.lang.OutOfMemoryError"`;
/**
 * The line wso2am.service's ExecStopPost writes after a run that failed: WSO2 ended without a stop
 * request, or a start refused before it ran (lib/render/scripts/wso2-run.sh --report). One per run.
 */
export const UNEXPECTED_EXIT_PATTERN = `"WSO2 UNIT FAILED"`;
/**
 * The databridge agent's WARN while a Traffic Manager this node publishes to is unreachable: every
 * receiver group (here one Traffic Manager, lib/render/deployment-toml.ts) retries its connection
 * every 30 s and logs this each time none of its receivers is connected, meanwhile keeping the
 * events in its queue (carbon-analytics-common v5.2.24 DataEndpointGroup.ReconnectionTask L437-467;
 * `transport.binary.agent.reconnection_interval` 30).
 */
export const TRAFFIC_MANAGER_UNREACHABLE_PATTERN = `"No receiver is reachable at reconnection"`;
/**
 * The output adapters that carry runtime events to the Traffic Managers: block conditions and key
 * templates (carbon-apimgt 6.6.163 APIManagerComponent L588-618), revocations and cache
 * invalidations (APIKeyMgtServiceComponent L268-318), all non-blocking with a zero timeout.
 */
export const RUNTIME_EVENT_ADAPTERS = ["blockingEventPublisher", "tokenRevocationPublisher", "cacheInvalidationEventPublisher"] as const;
/**
 * The ERROR line such an adapter logs for each event it drops because a Traffic Manager's queue is
 * full (carbon-analytics-common v5.2.24 WSO2EventAdapter.publish L164-172 → EventAdapterUtil.logAndDrop
 * L65-71): `Event dropped at Output Adapter '<name>' for tenant id '<id>', Cannot send event`. Any of
 * the three (CloudWatch Logs "Filter pattern syntax": `?term ?term` matches either).
 */
const ADAPTER_DROPS = RUNTIME_EVENT_ADAPTERS.map((name) => `?"Event dropped at Output Adapter '${name}'"`);
/**
 * The ERROR line a receiver group's queue worker logs when its publisher shuts down (a node's stop
 * or restart) with events still queued for a Traffic Manager it cannot reach: they are dropped
 * (carbon-analytics-common v5.2.24 DataEndpointGroup.EventQueueWorker.onEvent L297, once per run of
 * drops; getDataEndpoint returns null only once the reconnection service is shut down and no
 * endpoint is active). It does not name the stream, so a request events' queue dropped at a stop
 * counts too: after a stop while a Traffic Manager was unreachable, runtime events may have gone.
 * A JVM that is killed (out of memory, a terminated instance) logs nothing.
 */
export const SHUTDOWN_DROP_LINE = "Dropping all events as DataPublisher is shutting down";
/** Either cause of a lost runtime event: a full queue (per adapter) or a stop with a queue held. */
export const RUNTIME_EVENTS_DROPPED_PATTERN = [...ADAPTER_DROPS, `?"${SHUTDOWN_DROP_LINE}"`].join(" ");

export interface MonitoringArgs {
    /** Begins the names AWS holds once per account and region (DeploymentConfig.deploymentName). */
    deploymentName: string;
    dcId: string;
    region: string;
    accountId: pulumi.Input<string>;
    /** The region provider's default tags: the us-east-1 provider for Route 53 alarms carries the same. */
    defaultTags: Record<string, string>;
    /** Addresses subscribed to the alarm topics (each confirms by email before it receives anything). */
    alarmEmails: string[];
    loadBalancer: {
        /** `app/<name>/<id>`: the ALB's CloudWatch dimension. */
        arnSuffix: pulumi.Input<string>;
        /** `targetgroup/<name>/<id>` of each target group, with its role (gateway, management). */
        targetGroups: { role: string; arnSuffix: pulumi.Input<string> }[];
    };
    /** The APIM nodes, by their logical name. */
    nodes: { name: string; instanceId: pulumi.Input<string> }[];
    /** The node log group the CloudWatch agent ships WSO2's logs to. */
    nodeLogGroupName: pulumi.Input<string>;
    database:
        | { kind: "rds"; identifier: string; storageGiB: number }
        | { kind: "ec2"; hostInstanceId: pulumi.Input<string> };
    /** This stack's Route 53 health checks, by their DNS plan key. */
    healthChecks: { key: string; id: pulumi.Input<string> }[];
    replication: {
        /** The datacenters replicating into this one (each a path with its own lag). */
        sourceDcIds: string[];
        archiveLogRetentionHours: number;
        /** This stack runs the hub that publishes the lag; without one nothing does unless the operator's GoldenGate does. */
        hubDeployed: boolean;
        /**
         * The datacenters whose divergence from the trusted source this stack's hub measures (the
         * trusted source's stack with a hub: every other DC; elsewhere none).
         */
        divergenceDcIds: string[];
        /**
         * The datacenters whose duplicate natural keys this stack's hub counts (the trusted source's
         * stack with a hub: itself and every other DC; elsewhere none).
         */
        naturalKeyDcIds: string[];
    };
    /** The GoldenGate hub's instance, when this stack runs one: its memory and disk use are alarmed too. */
    goldengateHubInstanceId?: pulumi.Input<string>;
}

type AlarmSpec = Omit<aws.cloudwatch.MetricAlarmArgs, "name" | "alarmActions" | "okActions" | "alarmDescription"> & {
    description: string;
    /** Actions besides the topic (the EC2 recover action). */
    extraActions?: string[];
};

/**
 * Operations for one datacenter: a KMS-encrypted SNS topic with the configured email
 * subscriptions, CloudWatch alarms on the ALB, its target groups, the APIM nodes (with EC2
 * recovery), the database, replication lag into this datacenter and WSO2's logged errors, and a
 * dashboard. Route 53 health-check alarms and the topic they notify live in us-east-1, where the
 * metrics are. Thresholds: lib/alarms.ts; meaning and first steps: docs/operations.md.
 */
export class Monitoring extends pulumi.ComponentResource {
    readonly topicArn: pulumi.Output<string>;
    /** The us-east-1 topic of the Route 53 health-check alarms (the same topic in a us-east-1 stack). */
    readonly healthCheckTopicArn: pulumi.Output<string>;
    readonly alarmNames: pulumi.Output<string>[] = [];

    constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
        super("wso2-apim:ops:Monitoring", name, {}, opts);
        const child = { parent: this };
        const prefix = `${args.deploymentName}-${args.dcId.toLowerCase()}`;

        const topic = this.notificationTopic(name, args, child);
        this.topicArn = topic.arn;
        // An alarm's actions must be in its own region (CloudWatch User Guide, "Using Amazon CloudWatch
        // alarms": "the SNS topic must be in the same Region as the alarm"); Route 53 alarms get their own.
        const inRoute53Region = args.region === ROUTE53_METRICS_REGION;
        const route53Opts = inRoute53Region ? child : {
            parent: this,
            provider: new aws.Provider(`${name}-aws-${ROUTE53_METRICS_REGION}`, {
                region: ROUTE53_METRICS_REGION,
                defaultTags: { tags: args.defaultTags },
            }, child),
        };
        const route53Topic = inRoute53Region ? topic : this.notificationTopic(`${name}-${ROUTE53_METRICS_REGION}`, args, route53Opts);
        this.healthCheckTopicArn = route53Topic.arn;

        const alarm = (key: string, spec: AlarmSpec, options: pulumi.CustomResourceOptions = child, target = topic) => {
            const { description, extraActions, ...metric } = spec;
            const created = new aws.cloudwatch.MetricAlarm(`${name}-${key}`, {
                name: `${prefix}-${key}`,
                alarmDescription: description,
                alarmActions: [...(extraActions ?? []), target.arn],
                okActions: [target.arn],
                ...metric,
            }, options);
            this.alarmNames.push(created.name);
            return created;
        };

        // Load balancer: ALB metrics are published per minute only while there are requests or targets.
        const alb = { LoadBalancer: args.loadBalancer.arnSuffix };
        for (const group of args.loadBalancer.targetGroups) {
            alarm(`${group.role}-unhealthy-hosts`, {
                description: `A ${group.role} target of ${args.dcId} failed its ALB health check for 3 minutes (docs/operations.md#unhealthy-hosts)`,
                namespace: "AWS/ApplicationELB",
                metricName: "UnHealthyHostCount",
                dimensions: { ...alb, TargetGroup: group.arnSuffix },
                statistic: "Maximum",
                period: 60,
                evaluationPeriods: 3,
                threshold: 1,
                comparisonOperator: "GreaterThanOrEqualToThreshold",
                treatMissingData: "notBreaching",
            });
        }
        for (const [key, errors] of [["alb-5xx-rate", "HTTPCode_ELB_5XX_Count"], ["target-5xx-rate", "HTTPCode_Target_5XX_Count"]] as const) {
            alarm(key, {
                description: `More than ${ALARM_THRESHOLDS.http5xxPercent}% of ${args.dcId}'s requests got ${errors} for 5 minutes (docs/operations.md#5xx-rate)`,
                metricQueries: [
                    { id: "errors", metric: { namespace: "AWS/ApplicationELB", metricName: errors, dimensions: alb, stat: "Sum", period: 60 } },
                    { id: "requests", metric: { namespace: "AWS/ApplicationELB", metricName: "RequestCount", dimensions: alb, stat: "Sum", period: 60 } },
                    // A minute without errors publishes no error datapoint: FILL counts it as zero.
                    { id: "rate", expression: "IF(requests > 0, 100 * FILL(errors, 0) / requests, 0)", label: "5XX %", returnData: true },
                ],
                evaluationPeriods: 5,
                threshold: ALARM_THRESHOLDS.http5xxPercent,
                comparisonOperator: "GreaterThanThreshold",
                treatMissingData: "notBreaching",
            });
        }
        alarm("target-response-p95", {
            description: `${args.dcId}'s p95 target response time was over ${ALARM_THRESHOLDS.targetResponseP95Seconds} s for 5 minutes (docs/operations.md#response-time)`,
            namespace: "AWS/ApplicationELB",
            metricName: "TargetResponseTime",
            dimensions: alb,
            extendedStatistic: "p95",
            period: 60,
            evaluationPeriods: 5,
            threshold: ALARM_THRESHOLDS.targetResponseP95Seconds,
            comparisonOperator: "GreaterThanThreshold",
            treatMissingData: "notBreaching",
        });

        for (const node of args.nodes) {
            this.statusCheckAlarms(alarm, node.name, node.instanceId, args.region);
            this.hostAlarms(alarm, metricNamespace(args.deploymentName, NODE_HOST_METRICS.area), node.name, node.instanceId, "missing");
        }
        if (args.goldengateHubInstanceId) {
            // The hub is never replaced in passing (protect): silence means its agent is not running.
            this.hostAlarms(alarm, metricNamespace(args.deploymentName, HUB_HOST_METRICS_AREA), "goldengate-hub", args.goldengateHubInstanceId, "breaching");
        }
        if (args.database.kind === "rds") {
            this.rdsAlarms(alarm, args.dcId, args.database.identifier, args.database.storageGiB, args.replication.archiveLogRetentionHours);
        } else {
            this.statusCheckAlarms(alarm, "database", args.database.hostInstanceId, args.region);
        }

        const critical = lagCriticalSeconds(args.replication.archiveLogRetentionHours);
        for (const source of args.replication.sourceDcIds) {
            const lag = {
                namespace: metricNamespace(args.deploymentName, REPLICATION_LAG_METRIC.area),
                metricName: REPLICATION_LAG_METRIC.metricName,
                dimensions: { SourceDatacenter: source, TargetDatacenter: args.dcId },
                statistic: "Maximum",
                period: REPLICATION_LAG_METRIC.periodSeconds,
                comparisonOperator: "GreaterThanThreshold",
            } as const;
            const path = `${source.toLowerCase()}-to-${args.dcId.toLowerCase()}`;
            alarm(`replication-lag-${path}-warning`, {
                ...lag,
                description: `Replication ${source} → ${args.dcId} is over ${LAG_WARNING_SECONDS / 60} minutes behind (or no heartbeat arrived for that long), or its hub stopped reporting (docs/operations.md#replication-lag)`,
                evaluationPeriods: 5,
                threshold: LAG_WARNING_SECONDS,
                // The value is the heartbeat's LAG or AGE, the larger (lib/metrics.ts): a stalled path's
                // grows by a minute every minute, so it crosses the threshold itself. The hub reports every
                // minute: silence means the hub or its heartbeat query is down, which is as bad as lag.
                // With no hub of ours, silence is the expected state and says nothing.
                treatMissingData: args.replication.hubDeployed ? "breaching" : "missing",
            });
            alarm(`replication-lag-${path}-critical`, {
                ...lag,
                description: `Replication ${source} → ${args.dcId} is ${critical / 3600} h behind: re-sync from the trusted source is needed unless this is fixed within ${hoursLeftAtCriticalLag(args.replication.archiveLogRetentionHours)} hours (docs/operations.md#replication-lag)`,
                evaluationPeriods: 1,
                threshold: critical,
                // Only a measured lag is critical: the archived logs at risk are the source's, which its
                // Extract stops reading only when it stalls, and a stalled Extract shows here as a growing
                // AGE. A silent receiving hub is the warning alarm's (breaching) case.
                treatMissingData: "missing",
            });
        }

        // The divergence run's counts (docs/replication.md § Divergence): published every six hours per
        // DC, only for a replication-ready DC, so missing data is a DC still being loaded, not a breach.
        const countAlarm = (key: string, metric: CustomMetric, target: string, description: string) =>
            alarm(`${key}-${target.toLowerCase()}`, {
                description,
                namespace: metricNamespace(args.deploymentName, metric.area),
                metricName: metric.metricName,
                dimensions: { [metric.dimensions[0]]: target },
                statistic: "Maximum",
                period: metric.periodSeconds,
                evaluationPeriods: 1,
                threshold: 1,
                comparisonOperator: "GreaterThanOrEqualToThreshold",
                treatMissingData: "missing",
            });
        for (const target of args.replication.divergenceDcIds) {
            countAlarm("divergence", DIVERGENT_TABLES_METRIC, target,
                `Tables of ${target} differ from the trusted source ${args.dcId} beyond the replication lag: repair them from the trusted source (docs/operations.md#divergence)`);
            countAlarm("divergence-unchecked", UNCHECKED_TABLES_METRIC, target,
                `The divergence check could not compare tables of ${target} with the trusted source ${args.dcId}: its log on ${args.dcId}'s hub says why (docs/operations.md#divergence)`);
        }
        // Duplicate natural keys (docs/replication.md § Duplicate natural keys): counted by the same
        // run in every DC, the trusted source too (duplicates are in every DC alike).
        for (const target of args.replication.naturalKeyDcIds) {
            countAlarm("duplicate-natural-keys", DUPLICATE_NATURAL_KEYS_METRIC, target,
                `Tables of ${target} hold one WSO2 identity (a tenant's user name, an application's subscription to an API, a subscriber's rating of an API) in more than one row: merge them in the trusted source ${args.dcId} (docs/operations.md#duplicate-natural-keys)`);
            // The exceptions purge job of the DC (sql/05-goldengate-exceptions.sql): its latest run failed or is too old.
            countAlarm("exceptions-purge", EXCEPTIONS_PURGE_FAILURES_METRIC, target,
                `The daily purge of ${target}'s GoldenGate exceptions tables failed or has not run: its log on ${args.dcId}'s hub says why (docs/operations.md#exceptions-purge)`);
            // A compared DC's UncheckedTables is alarmed above; the trusted source's counts only its failed natural-key queries.
            if (target === args.dcId) {
                countAlarm("duplicate-natural-keys-unchecked", UNCHECKED_TABLES_METRIC, target,
                    `The divergence check could not count duplicate natural keys in ${target}'s tables: its log on ${args.dcId}'s hub says why (docs/operations.md#duplicate-natural-keys)`);
            }
        }

        alarm("artifact-sync-lag", {
            description: `${args.dcId}'s Traffic Managers hold throttling policies over ${ARTIFACT_SYNC_LAG_SECONDS / 60} minutes old, or no node reports its artifact sync, or the sync refuses a set (docs/operations.md#artifact-sync)`,
            namespace: metricNamespace(args.deploymentName, ARTIFACT_SYNC_LAG_METRIC.area),
            metricName: ARTIFACT_SYNC_LAG_METRIC.metricName,
            dimensions: { Datacenter: args.dcId },
            statistic: "Maximum",
            period: ARTIFACT_SYNC_LAG_METRIC.periodSeconds,
            evaluationPeriods: 5,
            threshold: ARTIFACT_SYNC_LAG_SECONDS,
            comparisonOperator: "GreaterThanThreshold",
            // Every node publishes every minute: silence means the sync stopped on all of them.
            treatMissingData: "breaching",
        });

        alarm("apis-out-of-step", {
            description: `${args.dcId}'s gateways stayed out of step with the design-time active Publisher for ${APIS_OUT_OF_STEP_RUNS} reconciler runs, or their state is unknown (ApiStateUnknown), or no reconciler runs (docs/operations.md#api-reconciler)`,
            namespace: metricNamespace(args.deploymentName, APIS_OUT_OF_STEP_METRIC.area),
            metricName: APIS_OUT_OF_STEP_METRIC.metricName,
            dimensions: { Datacenter: args.dcId },
            // Every run in the period found some: the repairs of a run are counted by the next.
            statistic: "Minimum",
            period: APIS_OUT_OF_STEP_METRIC.periodSeconds,
            evaluationPeriods: APIS_OUT_OF_STEP_RUNS,
            threshold: 0,
            comparisonOperator: "GreaterThanThreshold",
            // Published only while the DC's state is known, by node 1 of the active DC every run:
            // silence is an unknown state or a reconciler that stopped.
            treatMissingData: "breaching",
        });

        const logMetrics = nodeLogMetrics(args.deploymentName, args.dcId);
        for (const [key, metricName, pattern] of [
            ["wso2-errors", logMetrics.errorLines, WSO2_ERROR_PATTERN],
            ["out-of-memory", logMetrics.outOfMemory, OUT_OF_MEMORY_PATTERN],
            ["wso2-unexpected-exits", logMetrics.unexpectedExits, UNEXPECTED_EXIT_PATTERN],
            ["traffic-manager-unreachable", logMetrics.trafficManagerUnreachable, TRAFFIC_MANAGER_UNREACHABLE_PATTERN],
            ["runtime-events-dropped", logMetrics.runtimeEventsDropped, RUNTIME_EVENTS_DROPPED_PATTERN],
        ] as const) {
            new aws.cloudwatch.LogMetricFilter(`${name}-${key}`, {
                logGroupName: args.nodeLogGroupName,
                pattern,
                metricTransformation: { namespace: logMetrics.namespace, name: metricName, value: "1", unit: "Count" },
            }, child);
        }
        const logAlarm = { namespace: logMetrics.namespace, statistic: "Sum", treatMissingData: "notBreaching", comparisonOperator: "GreaterThanOrEqualToThreshold" } as const;
        alarm("wso2-errors", {
            ...logAlarm,
            description: `${args.dcId}'s nodes logged ${ALARM_THRESHOLDS.wso2ErrorLinesPer5Minutes} or more WSO2 ERROR lines in 5 minutes (docs/operations.md#wso2-errors)`,
            metricName: logMetrics.errorLines,
            period: 300,
            evaluationPeriods: 1,
            threshold: ALARM_THRESHOLDS.wso2ErrorLinesPer5Minutes,
        });
        alarm("out-of-memory", {
            ...logAlarm,
            description: `A node of ${args.dcId} logged java.lang.OutOfMemoryError (docs/operations.md#out-of-memory)`,
            metricName: logMetrics.outOfMemory,
            period: 60,
            evaluationPeriods: 1,
            threshold: 1,
        });

        alarm("wso2-unexpected-exits", {
            ...logAlarm,
            description: `WSO2 ended without a stop request ${ALARM_THRESHOLDS.wso2UnexpectedExitsPer30Minutes} or more times in 30 minutes on ${args.dcId}'s nodes: systemd restarts it, up to ${WSO2_RESTARTS.burst} starts in ${WSO2_RESTARTS.intervalSeconds / 60} minutes (docs/operations.md#wso2-keeps-dying)`,
            metricName: logMetrics.unexpectedExits,
            period: 1800,
            evaluationPeriods: 1,
            threshold: ALARM_THRESHOLDS.wso2UnexpectedExitsPer30Minutes,
        });

        // Every 30 s a publisher finds a Traffic Manager unreachable, a line: a node's restart is a few
        // minutes of them, a DC (or its peering) down is lines for as long as it lasts. Losing the
        // queued events (a full queue, a stop) raises runtime-events-dropped at once, so this one
        // only says an outage lasts (lib/alarms.ts trafficManagerUnreachableMinutes).
        const unreachablePeriods = ALARM_THRESHOLDS.trafficManagerUnreachableMinutes / 5;
        alarm("traffic-manager-unreachable", {
            ...logAlarm,
            description: `${args.dcId}'s nodes have not reached a Traffic Manager (their own DC's or a peer's) for ${ALARM_THRESHOLDS.trafficManagerUnreachableMinutes} minutes: its events wait in their queues (docs/operations.md#traffic-manager-unreachable)`,
            metricName: logMetrics.trafficManagerUnreachable,
            period: 300,
            evaluationPeriods: unreachablePeriods,
            datapointsToAlarm: unreachablePeriods,
            threshold: 1,
        });
        alarm("runtime-events-dropped", {
            ...logAlarm,
            description: `A node of ${args.dcId} dropped a block condition, key template, revocation or cache invalidation for a Traffic Manager whose queue was full, or stopped with events queued for one it could not reach: that DC's gateways miss them until they restart (docs/operations.md#runtime-events-dropped)`,
            metricName: logMetrics.runtimeEventsDropped,
            period: 60,
            evaluationPeriods: 1,
            threshold: 1,
        });

        for (const check of args.healthChecks) {
            alarm(`dns-${check.key}`, {
                description: `Route 53 health check ${check.key} of ${args.dcId} is failing: DNS sends this region's clients elsewhere (docs/operations.md#dns-health-check)`,
                namespace: "AWS/Route53",
                metricName: "HealthCheckStatus",
                dimensions: { HealthCheckId: check.id },
                statistic: "Minimum",
                period: 60,
                evaluationPeriods: 2,
                threshold: 1,
                comparisonOperator: "LessThanThreshold",
                // Route 53 reports every minute while the check exists: silence is not health.
                treatMissingData: "breaching",
            }, route53Opts, route53Topic);
        }

        new aws.cloudwatch.Dashboard(`${name}-dashboard`, {
            dashboardName: `${prefix}-${args.region}`,
            dashboardBody: pulumi.all([
                args.loadBalancer.arnSuffix,
                pulumi.all(args.loadBalancer.targetGroups.map((group) => group.arnSuffix)),
                pulumi.all(args.healthChecks.map((check) => check.id)),
            ]).apply(([albSuffix, groupSuffixes, checkIds]) => renderDashboard({
                dcId: args.dcId,
                replicationLagNamespace: metricNamespace(args.deploymentName, REPLICATION_LAG_METRIC.area),
                region: args.region,
                loadBalancer: albSuffix,
                targetGroups: args.loadBalancer.targetGroups.map((group, i) => ({ role: group.role, dimension: groupSuffixes[i] })),
                database: args.database.kind === "rds" ? args.database.identifier : null,
                replicationSources: args.replication.sourceDcIds,
                lagWarningSeconds: LAG_WARNING_SECONDS,
                lagCriticalSeconds: critical,
                healthCheckIds: checkIds,
            })),
        }, child);

        this.registerOutputs({ topicArn: this.topicArn });
    }

    /**
     * An SNS topic encrypted with its own KMS key. CloudWatch publishes to an encrypted topic only
     * when the key policy lets cloudwatch.amazonaws.com use it for kms:Decrypt and
     * kms:GenerateDataKey* (SNS Developer Guide, "Enable compatibility between event sources from
     * AWS services and encrypted topics").
     */
    private notificationTopic(name: string, args: MonitoringArgs, opts: pulumi.CustomResourceOptions): aws.sns.Topic {
        const key = new aws.kms.Key(`${name}-alarms-key`, {
            description: `Encrypts the ${args.dcId} alarm notifications topic`,
            enableKeyRotation: true,
            deletionWindowInDays: 30,
            policy: pulumi.output(args.accountId).apply((account) => JSON.stringify({
                Version: "2012-10-17",
                Statement: [
                    { Sid: "AccountAdministers", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: "kms:*", Resource: "*" },
                    {
                        Sid: "CloudWatchAlarmsPublish",
                        Effect: "Allow",
                        Principal: { Service: "cloudwatch.amazonaws.com" },
                        Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
                        Resource: "*",
                        Condition: { StringEquals: { "aws:SourceAccount": account } },
                    },
                ],
            })),
        }, opts);
        const topic = new aws.sns.Topic(`${name}-alarms`, { kmsMasterKeyId: key.arn }, opts);
        // Pending until the recipient confirms; AWS will not delete an unconfirmed one (@pulumi/aws sns.TopicSubscription).
        args.alarmEmails.forEach((email, i) => new aws.sns.TopicSubscription(`${name}-alarms-email-${i + 1}`, {
            topic: topic.arn,
            protocol: "email",
            endpoint: email,
        }, opts));
        return topic;
    }

    /** EC2 system check with recovery onto healthy hardware, and the instance's own check. */
    private statusCheckAlarms(alarm: (key: string, spec: AlarmSpec) => unknown, host: string, instanceId: pulumi.Input<string>, region: string) {
        const check = {
            namespace: "AWS/EC2",
            dimensions: { InstanceId: instanceId },
            statistic: "Maximum",
            period: 60,
            threshold: 1,
            comparisonOperator: "GreaterThanOrEqualToThreshold",
        } as const;
        alarm(`${host}-system-check`, {
            ...check,
            description: `${host}'s host failed the EC2 system status check for 2 minutes: EC2 recovers it onto other hardware (docs/operations.md#system-status-check)`,
            metricName: "StatusCheckFailed_System",
            evaluationPeriods: 2,
            // CloudWatch User Guide, "Recover your instance": the recover action only on StatusCheckFailed_System.
            extraActions: [`arn:aws:automate:${region}:ec2:recover`],
        });
        alarm(`${host}-instance-check`, {
            ...check,
            description: `${host} failed the EC2 instance status check for 3 minutes (docs/operations.md#instance-status-check)`,
            metricName: "StatusCheckFailed_Instance",
            evaluationPeriods: 3,
        });
    }

    /**
     * The CloudWatch agent's memory and root-volume use of a host (lib/metrics.ts NODE_HOST_METRICS).
     * A node that publishes nothing (stopped, replaced, agent down) leaves them missing: the status
     * checks and the target groups' health speak for it. The hub's silence breaches.
     */
    private hostAlarms(alarm: (key: string, spec: AlarmSpec) => unknown, namespace: string, host: string, instanceId: pulumi.Input<string>, missingData: "missing" | "breaching") {
        const common = { namespace, period: NODE_HOST_METRICS.periodSeconds, comparisonOperator: "GreaterThanThreshold", treatMissingData: missingData } as const;
        alarm(`${host}-memory`, {
            ...common,
            description: `${host} used over ${ALARM_THRESHOLDS.nodeMemoryUsedPercent}% of its memory for 15 minutes (docs/operations.md#node-memory-and-disk)`,
            metricName: NODE_HOST_METRICS.memoryUsedPercent,
            dimensions: { InstanceId: instanceId },
            statistic: "Average",
            evaluationPeriods: 15,
            threshold: ALARM_THRESHOLDS.nodeMemoryUsedPercent,
        });
        alarm(`${host}-disk`, {
            ...common,
            description: `${host}'s root volume was over ${ALARM_THRESHOLDS.nodeDiskUsedPercent}% full for 10 minutes (docs/operations.md#node-memory-and-disk)`,
            metricName: NODE_HOST_METRICS.diskUsedPercent,
            dimensions: { InstanceId: instanceId, path: NODE_HOST_METRICS.diskPath },
            statistic: "Maximum",
            evaluationPeriods: 10,
            threshold: ALARM_THRESHOLDS.nodeDiskUsedPercent,
        });
    }

    private rdsAlarms(alarm: (key: string, spec: AlarmSpec) => unknown, dcId: string, identifier: string, storageGiB: number, retentionHours: number) {
        const db = { namespace: "AWS/RDS", dimensions: { DBInstanceIdentifier: identifier }, period: 300 } as const;
        alarm("database-free-storage", {
            ...db,
            description: `${dcId}'s database has less than 20% of its ${storageGiB} GiB free (docs/operations.md#database-storage)`,
            metricName: "FreeStorageSpace",
            statistic: "Minimum",
            evaluationPeriods: 2,
            threshold: freeStorageThresholdBytes(storageGiB),
            comparisonOperator: "LessThanThreshold",
        });
        alarm("database-cpu", {
            ...db,
            description: `${dcId}'s database CPU was over ${ALARM_THRESHOLDS.databaseCpuPercent}% for 15 minutes (docs/operations.md#database-cpu-and-memory)`,
            metricName: "CPUUtilization",
            statistic: "Average",
            evaluationPeriods: 3,
            threshold: ALARM_THRESHOLDS.databaseCpuPercent,
            comparisonOperator: "GreaterThanThreshold",
        });
        alarm("database-freeable-memory", {
            ...db,
            description: `${dcId}'s database had under 256 MiB freeable memory for 15 minutes (docs/operations.md#database-cpu-and-memory)`,
            metricName: "FreeableMemory",
            statistic: "Average",
            evaluationPeriods: 3,
            threshold: ALARM_THRESHOLDS.databaseFreeableMemoryBytes,
            comparisonOperator: "LessThanThreshold",
        });
        // RDS for Oracle publishes no archived-log size; archived redo is what eats storage while
        // GoldenGate falls behind, so the alarm projects FreeStorageSpace's decline: storage that runs
        // out before the logs written now are purged cannot hold the retention window.
        alarm("database-storage-runway", {
            description: `At its current rate of decline ${dcId}'s database storage runs out within ${retentionHours} h, the archived-log retention (docs/operations.md#archived-logs)`,
            metricQueries: [
                { id: "free", metric: { namespace: "AWS/RDS", metricName: "FreeStorageSpace", dimensions: db.dimensions, stat: "Average", period: 900 } },
                // RATE is per second; a rising or flat value has no runway limit.
                { id: "hoursLeft", expression: "IF(RATE(free) < 0, free / (-RATE(free) * 3600), 100000)", label: "hours of storage left", returnData: true },
            ],
            evaluationPeriods: 4,
            threshold: retentionHours,
            comparisonOperator: "LessThanThreshold",
            treatMissingData: "notBreaching",
        });
    }
}
