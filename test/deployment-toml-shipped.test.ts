/**
 * The rendered deployment.toml keeps every setting of the file the WSO2 API Manager 3.1.0 pack
 * ships, unless it overrides one on purpose. SHIPPED was written down by reading product-apim tag
 * v3.1.0, modules/distribution/product/src/main/conf/deployment.toml (comments skipped): key path
 * and value, `a[].b` meaning key b of every table in the array a.
 */
import * as assert from "node:assert/strict";
import { isDeepStrictEqual } from "node:util";
import * as TOML from "smol-toml";
import { renderDeploymentToml } from "../lib/render/deployment-toml";

const SHIPPED: [string, unknown][] = [
    ["server.hostname", "localhost"],
    ["server.node_ip", "127.0.0.1"],
    ["server.mode", "single"],
    ["server.base_path", "${carbon.protocol}://${carbon.host}:${carbon.management.port}"],
    ["server.server_role", "default"],
    ["super_admin.username", "admin"],
    ["super_admin.password", "admin"],
    ["super_admin.create_admin_account", true],
    ["user_store.type", "database_unique_id"],
    ["database.apim_db.type", "h2"],
    ["database.apim_db.url", "jdbc:h2:./repository/database/WSO2AM_DB;AUTO_SERVER=TRUE;DB_CLOSE_ON_EXIT=FALSE"],
    ["database.apim_db.username", "wso2carbon"],
    ["database.apim_db.password", "wso2carbon"],
    ["database.shared_db.type", "h2"],
    ["database.shared_db.url", "jdbc:h2:./repository/database/WSO2SHARED_DB;DB_CLOSE_ON_EXIT=FALSE"],
    ["database.shared_db.username", "wso2carbon"],
    ["database.shared_db.password", "wso2carbon"],
    ["keystore.tls.file_name", "wso2carbon.jks"],
    ["keystore.tls.type", "JKS"],
    ["keystore.tls.password", "wso2carbon"],
    ["keystore.tls.alias", "wso2carbon"],
    ["keystore.tls.key_password", "wso2carbon"],
    ["apim.gateway.environment[].name", "Production and Sandbox"],
    ["apim.gateway.environment[].type", "hybrid"],
    ["apim.gateway.environment[].display_in_api_console", true],
    ["apim.gateway.environment[].description", "This is a hybrid gateway that handles both production and sandbox token traffic."],
    ["apim.gateway.environment[].show_as_token_endpoint_url", true],
    ["apim.gateway.environment[].service_url", "https://localhost:${mgt.transport.https.port}/services/"],
    ["apim.gateway.environment[].username", "${admin.username}"],
    ["apim.gateway.environment[].password", "${admin.password}"],
    ["apim.gateway.environment[].ws_endpoint", "ws://localhost:9099"],
    ["apim.gateway.environment[].wss_endpoint", "wss://localhost:8099"],
    ["apim.gateway.environment[].http_endpoint", "http://localhost:${http.nio.port}"],
    ["apim.gateway.environment[].https_endpoint", "https://localhost:${https.nio.port}"],
    ["apim.cors.allow_origins", "*"],
    ["apim.cors.allow_methods", ["GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS"]],
    ["apim.cors.allow_headers", ["authorization", "Access-Control-Allow-Origin", "Content-Type", "SOAPAction", "apikey"]],
    ["apim.cors.allow_credentials", false],
    ["event_handler[].name", "userPostSelfRegistration"],
    ["event_handler[].subscriptions", ["POST_ADD_USER"]],
    ["service_provider.sp_name_regex", "^[\\sa-zA-Z0-9._-]*$"],
    ["database.local.url", "jdbc:h2:./repository/database/WSO2CARBON_DB;DB_CLOSE_ON_EXIT=FALSE"],
];

const ORACLE = "the region's Oracle database (docs/nodes.md), password from Secrets Manager at boot";
const PER_REGION_GATEWAY = "one gateway environment per datacenter: the node's own first on the global gateway name, the others on their region's";
const KEYSTORE = "left to carbon-kernel 4.6.0's default.json, which resolves keystore.tls to the same pack keystore; literal passwords must not be in user-data (WSO2-SEC-009)";

/**
 * Shipped settings this deployment changes on purpose; `absent` ones are left out of the file,
 * `inSome` ones (of an array of tables) differ in some of its tables and keep the shipped value in others.
 */
