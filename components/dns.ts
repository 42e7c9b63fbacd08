import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DnsPlanInput, HEALTH_CHECK, planDns, PlannedRecord } from "../lib/dns/plan";

export interface GlobalDnsArgs {
    /** The validated deployment config; `self` is the datacenter this stack deploys. */
    config: DnsPlanInput;
    /** The public hosted zone every stack writes its records into. */
    zoneId: pulumi.Input<string>;
    /** This region's ALB, the alias target of every record that ends at this datacenter. */
    loadBalancer: { dnsName: pulumi.Input<string>; zoneId: pulumi.Input<string> };
}

/**
 * This datacenter's share of the global names (lib/dns/plan.ts, docs/dns.md): the gateway's
 * geolocation records and failover pair, its member of the nearest-region and Publisher/Portal
 * latency sets, its regional names, and the Route 53 health checks that judge it.
 */
export class GlobalDns extends pulumi.ComponentResource {
    readonly regionalGatewayName: string;
    readonly regionalPortalName: string;
    readonly gatewayHealthCheckId: pulumi.Output<string>;
    /** Undefined when this datacenter neither serves nor stands by for the Publisher/Portal. */
    readonly portalHealthCheckId: pulumi.Output<string> | undefined;

    constructor(name: string, args: GlobalDnsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("wso2-apim:dns:GlobalDns", name, {}, opts);
        const plan = planDns(args.config);
        const declared = new Map<string, aws.route53.Record[]>();

        const checks = new Map<string, aws.route53.HealthCheck>();
        const healthCheck = (key: string): aws.route53.HealthCheck => {
            const planned = plan.healthChecks.find((check) => check.key === key);
            if (!planned) throw new Error(`DNS plan: no health check ${key}`);
            if (!checks.has(key)) {
                // After the name it resolves exists, so the check does not start on NXDOMAIN.
                checks.set(key, new aws.route53.HealthCheck(`${name}-${key}`, {
                    ...HEALTH_CHECK,
                    fqdn: planned.fqdn,
                    resourcePath: planned.resourcePath,
                    tags: { Name: `${planned.fqdn}${planned.resourcePath}` },
                }, { parent: this, dependsOn: declared.get(planned.fqdn) }));
            }
            return checks.get(key)!;
        };

        for (const planned of plan.records) {
            // Route 53 rejects an alias whose target name does not exist yet: wait for our own member.
            const targets = planned.target.kind === "record" ? declared.get(planned.target.name) : undefined;
            if (planned.target.kind === "record" && !targets) {
                throw new Error(`DNS plan: ${planned.key} aliases ${planned.target.name}, which this stack does not declare before it`);
            }
            const record = new aws.route53.Record(`${name}-${planned.key}`, {
                zoneId: args.zoneId,
                name: planned.name,
                type: "A",
                setIdentifier: planned.setIdentifier,
                aliases: [{
                    ...(planned.target.kind === "loadBalancer"
                        ? { name: args.loadBalancer.dnsName, zoneId: args.loadBalancer.zoneId }
                        : { name: planned.target.name, zoneId: args.zoneId }),
                    evaluateTargetHealth: true,
                }],
                healthCheckId: planned.healthCheck ? healthCheck(planned.healthCheck).id : undefined,
                ...routingArgs(planned),
            }, { parent: this, dependsOn: targets });
            declared.set(planned.name, [...(declared.get(planned.name) ?? []), record]);
        }

        this.regionalGatewayName = args.config.hostnames.regionalGateway;
        this.regionalPortalName = args.config.hostnames.regionalPortal;
        this.gatewayHealthCheckId = healthCheck("gateway-health").id;
        this.portalHealthCheckId = checks.get("portal-health")?.id;
        this.registerOutputs({
            gatewayHealthCheckId: this.gatewayHealthCheckId,
            portalHealthCheckId: this.portalHealthCheckId,
        });
    }
}

function routingArgs(planned: PlannedRecord): Partial<aws.route53.RecordArgs> {
    const routing = planned.routing;
    switch (routing.policy) {
        case "simple":
            return {};
        case "geolocation":
            return { geolocationRoutingPolicies: [routing.location] };
        case "failover":
            return { failoverRoutingPolicies: [{ type: routing.role }] };
        case "latency":
            return { latencyRoutingPolicies: [{ region: routing.region }] };
    }
}
