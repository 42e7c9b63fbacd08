import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as TOML from "smol-toml";
import { DEFAULT_DEPLOYMENT_NAME } from "../lib/config";
import { internalKeySecretName, KEYSTORE, keystoreKeySecretName, keystorePasswordSecretName } from "../lib/keystore";
import { renderDeploymentToml, VAULT_SECRETS } from "../lib/render/deployment-toml";
import { keystoreEnv, KEYSTORE_SCRIPT, renderKeystoreHook, SECRETS_AT_REST_SCRIPT, TRUST_CHECK_SCRIPT, TRUSTSTORE_WATCH_SCRIPT } from "../lib/render/keystore-hook";
import { nodeFile, ofType, requireTool, run, shellcheck } from "./harness";

/**
 * The keystore hook and the trust check run for real here: Debian's JDK (`keytool`, and `java`
 * running test/fixtures/keystore/VerifyJwt.java, which looks the certificate up by alias in the
 * resulting truststore as the 3.1.0 gateway does) and OpenSSL, installed by .ci/run. What is faked:
 * the `aws` CLI, as a Secrets Manager that keeps each secret in a file, and the node, as a
 * directory (the pack's security directory, the DC's shared directory, runtime.env). The "pack" is
 * made here the way the real one is built: a key pair standing in for the public wso2carbon key
 * (generated per run: whatever key the pack ships must be gone), and a truststore holding its
 * certificate under `wso2carbon` and `gateway_certificate_alias` beside a public CA.
 */

const PROJECT = "wso2-apim-multi-dc";
const PASSWORDS = { keystorePassword: "Ks1secretKs1secret", truststorePassword: "Ts2secretTs2secret", internalKeystorePassword: "In3secretIn3secret" };
const PACK_PASSWORD = KEYSTORE.pack.storePassword;
const VERIFIER = path.join(__dirname, "fixtures", "keystore", "VerifyJwt.java");
const VAULT_READER = path.join(__dirname, "fixtures", "keystore", "VaultDecrypt.java");

/** Logs each call (arguments only) and hands it to the real tool: the hook's passwords must never be among them. */
const LOGGING_SHIM = (tool: string) => `#!/bin/bash
printf '${tool} %s\\n' "$*" >> "$FAKE_LOG"
exec ${tool === "keytool" ? "$REAL_KEYTOOL" : "$REAL_OPENSSL"} "$@"
`;

/** Secrets Manager as files: a secret's value in $SECRETS/<id with / as _>; a binary one base64 on output, as the CLI prints it. */
const FAKE_AWS = `#!/bin/bash
printf 'aws %s\\n' "$*" >> "$FAKE_LOG"
id=""; file=""
while (($#)); do
  case "$1" in --secret-id) id=\${2//\\//_}; shift ;; --secret-binary) file=\${2#fileb://}; shift ;; esac
  shift
done
if [[ -n "$file" ]]; then [[ -s "$SECRETS/$id" ]] && exit 255; cp "$file" "$SECRETS/$id"; exit 0; fi
[[ -s "$SECRETS/$id" ]] || exit 255
if [[ "$id" == *passwords ]]; then cat "$SECRETS/$id"; else base64 -w0 "$SECRETS/$id"; fi
`;

function tool(command: string, args: string[], env: Record<string, string> = {}, input?: string): string {
    const result = spawnSync(command, args, { encoding: "utf8", env: { ...process.env, ...env }, input });
    if (result.status !== 0) throw new Error(`${command} ${args.join(" ")}: ${result.stderr}`);
    return result.stdout;
}

/** A key pair in a new PKCS12 (password in $P), as keytool makes one. */
function keyPair(file: string, alias: string, password: string, options: string[] = ["-keyalg", "RSA", "-keysize", "2048"]): void {
    tool("keytool", ["-genkeypair", "-alias", alias, ...options, "-validity", "30", "-dname", `CN=${alias}`,
        "-storetype", "PKCS12", "-keystore", file, "-storepass:env", "P", "-keypass:env", "P"], { P: password });
}

function certificatePem(store: string, alias: string, password: string, type = "PKCS12"): string {
    return tool("keytool", ["-exportcert", "-rfc", "-alias", alias, "-keystore", store, "-storetype", type, "-storepass:env", "P"], { P: password });
}

function privateKeyPem(p12: string, password: string): string {
    return tool("openssl", ["pkcs12", "-in", p12, "-nocerts", "-nodes", "-passin", "env:P"], { P: password });
}

/** Every entry of a JKS store: alias → SHA-256 of the certificate's SubjectPublicKeyInfo (checked with Node's X509, not the scripts). */
function storeKeys(store: string, password: string): Map<string, string> {
    const listing = tool("keytool", ["-list", "-rfc", "-keystore", store, "-storepass:env", "P"], { P: password });
    const keys = new Map<string, string>();
    for (const entry of listing.split(/^Alias name: /m).slice(1)) {
        const alias = entry.split("\n")[0];
        const pem = entry.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/)![0];
        keys.set(alias, spki(new crypto.X509Certificate(pem).publicKey));
    }
    return keys;
}

function spki(key: crypto.KeyObject): string {
    return crypto.createHash("sha256").update(key.export({ type: "spki", format: "der" })).digest("hex");
}

/** A JWT signed RS256 with `privateKey`; `kid` as a caller may set it. */
function signedJwt(privateKey: string, kid?: string): string {
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const body = `${encode({ typ: "JWT", alg: "RS256", ...(kid ? { kid } : {}) })}.${encode({ sub: "admin", subscribedAPIs: [], exp: 4102444800 })}`;
    return `${body}.${crypto.sign("sha256", Buffer.from(body), privateKey).toString("base64url")}`;
}

/**
 * The gateway's decision, by the JDK: the alias is the token's kid, else `gateway_certificate_alias`
 * (carbon-apimgt 08ea54ec, JWTValidator.authenticate L190-193).
 */
function gatewayVerifies(truststore: string, jwt: string): boolean {
    const header = JSON.parse(Buffer.from(jwt.split(".")[0], "base64url").toString());
    const result = spawnSync("java", [VERIFIER, truststore, header.kid ?? "gateway_certificate_alias", jwt], {
        encoding: "utf8", env: { ...process.env, TRUSTSTORE_PASSWORD: PASSWORDS.truststorePassword },
    });
    assert.ok(result.status === 0 || result.status === 1 || result.status === 2, result.stderr);
    return result.status === 0;
}

