/**
 * Estimated monthly cost of a plan, by resource, from the price file beside this module (which
 * states its date and source). Every priced resource gets a line, as does each one with no known
 * price; those with no charge share one line that counts them by type.
 */
import * as YAML from "yaml";
import { HUB_AGENT_CONFIG_FILE } from "../../lib/goldengate/hub-user-data";
import { CLOUDWATCH_AGENT_CONFIG_FILE } from "../../lib/render/cloudwatch-agent";
import { WrittenFile, writtenContent } from "../../lib/render/user-data";
import prices from "./prices.json";
import { PlanResource } from "./plan-json";

export interface CostLine {
    resource: string;
    type: string;
    /** USD per month; null when no price is known. */
    monthlyUsd: number | null;
    basis: string;
}

export interface CostEstimate {
    lines: CostLine[];
    totalUsd: number;
    unpriced: CostLine[];
    date: string;
    source: string;
    assumptions: string[];
    /**
     * The region the prices are of when the plan's region has none in the price file (prices
     * differ by region), else null.
     */
    pricedAs: string | null;
}

const H = prices.hoursPerMonth;
const A = prices.assumptions;
const round = (usd: number) => Math.round(usd * 100) / 100;

/**
 * Custom metrics the CloudWatch agent publishes from an instance, read from the agent's configuration
 * in its user-data (a node's or the GoldenGate hub's): each measurement (per `resources` entry where the section has them), plus a
 * roll-up per `aggregation_dimensions` entry for the sections whose metrics carry every dimension of
 * it (`path` only exists on disk metrics; aws/amazon-cloudwatch-agent plugins/outputs/cloudwatch,
 * ProcessRollup). 0 for an instance without the agent's metrics.
 */
export function agentMetricCount(userData: unknown): number {
    if (typeof userData !== "string" || !userData.startsWith("#cloud-config")) return 0;
    const files = (YAML.parse(userData)?.write_files ?? []) as WrittenFile[];
    const file = files.find((f) => f.path === CLOUDWATCH_AGENT_CONFIG_FILE || f.path === HUB_AGENT_CONFIG_FILE);
    const metrics = file ? JSON.parse(writtenContent(file)).metrics : undefined;
    if (!metrics?.metrics_collected) return 0;
    const rollups = (metrics.aggregation_dimensions ?? []) as string[][];
    return Object.values(metrics.metrics_collected as Record<string, { measurement: string[]; resources?: string[] }>).reduce((count, section) => {
        const dimensions = ["InstanceId", ...(section.resources ? ["path"] : [])];
        const series = 1 + rollups.filter((rollup) => rollup.every((d) => dimensions.includes(d))).length;
        return count + section.measurement.length * (section.resources?.length ?? 1) * series;
    }, 0);
}

