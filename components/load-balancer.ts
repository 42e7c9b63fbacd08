import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { accessLogPrincipal } from "../lib/elb-log-delivery";
import { Hostnames } from "../lib/config";
import { ListenerTarget, MANAGEMENT_HEALTH_PATH, publicListenerRules, READ_ONLY_MESSAGE } from "../lib/listener-rules";
import { PORTS } from "../lib/wso2-ports";
import { PrivateBucket } from "./private-bucket";

/** TLS 1.2 and 1.3 only; the API default policy still accepts TLS 1.0. */
export const TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";
/** WSO2 gateway health endpoint (answers on the gateway port). */
export const GATEWAY_HEALTH_PATH = "/services/Version";
/** WSO2 management console login page (answers on 9443); the public listener forwards this path only. */
export { MANAGEMENT_HEALTH_PATH };

export interface LoadBalancerArgs {
    region: string;
    vpcId: pulumi.Input<string>;
    publicSubnetIds: pulumi.Input<string>[];
    securityGroupId: pulumi.Input<string>;
    hostnames: Hostnames;
    /** This DC is design-time active: else its Publisher and Admin Portal answer reads only (lib/listener-rules.ts). */
    designTimeActive: boolean;
    /** An existing ACM certificate, or the public zone to validate a new one in. */
    certificate: { arn: string } | { zoneId: pulumi.Input<string> };
    /** The VPC's internet gateway and public default route: an internet-facing ALB needs them first. */
    internetAccess: pulumi.Resource[];
}

/**
 * The region's internet-facing ALB: HTTPS only (HTTP redirects), host-based routing of the
 * gateway names to the gateway port and, for the Publisher/Portal names, only the paths users
 * need to 9443 with sticky sessions (WSO2 keeps Publisher and Portal sessions in node memory):
 * WSO2's admin services (`/services/*` on 9443) are never forwarded (lib/listener-rules.ts).
 * Access logs go to a bucket this component owns.
 */
export class LoadBalancer extends pulumi.ComponentResource {
    readonly dnsName: pulumi.Output<string>;
    readonly zoneId: pulumi.Output<string>;
    readonly gatewayTargetGroupArn: pulumi.Output<string>;
    readonly managementTargetGroupArn: pulumi.Output<string>;
    /** CloudWatch dimensions: the ALB's `app/<name>/<id>` and each target group's `targetgroup/<name>/<id>`. */
    readonly arnSuffix: pulumi.Output<string>;
    readonly gatewayTargetGroupArnSuffix: pulumi.Output<string>;
    readonly managementTargetGroupArnSuffix: pulumi.Output<string>;
    readonly accessLogBucket: pulumi.Output<string>;

