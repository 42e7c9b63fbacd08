/** tools/plan/preview-setup.ts: the stacks the real preview runs, what it still needs, and its role's trust policy. */
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { missingForPreview, previewRoleTrustPolicy, previewStacks, projectName, pulumiAuth, settingsFromEnv } from "../tools/plan/preview-setup";
import { ACCOUNT_ID } from "../tools/offline/cloud";
import { renderPolicies } from "../tools/plan/deployer-policy";
import { INVOKE_GRANTS } from "../tools/plan/deployer-policy-table";
import { buildPlan } from "../tools/plan/plan-json";
import { PROJECT_DIR, run, STACKS, temporaryDirectories } from "./harness";

const configured = { fork: false, awsRoleArn: "arn:aws:iam::123456789012:role/apim-preview", pulumiTokenSet: true };

describe("real preview set-up", () => {
    const tempDir = temporaryDirectories();
    it("previews every stack file in its region as <stackReferencePrefix>/<stack>, the name the program reads peers under", () => {
        assert.deepEqual(previewStacks(PROJECT_DIR), [
            { stack: "us-east", region: "us-east-1", pulumiStack: "organization/wso2-apim-multi-dc/us-east", peers: [] },
            // DC2 peers with DC1 through a StackReference: its preview waits for us-east's outputs.
            { stack: "us-west", region: "us-west-2", pulumiStack: "organization/wso2-apim-multi-dc/us-west", peers: ["organization/wso2-apim-multi-dc/us-east"] },
        ]);
    });

    it("takes each stack's peers from config `datacenters` as the program does: a datacenter without a stack file, or with its own `stack` name, is still a peer", () => {
        const dir = tempDir("preview-peers-");
        // Only us-west has a stack file: its preview must still wait for DC1's stack, not run and go red.
        fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
        fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.us-west.yaml"), path.join(dir, "Pulumi.us-west.yaml"));
        assert.deepEqual(previewStacks(dir), [
            { stack: "us-west", region: "us-west-2", pulumiStack: "organization/wso2-apim-multi-dc/us-west", peers: ["organization/wso2-apim-multi-dc/us-east"] },
        ]);
        // DC1 deployed by a stack named east-prod (config `stack`): the peer is that stack, as VpcPeering reads it.
        const project = fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8").replace("      - id: DC1\n", "      - id: DC1\n        stack: east-prod\n");
        assert.notEqual(project, fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8"));
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), project);
        assert.deepEqual(previewStacks(dir)[0].peers, ["organization/wso2-apim-multi-dc/east-prod"]);
    });

    it("refuses a stack that sets its own prefix: the stacks of one deployment share it", () => {
        const dir = tempDir("preview-prefix-");
        for (const file of ["Pulumi.yaml", "Pulumi.us-east.yaml"]) fs.copyFileSync(path.join(PROJECT_DIR, file), path.join(dir, file));
        fs.writeFileSync(path.join(dir, "Pulumi.us-west.yaml"), `${fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.us-west.yaml"), "utf8")}  wso2-apim-multi-dc:stackReferencePrefix: acme/apim\n`);
        assert.throws(() => previewStacks(dir), /Pulumi\.us-west\.yaml: sets 'wso2-apim-multi-dc:stackReferencePrefix', shared by every stack/);
    });

    it("says what is missing: the role, the token, a real prefix; and that forks get neither secrets nor variables", () => {
        const stacks = [{ stack: "us-east", region: "us-east-1", pulumiStack: "acme/apim/us-east", peers: [] }];
        assert.deepEqual(missingForPreview(configured, stacks), []);
        assert.deepEqual(missingForPreview({ ...configured, awsRoleArn: "", pulumiTokenSet: false }, stacks).map((m) => m.split(" (")[0]), [
            "repository variable AWS_PREVIEW_ROLE_ARN", "a Pulumi token: repository variable PULUMI_OIDC_ORGANIZATION",
        ]);
        assert.match(missingForPreview(configured, [{ ...stacks[0], pulumiStack: "organization/wso2-apim-multi-dc/us-east" }])[0], /still the shipped example \(organization\/wso2-apim-multi-dc\)/);
        assert.match(missingForPreview({ ...configured, fork: true }, stacks)[0], /fork gets no secrets or variables/);
    });

    it("accepts a Pulumi token either way: the secret, or an OIDC exchange for the prefix's organization (which then wins)", () => {
        const stacks = [{ stack: "us-east", region: "us-east-1", pulumiStack: "acme/apim/us-east", peers: [] }];
        const oidc = { ...configured, pulumiTokenSet: false, oidcOrganization: "acme", oidcTeam: "preview-readers" };
        assert.equal(pulumiAuth(configured), "secret");
        assert.equal(pulumiAuth(oidc), "oidc");
        assert.equal(pulumiAuth({ ...oidc, pulumiTokenSet: true }), "oidc", "the workflow runs the exchange whenever the variable is set");
        assert.equal(pulumiAuth({ ...configured, pulumiTokenSet: false }), "none");
        assert.deepEqual(missingForPreview(oidc, stacks), [], "no secret needed");
        assert.deepEqual(missingForPreview({ ...oidc, oidcTeam: undefined }, stacks), [], "an organization token (Team edition: no team tokens)");
        // auth-actions asks for a token of one organization: another one's stacks stay unreadable.
        assert.deepEqual(missingForPreview({ ...oidc, oidcOrganization: "contoso" }, stacks), [
            "repository variable PULUMI_OIDC_ORGANIZATION (contoso) is not the organization of stackReferencePrefix (acme): the exchanged token could not read the stacks",
        ]);
        assert.deepEqual(settingsFromEnv({ FORK: "false", AWS_PREVIEW_ROLE_ARN: "arn", PULUMI_ACCESS_TOKEN_SET: "false", PULUMI_OIDC_ORGANIZATION: "acme", PULUMI_OIDC_TEAM: "" }), {
            fork: false, awsRoleArn: "arn", pulumiTokenSet: false, oidcOrganization: "acme", oidcTeam: undefined,
        });
    });

    it("refuses a stack prefix whose project is not Pulumi.yaml's name: the CLI would refuse the stack, and peers would be read from another project", () => {
        assert.equal(projectName(PROJECT_DIR), "wso2-apim-multi-dc");
        const stacks = [{ stack: "us-east", region: "us-east-1", pulumiStack: "acme/apim/us-east", peers: [] }];
        assert.deepEqual(missingForPreview(configured, stacks, "wso2-apim-multi-dc"), [
            "stackReferencePrefix in Pulumi.yaml: its project (apim) is not Pulumi.yaml's name (wso2-apim-multi-dc); set <organization>/wso2-apim-multi-dc",
        ]);
        assert.deepEqual(missingForPreview(configured, [{ ...stacks[0], pulumiStack: "acme/wso2-apim-multi-dc/us-east" }], "wso2-apim-multi-dc"), []);
    });

    it("docs/preview.md's trust-policy command prints, run as written, exactly the JSON block shown under it", () => {
        const docs = fs.readFileSync(path.join(PROJECT_DIR, "docs", "preview.md"), "utf8");
        const shown = /^ {3}```sh\n {3}(node [^\n]* trust-policy [^\n]*)\n {3}```\n\n {3}```json\n([\s\S]*?)\n {3}```$/m.exec(docs);
        assert.ok(shown, "docs/preview.md shows the trust-policy command and its output");
        const [node, ...args] = shown[1].split(/\s+/);
        assert.equal(node, "node");
        const result = spawnSync(process.execPath, args, { cwd: PROJECT_DIR, encoding: "utf8" });
        assert.equal(result.status, 0, result.stderr);
        assert.equal(result.stdout, shown[2].split("\n").map((line) => line.replace(/^ {3}/, "")).join("\n") + "\n");
    });

    it("renders a trust policy for GitHub's OIDC provider limited to this repository's pull_request runs", () => {
        assert.deepEqual(previewRoleTrustPolicy("123456789012", "acme/apim"), {
            Version: "2012-10-17",
            Statement: [{
                Effect: "Allow",
                Principal: { Federated: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: {
                        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                        "token.actions.githubusercontent.com:sub": "repo:acme/apim:pull_request",
                    },
                },
            }],
        });
        assert.throws(() => previewRoleTrustPolicy("1234", "acme/apim"), /account id must be 12 digits, got "1234"/);
        assert.throws(() => previewRoleTrustPolicy("123456789012", "apim"), /repository must be <owner>\/<repo>, got "apim"/);
    });
});

