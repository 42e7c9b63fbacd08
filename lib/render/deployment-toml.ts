/**
 * WSO2 API Manager 3.1.0 `deployment.toml` for one node, rendered with a TOML writer.
 * Secrets never appear here: they are `$env{…}` references that WSO2 resolves at start-up from
 * the environment the boot script builds out of Secrets Manager.
 */
import { stringify } from "smol-toml";

export interface GatewayEnvironment {
    /** Datacenter id, e.g. DC1. */
    datacenter: string;
    region: string;
    /** The region's own gateway host name (clients' endpoint for this region). */
    gatewayHost: string;
    /** The region's own management host name (the Publisher deploys APIs through it). */
    managementHost: string;
}

export interface DeploymentTomlInput {
    /** Public Publisher/Developer Portal host name. */
    hostname: string;
    /** One per datacenter, so the Publisher deploys every API to every region's gateways. */
    gatewayEnvironments: GatewayEnvironment[];
}

/** Environment variables the rendered file refers to; the boot script must export them. */
export const DEPLOYMENT_TOML_ENV = ["NODE_IP", "WSO2_ADMIN_PASSWORD"] as const;

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
        // The ALB terminates TLS on 443 in front of 9443: links WSO2 builds must use 443.
        transport: { https: { properties: { proxyPort: 443 } } },
        apim: {
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
