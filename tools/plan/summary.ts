/** summary.md: the picture, the counts, the DNS routing table, the cost, and advisory findings. */
import { parseArtifactSource } from "../../lib/artifact-sync";
import { alarmUnit, formatThreshold } from "./alarm-units";
import { CostEstimate } from "./cost";
import { Plan, PlanResource } from "./plan-json";

export interface SummaryInput {
    plan: Plan;
    cost: CostEstimate;
    /** Markdown of the DNS routing table (location → region, healthy and per outage). */
    routingTable: string;
    /** Markdown list of advisory guardrail findings (empty when none). */
    advisories: string[];
    /** Markdown of the IAM policies section (tools/plan/deployer-policy.ts); omitted when absent. */
    policies?: string;
}

const usd = (value: number) => `$${value.toFixed(2)}`;
const of = (plan: Plan, type: string) => plan.resources.filter((r) => r.type === type);
/** Mermaid labels: quotes and brackets would end the label early. */
const label = (text: string) => text.replace(/["[\]{}()]/g, "'");

export function mermaidDiagram(plan: Plan): string {
    const config = plan.config as Record<string, any>;
    const region = String(config["aws:region"] ?? "");
    const vpc = of(plan, "aws:ec2/vpc:Vpc")[0];
    const zones = [...new Set(of(plan, "aws:ec2/subnet:Subnet").map((s) => String(s.inputs.availabilityZone)))].sort();
    const nodes = of(plan, "aws:ec2/instance:Instance").filter((i) => i.name.includes("-apim-"));
    const alb = of(plan, "aws:lb/loadBalancer:LoadBalancer")[0];
    const efs = of(plan, "aws:efs/fileSystem:FileSystem")[0];
    const databases = [...of(plan, "aws:rds/instance:Instance")];
    const hubs = of(plan, "aws:ec2/instance:Instance").filter((i) => i.name.includes("goldengate"));
    const peerings = of(plan, "aws:ec2/vpcPeeringConnection:VpcPeeringConnection");
    // Forwarding rules only, one box per host; each edge names the port and the paths it forwards.
    // A passive DC's read-only rules (an http-request-method condition) forward only reads of paths
    // the user-path rules forward already: they add no path.
    const forwards = of(plan, "aws:lb/listenerRule:ListenerRule")
        .filter((r) => (r.inputs.actions as any[])?.[0]?.type === "forward")
        .filter((r) => !((r.inputs.conditions as any[]) ?? []).some((c) => c.httpRequestMethod))
        .map((r) => {
            const conditions = (r.inputs.conditions as any[]) ?? [];
            return {
                hosts: (conditions.find((c) => c.hostHeader)?.hostHeader.values ?? []) as string[],
                paths: (conditions.find((c) => c.pathPattern)?.pathPattern.values ?? []) as string[],
                target: String((r.inputs.actions as any[])[0].targetGroupArn ?? ""),
            };
        });
    const hosts = [...new Set(forwards.flatMap((rule) => rule.hosts))];
    const targetPort = (arn: string) =>
        of(plan, "aws:lb/targetGroup:TargetGroup").find((tg) => arn.includes(`${tg.name}.`))?.inputs.port ?? "?";
    const routes = [...new Set(forwards.map((rule) => String(targetPort(rule.target))))].map((port) => {
        const paths = forwards.filter((rule) => String(targetPort(rule.target)) === port).flatMap((rule) => rule.paths);
        return { port, label: paths.length === 0 ? `:${port} all paths` : `:${port} ${paths.length} user paths, no /services` };
    });
    // The Publisher deploys APIs to every other DC's gateways through their admin services (docs/artifacts.md).
    const peerAdmin = of(plan, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
        .filter((r) => r.name.includes("-nodes-admin-from-"))
        .map((r) => String(r.name.split("-nodes-admin-from-")[1]).toUpperCase());
    // Every other DC's nodes publish their events to this DC's Traffic Managers (docs/artifacts.md).
    const peerEvents = of(plan, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
        .filter((r) => r.name.includes("-nodes-tm-binary-from-"))
        .map((r) => String(r.name.split("-nodes-tm-binary-from-")[1]).toUpperCase());
    // Throttling policies: a one-way S3 sync of executionplans from the design-time active DC.
    const artifactSource = String(of(plan, "aws:ssm/parameter:Parameter").find((p) => p.name.endsWith("-artifact-source"))?.inputs.insecureValue ?? "");
    const { activeDcId: activeDc, uri: sourceUri } = parseArtifactSource(artifactSource);
    const selfDc = String(config["wso2-apim-multi-dc:datacenter"] ?? "");

    const lines = ["```mermaid", "flowchart LR", "  clients((Clients))"];
    lines.push(`  subgraph dns[\"Route 53\"]`);
    hosts.forEach((host, i) => lines.push(`    h${i}[\"${label(host)}\"]`));
    lines.push("  end", "  clients --> dns");
    lines.push(`  subgraph vpc[\"VPC ${label(String(vpc?.inputs.cidrBlock ?? "existing"))} · ${region} · ${zones.join(", ")}\"]`);
    lines.push(`    subgraph public[\"public subnets\"]`);
    if (alb) lines.push(`      alb[\"ALB ${alb.name}<br/>443 TLS 1.2+ · 80 → 443\"]`);
    lines.push(`      nat[\"NAT gateway × ${of(plan, "aws:ec2/natGateway:NatGateway").length}\"]`, "    end");
    lines.push(`    subgraph private[\"private subnets\"]`);
    nodes.forEach((n, i) => lines.push(`      n${i}[\"${n.name}<br/>${label(String(n.inputs.instanceType))}\"]`));
    if (efs) lines.push(`      efs[(\"EFS ${efs.name}\")]`);
    databases.forEach((d, i) => lines.push(`      db${i}[(\"Oracle ${d.name}<br/>${label(String(d.inputs.instanceClass))}\")]`));
    hubs.forEach((h, i) => lines.push(`      hub${i}[\"GoldenGate hub ${h.name}\"]`));
    lines.push("    end", "  end");
    peerings.forEach((p, i) => lines.push(`  peer${i}((\"peer VPC ${label(String(p.inputs.peerRegion))}\"))`, `  vpc <-->|VPC peering| peer${i}`));
    hubs.forEach((_, h) => databases.forEach((__, d) => lines.push(`  hub${h} -- \"1521\" --> db${d}`)));
    hosts.forEach((_, i) => lines.push(`  h${i} --> alb`));
    routes.forEach((route) => nodes.forEach((_, n) => lines.push(`  alb -- \"${label(route.label)}\" --> n${n}`)));
    peerAdmin.forEach((dc, i) => {
        lines.push(`  admin${i}((\"${dc} Publisher\"))`);
        nodes.forEach((_, n) => lines.push(`  admin${i} -. \"deploys APIs: 9443 /services over the peering\" .-> n${n}`));
    });
    peerEvents.forEach((dc, i) => {
        lines.push(`  events${i}((\"${dc} nodes\"))`);
        nodes.forEach((_, n) => lines.push(`  events${i} -. \"events to the Traffic Manager: 9611/9711 over the peering\" .-> n${n}`));
    });
    if (efs && sourceUri) {
        lines.push(`  policies[(\"S3 ${label(sourceUri)}<br/>execution plans of ${activeDc}\")]`);
        lines.push(activeDc === selfDc
            ? `  efs -. \"executionplans pushed every 60 s\" .-> policies`
            : `  policies -. \"executionplans pulled every 60 s\" .-> efs`);
    }
    nodes.forEach((_, n) => {
        if (efs) lines.push(`  n${n} -- \"NFS/TLS 2049\" --> efs`);
        databases.forEach((__, d) => lines.push(`  n${n} -- \"1521\" --> db${d}`));
        lines.push(`  n${n} --> nat`);
    });
    lines.push("```");
    return lines.join("\n");
}

function countsByType(resources: PlanResource[]): string {
    const counts = new Map<string, { all: number; protectedCount: number }>();
    for (const r of resources) {
        const entry = counts.get(r.type) ?? { all: 0, protectedCount: 0 };
        entry.all += 1;
        if (r.protect) entry.protectedCount += 1;
        counts.set(r.type, entry);
    }
    const protectedTotal = resources.filter((r) => r.protect).length;
    const rows = [...counts].sort(([a], [b]) => a.localeCompare(b))
        .map(([type, n]) => `| \`${type}\` | ${n.all} | ${n.protectedCount || ""} |`);
    return ["| type | count | protected |", "| --- | ---: | ---: |", ...rows, `| **total** | **${resources.length}** | **${protectedTotal}** |`].join("\n");
}

/**
 * The resources plan.json records with `protect: true`. Pulumi refuses any deployment that would
 * delete one, a replacement included, until it is unprotected (Pulumi docs, "Resource option:
 * protect"): a reviewer should know which they are without opening plan.json.
 */
export function protectedResources(plan: Plan): string {
    const marked = plan.resources.filter((r) => r.protect);
    if (marked.length === 0) return "Protected (`protect: true`): none.";
    return [
        `Protected (\`protect: true\`; Pulumi refuses to delete or replace them until unprotected): ${marked.length}.`,
        "",
        "| protected resource | type |",
        "| --- | --- |",
        ...marked.map((r) => `| ${r.name} | \`${r.type}\` |`),
    ].join("\n");
}

function costTable(cost: CostEstimate): string {
    const typeCell = (type: string) => (type.includes(":") ? `\`${type}\`` : type);
    const rows = cost.lines.map((l) => `| ${l.resource} | ${typeCell(l.type)} | ${l.monthlyUsd === null ? "no price known" : usd(l.monthlyUsd)} | ${l.basis} |`);
    return [
        `Prices as of ${cost.date}. Source: ${cost.source}`,
        "",
        ...(cost.pricedAs ? [`**Priced as ${cost.pricedAs}**: the price file has no prices for this region; AWS's prices there differ (often higher).`, ""] : []),
        `Assumptions: ${cost.assumptions.join("; ")}.`,
        "",
        "| resource | type | USD / month | basis |",
        "| --- | --- | ---: | --- |",
        ...rows,
        `| **total** | | **${usd(cost.totalUsd)}** | ${cost.unpriced.length} resource(s) with no known price not included |`,
    ].join("\n");
}

const COMPARISONS: Record<string, string> = {
    GreaterThanThreshold: ">",
    GreaterThanOrEqualToThreshold: "≥",
    LessThanThreshold: "<",
    LessThanOrEqualToThreshold: "≤",
};

/** A CloudWatch period in seconds as a reviewer reads it: 60 → "1 min", 3600 → "1 h", 90 → "90 s". */
export function formatPeriod(seconds: number): string {
    if (seconds % 3600 === 0) return `${seconds / 3600} h`;
    if (seconds % 60 === 0) return `${seconds / 60} min`;
    return `${seconds} s`;
}

/**
 * The statistic and period an alarm compares: "Sum over 5 min" (p95 for an extended statistic).
 * A metric-math alarm has neither at its top level: its period and statistics are those of the
 * metrics its expression reads (PutMetricAlarm, Metrics: each MetricStat has its own Period and Stat).
 */
function statisticOf(i: Record<string, any>): string {
    if (!i.metricQueries) return `${i.extendedStatistic ?? i.statistic} over ${formatPeriod(Number(i.period))}`;
    const metrics = (i.metricQueries as any[]).filter((q) => q.metric).map((q) => q.metric);
    const distinct = (values: string[]) => [...new Set(values)].join("/");
    return `math of ${distinct(metrics.map((m) => String(m.stat)))} over ${distinct(metrics.map((m) => formatPeriod(Number(m.period))))}`;
}

/**
 * "M of N periods": DatapointsToAlarm of EvaluationPeriods; without DatapointsToAlarm every period
 * must breach (PutMetricAlarm: DatapointsToAlarm is set only for an "M out of N" alarm). Missing data
 * defaults to `missing` when TreatMissingData is omitted (PutMetricAlarm, TreatMissingData).
 */
function periodsOf(i: Record<string, any>): string {
    const n = Number(i.evaluationPeriods);
    return `${i.datapointsToAlarm ?? n} of ${n} periods`;
}

/** The stack's CloudWatch alarms: what each watches, when it fires, where it lives and what it does. */
export function alarmsTable(plan: Plan): string {
    const alarms = of(plan, "aws:cloudwatch/metricAlarm:MetricAlarm");
    if (alarms.length === 0) return "None.";
    const providerRegion = (urn: string | null) =>
        String(plan.resources.find((r) => r.urn === urn)?.inputs.region ?? plan.config["aws:region"] ?? "?");
    const metricOf = (inputs: Record<string, any>) => inputs.metricName
        ? `${inputs.namespace} ${inputs.metricName}${inputs.extendedStatistic ? ` ${inputs.extendedStatistic}` : ""}`
        : `math: ${(inputs.metricQueries as any[]).filter((q) => q.metric).map((q) => q.metric.metricName).join(", ")}`;
    const actionOf = (action: string) => action.includes(":ec2:recover") ? "EC2 recover" : action.replace(/^\(known after apply: (.+)\.arn\)$/, "topic $1");
    const rows = alarms.map((a) => {
        const i = a.inputs as Record<string, any>;
        // The threshold in the unit of the metric it is compared with (tools/plan/alarm-units.ts).
        const fires = `${statisticOf(i)} ${COMPARISONS[i.comparisonOperator] ?? i.comparisonOperator} ${formatThreshold(Number(i.threshold), alarmUnit(plan, i))}, ${periodsOf(i)}, missing = ${i.treatMissingData ?? "missing"}`;
        return `| ${i.name ?? a.name} | ${metricOf(i)} | ${fires} | ${providerRegion(a.provider)} | ${((i.alarmActions ?? []) as string[]).map(actionOf).join(", ")} |`;
    });
    return [`${alarms.length} alarms (runbook: docs/operations.md).`, "", "| alarm | metric | fires when | region | actions |", "| --- | --- | --- | --- | --- |", ...rows].join("\n");
}

/** Which image the nodes boot: a pinned id, or AWS's current Amazon Linux 2023 read at deploy time. */
export function nodeImageLine(plan: Plan): string {
    const image = plan.outputs.nodeImage as { amiId?: unknown; source?: unknown } | undefined;
    return image ? `Node image: \`${String(image.amiId)}\` from \`${String(image.source)}\`.` : "Node image: not reported by the program.";
}

/**
 * What replicates this DC's database: the hub the plan declares (priced in the cost table; the
 * licence is the operator's and outside it), or nothing, and what that means for this DC.
 */
export function replicationLine(plan: Plan): string {
    const hub = of(plan, "aws:ec2/instance:Instance").find((r) => r.name.endsWith("-goldengate-host"));
    if (hub) {
        return `GoldenGate hub: \`${String(hub.inputs.instanceType)}\` host \`${hub.name}\`, priced in the cost table; the GoldenGate licence (goldengateLicense: byol) is yours and is not in the estimate.`;
    }
    const project = plan.project;
    const dc = String(plan.config[`${project}:datacenter`] ?? "");
    const trusted = String(plan.config[`${project}:trustedSource`] ?? "");
    const files = "No GoldenGate host (goldengateLicense: none): the parameter files are rendered (files/s3/<boot bucket>/goldengate/) but nothing runs them.";
    return dc === trusted
        ? `${files} This DC is the trusted source and serves on its own; no other DC serves until replication to it is set up.`
        : `${files} WSO2 here does not start before this DC's replication-ready flag is true, so this DC serves nothing until you run GoldenGate (docs/replication.md).`;
}

export function renderSummary(input: SummaryInput): string {
    const { plan, cost } = input;
    return [
        `# Offline plan: ${plan.project} / ${plan.stack}`,
        "",
        `Datacenter ${String(plan.outputs.datacenter ?? "?")} in ${String(plan.config["aws:region"] ?? "?")}: ${plan.resources.length} resources, estimated ${usd(cost.totalUsd)} per month.`,
        "Produced by `npm run plan` under Pulumi mocks: values only the cloud knows read `(known after apply: …)`.",
        "",
        nodeImageLine(plan),
        "",
        replicationLine(plan),
        "",
        "## Region",
        "",
        mermaidDiagram(plan),
        "",
        "## Resources by type",
        "",
        countsByType(plan.resources),
        "",
        protectedResources(plan),
        "",
        "## DNS routing",
        "",
        input.routingTable,
        "",
        "## Alarms",
        "",
        alarmsTable(plan),
        "",
        "## Estimated monthly cost (USD)",
        "",
        costTable(cost),
        "",
        ...(input.policies ? ["## IAM policies", "", input.policies, ""] : []),
        "## Advisory findings",
        "",
        input.advisories.length ? input.advisories.map((a) => `- ${a}`).join("\n") : "None.",
        "",
    ].join("\n");
}
