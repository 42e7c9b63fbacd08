import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { OUT_OF_MEMORY_PATTERN, RUNTIME_EVENTS_DROPPED_PATTERN, TRAFFIC_MANAGER_UNREACHABLE_PATTERN, UNEXPECTED_EXIT_PATTERN, WSO2_ERROR_PATTERN } from "../components/monitoring";
import { ALARM_THRESHOLDS } from "../lib/alarms";
import { APIS_OUT_OF_STEP_METRIC, ARTIFACT_SYNC_LAG_METRIC, metricNamespace, NODE_HOST_METRICS, REPLICATION_LAG_METRIC } from "../lib/metrics";
import { renderDashboard } from "../lib/render/dashboard";
import { named, nodeFile, ofType, PROJECT_DIR, run, STACKS } from "./harness";

const RUN_WRAPPER = readFileSync(path.join(PROJECT_DIR, "lib/render/scripts/wso2-run.sh"), "utf8");
import { ProgramRun, RecordedResource } from "../tools/offline/run";

const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
/** Anchors of docs/operations.md's sections, as GitHub derives them from the headings. */
const RUNBOOK_ANCHORS = new Set(readFileSync(path.join(PROJECT_DIR, "docs/operations.md"), "utf8")
    .split("\n").filter((line) => line.startsWith("## "))
    .map((line) => line.slice(3).toLowerCase().replace(/[^a-z0-9 -]/g, "").replace(/ /g, "-")));
const TOPIC = "aws:sns/topic:Topic";

/** The region an alarm (or topic) is created in: its provider's. */
function regionOf(program: ProgramRun, resource: RecordedResource): string {
    const provider = program.resources.find((r) => r.urn === resource.provider);
    assert.ok(provider, `${resource.name} has no recorded provider`);
    return String(provider.inputs.region);
}

/** The topic an alarm notifies, which must be in the alarm's region (actions are regional). */
function notifiedTopic(program: ProgramRun, alarm: RecordedResource): RecordedResource {
    const actions = alarm.inputs.alarmActions as string[];
    const topics = ofType(program, TOPIC).filter((topic) => actions.includes(`(known after apply: ${topic.name}.arn)`));
    assert.equal(topics.length, 1, `${alarm.name} notifies ${topics.length} topics`);
    assert.deepEqual(alarm.inputs.okActions, [`(known after apply: ${topics[0].name}.arn)`]);
    return topics[0];
}

const alarmNamed = (program: ProgramRun, name: string) => {
    const found = ofType(program, ALARM).find((a) => a.inputs.name === name);
    if (!found) throw new Error(`no alarm ${name}; have: ${ofType(program, ALARM).map((a) => a.inputs.name).join(", ")}`);
    return found;
};

