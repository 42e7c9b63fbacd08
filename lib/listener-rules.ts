/**
 * The public HTTPS listener's rules, as data: which (host, path) the ALB forwards to the gateway
 * port, which to the management port (9443), and which it refuses. Pure, so the rule set can be
 * evaluated in a test without a load balancer.
 *
 * WSO2's SOAP admin services answer under `/services/` on 9443 (user store admin, gateway admin,
 * the throttling policy deployer, …); WSO2's security guidelines keep them off the internet. So the
 * Publisher/Portal names forward only the paths users need, and never `/services/*`.
 */
import { Hostnames } from "./config";

export type ListenerTarget = "gateway" | "management" | "refuse" | "read-only";

export interface ListenerRuleSpec {
    /** Unique per listener (ELB CreateRule: a priority already in use is refused, PriorityInUse). */
    priority: number;
    /** Resource name suffix. */
    role: string;
    hosts: string[];
    /** Empty: any path. */
    paths: string[];
    /**
     * Regular expressions against the path (path-pattern RegexValues, ELB API Reference
     * PathPatternConditionConfig: each at most 128 characters; `values` and `regexValues` conflict,
     * so a rule has one or the other, @pulumi/aws ListenerRuleConditionPathPattern).
     */
    pathRegex?: string[];
    /** HTTP methods (http-request-method condition); absent: any method. */
    methods?: string[];
    /** Query-string key/value patterns (query-string condition; one matching pair is enough); absent: any query. */
    query?: { key: string; value: string }[];
    /** A header and its value patterns (http-header condition); absent: any headers. */
    header?: { name: string; values: string[] };
    target: ListenerTarget;
}

/** WSO2 management console login page: Route 53 checks the regional Portal name with it (lib/dns/plan.ts). */
export const MANAGEMENT_HEALTH_PATH = "/carbon/admin/login.jsp";

/**
 * What users of the Publisher, Developer Portal and Admin Portal need on 9443, from the 3.1.0 pack
 * (product-apim v3.1.0 modules/distribution/product/src/main/assembly/bin.xml):
 * the jaggery apps `publisher`, `devportal`, `admin`; the REST API wars `api#am#publisher`,
 * `api#am#store`, `api#am#admin` (`/api/am/…`); `oauth2.war` (authorize, token, revoke, jwks) and the
 * login flow (`/commonauth`, `/authenticationendpoint`, `/logincontext`, `/oidc/logout`);
 * `client-registration#v0.16.war` (the apps register themselves); `api#identity#*` (self sign-up and
 * account recovery, with `/accountrecoveryendpoint`); and the Route 53 health path, exactly.
 *
 * Under `/api/am/` the v3.1.0 pack serves exactly `api#am#store(#v0.16).war`, `api#am#publisher(#v0.16).war`
 * and `api#am#admin#v0.16.war` (bin.xml L637-678), each listed by its own prefix: a catch-all
 * `/api/am/*` also matched `/api/am/publisher;x/v1/apis`, which the passive DC's
 * `/api/am/publisher/*` rules do not match and Tomcat serves as `/api/am/publisher/v1/apis` (it
 * strips `;` path parameters before mapping the request).
 */
export const MANAGEMENT_PUBLIC_PATHS = [
    "/publisher*", "/devportal*", "/admin*",
    "/api/am/store/*", "/api/am/publisher/*", "/api/am/admin/*",
    "/client-registration/*", "/api/identity/*",
    "/oauth2/*", "/oidc/*", "/commonauth*",
    "/authenticationendpoint/*", "/logincontext*", "/accountrecoveryendpoint/*",
    MANAGEMENT_HEALTH_PATH,
] as const;

/**
 * Dot segments: Tomcat normalises `/publisher/../services/` to `/services/` after the ALB has
 * matched `/publisher*`, so such paths are refused first. (A path pattern takes A-Z a-z 0-9
 * `_-.$/~"'@:+&*?` only, ELB User Guide "Path conditions": `%2e` is refused by ENCODED_DOT_PATH_REGEX.)
 */
export const TRAVERSAL_PATHS = ["*..*"] as const;
/**
 * Percent-encoded dots (`%2e`, `%2E`, in any mix with literal dots: `/api/am/store/%2e%2e/publisher/…`,
 * `/publisher/.%2e/api/am/admin/…`): Tomcat decodes them and then normalises the dot segments
 * (CoyoteAdapter.postParseRequest), after the ALB has matched an open prefix. A wildcard path
 * pattern cannot hold `%`, but a path-pattern condition takes regular expressions (RegexValues,
 * ELB API Reference PathPatternConditionConfig; ELB User Guide "Listener rules": no lookaheads,
 * lookbehinds, backreferences, atomic groups, possessive quantifiers, recursion or Unicode classes).
 * The ELB documentation says neither whether a regular expression must match the whole path or a
 * part of it (`.*` on both sides matches either way) nor whether the path is compared before or
 * after percent-decoding: compared before, this expression refuses it; after, `%2e` is a dot and
 * TRAVERSAL_PATHS does. No user-facing path of the pack holds an encoded dot, so every DC refuses
 * them (not only the passive one). An encoded slash alone is not a dot segment and is not refused here.
 */