let template: string;
let packPrivateKey: string;
let packKey: string;
/** Stands in for the pack truststore's `apim_analytics3.0.0` (KEYSTORE.pack.untrustedAliases). */
let analyticsPrivateKey: string;

/** The pack's security directory, made once: wso2carbon.jks and client-truststore.jks as 3.1.0 ships them (but with a key of our own). */
function makePack(): void {
    template = fs.mkdtempSync(path.join(os.tmpdir(), "keystore-pack-"));
    const security = path.join(template, "security");
    fs.mkdirSync(security);
    const packP12 = path.join(template, "pack.p12");
    keyPair(packP12, "wso2carbon", PACK_PASSWORD);
    packPrivateKey = privateKeyPem(packP12, PACK_PASSWORD);
    tool("keytool", ["-importkeystore", "-noprompt", "-srckeystore", packP12, "-srcstoretype", "PKCS12", "-srcstorepass:env", "P",
        "-destkeystore", path.join(security, KEYSTORE.pack.keystoreFile), "-deststoretype", "JKS", "-deststorepass:env", "P", "-destkeypass:env", "P"], { P: PACK_PASSWORD });
    const packPem = path.join(template, "pack.pem");
    fs.writeFileSync(packPem, certificatePem(packP12, "wso2carbon", PACK_PASSWORD));
    packKey = spki(new crypto.X509Certificate(fs.readFileSync(packPem)).publicKey);
    // The key pairs most tests start with (generating them takes the hook seconds each boot).
    keyPair(path.join(template, secretName(keystoreKeySecretName(DEFAULT_DEPLOYMENT_NAME, PROJECT))), KEYSTORE.keyAlias, PASSWORDS.keystorePassword);
    keyPair(path.join(template, secretName(internalKeySecretName(DEFAULT_DEPLOYMENT_NAME, PROJECT))), KEYSTORE.internalKeyAlias, PASSWORDS.internalKeystorePassword);
    const caP12 = path.join(template, "ca.p12");
    keyPair(caP12, "examplerootca", "capassword");
    const caPem = path.join(template, "ca.pem");
    fs.writeFileSync(caPem, certificatePem(caP12, "examplerootca", "capassword"));
    const analyticsP12 = path.join(template, "analytics.p12");
    keyPair(analyticsP12, "analytics", "analyticspw");
    analyticsPrivateKey = privateKeyPem(analyticsP12, "analyticspw");
    const analyticsPem = path.join(template, "analytics.pem");
    fs.writeFileSync(analyticsPem, certificatePem(analyticsP12, "analytics", "analyticspw"));
    const truststore = path.join(security, KEYSTORE.pack.truststoreFile);
    for (const [alias, pem] of [["wso2carbon", packPem], ["gateway_certificate_alias", packPem], ["examplerootca", caPem], [KEYSTORE.pack.untrustedAliases[0], analyticsPem]]) {
        tool("keytool", ["-importcert", "-noprompt", "-alias", alias, "-file", pem, "-keystore", truststore, "-storetype", "JKS", "-storepass:env", "P"], { P: PACK_PASSWORD });
    }
}

/** A DC: its nodes' security directories, its shared directory (EFS) and the deployment's secrets. */
interface World {
    root: string;
    secrets: string;
    shared: string;
}

/** A DC; by default the deployment's two key pairs are stored already (made once), else the trusted source generates them. */
function newWorld(keys: "stored" | "none"): World {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "keystore-world-"));
    const world = { root, secrets: path.join(root, "secrets"), shared: path.join(root, "shared") };
    fs.mkdirSync(world.secrets);
    fs.mkdirSync(world.shared);
    fs.mkdirSync(path.join(root, "bin"));
    fs.writeFileSync(path.join(root, "bin", "aws"), FAKE_AWS, { mode: 0o755 });
    fs.writeFileSync(path.join(root, "bin", "keytool"), LOGGING_SHIM("keytool"), { mode: 0o755 });
    fs.writeFileSync(path.join(root, "bin", "openssl"), LOGGING_SHIM("openssl"), { mode: 0o755 });
    fs.writeFileSync(path.join(root, "trust-check.sh"), TRUST_CHECK_SCRIPT, { mode: 0o755 });
    // Amazon Linux 2023's awk is gawk (Debian's default is mawk): the scripts run with it here.
    fs.symlinkSync(which("gawk"), path.join(root, "bin", "awk"));
    fs.writeFileSync(secretFile(world, keystorePasswordSecretName(DEFAULT_DEPLOYMENT_NAME, PROJECT)), JSON.stringify(PASSWORDS));
    if (keys === "stored") {
        for (const id of [keystoreKeySecretName(DEFAULT_DEPLOYMENT_NAME, PROJECT), internalKeySecretName(DEFAULT_DEPLOYMENT_NAME, PROJECT)]) fs.copyFileSync(path.join(template, secretName(id)), secretFile(world, id));
    }
    return world;
}

/** The fake Secrets Manager's file name for a secret id. */
const secretName = (id: string) => id.replaceAll("/", "_");

function secretFile(world: World, id: string): string {
    return path.join(world.secrets, secretName(id));
}

/** A node of the DC: the pack's security directory, copied from the template on its first boot. */
function nodeDir(world: World, node: string): string {
    const dir = path.join(world.root, node);
    if (!fs.existsSync(dir)) {
        fs.mkdirSync(dir);
        fs.cpSync(path.join(template, "security"), path.join(dir, "security"), { recursive: true });
    }
    return dir;
}

const which = (name: string) => tool("bash", ["-c", `command -v ${name}`]).trim();

