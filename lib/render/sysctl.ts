/**
 * The node's kernel network settings: WSO2's production OS recommendations (WSO2 performance-tuning
 * guide, "Network and OS level performance tuning") that still exist on Amazon Linux 2023's kernel
 * 6.1, written to /etc/sysctl.d so systemd-sysctl applies them at every start; the boot script also
 * applies the file, because on the first start cloud-init writes it after systemd-sysctl has run.
 */
import { PORTS } from "../wso2-ports";
import { WEBSOCKET_PORTS } from "./deployment-toml";

export const SYSCTL_FILE = "/etc/sysctl.d/90-wso2-apim.conf";

/**
 * The ports WSO2 API Manager 3.1.0 listens on (pack default.json and carbon defaults, offset 0):
 * reserved so that no outgoing connection takes one of them as its ephemeral port.
 */
export const WSO2_LISTEN_PORTS = [
    PORTS.trafficManagerJms, // AMQP broker
    7611, 7711, // Thrift event receivers
    8672, // AMQP over TLS
    8280, PORTS.gatewayHttps, // gateway HTTP/HTTPS
    WEBSOCKET_PORTS.wss, WEBSOCKET_PORTS.ws,
    PORTS.management, 9763, // management HTTPS/HTTP
    PORTS.trafficManagerBinary, PORTS.trafficManagerBinaryAuth,
    9999, 11111, // JMX RMI registry and server
].sort((a, b) => a - b);

/** WSO2 advises a wider ephemeral range with a lower bound of about 10000, clear of its own ports. */
export const LOCAL_PORT_RANGE = { first: 10000, last: 65535 } as const;

export function renderSysctlConf(): string {
    const settings: [string, string | number][] = [
        // Kernel 6.1 ip-sysctl: tcp_fin_timeout (default 60) and tcp_tw_reuse (default 2, loopback
        // only). WSO2's tcp_tw_recycle is left out: Linux 4.12 removed it.
        ["net.ipv4.tcp_fin_timeout", 30],
        ["net.ipv4.tcp_tw_reuse", 1],
        ["net.core.rmem_default", 524288],
        ["net.core.wmem_default", 524288],
        ["net.core.rmem_max", 67108864],
        ["net.core.wmem_max", 67108864],
        ["net.ipv4.tcp_rmem", "4096 87380 16777216"],
        ["net.ipv4.tcp_wmem", "4096 65536 16777216"],
        ["net.ipv4.ip_local_port_range", `${LOCAL_PORT_RANGE.first} ${LOCAL_PORT_RANGE.last}`],
        ["net.ipv4.ip_local_reserved_ports", WSO2_LISTEN_PORTS.join(",")],
        // WSO2's fs.file-max is left out: systemd's PID 1 (since 240; systemd/systemd#12808) raises it
        // to the kernel maximum at every start, and the wso2am unit sets its own LimitNOFILE.
    ];
    return `# Rendered by wso2-apim-multi-dc: WSO2 API Manager production network settings.\n${settings.map(([key, value]) => `${key} = ${value}`).join("\n")}\n`;
}
