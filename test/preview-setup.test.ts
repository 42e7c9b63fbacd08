/** tools/plan/preview-setup.ts: the stacks the real preview runs, what it still needs, and its role's trust policy. */
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { missingForPreview, previewRoleTrustPolicy, previewStacks } from "../tools/plan/preview-setup";
import { PROJECT_DIR, temporaryDirectories } from "./harness";

const configured = { fork: false, awsRoleArn: "arn:aws:iam::123456789012:role/apim-preview", pulumiTokenSet: true };

describe("real preview set-up", () => {
    const tempDir = temporaryDirectories();
    it("previews every stack file in its region as <stackReferencePrefix>/<stack>, the name the program reads peers under", () => {
        assert.deepEqual(previewStacks(PROJECT_DIR), [
            { stack: "us-east", region: "us-east-1", pulumiStack: "organization/wso2-apim-multi-dc/us-east" },
            { stack: "us-west", region: "us-west-2", pulumiStack: "organization/wso2-apim-multi-dc/us-west" },
        ]);
    });

    it("refuses a stack that sets its own prefix: the stacks of one deployment share it", () => {
        const dir = tempDir("preview-prefix-");
        for (const file of ["Pulumi.yaml", "Pulumi.us-east.yaml"]) fs.copyFileSync(path.join(PROJECT_DIR, file), path.join(dir, file));
        fs.writeFileSync(path.join(dir, "Pulumi.us-west.yaml"), `${fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.us-west.yaml"), "utf8")}  wso2-apim-multi-dc:stackReferencePrefix: acme/apim\n`);
        assert.throws(() => previewStacks(dir), /Pulumi\.us-west\.yaml: sets 'wso2-apim-multi-dc:stackReferencePrefix', shared by every stack/);
    });

    it("says what is missing: the role, the token, a real prefix; and that forks get neither secrets nor variables", () => {
        const stacks = [{ stack: "us-east", region: "us-east-1", pulumiStack: "acme/apim/us-east" }];
        assert.deepEqual(missingForPreview(configured, stacks), []);
        assert.deepEqual(missingForPreview({ ...configured, awsRoleArn: "", pulumiTokenSet: false }, stacks).map((m) => m.split(" (")[0]), [
            "repository variable AWS_PREVIEW_ROLE_ARN", "repository secret PULUMI_ACCESS_TOKEN",
        ]);
        assert.match(missingForPreview(configured, [{ ...stacks[0], pulumiStack: "organization/wso2-apim-multi-dc/us-east" }])[0], /still the shipped example \(organization\/wso2-apim-multi-dc\)/);
        assert.match(missingForPreview({ ...configured, fork: true }, stacks)[0], /fork gets no secrets or variables/);
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
