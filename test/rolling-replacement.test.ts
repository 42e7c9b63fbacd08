/**
 * Rolling node replacement (docs/nodes.md § Rolling replacement): the gate template and its hash
 * (pure functions), the declared chain (node k+1 waits for node k's gate stack), the node role's
 * reads, and the signal script run by bash against fakes of `aws` and `curl`.
 */
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { DEFAULT_DEPLOYMENT_NAME } from "../lib/config";
import { GATE_OUTPUT, gateGenerationKeeper, gateNotPassed, gateStackName, HEALTH_GATE, healthGateStatements, NodeServiceIdentity, renderGateTemplate, serviceIdentityHash } from "../lib/health-gate";
import { HEALTH_SIGNAL, HEALTH_SIGNAL_SCRIPT, NODE_HEALTH_SCRIPT, renderHealthSignalEnv, renderHealthSignalTimer } from "../lib/render/health-signal";
import { withoutCommentLines } from "../lib/render/script-text";
import { PriorState, ProgramRun, RecordedResource } from "../tools/offline/run";
import { extractFiles } from "../tools/plan/files";
import { named, nodeFile, ofType, PROJECT_DIR, requireTool, run, runAll, runWithFakes, shellcheck } from "./harness";

const STACK_TYPE = "aws:cloudformation/stack:Stack";
const IDENTITY: NodeServiceIdentity = { instanceId: "i-0123456789abcdef0", ami: "ami-0aaaaaaaaaaaaaaaa", instanceType: "m5.xlarge", userData: "#cloud-config\nwrite_files: []\n" };

function gateOf(program: ProgramRun, dc: string, ordinal: number): RecordedResource {
    return named(program, `${dc}-apim-${ordinal}-gate-stack`);
}

