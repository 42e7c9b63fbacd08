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
    /** HTTP methods (http-request-method condition); absent: any method. */
    methods?: string[];
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
 */
export const MANAGEMENT_PUBLIC_PATHS = [
    "/publisher*", "/devportal*", "/admin*",
    "/api/am/*", "/client-registration/*", "/api/identity/*",
    "/oauth2/*", "/oidc/*", "/commonauth*",
    "/authenticationendpoint/*", "/logincontext*", "/accountrecoveryendpoint/*",
    MANAGEMENT_HEALTH_PATH,
] as const;

/**
 * Dot segments: Tomcat normalises `/publisher/../services/` to `/services/` after the ALB has
 * matched `/publisher*`, so such paths are refused first. (A path pattern takes A-Z a-z 0-9
 * `_-.$/~"'@:+&*?` only, ELB User Guide "Path conditions": `%2e` cannot be written; docs/artifacts.md.)
 */
export const TRAVERSAL_PATHS = ["*..*"] as const;

/**
 * Where the Publisher and the Admin Portal change what every DC serves and enforces: the Publisher
 * REST API v1 (every write of the 3.1.0 Publisher app goes through it), the Admin REST API and the
 * Admin Portal, which in 3.1.0 is still the Jaggery app `admin` (product-apim v3.1.0 bin.xml) that
 * writes throttling policies through its own pages. In a DC that is not design-time active they
 * answer GET and HEAD only (docs/artifacts.md § Promotion).
 */
export const DESIGN_TIME_WRITE_PATHS = ["/api/am/publisher/*", "/api/am/admin/*", "/admin*"] as const;
/** What a passive DC still answers on those paths. */
export const READ_METHODS = ["GET", "HEAD"] as const;
/** The passive DC's answer to a write there (ALB fixed-response message: at most 1024 characters). */
export const READ_ONLY_MESSAGE = "This datacenter is not the design-time active one: its Publisher and Admin Portal are read-only until it is promoted (designTimeActive).";

/**
 * ALB rule limits (ELB User Guide, "Condition types for listener rules"): at most 3 values per
 * condition, 5 per rule, 5 wildcards per rule; a path pattern is at most 128 characters
 * (CloudFormation PathPatternConfig), case-sensitive, `*` any run of characters, `?` one.
 */
export const ALB_LIMITS = { valuesPerCondition: 3, valuesPerRule: 5, wildcardsPerRule: 5, pathPatternLength: 128 } as const;

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
    // A path and two methods per read rule (5 values), then every other method on the three paths.
    const readOnly: ListenerRuleSpec[] = designTimeActive ? [] : [
        ...DESIGN_TIME_WRITE_PATHS.map((p, i): ListenerRuleSpec =>
            ({ priority: 2 + i, role: `design-time-read-${i + 1}`, hosts: managementHosts, paths: [p], methods: [...READ_METHODS], target: "management" })),
        { priority: 2 + DESIGN_TIME_WRITE_PATHS.length, role: "design-time-writes", hosts: managementHosts, paths: [...DESIGN_TIME_WRITE_PATHS], target: "read-only" },
    ];
    const gateway: ListenerRuleSpec = { priority: 10, role: "gateway-hosts", hosts: gatewayHosts, paths: [], target: "gateway" };
    const management = chunks(MANAGEMENT_PUBLIC_PATHS, ALB_LIMITS.valuesPerCondition).map((paths, i): ListenerRuleSpec =>
        ({ priority: 20 + i, role: `management-paths-${i + 1}`, hosts: managementHosts, paths, target: "management" }));
    const rules = [traversal, ...readOnly, gateway, ...management];
    for (const rule of rules) {
        const values = rule.hosts.length + rule.paths.length + (rule.methods?.length ?? 0);
        if (values > ALB_LIMITS.valuesPerRule || wildcards([...rule.hosts, ...rule.paths]) > ALB_LIMITS.wildcardsPerRule
            || rule.hosts.length > ALB_LIMITS.valuesPerCondition || rule.paths.length > ALB_LIMITS.valuesPerCondition
            || (rule.methods?.length ?? 0) > ALB_LIMITS.valuesPerCondition
            || rule.paths.some((p) => p.length > ALB_LIMITS.pathPatternLength)) {
            throw new Error(`listener rule ${rule.role} exceeds the ALB rule limits`);
        }
    }
    return rules;
}