for (const stack of STACKS) {
    const dc = stack === "us-east" ? "dc1" : "dc2";
    const peer = stack === "us-east" ? "DC2" : "DC1";
    const region = stack === "us-east" ? "us-east-1" : "us-west-2";
    const alarm = (program: ProgramRun, key: string) => alarmNamed(program, `wso2-apim-${dc}-${key}`);

    describe(`monitoring of stack ${stack}`, () => {
        it("declares every alarm the runbook describes, each notifying a KMS-encrypted topic of its own region", async () => {
            const program = await run(stack);
            const names = ofType(program, ALARM).map((a) => String(a.inputs.name).replace(`wso2-apim-${dc}-`, "")).sort();
            const lag = `replication-lag-${peer.toLowerCase()}-to-${dc}`;
            assert.deepEqual(names, [
                "alb-5xx-rate", "apis-out-of-step", "artifact-sync-lag", "database-cpu", "database-free-storage", "database-freeable-memory", "database-storage-runway",
                "dns-gateway-health", "dns-portal-health", "gateway-unhealthy-hosts", "management-unhealthy-hosts",
                "node-1-instance-check", "node-1-system-check", "node-2-instance-check", "node-2-system-check",
                "node-1-memory", "node-1-disk", "node-2-memory", "node-2-disk",
                "out-of-memory", `${lag}-critical`, `${lag}-warning`, "target-5xx-rate", "target-response-p95", "wso2-errors", "wso2-unexpected-exits",
                "traffic-manager-unreachable", "runtime-events-dropped",
            ].sort());
            for (const a of ofType(program, ALARM)) {
                const topic = notifiedTopic(program, a);
                assert.equal(regionOf(program, topic), regionOf(program, a), `${a.name}'s topic is in another region`);
                assert.match(String(topic.inputs.kmsMasterKeyId), /^\(known after apply: .+-alarms-key\.arn\)$/);
                // The runbook section the description points at exists (GitHub's heading anchors).
                const anchor = /docs\/operations\.md#([a-z0-9-]+)/.exec(String(a.inputs.alarmDescription))?.[1];
                assert.ok(anchor && RUNBOOK_ANCHORS.has(anchor), `${a.name}: no runbook section #${anchor}`);
            }
        });

        it("lets CloudWatch use each topic's key, as an encrypted topic requires", async () => {
            const program = await run(stack);
            const keys = ofType(program, "aws:kms/key:Key").filter((k) => k.name.endsWith("-alarms-key"));
            assert.equal(keys.length, stack === "us-east" ? 1 : 2);
            for (const key of keys) {
                const statements = JSON.parse(String(key.inputs.policy)).Statement as any[];
                const cloudwatch = statements.find((s) => s.Principal?.Service === "cloudwatch.amazonaws.com");
                assert.ok(cloudwatch, `${key.name} does not let CloudWatch use it`);
                assert.deepEqual(cloudwatch.Action, ["kms:Decrypt", "kms:GenerateDataKey*"]);
                assert.equal(key.inputs.enableKeyRotation, true);
            }
        });

        it("watches each target group's unhealthy hosts, the 5XX rates and p95 latency on the region's ALB", async () => {
            const program = await run(stack);
            for (const role of ["gateway", "management"]) {
                const a = alarm(program, `${role}-unhealthy-hosts`);
                assert.equal(regionOf(program, a), region);
                assert.equal(a.inputs.metricName, "UnHealthyHostCount");
                assert.deepEqual(a.inputs.dimensions, {
                    LoadBalancer: `(known after apply: ${dc}-lb-alb.arnSuffix)`,
                    TargetGroup: `(known after apply: ${dc}-lb-${role}.arnSuffix)`,
                });
                assert.equal(a.inputs.threshold, 1);
                assert.equal(a.inputs.comparisonOperator, "GreaterThanOrEqualToThreshold");
            }
            for (const [key, errors] of [["alb-5xx-rate", "HTTPCode_ELB_5XX_Count"], ["target-5xx-rate", "HTTPCode_Target_5XX_Count"]]) {
                const a = alarm(program, key);
                const queries = a.inputs.metricQueries as any[];
                assert.equal(queries.find((q) => q.id === "errors").metric.metricName, errors);
                assert.equal(queries.find((q) => q.id === "requests").metric.metricName, "RequestCount");
                assert.deepEqual(queries.find((q) => q.id === "errors").metric.dimensions, { LoadBalancer: `(known after apply: ${dc}-lb-alb.arnSuffix)` });
                assert.equal(a.inputs.threshold, 5);
            }
            const latency = alarm(program, "target-response-p95");
            assert.equal(latency.inputs.extendedStatistic, "p95");
            assert.equal(latency.inputs.threshold, 2);
        });

        it("recovers a node whose host fails the system status check, and reports failed instance checks", async () => {
            const program = await run(stack);
            for (const n of [1, 2]) {
                const system = alarm(program, `node-${n}-system-check`);
                assert.equal(system.inputs.metricName, "StatusCheckFailed_System");
                assert.deepEqual(system.inputs.dimensions, { InstanceId: `(known after apply: ${dc}-apim-${n}.id)` });
                assert.equal((system.inputs.alarmActions as string[])[0], `arn:aws:automate:${region}:ec2:recover`);
                assert.equal(regionOf(program, system), region);
                const instance = alarm(program, `node-${n}-instance-check`);
                assert.equal(instance.inputs.metricName, "StatusCheckFailed_Instance");
                assert.ok(!(instance.inputs.alarmActions as string[]).some((action) => action.includes(":automate:")));
            }
        });

        it("watches the RDS instance's storage, CPU and memory, and storage running out within the archived-log retention", async () => {
            const program = await run(stack);
            const db = { DBInstanceIdentifier: `wso2-apim-${dc}` };
            const storage = alarm(program, "database-free-storage");
            assert.deepEqual(storage.inputs.dimensions, db);
            // 20% of the shipped 100 GiB.
            assert.equal(storage.inputs.threshold, Math.round(100 * 0.2 * 1024 ** 3));
            assert.equal(alarm(program, "database-cpu").inputs.threshold, 80);
            assert.equal(alarm(program, "database-freeable-memory").inputs.threshold, 256 * 1024 ** 2);
            const runway = alarm(program, "database-storage-runway");
            assert.equal(runway.inputs.threshold, 24);
            assert.deepEqual((runway.inputs.metricQueries as any[])[0].metric.dimensions, db);
            assert.equal((await run(stack, { archiveLogRetentionHours: 48 })).resources
                .find((r) => r.inputs.name === `wso2-apim-${dc}-database-storage-runway`)?.inputs.threshold, 48);
        });

        it("alarms on replication lag into this datacenter from the hub's metric, critical at half the archived-log retention", async () => {
            const program = await run(stack);
            const lag = `replication-lag-${peer.toLowerCase()}-to-${dc}`;
            const warning = alarm(program, `${lag}-warning`);
            const critical = alarm(program, `${lag}-critical`);
            for (const a of [warning, critical]) {
                assert.equal(a.inputs.namespace, metricNamespace("wso2-apim", REPLICATION_LAG_METRIC.area));
                assert.equal(a.inputs.metricName, REPLICATION_LAG_METRIC.metricName);
                assert.deepEqual(a.inputs.dimensions, { SourceDatacenter: peer, TargetDatacenter: dc.toUpperCase() });
                assert.equal(regionOf(program, a), region);
            }
            assert.equal(warning.inputs.threshold, 300);
            assert.equal(critical.inputs.threshold, 12 * 3600);
            assert.match(String(critical.inputs.alarmDescription), /re-sync from the trusted source is needed unless this is fixed within 12 hours/);
            // No hub of ours publishes: silence says nothing. Critical is only ever a measured lag.
            assert.equal(warning.inputs.treatMissingData, "missing");
            assert.equal(critical.inputs.treatMissingData, "missing");
            const longer = alarmNamed(await run(stack, { archiveLogRetentionHours: 48 }), `wso2-apim-${dc}-${lag}-critical`);
            assert.equal(longer.inputs.threshold, 24 * 3600);
        });

        it("alarms on the runtime-artifact sync's lag of this datacenter, and on its silence", async () => {
            const program = await run(stack);
            const a = alarm(program, "artifact-sync-lag");
            assert.equal(a.inputs.namespace, metricNamespace("wso2-apim", ARTIFACT_SYNC_LAG_METRIC.area));
            assert.equal(a.inputs.metricName, ARTIFACT_SYNC_LAG_METRIC.metricName);
            assert.deepEqual(a.inputs.dimensions, { Datacenter: dc.toUpperCase() });
            assert.equal(a.inputs.threshold, 600);
            assert.equal(a.inputs.treatMissingData, "breaching");
            assert.equal(regionOf(program, a), region);
        });

        it("alarms when this datacenter's gateways stay out of step with the active Publisher for three reconciler runs, or go unreported", async () => {
            const program = await run(stack);
            const a = alarm(program, "apis-out-of-step");
            assert.equal(a.inputs.namespace, metricNamespace("wso2-apim", APIS_OUT_OF_STEP_METRIC.area));
            assert.equal(a.inputs.metricName, APIS_OUT_OF_STEP_METRIC.metricName);
            assert.deepEqual(a.inputs.dimensions, { Datacenter: dc.toUpperCase() });
            assert.equal(a.inputs.statistic, "Minimum");
            assert.equal(a.inputs.period, 300);
            assert.equal(a.inputs.evaluationPeriods, 3);
            assert.equal(a.inputs.threshold, 0);
            assert.equal(a.inputs.comparisonOperator, "GreaterThanThreshold");
            // Unknown state (nothing published) and a stopped reconciler alarm too.
            assert.equal(a.inputs.treatMissingData, "breaching");
            // The reconciler publishes each DC's series into that DC's region.
            assert.equal(regionOf(program, a), region);
        });

        it("counts WSO2 ERROR lines and OutOfMemoryError in the node log group", async () => {
            const program = await run(stack);
            const filters = ofType(program, "aws:cloudwatch/logMetricFilter:LogMetricFilter");
            assert.deepEqual(filters.map((f) => f.inputs.pattern).sort(),
                [WSO2_ERROR_PATTERN, OUT_OF_MEMORY_PATTERN, UNEXPECTED_EXIT_PATTERN, TRAFFIC_MANAGER_UNREACHABLE_PATTERN, RUNTIME_EVENTS_DROPPED_PATTERN].sort());
            for (const filter of filters) {
                assert.equal(filter.inputs.logGroupName, `(known after apply: ${dc}-apim-logs.name)`);
                const metric = (filter.inputs.metricTransformation as any);
                const a = ofType(program, ALARM).find((x) => x.inputs.metricName === metric.name && x.inputs.namespace === metric.namespace);
                assert.ok(a, `no alarm on ${metric.name}`);
            }
            assert.equal(alarm(program, "out-of-memory").inputs.threshold, 1);
            assert.equal(alarm(program, "wso2-errors").inputs.threshold, 50);
        });

        it("alarms when WSO2 keeps ending without a stop request, on the line its start wrapper writes", async () => {
            const program = await run(stack);
            const a = alarm(program, "wso2-unexpected-exits");
            assert.equal(a.inputs.metricName, "Wso2UnexpectedExits");
            assert.equal(a.inputs.statistic, "Sum");
            assert.equal(a.inputs.period, 1800);
            assert.equal(a.inputs.threshold, ALARM_THRESHOLDS.wso2UnexpectedExitsPer30Minutes);
            assert.equal(a.inputs.comparisonOperator, "GreaterThanOrEqualToThreshold");
            // The pattern matches the line the wrapper logs, as its script has it (a quoted phrase matches exactly).
            assert.ok(RUN_WRAPPER.includes(UNEXPECTED_EXIT_PATTERN.slice(1, -1)), "the wrapper does not write the counted line");
        });

        it("alarms when a Traffic Manager stays unreachable for 30 minutes, and on any dropped runtime event", async () => {
            const program = await run(stack);
            const unreachable = alarm(program, "traffic-manager-unreachable").inputs as any;
            // Six 5-minute periods each with a line: a node's restart in a rolling change is a few minutes.
            assert.deepEqual([unreachable.metricName, unreachable.statistic, unreachable.period, unreachable.evaluationPeriods, unreachable.datapointsToAlarm, unreachable.threshold, unreachable.comparisonOperator],
                ["TrafficManagerUnreachableLines", "Sum", 300, 6, 6, 1, "GreaterThanOrEqualToThreshold"]);
            const dropped = alarm(program, "runtime-events-dropped").inputs as any;
            assert.deepEqual([dropped.metricName, dropped.statistic, dropped.period, dropped.threshold, dropped.treatMissingData],
                ["RuntimeEventsDropped", "Sum", 60, 1, "notBreaching"]);
            assert.equal(ALARM_THRESHOLDS.trafficManagerUnreachableMinutes, 30);
        });

        it("alarms on each node's memory and root-volume use, on the dimensions the CloudWatch agent publishes", async () => {
            const program = await run(stack);
            const agent = JSON.parse(nodeFile(ofType(program, "aws:ec2/instance:Instance")[0], "/etc/wso2-apim/cloudwatch-agent.json"));
            assert.equal(agent.metrics.namespace, metricNamespace("wso2-apim", NODE_HOST_METRICS.area));
            assert.deepEqual(agent.metrics.append_dimensions, { InstanceId: "${aws:InstanceId}" });
            assert.deepEqual(agent.metrics.aggregation_dimensions, [["InstanceId", "path"]]);
            assert.deepEqual(agent.metrics.metrics_collected.disk.resources, ["/"]);
            assert.equal(agent.agent.omit_hostname, true);
            for (const n of [1, 2]) {
                const instance = `(known after apply: ${dc}-apim-${n}.id)`;
                const memory = alarm(program, `node-${n}-memory`);
                assert.equal(memory.inputs.namespace, metricNamespace("wso2-apim", NODE_HOST_METRICS.area));
                assert.equal(memory.inputs.metricName, "mem_used_percent");
                assert.deepEqual(memory.inputs.dimensions, { InstanceId: instance });
                assert.equal(memory.inputs.threshold, ALARM_THRESHOLDS.nodeMemoryUsedPercent);
                const disk = alarm(program, `node-${n}-disk`);
                assert.equal(disk.inputs.metricName, "disk_used_percent");
                // The roll-up the agent adds (InstanceId, path): the full set carries the AMI's fstype.
                assert.deepEqual(disk.inputs.dimensions, { InstanceId: instance, path: "/" });
                assert.equal(disk.inputs.threshold, ALARM_THRESHOLDS.nodeDiskUsedPercent);
                assert.equal(regionOf(program, disk), region);
            }
        });

        it("alarms on each Route 53 health check in us-east-1, notifying a topic there", async () => {
            const program = await run(stack);
            for (const key of ["gateway-health", "portal-health"]) {
                const a = alarm(program, `dns-${key}`);
                assert.equal(a.inputs.namespace, "AWS/Route53");
                assert.equal(a.inputs.metricName, "HealthCheckStatus");
                assert.deepEqual(a.inputs.dimensions, { HealthCheckId: `(known after apply: ${dc}-dns-${key}.id)` });
                assert.equal(a.inputs.threshold, 1);
                assert.equal(a.inputs.comparisonOperator, "LessThanThreshold");
                assert.equal(regionOf(program, a), "us-east-1");
                assert.equal(regionOf(program, notifiedTopic(program, a)), "us-east-1");
            }
            const provider = program.resources.find((r) => r.urn === alarm(program, "dns-gateway-health").provider)!;
            assert.equal(provider.inputs.defaultTags, named(program, `${dc}-aws`).inputs.defaultTags);
        });

        it("subscribes each configured address to every alarm topic", async () => {
            assert.equal(ofType(await run(stack), "aws:sns/topicSubscription:TopicSubscription").length, 0);
            const program = await run(stack, { alarmEmails: ["ops@example.com", "oncall@example.com"] });
            const subscriptions = ofType(program, "aws:sns/topicSubscription:TopicSubscription");
            const topics = ofType(program, TOPIC);
            assert.ok(topics.length > 0, "no alarm topic");
            for (const topic of topics) {
                const own = subscriptions.filter((s) => s.inputs.topic === `(known after apply: ${topic.name}.arn)`);
                assert.deepEqual(own.map((s) => [s.inputs.protocol, s.inputs.endpoint]), [["email", "ops@example.com"], ["email", "oncall@example.com"]]);
                assert.equal(regionOf(program, own[0]), regionOf(program, topic));
            }
        });
    });
}

