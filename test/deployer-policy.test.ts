import * as assert from "node:assert/strict";
import * as fs from "fs";
import { ACCOUNT_ID } from "../tools/offline/cloud";
import { ProgramRun } from "../tools/offline/run";
import { grantsOfType, MANAGED_POLICY_MAX_CHARS, PolicyDocument, policySize, renderPolicies, RenderedPolicies, splitIntoDocuments, UnknownPermissionsError } from "../tools/plan/deployer-policy";
import { INVOKE_GRANTS, RESOURCE_GRANTS } from "../tools/plan/deployer-policy-table";
import { buildPlan, Plan } from "../tools/plan/plan-json";
import { EXISTING_VPC, run, runAll, STACKS, threeDatacenterProject } from "./harness";

/** The verbs of calls that only read (Service Authorization Reference, access level List and Read). */
const READ_VERBS = ["Describe", "Get", "List"];
const ACTION_NAME = /^[a-z0-9-]+:[A-Za-z0-9*]+$/;

const actionsOf = (documents: PolicyDocument[]) => documents.flatMap((d) => d.Statement.flatMap((s) => s.Action));
const resourcesOf = (documents: PolicyDocument[]) => documents.flatMap((d) => d.Statement.flatMap((s) => s.Resource));

function rendered(program: ProgramRun): { plan: Plan; policies: RenderedPolicies } {
    const plan = buildPlan(program);
    return { plan, policies: renderPolicies(plan, program.invokes, ACCOUNT_ID) };
}

/** What IAM would refuse at CreatePolicy, checked offline: JSON, version, statement shape, action names, size. */
function assertValidPolicy(document: PolicyDocument, label: string): void {
    const text = JSON.stringify(document, null, 2);
    assert.deepEqual(JSON.parse(text), document, `${label}: round-trips as JSON`);
    assert.equal(document.Version, "2012-10-17", label);
    assert.ok(document.Statement.length > 0, `${label}: has statements`);
    const sids = document.Statement.map((s) => s.Sid);
    assert.equal(new Set(sids).size, sids.length, `${label}: Sids are unique`);
    for (const statement of document.Statement) {
        assert.match(statement.Sid, /^[A-Za-z0-9]+$/, `${label}: Sid ${statement.Sid}`);
        assert.equal(statement.Effect, "Allow", label);
        assert.ok(statement.Action.length > 0 && statement.Resource.length > 0, `${label} ${statement.Sid}: Action and Resource`);
        for (const action of statement.Action) assert.match(action, ACTION_NAME, `${label} ${statement.Sid}`);
        for (const resource of statement.Resource) {
            assert.ok(resource === "*" || /^arn:aws:[a-z0-9-]+:[a-z0-9-]*:(\d{12})?:\S+$/.test(resource), `${label} ${statement.Sid}: ${resource} is an ARN`);
            assert.ok(!resource.includes("known after apply"), `${label}: ${resource} holds no plan placeholder`);
        }
    }
    assert.ok(policySize(document) <= MANAGED_POLICY_MAX_CHARS, `${label}: ${policySize(document)} characters fit a managed policy`);
}

function assertCoversEveryType(plan: Plan, policies: RenderedPolicies, label: string): void {
    const deployer = new Set(actionsOf(policies.deployer));
    for (const type of new Set(plan.resources.map((r) => r.type))) {
        const grants = grantsOfType(type, "test");
        if (!grants) continue;
        for (const action of grants.flatMap((g) => [...(g.read ?? []), ...(g.write ?? [])])) {
            assert.ok(deployer.has(action), `${label}: ${type} needs ${action}`);
        }
    }
}