export const ENCODED_DOT_PATH_REGEX = [".*%2[eE].*"] as const;

/**
 * Where the Publisher and the Admin Portal change what every DC serves and enforces: the Publisher
 * REST API v1 (every write of the 3.1.0 Publisher app goes through it), the Admin REST API and the
 * Admin Portal, which in 3.1.0 is still the Jaggery app `admin` (product-apim v3.1.0 bin.xml) that
 * writes throttling policies through its own pages. In a DC that is not design-time active they
 * answer GET and HEAD only (docs/artifacts.md § Promotion).
 */
export const DESIGN_TIME_WRITE_PATHS = ["/api/am/publisher/*", "/api/am/admin/*", "/admin*"] as const;
/**
 * The CXF REST APIs among them (`api#am#publisher`, `api#am#admin`: jaxrs:server endpoints). CXF's
 * `RequestPreprocessor.handleMethod`, which `JAXRSServerFactoryBean` installs for every jaxrs:server,
 * replaces the request's method with the `_method` query parameter or, without one, a single
 * `X-HTTP-Method-Override` header (apache/cxf `rt/frontend/jaxrs/.../impl/RequestPreprocessor.java`),
 * and WSO2 authorises the method after that (carbon-apimgt 6.6.163 `OAuthAuthenticationInterceptor`,
 * PRE_INVOKE; `WebAppAuthenticatorImpl.java` L164): `GET …/apis/{id}?_method=DELETE` deletes. So
 * a passive DC refuses, on these paths, any request carrying either, whatever its method.
 */
export const METHOD_OVERRIDE_PATHS = ["/api/am/publisher/*", "/api/am/admin/*"] as const;
/**
 * The query keys refused there: `_method` itself, and any key holding a `%` (CXF decodes the key,
 * `%5Fmethod` is `_method`; the ELB documentation does not say whether a query-string condition
 * compares the key before or after decoding, so both spellings are caught). The ALB compares
 * case-insensitively (ELB API Reference, QueryStringConditionConfig), which also catches
 * `_METHOD`, a key CXF would ignore; the Publisher and Admin apps send neither.
 */
export const METHOD_OVERRIDE_QUERY = [{ key: "_method", value: "*" }, { key: "*%*", value: "*" }] as const;
/** CXF's header (RequestPreprocessor.METHOD_HEADER); an ALB compares header names case-insensitively. */
export const METHOD_OVERRIDE_HEADER = "X-HTTP-Method-Override";
/** What a passive DC still answers on those paths. */
export const READ_METHODS = ["GET", "HEAD"] as const;
/** The passive DC's answer to a write there (ALB fixed-response message: at most 1024 characters). */
export const READ_ONLY_MESSAGE = "This datacenter is not the design-time active one: its Publisher and Admin Portal are read-only until it is promoted (designTimeActive).";

/**
 * ALB rule limits (ELB User Guide, "Condition types for listener rules"): at most 3 values per
 * condition, 5 per rule (a query-string key/value pair is one), 5 wildcards per rule; a path pattern
 * is at most 128 characters (CloudFormation PathPatternConfig), case-sensitive, `*` any run of
 * characters, `?` one; a query-string key or value and a header value at most 128 characters
 * (QueryStringConditionConfig, HttpHeaderConditionConfig), a header name at most 40, without
 * wildcards. At most one host-header, path-pattern and http-request-method condition per rule,
 * any number of http-header and query-string conditions (ELB API Reference, RuleCondition). The
 * default quota of 100 rules per ALB (ELB User Guide, "Quotas for your Application Load
 * Balancers") is far above the 16 rules a passive DC has.
 */
export const ALB_LIMITS = { valuesPerCondition: 3, valuesPerRule: 5, wildcardsPerRule: 5, pathPatternLength: 128, headerNameLength: 40, rulesPerLoadBalancer: 100 } as const;

function chunks<T>(items: readonly T[], size: number): T[][] {
    const out: T[][] = [];
    for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
    return out;
}

const wildcards = (values: string[]) => values.reduce((n, v) => n + (v.match(/[*?]/g)?.length ?? 0), 0);

/**
 * The rules of the public 443 listener, lowest priority first; its default action refuses. In a
 * DC that is not design-time active (`designTimeActive` false) the Publisher's and Admin Portal's
 * writes are refused before any forward.
 */
