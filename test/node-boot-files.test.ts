import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as TOML from "smol-toml";
import * as YAML from "yaml";
import { renderDeploymentToml } from "../lib/render/deployment-toml";
import { LOCAL_PORT_RANGE, renderSysctlConf, WSO2_LISTEN_PORTS } from "../lib/render/sysctl";
import { renderBootUnit, renderSystemdUnit } from "../lib/render/systemd-unit";
import { BOOTSTRAP_SCRIPT, renderUserData, USER_DATA_LIMIT_BYTES, WrittenFile, writtenContent } from "../lib/render/user-data";
import { NODE_TOOLS_HOOK_KEY, renderNodeToolsHook, RUN_WRAPPER_SCRIPT } from "../lib/render/node-tools-hook";
import { HEALTH_SIGNAL_SCRIPT, NODE_HEALTH_SCRIPT } from "../lib/render/health-signal";
import { SHARED_PATHS, sharedMountPoint } from "../lib/shared-paths";
import { named, nodeFile, ofType, requireTool, run, shellcheck, STACKS, temporaryDirectories } from "./harness";
import { NODE_DATABASE, NODE_HEALTH_SIGNAL } from "./node-inputs";

const tempDir = temporaryDirectories();

/** A file in a temporary directory, removed after the run. */
function tempFile(name: string, content: string): string {
    const file = path.join(tempDir("boot-files-"), name);
    fs.writeFileSync(file, content);
    return file;
}

async function nodeUserData(): Promise<{ stack: string; node: string; userData: string }[]> {
    const all = [];
    for (const stack of STACKS) {
        for (const node of ofType(await run(stack), "aws:ec2/instance:Instance")) {
            all.push({ stack, node: node.name, userData: String(node.inputs.userData) });
        }
    }
    return all;
}

/** What each write_files entry puts on the node, by path. */
function writeFiles(userData: string): Map<string, string> {
    const doc = YAML.parse(userData);
    return new Map((doc.write_files as WrittenFile[]).map((f) => [f.path, writtenContent(f)]));
}

/** Parses `key = value` lines of a sysctl.d file. */
function sysctlSettings(text: string): Map<string, string> {
    return new Map(text.split("\n").filter((line) => /^[a-z]/.test(line)).map((line) => line.split(" = ") as [string, string]));
}

const DATABASE = { host: "oracle.dc1.wso2-apim.internal", port: 1521, serviceName: "APIMDB", amDbUser: "WSO2AM", sharedDbUser: "WSO2SHARED" };
const TOML_INPUT = {
    hostname: "apim.example.com",
    globalGatewayHost: "gateway.example.com",
    datacenter: "DC1",
    database: DATABASE,
    trafficManagers: ["apim-1.dc1.wso2-apim.internal", "apim-2.dc1.wso2-apim.internal"],
    peerTrafficManagers: [{ datacenter: "DC2", hosts: ["apim-1.dc2.wso2-apim.internal", "apim-2.dc2.wso2-apim.internal"] }],
    gatewayTokenCacheSeconds: 900,
    gatewayEnvironments: [] as typeof ENVIRONMENTS,
};
const ENVIRONMENTS = [
    { datacenter: "DC1", region: "us-east-1", gatewayHost: "gateway-us-east-1.example.com", adminServicesHost: "apim.dc1.wso2-apim.internal" },
    { datacenter: "DC2", region: "us-west-2", gatewayHost: "gateway-us-west-2.example.com", adminServicesHost: "apim.dc2.wso2-apim.internal" },
];

