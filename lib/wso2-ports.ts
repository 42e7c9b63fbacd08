/** WSO2 API Manager 3.1.0 ports (docs/nodes.md) and the other ports the deployment opens. */
export const PORTS = {
    gatewayHttps: 8243,
    management: 9443,
    trafficManagerBinary: 9611,
    trafficManagerBinaryAuth: 9711,
    trafficManagerJms: 5672,
    efs: 2049,
    oracle: 1521,
} as const;
