/**
 * The unit of an alarm's threshold, derived from the metric the alarm watches, and the threshold
 * written in it (`< 21474836480` → `< 20 GiB`). An alarm's `unit` input is optional and the
 * program sets none, so the unit comes from, in order: the alarm's own `unit`; the log metric
 * filter in the plan that publishes the metric (its metricTransformation.unit); the custom metrics
 * the deployment publishes itself (lib/metrics.ts, with the unit their publishers pass to
 * PutMetricData); the units AWS documents for its own metrics (below); for a metric-math alarm,
 * the label of the expression it alarms on. A metric none of these knows has no unit: the test
 * "every alarm of the shipped stacks has a known unit" fails rather than print a bare number.
 */
import * as metrics from "../../lib/metrics";
import { CustomMetric, HUB_HOST_METRICS_AREA, NODE_HOST_METRICS } from "../../lib/metrics";
import { Plan } from "./plan-json";

/** CloudWatch's StandardUnit names we meet, plus Hours (a metric-math result) and Status (1/0). */
export type MetricUnit = "Bytes" | "Seconds" | "Percent" | "Count" | "Hours" | "Status";

/**
 * Units AWS documents for the AWS metrics the program alarms on:
 * - AWS/RDS: Amazon RDS User Guide, "Amazon CloudWatch metrics for Amazon RDS" (FreeStorageSpace
 *   and FreeableMemory in bytes, "sent to Amazon CloudWatch in bytes" though the console may show MB;
 *   CPUUtilization in percent).
 * - AWS/ApplicationELB: ELB User Guide for ALBs, "CloudWatch metrics for your Application Load
 *   Balancer" (TargetResponseTime in seconds; host, request and HTTP code metrics are counts).
 * - AWS/EC2: EC2 User Guide, "Status check metrics" (StatusCheckFailed_*: 0 passed or 1 failed, Count).
 * - AWS/Route53: Route 53 Developer Guide, "Monitoring health checks using CloudWatch"
 *   (HealthCheckStatus: 1 healthy, 0 unhealthy).
 */
export const AWS_METRIC_UNITS: Record<string, MetricUnit> = {
    "AWS/RDS FreeStorageSpace": "Bytes",
    "AWS/RDS FreeableMemory": "Bytes",
    "AWS/RDS CPUUtilization": "Percent",
    "AWS/ApplicationELB TargetResponseTime": "Seconds",
    "AWS/ApplicationELB UnHealthyHostCount": "Count",
    "AWS/ApplicationELB HealthyHostCount": "Count",
    "AWS/ApplicationELB RequestCount": "Count",
    "AWS/ApplicationELB HTTPCode_ELB_5XX_Count": "Count",
    "AWS/ApplicationELB HTTPCode_Target_5XX_Count": "Count",
    "AWS/EC2 StatusCheckFailed": "Count",
    "AWS/EC2 StatusCheckFailed_Instance": "Count",
    "AWS/EC2 StatusCheckFailed_System": "Count",
    "AWS/Route53 HealthCheckStatus": "Status",
};

/** Every metric lib/metrics.ts declares (a new one cannot be forgotten here). */
const CUSTOM_METRICS: CustomMetric[] = Object.values(metrics).filter((value): value is CustomMetric =>
    typeof value === "object" && value !== null && "metricName" in value && "unit" in value && "area" in value);

/** The CloudWatch agent publishes `*_percent` measurements in Percent (CloudWatch User Guide, "Metrics collected by the CloudWatch agent"). */
const HOST_METRIC_AREAS = [NODE_HOST_METRICS.area, HUB_HOST_METRICS_AREA];

/** The unit of the metric `namespace metricName` in this plan, or null when nothing says. */
export function metricUnit(plan: Plan, namespace: string, metricName: string): MetricUnit | null {
    const filter = plan.resources.find((r) => r.type === "aws:cloudwatch/logMetricFilter:LogMetricFilter"
        && (r.inputs.metricTransformation as any)?.namespace === namespace && (r.inputs.metricTransformation as any)?.name === metricName);
    const filterUnit = (filter?.inputs.metricTransformation as any)?.unit;
    if (filterUnit) return filterUnit as MetricUnit;
    const custom = CUSTOM_METRICS.find((m) => m.metricName === metricName && namespace.endsWith(`/${m.area}`));
    if (custom) return custom.unit;
    if (HOST_METRIC_AREAS.some((area) => namespace.endsWith(`/${area}`)) && metricName.endsWith("_percent")) return "Percent";
    return AWS_METRIC_UNITS[`${namespace} ${metricName}`] ?? null;
}

/** The unit of what an alarm compares with its threshold. */
export function alarmUnit(plan: Plan, inputs: Record<string, any>): MetricUnit | null {
    if (inputs.unit) return inputs.unit as MetricUnit;
    if (inputs.metricName) return metricUnit(plan, String(inputs.namespace), String(inputs.metricName));
    // Metric math: the expression that returns data; its label says what it computes.
    const result = ((inputs.metricQueries ?? []) as any[]).find((q) => q.returnData && q.expression);
    const label = String(result?.label ?? "");
    if (/%|percent/i.test(label)) return "Percent";
    if (/\bhours?\b/i.test(label)) return "Hours";
    if (/\bseconds?\b/i.test(label)) return "Seconds";
    return null;
}

const trim = (value: number) => String(Math.round(value * 100) / 100);

function bytes(value: number): string {
    const units = ["bytes", "KiB", "MiB", "GiB", "TiB"];
    let k = 0;
    while (k < units.length - 1 && Math.abs(value) >= 1024 ** (k + 1)) k++;
    return `${trim(value / 1024 ** k)} ${units[k]}`;
}

function seconds(value: number): string {
    if (value < 60) return `${trim(value)} s`;
    const longer = value >= 3600 ? `${trim(value / 3600)} h` : `${trim(value / 60)} min`;
    return `${trim(value)} s (${longer})`;
}

/** A threshold in its unit: 21474836480 Bytes → "20 GiB", 600 Seconds → "600 s (10 min)", 80 Percent → "80%". */
export function formatThreshold(value: number, unit: MetricUnit | null): string {
    switch (unit) {
        case "Bytes": return bytes(value);
        case "Seconds": return seconds(value);
        case "Percent": return `${trim(value)}%`;
        case "Hours": return `${trim(value)} h`;
        case "Count": return `${trim(value)} (count)`;
        case "Status": return `${trim(value)} (1 = healthy)`;
        default: return String(value);
    }
}