describe("rolling node replacement: the health gate", () => {
    it("the template holds a handle and a WaitCondition (Count 1, the justified timeout) named by the generation id, which its output reports", () => {
        const template = JSON.parse(renderGateTemplate("0a1b2c3d4e5f6a7b", "i-0123456789abcdef0", "gate"));
        assert.deepEqual(template.Resources, {
            NodeSignal0a1b2c3d4e5f6a7b: { Type: "AWS::CloudFormation::WaitConditionHandle" },
            NodeHealthy0a1b2c3d4e5f6a7b: {
                Type: "AWS::CloudFormation::WaitCondition",
                Metadata: { InstanceId: "i-0123456789abcdef0" },
                Properties: { Handle: { Ref: "NodeSignal0a1b2c3d4e5f6a7b" }, Count: 1, Timeout: "3600" },
            },
        });
        assert.equal(template.Outputs[GATE_OUTPUT].Value, "0a1b2c3d4e5f6a7b");
        // CloudFormation's ceiling for a WaitCondition Timeout is 43200 s; Pulumi waits longer than the gate.
        assert.ok(HEALTH_GATE.timeoutSeconds <= 43200);
        assert.ok(Number(HEALTH_GATE.pulumiTimeout.replace("m", "")) * 60 > HEALTH_GATE.timeoutSeconds);
        assert.throws(() => renderGateTemplate("not-hex", "i-0123456789abcdef0", "gate"), /hex/);
    });

    it("the identity hash changes with the instance id, AMI, instance type or user-data, and only with them", () => {
        const base = serviceIdentityHash(IDENTITY);
        assert.match(base, /^[0-9a-f]{12}$/);
        assert.equal(serviceIdentityHash({ ...IDENTITY }), base);
        const changed = [
            { ...IDENTITY, instanceId: "i-0fedcba9876543210" },
            { ...IDENTITY, ami: "ami-0bbbbbbbbbbbbbbbb" },
            { ...IDENTITY, instanceType: "m5.2xlarge" },
            { ...IDENTITY, userData: IDENTITY.userData + "# changed\n" },
        ].map(serviceIdentityHash);
        for (const hash of changed) assert.notEqual(hash, base);
        assert.equal(new Set(changed).size, changed.length);
        // Fields are delimited: moving text from one to the next is a different identity.
        assert.notEqual(serviceIdentityHash({ ...IDENTITY, ami: "ami-0", instanceType: "1m5.xlarge" }),
            serviceIdentityHash({ ...IDENTITY, ami: "ami-01", instanceType: "m5.xlarge" }));
        // The generation's keeper is the identity and the WaitCondition's properties.
        assert.ok(gateGenerationKeeper(IDENTITY).startsWith(`${base}-`));
    });

    for (const [stack, dc] of [["us-east", "dc1"], ["us-west", "dc2"]] as const) {
        it(`${stack}: node 2 waits for node 1's gate, each gate's generation is kept by its node's identity and names its template`, async () => {
            const program = await run(stack);
            const [first, second] = [named(program, `${dc}-apim-1`), named(program, `${dc}-apim-2`)];
            assert.ok(second.dependsOn.includes(gateOf(program, dc, 1).urn), "node 2 does not wait for node 1's gate");
            const gates = ofType(program, STACK_TYPE).map((gate) => gate.urn);
            assert.ok(!first.dependsOn.some((urn) => gates.includes(urn)), "node 1 waits for a gate");
            for (const [ordinal, node] of [[1, first], [2, second]] as const) {
                const gate = gateOf(program, dc, ordinal);
                assert.equal(gate.inputs.name, gateStackName(DEFAULT_DEPLOYMENT_NAME, dc.toUpperCase(), ordinal));
                assert.ok(gate.dependsOn.includes(node.urn), `gate ${ordinal} does not read its node`);
                // RandomId is re-created when a keeper changes (@pulumi/random RandomId, keepers): a new
                // identity, and a revert to an earlier one, both get an id the stack never had.
                const generation = named(program, `${dc}-apim-${ordinal}-gate-generation`);
                assert.equal(generation.type, "random:index/randomId:RandomId");
                assert.deepEqual(generation.inputs.keepers, {
                    gate: gateGenerationKeeper({
                        instanceId: `(known after apply: ${dc}-apim-${ordinal}.id)`,
                        ami: String(node.inputs.ami),
                        instanceType: String(node.inputs.instanceType),
                        userData: String(node.inputs.userData),
                    }),
                });
                assert.ok(gate.dependsOn.includes(generation.urn));
                const template = JSON.parse(String(gate.inputs.templateBody));
                const gateId = template.Outputs[GATE_OUTPUT].Value;
                assert.match(gateId, /^[0-9a-f]{16}$/);
                assert.deepEqual(Object.keys(template.Resources).sort(), [`NodeHealthy${gateId}`, `NodeSignal${gateId}`]);
                assert.equal(gate.inputs.onFailure, "DELETE");
                // The node finds its own gate by the name in its parameters.
                assert.match(nodeFile(node, HEALTH_SIGNAL.envPath), new RegExp(`^GATE_STACK='${gate.inputs.name}'$`, "m"));
            }
            assert.equal(ofType(program, STACK_TYPE).length, 2);
        });
    }

    it("a gate whose state says new while CloudFormation holds the old (a failed update, then pulumi up again) stops the run before the next node", async () => {
        // Stand-in for the state a failed update leaves (terraform-plugin-sdk#476): the new template
        // recorded, the outputs not read back from CloudFormation (the rolled-back generation's, or none
        // after a failed first create). Without the check, node 2 would be stopped next.
        for (const completed of [{ [GATE_OUTPUT]: "00000000deadbeef" }, {}]) {
            const registered: string[] = [];
            const failedGate: PriorState = (_type, name, state) => {
                registered.push(name);
                return name === "dc1-apim-1-gate-stack" ? { ...state, outputs: completed } : state;
            };
            const runs = await runAll(PROJECT_DIR, { "us-east": failedGate }).then(() => null, (err: Error) => err);
            assert.ok(runs, "the run passed a gate CloudFormation never completed");
            assert.match(runs.message, /health gate wso2-apim-dc1-node-1-gate has not passed generation [0-9a-f]{16}/);
            assert.match(runs.message, /pulumi up --refresh --replace 'urn:pulumi:us-east::wso2-apim-multi-dc::[^']*dc1-apim-1-gate-generation'/);
            assert.ok(registered.includes("dc1-apim-1-gate-stack"));
            assert.ok(!registered.includes("dc1-apim-2"), "node 2 was touched after a gate that did not pass");
        }
    });

    it("the check explains itself: the generation CloudFormation completed, or none", () => {
        const urn = "urn:pulumi:us-east::wso2-apim-multi-dc::x$random:index/randomId:RandomId::dc1-apim-1-gate-generation";
        assert.equal(gateNotPassed("g", "aaaaaaaa11111111", { [GATE_OUTPUT]: "aaaaaaaa11111111" }, urn), null);
        assert.match(gateNotPassed("g", "aaaaaaaa11111111", { [GATE_OUTPUT]: "bbbbbbbb22222222" }, urn)!, /records generation bbbbbbbb22222222 as the last completed/);
        assert.match(gateNotPassed("g", "aaaaaaaa11111111", undefined, urn)!, /records no completed generation: the last operation on it failed/);
        // The retry gets a generation (so a handle) never used before: the URN to replace is in the command.
        assert.ok(gateNotPassed("g", "aaaaaaaa11111111", undefined, urn)!.includes(`pulumi up --refresh --replace '${urn}'`));
    });

    it("the plan shows each gate's template under files/cloudformation/, as sent", async () => {
        const program = await run("us-west");
        const files = extractFiles(program.resources);
        const gate = gateOf(program, "dc2", 2);
        assert.equal(files.find((f) => f.path === "cloudformation/wso2-apim-dc2-node-2-gate.json")?.content, gate.inputs.templateBody);
    });

    it("each gate is created only after the region's database, so its hour never includes the database's creation (first deploy)", async () => {
        for (const [stack, dc] of [["us-east", "dc1"], ["us-west", "dc2"]]) {
            const program = await run(stack);
            const rds = ofType(program, "aws:rds/instance:Instance")[0];
            for (const ordinal of [1, 2]) assert.ok(gateOf(program, dc, ordinal).dependsOn.includes(rds.urn), `${dc} gate ${ordinal} does not wait for ${rds.name}`);
        }
        const selfManaged = await run("us-west", { databaseKind: "ec2", databaseAmiId: "ami-0123456789abcdef0" });
        const host = ofType(selfManaged, "aws:ec2/instance:Instance").find((r) => r.name.startsWith("dc2-db"))!;
        assert.ok(gateOf(selfManaged, "dc2", 1).dependsOn.includes(host.urn), "the gate does not wait for the Oracle host");
    });

    it("with three nodes the chain goes 1 → 2 → 3", async () => {
        const program = await run("us-east", { nodeCount: 3 });
        assert.ok(named(program, "dc1-apim-2").dependsOn.includes(gateOf(program, "dc1", 1).urn));
        assert.ok(named(program, "dc1-apim-3").dependsOn.includes(gateOf(program, "dc1", 2).urn));
        assert.equal(ofType(program, STACK_TYPE).length, 3);
    });

    it("the node role reads only this DC's gate stacks by name, and target health (no resource-level permissions)", async () => {
        const [find, health] = healthGateStatements("us-east-1", "123456789012", DEFAULT_DEPLOYMENT_NAME, "DC1");
        assert.deepEqual(find.Action, ["cloudformation:DescribeStackResources", "cloudformation:DescribeStackResource"]);
        assert.equal(find.Resource, "arn:aws:cloudformation:us-east-1:123456789012:stack/wso2-apim-dc1-node-*-gate/*");
        assert.deepEqual(health, { Sid: "ReadOwnTargetHealth", Effect: "Allow", Action: "elasticloadbalancing:DescribeTargetHealth", Resource: "*" });
        const program = await run("us-east");
        const policy = JSON.parse(String(named(program, "dc1-apim-iam-access").inputs.policy));
        assert.ok(policy.Statement.some((s: { Sid: string }) => s.Sid === "FindNodeHealthGates"));
    });

    it("the signal's parameters name both target groups with their ports, the flag and the trusted source; the timer runs every minute", async () => {
        const env = renderHealthSignalEnv({
            region: "us-west-2", gateStack: "wso2-apim-dc2-node-1-gate", trustedSource: false, replicationReadyParameter: "/wso2-apim/dc2/replication-ready",
            targetGroups: [{ arn: "arn:tg/gw", port: 8243 }, { arn: "arn:tg/mgmt", port: 9443 }],
        });
        assert.match(env, /^TARGET_GROUPS='arn:tg\/gw=8243 arn:tg\/mgmt=9443'$/m);
        assert.match(env, /^TRUSTED_SOURCE='false'$/m);
        assert.match(env, /^REPLICATION_READY_PARAMETER='\/wso2-apim\/dc2\/replication-ready'$/m);
        assert.match(renderHealthSignalTimer(), /^OnUnitActiveSec=60$/m);
        const program = await run("us-west");
        const shipped = nodeFile(named(program, "dc2-apim-1"), HEALTH_SIGNAL.envPath);
        // The ARNs only the cloud knows stand in for themselves in the plan.
        assert.match(shipped, /^TARGET_GROUPS='\(known after apply: dc2-lb-gateway\.arn\)=8243 \(known after apply: dc2-lb-management\.arn\)=9443'$/m);
        assert.match(shipped, /^TRUSTED_SOURCE='false'$/m);
        // The script itself arrives by the node-tools hook (test/node-boot-files.test.ts).
    });

    it("scripts travel without comment lines but keep the shebang and shellcheck directives", () => {
        const script = "#!/bin/bash\n# a comment\n    # indented\n#\n# shellcheck source=/dev/null\necho '# not a comment' # trailing\n#!kept\n";
        assert.equal(withoutCommentLines(script), "#!/bin/bash\n# shellcheck source=/dev/null\necho '# not a comment' # trailing\n#!kept\n");
    });

    it("the signal script and the node's health command pass shellcheck, as written and as deployed", function () {
        requireTool(this, "shellcheck");
        const source = (name: string) => fs.readFileSync(path.join(__dirname, "..", "lib", "render", "scripts", name), "utf8");
        for (const script of [source("health-signal.sh"), HEALTH_SIGNAL_SCRIPT, source("node-health.sh"), NODE_HEALTH_SCRIPT]) {
            const result = shellcheck(script);
            assert.equal(result.status, 0, result.output);
        }
    });
});

