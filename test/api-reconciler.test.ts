import * as assert from "node:assert/strict";
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { API_RECONCILER, apiReconcilerStatements } from "../lib/api-reconciler";
import { DEFAULT_DEPLOYMENT_NAME } from "../lib/config";
import { BOOT_KEYS } from "../lib/region-files";
import { API_RECONCILER_SCRIPT, apiReconcilerEnv, apiReconcilerUnits, renderApiReconcilerHook } from "../lib/render/api-reconciler";
import { shellQuote } from "../lib/render/bootstrap-env";
import { named, ofType, requireTool, run, runWithFakes, shellcheck, stackConfig } from "./harness";

/**
 * A fake (only what the reconciler calls, over real HTTPS with a certificate the test makes): one
 * process plays the design-time active DC's Publisher (client registration, token endpoint, REST
 * API v1 `/apis`, `/apis/{id}`, `/api-products`) and the RestApiAdmin service of two DCs' gateways
 * (getApiNames, deleteApi). It reads and writes its state from a JSON file at every request, so the
 * test changes the world between runs. A PUT of an API behaves as carbon-apimgt 6.6.163's
 * APIProviderImpl.updateAPI: it deploys to every environment of the new list and drops from the
 * list each environment whose DC is down (answering 500, as ApisApiServiceImpl does on a
 * FaultGatewaysException). A DC or Publisher that is "down" drops the connection. \`afterListing\`
 * plays a lifecycle change that completes while a run is under way: applied (and cleared) right
 * after the fake has answered a listing of /apis.
 */
