/**
 * WSO2 API Manager 3.1.0 `deployment.toml` for one node, rendered with a TOML writer.
 * It starts from the settings of the file the 3.1.0 pack ships (product-apim v3.1.0,
 * modules/distribution/product/src/main/conf/deployment.toml) and overrides only what this
 * deployment decides: test/deployment-toml-shipped.test.ts lists every shipped setting and the
 * reason for each override.
 * No secret value appears here: passwords are `$secret{…}` references to WSO2's secure vault
 * (VAULT_SECRETS), or `$env{…}` references (DEPLOYMENT_TOML_ENV) to the environment the boot
 * builds out of Secrets Manager. config-mapper substitutes `$env{…}` values into the files it
 * renders, which is why wso2am.service runs with UMask=0077 (docs/artifacts.md, Keystores).
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

export interface DatacenterTrafficManagers {
    /** Datacenter id, e.g. DC2. */
    datacenter: string;
    /** Its nodes' private names (lib/database-names.ts nodeHostname), each a Traffic Manager. */
    hosts: string[];
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
    /** The global gateway name (geolocation routed): the Developer Portal's token endpoint. */
    globalGatewayHost: string;
    /**
     * One per datacenter, so the Publisher deploys every API to every region's gateways
     * (docs/artifacts.md); this node's own datacenter's shows the global name.
     */
    gatewayEnvironments: GatewayEnvironment[];
    /** This node's datacenter id. */
    datacenter: string;
    database: DatabaseConnection;
    /**
     * Private names of this region's nodes, each a Traffic Manager: this node's gateway takes its
     * throttling decisions (JMS) from them, and publishes its events to them.
     */
    trafficManagers: string[];
    /**
     * Every other datacenter's Traffic Managers (its nodes' private names, resolvable over the
     * peering): this node publishes its events to them as well (docs/artifacts.md § Runtime events
     * across datacenters), so a block condition, key template, revocation or cache invalidation made
     * here reaches every DC's gateways, and every Traffic Manager counts every DC's requests.
     */
    peerTrafficManagers: DatacenterTrafficManagers[];
    /** `[apim.cache] token_expiry_time`: how long gateways cache a validated token (WSO2's default: 900 s). */
    gatewayTokenCacheSeconds: number;
}

/** The gateway's WebSocket listeners in 3.1.0: 9099 (the shipped ws_endpoint) and 8099 (default.json `apim.wss.port`). */
export const WEBSOCKET_PORTS = { ws: 9099, wss: 8099 } as const;

/**
 * Passwords the file refers to as `$secret{alias}`: WSO2's secure vault resolves them at run time,
 * so config-mapper writes the reference, not the value, into what it renders (docs/artifacts.md,
 * Keystores). Each is read by a consumer that resolves secure-vault references in 3.1.0:
 * user-mgt.xml (RealmConfigXMLProcessor), master-datasources.xml (DataSourceUtils), carbon.xml
 * (ServerConfiguration); carbon-kernel v4.6.0. The vault script (lib/render/scripts/secrets-at-rest.sh)
 * seals each from the environment variable named here into the [secrets] table before WSO2 starts.
 */
export const VAULT_SECRETS = [
    { alias: "admin_password", variable: "WSO2_ADMIN_PASSWORD" },
    { alias: "apim_db_password", variable: "APIM_DB_PASSWORD" },
    { alias: "shared_db_password", variable: "SHARED_DB_PASSWORD" },
    { alias: "internal_keystore_password", variable: "INTERNAL_KEYSTORE_PASSWORD" },
] as const;

type VaultAlias = (typeof VAULT_SECRETS)[number]["alias"];
const vaulted = (alias: VaultAlias) => `$secret{${alias}}`;

/**
 * Environment variables the rendered file refers to as `$env{…}`; the boot script and hooks must
 * export them. The primary keystore's and the truststore's passwords stay here: 3.1.0 hands them
 * (through keystore.tls) to consumers that never resolve the vault, broker.xml (no svns namespace)
 * and the secure WebSocket endpoint, which would get the literal `$secret{…}`.
 */
export const DEPLOYMENT_TOML_ENV = ["NODE_IP", "KEYSTORE_PASSWORD", "TRUSTSTORE_PASSWORD"] as const;

function datasource(db: DatabaseConnection, user: string, passwordAlias: VaultAlias) {
    return {
        type: "oracle",
        url: `jdbc:oracle:thin:@${db.host}:${db.port}/${db.serviceName}`,
        username: user,
        password: vaulted(passwordAlias),
        driver: "oracle.jdbc.OracleDriver",
        // WSO2's default, SELECT 1, is not valid Oracle.
        validationQuery: "SELECT 1 FROM DUAL",
        pool_options: { maxActive: 100, maxWait: 60000, testOnBorrow: true, validationInterval: 30000 },
    };
}

/** A datacenter's gateway environment, as the Publisher names it in an API's `gatewayEnvironments`. */
export function gatewayEnvironmentName(datacenter: string, region: string): string {
    return `${datacenter} ${region}`;
}