/**
 * Fakes: `aws` answers describe-stack-resources from $FAKE_RESOURCES (absent: the stack does not
 * exist), a condition's Metadata from $FAKE_METADATA, the target health of each group from $FAKE_HEALTH ("<arn>=<state> …") and the flag
 * from $FAKE_FLAG (absent: ParameterNotFound); `curl` answers IMDS and records each PUT to a handle.
 */
const FAKE_AWS = `#!/bin/bash
printf 'aws %s\\n' "$*" >> "$FAKE_LOG"
case "$1 $2" in
  "cloudformation describe-stack-resources") [[ -f "$FAKE_RESOURCES" ]] || { echo "Stack with id x does not exist" >&2; exit 254; }; cat "$FAKE_RESOURCES" ;;
  "cloudformation describe-stack-resource") printf '%s\n' "$FAKE_METADATA" ;;
  "elbv2 describe-target-health") arn=$6; for pair in $FAKE_HEALTH; do [[ \${pair%=*} == "$arn" ]] && echo "\${pair##*=}"; done ;;
  "ssm get-parameter") [[ -n "\${FAKE_FLAG:-}" ]] || { echo "ParameterNotFound" >&2; exit 254; }
    [[ $FAKE_FLAG != denied ]] || { echo "AccessDeniedException" >&2; exit 254; }; echo "$FAKE_FLAG" ;;
  *) exit 2 ;;
esac
`;
const FAKE_CURL = `#!/bin/bash
case "$*" in
  *api/token*) echo token ;;
  *meta-data/instance-id*) echo i-0123456789abcdef0 ;;
  *https://cloudformation-waitcondition*) printf 'curl %s\\n' "$*" >> "$FAKE_LOG" ;;
  *) exit 22 ;;
esac
`;