const FAKE_SERVERS = String.raw`
const https = require("https");
const fs = require("fs");
const [stateFile, keyFile, certFile, portsFile] = process.argv.slice(2);
const tls = { key: fs.readFileSync(keyFile), cert: fs.readFileSync(certFile) };
const load = () => JSON.parse(fs.readFileSync(stateFile, "utf8"));
const save = (state) => fs.writeFileSync(stateFile, JSON.stringify(state, null, 1));
const basic = (req) => Buffer.from((req.headers.authorization || "").replace(/^Basic /, ""), "base64").toString();
const json = (res, status, value) => { res.writeHead(status, { "Content-Type": "application/json" }); res.end(JSON.stringify(value)); };
const xml = (res, body) => { res.writeHead(200, { "Content-Type": "text/xml" }); res.end('<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>' + body + "</soapenv:Body></soapenv:Envelope>"); };
const escape = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const unescape = (s) => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&");
const synapseNames = (api) => [api.provider + "--" + api.name + ":v" + api.version].concat(api.isDefaultVersion || api.publishedDefaultVersion ? [api.provider + "--" + api.name] : []);
// publishedDefaultVersion is the fake's record of AM_API_DEFAULT_VERSION, not a field of the DTO: never answered.
const dto = (api) => { const { publishedDefaultVersion, ...rest } = api; return rest; };
const received = (req) => new Promise((done) => { let text = ""; req.on("data", (c) => (text += c)); req.on("end", () => done(text)); });
const page = (items, url) => {
    const limit = Number(url.searchParams.get("limit") || 25), offset = Number(url.searchParams.get("offset") || 0);
    const list = items.slice(offset, offset + limit);
    return { count: list.length, list, pagination: { offset, limit, total: items.length } };
};

const publisher = https.createServer(tls, async (req, res) => {
    const text = await received(req);
    const state = load();
    if (state.publisherDown) return req.socket.destroy();
    const url = new URL(req.url, "https://publisher");
    if (req.method === "POST" && url.pathname === "/client-registration/v0.16/register") {
        if (basic(req) !== "admin:" + state.password) return json(res, 401, {});
        return json(res, 200, { clientId: "fake-client", clientSecret: "fake-client-secret", clientName: JSON.parse(text).clientName });
    }
    if (req.method === "POST" && url.pathname === "/oauth2/token") {
        const form = new URLSearchParams(text);
        if (basic(req) !== "fake-client:fake-client-secret" || form.get("grant_type") !== "password" || form.get("username") !== "admin"
            || form.get("password") !== state.password || !form.get("scope").split(" ").includes("apim:api_publish")) return json(res, 400, { error: "invalid_grant" });
        return json(res, 200, { access_token: "fake-token", token_type: "Bearer", expires_in: 3600 });
    }
    if (req.headers.authorization !== "Bearer fake-token") return json(res, 401, {});
    if (req.method === "GET" && url.pathname === "/api/am/publisher/v1/apis") {
        json(res, 200, page(state.apis.map(dto), url));
        if (state.afterListing) {
            state.apis.find((a) => a.id === state.afterListing.id).lifeCycleStatus = state.afterListing.lifeCycleStatus;
            delete state.afterListing;
            save(state);
        }
        return;
    }
    if (req.method === "GET" && url.pathname === "/api/am/publisher/v1/api-products") return json(res, 200, page(state.products, url));
    const match = /^\/api\/am\/publisher\/v1\/apis\/([^/]+)$/.exec(url.pathname);
    const api = match && state.apis.find((a) => a.id === match[1]);
    if (!api) return json(res, 404, {});
    if (req.method === "GET") return json(res, 200, dto(api));
    if (req.method === "PUT") {
        const environments = JSON.parse(text).gatewayEnvironments;
        state.log.push("PUT " + api.id + " " + environments.join(","));
        const failed = environments.filter((env) => state.gateways[state.environments[env]].down);
        for (const env of environments.filter((e) => !failed.includes(e))) {
            const held = state.gateways[state.environments[env]].names;
            for (const name of synapseNames(api)) if (!held.includes(name)) held.push(name);
        }
        api.gatewayEnvironments = environments.filter((env) => !failed.includes(env));
        save(state);
        return failed.length ? json(res, 500, { description: "Error while updating API : " + api.id }) : json(res, 200, dto(api));
    }
    return json(res, 405, {});
});

const gateway = (dc) => https.createServer(tls, async (req, res) => {
    const text = await received(req);
    const state = load();
    const gw = state.gateways[dc];
    if (gw.down) return req.socket.destroy();
    if (req.url !== "/services/RestApiAdmin" || basic(req) !== "admin:" + state.password) { res.writeHead(401); return res.end(); }
    if (req.headers.soapaction === '"urn:getApiNames"') {
        return xml(res, '<ns:getApiNamesResponse xmlns:ns="http://org.apache.axis2/xsd">' + gw.names.map((n) => "<ns:return>" + escape(n) + "</ns:return>").join("") + "</ns:getApiNamesResponse>");
    }
    if (req.headers.soapaction === '"urn:deleteApi"') {
        const name = unescape(/<xsd:apiName>([^<]*)<\/xsd:apiName>/.exec(text)[1]);
        state.log.push(dc + " deleteApi " + name);
        const held = gw.names.includes(name);
        gw.names = gw.names.filter((n) => n !== name);
        save(state);
        return xml(res, '<ns:deleteApiResponse xmlns:ns="http://org.apache.axis2/xsd"><ns:return>' + held + "</ns:return></ns:deleteApiResponse>");
    }
    res.writeHead(500);
    res.end();
});

const servers = { publisher, DC1: gateway("DC1"), DC2: gateway("DC2") };
let listening = 0;
for (const server of Object.values(servers)) server.listen(0, "127.0.0.1", () => {
    if (++listening === 3) fs.writeFileSync(portsFile, JSON.stringify(Object.fromEntries(Object.entries(servers).map(([k, s]) => [k, s.address().port]))));
});
`;

/** A fake `aws` (only the calls the reconciler makes): the active DC's source parameter, the admin password; the rest is logged. */
const FAKE_AWS = `#!/bin/bash
printf '%s\\n' "$*" >> "$FAKE_LOG"
case "$1 $2" in
  "ssm get-parameter") printf '%s\\n' "$FAKE_SOURCE" ;;
  "secretsmanager get-secret-value") printf '%s\\n' "$FAKE_PASSWORD" ;;
esac
`;

const PASSWORD = "Admin-Pass_1";
const ENVIRONMENTS = { "DC1 us-east-1": "DC1", "DC2 us-west-2": "DC2" } as const;
const BOTH = Object.keys(ENVIRONMENTS);

interface FakeApi {
    id: string; name: string; version: string; provider: string; type: string;
    lifeCycleStatus: string; isDefaultVersion: boolean; gatewayEnvironments: string[];
    /**
     * Fake-only, never in an answer (the DTO has no such field): the gateways serve this version's
     * versionless route, as AM_API_DEFAULT_VERSION.PUBLISHED_DEFAULT_API_VERSION records it
     * (ApiMgtDAO.updateDefaultAPIPublishedVersion L5624-5640), whatever isDefaultVersion says.
     */
    publishedDefaultVersion?: boolean;
}
interface World {
    password: string;
    publisherDown: boolean;
    apis: FakeApi[];
    /** As publisher-api.yaml's APIProductInfo: no version (3.1.0's products are all 1.0.0). */
    products: { id: string; name: string; provider: string }[];
    environments: Record<string, "DC1" | "DC2">;
    gateways: Record<"DC1" | "DC2", { down: boolean; names: string[] }>;
    /** What changed at the fakes: PUTs and deletions. */
    log: string[];
    /** A lifecycle change that completes right after the next listing of /apis (the fake applies it). */
    afterListing?: { id: string; lifeCycleStatus: string };
}