describe("monitoring with a GoldenGate hub and an Oracle host", () => {
    it("treats a silent hub as lagging (warning only)", async () => {
        const program = await run("us-east", { goldengateLicense: "byol", goldengateAmiId: "ami-0123456789abcdef0" });
        assert.equal(alarmNamed(program, "wso2-apim-dc1-replication-lag-dc2-to-dc1-warning").inputs.treatMissingData, "breaching");
        assert.equal(alarmNamed(program, "wso2-apim-dc1-replication-lag-dc2-to-dc1-critical").inputs.treatMissingData, "missing");
    });

    it("recovers the Oracle host of the ec2 kind like a node, with no RDS alarms", async () => {
        const program = await run("us-west", { databaseKind: "ec2", databaseAmiId: "ami-0123456789abcdef0" });
        const system = alarmNamed(program, "wso2-apim-dc2-database-system-check");
        assert.deepEqual(system.inputs.dimensions, { InstanceId: "(known after apply: dc2-db-oracle.id)" });
        assert.equal((system.inputs.alarmActions as string[])[0], "arn:aws:automate:us-west-2:ec2:recover");
        assert.ok(alarmNamed(program, "wso2-apim-dc2-database-instance-check"));
        assert.ok(!ofType(program, ALARM).some((a) => a.inputs.namespace === "AWS/RDS"));
    });
});