const OVERRIDES: Record<string, { reason: string; absent?: true; inSome?: true }> = {
    "server.hostname": { reason: "the public Publisher/Developer Portal host" },
    "server.node_ip": { reason: "the node's private IP, from instance metadata at boot" },
    "super_admin.password": { reason: "one admin password for the deployment, from Secrets Manager at boot" },
    "database.apim_db.type": { reason: ORACLE },
    "database.apim_db.url": { reason: ORACLE },
    "database.apim_db.username": { reason: ORACLE },
    "database.apim_db.password": { reason: ORACLE },
    "database.shared_db.type": { reason: ORACLE },
    "database.shared_db.url": { reason: ORACLE },
    "database.shared_db.username": { reason: ORACLE },
    "database.shared_db.password": { reason: ORACLE },
    "keystore.tls.file_name": { reason: KEYSTORE, absent: true },
    "keystore.tls.type": { reason: KEYSTORE, absent: true },
    "keystore.tls.password": { reason: KEYSTORE, absent: true },
    "keystore.tls.alias": { reason: KEYSTORE, absent: true },
    "keystore.tls.key_password": { reason: KEYSTORE, absent: true },
    "apim.gateway.environment[].name": { reason: PER_REGION_GATEWAY },
    "apim.gateway.environment[].description": { reason: PER_REGION_GATEWAY },
    "apim.gateway.environment[].show_as_token_endpoint_url": { reason: "only the node's own datacenter's environment, on the global name, is the Developer Portal's token endpoint (docs/artifacts.md, Keystores)", inSome: true },
    "apim.gateway.environment[].service_url": { reason: `${PER_REGION_GATEWAY} (the region's nodes' private name, over the peering: docs/artifacts.md)` },
    "apim.gateway.environment[].ws_endpoint": { reason: PER_REGION_GATEWAY },
    "apim.gateway.environment[].wss_endpoint": { reason: "the secure WebSocket endpoint is not deployed: 3.1.0 renders the keystore password into it, on the shared synapse-configs (docs/artifacts.md, Keystores)", absent: true },
    "apim.gateway.environment[].http_endpoint": { reason: PER_REGION_GATEWAY },
    "apim.gateway.environment[].https_endpoint": { reason: PER_REGION_GATEWAY },
};

const rendered = TOML.parse(renderDeploymentToml({
    hostname: "apim.example.com",
    globalGatewayHost: "gateway.example.com",
    datacenter: "DC1",
    database: { host: "oracle.dc1.wso2-apim.internal", port: 1521, serviceName: "APIMDB", amDbUser: "WSO2AM", sharedDbUser: "WSO2SHARED" },
    trafficManagers: ["apim-1.dc1.wso2-apim.internal"],
    peerTrafficManagers: [{ datacenter: "DC2", hosts: ["apim-1.dc2.wso2-apim.internal"] }],
    gatewayTokenCacheSeconds: 900,
    gatewayEnvironments: [
        { datacenter: "DC1", region: "us-east-1", gatewayHost: "gateway-us-east-1.example.com", adminServicesHost: "apim.dc1.wso2-apim.internal" },
        { datacenter: "DC2", region: "us-west-2", gatewayHost: "gateway-us-west-2.example.com", adminServicesHost: "apim.dc2.wso2-apim.internal" },
    ],
})) as Record<string, unknown>;

/** The values at a key path; `a[].b` yields b of every table in a, and fails on an empty array. */
function valuesAt(document: unknown, keyPath: string): { present: boolean; value: unknown }[] {
    const [head, ...rest] = keyPath.split(".");
    const name = head.replace(/\[\]$/, "");
    const node = (document as Record<string, unknown> | undefined)?.[name];
    if (head.endsWith("[]")) {
        assert.ok(Array.isArray(node) && node.length > 0, `${name} is not a non-empty array of tables`);
        return node.flatMap((element) => valuesAt(element, rest.join(".")));
    }
    if (rest.length === 0) return [{ present: node !== undefined, value: node }];
    return node === undefined ? [{ present: false, value: undefined }] : valuesAt(node, rest.join("."));
}

describe("deployment.toml against the file the 3.1.0 pack ships", () => {
    for (const [keyPath, shipped] of SHIPPED) {
        const override = OVERRIDES[keyPath];
        if (!override) {
            it(`keeps ${keyPath} = ${JSON.stringify(shipped)}`, () => {
                for (const { value } of valuesAt(rendered, keyPath)) assert.deepEqual(value, shipped, keyPath);
            });
        } else {
            it(`${override.absent ? "leaves out" : "overrides"} ${keyPath}: ${override.reason}`, () => {
                const values = valuesAt(rendered, keyPath);
                for (const { present } of values) assert.equal(present, !override.absent, keyPath);
                const changed = values.filter(({ present, value }) => present && !isDeepStrictEqual(value, shipped));
                if (override.absent) return;
                if (override.inSome) assert.ok(changed.length > 0 && changed.length < values.length, `${keyPath} is listed as changed in some tables only`);
                else assert.equal(changed.length, values.length, `${keyPath} is listed as an override but keeps the shipped value`);
            });
        }
    }

    it("lists overrides only for settings the pack ships", () => {
        const shippedKeys = new Set(SHIPPED.map(([keyPath]) => keyPath));
        assert.deepEqual(Object.keys(OVERRIDES).filter((keyPath) => !shippedKeys.has(keyPath)), []);
    });
});