const HANDLE_URL = "https://cloudformation-waitcondition-us-west-2.s3.amazonaws.com/arn%3Aaws%3Acloudformation/NodeSignalabc?X-Amz-Signature=x";
const WAITING = [
    `NodeHealthyabc\tCREATE_IN_PROGRESS\tarn:aws:cloudformation:us-west-2:123456789012:stack/wso2-apim-dc2-node-1-gate/1`,
    `NodeSignalabc\tCREATE_COMPLETE\t${HANDLE_URL}`,
    // The previous change's pair, still there until the update's cleanup: complete, never signalled again.
    `NodeHealthy123\tCREATE_COMPLETE\tarn:aws:cloudformation:us-west-2:123456789012:stack/wso2-apim-dc2-node-1-gate/0`,
    `NodeSignal123\tCREATE_COMPLETE\thttps://cloudformation-waitcondition-us-west-2.s3.amazonaws.com/old`,
].join("\n");

interface Situation { resources?: string; health: string; flag?: string; trustedSource?: boolean; metadata?: string; installFailures?: Record<string, string> }

function signal(situation: Situation): { status: number | null; calls: string[]; puts: string[]; stderr: string } {
    const run = runWithFakes({
        prefix: "health-signal-",
        script: HEALTH_SIGNAL_SCRIPT,
        fakes: { aws: FAKE_AWS, curl: FAKE_CURL },
        files: {
            // The node's health command, from the test directory instead of /usr/local/sbin (a later assignment wins).
            "signal.env": renderHealthSignalEnv({
                region: "us-west-2", gateStack: "wso2-apim-dc2-node-1-gate", trustedSource: situation.trustedSource ?? false,
                replicationReadyParameter: "/wso2-apim/dc2/replication-ready",
                targetGroups: [{ arn: "arn:tg/gw", port: 8243 }, { arn: "arn:tg/mgmt", port: 9443 }],
            }) + "HEALTH_COMMAND='bash <dir>/node-health'\n",
            "node-health": NODE_HEALTH_SCRIPT,
            ...(situation.resources !== undefined ? { resources: situation.resources } : {}),
            // By default this start has checked its installs (the database hook's mark) and none failed.
            ...Object.fromEntries(Object.entries(situation.installFailures ?? { ".checked": "" }).map(([name, text]) => [`install-failures/${name}`, text])),
        },
        env: {
            SIGNAL_ENV: "<dir>/signal.env", FAKE_RESOURCES: "<dir>/resources", FAKE_HEALTH: situation.health, INSTALL_FAILURES: "<dir>/install-failures",
            ...(situation.flag ? { FAKE_FLAG: situation.flag } : {}),
            // CloudFormation returns the Metadata as a JSON string; by default this node's own.
            FAKE_METADATA: situation.metadata ?? '{"InstanceId": "i-0123456789abcdef0"}',
        },
    });
    return { status: run.status, calls: run.calls, puts: run.calls.filter((c) => c.startsWith("curl ")), stderr: run.stderr };
}