/**
 * `[[apim.gateway.environment]]`, one per datacenter, each deploying through that datacenter's
 * admin services. The Developer Portal's token endpoint is the HTTPS endpoint of the first
 * environment whose `show_as_token_endpoint_url` (rendered as `isDefault`) is true, "/token"
 * appended (carbon-apimgt 08ea54ec: SettingsMappingUtil.fromSettingstoDTO, devportal ViewCurl.jsx).
 * So the node's own datacenter's environment comes first, is the only one marked, and shows the
 * geolocation-routed global name: clients get the nearest healthy region, never one region's name.
 * The others show their region's own name. No environment may share another's admin services:
 * 3.1.0 undeploys an API from every environment removed from it (APIProviderImpl.updateAPI,
 * APIGatewayManager.removeFromGateway), even if another still selected names the same gateways.
 */
function gatewayEnvironments(input: DeploymentTomlInput) {
    const own = input.gatewayEnvironments.find((env) => env.datacenter === input.datacenter);
    if (!own) throw new Error(`no gateway environment for this node's datacenter ${input.datacenter}`);
    const ordered = [own, ...input.gatewayEnvironments.filter((env) => env !== own)];
    return ordered.map((env) => {
        const publicHost = env === own ? input.globalGatewayHost : env.gatewayHost;
        return {
            name: gatewayEnvironmentName(env.datacenter, env.region),
            type: "hybrid",
            display_in_api_console: true,
            description: env === own
                ? `Gateways of ${env.datacenter} (${env.region}); clients reach the nearest healthy region at ${input.globalGatewayHost}`
                : `Gateways of ${env.datacenter} (${env.region})`,
            show_as_token_endpoint_url: env === own,
            // Admin calls go to the node directly: 3.1.0's wso2server.sh starts the JVM with
            // -Dhttpclient.hostnameVerifier=AllowAll, so the node's certificate need not name this host.
            service_url: `https://${env.adminServicesHost}:${PORTS.management}/services/`,
            username: "${admin.username}",
            password: "${admin.password}",
            http_endpoint: `http://${publicHost}`,
            https_endpoint: `https://${publicHost}`,
            // The WebSocket listener (3.1.0 default 9099) named on the public host rather than
            // localhost; the ALB does not forward its port (see docs/nodes.md). No wss_endpoint: the
            // secure WebSocket endpoint is not deployed (lib/render/scripts/secrets-at-rest.sh).
            ws_endpoint: `ws://${publicHost}:${WEBSOCKET_PORTS.ws}`,
        };
    });
}

/**
 * `[apim.throttling]`: where this node publishes its events and takes its throttling decisions.
 *
 * One receiver group per Traffic Manager of every datacenter, this DC's first. api-manager.xml.j2
 * (carbon-apimgt 08ea54ec, L808-839) renders each `[[apim.throttling.url_group]]` as one `{…}`
 * group of `<TrafficManager><ReceiverUrlGroup>`/`<AuthUrlGroup>`, and the databridge agent
 * (carbon-analytics-common v5.2.24, DataPublisherUtil.getEndpointGroups L46, DataPublisher.tryPublish
 * L331) sends every event to every group (within a group it would pick one URL), so each Traffic
 * Manager receives every event. All of this node's publishers read that one element: the gateway's
 * request events (ThrottleDataPublisher, through APIManagerConfiguration L725-731), block conditions
 * and key templates (APIManagerComponent.configureEventPublisherProperties L588), revocations and
 * cache invalidations (APIKeyMgtServiceComponent L268, L294). So the other DCs' gateways learn of a
 * block condition, key template or revocation made here within seconds, and counting is global: a
 * 10-per-minute tier allows 10 per minute across all DCs. 3.1.0 has no separate URL list for the
 * request events, so per-DC counting cannot be kept together with cross-DC events (docs/artifacts.md).
 *
 * Decisions come over JMS from this DC's Traffic Managers only (throttle_decision_endpoints, a
 * failover broker list, L882): each of them counts every DC's requests, and 5672 never crosses DCs.
 */
function throttling(input: DeploymentTomlInput) {
    const publishedTo = [...input.trafficManagers, ...input.peerTrafficManagers.flatMap((dc) => dc.hosts)];
    return {
        throttle_decision_endpoints: input.trafficManagers.map((host) => `tcp://${host}:${PORTS.trafficManagerJms}`),
        url_group: publishedTo.map((host) => ({
            traffic_manager_urls: [`tcp://${host}:${PORTS.trafficManagerBinary}`],
            traffic_manager_auth_urls: [`ssl://${host}:${PORTS.trafficManagerBinaryAuth}`],
            type: "loadbalance",
        })),
    };
}