const synapseNames = (api: FakeApi) => [`${api.provider}--${api.name}:v${api.version}`, ...(api.isDefaultVersion || api.publishedDefaultVersion ? [`${api.provider}--${api.name}`] : [])];
const apiNamed = (id: string, name: string, overrides: Partial<FakeApi> = {}): FakeApi => ({
    id, name, version: "1.0.0", provider: "admin", type: "HTTP", lifeCycleStatus: "PUBLISHED", isDefaultVersion: false, gatewayEnvironments: [...BOTH], ...overrides,
});

/**
 * What WSO2 3.1.0's Publisher does, on the same state (carbon-apimgt 6.6.163): publishing or
 * updating deploys to each environment of the API and drops every environment whose DC is down
 * (APIProviderImpl.changeAPIStatus / updateAPI); retiring or deleting removes the API where it can
 * and ignores the rest (changeAPIStatus keeps a failed environment listed; deleteAPI ignores
 * removeFromGateway's failures).
 */
function publisherPublishes(world: World, api: FakeApi): void {
    const failed = api.gatewayEnvironments.filter((env) => world.gateways[world.environments[env]].down);
    for (const env of api.gatewayEnvironments.filter((e) => !failed.includes(e))) {
        const held = world.gateways[world.environments[env]].names;
        for (const name of synapseNames(api)) if (!held.includes(name)) held.push(name);
    }
    api.gatewayEnvironments = api.gatewayEnvironments.filter((env) => !failed.includes(env));
    world.apis = [...world.apis.filter((a) => a.id !== api.id), api];
}
/**
 * "Create new version" with "make this the default version" (POST /apis/copy-api?defaultVersion=true,
 * ApisApiServiceImpl.apisCopyApiPost L3722-3732): APIProviderImpl.createNewAPIVersion L2829-2839
 * makes the copy CREATED and the default (updateDefaultAPIInRegistry(old, false): the old DTO now
 * says isDefaultVersion false) and deploys nothing, so the gateways keep serving the old version's
 * versionless route (its published default version changes only when the copy is published).
 */
function publisherCopiesAsNewDefault(world: World, fromId: string, copy: FakeApi): void {
    const from = world.apis.find((a) => a.id === fromId)!;
    if (from.isDefaultVersion && ["PUBLISHED", "DEPRECATED", "BLOCKED"].includes(from.lifeCycleStatus)) from.publishedDefaultVersion = true;
    from.isDefaultVersion = false;
    world.apis.push({ ...copy, lifeCycleStatus: "CREATED", isDefaultVersion: true });
}
function publisherRemovesFromGateways(world: World, api: FakeApi): void {
    for (const env of api.gatewayEnvironments) {
        const gw = world.gateways[world.environments[env]];
        if (!gw.down) gw.names = gw.names.filter((name) => !synapseNames(api).includes(name));
    }
}