describe("deployer and preview IAM policies", function () {
    this.timeout(300_000);

    for (const stack of STACKS) {
        it(`${stack}: every resource type and data source of the plan has its actions, in valid documents that fit`, async () => {
            const program = await run(stack);
            const { plan, policies } = rendered(program);
            assertCoversEveryType(plan, policies, stack);
            const previewActions = new Set(actionsOf(policies.preview));
            for (const token of new Set(program.invokes.map((i) => i.token))) {
                for (const action of INVOKE_GRANTS[token].flatMap((g) => g.read ?? [])) assert.ok(previewActions.has(action), `${token}: ${action}`);
            }
            [...policies.deployer, ...policies.preview].forEach((document, i) => assertValidPolicy(document, `${stack} document ${i + 1}`));
        });

        it(`${stack}: ARNs carry the plan's real names (RDS identifier, secrets, gate stacks, bucket, parameters)`, async () => {
            const { plan, policies } = rendered(await run(stack));
            const resources = resourcesOf(policies.deployer);
            const region = String(plan.config["aws:region"]);
            const database = plan.resources.find((r) => r.type === "aws:rds/instance:Instance")!;
            assert.ok(resources.includes(`arn:aws:rds:${region}:${ACCOUNT_ID}:db:${database.inputs.identifier}`), "the database's identifier");
            for (const gate of plan.resources.filter((r) => r.type === "aws:cloudformation/stack:Stack")) {
                assert.ok(resources.includes(`arn:aws:cloudformation:${region}:${ACCOUNT_ID}:stack/${gate.inputs.name}/*`), `gate stack ${gate.inputs.name}`);
            }
            for (const parameter of plan.resources.filter((r) => r.type === "aws:ssm/parameter:Parameter")) {
                assert.ok(resources.includes(`arn:aws:ssm:${region}:${ACCOUNT_ID}:parameter${parameter.inputs.name}`), `parameter ${parameter.inputs.name}`);
            }
            for (const secret of plan.resources.filter((r) => r.type === "aws:secretsmanager/secret:Secret")) {
                const pattern = secret.inputs.name ? `${secret.inputs.name}-??????` : `${secret.inputs.namePrefix}*`;
                // Or a prefix of this DC's scope that covers it: compressArns joins four or more secrets of one scope.
                const arn = `arn:aws:secretsmanager:${region}:${ACCOUNT_ID}:secret:${pattern}`;
                assert.ok(resources.some((r) => r === arn || (r.endsWith("/*") && arn.startsWith(r.slice(0, -1)))), `secret ${pattern}`);
            }
            const bucket = plan.resources.find((r) => r.type === "aws:s3/bucket:Bucket" && r.inputs.bucket)!;
            assert.ok(resources.includes(`arn:aws:s3:::${bucket.inputs.bucket}`), "the artifacts bucket by name");
            // An auto-named role is reached by its logical name and Pulumi's suffix, and passed only to its service.
            const nodeRole = plan.resources.find((r) => r.type === "aws:iam/role:Role" && r.name.endsWith("-apim-iam-role"))!;
            const passToEc2 = policies.deployer.flatMap((d) => d.Statement).find((s) => s.Condition?.StringEquals?.["iam:PassedToService"] === "ec2.amazonaws.com")!;
            assert.deepEqual(passToEc2.Resource, [`arn:aws:iam::${ACCOUNT_ID}:role/${nodeRole.name}-*`]);
        });

        it(`${stack}: the preview policy only reads (the data sources: test/preview-setup.test.ts), never a secret's value, and no S3 object outside the stack's buckets`, async () => {
            const { plan, policies } = rendered(await run(stack));
            for (const action of actionsOf(policies.preview)) {
                const verb = action.split(":")[1];
                assert.ok(READ_VERBS.some((read) => verb.startsWith(read)), `${action} is not a read`);
            }
            assert.ok(!actionsOf(policies.preview).includes("secretsmanager:GetSecretValue"));
            assert.ok(actionsOf(policies.deployer).includes("secretsmanager:GetSecretValue"), "the deployer refreshes secret versions");
            const buckets = plan.resources.filter((r) => r.type === "aws:s3/bucket:Bucket").map((r) => String(r.inputs.bucket ?? `${r.name}-`));
            for (const statement of policies.preview.flatMap((d) => d.Statement).filter((s) => s.Action.includes("s3:GetObject"))) {
                for (const resource of statement.Resource) {
                    assert.ok(buckets.some((bucket) => resource.startsWith(`arn:aws:s3:::${bucket}`)), `${resource} is in a bucket of the stack`);
                }
            }
        });
    }

    it("fails on a resource type the table does not know, naming it", async () => {
        const program = await run("us-east");
        const plan = buildPlan(program);
        const unknown = { ...plan.resources.find((r) => r.type === "aws:sns/topic:Topic")!, type: "aws:sqs/queue:Queue", name: "dc1-ops-queue" };
        assert.throws(() => renderPolicies({ ...plan, resources: [...plan.resources, unknown] }, program.invokes, ACCOUNT_ID),
            (err: Error) => err instanceof UnknownPermissionsError && /aws:sqs\/queue:Queue \(declared by dc1-ops-queue\)/.test(err.message));
        assert.throws(() => renderPolicies(plan, [...program.invokes, { token: "aws:ec2/getVpc:getVpc", inputs: {}, provider: null }], ACCOUNT_ID),
            /aws:ec2\/getVpc:getVpc/);
    });

    it("covers every configuration the tests plan: byol, databaseKind ec2, an existing VPC, three datacenters", async () => {
        const programs: [string, ProgramRun][] = [];
        for (const [label, overrides] of Object.entries({
            "byol hub AMI": { goldengateLicense: "byol", goldengateAmiId: "ami-0fedcba9876543210" },
            "byol installer": { goldengateLicense: "byol", goldengateInstallerS3Uri: "s3://example-ogg/fbo_ggs_Linux_x64_Oracle_shiphome.zip" },
            "databaseKind ec2": { databaseKind: "ec2", databaseAmiId: "ami-0123456789abcdef0" },
        })) {
            for (const stack of STACKS) programs.push([`${label} ${stack}`, await run(stack, overrides)]);
        }
        programs.push(["existing VPC", await run("us-east", EXISTING_VPC)]);
        const dir = threeDatacenterProject("iam-3dc-");
        try {
            for (const [stack, program] of await runAll(dir)) programs.push([`three datacenters ${stack}`, program]);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
        for (const [label, program] of programs) {
            const { plan, policies } = rendered(program);
            assertCoversEveryType(plan, policies, label);
            [...policies.deployer, ...policies.preview].forEach((document, i) => assertValidPolicy(document, `${label} document ${i + 1}`));
        }
    });

    it("every entry of the table names actions IAM can parse", () => {
        for (const [type, grants] of Object.entries({ ...RESOURCE_GRANTS, ...INVOKE_GRANTS })) {
            for (const action of grants.flatMap((g) => [...(g.read ?? []), ...(g.write ?? [])])) assert.match(action, ACTION_NAME, type);
            for (const action of grants.flatMap((g) => g.read ?? [])) {
                assert.ok(READ_VERBS.some((verb) => action.split(":")[1].startsWith(verb)), `${type}: read ${action} is not a read verb`);
            }
        }
    });

    it("splits statements over as many documents as the size limit needs, halving a statement too big alone", () => {
        const statement = (i: number, actions = 1) => ({
            Sid: `S${i}`, Effect: "Allow" as const, Action: Array.from({ length: actions }, (_, a) => `ec2:Describe${"X".repeat(40)}${a}`), Resource: ["*"],
        });
        const documents = splitIntoDocuments([...Array.from({ length: 200 }, (_, i) => statement(i)), statement(999, 300)]);
        assert.ok(documents.length > 1);
        for (const document of documents) assert.ok(policySize(document) <= MANAGED_POLICY_MAX_CHARS);
        assert.equal(actionsOf(documents).length, 200 + 300, "no action is lost");
    });
});