    constructor(name: string, args: LoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("wso2-apim:lb:LoadBalancer", name, {}, opts);
        const child = { parent: this };

        const logs = this.accessLogBucketFor(name, args.region);
        const certificateArn = "arn" in args.certificate
            ? pulumi.output(args.certificate.arn)
            : this.validatedCertificate(name, args.hostnames, args.certificate.zoneId);

        const alb = new aws.lb.LoadBalancer(`${name}-alb`, {
            loadBalancerType: "application",
            internal: false,
            subnets: args.publicSubnetIds,
            securityGroups: [args.securityGroupId],
            dropInvalidHeaderFields: true,
            enableDeletionProtection: true,
            idleTimeout: 60,
            accessLogs: { bucket: logs.bucket.bucket, prefix: name, enabled: true },
        // Without the gateway ELBv2 answers "InvalidSubnet: VPC ... has no internet gateway"
        // (CloudFormation User Guide, DependsOn: load balancers need the VPC-gateway attachment).
        }, { ...child, dependsOn: [logs.policy, ...args.internetAccess] });

        const targetGroup = (role: string, port: number, healthPath: string, sticky: boolean) =>
            new aws.lb.TargetGroup(`${name}-${role}`, {
                vpcId: args.vpcId,
                targetType: "instance",
                port,
                protocol: "HTTPS",
                deregistrationDelay: 30,
                healthCheck: {
                    protocol: "HTTPS",
                    port: "traffic-port",
                    path: healthPath,
                    matcher: "200",
                    interval: 15,
                    healthyThreshold: 2,
                    unhealthyThreshold: 3,
                    timeout: 5,
                },
                stickiness: sticky
                    ? { type: "lb_cookie", enabled: true, cookieDuration: 28800 }
                    : { type: "lb_cookie", enabled: false },
            }, child);
        const gateway = targetGroup("gateway", PORTS.gatewayHttps, GATEWAY_HEALTH_PATH, false);
        const management = targetGroup("management", PORTS.management, MANAGEMENT_HEALTH_PATH, true);

        new aws.lb.Listener(`${name}-http`, {
            loadBalancerArn: alb.arn,
            port: 80,
            protocol: "HTTP",
            defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
        }, child);
        const https = new aws.lb.Listener(`${name}-https`, {
            loadBalancerArn: alb.arn,
            port: 443,
            protocol: "HTTPS",
            sslPolicy: TLS_POLICY,
            certificateArn,
            // Unknown hosts and every path of the Publisher/Portal names not listed in the rules.
            defaultActions: [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "404", messageBody: "Not found" } }],
        }, child);

        const targets = { gateway, management };
        const action = (target: ListenerTarget): aws.types.input.lb.ListenerRuleAction => {
            switch (target) {
                case "refuse":
                    return { type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "404", messageBody: "Not found" } };
                case "read-only":
                    return { type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "403", messageBody: READ_ONLY_MESSAGE } };
                default:
                    return { type: "forward", targetGroupArn: targets[target].arn };
            }
        };
        for (const rule of publicListenerRules(args.hostnames, args.designTimeActive)) {
            new aws.lb.ListenerRule(`${name}-${rule.role}`, {
                listenerArn: https.arn,
                priority: rule.priority,
                conditions: [
                    { hostHeader: { values: rule.hosts } },
                    ...(rule.paths.length > 0 ? [{ pathPattern: { values: rule.paths } }] : []),
                    ...(rule.pathRegex ? [{ pathPattern: { regexValues: rule.pathRegex } }] : []),
                    ...(rule.methods ? [{ httpRequestMethod: { values: rule.methods } }] : []),
                    ...(rule.query ? [{ queryStrings: rule.query }] : []),
                    ...(rule.header ? [{ httpHeader: { httpHeaderName: rule.header.name, values: rule.header.values } }] : []),
                ],
                actions: [action(rule.target)],
            }, child);
        }

        this.dnsName = alb.dnsName;
        this.zoneId = alb.zoneId;
        this.gatewayTargetGroupArn = gateway.arn;
        this.managementTargetGroupArn = management.arn;
        this.arnSuffix = alb.arnSuffix;
        this.gatewayTargetGroupArnSuffix = gateway.arnSuffix;
        this.managementTargetGroupArnSuffix = management.arnSuffix;
        this.accessLogBucket = logs.bucket.bucket;
        this.registerOutputs({ dnsName: this.dnsName, zoneId: this.zoneId, accessLogBucket: this.accessLogBucket });
    }

    /** Encrypted, private bucket that the region's load balancers may write access logs to (lib/elb-log-delivery.ts). */
    private accessLogBucketFor(name: string, region: string): PrivateBucket {
        const principal = accessLogPrincipal(region);
        return new PrivateBucket(`${name}-access-logs`, {
            encryption: "AES256",
            versioning: false,
            expireAfterDays: 365,
            stateful: true,
            grants: (bucketArn) => pulumi.output(bucketArn).apply((arn) => [
                { Sid: "AlbAccessLogs", Effect: "Allow", Principal: principal, Action: "s3:PutObject", Resource: `${arn}/${name}/*` },
            ]),
        }, { parent: this });
    }

    /**
     * An ACM certificate for the four names, validated through the public zone. The validation
     * CNAMEs are the same for every region of an account, so each stack may overwrite and keeps
     * them on destroy: the other region's certificate renews from the same records.
     */
    private validatedCertificate(name: string, hostnames: Hostnames, zoneId: pulumi.Input<string>): pulumi.Output<string> {
        const child = { parent: this };
        const names = [hostnames.gateway, hostnames.portal, hostnames.regionalGateway, hostnames.regionalPortal];
        const certificate = new aws.acm.Certificate(`${name}-cert`, {
            domainName: names[0],
            subjectAlternativeNames: names.slice(1),
            validationMethod: "DNS",
        }, child);
        const records = names.map((_, i) => {
            const option = certificate.domainValidationOptions[i];
            return new aws.route53.Record(`${name}-cert-validation-${i + 1}`, {
                zoneId,
                name: option.resourceRecordName,
                type: option.resourceRecordType,
                records: [option.resourceRecordValue],
                ttl: 300,
                allowOverwrite: true,
            }, { ...child, retainOnDelete: true });
        });
        const validation = new aws.acm.CertificateValidation(`${name}-cert`, {
            certificateArn: certificate.arn,
            validationRecordFqdns: records.map((r) => r.fqdn),
        }, child);
        return validation.certificateArn;
    }
}