const BOTH_HEALTHY = "arn:tg/gw=healthy arn:tg/mgmt=healthy";

describe("rolling node replacement: the node's signal (bash, against fakes)", () => {
    it("healthy in both target groups: PUTs one SUCCESS signal, UniqueId its instance id, to the waiting handle only", () => {
        const { status, calls, puts } = signal({ resources: WAITING, health: BOTH_HEALTHY, flag: "true" });
        assert.equal(status, 0);
        assert.equal(puts.length, 1, calls.join("\n"));
        assert.ok(puts[0].endsWith(` ${HANDLE_URL}`), puts[0]);
        assert.ok(puts[0].includes("-X PUT -H Content-Type: --data-binary"), puts[0]);
        const body = JSON.parse(/--data-binary (\{.*\}) https/.exec(puts[0])![1]);
        assert.deepEqual({ Status: body.Status, UniqueId: body.UniqueId }, { Status: "SUCCESS", UniqueId: "i-0123456789abcdef0" });
        assert.match(body.Reason, /healthy/);
        // Its own instance, on the port it serves each group.
        assert.ok(calls.includes("aws elbv2 describe-target-health --region us-west-2 --target-group-arn arn:tg/gw --targets Id=i-0123456789abcdef0,Port=8243 --query TargetHealthDescriptions[0].TargetHealth.State --output text"));
        assert.ok(calls.some((c) => c.includes("--target-group-arn arn:tg/mgmt --targets Id=i-0123456789abcdef0,Port=9443")));
    });

    it("a condition that waits for another instance (the replacement of this node) is never signalled by this one", () => {
        // Pulumi replaces a node create-before-delete: the old instance stays healthy until the update ends.
        for (const metadata of ['{"InstanceId":"i-0fedcba9876543210"}', "None"]) {
            const { status, puts, stderr, calls } = signal({ resources: WAITING, health: BOTH_HEALTHY, flag: "true", metadata });
            assert.equal(status, 0);
            assert.deepEqual(puts, [], metadata);
            assert.match(stderr, /not signalling NodeHealthyabc: it waits for another instance/);
            assert.ok(calls.includes("aws cloudformation describe-stack-resource --region us-west-2 --stack-name wso2-apim-dc2-node-1-gate --logical-resource-id NodeHealthyabc --query StackResourceDetail.Metadata --output text"));
        }
    });

    it("replication-ready but unhealthy in one target group: no signal", () => {
        for (const health of ["arn:tg/gw=healthy arn:tg/mgmt=unhealthy", "arn:tg/gw=initial arn:tg/mgmt=healthy"]) {
            const { status, puts, stderr } = signal({ resources: WAITING, health, flag: "true" });
            assert.equal(status, 0);
            assert.deepEqual(puts, [], health);
            assert.match(stderr, /not signalling: (unhealthy|initial)/);
        }
    });

    it("not replication-ready (flag unset or not true): signals without asking the ALB, the DC serves nothing yet", () => {
        for (const flag of [undefined, "false"]) {
            const { status, calls, puts } = signal({ resources: WAITING, health: "", flag });
            assert.equal(status, 0);
            assert.equal(puts.length, 1, String(flag));
            assert.match(puts[0], /"Reason":"not replication-ready/);
            assert.ok(!calls.some((c) => c.includes("describe-target-health")));
        }
    });

    it("not replication-ready, but this start has not checked its installs yet: no signal (a bad pack or client must fail the gate, not pass it)", () => {
        const { status, puts } = signal({ resources: WAITING, health: "", installFailures: {} });
        assert.equal(status, 0);
        assert.deepEqual(puts, []);
    });

    it("a flag it cannot read (other than not found) decides nothing: no signal", () => {
        const { status, puts, stderr } = signal({ resources: WAITING, health: "", flag: "denied" });
        assert.equal(status, 0);
        assert.deepEqual(puts, []);
        assert.match(stderr, /cannot read \/wso2-apim\/dc2\/replication-ready: AccessDeniedException/);
    });

    it("the trusted source never reads the flag: unhealthy means no signal", () => {
        const { calls, puts } = signal({ resources: WAITING, health: "arn:tg/gw=unhealthy arn:tg/mgmt=unhealthy", trustedSource: true });
        assert.deepEqual(puts, []);
        assert.ok(!calls.some((c) => c.startsWith("aws ssm")));
    });

    it("a start that could not install what the configuration asks (issue 24, bad input): FAILURE naming the key, however healthy the node still is", () => {
        const { status, puts } = signal({
            resources: WAITING, health: BOTH_HEALTHY, flag: "true",
            installFailures: { "wso2-pack": "wso2PackSha256: s3://packs/wso2am-3.1.0-u2.zip has SHA-256 1a2b, not 3c4d\n" },
        });
        assert.equal(status, 0);
        assert.equal(puts.length, 1);
        const body = JSON.parse(/--data-binary (\{.*\}) https/.exec(puts[0])![1]);
        assert.equal(body.Status, "FAILURE");
        assert.equal(body.Reason, "not installed: wso2PackSha256: s3://packs/wso2am-3.1.0-u2.zip has SHA-256 1a2b, not 3c4d");
        // Also where the DC is not replication-ready yet: a failed install is never reported as ready.
        const notReady = signal({ resources: WAITING, health: "", installFailures: { "oracle-client": "oracleClientZips: cannot download https://x/y.zip\n" } });
        assert.match(notReady.puts[0], /"Status":"FAILURE","Reason":"not installed: oracleClientZips: cannot download https:\/\/x\/y\.zip"/);
    });

    it("nothing waiting (every WaitCondition complete) or no gate stack yet: no call beyond the lookup", () => {
        const complete = WAITING.replace("CREATE_IN_PROGRESS", "CREATE_COMPLETE");
        for (const resources of [complete, undefined]) {
            const { status, calls } = signal({ resources, health: BOTH_HEALTHY, flag: "true" });
            assert.equal(status, 0);
            assert.equal(calls.length, 1, calls.join("\n"));
            assert.match(calls[0], /^aws cloudformation describe-stack-resources --region us-west-2 --stack-name wso2-apim-dc2-node-1-gate /);
        }
    });
});
