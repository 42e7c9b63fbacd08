/**
 * The optional GoldenGate hub host: created only with a licence and software, private at its
 * fixed address, IMDSv2, encrypted, managed through SSM, with a role limited to its files and
 * secret, and a boot script that passes shellcheck and carries no secret.
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as YAML from "yaml";
import { ConfigError } from "../lib/config";
import { HUB_BOOT_SCRIPT, HUB_ENV_FILE, HubBootParameters, renderHubUserData } from "../lib/goldengate/hub-user-data";
import { metricNamespace, REPLICATION_LAG_METRIC } from "../lib/metrics";
import { named, ofType, requireTool, run, runWithFakes, shellcheck } from "./harness";

const INSTANCE = "aws:ec2/instance:Instance";
const HUB_AMI = "ami-0fedcba9876543210";
const INSTALLER = "s3://example-ogg/191004_fbo_ggs_Linux_x64_shiphome.zip";

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

        it("gives it SSM and a role that reads only its files and the GoldenGate secret", async () => {
            const program = await hubRun();
            const attachments = ofType(program, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((a) => a.name.startsWith("dc1-goldengate"));
            assert.deepEqual(attachments.map((a) => a.inputs.policyArn), ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"]);
            const policy = JSON.parse(String(named(program, "dc1-goldengate-iam-access").inputs.policy));
            const bucket = ofType(program, "aws:s3/bucket:Bucket").find((b) => b.name.startsWith("dc1-artifacts"))!;
            const bucketArn = `(known after apply: ${bucket.name}.arn)`;
            assert.deepEqual(policy.Statement.map((s: any) => [s.Action, s.Resource]), [
                ["s3:ListBucket", bucketArn],
                ["s3:GetObject", `${bucketArn}/goldengate/*`],
                ["secretsmanager:GetSecretValue", "(known after apply: dc1-secrets-goldengate.arn)"],
                ["cloudwatch:PutMetricData", "*"],
            ]);
            assert.deepEqual(policy.Statement[0].Condition, { StringLike: { "s3:prefix": "goldengate/*" } });
            // Only the lag metric's namespace: the alarms of the operations side watch that one.
            assert.deepEqual(policy.Statement[3].Condition, { StringEquals: { "cloudwatch:namespace": metricNamespace("wso2-apim", REPLICATION_LAG_METRIC.area) } });
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
            assert.equal(doc.write_files.find((f: any) => f.path === "/usr/local/sbin/goldengate-hub-boot").content, HUB_BOOT_SCRIPT);
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
                ["systemctl", "enable", "--now", "goldengate-hub.service"],
                ["systemctl", "enable", "--now", "goldengate-lag.timer"],
            ]);
            const unit = doc.write_files.find((f: any) => f.path === "/etc/systemd/system/goldengate-hub.service").content as string;
            assert.ok(unit.split("\n").includes("ExecStop=/usr/local/sbin/goldengate-hub-boot stop"), unit);
            const timer = doc.write_files.find((f: any) => f.path === "/etc/systemd/system/goldengate-lag.timer").content as string;
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

    it("creates the credential store when missing, stops every group before the Manager, and publishes lag per origin from the heartbeat", function () {
        requireTool(this, "awk");
        const script = HUB_BOOT_SCRIPT;
        // ALTER CREDENTIALSTORE fails on a hub that has no store yet.
        assert.ok(script.indexOf("printf 'ADD CREDENTIALSTORE") < script.indexOf('"ALTER CREDENTIALSTORE $verb'));
        assert.match(script, /if \[\[ ! -f "\$OGG_HOME\/dircrd\/cwallet\.sso" \]\]; then/);
        assert.match(script, /printf 'STOP ER \*\\nSTOP MANAGER!\\n' \| ggsci/);
        // The lag parser, run on GGSCI's output for a spoke of three DCs (a fake GGSCI: its output only).
        const awk = /\| awk -v letters="\$DATACENTER_LETTERS" '([\s\S]*?)' \|/.exec(script)![1];
        const output = [
            "Lag Information From Heartbeat Table",
            "LAG                 AGE                 FROM       TO         PATH",
            "2.10s               4.00s               APIMDB     APIMDB     EATOC ==> PATOC ==> RATOC",
            "1m 5.50s            1m 9.00s            APIMDB     APIMDB     EBTOA ==> PBTOA ==> RBTOA ==> EATOC ==> PATOC ==> RATOC",
        ].join("\n");
        const result = spawnSync("awk", ["-v", "letters=A=DC1 B=DC2 C=DC3", awk], { input: output, encoding: "utf8" });
        assert.deepEqual(result.stdout.trim().split("\n").sort(), ["DC1 2.1", "DC2 65.5"]);
    });

    describe("at every start, the hub's files from its current user-data (issue 24, item 5)", () => {
        const PARAMS: HubBootParameters = {
            lagNamespace: "WSO2APIM/wso2-apim/GoldenGate",
            region: "us-east-1", filesS3Prefix: "s3://wso2-apim-dc1/goldengate/", installerS3Uri: null, secretId: "arn:gg",
            databaseUser: "OGGADMIN", databaseConnect: "oracle.dc1.wso2-apim.internal:1521/APIMDB", credentialAlias: "ogg_dc1",
            datacenterId: "DC1", datacenters: [{ id: "DC1", index: 1 }, { id: "DC2", index: 2 }],
        };
        /** The hub's user-data with OGG_HOME pointed into the test directory (a later assignment wins). */
        const userData = (params: HubBootParameters, script = HUB_BOOT_SCRIPT) => {
            const doc = YAML.parse(renderHubUserData(params));
            doc.write_files.find((f: any) => f.path === HUB_ENV_FILE).content += "OGG_HOME='<dir>/ogg'\n";
            doc.write_files.find((f: any) => f.path === "/usr/local/sbin/goldengate-hub-boot").content = script;
            return `#cloud-config\n${YAML.stringify(doc, { lineWidth: 0 })}`;
        };
        /** cloud-init's part on the first start: every file of `first`, under root/. */
        const firstStart = (first: string) => Object.fromEntries((YAML.parse(first).write_files as any[]).map((f) => [`root${f.path}`, f.content]));
        const FAKES = {
            curl: 'case "$*" in *api/token*) echo token ;; *latest/user-data*) cat "$FAKE_USER_DATA" ;; *) exit 22 ;; esac',
            systemctl: 'echo "systemctl $*" >>"$FAKE_LOG"',
            getent: "exit 0", install: "exit 0", chown: "exit 0", sleep: "exit 0",
            runuser: 'shift 3; exec "$@"',
            aws: 'echo "aws $*" >>"$FAKE_LOG"; [[ "$1 $2" != "secretsmanager get-secret-value" ]] || echo "Gg_Pass_1"',
        };
        const startHub = (first: string, current: string) => runWithFakes({
            prefix: "hub-start-",
            // The hub logs to stdout (the journal); here to stderr, which the harness returns.
            script: "#!/bin/bash\nchmod +x \"$FILES_ROOT/../ogg/ggsci\"\nexec bash \"$FILES_ROOT/usr/local/sbin/goldengate-hub-boot\" start >&2\n",
            fakes: Object.fromEntries(Object.entries(FAKES).map(([name, body]) => [name, `#!/bin/bash\n${body}\n`])),
            files: {
                ...firstStart(first),
                "ogg/ggsci": "#!/bin/bash\ncat >/dev/null\necho 'Alias: ogg_dc1'\n",
                "ogg/dircrd/cwallet.sso": "",
                "current-user-data": current,
            },
            env: { FILES_ROOT: "<dir>/root", FAKE_USER_DATA: "<dir>/current-user-data" },
            inspect: (dir) => require("fs").readFileSync(`${dir}/root${HUB_ENV_FILE}`, "utf8") as string,
        });

        it("the same user-data: nothing rewritten, the Manager starts", () => {
            const same = userData(PARAMS);
            const result = startHub(same, same);
            assert.equal(result.status, 0, result.stderr);
            assert.match(result.stderr, /files match the current user-data/);
            assert.match(result.stderr, /starting the Manager/);
            assert.ok(!result.calls.includes("systemctl daemon-reload"));
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
