import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { KEYSTORE } from "../lib/keystore";
import { KEYSTORE_SCRIPT, renderKeystoreHook } from "../lib/render/keystore-hook";
import * as TOML from "smol-toml";
import { nodeFile, ofType, requireTool, run, runWithFakes, shellcheck } from "./harness";

/**
 * Fakes (as small as the script's calls): `aws` answers the password secret with $FAKE_PASSWORDS,
 * the key secret from the file $FAKE_KEY (missing: no value yet, exit 1) and stores a put key
 * there; `keytool` logs its arguments and creates the files its -keystore/-destkeystore/-file name.
 */
const FAKE_AWS = `#!/bin/bash
printf 'aws %s\\n' "$*" >> "$FAKE_LOG"
args="$*"
case "$args" in
  *"get-secret-value"*"--query SecretString"*) printf '%s\\n' "$FAKE_PASSWORDS" ;;
  *"get-secret-value"*"--query SecretBinary"*) [[ -f "$FAKE_KEY" ]] || exit 1; base64 -w0 "$FAKE_KEY" ;;
  *"put-secret-value"*) file=\${args#*fileb://}; cp "\${file%% *}" "$FAKE_KEY" ;;
esac
`;
const FAKE_KEYTOOL = `#!/bin/bash
printf 'keytool %s\\n' "$*" >> "$FAKE_LOG"
while (($#)); do
  case "$1" in -keystore|-destkeystore|-file) [[ "$1" == -keystore && -e "$2" ]] || echo fake > "$2"; shift ;; esac
  shift
done
`;

const PASSWORDS = { keystorePassword: "Ks1secretKs1secret", truststorePassword: "Ts2secretTs2secret" };

function runHook(trustedSource: boolean, keyExists: boolean) {
    const user = os.userInfo().username;
    const { status, stderr, calls, inspected } = runWithFakes({
        prefix: "keystore-",
        script: KEYSTORE_SCRIPT,
        fakes: { aws: FAKE_AWS, keytool: FAKE_KEYTOOL },
        files: {
            "security/client-truststore.jks": "pack",
            ...(keyExists ? { key: "p12" } : {}),
            "keystore.env": [
                "AWS_REGION=us-west-2", "PASSWORD_SECRET_ID=pw", "KEY_SECRET_ID=key", `TRUSTED_SOURCE=${trustedSource}`,
                "CERT_DNAME='CN=apim.example.com'", "KEY_ALIAS=wso2carbon", "TRUSTED_ALIAS=wso2-apim-deployment", "VALIDITY_DAYS=3650",
                "KEY_WAIT_SECONDS=0", `KEY_VERSION_TOKEN=${KEYSTORE.versionToken}`, "SECURITY_DIR=<dir>/security",
                "KEYSTORE_FILE=wso2-apim-deployment.jks", "TRUSTSTORE_FILE=wso2-apim-truststore.jks",
                "PACK_TRUSTSTORE=client-truststore.jks", "PACK_TS_PASS=wso2carbon", `WSO2_USER=${user}`, "RUNTIME_ENV_FILE=<dir>/runtime.env",
            ].join("\n"),
        },
        env: { KEYSTORE_ENV: "<dir>/keystore.env", FAKE_KEY: "<dir>/key", FAKE_PASSWORDS: JSON.stringify(PASSWORDS) },
        inspect: (dir) => ({
            installed: fs.readdirSync(path.join(dir, "security")).sort(),
            runtimeEnv: fs.existsSync(path.join(dir, "runtime.env")) ? fs.readFileSync(path.join(dir, "runtime.env"), "utf8") : "",
            keyStored: fs.existsSync(path.join(dir, "key")),
        }),
    });
    return { status, stderr, calls, ...inspected };
}

