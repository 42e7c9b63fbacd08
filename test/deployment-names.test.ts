/**
 * Two deployments in one account and region (staging beside production): every name AWS holds
 * once per account and region begins with `deploymentName`, so the two never ask for one name.
 */
import * as assert from "node:assert/strict";
import { DEFAULT_DEPLOYMENT_NAME } from "../lib/config";
import { ProgramRun } from "../tools/offline/run";
import { named, nodeFile, ofType, run } from "./harness";

/** Inputs that are a physical name AWS keeps unique per account and region (or per VPC, for the private zone). */
const NAME_INPUTS = ["name", "namePrefix", "identifier", "finalSnapshotIdentifier", "bucket", "dashboardName"];
/** Types whose `name` is not one: Route 53 records live in a zone, resources named by Pulumi are auto-named. */
const NOT_UNIQUE = new Set(["aws:route53/record:Record"]);

function fixedNames(program: ProgramRun): { type: string; name: string }[] {
    return program.resources.filter((r) => r.type.startsWith("aws:") && !NOT_UNIQUE.has(r.type)).flatMap((r) =>
        NAME_INPUTS.map((key) => r.inputs[key]).filter((value): value is string => typeof value === "string" && !value.startsWith("(known after apply"))
            .map((name) => ({ type: r.type, name })));
}

describe("deploymentName: two deployments in one account and region", () => {
    for (const stack of ["us-east", "us-west"]) {
        it(`${stack}: every fixed name begins with it, and none is shared with the default deployment`, async () => {
            const staging = fixedNames(await run(stack, { deploymentName: "staging-apim" }));
            const production = fixedNames(await run(stack));
            // The names this has to cover: RDS, gate stacks, SSM, secrets, the boot bucket, alarms, the dashboard, the private zone.
            for (const type of ["aws:rds/instance:Instance", "aws:cloudformation/stack:Stack", "aws:ssm/parameter:Parameter", "aws:secretsmanager/secret:Secret",
                "aws:s3/bucket:Bucket", "aws:cloudwatch/metricAlarm:MetricAlarm", "aws:cloudwatch/dashboard:Dashboard", "aws:route53/zone:Zone"]) {
                assert.ok(staging.some((n) => n.type === type), `no fixed name of ${type} was checked`);
            }
            for (const { type, name } of staging) {
                assert.match(name, /^\/?staging-apim[-/]|^dc\d+\.staging-apim\.internal$/, `${type} ${name}`);
            }
            const clashes = staging.filter((s) => production.some((p) => p.type === s.type && p.name === s.name));
            assert.deepEqual(clashes, []);
        });
    }

    it("by default the names are those of earlier releases (no resource is renamed by this key)", async () => {
        const names = fixedNames(await run("us-east")).map((n) => n.name);
        for (const name of ["wso2-apim-dc1", "wso2-apim-dc1-node-1-gate", "/wso2-apim/dc1/replication-ready", "wso2-apim/wso2-apim-multi-dc/wso2-admin", "dc1.wso2-apim.internal"]) {
            assert.ok(names.includes(name), name);
        }
        assert.equal(DEFAULT_DEPLOYMENT_NAME, "wso2-apim");
    });

    it("every custom metric the deployment publishes or alarms on is in its own namespace", async () => {
        const program = await run("us-east", { deploymentName: "staging-apim", goldengateLicense: "byol", goldengateInstallerS3Uri: "s3://example-ogg/ogg.zip" });
        const custom = ofType(program, "aws:cloudwatch/metricAlarm:MetricAlarm").map((a) => String(a.inputs.namespace ?? "")).filter((ns) => ns.startsWith("WSO2APIM"));
        assert.ok(custom.length >= 5, custom.join(", "));
        for (const namespace of custom) assert.match(namespace, /^WSO2APIM\/staging-apim\//);
        const filters = ofType(program, "aws:cloudwatch/logMetricFilter:LogMetricFilter").map((f) => (f.inputs.metricTransformation as { namespace: string }).namespace);
        for (const namespace of filters) assert.match(namespace, /^WSO2APIM\/staging-apim\/Nodes\/DC1$/);
        // Publishers: the hub's lag, the nodes' sync lag and host metrics, each allowed only its own namespace.
        const policies = JSON.stringify(ofType(program, "aws:iam/rolePolicy:RolePolicy").map((p) => p.inputs.policy));
        for (const area of ["GoldenGate", "Artifacts", "NodeHost"]) assert.ok(policies.includes(`WSO2APIM/staging-apim/${area}`), area);
        assert.match(nodeFile(named(program, "dc1-apim-1"), "/etc/wso2-apim/cloudwatch-agent.json"), /"namespace": ?"WSO2APIM\/staging-apim\/NodeHost"/);
    });

    it("the nodes' gate permission, secrets prefix and names in deployment.toml follow it", async () => {
        const program = await run("us-east", { deploymentName: "staging-apim" });
        const policy = JSON.stringify(ofType(program, "aws:iam/rolePolicy:RolePolicy").map((p) => p.inputs.policy));
        assert.match(policy, /stack\/staging-apim-dc1-node-\*-gate\/\*/);
        assert.match(policy, /secret:staging-apim\/dc1\//);
        assert.doesNotMatch(policy, /secret:wso2-apim\/|stack\/wso2-apim-/);
        const toml = nodeFile(named(program, "dc1-apim-1"), "/etc/wso2-apim/deployment.toml");
        assert.match(toml, /oracle\.dc1\.staging-apim\.internal/);
        assert.doesNotMatch(toml, /\.wso2-apim\.internal/);
    });
});