describe("WSO2 log metric filter patterns", () => {
    // Lines laid out as product-apim v3.1.0 conf/log4j2.properties writes them.
    const carbonError = "TID: [-1234] [] [2026-11-30 01:00:00,000] ERROR {org.apache.synapse.transport.passthru.TargetHandler} - I/O error: Connection reset";
    const carbonInfo = "TID: [-1234] [] [2026-11-30 01:00:00,000]  INFO {org.wso2.carbon.core.init.CarbonServerManager} - Server started";
    const gatewayError = "2026-11-30 01:00:00,000 [-] [PassThroughMessageProcessor-1]  ERROR TargetHandler I/O error";
    const accessLine = "10.0.0.1 - - [30/Nov/2026:01:00:00 +0000] \"GET /api/am/store/v1/apis?query=ERROR HTTP/1.1\" 200";
    /** A quoted filter term matches lines that contain the phrase (CloudWatch Logs "Filter pattern syntax"). */
    const matches = (pattern: string, line: string) => line.includes(JSON.parse(pattern));

    it("counts carbon ERROR lines once, not INFO lines, the gateway error log's copy or URLs", () => {
        assert.ok(matches(WSO2_ERROR_PATTERN, carbonError));
        for (const line of [carbonInfo, gatewayError, accessLine]) assert.ok(!matches(WSO2_ERROR_PATTERN, line), line);
    });

    it("counts OutOfMemoryError wherever the JVM logs it", () => {
        assert.ok(matches(OUT_OF_MEMORY_PATTERN, "java.lang.OutOfMemoryError: Java heap space"));
    });

    // The databridge agent's and the wso2event adapter's lines, their text as carbon-analytics-common v5.2.24
    // builds it (DataEndpointGroup.ReconnectionTask, DataPublisher.onEventQueueFull, EventAdapterUtil.logAndDrop).
    const unreachable = "TID: [-1] [] [2026-11-30 01:00:00,000]  WARN {org.wso2.carbon.databridge.agent.endpoint.DataEndpointGroup} - No receiver is reachable at reconnection, will try to reconnect every 30 sec";
    const droppedBlock = "TID: [-1234] [] [2026-11-30 01:00:00,000] ERROR {org.wso2.carbon.event.output.adapter.wso2event.WSO2EventAdapter} - Event dropped at Output Adapter 'blockingEventPublisher' for tenant id '-1234', Cannot send event";
    const droppedRevocation = droppedBlock.replace("blockingEventPublisher", "tokenRevocationPublisher");
    const droppedInvalidation = droppedBlock.replace("blockingEventPublisher", "cacheInvalidationEventPublisher");
    const droppedOtherAdapter = droppedBlock.replace("blockingEventPublisher", "HTTP-recommendationEventPublisher");
    const shutdownDrop = "TID: [-1234] [] [2026-11-30 01:00:00,000] ERROR {org.wso2.carbon.databridge.agent.endpoint.DataEndpointGroup} - Dropping all events as DataPublisher is shutting down.";
    const requestQueueFull = "TID: [-1234] [] [2026-11-30 01:00:00,000]  WARN {org.wso2.carbon.databridge.agent.DataPublisher} - Event queue is full, unable to process the event for endpoint group [ ( Receiver URL : tcp://apim-1.dc2.wso2-apim.internal:9611, Authentication URL : ssl://apim-1.dc2.wso2-apim.internal:9711) ], 120 events dropped so far.";
    /** `?"a" ?"b"`: a line with any of the quoted phrases (CloudWatch Logs "Filter pattern syntax", match any term). */
    const matchesAny = (pattern: string, line: string) => [...pattern.matchAll(/\?("[^"]*")/g)].some((term) => matches(term[1], line));

    it("counts the agent's unreachable-receiver line", () => {
        assert.ok(matches(TRAFFIC_MANAGER_UNREACHABLE_PATTERN, unreachable));
        assert.ok(!matches(TRAFFIC_MANAGER_UNREACHABLE_PATTERN, requestQueueFull));
    });

    it("counts events the three runtime-event adapters drop, and queued events dropped at a stop; not other adapters' or the request events' queue-full warning", () => {
        for (const line of [droppedBlock, droppedRevocation, droppedInvalidation, shutdownDrop]) assert.ok(matchesAny(RUNTIME_EVENTS_DROPPED_PATTERN, line), line);
        for (const line of [droppedOtherAdapter, requestQueueFull, unreachable]) assert.ok(!matchesAny(RUNTIME_EVENTS_DROPPED_PATTERN, line), line);
        assert.equal([...RUNTIME_EVENTS_DROPPED_PATTERN.matchAll(/\?"/g)].length, 4);
        // PutMetricFilter takes a filterPattern of at most 1024 characters (CloudWatch Logs API Reference).
        assert.ok(RUNTIME_EVENTS_DROPPED_PATTERN.length <= 1024);
    });
});

describe("dashboard body", () => {
    const body = JSON.parse(renderDashboard({
        dcId: "DC2",
        replicationLagNamespace: metricNamespace("wso2-apim", REPLICATION_LAG_METRIC.area),
        region: "us-west-2",
        loadBalancer: "app/dc2-lb-alb/0123",
        targetGroups: [{ role: "gateway", dimension: "targetgroup/gw/1" }, { role: "management", dimension: "targetgroup/mg/2" }],
        database: "wso2-apim-dc2",
        replicationSources: ["DC1"],
        lagWarningSeconds: 300,
        lagCriticalSeconds: 43200,
        healthCheckIds: ["hc-1", "hc-2"],
    }));
    const widget = (title: RegExp) => {
        const found = body.widgets.find((w: any) => title.test(w.properties.title));
        assert.ok(found, `no widget ${title}`);
        return found.properties;
    };

    it("shows traffic, errors, latency, target health and the database in the stack's region", () => {
        for (const title of [/^Traffic$/, /^Errors$/, /^Latency/, /^Target health$/, /^Database$/]) assert.equal(widget(title).region, "us-west-2");
        assert.deepEqual(widget(/^Traffic$/).metrics, [["AWS/ApplicationELB", "RequestCount", "LoadBalancer", "app/dc2-lb-alb/0123"]]);
        assert.ok(widget(/^Target health$/).metrics.some((m: any[]) => m[1] === "UnHealthyHostCount" && m[3] === "targetgroup/mg/2"));
    });

    it("shows replication lag per path with its thresholds, and the health checks from us-east-1", () => {
        const lag = widget(/^Replication lag into DC2/);
        assert.deepEqual(lag.metrics[0].slice(0, 6), [metricNamespace("wso2-apim", REPLICATION_LAG_METRIC.area), REPLICATION_LAG_METRIC.metricName, "SourceDatacenter", "DC1", "TargetDatacenter", "DC2"]);
        assert.deepEqual(lag.annotations.horizontal.map((h: any) => h.value), [300, 43200]);
        const dns = widget(/^DNS health checks/);
        assert.equal(dns.region, "us-east-1");
        assert.deepEqual(dns.metrics.map((m: any[]) => m[3]), ["hc-1", "hc-2"]);
    });

    it("lays widgets out on CloudWatch's 24-column grid without overlap", () => {
        const cells = new Set<string>();
        for (const w of body.widgets) {
            assert.ok(w.x + w.width <= 24);
            const cell = `${w.x},${w.y}`;
            assert.ok(!cells.has(cell), `two widgets at ${cell}`);
            cells.add(cell);
        }
    });
});
