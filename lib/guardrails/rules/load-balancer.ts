/** The internet-facing ALB: modern TLS only, HTTP only to redirect, clean headers, logs, no accidental delete. */
import { asList, isRecord } from "../inputs";
import { GuardedResource, ResourceRule, StackRule, Violation } from "../model";
import { TYPES } from "../types";

/** ELB policies whose minimum is TLS 1.2 or 1.3: `…-TLS13-1-2-…`, `…-TLS-1-2-…`, `…-FS-1-2-…`. */
const TLS12_OR_LATER = /^ELBSecurityPolicy-(?:TLS13|TLS|FS)-1-[23]-/;

export const tlsPolicy: ResourceRule = {
    kind: "resource",
    id: "WSO2-LB-001",
    title: "HTTPS listeners set a TLS 1.2+ security policy",
    rationale: "Without one the listener gets ELBSecurityPolicy-2016-08, which still accepts TLS 1.0 and 1.1.",
    severity: "mandatory",
    fix: `set sslPolicy explicitly, e.g. "ELBSecurityPolicy-TLS13-1-2-2021-06"`,
    equivalents: { checkov: ["CKV_AWS_103"] },
    types: [TYPES.listener],
    check(resource) {
        const { protocol, sslPolicy } = resource.inputs;
        if (protocol !== "HTTPS" && protocol !== "TLS") return [];
        if (sslPolicy === undefined) return ["no TLS policy set: the API default accepts TLS 1.0"];
        return TLS12_OR_LATER.test(String(sslPolicy)) ? [] : [`TLS policy ${String(sslPolicy)} accepts versions before TLS 1.2`];
    },
};

function isHttpsRedirect(action: unknown): boolean {
    return isRecord(action) && action.type === "redirect" && isRecord(action.redirect) && action.redirect.protocol === "HTTPS";
}

export const httpOnlyRedirects: StackRule = {
    kind: "stack",
    id: "WSO2-LB-002",
    title: "HTTP listeners only redirect to HTTPS",
    rationale: "Tokens and credentials travel in API calls; nothing may be served over plain HTTP.",
    severity: "mandatory",
    fix: `give the HTTP listener one default action {type: "redirect", redirect: {protocol: "HTTPS", port: "443", statusCode: "HTTP_301"}} and no other rules`,
    equivalents: { checkov: ["CKV_AWS_2"] },
    check(view) {
        const httpListeners = view.ofType(TYPES.listener).filter((listener) => listener.inputs.protocol === "HTTP");
        const onHttp = (rule: GuardedResource) => httpListeners.some((l) => view.resolve(rule.inputs.listenerArn, TYPES.listener)?.urn === l.urn);
        const listenerViolations = httpListeners
            .filter((listener) => {
                const actions = asList(listener.inputs.defaultActions);
                return actions.length === 0 || !actions.every(isHttpsRedirect);
            })
            .map((resource): Violation => ({ resource, message: "HTTP listener serves traffic instead of redirecting to HTTPS" }));
        const ruleViolations = view.ofType(TYPES.listenerRule)
            .filter((rule) => onHttp(rule) && !asList(rule.inputs.actions).every(isHttpsRedirect))
            .map((resource): Violation => ({ resource, message: "listener rule on an HTTP listener serves traffic instead of redirecting to HTTPS" }));
        return [...listenerViolations, ...ruleViolations];
    },
};

function isApplicationLoadBalancer(resource: GuardedResource): boolean {
    const type = resource.inputs.loadBalancerType;
    return type === undefined || type === "application";
}

export const dropInvalidHeaders: ResourceRule = {
    kind: "resource",
    id: "WSO2-LB-003",
    title: "The ALB drops invalid header fields",
    rationale: "Headers that are not valid HTTP are a request-smuggling vector towards the WSO2 gateway.",
    severity: "mandatory",
    fix: "set dropInvalidHeaderFields = true",
    equivalents: { checkov: ["CKV_AWS_131"] },
    types: [TYPES.loadBalancer],
    check(resource) {
        return !isApplicationLoadBalancer(resource) || resource.inputs.dropInvalidHeaderFields === true ? [] : ["invalid header fields not dropped"];
    },
};

export const accessLogs: ResourceRule = {
    kind: "resource",
    id: "WSO2-LB-004",
    title: "The load balancer writes access logs",
    rationale: "Access logs are the record of who called which API from where, for incidents and audits.",
    severity: "mandatory",
    fix: "set accessLogs = { bucket, prefix, enabled: true } with a bucket the region's ELB account may write to",
    equivalents: { checkov: ["CKV_AWS_91"], cdkNag: ["AwsSolutions-ELB2"] },
    types: [TYPES.loadBalancer],
    check(resource) {
        const logs = resource.inputs.accessLogs;
        return isRecord(logs) && logs.enabled === true && typeof logs.bucket === "string" && logs.bucket !== "" ? [] : ["access logs off"];
    },
};

export const lbDeletionProtection: ResourceRule = {
    kind: "resource",
    id: "WSO2-LB-005",
    title: "Load balancer deletion protection is on",
    rationale: "Every DNS record of the region aliases the ALB; deleting it takes the region out of service.",
    severity: "mandatory",
    fix: "set enableDeletionProtection = true",
    equivalents: { checkov: ["CKV_AWS_150"] },
    types: [TYPES.loadBalancer],
    check(resource) {
        return resource.inputs.enableDeletionProtection === true ? [] : ["deletion protection off"];
    },
};
