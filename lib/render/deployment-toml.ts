/**
 * WSO2 API Manager 3.1.0 `deployment.toml` for one node, rendered with a TOML writer.
 * Secrets never appear here: they are `$env{…}` references that WSO2 resolves at start-up from
 * the environment the boot script builds out of Secrets Manager.
 */
import { stringify } from "smol-toml";
import { PORTS } from "../wso2-ports";

export interface GatewayEnvironment {
    /** Datacenter id, e.g. DC1. */
    datacenter: string;
    region: string;
    /** The region's own gateway host name (clients' endpoint for this region). */
    gatewayHost: string;
    /** The region's own management host name (the Publisher deploys APIs through it). */
    managementHost: string;
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
    /** One per datacenter, so the Publisher deploys every API to every region's gateways. */
    gatewayEnvironments: GatewayEnvironment[];
    database: DatabaseConnection;
    /**
     * Private names of this region's nodes, each a Traffic Manager. Gateways publish throttling
     * events to every one of them and take decisions from any: each region throttles its own traffic.
     */
    trafficManagers: string[];
}

/** Environment variables the rendered file refers to; the boot script and hooks must export them. */
export const DEPLOYMENT_TOML_ENV = ["NODE_IP", "WSO2_ADMIN_PASSWORD", "APIM_DB_PASSWORD", "SHARED_DB_PASSWORD"] as const;

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
            server_role: "default",
        },
        super_admin: {
            username: "admin",
            password: "$env{WSO2_ADMIN_PASSWORD}",
            create_admin_account: true,
        },
        database: {
            apim_db: datasource(input.database, input.database.amDbUser, "APIM_DB_PASSWORD"),
            shared_db: datasource(input.database, input.database.sharedDbUser, "SHARED_DB_PASSWORD"),
        },
        // The ALB terminates TLS on 443 in front of 9443: links WSO2 builds must use 443.
        transport: { https: { properties: { proxyPort: 443 } } },
        apim: {
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
                    service_url: `https://${env.managementHost}/services/`,
                    username: "${admin.username}",
                    password: "${admin.password}",
                    http_endpoint: `http://${env.gatewayHost}`,
                    https_endpoint: `https://${env.gatewayHost}`,
                })),
            },
        },
    };
    return `# Rendered by wso2-apim-multi-dc; edits on the node are overwritten at the next boot.\n${stringify(document)}\n`;
}
