import * as assert from "node:assert/strict";
import { ofType, run } from "./harness";
import { RecordedResource } from "../tools/offline/run";
import { knownAfterApply } from "../tools/offline/cloud";
import { READ_ONLY_MESSAGE } from "../lib/listener-rules";

/**
 * A small evaluator of ALB listener-rule semantics (a fake: only what these rules use), per the ELB
 * User Guide, "Listener rules" and "Condition types": rules in ascending priority, the first whose
 * every condition matches decides, else the default action; host-header matches case-insensitively,
 * path-pattern case-sensitively against the path only; in both, `*` is any run of characters and
 * `?` exactly one; http-request-method matches the method exactly (case-sensitive); a condition
 * matches if any of its values does. query-string: a key/value pair matches a pair of the query,
 * case-insensitively, with the same wildcards (QueryStringConditionConfig); this fake compares the
 * raw, undecoded text (the ELB docs do not say which). http-header: the name case-insensitively,
 * a value pattern case-insensitively against any instance of the header (HttpHeaderConditionConfig).
 * path-pattern regexValues (PathPatternConditionConfig): the ELB docs say neither whether an
 * expression must match the whole path or only a part, nor whether the path is percent-decoded
 * first; this fake requires a whole match (the stricter reading, for patterns written `.*….*`) and
 * matches the path as it is given, so a test passes the raw path and the decoded one to cover both.
 */
function wildcardMatch(pattern: string, value: string, caseSensitive: boolean): boolean {
    const source = pattern.split("").map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\/]/g, "\\$&"))).join("");
    return new RegExp(`^${source}$`, caseSensitive ? "" : "i").test(value);
}

type Outcome = "gateway" | "management" | "refused" | "read-only";

function evaluate(listener: RecordedResource, rules: RecordedResource[], targetPorts: Map<string, number>, host: string, path: string, method = "GET", headers: Record<string, string> = {}): Outcome {
    const ordered = [...rules].sort((a, b) => (a.inputs.priority as number) - (b.inputs.priority as number));
    const [pathOnly, query = ""] = path.split("?");
    const pairs = query.split("&").filter((p) => p !== "").map((p) => { const i = p.indexOf("="); return i < 0 ? [p, ""] : [p.slice(0, i), p.slice(i + 1)]; });
    const matches = (condition: any): boolean => {
        if (condition.hostHeader) return condition.hostHeader.values.some((v: string) => wildcardMatch(v, host, false));
        if (condition.httpRequestMethod) return condition.httpRequestMethod.values.includes(method);
        if (condition.pathPattern?.regexValues) return condition.pathPattern.regexValues.some((r: string) => new RegExp(`^(?:${r})$`).test(pathOnly));
        if (condition.pathPattern) return condition.pathPattern.values.some((v: string) => wildcardMatch(v, pathOnly, true));
        if (condition.queryStrings) return condition.queryStrings.some((q: { key?: string; value: string }) =>
            pairs.some(([k, v]) => (q.key === undefined || wildcardMatch(q.key, k, false)) && wildcardMatch(q.value, v, false)));
        if (condition.httpHeader) return Object.entries(headers).some(([name, value]) => name.toLowerCase() === condition.httpHeader.httpHeaderName.toLowerCase()
            && condition.httpHeader.values.some((v: string) => wildcardMatch(v, value, false)));
        return assert.fail(`condition the fake does not know: ${JSON.stringify(condition)}`);
    };
    const matching = ordered.find((rule) => (rule.inputs.conditions as any[]).every(matches));
    const action = ((matching ? matching.inputs.actions : listener.inputs.defaultActions) as any[])[0];
    if (action.type === "fixed-response" && action.fixedResponse.statusCode === "403") return "read-only";
    if (action.type !== "forward") return "refused";
    const port = targetPorts.get(action.targetGroupArn);
    return port === 8243 ? "gateway" : port === 9443 ? "management" : assert.fail(`forward to unknown target group ${action.targetGroupArn}`);
}

async function passiveOutcome(stack: string, method: string, host: string, path: string, headers: Record<string, string> = {}): Promise<Outcome> {
    const program = await run(stack);
    const listener = ofType(program, "aws:lb/listener:Listener").find((l) => l.inputs.port === 443)!;
    const targetPorts = new Map(ofType(program, "aws:lb/targetGroup:TargetGroup").map((t) => [knownAfterApply(t.name, "arn"), t.inputs.port as number]));
    return evaluate(listener, ofType(program, "aws:lb/listenerRule:ListenerRule"), targetPorts, host, path, method, headers);
}