describe("node boot files", () => {
    it("bootstrap script passes shellcheck", function () {
        requireTool(this, "shellcheck");
        const result = shellcheck(BOOTSTRAP_SCRIPT);
        assert.equal(result.status, 0, result.output);
    });

    it("every node's user-data is valid cloud-config", async function () {
        requireTool(this, "cloud-init");
        for (const { node, userData } of await nodeUserData()) {
            const file = tempFile("user-data.yaml", userData);
            const result = spawnSync("cloud-init", ["schema", "--config-file", file], { encoding: "utf8" });
            assert.equal(result.status, 0, `${node}: ${result.stdout}${result.stderr}`);
        }
    });

    it("every node's user-data fits EC2's 16 KB", async () => {
        for (const { node, userData } of await nodeUserData()) {
            assert.ok(Buffer.byteLength(userData) <= USER_DATA_LIMIT_BYTES, `${node}: ${Buffer.byteLength(userData)} bytes`);
        }
    });

    it("refuses to render user-data over the limit rather than truncate it", () => {
        assert.throws(() => renderUserData({
            logGroupName: "dc1-apim-logs",
            hostMetricsNamespace: "WSO2APIM/wso2-apim/NodeHost",
            bootstrap: {
                region: "us-east-1",
                wso2PackS3Uri: `s3://bucket/${"x".repeat(USER_DATA_LIMIT_BYTES)}`,
                wso2PackSha256: null,
                efsFileSystemId: "fs-1",
                accessPointIds: { "synapse-configs": "fsap-1", executionplans: "fsap-2", tenants: "fsap-3", security: "fsap-4" },
                adminSecretId: "arn:secret",
                bootHookUris: [],
            },
            deploymentToml: { ...TOML_INPUT, gatewayEnvironments: ENVIRONMENTS },
            database: NODE_DATABASE,
            healthSignal: NODE_HEALTH_SIGNAL,
        }), /over EC2's 16384-byte limit/);
    });

    it("writes the boot script, its parameters, deployment.toml, kernel settings, both units and the health signal, and only enables and starts the boot unit", async () => {
        for (const { node, userData } of await nodeUserData()) {
            const files = writeFiles(userData);
            assert.deepEqual([...files.keys()], [
                "/etc/wso2-apim/bootstrap.env",
                "/etc/wso2-apim/database.env",
                "/etc/wso2-apim/deployment.toml",
                "/etc/sysctl.d/90-wso2-apim.conf",
                "/etc/systemd/system/wso2am.service",
                "/etc/systemd/system/wso2-boot.service",
                "/etc/wso2-apim/cloudwatch-agent.json",
                "/usr/local/sbin/wso2-bootstrap",
                "/etc/wso2-apim/health-signal.env",
                "/etc/systemd/system/wso2-health-signal.service",
                "/etc/systemd/system/wso2-health-signal.timer",
            ], node);
            assert.equal(files.get("/usr/local/sbin/wso2-bootstrap"), BOOTSTRAP_SCRIPT);
            // cloud-init runs runcmd once per instance: it only hands over to the unit that runs at every start.
            assert.deepEqual(YAML.parse(userData).runcmd, [
                ["systemctl", "daemon-reload"],
                ["systemctl", "enable", "wso2-boot.service"],
                ["systemctl", "start", "--no-block", "wso2-boot.service"],
            ]);
        }
    });

    it("sets the gateways' token cache from gatewayTokenCacheSeconds, WSO2's 900 s by default ([apim.cache] token_expiry_time)", async () => {
        const tomlOf = async (overrides?: Record<string, unknown>) => {
            const [node] = ofType(await run("us-west", overrides), "aws:ec2/instance:Instance");
            return TOML.parse(writeFiles(String(node.inputs.userData)).get("/etc/wso2-apim/deployment.toml")!) as any;
        };
        assert.deepEqual({ ...(await tomlOf()).apim.cache }, { token_expiry_time: 900 });
        assert.deepEqual({ ...(await tomlOf({ gatewayTokenCacheSeconds: 60 })).apim.cache }, { token_expiry_time: 60 });
    });

    it("renders the same user-data twice (a changed user-data stops and starts the node)", async () => {
        const [first, second] = [await nodeUserData(), await nodeUserData()];
        assert.deepEqual(second, first);
    });

    it("deployment.toml of every node parses back with the public host and one gateway environment per region, its own first on the global name", async () => {
        for (const { stack, node, userData } of await nodeUserData()) {
            const toml = TOML.parse(writeFiles(userData).get("/etc/wso2-apim/deployment.toml")!) as any;
            assert.equal(toml.server.hostname, "apim.example.com", node);
            assert.equal(toml.server.node_ip, "$env{NODE_IP}");
            assert.equal(toml.super_admin.password, "$secret{admin_password}");
            assert.equal(toml.transport.https.properties.proxyPort, 443);
            assert.deepEqual(
                toml.apim.gateway.environment.map((e: any) => [e.name, e.type, e.service_url, e.https_endpoint]),
                // Admin services over the peering, by the DC's private name (docs/artifacts.md); the node's
                // own DC first, on the global name (the Developer Portal's token endpoint).
                stack === "us-east" ? [
                    ["DC1 us-east-1", "hybrid", "https://apim.dc1.wso2-apim.internal:9443/services/", "https://gateway.example.com"],
                    ["DC2 us-west-2", "hybrid", "https://apim.dc2.wso2-apim.internal:9443/services/", "https://gateway-us-west-2.example.com"],
                ] : [
                    ["DC2 us-west-2", "hybrid", "https://apim.dc2.wso2-apim.internal:9443/services/", "https://gateway.example.com"],
                    ["DC1 us-east-1", "hybrid", "https://apim.dc1.wso2-apim.internal:9443/services/", "https://gateway-us-east-1.example.com"],
                ],
                `${stack} ${node}`,
            );
        }
    });

    it("deployment.toml is read the same by Python's tomllib", function () {
        requireTool(this, "python3");
        const text = renderDeploymentToml({ ...TOML_INPUT, gatewayEnvironments: ENVIRONMENTS });
        const result = spawnSync("python3", ["-c", "import sys, tomllib, json; print(json.dumps(tomllib.loads(sys.stdin.read())))"], { input: text, encoding: "utf8" });
        assert.equal(result.status, 0, result.stderr);
        assert.deepEqual(JSON.parse(result.stdout), JSON.parse(JSON.stringify(TOML.parse(text))));
    });

    it("the systemd unit runs WSO2 as its user only once the shared paths are mounted", () => {
        const unit = renderSystemdUnit();
        assert.match(unit, /^User=wso2$/m);
        assert.match(unit, /^EnvironmentFile=\/etc\/wso2-apim\/runtime\.env$/m);
        // The mount points, outside the versioned WSO2 home (its paths are symlinks, which systemd does not follow).
        assert.match(unit, new RegExp(`^RequiresMountsFor=${SHARED_PATHS.map((p) => sharedMountPoint(p.path)).join(" ")}$`, "m"));
        // The start wrapper runs wso2server.sh of that home (test/wso2-restart.test.ts).
        assert.match(unit, /^ExecStart=\/usr\/local\/sbin\/wso2-run \/opt\/wso2am-3\.1\.0$/m);
    });

    it("WSO2 starts only after a successful boot, with JAVA_HOME and the heap from the boot, not a fixed path", () => {
        const unit = renderSystemdUnit();
        assert.match(unit, /^Requires=wso2-boot\.service$/m);
        assert.match(unit, /^After=wso2-boot\.service /m);
        assert.doesNotMatch(unit, /JAVA_HOME|\[Install\]/);
    });

    it("the boot unit runs at every start, retries a failed boot a bounded number of times and logs to the shipped file", () => {
        const unit = renderBootUnit();
        assert.match(unit, /^Type=oneshot$/m);
        assert.match(unit, /^ExecStart=\/usr\/local\/sbin\/wso2-bootstrap$/m);
        assert.match(unit, /^WantedBy=multi-user\.target$/m);
        assert.match(unit, /^Restart=on-failure$/m);
        assert.match(unit, /^StartLimitBurst=\d+$/m);
        assert.match(unit, /^StartLimitIntervalSec=\d+$/m);
        // Restart/StartLimit settings belong to [Service]/[Unit] respectively (systemd.unit, systemd.service).
        assert.ok(unit.indexOf("StartLimitBurst") < unit.indexOf("[Service]") && unit.indexOf("Restart=") > unit.indexOf("[Service]"));
        assert.match(unit, /^TimeoutStartSec=infinity$/m);
        assert.match(unit, /^StandardOutput=append:\/var\/log\/wso2-bootstrap\.log$/m);
    });

    it("kernel settings: WSO2's production values that kernel 6.1 still has, a wider port range and WSO2's listen ports reserved", () => {
        const settings = sysctlSettings(renderSysctlConf());
        assert.equal(settings.get("net.ipv4.tcp_fin_timeout"), "30");
        assert.equal(settings.get("net.ipv4.tcp_tw_reuse"), "1");
        assert.equal(settings.get("net.ipv4.tcp_rmem"), "4096 87380 16777216");
        assert.equal(settings.get("net.ipv4.tcp_wmem"), "4096 65536 16777216");
        assert.equal(settings.get("net.core.rmem_max"), "67108864");
        assert.ok(!settings.has("net.ipv4.tcp_tw_recycle"), "tcp_tw_recycle was removed in Linux 4.12");
        assert.equal(settings.get("net.ipv4.ip_local_port_range"), `${LOCAL_PORT_RANGE.first} ${LOCAL_PORT_RANGE.last}`);
        const reserved = settings.get("net.ipv4.ip_local_reserved_ports")!.split(",").map(Number);
        for (const port of [8243, 8280, 9443, 9611, 9711, 5672, 11111]) assert.ok(reserved.includes(port), `port ${port} is not reserved`);
        assert.deepEqual(reserved, WSO2_LISTEN_PORTS);
        for (const [key, value] of settings) assert.match(value, /^[0-9][0-9 ,]*$/, key);
    });
});

describe("log shipping", () => {
    it("ships the boot log and WSO2's logs under the names 3.1.0 writes them (dated access logs), one stream per node and file", async () => {
        const program = await run("us-east");
        for (const node of ofType(program, "aws:ec2/instance:Instance")) {
            const config = JSON.parse(writeFiles(String(node.inputs.userData)).get("/etc/wso2-apim/cloudwatch-agent.json")!);
            const files = config.logs.logs_collected.files.collect_list;
            assert.deepEqual(files.map((f: any) => f.file_path), [
                "/var/log/wso2-bootstrap.log",
                "/opt/wso2am-3.1.0/repository/logs/wso2carbon.log",
                "/opt/wso2am-3.1.0/repository/logs/wso2-apigw-errors.log",
                "/opt/wso2am-3.1.0/repository/logs/audit.log",
                // Tomcat's AccessLogValve with prefix http_access_ and suffix .log dates the file per day.
                "/opt/wso2am-3.1.0/repository/logs/http_access_*.log",
                // wso2am.service's start wrapper: a line per end of WSO2 nobody asked for.
                "/opt/wso2am-3.1.0/repository/logs/wso2-run.log",
            ]);
            for (const f of files) {
                assert.equal(f.log_group_name, "(known after apply: dc1-apim-logs.name)");
                assert.match(f.log_stream_name, /^\{instance_id\}\//);
            }
        }
    });
});

describe("node role", () => {
    it("lets efs-utils look up the region's EFS mount targets (its IP fallback) and nothing wider", async () => {
        for (const stack of STACKS) {
            const program = await run(stack);
            const access = ofType(program, "aws:iam/rolePolicy:RolePolicy").find((p) => /-apim-iam-access$/.test(p.name))!;
            const statements = JSON.parse(String(access.inputs.policy)).Statement as { Action: string | string[]; Resource: string | string[] }[];
            const grants = (action: string) => statements.filter((s) => [s.Action].flat().includes(action));
            const dc = stack === "us-east" ? "dc1" : "dc2";
            const region = stack === "us-east" ? "us-east-1" : "us-west-2";
            assert.deepEqual(grants("elasticfilesystem:DescribeMountTargets").map((s) => s.Resource), [
                `arn:aws:elasticfilesystem:${region}:123456789012:file-system/(known after apply: ${dc}-efs-fs.id)`,
            ]);
            assert.deepEqual(grants("ec2:DescribeAvailabilityZones").map((s) => s.Resource), ["*"]);
        }
    });
});

describe("the scripts the node's units run arrive by a boot hook (the user-data has no room for them)", () => {
    it("the hook writes the start wrapper, the health signal and the node's health command as deployed, each with one rename; every node fetches it and the boot runs it first", async () => {
        const hook = renderNodeToolsHook();
        const body = (marker: string) => hook.slice(hook.indexOf(`<<'${marker}'\n`) + `<<'${marker}'\n`.length, hook.indexOf(`\n${marker}\n`));
        assert.equal(body("WRAPPER"), RUN_WRAPPER_SCRIPT.trimEnd());
        assert.equal(body("SIGNAL"), HEALTH_SIGNAL_SCRIPT.trimEnd());
        assert.equal(body("HEALTH"), NODE_HEALTH_SCRIPT.trimEnd());
        for (const target of ["/usr/local/sbin/wso2-run", "/usr/local/sbin/wso2-health-signal", "/usr/local/sbin/wso2-node-health"]) {
            assert.ok(hook.includes(`\nmv -f ${target}.new ${target}\n`), target);
        }
        assert.equal(spawnSync("bash", ["-n"], { input: hook }).status, 0);
        const program = await run("us-east");
        const uploaded = ofType(program, "aws:s3/bucketObjectv2:BucketObjectv2").find((o) => o.inputs.key === NODE_TOOLS_HOOK_KEY);
        assert.equal(uploaded?.inputs.content, hook);
        const env = nodeFile(named(program, "dc1-apim-1"), "/etc/wso2-apim/bootstrap.env");
        assert.ok(/^BOOT_HOOK_URIS='([^']*)'$/m.exec(env)![1].split(" ").some((uri) => uri.endsWith(`/${NODE_TOOLS_HOOK_KEY}`)));
        // The boot runs it by name, after fetching the hooks and before it enables the health signal's timer.
        const main = BOOTSTRAP_SCRIPT.slice(BOOTSTRAP_SCRIPT.indexOf("main() {"));
        assert.ok(BOOTSTRAP_SCRIPT.includes(`"$CONFIG_DIR/${NODE_TOOLS_HOOK_KEY}"`));
        const order = ["fetch_boot_hooks", "install_node_tools", "enable_health_signal", "run_boot_hooks", "start_wso2"].map((step) => main.indexOf(`\n    ${step}\n`));
        assert.ok(order.every((at, i) => at > 0 && (i === 0 || at > order[i - 1])), String(order));
    });
});