/**
 * The databridge agent's event queue per receiver group and per publisher (`[transport.binary.agent]
 * queue_size`, rendered into data-agent-config.xml `<QueueSize>`; default 32,768: carbon-analytics-common
 * v5.2.24 `org.wso2.carbon.databridge.agent.default.json`, `data-agent-config.xml.j2` L62). Each
 * group is an LMAX Disruptor ring (DataEndpointGroup.EventQueue L198), which takes only a power of
 * two ("bufferSize must be a power of 2") and keeps the last event in every slot after sending it
 * (WrappedEventFactory: the slot is only overwritten). Every node has one group per Traffic Manager
 * (up to MAX_TRAFFIC_MANAGERS, 40) in each of its four publishers (the request events' and one per
 * wso2event adapter, `blockingEventPublisher` (block conditions and key templates),
 * `tokenRevocationPublisher`, `cacheInvalidationEventPublisher`: WSO2EventAdapter L145 makes its
 * own DataPublisher). Derived, not measured:
 *  - slots: 40 groups × 4 publishers × size × ~20 B (a reference and a WrappedEvent) = 100 MiB at
 *    32,768, 25 MiB at 8,192;
 *  - events: the same Event object goes to every group (DataPublisher.tryPublish), so groups in
 *    step share their last `size` events, but a group stalled by an unreachable Traffic Manager pins
 *    its own `size`; a DC cut off from all others pins ~40 × size request events of ~1 KiB (17
 *    attributes, mostly short strings): 1.25 GiB at 32,768, 320 MiB at 8,192 — 31 % and 8 % of the
 *    4 GiB heap of WSO2's minimum 8 GiB node (JVM_HEAP, half the memory).
 * 8,192 keeps that under a tenth of the smallest heap, and still holds 8,192 block conditions, key
 * templates, revocations or cache invalidations per adapter for an unreachable Traffic Manager
 * (over 2 hours of one revocation a second); beyond that the drop is logged and alarmed
 * (components/monitoring.ts RUNTIME_EVENTS_DROPPED_PATTERN).
 */
export const DATABRIDGE_QUEUE_SIZE = 8192;

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
            password: vaulted("admin_password"),
            create_admin_account: true,
        },
        // The multi-DC SHARED_DB scripts declare UM_USER.UM_USER_ID NOT NULL with no default; only the
        // unique-id user store manager fills it (the JDBC one it replaces would fail the admin insert).
        user_store: { type: "database_unique_id" },
        database: {
            apim_db: datasource(input.database, input.database.amDbUser, "apim_db_password"),
            shared_db: datasource(input.database, input.database.sharedDbUser, "shared_db_password"),
            // Per node, never shared (docs/nodes.md): the local registry and its H2 file, as shipped.
            local: { url: "jdbc:h2:./repository/database/WSO2CARBON_DB;DB_CLOSE_ON_EXIT=FALSE" },
        },
        // The deployment's own key pairs instead of the pack's public wso2carbon.jks (docs/artifacts.md,
        // Keystores), installed by the keystore boot hook. [keystore.tls] follows [keystore.primary]
        // (carbon-kernel 4.6.0 default.json $ref); [keystore.internal] would too, and is set apart on
        // purpose so that rotating the signing key never changes the key stored data is encrypted with.
        keystore: {
            primary: {
                file_name: KEYSTORE.keystoreFile,
                type: "JKS",
                password: "$env{KEYSTORE_PASSWORD}",
                alias: KEYSTORE.keyAlias,
                key_password: "$env{KEYSTORE_PASSWORD}",
            },
            internal: {
                file_name: KEYSTORE.internalKeystoreFile,
                type: "JKS",
                password: vaulted("internal_keystore_password"),
                alias: KEYSTORE.internalKeyAlias,
                key_password: vaulted("internal_keystore_password"),
            },
        },
        truststore: { file_name: KEYSTORE.truststoreFile, type: "JKS", password: "$env{TRUSTSTORE_PASSWORD}" },
        // The ALB terminates TLS on 443 in front of 9443: links WSO2 builds must use 443. The
        // databridge agent's queue per receiver group: DATABRIDGE_QUEUE_SIZE.
        transport: { https: { properties: { proxyPort: 443 } }, binary: { agent: { queue_size: DATABRIDGE_QUEUE_SIZE } } },
        apim: {
            // TokenCacheExpiry (api-manager.xml.j2), read as whole seconds by CacheProvider (carbon-apimgt
            // 6.6.163) for the gateway token, key and invalid-token caches alike (createInvalidTokenCache L281:
            // 3.1.0 has no separate key for the last). It bounds how long an opaque token issued in another DC
            // and presented here before GoldenGate brought it stays refused, and how long an opaque token
            // whose revocation event never arrived still works (docs/artifacts.md § Token revocation).
            cache: { token_expiry_time: input.gatewayTokenCacheSeconds },
            // All-in-one nodes: each validates tokens with its own Key Manager.
            key_manager: { service_url: "https://localhost:9443/services/" },
            throttling: throttling(input),
            gateway: { environment: gatewayEnvironments(input) },
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
