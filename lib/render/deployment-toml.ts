/**
 * WSO2 API Manager 3.1.0 `deployment.toml` for one node, rendered with a TOML writer.
 * It starts from the settings of the file the 3.1.0 pack ships (product-apim v3.1.0,
 * modules/distribution/product/src/main/conf/deployment.toml) and overrides only what this
 * deployment decides: test/deployment-toml-shipped.test.ts lists every shipped setting and the
 * reason for each override.
 * Secrets never appear here: they are `$env{…}` references that WSO2 resolves at start-up from
 * the environment the boot script builds out of Secrets Manager.
 */
import { stringify } from "smol-toml";
import { KEYSTORE } from "../keystore";
import { PORTS } from "../wso2-ports";

export interface GatewayEnvironment {
    /** Datacenter id, e.g. DC1. */
    datacenter: string;
    region: string;
    /** The region's own gateway host name (clients' endpoint for this region). */
    gatewayHost: string;
    /**
     * The datacenter's nodes' private name (lib/database-names.ts adminServicesHostname): the
     * Publisher deploys APIs through their admin services on 9443, over the VPC peering, never
     * through the public ALB, which does not forward `/services/` (lib/listener-rules.ts).
     */
    adminServicesHost: string;
}

export interface DatabaseConnection {
    /** The database's stable private name. */
    host: string;
    port: number;
    serviceName: string;
    amDbUser: string;
    sharedDbUser: string;
}

export interface DeploymentTomlInput {
    /** Public Publisher/Developer Portal host name. */
    hostname: string;
    /** One per datacenter, so the Publisher deploys every API to every region's gateways (docs/artifacts.md). */
    gatewayEnvironments: GatewayEnvironment[];
    database: DatabaseConnection;
    /**
     * Private names of this region's nodes, each a Traffic Manager. Gateways publish throttling
     * events to every one of them and take decisions from any: each region throttles its own traffic.
     */
    trafficManagers: string[];
    /** `[apim.cache] token_expiry_time`: how long gateways cache a validated token (WSO2's default: 900 s). */
    gatewayTokenCacheSeconds: number;
}

/** The gateway's WebSocket listeners in 3.1.0: 9099 (the shipped ws_endpoint) and 8099 (default.json `apim.wss.port`). */
export const WEBSOCKET_PORTS = { ws: 9099, wss: 8099 } as const;

/** Environment variables the rendered file refers to; the boot script and hooks must export them. */
export const DEPLOYMENT_TOML_ENV = [
    "NODE_IP", "WSO2_ADMIN_PASSWORD", "APIM_DB_PASSWORD", "SHARED_DB_PASSWORD", "KEYSTORE_PASSWORD", "TRUSTSTORE_PASSWORD",
] as const;

function datasource(db: DatabaseConnection, user: string, passwordVariable: string) {
    return {
        type: "oracle",
        url: `jdbc:oracle:thin:@${db.host}:${db.port}/${db.serviceName}`,
        username: user,
        password: `$env{${passwordVariable}}`,
        driver: "oracle.jdbc.OracleDriver",
        // WSO2's default, SELECT 1, is not valid Oracle.
        validationQuery: "SELECT 1 FROM DUAL",
        pool_options: { maxActive: 100, maxWait: 60000, testOnBorrow: true, validationInterval: 30000 },
    };
}