describe("the deployment keystore hook (docs/artifacts.md, Keystores)", () => {
    it("on the trusted source with no key yet: generates one, stores it under the fixed version token, installs both stores", () => {
        const { status, calls, installed, keyStored } = runHook(true, false);
        assert.equal(status, 0);
        assert.ok(calls.some((c) => c.startsWith("keytool -genkeypair -alias wso2carbon -keyalg RSA -keysize 3072 -validity 3650 -dname CN=apim.example.com -storetype PKCS12")), calls.join("\n"));
        assert.ok(calls.some((c) => c.includes(`put-secret-value --region us-west-2 --secret-id key --secret-binary fileb://`) && c.endsWith(`--client-request-token ${KEYSTORE.versionToken}`)));
        assert.ok(keyStored);
        assert.deepEqual(installed, ["client-truststore.jks", "wso2-apim-deployment.jks", "wso2-apim-truststore.jks"]);
    });

    it("elsewhere uses the stored key, never generates one, and no password is ever on a command line", () => {
        const { status, calls, installed, runtimeEnv } = runHook(false, true);
        assert.equal(status, 0);
        assert.equal(runtimeEnv, `KEYSTORE_PASSWORD=${PASSWORDS.keystorePassword}\nTRUSTSTORE_PASSWORD=${PASSWORDS.truststorePassword}\n`);
        assert.ok(!calls.some((c) => c.includes("-genkeypair") || c.includes("put-secret-value")), calls.join("\n"));
        assert.ok(calls.some((c) => c.startsWith("keytool -importkeystore") && c.includes("-deststoretype JKS")));
        assert.ok(calls.some((c) => c.startsWith("keytool -storepasswd") && c.includes("-storepass:env PACK_TS_PASS -new:env TS_PASS")));
        assert.ok(calls.some((c) => c.startsWith("keytool -importcert -noprompt -alias wso2-apim-deployment")));
        for (const secret of Object.values(PASSWORDS)) assert.ok(!calls.some((c) => c.includes(secret)), secret);
        // Every keytool password option reads an environment variable (keytool ":env"), the pack's included.
        assert.ok(!calls.some((c) => /-(store|key|srcstore|deststore|destkey)pass |-new /.test(c)), calls.join("\n"));
        assert.deepEqual(installed, ["client-truststore.jks", "wso2-apim-deployment.jks", "wso2-apim-truststore.jks"]);
    });

    it("outside the trusted source fails, naming the secret, when the key never arrives", () => {
        const { status, stderr, installed } = runHook(false, false);
        assert.equal(status, 1);
        assert.match(stderr, /FAILED: no deployment key in key after 0s/);
        assert.deepEqual(installed, ["client-truststore.jks"]);
    });

    it("the hook writes its parameters, then runs the script from a file; both pass shellcheck", function () {
        const hook = renderKeystoreHook({ region: "us-east-1", project: "wso2-apim-multi-dc", trustedSource: true, commonName: "apim.example.com" });
        assert.match(hook, /^PASSWORD_SECRET_ID='wso2-apim\/wso2-apim-multi-dc\/wso2-keystore-passwords'$/m);
        assert.match(hook, /^KEY_SECRET_ID='wso2-apim\/wso2-apim-multi-dc\/wso2-keystore-key'$/m);
        assert.match(hook, /^TRUSTED_SOURCE='true'$/m);
        assert.match(hook, /^exec bash \/usr\/local\/sbin\/wso2-keystore$/m);
        assert.equal(spawnSync("bash", ["-n"], { input: hook }).status, 0);
        requireTool(this, "shellcheck");
        for (const script of [KEYSTORE_SCRIPT, hook]) {
            const result = shellcheck(script);
            assert.equal(result.status, 0, result.output);
        }
    });

    it("the trusted source's stack creates both secrets, replicated to DC2's region; DC2 creates none and boots with the hook", async () => {
        const east = await run("us-east");
        const west = await run("us-west");
        const secrets = (program: typeof east) => ofType(program, "aws:secretsmanager/secret:Secret")
            .filter((s) => String(s.inputs.name).includes("wso2-keystore"))
            .map((s) => [s.inputs.name, s.inputs.replicas]);
        assert.deepEqual(secrets(east), [
            ["wso2-apim/wso2-apim-multi-dc/wso2-keystore-passwords", [{ region: "us-west-2" }]],
            ["wso2-apim/wso2-apim-multi-dc/wso2-keystore-key", [{ region: "us-west-2" }]],
        ]);
        assert.deepEqual(secrets(west), []);
        // The key gets no value from the program (a node or the user stores it); the passwords do, as a secret.
        assert.deepEqual(ofType(east, "aws:secretsmanager/secretVersion:SecretVersion").filter((v) => v.name.includes("keystore")).map((v) => [v.name, v.inputs.secretString]),
            [["dc1-secrets-keystore-passwords", "[secret]"]]);
        const hook = (program: typeof east) => String(ofType(program, "aws:s3/bucketObjectv2:BucketObjectv2").find((o) => o.inputs.key === KEYSTORE.hookKey)?.inputs.content);
        assert.match(hook(east), /^TRUSTED_SOURCE='true'$/m);
        assert.match(hook(west), /^TRUSTED_SOURCE='false'$/m);
    });

    it("deployment.toml names the deployment's keystore and truststore, passwords from the environment only", async () => {
        const [node] = ofType(await run("us-west"), "aws:ec2/instance:Instance");
        const toml = TOML.parse(nodeFile(node, "/etc/wso2-apim/deployment.toml")) as any;
        assert.deepEqual({ ...toml.keystore.primary }, {
            file_name: "wso2-apim-deployment.jks", type: "JKS", password: "$env{KEYSTORE_PASSWORD}", alias: "wso2carbon", key_password: "$env{KEYSTORE_PASSWORD}",
        });
        assert.deepEqual({ ...toml.truststore }, { file_name: "wso2-apim-truststore.jks", type: "JKS", password: "$env{TRUSTSTORE_PASSWORD}" });
        // tls and internal follow primary (carbon-kernel v4.6.0 default.json $ref).
        assert.deepEqual([toml.keystore.tls, toml.keystore.internal], [undefined, undefined]);
    });
});
