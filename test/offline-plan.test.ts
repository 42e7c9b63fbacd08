import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { writtenContent } from "../lib/render/user-data";
import { estimateCost } from "../tools/plan/cost";
import { diffPlans, renderDiff } from "../tools/plan/diff";
import { buildPlan, Plan, PlanResource } from "../tools/plan/plan-json";
import { alarmUnit, AWS_METRIC_UNITS, formatThreshold } from "../tools/plan/alarm-units";
import { PROJECT_DIR, planQuietly, projectYamlWith, run, STACKS, temporaryDirectories } from "./harness";

describe("offline plan", function () {
    const tempDir = temporaryDirectories();
    let outDir: string;
    let planLines: string[];
    const planOf = (stack: string): Plan => JSON.parse(fs.readFileSync(path.join(outDir, stack, "plan.json"), "utf8"));

    before(async () => {
        outDir = tempDir("plan-");
        // The CLI's progress lines are collected, not printed among the reporter's output.
        const result = await planQuietly(["--out", outDir]);
        assert.equal(result.status, 0);
        planLines = result.lines;
    });

    it("reports each stack it wrote through its logger, so tests print nothing", () => {
        for (const stack of STACKS) assert.ok(planLines.some((line) => line.startsWith(`${stack}: `) && line.includes(" resources, ~$")), planLines.join("\n"));
        assert.ok(planLines.some((line) => line.startsWith("advisory: us-east: ")));
    });

    for (const stack of STACKS) {
        it(`${stack}: plan.json follows the contract of README.md § The offline plan`, () => {
            const plan = planOf(stack);
            assert.deepEqual(Object.keys(plan), ["project", "stack", "config", "resources", "outputs"]);
            assert.equal(plan.project, "wso2-apim-multi-dc");
            assert.equal(plan.stack, stack);
            assert.equal(plan.config["aws:region"], stack === "us-east" ? "us-east-1" : "us-west-2");
            assert.equal(plan.config["wso2-apim-multi-dc:nodeCount"], 2);
            const urns = new Set(plan.resources.map((r) => r.urn));
            assert.equal(urns.size, plan.resources.length, "URNs are unique");
            for (const r of plan.resources) {
                assert.deepEqual(Object.keys(r), ["urn", "type", "name", "parent", "provider", "dependsOn", "protect", "inputs"]);
                assert.match(r.type, /^[a-z0-9-]+:[A-Za-z0-9/._-]*:[A-Za-z0-9]+$/);
                assert.ok(r.urn.endsWith(`::${r.name}`));
                if (r.parent !== null) assert.ok(urns.has(r.parent), `${r.name}: parent ${r.parent} is not in the plan`);
                if (r.provider !== null) assert.ok(urns.has(r.provider), `${r.name}: provider ${r.provider} is not in the plan`);
                for (const dep of r.dependsOn) assert.ok(urns.has(dep), `${r.name}: dependency ${dep} is not in the plan`);
            }
            const alb = plan.resources.find((r) => r.type === "aws:lb/loadBalancer:LoadBalancer")!;
            assert.ok(alb.dependsOn.some((urn) => urn.endsWith("-lb-access-logs-policy")), "an explicit dependsOn is recorded");
            assert.ok(alb.dependsOn.some((urn) => urn.includes("Subnet::")), "a dependency through consumed outputs is recorded");
            assert.equal(plan.resources.find((r) => r.type === "aws:efs/fileSystem:FileSystem")!.protect, true);
            assert.equal(plan.outputs.gatewayUrl, "https://gateway.example.com");
        });

        it(`${stack}: cloud-computed values are placeholders and secrets are redacted`, () => {
            const plan = planOf(stack);
            assert.match(String(plan.outputs.albDnsName), /^\(known after apply: dc\d-lb-alb\.dnsName\)$/);
            const version = plan.resources.find((r) => r.type === "aws:secretsmanager/secretVersion:SecretVersion")!;
            assert.equal(version.inputs.secretString, "[secret]");
        });

        it(`${stack}: files/ holds exactly what the program passes to AWS`, async () => {
            const plan = planOf(stack);
            const nodes = plan.resources.filter((r) => r.type === "aws:ec2/instance:Instance");
            assert.ok(nodes.length >= 1);
            const program = await run(stack);
            for (const node of nodes) {
                const declared = program.resources.find((r) => r.urn === node.urn)!.inputs.userData as string;
                const written = fs.readFileSync(path.join(outDir, stack, "files", node.name, "user-data"), "utf8");
                assert.equal(written, declared);
                for (const file of YAML.parse(declared).write_files) {
                    assert.equal(fs.readFileSync(path.join(outDir, stack, "files", node.name, file.path), "utf8"), writtenContent(file));
                }
            }
            const objects = program.resources.filter((r) => r.type === "aws:s3/bucketObjectv2:BucketObjectv2");
            assert.ok(objects.length >= 6, "the SQL and the database hook are uploaded");
            for (const object of objects) {
                const written = fs.readFileSync(path.join(outDir, stack, "files", "s3", String(object.inputs.bucket), String(object.inputs.key)), "utf8");
                assert.equal(written, object.inputs.content);
            }
        });

        it(`${stack}: summary.md has the diagram, counts, routing table and a cost whose total is the sum of its lines`, () => {
            const summary = fs.readFileSync(path.join(outDir, stack, "summary.md"), "utf8");
            for (const heading of ["## Region", "## Resources by type", "## DNS routing", "## Estimated monthly cost (USD)", "## Advisory findings"]) {
                assert.ok(summary.includes(`\n${heading}\n`), `missing ${heading}`);
            }
            assert.match(summary, /```mermaid\nflowchart LR\n/);
            assert.match(summary, /alb\["ALB dc\d-lb-alb<br\/>443 TLS 1\.2\+ · 80 → 443"\]/);
            if (stack === "us-west") assert.match(summary, /peer0\(\("peer VPC us-east-1"\)\)\n {2}vpc <-->\|VPC peering\| peer0/);
            assert.match(summary, /Prices as of \d{4}-\d{2}-\d{2}\. Source: AWS public on-demand/);
            const cost = estimateCost(planOf(stack).resources);
            const sum = cost.lines.reduce((total, line) => total + (line.monthlyUsd ?? 0), 0);
            assert.ok(Math.abs(sum - cost.totalUsd) < 0.005, `${sum} vs ${cost.totalUsd}`);
            assert.ok(summary.includes(`| **total** | | **$${cost.totalUsd.toFixed(2)}** |`));
            const instanceLine = cost.lines.find((l) => l.type === "aws:ec2/instance:Instance")!;
            // EC2 hours, the gp3 root and the CloudWatch agent's 3 custom metrics.
            assert.equal(instanceLine.monthlyUsd, Math.round((0.192 * 730 + 50 * 0.08 + 3 * 0.3) * 100) / 100);
        });
    }

    for (const stack of STACKS) {
        it(`${stack}: summary.md lists the alarms, and the cost prices them and the dashboard and groups the resources with no charge`, () => {
            const summary = fs.readFileSync(path.join(outDir, stack, "summary.md"), "utf8");
            const dc = stack === "us-east" ? "dc1" : "dc2";
            assert.ok(summary.includes("\n## Alarms\n\n28 alarms (runbook: docs/operations.md).\n"));
            assert.ok(summary.includes(`| wso2-apim-${dc}-node-1-system-check | AWS/EC2 StatusCheckFailed_System | Maximum over 1 min ≥ 1 (count), 2 of 2 periods, missing = missing | ${stack === "us-east" ? "us-east-1" : "us-west-2"} | EC2 recover, topic ${dc}-ops-alarms |`));
            const healthTopic = stack === "us-east" ? `${dc}-ops-alarms` : `${dc}-ops-us-east-1-alarms`;
            assert.ok(summary.includes(`| wso2-apim-${dc}-dns-gateway-health | AWS/Route53 HealthCheckStatus | Minimum over 1 min < 1 (1 = healthy), 2 of 2 periods, missing = breaching | us-east-1 | topic ${healthTopic} |`));

            const cost = estimateCost(planOf(stack).resources);
            const alarms = cost.lines.filter((l) => l.type === "aws:cloudwatch/metricAlarm:MetricAlarm");
            assert.equal(alarms.length, 28);
            // 28 alarms reading 30 metrics (the two 5XX rates read errors and requests) at $0.10 each.
            assert.equal(Math.round(alarms.reduce((sum, l) => sum + l.monthlyUsd!, 0) * 100) / 100, 3);
            assert.equal(cost.lines.find((l) => l.type === "aws:cloudwatch/dashboard:Dashboard")?.monthlyUsd, 3);
            // Each node's CloudWatch agent publishes memory, disk and the disk roll-up: 3 custom metrics at $0.30.
            const node = cost.lines.find((l) => l.resource === `${dc}-apim-1`)!;
            assert.match(node.basis, /\+ 3 CloudWatch agent metric\(s\) × \$0\.3$/);
            assert.equal(node.monthlyUsd, Math.round((0.192 * 730 + 50 * 0.08 + 3 * 0.3) * 100) / 100);
            const free = cost.lines.filter((l) => l.monthlyUsd === 0);
            assert.equal(free.length, 1, "one line for everything with no charge");
            assert.equal(free[0].type, "no charge");
            assert.match(free[0].basis, /TargetGroup × 2/);
            // The nodes' health gates: AWS::* resource providers cost nothing in CloudFormation.
            assert.match(free[0].basis, /aws:cloudformation\/stack:Stack × 2/);
            assert.match(free[0].basis, /pulumi:pulumi:Stack × 1/);
            assert.equal(Number(/^(\d+) resources$/.exec(free[0].resource)?.[1]),
                planOf(stack).resources.filter((r) => !r.type.startsWith("wso2-apim:")).length - cost.lines.length + 1);
            assert.ok(summary.includes(`| ${free[0].resource} | no charge | $0.00 | ${free[0].basis} |`));
        });
    }

    it("lists a resource with no known price instead of leaving it out", () => {
        const resources: PlanResource[] = [
            { urn: "u1", type: "aws:ec2/instance:Instance", name: "odd", parent: null, provider: null, dependsOn: [], protect: false, inputs: { instanceType: "x9.huge" } },
            { urn: "u2", type: "aws:kinesis/stream:Stream", name: "stream", parent: null, provider: null, dependsOn: [], protect: false, inputs: {} },
        ];
        const cost = estimateCost(resources);
        assert.deepEqual(cost.unpriced.map((l) => [l.resource, l.basis]), [["odd", "no price known"], ["stream", "no price known"]]);
        assert.equal(cost.totalUsd, 0);
    });

    it("redacts secret config values in plan.json and never writes them in clear", async () => {
        const program = await run("us-east");
        const config = { ...program.config, values: { ...program.config.values, "wso2-apim-multi-dc:token": "hunter2" }, secretKeys: ["wso2-apim-multi-dc:token"] };
        const plan = buildPlan({ ...program, config });
        assert.equal(plan.config["wso2-apim-multi-dc:token"], "[secret]");
        assert.ok(!JSON.stringify(plan).includes("hunter2"));
    });

    it("plans one stack with --stack, leaving the others alone", async () => {
        const dir = tempDir("plan-one-");
        assert.equal((await planQuietly(["--stack", "us-west", "--out", dir])).status, 0);
        assert.deepEqual(fs.readdirSync(dir), ["us-west"]);
    });

    it("diffs two hand-made plans: added, removed and changed with the changed keys", () => {
        const resource = (name: string, inputs: Record<string, unknown>, protect = false): PlanResource => ({
            urn: `urn:pulumi:s::p::aws:x/y:Z::${name}`, type: "aws:x/y:Z", name, parent: null, provider: null, dependsOn: [], protect, inputs,
        });
        const before: Plan = { project: "p", stack: "s", config: {}, outputs: {}, resources: [
            resource("kept", { a: 1, nested: { b: 1, c: 2 } }),
            resource("same", { a: 1 }),
            resource("gone", {}),
        ] };
        const after: Plan = { project: "p", stack: "s", config: {}, outputs: {}, resources: [
            resource("kept", { a: 2, nested: { b: 1, c: 3 }, d: true }, true),
            resource("same", { a: 1 }),
            resource("new", {}),
        ] };
        const diff = diffPlans("s", before, after);
        assert.deepEqual(diff.added.map((r) => r.name), ["new"]);
        assert.deepEqual(diff.removed.map((r) => r.name), ["gone"]);
        assert.deepEqual(diff.changed.map((c) => [c.resource.name, c.keys]), [["kept", ["a", "d", "nested.c", "(protect)"]]]);
        const markdown = renderDiff([diff]);
        assert.match(markdown, /### s: 1 to add, 1 to change, 1 to remove/);
        assert.match(markdown, /\| ~ \| kept \| `aws:x\/y:Z` \| `a`, `d`, `nested\.c`, `\(protect\)` \|/);
        assert.match(markdown, /\| \+ \| new \|/);
        assert.match(markdown, /\| - \| gone \|/);
    });

    it("fails on a stack that breaks a mandatory guardrail, naming the rule, the resource and the fix", () => {
        const configDir = tempDir("plan-guardrail-");
        for (const stack of STACKS) fs.copyFileSync(path.join(PROJECT_DIR, `Pulumi.${stack}.yaml`), path.join(configDir, `Pulumi.${stack}.yaml`));
        fs.writeFileSync(path.join(configDir, "Pulumi.yaml"), projectYamlWith({ databaseMultiAz: false }));
        const out = tempDir("plan-guardrail-out-");
        const result = spawnSync(process.execPath, ["-r", "sucrase/register/ts", "tools/plan/cli.ts", "--config-dir", configDir, "--out", out], {
            cwd: PROJECT_DIR,
            encoding: "utf8",
        });
        assert.equal(result.status, 1, result.stderr);
        assert.match(result.stderr, /plan failed: \d+ mandatory guardrail\(s\) broken/);
        assert.match(result.stderr, /- us-east: WSO2-REL-005 \(mandatory\) dc1-db-oracle \[aws:rds\/instance:Instance\]: .* — fix: /);
        assert.deepEqual(fs.readdirSync(out), []);
    });

    it("fails on a hosted zone whose certificate name ACM refuses, naming WSO2-AWS-013, the certificate and the fix", () => {
        // Config accepts any DNS zone (253 characters); ACM takes a first domain name of 64 at most
        // (ACM API Reference, RequestCertificate DomainName), so gateway.<zone> caps the zone at 56.
        const zone = "wso2-api-manager-multi-datacenter-deployments.example.com"; // 57 characters
        const configDir = tempDir("plan-aws-input-");
        fs.writeFileSync(path.join(configDir, "Pulumi.yaml"), projectYamlWith({ hostedZoneName: zone }));
        for (const stack of STACKS) fs.copyFileSync(path.join(PROJECT_DIR, `Pulumi.${stack}.yaml`), path.join(configDir, `Pulumi.${stack}.yaml`));
        const out = tempDir("plan-aws-input-out-");
        const result = spawnSync(process.execPath, ["-r", "sucrase/register/ts", "tools/plan/cli.ts", "--config-dir", configDir, "--out", out], {
            cwd: PROJECT_DIR,
            encoding: "utf8",
        });
        assert.equal(result.status, 1, result.stderr);
        assert.match(
            result.stderr,
            new RegExp(`- us-east: WSO2-AWS-013 \\(mandatory\\) dc1-lb-cert \\[aws:acm/certificate:Certificate\\]: certificate domain name "gateway\\.${zone.replace(/\./g, "\\.")}" is 65 characters; AWS allows 64 — fix: use a hosted zone whose gateway\\.<zone> name is at most 64 characters`),
        );
        assert.deepEqual(fs.readdirSync(out), []);
    });

    for (const stack of STACKS) {
        it(`${stack}: summary.md marks every resource plan.json records as protected, and only those`, () => {
            const plan = planOf(stack);
            const summary = fs.readFileSync(path.join(outDir, stack, "summary.md"), "utf8");
            const marked = plan.resources.filter((r) => r.protect);
            assert.ok(marked.some((r) => r.type === "aws:rds/instance:Instance"), "the database is protected");
            assert.ok(summary.includes(`\nProtected (\`protect: true\`; Pulumi refuses to delete or replace them until unprotected): ${marked.length}.\n`));
            const listed = [...summary.matchAll(/^\| ([a-z0-9-]+) \| `([^`]+)` \|$/gm)].map((m) => `${m[1]} ${m[2]}`);
            assert.deepEqual(listed, marked.map((r) => `${r.name} ${r.type}`));
            assert.ok(summary.includes(`| **total** | **${plan.resources.length}** | **${marked.length}** |`));
            assert.ok(summary.includes("| `aws:rds/instance:Instance` | 1 | 1 |"));
        });

        it(`${stack}: summary.md shows when each alarm fires: statistic over period, threshold in the unit of its metric, M of N periods, missing-data treatment; every alarm's unit is known`, () => {
            const plan = planOf(stack);
            const summary = fs.readFileSync(path.join(outDir, stack, "summary.md"), "utf8");
            const dc = stack === "us-east" ? "dc1" : "dc2";
            for (const [alarm, fires] of [
                ["database-free-storage", "Minimum over 5 min < 20 GiB, 2 of 2 periods, missing = missing"], // 21474836480 bytes (AWS/RDS FreeStorageSpace: Bytes)
                ["database-freeable-memory", "Average over 5 min < 256 MiB, 3 of 3 periods, missing = missing"],
                ["database-cpu", "Average over 5 min > 80%, 3 of 3 periods, missing = missing"],
                ["database-storage-runway", "math of Average over 15 min < 24 h, 4 of 4 periods, missing = notBreaching"], // math: period and stat of the metric it reads
                ["alb-5xx-rate", "math of Sum over 1 min > 5%, 5 of 5 periods, missing = notBreaching"], // math, labelled "5XX %"
                ["artifact-sync-lag", "Maximum over 1 min > 600 s (10 min), 5 of 5 periods, missing = breaching"],
                ["target-response-p95", "p95 over 1 min > 2 s, 5 of 5 periods, missing = notBreaching"],
                ["node-1-memory", "Average over 1 min > 90%, 15 of 15 periods, missing = missing"],
                ["wso2-errors", "Sum over 5 min ≥ 50 (count), 1 of 1 periods, missing = notBreaching"], // the log metric filter's unit
                ["traffic-manager-unreachable", "Sum over 5 min ≥ 1 (count), 6 of 6 periods, missing = notBreaching"], // datapointsToAlarm = evaluationPeriods
            ]) {
                assert.match(summary, new RegExp(`^\\| wso2-apim-${dc}-${alarm} \\| [^|]+ \\| ${fires.replace(/[()]/g, "\\$&")} \\|`, "m"), alarm);
            }
            assert.doesNotMatch(summary, /21474836480|268435456/);
            const unknown = plan.resources.filter((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm" && alarmUnit(plan, r.inputs) === null);
            assert.deepEqual(unknown.map((r) => r.name), [], "alarms whose metric has no known unit (tools/plan/alarm-units.ts)");
        });
    }

    it("knows the unit of every alarm of a stack with a GoldenGate hub (replication lag, divergence, duplicates, exceptions purge, hub host)", async () => {
        for (const stack of STACKS) {
            const program = await run(stack, { goldengateLicense: "byol", goldengateAmiId: "ami-0fedcba9876543210" });
            const plan = buildPlan(program);
            const alarms = plan.resources.filter((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm");
            const names = alarms.map((r) => String(r.inputs.metricName ?? ""));
            if (stack === "us-east") {
                for (const metric of ["DivergentTables", "DuplicateNaturalKeyTables", "ExceptionsPurgeFailures", "ReplicationLagSeconds"]) {
                    assert.ok(names.includes(metric), `${stack}: an alarm on ${metric}`);
                }
            }
            const unknown = alarms.filter((r) => alarmUnit(plan, r.inputs) === null);
            assert.deepEqual(unknown.map((r) => r.name), [], `${stack}: alarms whose metric has no known unit (tools/plan/alarm-units.ts)`);
        }
    });

    it("writes thresholds in binary byte units, seconds with minutes or hours, and percent", () => {
        assert.equal(formatThreshold(21474836480, "Bytes"), "20 GiB");
        assert.equal(formatThreshold(1536, "Bytes"), "1.5 KiB");
        assert.equal(formatThreshold(512, "Bytes"), "512 bytes");
        assert.equal(formatThreshold(43200, "Seconds"), "43200 s (12 h)");
        assert.equal(formatThreshold(30, "Seconds"), "30 s");
        assert.equal(formatThreshold(80, "Percent"), "80%");
        assert.equal(formatThreshold(7, null), "7");
        assert.equal(AWS_METRIC_UNITS["AWS/RDS FreeStorageSpace"], "Bytes");
    });

    it("summary.md collapses repeated DNS answers: one row per distinct answer with its locations, every location once", () => {
        const summary = fs.readFileSync(path.join(outDir, "us-east", "summary.md"), "utf8");
        const dns = summary.slice(summary.indexOf("## DNS routing"), summary.indexOf("## Alarms"));
        // The Publisher/Portal name answers every location alike: one row, not 60.
        assert.match(dns, /### apim\.example\.com\n\n60 client locations, 1 distinct answer\(s\)\.\n\n.*\n.*\n\| all 60 \| us-east-1 \| us-west-2 \| us-east-1 \|\n/);
        const gateway = dns.slice(dns.indexOf("### gateway.example.com"), dns.indexOf("### apim.example.com"));
        const rows = gateway.split("\n").filter((line) => /^\| \d+: /.test(line));
        assert.ok(gateway.includes(`60 client locations, ${rows.length} distinct answer(s).`));
        assert.ok(rows.length >= 2 && rows.length < 10, `${rows.length} rows`);
        assert.equal(new Set(rows.map((row) => row.split(" | ").slice(1).join(" | "))).size, rows.length, "each answer once");
        assert.equal(rows.reduce((sum, row) => sum + Number(/^\| (\d+):/.exec(row)![1]), 0), 60, "each location in one row");
        const west = rows.find((row) => row.includes("states AK,"))!;
        assert.match(west, /CA, .*WA, .*; continents AS, OC \| us-west-2 \| us-west-2 \| us-east-1 \|$/);
        assert.match(rows.find((row) => row !== west)!, /country US; .*\* \(default\) \| us-east-1 \| us-west-2 \| us-east-1 \|$/);
    });

    it("shows in plan.json and summary.md which image the nodes boot and where it comes from", () => {
        for (const stack of STACKS) {
            const parameter = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";
            assert.deepEqual(planOf(stack).outputs.nodeImage, { amiId: `(known after apply: ${parameter}.value)`, source: `ssm:${parameter}` });
            const summary = fs.readFileSync(path.join(outDir, stack, "summary.md"), "utf8");
            assert.ok(summary.includes(`\nNode image: \`(known after apply: ${parameter}.value)\` from \`ssm:${parameter}\`.\n`), summary.slice(0, 600));
        }
    });

    it("names the stacks and the datacenter when two stack files claim the same datacenter, planning none", () => {
        const configDir = tempDir("plan-two-claims-");
        for (const file of ["Pulumi.yaml", "Pulumi.us-east.yaml", "Pulumi.us-west.yaml"]) fs.copyFileSync(path.join(PROJECT_DIR, file), path.join(configDir, file));
        fs.writeFileSync(path.join(configDir, "Pulumi.us-east-2.yaml"), "config:\n  aws:region: us-east-1\n  wso2-apim-multi-dc:datacenter: DC1\n");
        const out = tempDir("plan-two-claims-out-");
        const result = spawnSync(process.execPath, ["-r", "sucrase/register/ts", "tools/plan/cli.ts", "--config-dir", configDir, "--out", out], {
            cwd: PROJECT_DIR,
            encoding: "utf8",
        });
        assert.equal(result.status, 1, result.stderr);
        assert.match(result.stderr, /plan failed: Invalid configuration \(nothing was deployed\):\n {2}- wso2-apim-multi-dc:datacenter: DC1 is claimed by 2 stacks: us-east \(Pulumi\.us-east\.yaml\), us-east-2 \(Pulumi\.us-east-2\.yaml\); one stack deploys one datacenter, and DC1's is "us-east"/);
        assert.deepEqual(fs.readdirSync(out), []);
    });

    it("exits non-zero naming the key on bad config, leaving no plan for that stack", () => {
        const configDir = tempDir("plan-config-");
        fs.writeFileSync(path.join(configDir, "Pulumi.yaml"), projectYamlWith({ nodeCount: 0 }));
        fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.us-east.yaml"), path.join(configDir, "Pulumi.us-east.yaml"));
        const out = tempDir("plan-bad-");
        fs.mkdirSync(path.join(out, "us-east"));
        fs.writeFileSync(path.join(out, "us-east", "plan.json"), "{}"); // an earlier plan must not survive
        const result = spawnSync(process.execPath, ["-r", "sucrase/register/ts", "tools/plan/cli.ts", "--config-dir", configDir, "--out", out], {
            cwd: PROJECT_DIR,
            encoding: "utf8",
        });
        assert.equal(result.status, 1, result.stderr);
        assert.match(result.stderr, /plan failed: stack us-east: Invalid configuration \(nothing was deployed\):\n {2}- wso2-apim-multi-dc:nodeCount: must be an integer from 1 to 20, got "0"/);
        assert.ok(!fs.existsSync(path.join(out, "us-east")));
    });
});
