/**
 * The optional GoldenGate hub host: created only with a licence and software, private at its
 * fixed address, IMDSv2, encrypted, managed through SSM, with a role limited to its files and
 * secret, and a boot script that passes shellcheck and carries no secret.
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import * as YAML from "yaml";
import { ConfigError, DEFAULT_DEPLOYMENT_NAME } from "../lib/config";
import {
    HUB_AGENT_CONFIG_FILE, HUB_BOOT_SCRIPT, HUB_ENV_FILE, HUB_GATE_SIGNAL, HUB_HEALTH_GRACE_SECONDS, HUB_HEALTH_SETTLE_SECONDS, HUB_START, HUB_START_LIMIT_INTERVAL_SECONDS, HubBootParameters, renderUnit, renderGateSignalEnv, renderGateSignalUnits, renderHubEnv, renderHubUserData,
} from "../lib/goldengate/hub-user-data";
import { GOLDENGATE } from "../lib/goldengate/names";
import { GATE_OUTPUT, gateGenerationKeeper, HEALTH_GATE, hubGateStackName } from "../lib/health-gate";
import { HEALTH_SIGNAL_SCRIPT } from "../lib/render/health-signal";
import { hubFilesDigest } from "../lib/region-files";
import { agentMetricCount } from "../tools/plan/cost";
import { PriorState, ProgramRun, RecordedResource, runProgram } from "../tools/offline/run";
import { HUB_HOST_METRICS_AREA, metricNamespace, NODE_HOST_METRICS, REPLICATION_LAG_METRIC } from "../lib/metrics";
import { writtenContent } from "../lib/render/user-data";
import { named, ofType, PROJECT_DIR, requireTool, run, runWithFakes, shellcheck, stackConfig, THIRD_DATACENTER } from "./harness";

const INSTANCE = "aws:ec2/instance:Instance";
const HUB_AMI = "ami-0fedcba9876543210";
const INSTALLER = "s3://example-ogg/191004_fbo_ggs_Linux_x64_shiphome.zip";
/** DC1's hub, as its user-data's parameters say, for the tests that run its script. */
const HUB_PARAMETERS: HubBootParameters = {
    lagNamespace: "WSO2APIM/wso2-apim/GoldenGate",
    region: "us-east-1", filesS3Prefix: "s3://wso2-apim-dc1/goldengate/", divergenceS3Prefix: "s3://wso2-apim-dc1/divergence/", installerS3Uri: null, installerSha256: null, filesDigest: "0123456789abcdef", secretId: "arn:gg",
    databaseUser: "OGGADMIN", databaseConnect: "oracle.dc1.wso2-apim.internal:1521/APIMDB", credentialAlias: "ogg_dc1",
    datacenterId: "DC1", datacenters: [{ id: "DC1", index: 1 }, { id: "DC2", index: 2 }], gateStack: "wso2-apim-dc1-goldengate-gate", hostMetricsNamespace: "WSO2APIM/wso2-apim/GoldenGateHost",
};

