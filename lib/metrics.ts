/**
 * Custom CloudWatch metrics the deployment publishes itself, shared by what publishes them (the
 * GoldenGate hub, the artifact path) and what alarms on them (components/monitoring). One
 * definition, so a renamed metric cannot leave an alarm watching nothing.
 * Namespace and names keep to CloudWatch's rules (PutMetricData: namespace of letters, digits and
 * `. - _ / # :`, not starting with `AWS/`; dimension names and values 1–255 characters).
 */
/**
 * A custom metric's namespace: `WSO2APIM/<deploymentName>/<area>`. Two deployments in one account
 * and region (staging beside production) then never write the same series, nor trip each other's
 * alarms (a namespace is per account and region; CloudWatch User Guide, "Metrics concepts").
 */
export function metricNamespace(deployment: string, area: string): string {
    return `WSO2APIM/${deployment}/${area}`;
}

export interface CustomMetric {
    /** The last part of its namespace (metricNamespace). */
    area: string;
    metricName: string;
    /** Dimension names, in the order the publisher sets them. */
    dimensions: readonly string[];
    unit: "Seconds" | "Count";
    /** How often the publisher puts a value. */
    periodSeconds: number;
}

/**
 * How far behind each path into a datacenter's database is, from the GoldenGate heartbeat tables:
 * published every minute by the hub of the receiving datacenter (`TargetDatacenter`, e.g. DC2)
 * for each datacenter it receives from (`SourceDatacenter`, e.g. DC1). The value is the larger of
 * the heartbeat's LAG (how long the newest heartbeat that arrived took) and AGE (how old it is now,
 * growing while none arrives): a stalled path's value grows, where its last LAG would stand still
 * (hub-boot.sh publish_lag; Reference 19c, LAG REPLICAT).
 */
export const REPLICATION_LAG_METRIC: CustomMetric = {
    area: "GoldenGate",
    metricName: "ReplicationLagSeconds",
    dimensions: ["SourceDatacenter", "TargetDatacenter"],
    unit: "Seconds",
    periodSeconds: 60,
};

/**
 * Age of the throttling policies a datacenter's Traffic Managers hold (docs/artifacts.md): published
 * every minute by each node's runtime-artifact sync, per `Datacenter`: 0 in the design-time active
 * DC (it pushes), elsewhere the seconds since the active DC's last completed push.
 */
export const ARTIFACT_SYNC_LAG_METRIC: CustomMetric = {
    area: "Artifacts",
    metricName: "ArtifactSyncLagSeconds",
    dimensions: ["Datacenter"],
    unit: "Seconds",
    periodSeconds: 60,
};

/**
 * APIs a datacenter's gateways hold out of step with the design-time active DC's Publisher
 * (docs/artifacts.md § API reconciler): missing, stale, or retired/deleted but still served.
 * Published every run by the API reconciler (node 1 of the active DC) into each datacenter's own
 * region, per `Datacenter`, counted before its repairs; only when that DC's state is known.
 */
export const APIS_OUT_OF_STEP_METRIC: CustomMetric = {
    area: "ApiReconciler",
    metricName: "ApisOutOfStep",
    dimensions: ["Datacenter"],
    unit: "Count",
    periodSeconds: 300,
};

/**
 * 1 when the reconciler could not read a datacenter's gateways, or the Publisher, completely
 * (nothing is changed there on that run), else 0: published beside APIS_OUT_OF_STEP_METRIC.
 */
export const API_STATE_UNKNOWN_METRIC: CustomMetric = { ...APIS_OUT_OF_STEP_METRIC, metricName: "ApiStateUnknown" };

/**
 * Memory and root-volume use of each APIM node, published every minute by the CloudWatch agent
 * (lib/render/cloudwatch-agent.ts) as `mem_used_percent` {InstanceId} and `disk_used_percent`
 * {InstanceId, path}: the agent names a metric `<section>_<measurement>` (CloudWatch User Guide,
 * "Metrics collected by the CloudWatch agent"). WSO2, its logs and its heap dump live on the root
 * volume (`/`): the node has no other disk, and the shared directories are EFS, which does not fill.
 */
/** The GoldenGate hub's memory and root-volume use (its trails and GoldenGate home are on the root volume). */
export const HUB_HOST_METRICS_AREA = "GoldenGateHost";

export const NODE_HOST_METRICS = {
    area: "NodeHost",
    memoryUsedPercent: "mem_used_percent",
    diskUsedPercent: "disk_used_percent",
    /** The one file system whose use is published. */
    diskPath: "/",
    periodSeconds: 60,
} as const;

/**
 * Tables of a datacenter whose rows persistently differ from the trusted source's (docs/replication.md
 * § Divergence): published per `Datacenter` (every DC but the trusted source, once it is
 * replication-ready) by the trusted source's hub after each divergence check, every six hours.
 */
export const DIVERGENT_TABLES_METRIC: CustomMetric = {
    area: "GoldenGate",
    metricName: "DivergentTables",
    dimensions: ["Datacenter"],
    unit: "Count",
    periodSeconds: 6 * 3600,
};

/**
 * Tables the same check could not compare in a datacenter (its database, credential or a query
 * failed): published beside DivergentTables, so that a check that cannot see is not read as "no divergence".
 */
export const UNCHECKED_TABLES_METRIC: CustomMetric = { ...DIVERGENT_TABLES_METRIC, metricName: "UncheckedTables" };

/**
 * Tables of a datacenter holding one WSO2 natural identity in more than one row (a user name of a
 * tenant in UM_USER, case-insensitive; an application's subscription to an API in AM_SUBSCRIPTION; a
 * subscriber's rating of an API in AM_API_RATINGS): WSO2 3.1.0
 * checks these by reading before it inserts, the schema has no unique key on them, so the same
 * sign-up or subscription made in two DCs within the lag leaves duplicates in every DC, which
 * DivergentTables cannot see (docs/replication.md § Duplicate natural keys). Published per
 * `Datacenter`, the trusted source included, by the same run.
 */
export const DUPLICATE_NATURAL_KEYS_METRIC: CustomMetric = { ...DIVERGENT_TABLES_METRIC, metricName: "DuplicateNaturalKeyTables" };

/**
 * Rows in a datacenter's GoldenGate exceptions tables (OGGADMIN.EX_*), summed: every conflict,
 * resolved or not, writes one, and the daily purge job deletes those older than
 * goldengateExceptionsRetentionDays (docs/replication.md § Exceptions tables: purge and volume).
 * Published per `Datacenter`, the trusted source included, by the divergence run, when the
 * checker can see the tables; a growth the retention does not hold back shows here.
 */
export const EXCEPTION_ROWS_METRIC: CustomMetric = { ...DIVERGENT_TABLES_METRIC, metricName: "ExceptionRows" };

/**
 * 1 when a datacenter's daily exceptions purge job (sql/05-goldengate-exceptions.sql) failed at its
 * latest run, has not run for longer than DIVERGENCE_CHECK.purgeMaxAgeHours, or cannot be read by
 * the checker; 0 otherwise. Published per `Datacenter`, the trusted source included, by the
 * divergence run, and alarmed (docs/operations.md § Exceptions purge): a failing purge lets the
 * exceptions tables grow for good.
 */
export const EXCEPTIONS_PURGE_FAILURES_METRIC: CustomMetric = { ...DIVERGENT_TABLES_METRIC, metricName: "ExceptionsPurgeFailures" };