function bootEnv(world: World, node: string, trustedSource: boolean): NodeJS.ProcessEnv {
    const dir = nodeDir(world, node);
    const env = keystoreEnv({ region: "us-east-1", deployment: DEFAULT_DEPLOYMENT_NAME, project: PROJECT, trustedSource, commonName: "apim.example.com" }, {
        apimHome: path.join(dir, "home"),
        securityDir: path.join(dir, "security"),
        sharedSecurityDir: world.shared,
        runtimeEnvFile: path.join(dir, "runtime.env"),
        trustCheckPath: path.join(world.root, "trust-check.sh"),
    }).map(([name, value]) => (name === "WSO2_USER" ? [name, os.userInfo().username] : name === "KEY_WAIT_SECONDS" ? [name, "0"] : [name, value]));
    fs.writeFileSync(path.join(dir, "keystore.env"), env.map(([name, value]) => `${name}='${value}'`).join("\n") + "\n");
    return {
        PATH: `${world.root}/bin:${process.env.PATH}`, REAL_KEYTOOL: which("keytool"), REAL_OPENSSL: which("openssl"),
        // Only to start keytool's JVM faster: the hook runs it some twenty times.
        JAVA_TOOL_OPTIONS: "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
        KEYSTORE_ENV: path.join(dir, "keystore.env"), SECRETS: world.secrets, FAKE_LOG: path.join(world.root, "calls"),
    };
}

/** One boot's keystore hook on `node` of the world's DC. */
function boot(world: World, node: string, trustedSource = true) {
    const result = spawnSync("bash", ["-c", KEYSTORE_SCRIPT], { encoding: "utf8", env: bootEnv(world, node, trustedSource) });
    const security = path.join(world.root, node, "security");
    return {
        status: result.status,
        stderr: result.stderr,
        installed: fs.readdirSync(security).sort(),
        truststore: path.join(world.shared, path.basename(KEYSTORE.truststoreFile)),
        keystore: path.join(security, KEYSTORE.keystoreFile),
        internal: path.join(security, KEYSTORE.internalKeystoreFile),
        runtimeEnv: path.join(world.root, node, "runtime.env"),
    };
}

/** The environment wso2am.service gives its ExecStartPre scripts: runtime.env (here the hook's part of it, and `extra`). */
function serviceEnv(world: World, node: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    const runtime = Object.fromEntries(fs.readFileSync(path.join(world.root, node, "runtime.env"), "utf8").trim().split("\n").map((l) => l.split("=", 2)));
    return { ...bootEnv(world, node, true), ...runtime, ...extra };
}

/** The trust check as wso2am.service runs it before a start. */
function trustCheck(world: World, node: string) {
    return spawnSync("bash", [path.join(world.root, "trust-check.sh")], { encoding: "utf8", env: serviceEnv(world, node) });
}

function storedDeploymentKey(world: World): string {
    return privateKeyPem(secretFile(world, keystoreKeySecretName(DEFAULT_DEPLOYMENT_NAME, PROJECT)), PASSWORDS.keystorePassword);
}