describe("API reconciler across DCs (docs/artifacts.md § API reconciler)", () => {
    let dir: string;
    let servers: ChildProcess | undefined;
    let ports: Record<"publisher" | "DC1" | "DC2", number>;
    const stateFile = () => path.join(dir, "world.json");
    const world = (): World => JSON.parse(fs.readFileSync(stateFile(), "utf8"));
    const setWorld = (w: World) => fs.writeFileSync(stateFile(), JSON.stringify(w, null, 1));
    const change = (edit: (w: World) => void) => { const w = world(); edit(w); setWorld(w); };

    before(async function () {
        this.timeout(60000);
        requireTool(this, "xmllint");
        requireTool(this, "jq");
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "api-reconciler-"));
        const made = spawnSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=apim.example.com",
            "-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "certificate.pem")], { encoding: "utf8" });
        assert.equal(made.status, 0, made.stderr);
        fs.writeFileSync(path.join(dir, "servers.js"), FAKE_SERVERS);
        fs.writeFileSync(path.join(dir, "node.env"), "SCHEMA_APPLIER='true'\n");
        reset();
        servers = spawn(process.execPath, [path.join(dir, "servers.js"), stateFile(), path.join(dir, "key.pem"), path.join(dir, "certificate.pem"), path.join(dir, "ports.json")], { stdio: "inherit" });
        for (let waited = 0; !fs.existsSync(path.join(dir, "ports.json")); waited += 50) {
            if (waited > 20000) throw new Error("the fake servers did not start");
            await new Promise((resolve) => setTimeout(resolve, 50));
        }
        ports = JSON.parse(fs.readFileSync(path.join(dir, "ports.json"), "utf8"));
    });
    after(() => {
        servers?.kill();
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    /** Two DCs in step: API A (default version) and C on both, D retired later in a test. */
    function reset(): void {
        const apis = [apiNamed("a-id", "A", { isDefaultVersion: true }), apiNamed("c-id", "C"), apiNamed("d-id", "D")];
        const names = ["_TokenAPI_", "_RevokeAPI_", ...apis.flatMap(synapseNames)];
        setWorld({
            password: PASSWORD, publisherDown: false, apis, products: [], environments: { ...ENVIRONMENTS },
            gateways: { DC1: { down: false, names: [...names] }, DC2: { down: false, names: [...names] } }, log: [],
        });
        fs.rmSync(path.join(dir, "state"), { recursive: true, force: true });
        fs.mkdirSync(path.join(dir, "state"));
    }

    /** One run on node 1 of DC1 (the active DC), with the hook's parameters pointed at the fakes. */
    function reconcile(options: { activeDc?: string; backoffBaseSeconds?: number } = {}) {
        const env = Object.fromEntries(apiReconcilerEnv({
            region: "us-east-1", datacenter: "DC1", deployment: DEFAULT_DEPLOYMENT_NAME, project: "wso2-apim-multi-dc",
            adminSecretId: "wso2-apim/wso2-apim-multi-dc/wso2-admin",
            datacenters: [
                { id: "DC1", region: "us-east-1", environment: "DC1 us-east-1", servicesUrl: `https://127.0.0.1:${ports.DC1}/services/` },
                { id: "DC2", region: "us-west-2", environment: "DC2 us-west-2", servicesUrl: `https://127.0.0.1:${ports.DC2}/services/` },
            ],
        }));
        Object.assign(env, {
            NODE_ROLE_ENV: path.join(dir, "node.env"), CERTIFICATE: path.join(dir, "certificate.pem"),
            PUBLISHER_URL: `https://127.0.0.1:${ports.publisher}`, STATE_DIR: path.join(dir, "state"),
            CONNECT_TIMEOUT_SECONDS: "2", READ_TIMEOUT_SECONDS: "5", BACKOFF_BASE_SECONDS: String(options.backoffBaseSeconds ?? 0),
        });
        const before = world().log.length;
        const result = runWithFakes({
            prefix: "api-reconciler-run-",
            script: API_RECONCILER_SCRIPT,
            fakes: { aws: FAKE_AWS },
            files: { "reconciler.env": Object.entries(env).map(([name, value]) => `${name}=${shellQuote(value)}`).join("\n") },
            env: {
                RECONCILER_ENV: "<dir>/reconciler.env", FAKE_PASSWORD: PASSWORD,
                FAKE_SOURCE: `${options.activeDc ?? "DC1"} us-east-1 s3://wso2-apim-dc1-123456789012-us-east-1/runtime-artifacts`,
            },
        });
        const metric = (name: string, dc: string) => result.calls
            .filter((c) => c.startsWith("cloudwatch put-metric-data") && c.includes(`--metric-name ${name} `) && c.endsWith(`Datacenter=${dc}`))
            .map((c) => ({ region: /--region (\S+)/.exec(c)![1], value: Number(/--value (\S+)/.exec(c)![1]) }));
        return { ...result, changes: world().log.slice(before), metric };
    }

    const held = (dc: "DC1" | "DC2") => [...world().gateways[dc].names].sort();

    it("publishes each DC's count into that DC's region, and changes nothing when every DC is in step", function () {
        this.timeout(60000);
        reset();
        const { status, stderr, changes, metric } = reconcile();
        assert.equal(status, 0, stderr);
        assert.deepEqual(metric("ApisOutOfStep", "DC1"), [{ region: "us-east-1", value: 0 }]);
        assert.deepEqual(metric("ApisOutOfStep", "DC2"), [{ region: "us-west-2", value: 0 }]);
        assert.deepEqual(metric("ApiStateUnknown", "DC2"), [{ region: "us-west-2", value: 0 }]);
        assert.deepEqual(changes, []);
    });

    it("through an outage of DC2 (publish, update, retire, delete meanwhile) leaves DC2 alone, then converges it once DC2 is back", function () {
        this.timeout(120000);
        reset();
        change((w) => {
            w.gateways.DC2.down = true;
            // Published while DC2 is down: 3.1.0 drops DC2's environment and moves on.
            publisherPublishes(w, apiNamed("b-id", "B"));
            // Updated: redeployed to DC1 only, DC2's environment dropped; DC2 keeps the old copy.
            publisherPublishes(w, { ...w.apis.find((a) => a.id === "a-id")!, gatewayEnvironments: [...BOTH] });
            // Retired: removed from DC1; DC2's removal fails and is ignored.
            const d = w.apis.find((a) => a.id === "d-id")!;
            publisherRemovesFromGateways(w, d);
            d.lifeCycleStatus = "RETIRED";
            // Deleted: gone from the Publisher and DC1, still served by DC2.
            publisherRemovesFromGateways(w, w.apis.find((a) => a.id === "c-id")!);
            w.apis = w.apis.filter((a) => a.id !== "c-id");
        });
        const dc2Before = held("DC2");

        const down = reconcile();
        assert.equal(down.status, 0, down.stderr);
        assert.deepEqual(down.metric("ApisOutOfStep", "DC1"), [{ region: "us-east-1", value: 0 }]);
        assert.deepEqual(down.metric("ApisOutOfStep", "DC2"), [], "no count for a DC whose state is unknown");
        assert.deepEqual(down.metric("ApiStateUnknown", "DC2"), [{ region: "us-west-2", value: 1 }]);
        assert.match(down.stderr, /DC2's gateways .* could not be read: its state is unknown; nothing is changed there/);
        assert.deepEqual(down.changes, [], "no PUT that would only drop DC2 again, no removal");
        assert.deepEqual(held("DC2"), dc2Before);

        change((w) => { w.gateways.DC2.down = false; });
        const back = reconcile();
        assert.equal(back.status, 0, back.stderr);
        // A stale (in DC2, not in A's environments), B missing, C deleted and D retired but served.
        assert.deepEqual(back.metric("ApisOutOfStep", "DC2"), [{ region: "us-west-2", value: 4 }]);
        assert.deepEqual(back.metric("ApisOutOfStep", "DC1"), [{ region: "us-east-1", value: 0 }]);
        // The first run that reads DC2 again only records what it found; the next one, agreeing, repairs.
        assert.deepEqual(back.changes, []);
        assert.match(back.stderr, /first seen this run, repaired only if the next run finds it too .*: remove DC2 admin--C:v1\.0\.0/);
        const repair = reconcile();
        assert.equal(repair.status, 0, repair.stderr);
        assert.deepEqual([...repair.changes].sort(), [
            "DC2 deleteApi admin--C:v1.0.0", "DC2 deleteApi admin--D:v1.0.0",
            "PUT a-id DC1 us-east-1,DC2 us-west-2", "PUT b-id DC1 us-east-1,DC2 us-west-2",
        ]);
        assert.deepEqual(held("DC2"), held("DC1"));
        assert.deepEqual(world().apis.map((a) => [a.id, a.gatewayEnvironments]).sort(), [["a-id", BOTH], ["b-id", BOTH], ["d-id", BOTH]]);

        const after = reconcile();
        assert.deepEqual(after.metric("ApisOutOfStep", "DC2"), [{ region: "us-west-2", value: 0 }]);
        assert.deepEqual(after.changes, []);
    });

    it("acts only when two consecutive runs agree, and reads the API again before a removal or a PUT (a lifecycle change under way)", function () {
        this.timeout(120000);
        // Publish: APIExecutor.changeLifeCycle has deployed E to both DCs but not yet saved PUBLISHED.
        reset();
        change((w) => {
            const e = apiNamed("e-id", "E", { lifeCycleStatus: "CREATED" });
            w.apis.push(e);
            for (const dc of ["DC1", "DC2"] as const) w.gateways[dc].names.push(...synapseNames(e));
        });
        const during = reconcile();
        assert.equal(during.status, 0, during.stderr);
        assert.deepEqual(during.metric("ApisOutOfStep", "DC2"), [{ region: "us-west-2", value: 1 }]);
        assert.deepEqual(during.changes, [], "a single run never removes");
        change((w) => { w.apis.find((a) => a.id === "e-id")!.lifeCycleStatus = "PUBLISHED"; });
        const published = reconcile();
        assert.deepEqual(published.changes, []);
        assert.deepEqual(published.metric("ApisOutOfStep", "DC2"), [{ region: "us-west-2", value: 0 }]);
        assert.ok(held("DC2").includes("admin--E:v1.0.0") && held("DC1").includes("admin--E:v1.0.0"));

        // The same, but the status is saved while the second run is under way: it agrees with the
        // first on the removal, reads E again, finds it PUBLISHED and leaves it.
        reset();
        change((w) => {
            const e = apiNamed("e-id", "E", { lifeCycleStatus: "CREATED" });
            w.apis.push(e);
            for (const dc of ["DC1", "DC2"] as const) w.gateways[dc].names.push(...synapseNames(e));
        });
        assert.deepEqual(reconcile().changes, []);
        change((w) => { w.afterListing = { id: "e-id", lifeCycleStatus: "PUBLISHED" }; });
        const racing = reconcile();
        assert.equal(racing.status, 0, racing.stderr);
        assert.deepEqual(racing.changes, []);
        assert.match(racing.stderr, /API e-id is now PUBLISHED: not removed/);
        assert.ok(held("DC2").includes("admin--E:v1.0.0") && held("DC1").includes("admin--E:v1.0.0"));

        // Retire: the gateways have removed D, the status still says PUBLISHED; RETIRED is saved
        // while the second run is under way: no PUT puts D back.
        reset();
        change((w) => {
            publisherRemovesFromGateways(w, w.apis.find((a) => a.id === "d-id")!);
        });
        assert.deepEqual(reconcile().changes, []);
        change((w) => { w.afterListing = { id: "d-id", lifeCycleStatus: "RETIRED" }; });
        const retiring = reconcile();
        assert.equal(retiring.status, 0, retiring.stderr);
        assert.deepEqual(retiring.changes, [], "no PUT of a retired API");
        assert.match(retiring.stderr, /API d-id is now RETIRED: not published again/);
        const settled = reconcile();
        assert.deepEqual(settled.changes, []);
        assert.deepEqual(settled.metric("ApisOutOfStep", "DC2"), [{ region: "us-west-2", value: 0 }]);
        assert.ok(!held("DC2").includes("admin--D:v1.0.0"));
    });

    it("with the Publisher unreachable deletes nothing, reports every DC unknown, and backs off", function () {
        this.timeout(60000);
        reset();
        change((w) => {
            w.publisherDown = true;
            w.gateways.DC2.names.push("admin--Gone:v1.0.0");
        });
        const first = reconcile({ backoffBaseSeconds: 300 });
        assert.equal(first.status, 0, first.stderr);
        assert.match(first.stderr, /the Publisher at .* could not be read completely: every DC's state is unknown; nothing is changed/);
        for (const [dc, region] of [["DC1", "us-east-1"], ["DC2", "us-west-2"]]) {
            assert.deepEqual(first.metric("ApiStateUnknown", dc), [{ region, value: 1 }]);
            assert.deepEqual(first.metric("ApisOutOfStep", dc), []);
        }
        assert.deepEqual(first.changes, []);
        assert.ok(held("DC2").includes("admin--Gone:v1.0.0"));

        const second = reconcile({ backoffBaseSeconds: 300 });
        assert.match(second.stderr, /publisher: backing off after 1 failed run\(s\) in a row/);
        assert.deepEqual(second.metric("ApiStateUnknown", "DC1"), [{ region: "us-east-1", value: 1 }]);
    });

    it("never removes an API the Publisher does not list while the active DC's own gateways still hold it", function () {
        this.timeout(60000);
        reset();
        // A list short of an API (an index being rebuilt, access control): not a deletion.
        change((w) => { w.apis = w.apis.filter((a) => a.id !== "c-id"); });
        const { status, stderr, changes, metric } = reconcile();
        assert.equal(status, 0, stderr);
        assert.deepEqual(changes, []);
        assert.deepEqual(metric("ApisOutOfStep", "DC2"), [{ region: "us-west-2", value: 1 }]);
        assert.match(stderr, /DC2: admin--C:v1\.0\.0 is held but the Publisher does not list it, and the active DC holds it too: not removed/);
    });

    it("keeps the versionless route of a published version while a new default version is only created, in every DC", function () {
        this.timeout(120000);
        reset();
        change((w) => {
            const v1 = apiNamed("v1-id", "Pizza", { version: "1.0", isDefaultVersion: true });
            w.apis.push(v1);
            for (const dc of ["DC1", "DC2"] as const) w.gateways[dc].names.push(...synapseNames(v1));
            publisherCopiesAsNewDefault(w, "v1-id", apiNamed("v2-id", "Pizza", { version: "2.0" }));
        });
        assert.deepEqual(world().apis.filter((a) => a.name === "Pizza").map((a) => [a.id, a.lifeCycleStatus, a.isDefaultVersion]),
            [["v1-id", "PUBLISHED", false], ["v2-id", "CREATED", true]], "the Publisher's DTOs: v2 is the default, v1 is not");
        for (let run = 0; run < 3; run++) {
            const result = reconcile();
            assert.equal(result.status, 0, result.stderr);
            assert.deepEqual(result.changes, [], `run ${run + 1}: the versionless URL still reaches v1`);
            assert.deepEqual(result.metric("ApisOutOfStep", "DC1"), [{ region: "us-east-1", value: 0 }]);
            assert.deepEqual(result.metric("ApisOutOfStep", "DC2"), [{ region: "us-west-2", value: 0 }]);
        }
        for (const dc of ["DC1", "DC2"] as const) assert.ok(held(dc).includes("admin--Pizza") && held(dc).includes("admin--Pizza:v1.0"), dc);

        // v2 published: the route now reaches v2; nothing to repair either.
        change((w) => {
            w.apis.find((a) => a.id === "v1-id")!.publishedDefaultVersion = false;
            publisherPublishes(w, { ...w.apis.find((a) => a.id === "v2-id")!, lifeCycleStatus: "PUBLISHED" });
        });
        for (let run = 0; run < 2; run++) assert.deepEqual(reconcile().changes, []);

        // The same copy, then v1 retired while DC2 was down, v2 still CREATED: no version is served,
        // so DC2's leftover routes (the versioned one and the versionless one) are removed after
        // two agreeing runs. (The fake assumes retiring v1 removed its versionless route from DC1.)
        reset();
        change((w) => {
            const v1 = apiNamed("v1-id", "Pizza", { version: "1.0", isDefaultVersion: true });
            w.apis.push(v1);
            for (const dc of ["DC1", "DC2"] as const) w.gateways[dc].names.push(...synapseNames(v1));
            publisherCopiesAsNewDefault(w, "v1-id", apiNamed("v2-id", "Pizza", { version: "2.0" }));
            w.gateways.DC2.down = true;
            const copied = w.apis.find((a) => a.id === "v1-id")!;
            publisherRemovesFromGateways(w, copied);
            copied.lifeCycleStatus = "RETIRED";
            copied.publishedDefaultVersion = false;
            w.gateways.DC2.down = false;
        });
        assert.ok(held("DC2").includes("admin--Pizza") && !held("DC1").includes("admin--Pizza"));
        assert.deepEqual(reconcile().changes, []);
        assert.deepEqual([...reconcile().changes].sort(), ["DC2 deleteApi admin--Pizza", "DC2 deleteApi admin--Pizza:v1.0"]);
        for (const dc of ["DC1", "DC2"] as const) assert.ok(!held(dc).some((n) => n.startsWith("admin--Pizza")), dc);
    });

    it("keeps API products and the pack's own APIs", function () {
        this.timeout(60000);
        reset();
        change((w) => {
            w.products = [{ id: "p-id", name: "Bundle", provider: "admin" }];
            // Held by DC2 only (its deployment to DC1 failed): still never removed.
            w.gateways.DC2.names.push("admin--Bundle:v1.0.0");
        });
        const { changes, metric } = reconcile();
        assert.deepEqual(changes, []);
        assert.deepEqual(metric("ApisOutOfStep", "DC1"), [{ region: "us-east-1", value: 0 }]);
    });

    it("runs only on node 1 of the design-time active DC", function () {
        this.timeout(60000);
        reset();
        const passive = reconcile({ activeDc: "DC2" });
        assert.equal(passive.status, 0);
        assert.deepEqual(passive.calls.map((c) => c.split(" ").slice(0, 2).join(" ")), ["ssm get-parameter"]);
        assert.match(passive.stderr, /DC1 is not the design-time active DC \(DC2 runs the reconciler\)/);
        fs.writeFileSync(path.join(dir, "node.env"), "SCHEMA_APPLIER='false'\n");
        try {
            const second = reconcile();
            assert.deepEqual(second.calls.map((c) => c.split(" ").slice(0, 2).join(" ")), ["ssm get-parameter"]);
        } finally {
            fs.writeFileSync(path.join(dir, "node.env"), "SCHEMA_APPLIER='true'\n");
        }
    });

    it("refuses a peer whose certificate is not the deployment's (the key is pinned)", function () {
        this.timeout(60000);
        reset();
        const other = path.join(dir, "other.pem");
        const made = spawnSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=apim.example.com",
            "-keyout", path.join(dir, "other.key"), "-out", other], { encoding: "utf8" });
        assert.equal(made.status, 0, made.stderr);
        fs.copyFileSync(path.join(dir, "certificate.pem"), path.join(dir, "certificate.saved"));
        fs.copyFileSync(other, path.join(dir, "certificate.pem"));
        try {
            const { metric, changes } = reconcile();
            assert.deepEqual(metric("ApiStateUnknown", "DC1"), [{ region: "us-east-1", value: 1 }]);
            assert.deepEqual(changes, []);
        } finally {
            fs.copyFileSync(path.join(dir, "certificate.saved"), path.join(dir, "certificate.pem"));
        }
    });

    it("is installed by a boot hook: parameters without secrets, a bounded service with its state directory, a timer; shellcheck-clean", function () {
        const hook = renderApiReconcilerHook({
            region: "us-east-1", datacenter: "DC1", deployment: DEFAULT_DEPLOYMENT_NAME, project: "wso2-apim-multi-dc",
            adminSecretId: "wso2-apim/wso2-apim-multi-dc/wso2-admin",
            datacenters: [{ id: "DC1", region: "us-east-1", environment: "DC1 us-east-1", servicesUrl: "https://apim.dc1.wso2-apim.internal:9443/services/" }],
        });
        assert.match(hook, /^ADMIN_SECRET_ID='wso2-apim\/wso2-apim-multi-dc\/wso2-admin'$/m);
        assert.match(hook, /^DATACENTERS='DC1\|us-east-1\|DC1 us-east-1\|https:\/\/apim\.dc1\.wso2-apim\.internal:9443\/services\/'$/m);
        assert.match(hook, new RegExp(`^systemctl enable --now ${API_RECONCILER.unit}\\.timer$`, "m"));
        const units = apiReconcilerUnits();
        assert.match(units[`${API_RECONCILER.unit}.service`], /^TimeoutStartSec=900$/m);
        assert.match(units[`${API_RECONCILER.unit}.service`], /^StateDirectory=wso2-api-reconciler$/m);
        assert.match(units[`${API_RECONCILER.unit}.timer`], /^OnUnitActiveSec=300$/m);
        // Every HTTP call is bounded.
        const curls = API_RECONCILER_SCRIPT.match(/^\s*curl .*$/gm) ?? [];
        assert.ok(curls.length === 1 && curls[0].includes("--max-time") && API_RECONCILER_SCRIPT.includes("--connect-timeout"), curls.join("\n"));
        assert.equal(spawnSync("bash", ["-n"], { input: hook }).status, 0);
        requireTool(this, "shellcheck");
        for (const script of [API_RECONCILER_SCRIPT, hook]) {
            const result = shellcheck(script);
            assert.equal(result.status, 0, result.output);
        }
    });

    it("every stack uploads the hook, runs it at boot, and lets its nodes publish the reconciler's metrics only", async function () {
        this.timeout(300000);
        for (const stack of ["us-east", "us-west"]) {
            const program = await run(stack);
            const hook = ofType(program, "aws:s3/bucketObjectv2:BucketObjectv2").find((o) => o.inputs.key === BOOT_KEYS.apiReconcilerHook)!;
            assert.ok(hook, `${stack} uploads ${BOOT_KEYS.apiReconcilerHook}`);
            const dcs = String(hook.inputs.content).match(/^DATACENTERS='([^']*)'$/m)![1].split("\n");
            assert.deepEqual(dcs, [
                "DC1|us-east-1|DC1 us-east-1|https://apim.dc1.wso2-apim.internal:9443/services/",
                "DC2|us-west-2|DC2 us-west-2|https://apim.dc2.wso2-apim.internal:9443/services/",
            ]);
            const config = stackConfig(stack);
            const dc = String(config.values[`${config.project}:datacenter`]).toLowerCase();
            const policy = JSON.parse(String(named(program, `${dc}-apim-iam-access`).inputs.policy));
            assert.deepEqual(policy.Statement.filter((s: { Sid: string }) => s.Sid === "PublishApiReconcilerMetrics"), apiReconcilerStatements(DEFAULT_DEPLOYMENT_NAME));
        }
    });
});