/**
 * The preview role's policy (docs/preview.md, docs/deployer-iam.md): rendered from what the program
 * reads. `pulumi preview --refresh=false` calls AWS only for the data sources, so the policy holds
 * their reads and nothing else.
 */
describe("preview role policy", function () {
    this.timeout(300_000);
    /**
     * Actions the Service Authorization Reference lists with no resource type, so only "*" can name
     * them: EC2 Describe* (ec2:DescribeAvailabilityZones, ec2:DescribeInstanceTypeOfferings) and
     * route53:ListHostedZones.
     */
    const ONLY_STAR = new Set(["ec2:DescribeAvailabilityZones", "ec2:DescribeInstanceTypeOfferings", "route53:ListHostedZones"]);

    for (const stack of STACKS) {
        it(`${stack}: only reads, exactly those of the data sources the program calls, with "*" only where IAM has no narrower resource`, async () => {
            const program = await run(stack);
            const policies = renderPolicies(buildPlan(program), program.invokes, ACCOUNT_ID);
            const statements = policies.preview.flatMap((d) => d.Statement);
            const actions = new Set(statements.flatMap((s) => s.Action));
            for (const action of actions) assert.match(action.split(":")[1], /^(Describe|Get|List)/, `${action} is not a read`);
            const invoked = new Set(program.invokes.map((i) => i.token));
            for (const token of ["aws:index/getAvailabilityZones:getAvailabilityZones", "aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings", "aws:ssm/getParameter:getParameter", "aws:index/getCallerIdentity:getCallerIdentity"]) {
                assert.ok(invoked.has(token), `the program calls ${token}`);
            }
            const needed = new Set([...invoked].flatMap((token) => INVOKE_GRANTS[token].flatMap((g) => g.read ?? [])));
            assert.deepEqual([...actions].sort(), [...needed].sort(), "every data source's reads, nothing else");
            for (const statement of statements.filter((s) => s.Resource.includes("*"))) {
                for (const action of statement.Action) assert.ok(ONLY_STAR.has(action), `${action} on "*" though IAM can name its resource`);
            }
            const ssm = statements.find((s) => s.Action.includes("ssm:GetParameter"))!;
            assert.ok(ssm.Resource.every((r) => r.startsWith("arn:aws:ssm:") && r.includes("::parameter/aws/service/")), `AWS's public parameters only: ${ssm.Resource}`);
        });
    }

    it("docs/preview.md shows the policy us-east renders, not a hand-written or managed one", async () => {
        const program = await run("us-east");
        const [document, ...more] = renderPolicies(buildPlan(program), program.invokes, ACCOUNT_ID).preview;
        assert.equal(more.length, 0);
        const docs = fs.readFileSync(path.join(PROJECT_DIR, "docs", "preview.md"), "utf8");
        const shown = /<!-- preview-policy us-east -->\n```json\n([\s\S]*?)\n```/.exec(docs);
        assert.ok(shown, "docs/preview.md has the us-east preview policy block");
        assert.deepEqual(JSON.parse(shown[1]), document);
        assert.doesNotMatch(docs, /attach .*ReadOnlyAccess/i);
    });
});