describe("the deployment keystores and truststore, with the real keytool and openssl (docs/artifacts.md, Keystores)", function () {
    this.timeout(120000);
    const worlds: World[] = [];
    const world = (keys: "stored" | "none" = "stored") => {
        const made = newWorld(keys);
        worlds.push(made);
        return made;
    };

    before(function () {
        for (const name of ["keytool", "java", "openssl", "gawk"]) requireTool(this, name);
        makePack();
    });
    after(() => {
        for (const made of worlds) fs.rmSync(made.root, { recursive: true, force: true });
        if (template) fs.rmSync(template, { recursive: true, force: true });
    });

    it("a token signed with the deployment key verifies; one signed with the pack's key does not, under any kid; no entry holds the pack's key", () => {
        const dc = world();
        const first = boot(dc, "node1");
        assert.equal(first.status, 0, first.stderr);
        const deploymentKey = storedDeploymentKey(dc);
        // Access tokens carry no kid (APIMJWTGenerator); API keys carry kid = api_key_alias, by default gateway_certificate_alias.
        assert.equal(gatewayVerifies(first.truststore, signedJwt(deploymentKey)), true);
        assert.equal(gatewayVerifies(first.truststore, signedJwt(deploymentKey, "gateway_certificate_alias")), true);
        assert.equal(gatewayVerifies(first.truststore, signedJwt(packPrivateKey)), false);
        for (const kid of ["gateway_certificate_alias", "wso2carbon", "examplerootca"]) {
            assert.equal(gatewayVerifies(first.truststore, signedJwt(packPrivateKey, kid)), false, kid);
        }
        // Nor with the key of the pack's analytics certificate, under its own alias.
        assert.equal(gatewayVerifies(first.truststore, signedJwt(analyticsPrivateKey, KEYSTORE.pack.untrustedAliases[0])), false);
        const keys = storeKeys(first.truststore, PASSWORDS.truststorePassword);
        assert.deepEqual([...keys].filter(([, key]) => key === packKey), []);
        assert.ok(!keys.has(KEYSTORE.pack.untrustedAliases[0]));
        assert.ok(keys.has("examplerootca"), "the pack's public CAs are kept");
        const deploymentSpki = spki(crypto.createPublicKey(deploymentKey));
        assert.deepEqual(KEYSTORE.trustAliases.map((alias) => keys.get(alias)), KEYSTORE.trustAliases.map(() => deploymentSpki));
        assert.match(first.stderr, /removed 'gateway_certificate_alias': it holds a key the WSO2 pack ships/);
    });

    it("every DC and node gets the same trust from the stored keys; a DC2 node never generates one", () => {
        const dc1 = world("none");
        assert.equal(boot(dc1, "node1").status, 0);
        // DC2: another shared directory, the same (replicated) secrets.
        const dc2 = { ...world(), secrets: dc1.secrets };
        const second = boot(dc2, "node1", false);
        assert.equal(second.status, 0, second.stderr);
        assert.equal(gatewayVerifies(second.truststore, signedJwt(storedDeploymentKey(dc1))), true);
        const calls = fs.readFileSync(path.join(dc2.root, "calls"), "utf8");
        assert.doesNotMatch(calls, /-genkeypair|put-secret-value/);
    });

    it("the internal key is its own: a new primary key (rotation) leaves the internal keystore's key as it was", () => {
        const dc = world();
        const first = boot(dc, "node1");
        assert.equal(first.status, 0, first.stderr);
        const internalBefore = storeKeys(first.internal, PASSWORDS.internalKeystorePassword).get(KEYSTORE.internalKeyAlias);
        const primaryBefore = storeKeys(first.keystore, PASSWORDS.keystorePassword).get(KEYSTORE.keyAlias);
        assert.ok(internalBefore && primaryBefore && internalBefore !== primaryBefore);
        keyPair(secretFile(dc, keystoreKeySecretName(DEFAULT_DEPLOYMENT_NAME, PROJECT)) + ".new", KEYSTORE.keyAlias, PASSWORDS.keystorePassword, ["-keyalg", "RSA", "-keysize", "3072"]);
        fs.renameSync(secretFile(dc, keystoreKeySecretName(DEFAULT_DEPLOYMENT_NAME, PROJECT)) + ".new", secretFile(dc, keystoreKeySecretName(DEFAULT_DEPLOYMENT_NAME, PROJECT)));
        const rotated = boot(dc, "node1");
        assert.equal(rotated.status, 0, rotated.stderr);
        assert.notEqual(storeKeys(rotated.keystore, PASSWORDS.keystorePassword).get(KEYSTORE.keyAlias), primaryBefore);
        assert.equal(storeKeys(rotated.internal, PASSWORDS.internalKeystorePassword).get(KEYSTORE.internalKeyAlias), internalBefore);
        assert.equal(gatewayVerifies(rotated.truststore, signedJwt(storedDeploymentKey(dc))), true);
    });

    it("a certificate WSO2 added at run time survives a reboot, is there for the DC's other node, and one from an earlier node-local truststore is kept", () => {
        const dc = world();
        const first = boot(dc, "node1");
        assert.equal(first.status, 0, first.stderr);
        // As CertificateMgtUtils does at run time: an endpoint certificate added to the JVM truststore.
        const endpoint = path.join(dc.root, "endpoint.p12");
        keyPair(endpoint, "backend", "endpointpw");
        const endpointPem = path.join(dc.root, "endpoint.pem");
        fs.writeFileSync(endpointPem, certificatePem(endpoint, "backend", "endpointpw"));
        tool("keytool", ["-importcert", "-noprompt", "-alias", "backend-endpoint", "-file", endpointPem, "-keystore", first.truststore, "-storepass:env", "P"], { P: PASSWORDS.truststorePassword });
        // An upgrade: node 2 still has the truststore an earlier version kept on the node, with a certificate of its own.
        const node2Security = path.join(nodeDir(dc, "node2"), "security");
        const legacy = path.join(node2Security, KEYSTORE.legacyTruststoreFile);
        fs.copyFileSync(path.join(template, "security", KEYSTORE.pack.truststoreFile), legacy);
        tool("keytool", ["-storepasswd", "-keystore", legacy, "-storepass:env", "P", "-new:env", "N"], { P: PACK_PASSWORD, N: PASSWORDS.truststorePassword });
        tool("keytool", ["-importcert", "-noprompt", "-alias", "client-cert", "-file", endpointPem, "-keystore", legacy, "-storepass:env", "P"], { P: PASSWORDS.truststorePassword });

        assert.equal(boot(dc, "node1").status, 0, "reboot");
        const other = boot(dc, "node2");
        assert.equal(other.status, 0, other.stderr);
        // Both: the DC's runtime certificate, and node 2's own from before the upgrade (merged once, then kept aside).
        const keys = storeKeys(other.truststore, PASSWORDS.truststorePassword);
        assert.ok(keys.has("backend-endpoint") && keys.has("client-cert"), [...keys.keys()].join(" "));
        assert.ok(!fs.existsSync(legacy) && fs.existsSync(`${legacy}.merged`));
        assert.deepEqual([...keys].filter(([, key]) => key === packKey), []);
        assert.ok(storeKeys(boot(dc, "node1").truststore, PASSWORDS.truststorePassword).has("client-cert"), "kept on the next boot of another node");
    });

    it("a key pinned as the pack's is removed and refused even when the pack's own keystore holds another", () => {
        const dc = world();
        const pinnedP12 = path.join(dc.root, "pinned.p12");
        keyPair(pinnedP12, "old-pack", "pinnedpw");
        const pinnedPem = path.join(dc.root, "pinned.pem");
        fs.writeFileSync(pinnedPem, certificatePem(pinnedP12, "old-pack", "pinnedpw"));
        const pinned = spki(new crypto.X509Certificate(fs.readFileSync(pinnedPem)).publicKey);
        const truststore = path.join(nodeDir(dc, "node1"), "security", KEYSTORE.pack.truststoreFile);
        tool("keytool", ["-importcert", "-noprompt", "-alias", "some-partner", "-file", pinnedPem, "-keystore", truststore, "-storepass:env", "P"], { P: PACK_PASSWORD });
        // bootEnv writes keystore.env afresh: the pin goes in after it.
        const env = path.join(dc.root, "node1", "keystore.env");
        const pinning = () => fs.writeFileSync(env, fs.readFileSync(env, "utf8").replace(/^PINNED_PUBLIC_KEYS=.*$/m, `PINNED_PUBLIC_KEYS='${pinned}'`));
        const bootProcessEnv = bootEnv(dc, "node1", true);
        pinning();
        const booted = spawnSync("bash", ["-c", KEYSTORE_SCRIPT], { encoding: "utf8", env: bootProcessEnv });
        assert.equal(booted.status, 0, booted.stderr);
        assert.match(booted.stderr, /removed 'some-partner': it holds a key the WSO2 pack ships/);
        const installed = path.join(dc.shared, path.basename(KEYSTORE.truststoreFile));
        assert.ok(!storeKeys(installed, PASSWORDS.truststorePassword).has("some-partner"));
        tool("keytool", ["-importcert", "-noprompt", "-alias", "some-partner", "-file", pinnedPem, "-keystore", installed, "-storepass:env", "P"], { P: PASSWORDS.truststorePassword });
        const processEnv = serviceEnv(dc, "node1");
        pinning();
        const refused = spawnSync("bash", [path.join(dc.root, "trust-check.sh")], { encoding: "utf8", env: processEnv });
        assert.equal(refused.status, 1);
        assert.match(refused.stderr, new RegExp(`'some-partner' holds the public key ${pinned} of a certificate the WSO2 pack ships`));
    });

    it("the truststore watch touches this node's SSL profiles once after another node changed the shared truststore, and removes a pack key added at run time", () => {
        const dc = world();
        const first = boot(dc, "node1");
        assert.equal(first.status, 0, first.stderr);
        const security = path.join(dc.root, "node1", "security");
        const profiles = ["sslprofiles.xml", "listenerprofiles.xml"].map((name) => path.join(security, name));
        const past = new Date(Date.now() - 3600_000);
        for (const file of profiles) {
            fs.writeFileSync(file, "<profiles/>");
            fs.utimesSync(file, past, past);
        }
        const watch = () => spawnSync("bash", ["-c", TRUSTSTORE_WATCH_SCRIPT], { encoding: "utf8", env: serviceEnv(dc, "node1") });
        const mtimes = () => profiles.map((file) => fs.statSync(file).mtimeMs);
        // The timer may fire before runtime.env has the truststore's password: nothing to do yet.
        const early = spawnSync("bash", ["-c", TRUSTSTORE_WATCH_SCRIPT], { encoding: "utf8", env: bootEnv(dc, "node1", true) });
        assert.equal(early.status, 0, early.stderr);
        assert.ok(mtimes().every((mtime) => Math.abs(mtime - past.getTime()) < 1));
        assert.equal(watch().status, 0);
        const touched = mtimes();
        assert.ok(touched.every((mtime) => mtime > past.getTime() + 1000), "the first run after a change touches both profiles");
        fs.utimesSync(profiles[0], past, past);
        fs.utimesSync(profiles[1], past, past);
        assert.equal(watch().status, 0);
        assert.ok(mtimes().every((mtime) => Math.abs(mtime - past.getTime()) < 1), "no change, no touch");
        // Another node adds a certificate: the shared file's time moves on.
        const later = new Date(Date.now() + 5000);
        fs.utimesSync(first.truststore, later, later);
        assert.equal(watch().status, 0);
        assert.ok(mtimes().every((mtime) => mtime > past.getTime() + 1000));
        // A Publisher user uploads the pack's certificate as an endpoint certificate, while WSO2 runs.
        const packPem = path.join(dc.root, "pack.pem");
        fs.writeFileSync(packPem, certificatePem(path.join(template, "security", KEYSTORE.pack.keystoreFile), "wso2carbon", PACK_PASSWORD, "JKS"));
        tool("keytool", ["-importcert", "-noprompt", "-alias", "partner cert", "-file", packPem, "-keystore", first.truststore, "-storepass:env", "P"], { P: PASSWORDS.truststorePassword });
        fs.utimesSync(first.truststore, new Date(Date.now() + 10_000), new Date(Date.now() + 10_000));
        assert.equal(gatewayVerifies(first.truststore, signedJwt(packPrivateKey, "partner cert")), true, "the window 3.1.0 leaves open");
        const cleaned = watch();
        assert.equal(cleaned.status, 0, cleaned.stderr);
        assert.match(cleaned.stderr, /REMOVED from .*: partner cert \(each held a key the WSO2 pack ships/);
        assert.equal(gatewayVerifies(first.truststore, signedJwt(packPrivateKey, "partner cert")), false);
        assert.equal(gatewayVerifies(first.truststore, signedJwt(storedDeploymentKey(dc))), true);
    });

    it("the trust check passes on what the hook built, and refuses the pack's key under any alias or a gateway alias holding another key", () => {
        const dc = world();
        const installed = boot(dc, "node1");
        assert.equal(installed.status, 0, installed.stderr);
        const ok = trustCheck(dc, "node1");
        assert.equal(ok.status, 0, ok.stderr);
        assert.match(ok.stderr, /trusts the deployment key [0-9a-f]{64} as gateway_certificate_alias wso2carbon and no key the pack ships/);

        const packPem = path.join(dc.root, "pack.pem");
        fs.writeFileSync(packPem, certificatePem(path.join(template, "security", KEYSTORE.pack.keystoreFile), "wso2carbon", PACK_PASSWORD, "JKS"));
        const importPack = (alias: string) => tool("keytool", ["-importcert", "-noprompt", "-alias", alias, "-file", packPem, "-keystore", installed.truststore, "-storepass:env", "P"], { P: PASSWORDS.truststorePassword });
        // 3.1.0 takes any non-empty alias for an endpoint certificate, spaces included, at either end too.
        importPack("some endpoint");
        importPack(" leading");
        const other = path.join(dc.root, "other.p12");
        keyPair(other, "other", "otherpass");
        const otherPem = path.join(dc.root, "other.pem");
        fs.writeFileSync(otherPem, certificatePem(other, "other", "otherpass"));
        tool("keytool", ["-importcert", "-noprompt", "-alias", "gateway_certificate_alias ", "-file", otherPem, "-keystore", installed.truststore, "-storepass:env", "P"], { P: PASSWORDS.truststorePassword });
        const refused = trustCheck(dc, "node1");
        assert.equal(refused.status, 1);
        assert.match(refused.stderr, new RegExp(`REFUSING to start WSO2: .*'some endpoint' holds the public key ${packKey} of a certificate the WSO2 pack ships`));
        assert.match(refused.stderr, new RegExp(`REFUSING to start WSO2: .*' leading' holds the public key ${packKey}`));
        // An ordinary certificate under "gateway_certificate_alias " is another alias, not the gateway's.
        assert.doesNotMatch(refused.stderr, /'gateway_certificate_alias' holds/);

        tool("keytool", ["-delete", "-alias", "gateway_certificate_alias", "-keystore", installed.truststore, "-storepass:env", "P"], { P: PASSWORDS.truststorePassword });
        importPack("gateway_certificate_alias");
        const swapped = trustCheck(dc, "node1");
        assert.equal(swapped.status, 1);
        assert.match(swapped.stderr, /'gateway_certificate_alias' holds public key [0-9a-f]{64}, not the deployment key/);
        // The next boot repairs both.
        const repaired = boot(dc, "node1");
        assert.equal(repaired.status, 0, repaired.stderr);
        assert.match(repaired.stderr, /removed 'some endpoint': it holds a key the WSO2 pack ships/);
        assert.match(repaired.stderr, /removed ' leading': it holds a key the WSO2 pack ships/);
        assert.equal(trustCheck(dc, "node1").status, 0);
    });

    describe("a supplied key pair that WSO2 cannot use stops the boot, names the secret and the problem, and installs nothing", () => {
        const cases: { title: string; make: (file: string) => void; error: RegExp }[] = [
            { title: "without the expected alias", make: (f) => keyPair(f, "mykey", PASSWORDS.keystorePassword), error: /no entry under alias 'wso2carbon' \(entries: mykey \)/ },
            { title: "under another password", make: (f) => keyPair(f, "wso2carbon", "AnotherPassword1"), error: /not a PKCS12 that opens with the KEYSTORE_PASSWORD/ },
            { title: "with an expired certificate", make: (f) => keyPair(f, "wso2carbon", PASSWORDS.keystorePassword, ["-keyalg", "RSA", "-keysize", "2048", "-startdate", "-60d"]), error: /the certificate of 'wso2carbon' expired \(notAfter=/ },
            { title: "with a key under 2048 bits", make: (f) => keyPair(f, "wso2carbon", PASSWORDS.keystorePassword, ["-keyalg", "RSA", "-keysize", "1024"]), error: /the key of 'wso2carbon' has 1024 bits; at least 2048 are needed/ },
            { title: "with a key that is not RSA", make: (f) => keyPair(f, "wso2carbon", PASSWORDS.keystorePassword, ["-keyalg", "EC", "-groupname", "secp256r1"]), error: /the key of 'wso2carbon' is not RSA/ },
        ];
        for (const { title, make, error } of cases) {
            it(title, () => {
                const dc = world("none");
                make(secretFile(dc, keystoreKeySecretName(DEFAULT_DEPLOYMENT_NAME, PROJECT)));
                const result = boot(dc, "node1");
                assert.equal(result.status, 1);
                assert.match(result.stderr, new RegExp(`FAILED: secret ${keystoreKeySecretName(DEFAULT_DEPLOYMENT_NAME, PROJECT)}: `));
                assert.match(result.stderr, error);
                assert.deepEqual(result.installed, [KEYSTORE.pack.truststoreFile, KEYSTORE.pack.keystoreFile].sort());
                assert.deepEqual(fs.readdirSync(dc.shared), []);
                assert.ok(!fs.existsSync(result.runtimeEnv));
            });
        }

        it("and a node that ran before keeps the stores it had", () => {
            const dc = world();
            const good = boot(dc, "node1");
            assert.equal(good.status, 0, good.stderr);
            const before = [good.keystore, good.truststore].map((file) => fs.readFileSync(file));
            keyPair(secretFile(dc, keystoreKeySecretName(DEFAULT_DEPLOYMENT_NAME, PROJECT)) + ".bad", "wso2carbon", PASSWORDS.keystorePassword, ["-keyalg", "RSA", "-keysize", "1024"]);
            fs.renameSync(secretFile(dc, keystoreKeySecretName(DEFAULT_DEPLOYMENT_NAME, PROJECT)) + ".bad", secretFile(dc, keystoreKeySecretName(DEFAULT_DEPLOYMENT_NAME, PROJECT)));
            assert.equal(boot(dc, "node1").status, 1);
            assert.deepEqual([good.keystore, good.truststore].map((file) => fs.readFileSync(file)), before);
        });
    });

    it("no password is ever on a command line, and the stores and runtime.env are the service user's alone", () => {
        // Generating the keys too.
        const dc = world("none");
        const result = boot(dc, "node1");
        assert.equal(result.status, 0, result.stderr);
        const calls = fs.readFileSync(path.join(dc.root, "calls"), "utf8");
        for (const secret of Object.values(PASSWORDS)) assert.ok(!calls.includes(secret), secret);
        assert.doesNotMatch(calls, /-(store|key|srcstore|deststore|destkey)pass |-new |-pass(in|out) pass:/);
        for (const file of [result.keystore, result.internal, result.truststore, result.runtimeEnv]) {
            assert.equal(fs.statSync(file).mode & 0o777, 0o600, file);
        }
        assert.equal(fs.readFileSync(result.runtimeEnv, "utf8"),
            `KEYSTORE_PASSWORD=${PASSWORDS.keystorePassword}\nTRUSTSTORE_PASSWORD=${PASSWORDS.truststorePassword}\nINTERNAL_KEYSTORE_PASSWORD=${PASSWORDS.internalKeystorePassword}\n`);
    });

    describe("secrets at rest in the WSO2 home, before every start (secrets-at-rest.sh)", () => {
        const WSS = "repository/deployment/server/synapse-configs/default/inbound-endpoints/SecureWebSocketInboundEndpoint.xml";
        const SERVICE_PASSWORDS = { WSO2_ADMIN_PASSWORD: "Admin4secretAdmin4", APIM_DB_PASSWORD: "Apim5secret_Apim5", SHARED_DB_PASSWORD: "Shared6secret_Sh6" };

        /** A node after its keystore hook, with a WSO2 home as the pack and an earlier start left it. */
        function startedNode(): { dc: World; home: string; start: (extra?: Record<string, string>) => ReturnType<typeof spawnSync> } {
            const dc = world();
            assert.equal(boot(dc, "node1").status, 0);
            const home = path.join(dc.root, "node1", "home");
            const files: Record<string, string> = {
                "repository/conf/deployment.toml": renderDeploymentToml({
                    hostname: "apim.example.com", globalGatewayHost: "gateway.example.com", datacenter: "DC1", trafficManagers: ["tm.internal"], peerTrafficManagers: [], gatewayTokenCacheSeconds: 900,
                    database: { host: "db.internal", port: 1521, serviceName: "APIMDB", amDbUser: "WSO2AM", sharedDbUser: "WSO2SHARED" },
                    gatewayEnvironments: [{ datacenter: "DC1", region: "us-east-1", gatewayHost: "gateway-us-east-1.example.com", adminServicesHost: "apim.dc1.internal" }],
                }),
                "repository/conf/carbon.xml": `<Password>${PASSWORDS.keystorePassword}</Password>`,
                "repository/resources/conf/.metadata/references.properties": `env:KEYSTORE_PASSWORD=${PASSWORDS.keystorePassword}`,
                "backup/repository/conf/carbon.xml": `<Password>${PASSWORDS.keystorePassword}</Password>`,
                [`repository/resources/conf/templates/${WSS}.j2`]: "<inboundEndpoint/>",
                // What config-mapper 1.0.2 left after the last render: every output it wrote, with its MD5.
                "repository/resources/conf/.metadata/metadata_config.properties": `#Sun Dec 06 05:00:00 UTC 2026\nrepository/conf/carbon.xml=0123\n${WSS}=4567\n`,
                [WSS]: `<parameter name="wss.ssl.key.store.pass">${PASSWORDS.keystorePassword}</parameter>`,
            };
            for (const [name, content] of Object.entries(files)) {
                fs.mkdirSync(path.dirname(path.join(home, name)), { recursive: true, mode: 0o755 });
                fs.writeFileSync(path.join(home, name), content, { mode: 0o644 });
            }
            const script = path.join(dc.root, "secrets-at-rest.sh");
            fs.writeFileSync(script, SECRETS_AT_REST_SCRIPT);
            const start = (extra: Record<string, string> = {}) =>
                spawnSync("bash", [script], { encoding: "utf8", env: serviceEnv(dc, "node1", { ...SERVICE_PASSWORDS, ...extra }) });
            return { dc, home, start };
        }

        const tomlOf = (home: string) => fs.readFileSync(path.join(home, "repository/conf/deployment.toml"), "utf8");
        const vaultReads = (home: string, ciphertext: string) => tool("java", [VAULT_READER, home, ciphertext]);

        it("seals each vault password so the vault's own settings decrypt it, and the rendered file names only $secret{} for them", () => {
            const { home, start } = startedNode();
            const result = start();
            assert.equal(result.status, 0, String(result.stderr));
            const toml = TOML.parse(tomlOf(home)) as any;
            assert.deepEqual(Object.keys(toml.secrets).sort(), VAULT_SECRETS.map((s) => s.alias).sort());
            const expected: Record<string, string> = { ...SERVICE_PASSWORDS, INTERNAL_KEYSTORE_PASSWORD: PASSWORDS.internalKeystorePassword };
            for (const { alias, variable } of VAULT_SECRETS) assert.equal(vaultReads(home, toml.secrets[alias]), expected[variable], alias);
            assert.equal(toml.super_admin.password, "$secret{admin_password}");
            assert.deepEqual([toml.database.apim_db.password, toml.database.shared_db.password], ["$secret{apim_db_password}", "$secret{shared_db_password}"]);
            assert.deepEqual([toml.keystore.internal.password, toml.keystore.internal.key_password], ["$secret{internal_keystore_password}", "$secret{internal_keystore_password}"]);
            const text = tomlOf(home);
            for (const value of Object.values(expected)) assert.ok(!text.includes(value));
            // Kept by WSO2 (password-persist): a restart inside wso2server.sh's loop (exit 121) finds it again.
            assert.equal(fs.readFileSync(path.join(home, "password-persist"), "utf8"), `${PASSWORDS.internalKeystorePassword}\n`);
            assert.ok(!fs.existsSync(path.join(home, "password-tmp")));
        });

        it("a restart keeps the same file, and a changed password changes only its own ciphertext", () => {
            const { home, start } = startedNode();
            assert.equal(start().status, 0);
            const first = tomlOf(home);
            assert.equal(start().status, 0);
            assert.equal(tomlOf(home), first);
            assert.equal(start({ APIM_DB_PASSWORD: "Apim7changed_Apim7" }).status, 0);
            const [before, after] = [first, tomlOf(home)].map((text) => (TOML.parse(text) as any).secrets);
            assert.notEqual(after.apim_db_password, before.apim_db_password);
            assert.equal(vaultReads(home, after.apim_db_password), "Apim7changed_Apim7");
            for (const alias of ["admin_password", "shared_db_password", "internal_keystore_password"]) assert.equal(after[alias], before[alias], alias);
        });

        it("leaves every file of the home to the service user, and removes the secure WebSocket endpoint and its template", () => {
            const { home, start } = startedNode();
            // A file of another user (made by root on a node) cannot be changed: named, not fatal. As root here, one is made.
            const foreign = path.join(home, "repository", "foreign.txt");
            const asRoot = process.getuid?.() === 0;
            if (asRoot) {
                fs.writeFileSync(foreign, "x", { mode: 0o644 });
                fs.chownSync(foreign, 65534, 65534);
            }
            const result = start();
            assert.equal(result.status, 0, String(result.stderr));
            if (asRoot) {
                assert.match(String(result.stderr), /foreign\.txt is not the service user's and stays readable \(mode 644\)/);
                fs.rmSync(foreign);
            }
            const open = tool("find", [home, "-perm", "/077"]).trim();
            assert.equal(open, "", open);
            for (const file of [WSS, `repository/resources/conf/templates/${WSS}.j2`]) assert.ok(!fs.existsSync(path.join(home, file)), file);
        });

        it("drops config-mapper's metadata when a file it lists is gone, so WSO2 renders again instead of exiting; keeps complete metadata", () => {
            const { home, start } = startedNode();
            const metadata = path.join(home, "repository/resources/conf/.metadata/metadata_config.properties");
            const first = start();
            assert.equal(first.status, 0, String(first.stderr));
            assert.ok(!fs.existsSync(metadata));
            assert.match(String(first.stderr), new RegExp(`${WSS.replaceAll(".", "\\.")} is gone: config-mapper renders every file again`));
            fs.writeFileSync(metadata, "repository/conf/carbon.xml=0123\n");
            assert.equal(start().status, 0);
            assert.equal(fs.readFileSync(metadata, "utf8"), "repository/conf/carbon.xml=0123\n");
        });

        it("refuses to start, naming the variable, when a vault password is missing", () => {
            const { start } = startedNode();
            const result = start({ SHARED_DB_PASSWORD: "" });
            assert.equal(result.status, 1);
            assert.match(String(result.stderr), /REFUSING to start WSO2: SHARED_DB_PASSWORD is not in the environment; it is sealed as \$secret\{shared_db_password\}/);
        });
    });

    it("outside the trusted source fails, naming the secret, when the key never arrives", () => {
        const result = boot(world("none"), "node1", false);
        assert.equal(result.status, 1);
        assert.match(result.stderr, new RegExp(`FAILED: no key in ${keystoreKeySecretName(DEFAULT_DEPLOYMENT_NAME, PROJECT)} after 0s`));
    });
});

describe("the keystore hook as the stacks ship it", () => {
    it("writes its parameters and the trust check, then runs the script from a file; all pass shellcheck", function () {
        const hook = renderKeystoreHook({ region: "us-east-1", deployment: DEFAULT_DEPLOYMENT_NAME, project: PROJECT, trustedSource: true, commonName: "apim.example.com" });
        assert.match(hook, /^PASSWORD_SECRET_ID='wso2-apim\/wso2-apim-multi-dc\/wso2-keystore-passwords'$/m);
        assert.match(hook, /^INTERNAL_KEY_SECRET_ID='wso2-apim\/wso2-apim-multi-dc\/wso2-internal-key'$/m);
        assert.match(hook, /^TRUST_ALIASES='gateway_certificate_alias wso2carbon'$/m);
        assert.match(hook, /^TRUSTSTORE_PATH='\/opt\/wso2am-3.1.0\/repository\/resources\/security\/dc-shared\/wso2-apim-truststore.jks'$/m);
        assert.match(hook, /^cat > \/usr\/local\/sbin\/wso2-trust-check <<'SCRIPT'$/m);
        assert.match(hook, /^exec bash \/usr\/local\/sbin\/wso2-keystore$/m);
        assert.equal(spawnSync("bash", ["-n"], { input: hook }).status, 0);
        requireTool(this, "shellcheck");
        for (const script of [KEYSTORE_SCRIPT, TRUST_CHECK_SCRIPT, SECRETS_AT_REST_SCRIPT, TRUSTSTORE_WATCH_SCRIPT, hook]) {
            const result = shellcheck(script);
            assert.equal(result.status, 0, result.output);
        }
    });

    it("the trusted source's stack creates the three secrets, replicated to DC2's region; DC2 creates none and boots with the hook", async () => {
        const east = await run("us-east");
        const west = await run("us-west");
        const secrets = (program: typeof east) => ofType(program, "aws:secretsmanager/secret:Secret")
            .filter((s) => /wso2-(keystore|internal)/.test(String(s.inputs.name)))
            .map((s) => [s.inputs.name, s.inputs.replicas]);
        assert.deepEqual(secrets(east), [
            [keystorePasswordSecretName(DEFAULT_DEPLOYMENT_NAME, PROJECT), [{ region: "us-west-2" }]],
            [keystoreKeySecretName(DEFAULT_DEPLOYMENT_NAME, PROJECT), [{ region: "us-west-2" }]],
            [internalKeySecretName(DEFAULT_DEPLOYMENT_NAME, PROJECT), [{ region: "us-west-2" }]],
        ]);
        assert.deepEqual(secrets(west), []);
        // The keys get no value from the program (a node or the user stores them); the passwords do, as a secret.
        assert.deepEqual(ofType(east, "aws:secretsmanager/secretVersion:SecretVersion").filter((v) => v.name.includes("keystore")).map((v) => [v.name, v.inputs.secretString]),
            [["dc1-secrets-keystore-passwords", "[secret]"]]);
        const hook = (program: typeof east) => String(ofType(program, "aws:s3/bucketObjectv2:BucketObjectv2").find((o) => o.inputs.key === KEYSTORE.hookKey)?.inputs.content);
        assert.match(hook(east), /^TRUSTED_SOURCE='true'$/m);
        assert.match(hook(west), /^TRUSTED_SOURCE='false'$/m);
    });

    it("deployment.toml names the three stores, the truststore on the DC's shared directory, passwords from the environment or the vault only", async () => {
        const [node] = ofType(await run("us-west"), "aws:ec2/instance:Instance");
        const toml = TOML.parse(nodeFile(node, "/etc/wso2-apim/deployment.toml")) as any;
        assert.deepEqual({ ...toml.keystore.primary }, {
            file_name: "wso2-apim-deployment.jks", type: "JKS", password: "$env{KEYSTORE_PASSWORD}", alias: "wso2carbon", key_password: "$env{KEYSTORE_PASSWORD}",
        });
        assert.deepEqual({ ...toml.keystore.internal }, {
            file_name: "wso2-apim-internal.jks", type: "JKS", password: "$secret{internal_keystore_password}", alias: "wso2-apim-internal", key_password: "$secret{internal_keystore_password}",
        });
        assert.deepEqual({ ...toml.truststore }, { file_name: "dc-shared/wso2-apim-truststore.jks", type: "JKS", password: "$env{TRUSTSTORE_PASSWORD}" });
        // tls follows primary (carbon-kernel v4.6.0 default.json $ref); the API-key kid stays gateway_certificate_alias.
        assert.equal(toml.keystore.tls, undefined);
        assert.equal(toml.apim.devportal?.api_key_alias, undefined);
    });

    it("exactly one gateway environment is the Developer Portal's token endpoint: the node's own DC's, first, on the global gateway name", async () => {
        for (const [stack, own, other] of [["us-east", "DC1 us-east-1", "https://gateway-us-west-2.example.com"], ["us-west", "DC2 us-west-2", "https://gateway-us-east-1.example.com"]]) {
            const [node] = ofType(await run(stack), "aws:ec2/instance:Instance");
            const environments = (TOML.parse(nodeFile(node, "/etc/wso2-apim/deployment.toml")) as any).apim.gateway.environment;
            assert.deepEqual(environments.filter((env: any) => env.show_as_token_endpoint_url).map((env: any) => [env.name, env.https_endpoint]),
                [[own, "https://gateway.example.com"]]);
            assert.equal(environments[0].name, own);
            assert.deepEqual(environments.slice(1).map((env: any) => env.https_endpoint), [other]);
            // One environment per admin target: 3.1.0 undeploys from every environment an API drops.
            const targets = environments.map((env: any) => env.service_url);
            assert.equal(new Set(targets).size, targets.length);
        }
    });
});
