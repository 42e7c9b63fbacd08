/**
 * Which Route 53 records and health checks one stack declares (docs/dns.md explains why this
 * construction is correct). Pure: the GlobalDns component turns the plan into resources, the
 * tests read it directly.
 *
 * Every stack builds only on names it holds a record of itself, so any stack can be deployed or
 * destroyed first, or alone. Per datacenter `dc`:
 *
 *   gateway.<zone>                  geolocation, one per location dc claims → gateway-failover-<dc>
 *   gateway-failover-<dc>.<zone>    failover PRIMARY → dc's ALB (gateway health check)
 *                                   failover SECONDARY → gateway-nearest
 *   gateway-nearest.<zone>          latency, one per datacenter → its ALB (gateway health check)
 *   apim.<zone>                     latency, active and standby each → apim-active-<active>
 *   apim-active-<active>.<zone>     failover PRIMARY by the active DC → its ALB, SECONDARY by
 *                                   the standby DC → its ALB (management health checks)
 *   gateway-<region>.<zone>, apim-<region>.<zone>   simple → dc's ALB (the health checks request them)
 */
import { GATEWAY_HEALTH_PATH, MANAGEMENT_HEALTH_PATH } from "../../components/load-balancer";
import { DeploymentConfig, Datacenter } from "../config";
import { formatGeoLocation, GeoLocation } from "../geo";
import { GeolocationSpec, Routing } from "./model";

/**
 * Route 53 health check settings: HTTPS through the ALB (port 443) with the region's own name as
 * Host and SNI, so the ALB's host rules and certificate apply. 10 s × 3 failures ≈ 30 s to detect.
 */
export const HEALTH_CHECK = { type: "HTTPS", port: 443, requestInterval: 10, failureThreshold: 3, enableSni: true } as const;

export type PlannedTarget = { kind: "loadBalancer" } | { kind: "record"; name: string };

export interface PlannedHealthCheck {
    /** Resource name suffix; records refer to the check by it. */
    key: string;
    fqdn: string;
    resourcePath: string;
}

export interface PlannedRecord {
    /** Resource name suffix. */
    key: string;
    name: string;
    routing: Routing;
    setIdentifier?: string;
    /** Always an alias that evaluates its target's health. */
    target: PlannedTarget;
    /** Key of a planned health check. */
    healthCheck?: string;
}

export interface DnsPlan {
    healthChecks: PlannedHealthCheck[];
    /** In creation order: every alias target name is declared before the records aliasing it. */
    records: PlannedRecord[];
}

export type DnsPlanInput = Pick<DeploymentConfig, "datacenters" | "self" | "designTimeActive" | "dns" | "hostnames">;

/** Internal names of the construction (never handed to clients: aliases answer with addresses). */
export function dnsNames(zoneName: string) {
    return {
        gatewayFailover: (dc: Datacenter) => `gateway-failover-${dc.id.toLowerCase()}.${zoneName}`,
        gatewayNearest: `gateway-nearest.${zoneName}`,
        portalActive: (active: Datacenter) => `apim-active-${active.id.toLowerCase()}.${zoneName}`,
    };
}

/**
 * The datacenter that takes Publisher/Portal traffic when the active one is down: the first other
 * datacenter by index. Route 53 allows one SECONDARY per failover name, so it is only one.
 */
export function portalStandby(config: Pick<DeploymentConfig, "datacenters" | "designTimeActive">): Datacenter | undefined {
    return config.datacenters.find((dc) => dc.id !== config.designTimeActive.id);
}

export function planDns(config: DnsPlanInput): DnsPlan {
    const { self, hostnames } = config;
    const names = dnsNames(config.dns.zoneName);
    const id = self.id.toLowerCase();
    const alb: PlannedTarget = { kind: "loadBalancer" };
    const healthChecks: PlannedHealthCheck[] = [
        { key: "gateway-health", fqdn: hostnames.regionalGateway, resourcePath: GATEWAY_HEALTH_PATH },
    ];

    const records: PlannedRecord[] = [
        // The region's direct names: operators use them, and the health checks request them.
        { key: "gateway-regional", name: hostnames.regionalGateway, routing: { policy: "simple" }, target: alb },
        { key: "portal-regional", name: hostnames.regionalPortal, routing: { policy: "simple" }, target: alb },
        // Nearest healthy region: where this DC's clients go when it is down.
        {
            key: "gateway-nearest",
            name: names.gatewayNearest,
            routing: { policy: "latency", region: self.region },
            setIdentifier: id,
            target: alb,
            healthCheck: "gateway-health",
        },
        {
            key: "gateway-primary",
            name: names.gatewayFailover(self),
            routing: { policy: "failover", role: "PRIMARY" },
            setIdentifier: `${id}-primary`,
            target: alb,
            healthCheck: "gateway-health",
        },
        {
            key: "gateway-secondary",
            name: names.gatewayFailover(self),
            routing: { policy: "failover", role: "SECONDARY" },
            setIdentifier: `${id}-secondary`,
            target: { kind: "record", name: names.gatewayNearest },
        },
        ...self.gatewayLocations.map((location): PlannedRecord => ({
            key: `gateway-geo-${locationSlug(location)}`,
            name: hostnames.gateway,
            routing: { policy: "geolocation", location: geolocationSpec(location) },
            setIdentifier: `${id}-${locationSlug(location)}`,
            target: { kind: "record", name: names.gatewayFailover(self) },
        })),
    ];

    const role = self.id === config.designTimeActive.id ? "PRIMARY" : self.id === portalStandby(config)?.id ? "SECONDARY" : null;
    if (role) {
        healthChecks.push({ key: "portal-health", fqdn: hostnames.regionalPortal, resourcePath: MANAGEMENT_HEALTH_PATH });
        const active = names.portalActive(config.designTimeActive);
        records.push(
            {
                key: role === "PRIMARY" ? "portal-primary" : "portal-secondary",
                name: active,
                routing: { policy: "failover", role },
                setIdentifier: `${id}-${role.toLowerCase()}`,
                target: alb,
                healthCheck: "portal-health",
            },
            {
                key: "portal-latency",
                name: hostnames.portal,
                routing: { policy: "latency", region: self.region },
                setIdentifier: id,
                target: { kind: "record", name: active },
            },
        );
    }
    return { healthChecks, records };
}

/** Route 53's GeoLocation for a config location. */
export function geolocationSpec(location: GeoLocation): GeolocationSpec {
    switch (location.kind) {
        case "default":
            return { country: "*" };
        case "continent":
            return { continent: location.code };
        case "country":
            return { country: location.code };
        case "state":
            return { country: "US", subdivision: location.code };
    }
}

/** `state:NY` → `state-ny`, `*` → `default`: usable in resource names and set identifiers. */
function locationSlug(location: GeoLocation): string {
    return location.kind === "default" ? "default" : formatGeoLocation(location).replace(":", "-").toLowerCase();
}