/** Monthly USD and its basis, or null when the type or size has no price in the file. */
function price(resource: PlanResource): { usd: number; basis: string } | null {
    const i = resource.inputs as any;
    switch (resource.type) {
        case "aws:ec2/instance:Instance": {
            const hourly = (prices.ec2InstanceHourly as Record<string, number>)[i.instanceType];
            if (hourly === undefined) return null;
            const disk = Number(i.rootBlockDevice?.volumeSize ?? 8);
            const metrics = agentMetricCount(i.userData);
            return {
                usd: hourly * H + disk * prices.ebsGp3PerGiBMonth + metrics * prices.cloudWatchCustomMetricPerMonth,
                basis: `${i.instanceType} $${hourly}/h × ${H} h + ${disk} GiB gp3${metrics ? ` + ${metrics} CloudWatch agent metric(s) × $${prices.cloudWatchCustomMetricPerMonth}` : ""}`,
            };
        }
        case "aws:ec2/natGateway:NatGateway":
            return { usd: prices.natGatewayHourly * H, basis: `$${prices.natGatewayHourly}/h, data processing not included` };
        case "aws:ec2/eip:Eip":
            return { usd: prices.publicIpv4Hourly * H, basis: `public IPv4 $${prices.publicIpv4Hourly}/h` };
        case "aws:lb/loadBalancer:LoadBalancer":
            return {
                usd: (prices.albHourly + A.albLcus * prices.albLcuHourly) * H,
                basis: `$${prices.albHourly}/h + ${A.albLcus} LCU × $${prices.albLcuHourly}/h`,
            };
        case "aws:efs/fileSystem:FileSystem":
            return { usd: A.efsStoredGiB * prices.efsStandardPerGiBMonth, basis: `${A.efsStoredGiB} GiB Standard` };
        case "aws:secretsmanager/secret:Secret":
            return { usd: prices.secretPerMonth, basis: "per secret" };
        case "aws:kms/key:Key":
            return { usd: prices.kmsKeyPerMonth, basis: "per customer-managed key" };
        case "aws:ebs/volume:Volume":
            return { usd: Number(i.size ?? 0) * prices.ebsGp3PerGiBMonth, basis: `${i.size} GiB gp3` };
        case "aws:route53/healthCheck:HealthCheck": {
            const features = [i.type === "HTTPS" || i.type === "HTTPS_STR_MATCH", Number(i.requestInterval) === 10].filter(Boolean).length;
            return {
                usd: prices.route53HealthCheckPerMonth + features * prices.route53HealthCheckOptionalFeaturePerMonth,
                basis: `AWS endpoint check + ${features} optional feature(s) (HTTPS, fast interval)`,
            };
        }
        case "aws:cloudwatch/metricAlarm:MetricAlarm": {
            // A metric math alarm pays for every metric it reads; a plain alarm reads one.
            const metrics = Math.max(1, (Array.isArray(i.metricQueries) ? i.metricQueries : []).filter((q: any) => q?.metric).length);
            return { usd: metrics * prices.cloudWatchAlarmMetricPerMonth, basis: `${metrics} alarm metric(s) × $${prices.cloudWatchAlarmMetricPerMonth.toFixed(2)}` };
        }
        case "aws:cloudwatch/dashboard:Dashboard":
            return { usd: prices.cloudWatchDashboardPerMonth, basis: "per dashboard" };
        case "aws:cloudwatch/logMetricFilter:LogMetricFilter":
            return { usd: prices.cloudWatchCustomMetricPerMonth, basis: "the custom metric it publishes" };
        case "aws:cloudwatch/logGroup:LogGroup":
            return { usd: A.logsIngestedGiBPerLogGroup * prices.cloudWatchLogsIngestPerGiB, basis: `${A.logsIngestedGiBPerLogGroup} GiB ingested` };
        case "aws:s3/bucket:Bucket":
        case "aws:s3/bucketV2:BucketV2":
            return { usd: A.s3StoredGiBPerBucket * prices.s3StandardPerGiBMonth, basis: `${A.s3StoredGiBPerBucket} GiB Standard` };
        case "aws:rds/instance:Instance": {
            const hourly = (prices.rdsOracleSe2LicenseIncludedHourly as Record<string, number>)[i.instanceClass];
            if (hourly === undefined || i.engine !== "oracle-se2" || i.licenseModel !== "license-included") return null;
            const azs = i.multiAz ? 2 : 1;
            const storage = Number(i.allocatedStorage ?? 0);
            return {
                usd: hourly * H * azs + storage * prices.rdsStoragePerGiBMonth * azs,
                basis: `${i.instanceClass} SE2 licence included $${hourly}/h × ${azs} AZ + ${storage} GiB`,
            };
        }
    }
    return (prices.free as string[]).includes(resource.type) ? { usd: 0, basis: NO_CHARGE } : null;
}

const NO_CHARGE = "no charge";

/** One line for every resource with no charge: how many of each type, instead of a $0.00 line each. */
function noChargeLine(free: PlanResource[]): CostLine[] {
    if (free.length === 0) return [];
    const counts = new Map<string, number>();
    for (const r of free) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
    const short = (type: string) => (type.startsWith("pulumi:providers:") ? `${type.split(":")[2]} provider` : type.split(":").pop());
    // A short name two types share (pulumi:pulumi:Stack, aws:cloudformation/stack:Stack) stays in full.
    const shared = (type: string) => [...counts.keys()].some((other) => other !== type && short(other) === short(type));
    const types = [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([type, n]) => `${shared(type) ? type : short(type)} × ${n}`);
    return [{ resource: `${free.length} resources`, type: NO_CHARGE, monthlyUsd: 0, basis: types.join(", ") }];
}

/** `region`: the stack's; its prices when the file has them, else us-east-1's, and the estimate says so. */
export function estimateCost(resources: PlanResource[], region?: string): CostEstimate {
    const costed = resources.filter((r) => !r.type.startsWith("wso2-apim:")).map((r) => ({ resource: r, priced: price(r) }));
    const lines = [
        ...costed.filter(({ priced }) => priced?.basis !== NO_CHARGE).map(({ resource: r, priced }): CostLine => priced
            ? { resource: r.name, type: r.type, monthlyUsd: round(priced.usd), basis: priced.basis }
            : { resource: r.name, type: r.type, monthlyUsd: null, basis: "no price known" }),
        ...noChargeLine(costed.filter(({ priced }) => priced?.basis === NO_CHARGE).map(({ resource }) => resource)),
    ];
    return {
        lines,
        totalUsd: round(lines.reduce((sum, line) => sum + (line.monthlyUsd ?? 0), 0)),
        unpriced: lines.filter((line) => line.monthlyUsd === null),
        date: prices.date,
        source: `${prices.source} ${prices.cloudWatchSource}`,
        assumptions: Object.entries(A).map(([key, value]) => `${key}: ${value}`),
        pricedAs: region === undefined || prices.regions.includes(region) ? null : prices.regions[0],
    };
}