describe("GoldenGate hub", () => {
    it("is not created without a licence and software: the files are rendered all the same", async () => {
        const program = await run("us-east");
        assert.equal(ofType(program, "wso2-apim:replication:GoldenGateHub").length, 0);
        assert.ok(ofType(program, INSTANCE).every((i) => !i.name.includes("goldengate")));
        assert.ok(ofType(program, "aws:s3/bucketObjectv2:BucketObjectv2").some((o) => o.inputs.key === "goldengate/dirprm/eatob.prm"));
    });

    it("refuses software without a licence, and an unknown licence", async () => {
        for (const [overrides, pattern] of [
            [{ goldengateAmiId: HUB_AMI }, /goldengateLicense: must be byol when goldengateAmiId or goldengateInstallerS3Uri is set/],
            [{ goldengateLicense: "payg" }, /goldengateLicense: must be none or byol, got "payg"/],
        ] as const) {
            await assert.rejects(run("us-east", overrides), (err: unknown) => err instanceof ConfigError && pattern.test(err.message));
        }
    });

    describe("with goldengateLicense byol and an AMI", () => {
        const hubRun = () => run("us-east", { goldengateLicense: "byol", goldengateAmiId: HUB_AMI });

        it("runs one private, IMDSv2-only host at the hub's fixed address in the first private subnet, with the hub's group", async () => {
            const program = await hubRun();
            const host = named(program, "dc1-goldengate-host");
            const i = host.inputs as any;
            assert.deepEqual(
                [i.ami, i.instanceType, i.privateIp, i.subnetId, i.vpcSecurityGroupIds, i.associatePublicIpAddress, i.keyName],
                [HUB_AMI, "m6i.large", "10.10.128.10", "(known after apply: dc1-net-private-1.id)", ["(known after apply: dc1-sg-goldengate.id)"], false, undefined],
            );
            assert.equal(i.metadataOptions.httpTokens, "required");
            assert.deepEqual([i.rootBlockDevice.volumeType, i.rootBlockDevice.volumeSize, i.rootBlockDevice.encrypted], ["gp3", 100, true]);
            assert.equal(host.protect, true);
            const uploads = ofType(program, "aws:s3/bucketObjectv2:BucketObjectv2").filter((o) => String(o.inputs.key).startsWith("goldengate/"));
            for (const upload of uploads) assert.ok(host.dependsOn.includes(upload.urn), `the hub does not wait for ${upload.inputs.key}`);
        });

        it("gives it SSM and a role that reads only its files, the GoldenGate secret and its own health gate", async () => {
            const program = await hubRun();
            const attachments = ofType(program, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((a) => a.name.startsWith("dc1-goldengate"));
            assert.deepEqual(attachments.map((a) => a.inputs.policyArn), ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"]);
            const policy = JSON.parse(String(named(program, "dc1-goldengate-iam-access").inputs.policy));
            const bucket = ofType(program, "aws:s3/bucket:Bucket").find((b) => b.name.startsWith("dc1-artifacts"))!;
            const bucketArn = `(known after apply: ${bucket.name}.arn)`;
            assert.deepEqual(policy.Statement.map((s: any) => [s.Action, s.Resource]), [
                ["s3:ListBucket", bucketArn],
                ["s3:GetObject", `${bucketArn}/goldengate/*`],
                ["s3:GetObject", `${bucketArn}/divergence/*`],
                ["secretsmanager:GetSecretValue", "(known after apply: dc1-secrets-goldengate.arn)"],
                ["cloudwatch:PutMetricData", "*"],
                [["cloudformation:DescribeStackResources", "cloudformation:DescribeStackResource"], "arn:aws:cloudformation:us-east-1:123456789012:stack/wso2-apim-dc1-goldengate-gate/*"],
                // DC1 is the trusted source: the divergence check's reads (test/goldengate-divergence.test.ts).
                ["secretsmanager:GetSecretValue", [
                    "arn:aws:secretsmanager:us-east-1:123456789012:secret:wso2-apim/dc1/divergence-checker-??????",
                    "arn:aws:secretsmanager:us-west-2:123456789012:secret:wso2-apim/dc2/divergence-checker-??????",
                ]],
                ["ssm:GetParameter", ["arn:aws:ssm:us-west-2:123456789012:parameter/wso2-apim/dc2/replication-ready"]],
            ]);
            assert.deepEqual(policy.Statement[0].Condition, { StringLike: { "s3:prefix": "goldengate/*" } });
            // The GoldenGate namespace (lag, divergence) and the host metrics' (the agent): the alarms of the operations side watch them.
            assert.deepEqual(policy.Statement[4].Condition, { StringEquals: { "cloudwatch:namespace": [metricNamespace("wso2-apim", REPLICATION_LAG_METRIC.area), metricNamespace("wso2-apim", HUB_HOST_METRICS_AREA)] } });
        });

        it("boots from user-data that names its files, database and secret, but holds no secret", async () => {
            const program = await hubRun();
            const userData = String(named(program, "dc1-goldengate-host").inputs.userData);
            assert.ok(userData.startsWith("#cloud-config\n"));
            const doc = YAML.parse(userData);
            const env = doc.write_files.find((f: any) => f.path === HUB_ENV_FILE).content as string;
            for (const line of [
                "FILES_S3_PREFIX='s3://wso2-apim-dc1-123456789012-us-east-1/goldengate/'",
                "INSTALLER_S3_URI=''",
                "SECRET_ID='(known after apply: dc1-secrets-goldengate.arn)'",
                "DB_USER='OGGADMIN'",
                "DB_CONNECT='oracle.dc1.wso2-apim.internal:1521/APIMDB'",
                "CREDENTIAL_ALIAS='ogg_dc1'",
                "CREDENTIAL_DOMAIN='wso2apim'",
                "OGG_HOME='/u01/app/ogg'",
            ]) {
                assert.ok(env.split("\n").includes(line), `missing ${line}`);
            }
            assert.equal(writtenContent(doc.write_files.find((f: any) => f.path === "/usr/local/sbin/goldengate-hub-boot")), HUB_BOOT_SCRIPT);
            for (const line of [
                "DATACENTER_ID='DC1'",
                "DATACENTER_LETTERS='A=DC1 B=DC2'",
                `LAG_NAMESPACE='WSO2APIM/wso2-apim/GoldenGate'`,
                `LAG_METRIC='${REPLICATION_LAG_METRIC.metricName}'`,
                "LAG_SOURCE_DIMENSION='SourceDatacenter'",
                "LAG_TARGET_DIMENSION='TargetDatacenter'",
            ]) {
                assert.ok(env.split("\n").includes(line), `missing ${line}`);
            }
            assert.deepEqual(doc.runcmd, [
                ["systemctl", "daemon-reload"],
                ["systemctl", "enable", "--now", "goldengate-gate-signal.timer"],
                ["systemctl", "enable", "--now", "goldengate-hub.service"],
                ["systemctl", "enable", "--now", "goldengate-lag.timer"],
                ["systemctl", "enable", "--now", "goldengate-divergence.timer"],
            ]);
            const unit = writtenContent(doc.write_files.find((f: any) => f.path === "/etc/systemd/system/goldengate-hub.service"));
            assert.ok(unit.split("\n").includes("ExecStop=/usr/local/sbin/goldengate-hub-boot stop"), unit);
            // The Manager and its groups run in UTC: @DATENOW () (EXC_AT) is local time, compared with the database's UTC by the purge.
            assert.ok(unit.split("\n").includes("Environment=TZ=UTC"), unit);
            const timer = writtenContent(doc.write_files.find((f: any) => f.path === "/etc/systemd/system/goldengate-lag.timer"));
            assert.ok(timer.split("\n").includes(`OnUnitActiveSec=${REPLICATION_LAG_METRIC.periodSeconds}`), timer);
            const secrets = ofType(program, "random:index/randomPassword:RandomPassword").map((r) => `(known after apply: ${r.name}.result)`);
            for (const secret of [...secrets, "[secret]"]) assert.ok(!userData.includes(secret));
        });
    });

    it("installs from S3 onto the node image when only an installer is given, and may read it", async () => {
        const program = await run("us-west", { goldengateLicense: "byol", goldengateInstallerS3Uri: INSTALLER, goldengateInstanceType: "r6i.large" });
        const host = named(program, "dc2-goldengate-host");
        assert.deepEqual([host.inputs.ami, host.inputs.instanceType, host.inputs.privateIp], [
            "(known after apply: /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64.value)", // the node image: AWS's current AL2023
            "r6i.large",
            "10.20.128.10",
        ]);
        const policy = JSON.parse(String(named(program, "dc2-goldengate-iam-access").inputs.policy));
        assert.deepEqual(policy.Statement.find((s: any) => s.Sid === "ReadInstaller").Resource, "arn:aws:s3:::example-ogg/191004_fbo_ggs_Linux_x64_shiphome.zip");
        assert.match(String(host.inputs.userData), /INSTALLER_S3_URI='s3:\/\/example-ogg\/191004_fbo_ggs_Linux_x64_shiphome\.zip'/);
    });

    it("has a boot script that passes shellcheck and passes the password to GGSCI only through a pipe", function () {
        requireTool(this, "shellcheck");
        const result = shellcheck(HUB_BOOT_SCRIPT);
        assert.equal(result.status, 0, result.output);
        const passwordLines = HUB_BOOT_SCRIPT.split("\n").filter((line) => /\$password\b/.test(line) && !/^\s*#/.test(line));
        assert.deepEqual(passwordLines.map((line) => line.trim().split(" ")[0]), ["printf"]);
    });

    it("creates the credential store when missing and stops every group before the Manager", () => {
        const script = HUB_BOOT_SCRIPT;
        // ALTER CREDENTIALSTORE fails on a hub that has no store yet.
        assert.ok(script.indexOf("printf 'ADD CREDENTIALSTORE") < script.indexOf('"ALTER CREDENTIALSTORE $verb'));
        assert.match(script, /if \[\[ ! -f "\$OGG_HOME\/dircrd\/cwallet\.sso" \]\]; then/);
        assert.match(script, /printf 'STOP ER \*\\nSTOP MANAGER!\\n' \| ggsci/);
        // How far behind each path is (the heartbeat's LAG and AGE): test/goldengate-operations.test.ts.
    });

    describe("at every start, the hub's files from its current user-data (issue 24, item 5)", () => {
        const PARAMS = HUB_PARAMETERS;
        /** The hub's user-data with OGG_HOME pointed into the test directory (a later assignment wins). */
        const userData = (params: HubBootParameters, script = HUB_BOOT_SCRIPT) => {
            const doc = YAML.parse(renderHubUserData(params));
            doc.write_files.find((f: any) => f.path === HUB_ENV_FILE).content += "OGG_HOME='<dir>/ogg'\n";
            const boot = doc.write_files.find((f: any) => f.path === "/usr/local/sbin/goldengate-hub-boot");
            Object.assign(boot, { content: zlib.gzipSync(script).toString("base64"), encoding: "gz+b64" });
            return `#cloud-config\n${YAML.stringify(doc, { lineWidth: 0 })}`;
        };
        /** cloud-init's part on the first start: every file of `first`, under root/. */
        const firstStart = (first: string) => Object.fromEntries((YAML.parse(first).write_files as any[]).map((f) => [`root${f.path}`, writtenContent(f)]));
        const FAKES = {
            curl: 'case "$*" in *api/token*) echo token ;; *latest/user-data*) cat "$FAKE_USER_DATA" ;; *) exit 22 ;; esac',
            systemctl: 'echo "systemctl $*" >>"$FAKE_LOG"',
            getent: "exit 0", install: "exit 0", chown: "exit 0", sleep: "exit 0",
            runuser: 'shift 3; exec "$@"',
            aws: 'echo "aws $*" >>"$FAKE_LOG"; [[ "$1 $2" != "secretsmanager get-secret-value" ]] || echo "Gg_Pass_1"',
        };
        /** A fake GGSCI: reads its commands, answers INFO CREDENTIALSTORE with the hub's alias. */
        const GGSCI = "#!/bin/bash\ncat >/dev/null\necho 'Alias: ogg_dc1'\n";
        const startHub = (first: string, current: string, ggsci = GGSCI, env: Record<string, string> = {}) => runWithFakes({
            prefix: "hub-start-",
            // The hub logs to stdout (the journal); here to stderr, which the harness returns.
            script: "#!/bin/bash\nchmod +x \"$FILES_ROOT/../ogg/ggsci\"\nexec bash \"$FILES_ROOT/usr/local/sbin/goldengate-hub-boot\" start >&2\n",
            fakes: Object.fromEntries(Object.entries(FAKES).map(([name, body]) => [name, `#!/bin/bash\n${body}\n`])),
            files: {
                ...firstStart(first),
                "ogg/ggsci": ggsci,
                "ogg/dircrd/cwallet.sso": "",
                "current-user-data": current,
            },
            env: { FILES_ROOT: "<dir>/root", FAKE_USER_DATA: "<dir>/current-user-data", ...env },
            inspect: (dir) => require("fs").readFileSync(`${dir}/root${HUB_ENV_FILE}`, "utf8") as string,
        });

        it("the same user-data: nothing rewritten, the Manager starts", () => {
            const same = userData(PARAMS);
            const result = startHub(same, same);
            assert.equal(result.status, 0, result.stderr);
            assert.match(result.stderr, /files match the current user-data/);
            assert.match(result.stderr, /starting the Manager/);
            assert.ok(!result.calls.includes("systemctl daemon-reload"));
            // At every start (cloud-init's runcmd runs once): a hub from before the gate gets its signal's timer.
            assert.ok(result.calls.includes("systemctl enable --now --no-block goldengate-gate-signal.timer"), result.calls.join("\n"));
        });

        it("adding a DC (new user-data): hub.env is rewritten before the Manager starts, so the new path's letters and lag reach the hub; systemd reloads the units", () => {
            const before = userData(PARAMS);
            const after = userData({ ...PARAMS, datacenters: [...PARAMS.datacenters, { id: "DC3", index: 3 }] });
            const result = startHub(before, after);
            assert.equal(result.status, 0, result.stderr);
            assert.match(result.inspected, /^DATACENTER_LETTERS='A=DC1 B=DC2 C=DC3'$/m);
            assert.match(result.stderr, /files rewritten from the current user-data: \/etc\/goldengate\/hub\.env$/m);
            assert.ok(result.stderr.indexOf("files rewritten") < result.stderr.indexOf("starting the Manager"));
            assert.ok(result.calls.includes("systemctl daemon-reload"), result.calls.join("\n"));
        });

        it("a stored alias gets the rotated password (REPLACE) even when GGSCI writes on after the alias line: no SIGPIPE under pipefail", () => {
            // INFO CREDENTIALSTORE lists the alias, then more than a pipe holds: a reader that stops at
            // the alias line (grep -q) leaves GGSCI to die of SIGPIPE, which pipefail reports as failure.
            const ggsci = [
                "#!/bin/bash",
                "input=$(cat)",
                'case "$input" in',
                "  *'INFO CREDENTIALSTORE'*) printf 'Default domain: wso2apim\\n\\n  Alias: ogg_dc1\\n  Userid: OGGADMIN@oracle.dc1.wso2-apim.internal:1521/APIMDB\\n'",
                "    for i in $(seq 1 20000); do echo \"  Alias: other_$i\"; done ;;",
                '  *"ALTER CREDENTIALSTORE"*) echo "ggsci ${input%% USER *}" >>"$FAKE_LOG" ;;',
                "esac",
                "",
            ].join("\n");
            const same = userData(PARAMS);
            const result = startHub(same, same, ggsci);
            assert.equal(result.status, 0, result.stderr);
            assert.deepEqual(result.calls.filter((c) => c.startsWith("ggsci ")), ["ggsci ALTER CREDENTIALSTORE REPLACE"]);
            assert.match(result.stderr, /storing alias ogg_dc1 .* \(REPLACE\)/);
        });

        it("GGSCI runs with TZ=UTC at every call, the START MANAGER one included, though the start inherited another time zone (an older unit's process after an upgrade, a login shell)", () => {
            // @DATENOW () (EXC_AT) is the local time of the Manager's groups, which keep the Manager's
            // environment, which is GGSCI's: the fake GGSCI records the TZ it was run with per command.
            const ggsci = [
                "#!/bin/bash",
                "input=$(cat)",
                "line=${input%%$'\\n'*}",
                // Up to the password's clause: the fake password stays out of the log.
                'echo "ggsci ${line%% USER *} TZ=${TZ-unset}" >>"$FAKE_LOG"',
                "echo 'Alias: ogg_dc1'",
                "",
            ].join("\n");
            const before = userData(PARAMS);
            // The new script runs in the old one's process (exec "$SELF" start): the old environment.
            const after = userData(PARAMS, HUB_BOOT_SCRIPT.replace('log "starting the Manager', 'log "v2: starting the Manager'));
            const result = startHub(before, after, ggsci, { TZ: "America/New_York" });
            assert.equal(result.status, 0, result.stderr);
            assert.match(result.stderr, /the script itself changed; running the new one/);
            const calls = result.calls.filter((c) => c.startsWith("ggsci "));
            assert.ok(calls.includes("ggsci START MANAGER TZ=UTC"), calls.join("\n"));
            assert.deepEqual(calls.filter((c) => !c.endsWith(" TZ=UTC")), []);
        });

        it("a changed script runs in place of the old one at that start", () => {
            const before = userData(PARAMS);
            const after = userData(PARAMS, HUB_BOOT_SCRIPT.replace('log "starting the Manager', 'log "v2: starting the Manager'));
            const result = startHub(before, after);
            assert.equal(result.status, 0, result.stderr);
            assert.match(result.stderr, /the script itself changed; running the new one/);
            assert.match(result.stderr, /v2: starting the Manager/);
            assert.equal((result.calls.filter((c) => c.startsWith("aws secretsmanager"))).length, 1, "the old script stopped before its steps");
        });
    });
});

describe("the GoldenGate hub's health gate (issue 24, item 5: every change rolls through a health gate)", () => {
    const BYOL = { goldengateLicense: "byol", goldengateAmiId: HUB_AMI };
    const SHIPPED_DCS = stackConfig("us-east").values["wso2-apim-multi-dc:datacenters"] as object[];
    const hubFile = (host: RecordedResource, file: string) => writtenContent((YAML.parse(String(host.inputs.userData)).write_files as any[]).find((f) => f.path === file));

    it("a gate stack of its own waits for the hub's instance after the database; its generation is kept by the hub's identity", async () => {
        const program = await run("us-east", BYOL);
        const host = named(program, "dc1-goldengate-host");
        const gate = named(program, "dc1-goldengate-gate-stack");
        assert.equal(gate.inputs.name, hubGateStackName(DEFAULT_DEPLOYMENT_NAME, "DC1"));
        assert.equal(gate.inputs.name, "wso2-apim-dc1-goldengate-gate");
        assert.ok(gate.dependsOn.includes(host.urn));
        const rds = ofType(program, "aws:rds/instance:Instance")[0];
        assert.ok(gate.dependsOn.includes(rds.urn), "the gate's hour would include the database's creation");
        const generation = named(program, "dc1-goldengate-gate-generation");
        assert.deepEqual(generation.inputs.keepers, {
            gate: gateGenerationKeeper({ instanceId: "(known after apply: dc1-goldengate-host.id)", ami: HUB_AMI, instanceType: "m6i.large", userData: String(host.inputs.userData) }),
        });
        const template = JSON.parse(String(gate.inputs.templateBody));
        const condition = Object.entries(template.Resources).find(([id]) => id.startsWith(HEALTH_GATE.conditionPrefix))![1] as any;
        assert.deepEqual(condition.Metadata, { InstanceId: "(known after apply: dc1-goldengate-host.id)" });
        assert.match(template.Description, /GoldenGate hub signals that its Manager and every added group run/);
        // The hub finds its gate by name, and runs its own health command for the verdict.
        const env = hubFile(host, HUB_GATE_SIGNAL.envPath);
        assert.match(env, /^GATE_STACK='wso2-apim-dc1-goldengate-gate'$/m);
        assert.match(env, /^HEALTH_COMMAND='\/usr\/local\/sbin\/goldengate-hub-boot health'$/m);
        assert.equal(hubFile(host, HUB_GATE_SIGNAL.scriptPath), HEALTH_SIGNAL_SCRIPT);
        assert.match(hubFile(host, `/etc/systemd/system/${HUB_GATE_SIGNAL.unit}.service`), /^Environment=SIGNAL_ENV=\/etc\/goldengate\/gate-signal\.env$/m);
        assert.equal(program.outputs.goldengateHubInstanceId, "(known after apply: dc1-goldengate-host.id)");
    });

    it("adding a DC changes the hub's user-data, so its gate waits again: a new generation", async () => {
        const two = await run("us-east", BYOL);
        const three = await run("us-east", { ...BYOL, datacenters: [...SHIPPED_DCS, THIRD_DATACENTER] });
        const keeper = (program: ProgramRun) => named(program, "dc1-goldengate-gate-generation").inputs.keepers;
        assert.notDeepEqual(keeper(three), keeper(two));
        assert.match(hubFile(named(three, "dc1-goldengate-host"), HUB_ENV_FILE), /^DATACENTER_LETTERS='A=DC1 B=DC2 C=DC3'$/m);
    });

    it("a change of the hub's files in the boot bucket (e.g. goldengateKeyColumns) changes its user-data, so it restarts behind its gate", async () => {
        const before = await run("us-east", BYOL);
        const after = await run("us-east", { ...BYOL, goldengateKeyColumns: ["WSO2AM.AM_EXAMPLE(API_ID, NAME)"] });
        const digest = (program: ProgramRun) => /^FILES_DIGEST='([0-9a-f]{16})'$/m.exec(hubFile(named(program, "dc1-goldengate-host"), HUB_ENV_FILE))![1];
        assert.notEqual(digest(after), digest(before));
        const keeper = (program: ProgramRun) => named(program, "dc1-goldengate-gate-generation").inputs.keepers;
        assert.notDeepEqual(keeper(after), keeper(before));
        // Only the hub's objects count: a change of another boot object does not restart the hub.
        const objects = { "goldengate/GLOBALS": "a", "sql/01.sql": "b" };
        assert.equal(hubFilesDigest({ ...objects, "sql/01.sql": "c" }), hubFilesDigest(objects));
        assert.notEqual(hubFilesDigest({ ...objects, "goldengate/GLOBALS": "z" }), hubFilesDigest(objects));
    });

    it("publishes its memory and root-volume use, alarmed, where silence counts as breaching (issue 24, item 7: the trails fill the root volume while a peer is away)", async () => {
        const program = await run("us-east", BYOL);
        const agent = JSON.parse(hubFile(named(program, "dc1-goldengate-host"), HUB_AGENT_CONFIG_FILE));
        assert.equal(agent.metrics.namespace, "WSO2APIM/wso2-apim/GoldenGateHost");
        assert.deepEqual(agent.metrics.metrics_collected.disk.resources, ["/"]);
        assert.equal(agent.logs, undefined, "no WSO2 logs on the hub");
        assert.match(hubFile(named(program, "dc1-goldengate-host"), HUB_ENV_FILE), /^CLOUDWATCH_AGENT_CONFIG='\/etc\/goldengate\/cloudwatch-agent\.json'$/m);
        const alarms = ofType(program, "aws:cloudwatch/metricAlarm:MetricAlarm").filter((a) => a.name.includes("goldengate-hub-"));
        assert.deepEqual(alarms.map((a) => [a.inputs.metricName, a.inputs.namespace, a.inputs.treatMissingData, a.inputs.dimensions]).sort(), [
            [NODE_HOST_METRICS.diskUsedPercent, "WSO2APIM/wso2-apim/GoldenGateHost", "breaching", { InstanceId: "(known after apply: dc1-goldengate-host.id)", path: "/" }],
            [NODE_HOST_METRICS.memoryUsedPercent, "WSO2APIM/wso2-apim/GoldenGateHost", "breaching", { InstanceId: "(known after apply: dc1-goldengate-host.id)" }],
        ]);
        // The cost table counts the hub's 3 custom metrics (memory, disk, the disk roll-up) as it does a node's.
        assert.equal(agentMetricCount(named(program, "dc1-goldengate-host").inputs.userData), 3);
        // Without a hub, none.
        assert.ok(!ofType(await run("us-east"), "aws:cloudwatch/metricAlarm:MetricAlarm").some((a) => a.name.includes("goldengate-hub-")));
        // A missing agent does not stop the start (the warning, and the alarms, say so).
        assert.match(HUB_BOOT_SCRIPT, /dnf install -y -q amazon-cloudwatch-agent \|\|\n\s+\{ log "WARNING: cannot install amazon-cloudwatch-agent/);
    });

    it("a hub gate CloudFormation never completed (a failed update, then pulumi up again) stops the run with how to recover", async () => {
        for (const completed of [{ [GATE_OUTPUT]: "00000000deadbeef" }, {}]) {
            const failedGate: PriorState = (_type, name, state) => (name === "dc1-goldengate-gate-stack" ? { ...state, outputs: completed } : state);
            const error = await runProgram(PROJECT_DIR, stackConfig("us-east", BYOL), {}, failedGate).then(() => null, (err: Error) => err);
            assert.ok(error, "the run passed a hub gate CloudFormation never completed");
            assert.match(error.message, /health gate wso2-apim-dc1-goldengate-gate has not passed generation [0-9a-f]{16}/);
            assert.match(error.message, /pulumi up --refresh/);
        }
    });

    it("its units, and the hub's own (restarted on failure, a bounded number of times), verify clean under systemd-analyze", function () {
        requireTool(this, "systemd-analyze");
        const units = renderGateSignalUnits();
        const hubUnit = renderUnit();
        assert.match(hubUnit, /^Restart=on-failure$/m);
        assert.match(hubUnit, new RegExp(`^StartLimitBurst=${HUB_START.attempts}$`, "m"));
        assert.match(hubUnit, /^TimeoutStartSec=\d+$/m);
        // systemd's window holds every attempt with its timeout and pause (else its counter restarts, ratelimit.c),
        // and the gate's wait holds them too, with the settle time after the last.
        const attemptsTake = HUB_START.attempts * (HUB_START.timeoutSeconds + HUB_START.restartSeconds);
        assert.match(hubUnit, new RegExp(`^StartLimitIntervalSec=${HUB_START_LIMIT_INTERVAL_SECONDS}$`, "m"));
        assert.ok(HUB_START_LIMIT_INTERVAL_SECONDS >= attemptsTake);
        assert.ok(attemptsTake + HUB_HEALTH_SETTLE_SECONDS <= HEALTH_GATE.timeoutSeconds);
        assert.match(units.timer, /^AccuracySec=1s$/m);
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "hub-units-"));
        try {
            fs.mkdirSync(path.join(root, "usr", "lib", "systemd"), { recursive: true });
            fs.cpSync("/usr/lib/systemd/system", path.join(root, "usr", "lib", "systemd", "system"), { recursive: true });
            fs.mkdirSync(path.join(root, "etc", "systemd", "system"), { recursive: true });
            fs.mkdirSync(path.join(root, "usr", "local", "sbin"), { recursive: true });
            for (const script of [HUB_GATE_SIGNAL.scriptPath, "/usr/local/sbin/goldengate-hub-boot"]) fs.writeFileSync(path.join(root, script), "#!/bin/sh\n", { mode: 0o755 });
            for (const [name, text] of [[`${HUB_GATE_SIGNAL.unit}.service`, units.service], [`${HUB_GATE_SIGNAL.unit}.timer`, units.timer], ["goldengate-hub.service", hubUnit]]) {
                const file = path.join(root, "etc", "systemd", "system", name);
                fs.writeFileSync(file, text);
                const result = spawnSync("systemd-analyze", ["verify", "--man=no", `--root=${root}`, file], { encoding: "utf8" });
                assert.equal(result.status, 0, result.stderr);
                assert.equal(result.stderr.trim(), "", name);
            }
        } finally {
            fs.rmSync(root, { recursive: true, force: true });
        }
    });

    describe("its verdict (goldengate-hub-boot health, bash against a fake GGSCI)", () => {
        const PARAMS = HUB_PARAMETERS;
        const INFO_ALL_HEADER = "Program     Status      Group       Lag at Chkpt  Time Since Chkpt\n\n";
        const ALL_RUNNING = INFO_ALL_HEADER + [
            "MANAGER     RUNNING",
            "EXTRACT     RUNNING     EATOB       00:00:00      00:00:04",
            "EXTRACT     RUNNING     PATOB       00:00:00      00:00:07",
            "REPLICAT    RUNNING     RBTOA       00:00:00      00:00:02",
        ].join("\n");
        /** State the start leaves in /run/goldengate-hub, and GGSCI's INFO ALL report (a fake GGSCI prints it). */
        interface HubSituation { state: Record<string, string>; infoAll: string }
        /** Runs the hub's health command (its verdict on stdout, returned as `stderr`), or the gate signal that runs it. */
        const verdict = (situation: HubSituation, via: "health" | "signal" = "health") => runWithFakes({
            prefix: "hub-health-",
            script: [
                "#!/bin/bash",
                "chmod +x \"$FILES_ROOT/../ogg/ggsci\"",
                via === "health" ? "exec bash \"$FILES_ROOT/usr/local/sbin/goldengate-hub-boot\" health >&2" : "exec bash \"$FILES_ROOT/../signal.sh\"",
                "",
            ].join("\n"),
            fakes: {
                runuser: '#!/bin/bash\nshift 3; exec "$@"\n',
                // The gate waits for this instance (Metadata.InstanceId); IMDS names it.
                aws: `#!/bin/bash\nprintf 'aws %s\\n' "$*" >> "$FAKE_LOG"\ncase "$1 $2" in\n  "cloudformation describe-stack-resources") printf 'NodeHealthyabc\\tCREATE_IN_PROGRESS\\tarn:x\\nNodeSignalabc\\tCREATE_COMPLETE\\thttps://cloudformation-waitcondition-us-east-1.s3.amazonaws.com/h\\n' ;;\n  "cloudformation describe-stack-resource") echo '{"InstanceId": "i-0aaaaaaaaaaaaaaa1"}' ;;\nesac\n`,
                curl: `#!/bin/bash\ncase "$*" in *api/token*) echo token ;; *instance-id*) echo i-0aaaaaaaaaaaaaaa1 ;; *cloudformation-waitcondition*) printf 'curl %s\\n' "$*" >> "$FAKE_LOG" ;; *) exit 22 ;; esac\n`,
            },
            files: {
                [`root${HUB_ENV_FILE}`]: renderHubEnv(PARAMS) + "OGG_HOME='<dir>/ogg'\n",
                "root/usr/local/sbin/goldengate-hub-boot": HUB_BOOT_SCRIPT,
                "signal.sh": HEALTH_SIGNAL_SCRIPT,
                // The gate signal's parameters, with the hub's command run from the test directory.
                "gate-signal.env": renderGateSignalEnv(PARAMS) + "HEALTH_COMMAND='bash <dir>/root/usr/local/sbin/goldengate-hub-boot health'\n",
                "ogg/ggsci": `#!/bin/bash\ncat >/dev/null\ncat <<'REPORT'\n${situation.infoAll}\nREPORT\n`,
                ...Object.fromEntries(Object.entries(situation.state).map(([name, text]) => [`root/run/goldengate-hub/${name}`, text])),
            },
            env: { FILES_ROOT: "<dir>/root", SIGNAL_ENV: "<dir>/gate-signal.env" },
        });
        const STARTED = { started: "" };
        const LONG_AGO = "1000000000\n"; // 2001: far beyond the grace
        const NOW = () => `${Math.floor(Date.now() / 1000)}\n`;
        /** Marks of processes seen RUNNING at every check since long ago (settled). */
        const settled = (...processes: string[]) => Object.fromEntries(processes.map((p) => [`running/${p}`, LONG_AGO]));
        const ALL_SETTLED = { ...STARTED, ...settled("MANAGER", "EATOB", "PATOB", "RBTOA") };

        it("prints nothing before this boot's start completed (the Manager may still be coming up)", () => {
            const result = verdict({ state: {}, infoAll: ALL_RUNNING });
            assert.equal(result.status, 0, result.stderr);
            assert.equal(result.stderr, "");
        });

        it("SUCCESS once the start completed and the Manager and every group have run at every check for the settle time; with no group added yet, the Manager alone", () => {
            const all = verdict({ state: ALL_SETTLED, infoAll: ALL_RUNNING });
            assert.equal(all.stderr.trim(), `SUCCESS the Manager and its 3 groups have run for ${HUB_HEALTH_SETTLE_SECONDS} s`);
            const fresh = verdict({ state: { ...STARTED, ...settled("MANAGER") }, infoAll: INFO_ALL_HEADER + "MANAGER     RUNNING" });
            assert.equal(fresh.stderr.trim(), `SUCCESS the Manager and its 0 groups have run for ${HUB_HEALTH_SETTLE_SECONDS} s`);
            // The settle time is longer than one AUTORESTART wait.
            assert.ok(HUB_HEALTH_SETTLE_SECONDS > GOLDENGATE.autorestart.waitMinutes * 60);
        });

        it("RUNNING at one check is not enough: a group that abends again after each AUTORESTART never passes", () => {
            // First sight of everything RUNNING: marked now, not yet settled.
            assert.equal(verdict({ state: STARTED, infoAll: ALL_RUNNING }).stderr, "");
            // A group RUNNING for a minute only (restarted by the Manager after an abend).
            assert.equal(verdict({ state: { ...ALL_SETTLED, "running/RBTOA": NOW() }, infoAll: ALL_RUNNING }).stderr, "");
            // It abends again: its RUNNING mark goes, so its next RUNNING moment starts the settle time afresh.
            const abended = ALL_RUNNING.replace("REPLICAT    RUNNING     RBTOA", "REPLICAT    ABENDED     RBTOA");
            const again = verdict({ state: ALL_SETTLED, infoAll: abended });
            assert.equal(again.stderr, "");
        });

        it("a group not running within AUTORESTART's retries: nothing yet; after them: FAILURE naming it", () => {
            const abended = ALL_RUNNING.replace("REPLICAT    RUNNING     RBTOA", "REPLICAT    ABENDED     RBTOA");
            const first = verdict({ state: STARTED, infoAll: abended });
            assert.equal(first.stderr, "", "a group abended just now may still be restarted by the Manager");
            const recent = verdict({ state: { ...STARTED, "not-running/RBTOA": NOW() }, infoAll: abended });
            assert.equal(recent.stderr, "");
            const late = verdict({ state: { ...ALL_SETTLED, "not-running/RBTOA": LONG_AGO }, infoAll: abended });
            assert.equal(late.stderr.trim(), `FAILURE not running after ${HUB_HEALTH_GRACE_SECONDS} s: RBTOA ABENDED (see dirrpt/ and ggserr.log)`);
            // The grace covers the first restart and every AUTORESTART retry after it (mgr.prm).
            assert.ok(HUB_HEALTH_GRACE_SECONDS > (GOLDENGATE.autorestart.retries + 1) * GOLDENGATE.autorestart.waitMinutes * 60);
            const manager = verdict({ state: { ...STARTED, "not-running/MANAGER": LONG_AGO }, infoAll: INFO_ALL_HEADER + "MANAGER     STOPPED" });
            assert.match(manager.stderr, /^FAILURE not running after \d+ s: MANAGER STOPPED/);
            // Running again: not yet a pass, it has to settle first.
            const recovered = verdict({ state: { ...STARTED, ...settled("MANAGER", "EATOB", "PATOB"), "not-running/RBTOA": LONG_AGO }, infoAll: ALL_RUNNING });
            assert.equal(recovered.stderr, "");
        });

        it("a report without a Manager line (GGSCI failed) decides nothing", () => {
            assert.equal(verdict({ state: STARTED, infoAll: "ERROR: Could not open checkpoint file" }).stderr, "");
        });

        it("a failed start: nothing while systemd still retries it; FAILURE with the start's reason after the last attempt", () => {
            const reason = `goldengateInstallerS3Uri: cannot download ${INSTALLER}\n`;
            for (const attempts of ["1\n", "2\n"]) {
                assert.equal(verdict({ state: { failed: reason, attempts }, infoAll: "" }).stderr, "", `attempt ${attempts}`);
            }
            const failed = verdict({ state: { failed: reason, attempts: `${HUB_START.attempts}\n` }, infoAll: "" });
            assert.equal(failed.stderr.trim(), `FAILURE the hub's start failed ${HUB_START.attempts} times: goldengateInstallerS3Uri: cannot download ${INSTALLER} (fix it, then restart the hub: docs/replication.md)`);
        });

        it("through the shared signal script: the verdict is PUT to the hub's waiting condition", () => {
            const ok = verdict({ state: ALL_SETTLED, infoAll: ALL_RUNNING }, "signal");
            assert.equal(ok.status, 0, ok.stderr);
            const puts = ok.calls.filter((c) => c.startsWith("curl "));
            assert.equal(puts.length, 1, ok.calls.join("\n"));
            const body = JSON.parse(/--data-binary (\{.*\}) https/.exec(puts[0])![1]);
            const reason = `the Manager and its 3 groups have run for ${HUB_HEALTH_SETTLE_SECONDS} s`;
            assert.deepEqual(body, { Status: "SUCCESS", Reason: reason, UniqueId: "i-0aaaaaaaaaaaaaaa1", Data: reason });
            assert.ok(ok.calls.includes("aws cloudformation describe-stack-resources --region us-east-1 --stack-name wso2-apim-dc1-goldengate-gate --query StackResources[].[LogicalResourceId,ResourceStatus,PhysicalResourceId] --output text"));
            const failed = verdict({ state: { failed: "line 7: unzip -q x\n", attempts: `${HUB_START.attempts}\n` }, infoAll: "" }, "signal");
            assert.match(failed.calls.find((c) => c.startsWith("curl "))!, /"Status":"FAILURE","Reason":"the hub's start failed 3 times: line 7: unzip -q x \(fix it, then restart the hub: docs\/replication\.md\)"/);
            const waiting = verdict({ state: {}, infoAll: ALL_RUNNING }, "signal");
            assert.deepEqual(waiting.calls.filter((c) => c.startsWith("curl ")), []);
        });
    });
    describe("its start installs GoldenGate from the installer (bash, against fakes of aws, dnf and the installer)", () => {
        const PARAMS: HubBootParameters = { ...HUB_PARAMETERS, installerS3Uri: INSTALLER };
        const ZIP = "the installer zip's bytes (a fake)\n";
        const ZIP_SHA256 = require("node:crypto").createHash("sha256").update(ZIP).digest("hex");
        // The fake installer puts a GGSCI in the home that answers the credential store's INFO.
        // `aws s3 cp --only-show-errors <uri> <file>` writes the zip; `unzip -q <zip> -d <dir>` writes an installer
        // that puts a GGSCI in the home (answering the credential store's INFO) and logs each install.
        const FAKES = {
            aws: '[[ "$1 $2" == "s3 cp" && "$5" == *goldengate.zip ]] && printf "%s" "$FAKE_ZIP" >"$5"\n[[ "$1 $2" != "secretsmanager get-secret-value" ]] || echo Gg_Pass_1',
            unzip: [
                "cat >\"$4/runInstaller\" <<'INSTALLER'",
                "#!/bin/bash",
                "mkdir -p \"$OGG_HOME\"",
                "printf '#!/bin/bash\\ncat >/dev/null\\necho \"Alias: ogg_dc1\"\\n' >\"$OGG_HOME/ggsci\"",
                "chmod +x \"$OGG_HOME/ggsci\"",
                "echo installed >>\"$INSTALL_LOG\"",
                "INSTALLER",
                "chmod +x \"$4/runInstaller\"",
            ].join("\n"),
            dnf: "exit 0", systemctl: "exit 0", getent: "exit 0", install: "exit 0", chown: "exit 0", sleep: "exit 0",
            runuser: 'shift 3; exec "$@"',
        };
        const start = (options: { sha256?: string; files?: Record<string, string> }) => runWithFakes({
            prefix: "hub-install-",
            script: "#!/bin/bash\nexport OGG_HOME=\"$FILES_ROOT/../ogg\"\nHUB_FILES_FRESH=1 exec bash \"$FILES_ROOT/usr/local/sbin/goldengate-hub-boot\" start >&2\n",
            fakes: Object.fromEntries(Object.entries(FAKES).map(([name, body]) => [name, `#!/bin/bash\n${body}\n`])),
            files: {
                [`root${HUB_ENV_FILE}`]: renderHubEnv({ ...PARAMS, installerSha256: options.sha256 ?? null }) + "OGG_HOME='<dir>/ogg'\nINVENTORY_DIR='<dir>/inventory'\n",
                "root/usr/local/sbin/goldengate-hub-boot": HUB_BOOT_SCRIPT,
                "inventory/.keep": "",
                ...options.files,
            },
            env: { FILES_ROOT: "<dir>/root", FAKE_ZIP: ZIP, INSTALL_LOG: "<dir>/installs" },
            inspect: (dir) => ({
                state: Object.fromEntries(["failed", "attempts", "started"].filter((f) => fs.existsSync(`${dir}/root/run/goldengate-hub/${f}`))
                    .map((f) => [f, fs.readFileSync(`${dir}/root/run/goldengate-hub/${f}`, "utf8")])),
                installs: fs.existsSync(`${dir}/installs`) ? fs.readFileSync(`${dir}/installs`, "utf8").trim().split("\n").length : 0,
                incomplete: fs.existsSync(`${dir}/.goldengate-install-incomplete`),
                staging: fs.existsSync(`${dir}/root/var/tmp/goldengate-install`),
            }),
        });

        it("a download whose SHA-256 differs from goldengateInstallerSha256: the start fails naming the key, nothing is installed", () => {
            const wrong = "0".repeat(64);
            const result = start({ sha256: wrong });
            assert.equal(result.status, 1);
            assert.equal(result.inspected.state.failed, `goldengateInstallerSha256: ${INSTALLER} has SHA-256 ${ZIP_SHA256}, not ${wrong}\n`);
            assert.equal(result.inspected.installs, 0);
        });

        it("the pinned checksum: installs, starts the Manager, marks the start done and forgets its attempts; the staging place is gone", () => {
            const result = start({ sha256: ZIP_SHA256 });
            assert.equal(result.status, 0, result.stderr);
            assert.equal(result.inspected.installs, 1);
            assert.deepEqual(Object.keys(result.inspected.state), ["started"]);
            assert.equal(result.inspected.incomplete, false);
            assert.equal(result.inspected.staging, false);
        });

        it("a start systemd ends at TimeoutStartSec (SIGTERM to its process group) records why, for the gate", () => {
            const result = runWithFakes({
                prefix: "hub-timeout-",
                // set -m: the start runs in a process group of its own, which the TERM reaches whole, as systemd's does
                // (the real sleep: the fakes' `sleep` returns at once).
                script: "#!/bin/bash\nset -m\nexport OGG_HOME=\"$FILES_ROOT/../ogg\"\nHUB_FILES_FRESH=1 bash \"$FILES_ROOT/usr/local/sbin/goldengate-hub-boot\" start >&2 &\n/bin/sleep 1\nkill -TERM -- -$!\nwait $!\n",
                fakes: { ...Object.fromEntries(Object.entries(FAKES).map(([name, body]) => [name, `#!/bin/bash\n${body}\n`])), dnf: "#!/bin/bash\n/bin/sleep 30\n" },
                files: {
                    [`root${HUB_ENV_FILE}`]: renderHubEnv(PARAMS) + "OGG_HOME='<dir>/ogg'\nINVENTORY_DIR='<dir>/inventory'\n",
                    "root/usr/local/sbin/goldengate-hub-boot": HUB_BOOT_SCRIPT,
                },
                env: { FILES_ROOT: "<dir>/root", FAKE_ZIP: ZIP, INSTALL_LOG: "<dir>/installs" },
                inspect: (dir) => fs.readFileSync(`${dir}/root/run/goldengate-hub/failed`, "utf8"),
            });
            assert.match(result.inspected, /^stopped by systemd before the start completed \(TimeoutStartSec\): last step /);
        });

        it("an install interrupted midway (its marker beside the home) is done again from an empty home, though ggsci is there", () => {
            const result = start({ files: { "ogg/ggsci": "#!/bin/bash\nexit 1\n", "ogg/half-written.so": "x", ".goldengate-install-incomplete": "" } });
            assert.equal(result.status, 0, result.stderr);
            assert.match(result.stderr, /an earlier install into .* did not finish: installing again into an empty home/);
            assert.equal(result.inspected.installs, 1);
            assert.equal(result.inspected.incomplete, false);
        });
    });
});
