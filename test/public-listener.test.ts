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
 * matches if any of its values does.
 */
function wildcardMatch(pattern: string, value: string, caseSensitive: boolean): boolean {
    const source = pattern.split("").map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\/]/g, "\\$&"))).join("");
    return new RegExp(`^${source}$`, caseSensitive ? "" : "i").test(value);
}

type Outcome = "gateway" | "management" | "refused" | "read-only";

function evaluate(listener: RecordedResource, rules: RecordedResource[], targetPorts: Map<string, number>, host: string, path: string, method = "GET"): Outcome {
    const ordered = [...rules].sort((a, b) => (a.inputs.priority as number) - (b.inputs.priority as number));
    const matching = ordered.find((rule) => (rule.inputs.conditions as any[]).every((condition) =>
        condition.hostHeader
            ? condition.hostHeader.values.some((v: string) => wildcardMatch(v, host, false))
            : condition.httpRequestMethod
                ? condition.httpRequestMethod.values.includes(method)
                : condition.pathPattern.values.some((v: string) => wildcardMatch(v, path.split("?")[0], true))));
    const action = ((matching ? matching.inputs.actions : listener.inputs.defaultActions) as any[])[0];
    if (action.type === "fixed-response" && action.fixedResponse.statusCode === "403") return "read-only";
    if (action.type !== "forward") return "refused";
    const port = targetPorts.get(action.targetGroupArn);
    return port === 8243 ? "gateway" : port === 9443 ? "management" : assert.fail(`forward to unknown target group ${action.targetGroupArn}`);
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
        const outcome = async (stack: string, method: string, host: string, path: string) => {
            const program = await run(stack);
            const listener = ofType(program, "aws:lb/listener:Listener").find((l) => l.inputs.port === 443)!;
            const targetPorts = new Map(ofType(program, "aws:lb/targetGroup:TargetGroup").map((t) => [knownAfterApply(t.name, "arn"), t.inputs.port as number]));
            return evaluate(listener, ofType(program, "aws:lb/listenerRule:ListenerRule"), targetPorts, host, path, method);
        };
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

    it("keeps every rule within the ALB limits, with unique priorities", async () => {
        const rules = ofType(await run("us-west"), "aws:lb/listenerRule:ListenerRule");
        const priorities = rules.map((r) => r.inputs.priority as number);
        // ELB CreateRule: a priority is unique per listener (PriorityInUse).
        assert.equal(new Set(priorities).size, priorities.length);
        for (const rule of rules) {
            const values = (rule.inputs.conditions as any[]).map((c) => (c.hostHeader ?? c.pathPattern ?? c.httpRequestMethod).values as string[]);
            // ELB User Guide, "Condition types": 3 values per condition, 5 per rule, 5 wildcards per rule; path patterns ≤128 characters.
            assert.ok(values.every((v) => v.length <= 3), rule.name);
            assert.ok(values.flat().length <= 5, rule.name);
            assert.ok(values.flat().join("").replace(/[^*?]/g, "").length <= 5, rule.name);
            assert.ok(values.flat().every((v) => v.length <= 128 && /^[A-Za-z0-9_\-.$/~"'@:+&*?]+$/.test(v)), rule.name);
        }
    });
});
