/**
 * Generated secrets: Oracle passwords that Oracle, SQL*Plus and GGSCI accept as they are, and one
 * WSO2 admin secret for the whole deployment (the user store replicates, so every DC logs in
 * against the admin row the trusted source created), read by name in each DC's own region.
 */
import * as assert from "node:assert/strict";
import { ProgramRun, RecordedResource } from "../tools/offline/run";
import { named, nodeFile, ofType, run, STACKS } from "./harness";

const PASSWORD = "random:index/randomPassword:RandomPassword";
const SECRET = "aws:secretsmanager/secret:Secret";
const ADMIN_SECRET_NAME = "wso2-apim/wso2-apim-multi-dc/wso2-admin";
const REGION = { "us-east": "us-east-1", "us-west": "us-west-2" } as const;

/** The characters a RandomPassword may draw from, as the random provider builds its set. */
function alphabet(inputs: Record<string, unknown>): string {
    const on = (key: string) => inputs[key] !== false;
    return [
        on("upper") ? "ABCDEFGHIJKLMNOPQRSTUVWXYZ" : "",
        on("lower") ? "abcdefghijklmnopqrstuvwxyz" : "",
        on("numeric") ? "0123456789" : "",
        on("special") ? String(inputs.overrideSpecial ?? "!@#$%&*()-_=+[]{}<>:?") : "",
    ].join("");
}

function adminSecrets(program: ProgramRun): RecordedResource[] {
    return ofType(program, SECRET).filter((s) => s.inputs.name === ADMIN_SECRET_NAME || String(s.inputs.namePrefix).includes("wso2-admin"));
}

function bootstrapEnv(node: RecordedResource): string {
    return nodeFile(node, "/etc/wso2-apim/bootstrap.env");
}

describe("generated secrets", () => {
    for (const stack of STACKS) {
        const dc = stack === "us-east" ? "dc1" : "dc2";

        it(`${stack}: every Oracle password is 30 characters of letters, digits and _ (Oracle 19c: at most 30 bytes)`, async () => {
            const program = await run(stack, { databaseKind: "ec2", databaseAmiId: "ami-0123456789abcdef0" });
            const oracle = ofType(program, PASSWORD).filter((p) => /-(am-db|shared-db|goldengate|db-master)$/.test(p.name));
            assert.deepEqual(oracle.map((p) => p.name).sort(), ["am-db", "db-master", "goldengate", "shared-db"].map((role) => `${dc}-secrets-${role}`));
            for (const password of oracle) {
                assert.equal(password.inputs.length, 30, password.name);
                assert.match(alphabet(password.inputs), /^[A-Za-z0-9_]+$/, password.name);
                assert.match(alphabet(password.inputs), /_/, password.name);
            }
        });
    }

    it("the trusted source's stack creates the one admin secret under the project's fixed name, with a replica in every other DC's region", async () => {
        const east = await run("us-east");
        const [secret] = adminSecrets(east);
        assert.deepEqual(adminSecrets(east).map((s) => s.name), ["dc1-secrets-wso2-admin"]);
        assert.deepEqual([secret.inputs.name, secret.inputs.namePrefix, secret.inputs.replicas], [ADMIN_SECRET_NAME, undefined, [{ region: "us-west-2" }]]);
        assert.equal(secret.inputs.recoveryWindowInDays, 7);
        const version = ofType(east, "aws:secretsmanager/secretVersion:SecretVersion").find((v) => v.name === "dc1-secrets-wso2-admin")!;
        assert.equal(version.inputs.secretId, "(known after apply: dc1-secrets-wso2-admin.id)");

        assert.deepEqual(adminSecrets(await run("us-west")), [], "DC2 generates an admin password of its own");
    });

    it("the admin password is 30 letters and digits: WSO2 puts it unencoded into its AMQP (JMS) URLs", async () => {
        const password = ofType(await run("us-east"), PASSWORD).find((p) => p.name === "dc1-secrets-wso2-admin")!;
        assert.equal(password.inputs.length, 30);
        assert.match(alphabet(password.inputs), /^[A-Za-z0-9]+$/);
    });

    it("follows the trusted source: with DC2 trusted, DC2 creates it with a replica in us-east-1 and DC1 creates none", async () => {
        const west = await run("us-west", { trustedSource: "DC2" });
        assert.deepEqual(adminSecrets(west).map((s) => [s.inputs.name, s.inputs.replicas]), [[ADMIN_SECRET_NAME, [{ region: "us-east-1" }]]]);
        assert.deepEqual(adminSecrets(await run("us-east", { trustedSource: "DC2" })), []);
    });

    for (const stack of STACKS) {
        const dc = stack === "us-east" ? "dc1" : "dc2";
        const region = REGION[stack];

        it(`${stack}: the nodes read the admin secret by name in ${region}, and may read exactly that secret there`, async () => {
            const program = await run(stack);
            for (const node of ofType(program, "aws:ec2/instance:Instance")) {
                assert.match(bootstrapEnv(node), new RegExp(`^ADMIN_SECRET_ID='?${ADMIN_SECRET_NAME}'?$`, "m"), node.name);
            }
            const policy = JSON.parse(String(named(program, `${dc}-apim-iam-access`).inputs.policy));
            const reads = policy.Statement.filter((s: any) => s.Action === "secretsmanager:GetSecretValue" && String(s.Resource).includes("wso2-admin"));
            // Secrets Manager ends every secret's ARN with "-" and six random characters.
            assert.deepEqual(reads.map((s: any) => s.Resource), [`arn:aws:secretsmanager:${region}:123456789012:secret:${ADMIN_SECRET_NAME}-??????`]);
        });
    }
});