describe("the public HTTPS listener", () => {
    it("forwards the gateway names, and only the user-facing paths of the Publisher/Portal names, never /services/ to 9443", async () => {
        const program = await run("us-east");
        const listener = ofType(program, "aws:lb/listener:Listener").find((l) => l.inputs.port === 443)!;
        const rules = ofType(program, "aws:lb/listenerRule:ListenerRule");
        // The pretend cloud gives each target group an ARN naming it; map it to the port it serves.
        const targetPorts = new Map(ofType(program, "aws:lb/targetGroup:TargetGroup").map((t) => [knownAfterApply(t.name, "arn"), t.inputs.port as number]));
        for (const rule of rules) {
            for (const action of rule.inputs.actions as any[]) {
                if (action.type === "forward") assert.ok(targetPorts.has(action.targetGroupArn), `rule ${rule.name} forwards to ${action.targetGroupArn}`);
            }
        }
        const cases: [string, string, Outcome][] = [
            ["gateway.example.com", "/pizzashack/1.0.0/menu", "gateway"],
            ["gateway-us-east-1.example.com", "/services/Version", "gateway"],
            ["GATEWAY.example.com", "/token", "gateway"],
            ["apim.example.com", "/publisher/apis", "management"],
            ["apim.example.com", "/devportal", "management"],
            ["apim.example.com", "/admin/", "management"],
            ["apim.example.com", "/api/am/publisher/v1/apis", "management"],
            ["apim.example.com", "/api/am/store/v1/apis?limit=10", "management"],
            ["apim.example.com", "/api/am/admin/v0.16/throttling/policies/subscription", "management"],
            ["apim.example.com", "/api/am/store/v0.16/apis", "management"],
            // Tomcat strips ";x" and serves the Publisher's API: only the apps' own prefixes forward.
            ["apim.example.com", "/api/am/publisher;x/v1/apis", "refused"],
            ["apim.example.com", "/api/am;x/publisher/v1/apis", "refused"],
            ["apim.example.com", "/api/am/unknown/v1", "refused"],
            ["apim.example.com", "/oauth2/token", "management"],
            ["apim.example.com", "/oauth2/revoke", "management"],
            ["apim.example.com", "/commonauth", "management"],
            ["apim.example.com", "/authenticationendpoint/login.do", "management"],
            ["apim.example.com", "/client-registration/v0.16/register", "management"],
            ["apim-us-east-1.example.com", "/carbon/admin/login.jsp", "management"],
            // WSO2's SOAP admin services and the management console stay private, whatever the host.
            ["apim.example.com", "/services/RemoteUserStoreManagerService", "refused"],
            ["apim-us-east-1.example.com", "/services/APIGatewayAdmin", "refused"],
            ["apim.example.com", "/services/", "refused"],
            ["apim.example.com", "/carbon/user/user-mgt.jsp", "refused"],
            ["apim.example.com", "/carbon/admin/login_action.jsp", "refused"],
            ["apim.example.com", "/publisher/../services/UserAdmin", "refused"],
            ["apim.example.com", "/api/am/../../services/UserAdmin", "refused"],
            ["apim.example.com", "/throttle/data/v1/throttleAsString", "refused"],
            ["apim.example.com", "/Publisher", "refused"],
            ["unknown.example.com", "/publisher", "refused"],
        ];
        const outcomes = cases.map(([host, path]) => [host, path, evaluate(listener, rules, targetPorts, host, path)]);
        assert.deepEqual(outcomes, cases);
    });

    it("in a DC that is not design-time active answers only reads of the Publisher's and Admin Portal's writing paths", async () => {
        const outcome = passiveOutcome;
        const writes: [string, string, string][] = [
            ["POST", "apim.example.com", "/api/am/publisher/v1/apis"],
            ["PUT", "apim-us-west-2.example.com", "/api/am/publisher/v1/apis/7a2298c4"],
            ["POST", "apim.example.com", "/api/am/publisher/v1/apis/change-lifecycle"],
            ["DELETE", "apim.example.com", "/api/am/admin/v0.16/throttling/policies/subscription/x"],
            ["POST", "apim.example.com", "/admin/site/blocks/policy/subscription/ajax/subscription-policy-edit.jag"],
            ["PATCH", "apim.example.com", "/api/am/publisher/v1/apis/x"],
        ];
        // us-west (DC2) is passive in the shipped config, us-east (DC1) design-time active.
        for (const [method, host, path] of writes) {
            assert.equal(await outcome("us-west", method, host, path), "read-only", `${method} ${path} in the passive DC`);
            assert.equal(await outcome("us-east", method, host.replace("us-west-2", "us-east-1"), path), "management", `${method} ${path} in the active DC`);
        }
        for (const [method, path] of [["GET", "/api/am/publisher/v1/apis"], ["HEAD", "/admin/"], ["GET", "/admin/site/pages/index.jag"],
            // The Developer Portal's writes (applications, subscriptions, keys) are database rows GoldenGate replicates: open in every DC.
            ["POST", "/api/am/store/v1/applications"], ["POST", "/oauth2/token"], ["GET", "/publisher/apis"]]) {
            assert.equal(await outcome("us-west", method, "apim.example.com", path), "management", `${method} ${path} in the passive DC`);
        }
        const denial = ofType(await run("us-west"), "aws:lb/listenerRule:ListenerRule").find((r) => r.name.endsWith("design-time-writes"))!;
        assert.deepEqual((denial.inputs.actions as any[])[0].fixedResponse, { contentType: "text/plain", statusCode: "403", messageBody: READ_ONLY_MESSAGE });
        assert.ok(READ_ONLY_MESSAGE.length <= 1024);
        // Promoting DC2 (designTimeActive) opens it and closes DC1.
        const promoted = await run("us-east", { designTimeActive: "DC2" });
        assert.ok(ofType(promoted, "aws:lb/listenerRule:ListenerRule").some((r) => r.name.endsWith("design-time-writes")));
    });

    it("in a DC that is not design-time active refuses a read that CXF would turn into a write (_method, X-HTTP-Method-Override) or that hides the path behind ;x", async () => {
        const apis = "/api/am/publisher/v1/apis/7a2298c4";
        const policy = "/api/am/admin/v0.16/throttling/policies/subscription/x";
        const refused: [string, string, Record<string, string>, Outcome][] = [
            // CXF RequestPreprocessor.handleMethod: the query parameter wins, then a single header.
            ["GET", `${apis}?_method=DELETE`, {}, "read-only"],
            ["HEAD", `${apis}?limit=1&_method=PUT`, {}, "read-only"],
            ["GET", `${apis}?_METHOD=DELETE`, {}, "read-only"],
            // CXF decodes the key: %5F is "_"; caught whether the ALB compares it decoded or not.
            ["GET", `${apis}?%5Fmethod=DELETE`, {}, "read-only"],
            ["GET", `${apis}?_%6Dethod=DELETE`, {}, "read-only"],
            ["GET", `${policy}?_method=DELETE`, {}, "read-only"],
            ["GET", apis, { "X-HTTP-Method-Override": "DELETE" }, "read-only"],
            ["GET", apis, { "x-http-method-override": "delete" }, "read-only"],
            ["HEAD", policy, { "X-HTTP-Method-Override": "PUT" }, "read-only"],
            // Path parameters no longer reach a catch-all /api/am/* forward.
            ["POST", "/api/am/publisher;x/v1/apis", {}, "refused"],
            ["GET", "/api/am/publisher;x/v1/apis?_method=POST", {}, "refused"],
            ["DELETE", "/api/am/admin;v=1/v0.16/throttling/policies/subscription/x", {}, "refused"],
            // Plain reads stay open, and so does the Developer Portal's API (its writes replicate).
            ["GET", `${apis}?limit=10&offset=0`, {}, "management"],
            ["GET", apis, { "X-Requested-With": "XMLHttpRequest" }, "management"],
            ["GET", "/api/am/store/v1/apis?_method=DELETE", {}, "management"],
        ];
        const seen: [string, string, Record<string, string>, Outcome][] = [];
        for (const [method, path, headers] of refused) seen.push([method, path, headers, await passiveOutcome("us-west", method, "apim.example.com", path, headers)]);
        assert.deepEqual(seen, refused);
        // The design-time active DC forwards them (its Publisher is the writable one).
        assert.equal(await passiveOutcome("us-east", "GET", "apim.example.com", `${apis}?_method=DELETE`), "management");
        assert.equal(await passiveOutcome("us-east", "GET", "apim.example.com", apis, { "X-HTTP-Method-Override": "DELETE" }), "management");
    });

    it("refuses percent-encoded dot segments in every DC, before any forward, whether the ALB matches the path decoded or not", async () => {
        // Tomcat decodes %2e and then normalises (CoyoteAdapter.postParseRequest): each of these
        // would reach the Publisher's or Admin's API, or /services/, behind an open prefix.
        const encoded: [string, string][] = [
            ["DELETE", "/api/am/store/%2e%2e/publisher/v1/apis/7a2298c4"],
            ["DELETE", "/api/am/store/.%2e/publisher/v1/apis/7a2298c4"],
            ["POST", "/publisher/.%2e/api/am/admin/v0.16/throttling/policies/subscription"],
            ["PUT", "/api/am/store/%2E%2e/admin/v0.16/throttling/policies/subscription/x"],
            ["GET", "/devportal/%2e./services/UserAdmin"],
            ["GET", "/oauth2/%2E%2E/services/RemoteUserStoreManagerService"],
        ];
        // What an ALB that decoded the path before matching would compare.
        const decoded = (path: string) => path.replace(/%2e/gi, ".");
        for (const stack of ["us-east", "us-west"]) {
            for (const [method, path] of encoded) {
                for (const seen of [path, decoded(path)]) {
                    assert.equal(await passiveOutcome(stack, method, "apim.example.com", seen), "refused", `${stack}: ${method} ${seen}`);
                }
            }
            // A % elsewhere, or in the query (a path pattern never sees it), still reaches the Portal.
            assert.equal(await passiveOutcome(stack, "GET", "apim.example.com", "/api/am/store/v1/apis?query=name%3Apizza%2e"), "management", stack);
            assert.equal(await passiveOutcome(stack, "GET", "apim.example.com", "/api/am/store/v1/apis/a%20b"), "management", stack);
            const rule = ofType(await run(stack), "aws:lb/listenerRule:ListenerRule").find((r) => r.name.endsWith("management-encoded-dots"))!;
            assert.deepEqual((rule.inputs.conditions as any[]).find((c) => c.pathPattern).pathPattern, { regexValues: [".*%2[eE].*"] });
            const forwards = ofType(await run(stack), "aws:lb/listenerRule:ListenerRule")
                .filter((r) => (r.inputs.actions as any[])[0].type === "forward").map((r) => r.inputs.priority as number);
            assert.ok((rule.inputs.priority as number) < Math.min(...forwards), `${stack}: the refusal precedes every forward`);
        }
    });

    it("keeps every rule within the ALB limits, with unique priorities", async () => {
        const rules = ofType(await run("us-west"), "aws:lb/listenerRule:ListenerRule");
        const priorities = rules.map((r) => r.inputs.priority as number);
        // ELB CreateRule: a priority is unique per listener (PriorityInUse).
        assert.equal(new Set(priorities).size, priorities.length);
        for (const rule of rules) {
            const conditions = rule.inputs.conditions as any[];
            const values = conditions.map((c) => c.queryStrings
                ? (c.queryStrings as { key: string; value: string }[]).map((q) => `${q.key}=${q.value}`)
                : c.pathPattern?.regexValues ?? (c.hostHeader ?? c.pathPattern ?? c.httpRequestMethod ?? c.httpHeader).values as string[]);
            // ELB API Reference, RuleCondition: at most one host-header, path-pattern, http-request-method condition per rule.
            for (const kind of ["hostHeader", "pathPattern", "httpRequestMethod"]) assert.ok(conditions.filter((c) => c[kind]).length <= 1, rule.name);
            // ELB User Guide, "Condition types": 3 values per condition, 5 per rule (a key/value pair is one), 5 wildcards per rule; ≤128 characters.
            assert.ok(values.every((v) => v.length <= 3), rule.name);
            assert.ok(values.flat().length <= 5, rule.name);
            assert.ok(values.flat().join("").replace(/[^*?]/g, "").length <= 5, rule.name);
            // PathPatternConditionConfig: values and regexValues conflict; a regular expression ≤128 characters.
            for (const c of conditions.filter((c) => c.pathPattern)) assert.ok(!(c.pathPattern.values && c.pathPattern.regexValues), rule.name);
            const paths = conditions.filter((c) => c.pathPattern?.values).flatMap((c) => c.pathPattern.values as string[]);
            assert.ok(paths.every((v) => v.length <= 128 && /^[A-Za-z0-9_\-.$/~"'@:+&*?]+$/.test(v)), rule.name);
            assert.ok(values.flat().every((v) => v.length <= 128), rule.name);
            // HttpHeaderConditionConfig: a header name ≤40 characters, no wildcards.
            for (const c of conditions.filter((c) => c.httpHeader)) assert.ok(c.httpHeader.httpHeaderName.length <= 40 && !/[*?]/.test(c.httpHeader.httpHeaderName), rule.name);
        }
    });
});