export function publicListenerRules(hostnames: Hostnames, designTimeActive: boolean): ListenerRuleSpec[] {
    const managementHosts = [hostnames.portal, hostnames.regionalPortal];
    const gatewayHosts = [hostnames.gateway, hostnames.regionalGateway];
    // Two hosts leave 3 values per rule for paths.
    const traversal: ListenerRuleSpec = { priority: 1, role: "management-traversal", hosts: managementHosts, paths: [...TRAVERSAL_PATHS], target: "refuse" };
    // Priority 6: free in this release and in the previous one (2-5, 20-24), so creating it never
    // meets a priority an older rule still holds (PriorityInUse).
    const encodedDots: ListenerRuleSpec = { priority: 6, role: "management-encoded-dots", hosts: managementHosts, paths: [], pathRegex: [...ENCODED_DOT_PATH_REGEX], target: "refuse" };
    // Passive DC, in this order: method overrides refused (a path and the two query pairs, or the
    // header: 5 values and 5 wildcards at most); then a path and two methods per read rule (5
    // values); then every other method on the three paths. The priorities are disjoint from the
    // previous release's (2-5, 20-24) for every rule whose place changed, so no rule is created or
    // moved onto a priority another still holds (ELB CreateRule/SetRulePriorities: PriorityInUse).
    const readOnly: ListenerRuleSpec[] = designTimeActive ? [] : [
        ...METHOD_OVERRIDE_PATHS.flatMap((p, i): ListenerRuleSpec[] => [
            { priority: 30 + 2 * i, role: `design-time-override-query-${i + 1}`, hosts: managementHosts, paths: [p], query: METHOD_OVERRIDE_QUERY.map((q) => ({ ...q })), target: "read-only" },
            { priority: 31 + 2 * i, role: `design-time-override-header-${i + 1}`, hosts: managementHosts, paths: [p], header: { name: METHOD_OVERRIDE_HEADER, values: ["*"] }, target: "read-only" },
        ]),
        ...DESIGN_TIME_WRITE_PATHS.map((p, i): ListenerRuleSpec =>
            ({ priority: 35 + i, role: `design-time-read-${i + 1}`, hosts: managementHosts, paths: [p], methods: [...READ_METHODS], target: "management" })),
        { priority: 39, role: "design-time-writes", hosts: managementHosts, paths: [...DESIGN_TIME_WRITE_PATHS], target: "read-only" },
    ];
    const gateway: ListenerRuleSpec = { priority: 10, role: "gateway-hosts", hosts: gatewayHosts, paths: [], target: "gateway" };
    const management = chunks(MANAGEMENT_PUBLIC_PATHS, ALB_LIMITS.valuesPerCondition).map((paths, i): ListenerRuleSpec =>
        ({ priority: 40 + i, role: `management-paths-${i + 1}`, hosts: managementHosts, paths, target: "management" }));
    const rules = [traversal, encodedDots, ...readOnly, gateway, ...management];
    for (const rule of rules) {
        const query = rule.query ?? [];
        const headerValues = rule.header?.values ?? [];
        const regex = rule.pathRegex ?? [];
        const values = rule.hosts.length + rule.paths.length + regex.length + (rule.methods?.length ?? 0) + query.length + headerValues.length;
        const patterns = [...rule.hosts, ...rule.paths, ...query.flatMap((q) => [q.key, q.value]), ...headerValues];
        if (values > ALB_LIMITS.valuesPerRule || wildcards(patterns) > ALB_LIMITS.wildcardsPerRule
            || rule.hosts.length > ALB_LIMITS.valuesPerCondition || rule.paths.length > ALB_LIMITS.valuesPerCondition
            || regex.length > ALB_LIMITS.valuesPerCondition || (regex.length > 0 && rule.paths.length > 0)
            || (rule.methods?.length ?? 0) > ALB_LIMITS.valuesPerCondition || query.length > ALB_LIMITS.valuesPerCondition
            || headerValues.length > ALB_LIMITS.valuesPerCondition
            || (rule.header && (rule.header.name.length > ALB_LIMITS.headerNameLength || /[*?]/.test(rule.header.name)))
            || [...rule.paths, ...regex, ...query.flatMap((q) => [q.key, q.value]), ...headerValues].some((p) => p.length > ALB_LIMITS.pathPatternLength)) {
            throw new Error(`listener rule ${rule.role} exceeds the ALB rule limits`);
        }
    }
    // The refusals come before every forward; the passive DC's rules before every management forward.
    const firstForward = Math.min(...[gateway, ...management].map((r) => r.priority));
    const firstManagement = Math.min(...management.map((r) => r.priority));
    if ([traversal, encodedDots].some((r) => r.priority >= firstForward) || readOnly.some((r) => r.priority >= firstManagement)
        || rules.length > ALB_LIMITS.rulesPerLoadBalancer) {
        throw new Error("the refusals must precede every forward, and the passive DC's read-only rules the management forwards");
    }
    return rules;
}
