/**
 * The body of a datacenter's CloudWatch dashboard: traffic, errors and latency, target health,
 * the database, replication lag into this datacenter and the Route 53 health checks. Widgets and
 * metric arrays follow the CloudWatch API Reference, "Dashboard Body Structure and Syntax":
 * `[namespace, metricName, dimName, dimValue, ..., {options}]`, a widget's region set on each.
 */
import { REPLICATION_LAG_METRIC } from "../metrics";

export interface DashboardInput {
    dcId: string;
    /** The deployment's namespace of the replication lag (lib/metrics.ts metricNamespace). */
    replicationLagNamespace: string;
    region: string;
    /** The ALB's `app/<name>/<id>`. */
    loadBalancer: string;
    targetGroups: { role: string; dimension: string }[];
    /** The RDS identifier; null for an Oracle host (no RDS metrics). */
    database: string | null;
    replicationSources: string[];
    lagWarningSeconds: number;
    lagCriticalSeconds: number;
    healthCheckIds: string[];
}

type MetricRow = (string | Record<string, unknown>)[];

const WIDTH = 12;
const HEIGHT = 6;

export function renderDashboard(input: DashboardInput): string {
    const widgets: { title: string; region: string; metrics: MetricRow[]; stat?: string; annotations?: unknown; yAxis?: unknown }[] = [];
    const alb = ["LoadBalancer", input.loadBalancer];
    widgets.push({
        title: "Traffic",
        region: input.region,
        stat: "Sum",
        metrics: [["AWS/ApplicationELB", "RequestCount", ...alb]],
    });
    widgets.push({
        title: "Errors",
        region: input.region,
        stat: "Sum",
        metrics: [
            ["AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", ...alb],
            ["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", ...alb],
            ["AWS/ApplicationELB", "HTTPCode_Target_4XX_Count", ...alb],
        ],
    });
    widgets.push({
        title: "Latency (target response time)",
        region: input.region,
        metrics: ["p50", "p95", "p99"].map((stat) => ["AWS/ApplicationELB", "TargetResponseTime", ...alb, { stat }]),
    });
    widgets.push({
        title: "Target health",
        region: input.region,
        stat: "Maximum",
        metrics: input.targetGroups.flatMap((group) => ["HealthyHostCount", "UnHealthyHostCount"].map((metric) =>
            ["AWS/ApplicationELB", metric, "TargetGroup", group.dimension, ...alb, { label: `${group.role} ${metric}` }])),
    });
    if (input.database) {
        const db = ["DBInstanceIdentifier", input.database];
        widgets.push({
            title: "Database",
            region: input.region,
            stat: "Average",
            metrics: [
                ["AWS/RDS", "CPUUtilization", ...db],
                ["AWS/RDS", "FreeStorageSpace", ...db, { yAxis: "right" }],
                ["AWS/RDS", "FreeableMemory", ...db, { yAxis: "right" }],
            ],
        });
    }
    if (input.replicationSources.length > 0) {
        widgets.push({
            title: `Replication lag into ${input.dcId} (seconds)`,
            region: input.region,
            stat: "Maximum",
            metrics: input.replicationSources.map((source) => [
                input.replicationLagNamespace, REPLICATION_LAG_METRIC.metricName,
                "SourceDatacenter", source, "TargetDatacenter", input.dcId, { label: `${source} → ${input.dcId}` },
            ]),
            annotations: {
                horizontal: [
                    { label: "warning", value: input.lagWarningSeconds },
                    { label: "critical: re-sync soon", value: input.lagCriticalSeconds },
                ],
            },
        });
    }
    if (input.healthCheckIds.length > 0) {
        // Route 53 publishes health-check metrics in us-east-1 only, whatever the dashboard's region.
        widgets.push({
            title: "DNS health checks (1 = healthy)",
            region: "us-east-1",
            stat: "Minimum",
            metrics: input.healthCheckIds.map((id) => ["AWS/Route53", "HealthCheckStatus", "HealthCheckId", id]),
            yAxis: { left: { min: 0, max: 1 } },
        });
    }
    return JSON.stringify({
        widgets: widgets.map((widget, i) => ({
            type: "metric",
            x: (i % 2) * WIDTH,
            y: Math.floor(i / 2) * HEIGHT,
            width: WIDTH,
            height: HEIGHT,
            properties: {
                title: widget.title,
                region: widget.region,
                view: "timeSeries",
                period: 60,
                ...(widget.stat ? { stat: widget.stat } : {}),
                metrics: widget.metrics,
                ...(widget.annotations ? { annotations: widget.annotations } : {}),
                ...(widget.yAxis ? { yAxis: widget.yAxis } : {}),
            },
        })),
    });
}