export function renderDeploymentToml(input: DeploymentTomlInput): string {
    const document = {
        server: {
            hostname: input.hostname,
            node_ip: "$env{NODE_IP}",
            // As shipped.
            mode: "single",
            base_path: "${carbon.protocol}://${carbon.host}:${carbon.management.port}",
            server_role: "default",
        },
        super_admin: {
            username: "admin",
            password: "$env{WSO2_ADMIN_PASSWORD}",
            create_admin_account: true,
        },
        // The multi-DC SHARED_DB scripts declare UM_USER.UM_USER_ID NOT NULL with no default; only the
        // unique-id user store manager fills it (the JDBC one it replaces would fail the admin insert).
        user_store: { type: "database_unique_id" },
        database: {
            apim_db: datasource(input.database, input.database.amDbUser, "APIM_DB_PASSWORD"),
            shared_db: datasource(input.database, input.database.sharedDbUser, "SHARED_DB_PASSWORD"),
            // Per node, never shared (DESIGN §6): the local registry and its H2 file, as shipped.
            local: { url: "jdbc:h2:./repository/database/WSO2CARBON_DB;DB_CLOSE_ON_EXIT=FALSE" },
        },
        // The deployment's own key pair instead of the pack's public wso2carbon.jks (docs/artifacts.md,
        // Keystores), installed by the keystore boot hook. [keystore.tls] and [keystore.internal] are
        // left out on purpose: carbon-kernel 4.6.0's default.json resolves each to [keystore.primary].
        keystore: {
            primary: {
                file_name: KEYSTORE.keystoreFile,
                type: "JKS",
                password: "$env{KEYSTORE_PASSWORD}",
                alias: KEYSTORE.keyAlias,
                key_password: "$env{KEYSTORE_PASSWORD}",
            },
        },
        truststore: { file_name: KEYSTORE.truststoreFile, type: "JKS", password: "$env{TRUSTSTORE_PASSWORD}" },
        // The ALB terminates TLS on 443 in front of 9443: links WSO2 builds must use 443.
        transport: { https: { properties: { proxyPort: 443 } } },
        apim: {
            // TokenCacheExpiry (api-manager.xml.j2), read as whole seconds by CacheProvider (carbon-apimgt
            // 6.6.163) for the gateway token and key caches: bounds how long a token revoked in another DC works here.
            cache: { token_expiry_time: input.gatewayTokenCacheSeconds },
            // All-in-one nodes: each validates tokens with its own Key Manager.
            key_manager: { service_url: "https://localhost:9443/services/" },
            throttling: {
                throttle_decision_endpoints: input.trafficManagers.map((host) => `tcp://${host}:${PORTS.trafficManagerJms}`),
                url_group: input.trafficManagers.map((host) => ({
                    traffic_manager_urls: [`tcp://${host}:${PORTS.trafficManagerBinary}`],
                    traffic_manager_auth_urls: [`ssl://${host}:${PORTS.trafficManagerBinaryAuth}`],
                    type: "loadbalance",
                })),
            },
            gateway: {
                environment: input.gatewayEnvironments.map((env) => ({
                    name: `${env.datacenter} ${env.region}`,
                    type: "hybrid",
                    display_in_api_console: true,
                    description: `Gateways of ${env.datacenter} (${env.region})`,
                    show_as_token_endpoint_url: true,
                    // Admin calls go to the node directly: 3.1.0's wso2server.sh starts the JVM with
                    // -Dhttpclient.hostnameVerifier=AllowAll, so the node's certificate need not name this host.
                    service_url: `https://${env.adminServicesHost}:${PORTS.management}/services/`,
                    username: "${admin.username}",
                    password: "${admin.password}",
                    http_endpoint: `http://${env.gatewayHost}`,
                    https_endpoint: `https://${env.gatewayHost}`,
                    // WebSocket listeners (3.1.0 defaults 9099/8099) named on the region's gateway host
                    // rather than localhost; the ALB does not forward these ports (see docs/nodes.md).
                    ws_endpoint: `ws://${env.gatewayHost}:${WEBSOCKET_PORTS.ws}`,
                    wss_endpoint: `wss://${env.gatewayHost}:${WEBSOCKET_PORTS.wss}`,
                })),
            },
            // As shipped: the Publisher and Developer Portal consoles call the gateways cross-origin.
            cors: {
                allow_origins: "*",
                allow_methods: ["GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS"],
                allow_headers: ["authorization", "Access-Control-Allow-Origin", "Content-Type", "SOAPAction", "apikey"],
                allow_credentials: false,
            },
        },
        // As shipped: self-signed-up users get their roles through this handler.
        event_handler: [{ name: "userPostSelfRegistration", subscriptions: ["POST_ADD_USER"] }],
        // As shipped: the names WSO2 accepts for OAuth applications' service providers.
        service_provider: { sp_name_regex: "^[\\sa-zA-Z0-9._-]*$" },
    };
    return `# Rendered by wso2-apim-multi-dc; the node's boot installs it again at every start, so edits on the node do not last.\n${stringify(document)}\n`;
}
