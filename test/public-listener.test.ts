import * as assert from "node:assert/strict";
import { ofType, run } from "./harness";
import { RecordedResource } from "../tools/offline/run";
import { knownAfterApply } from "../tools/offline/cloud";

/**
 * A small evaluator of ALB listener-rule semantics (a fake: only what these rules use), per the ELB
 * User Guide, "Listener rules" and "Condition types": rules in ascending priority, the first whose
 * every condition matches decides, else the default action; host-header matches case-insensitively,
 * path-pattern case-sensitively against the path only; in both, `*` is any run of characters and
 * `?` exactly one; a condition matches if any of its values does.
 */
function wildcardMatch(pattern: string, value: string, caseSensitive: boolean): boolean {
    const source = pattern.split("").map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\/]/g, "\\$&"))).join("");
    return new RegExp(`^${source}$`, caseSensitive ? "" : "i").test(value);
}

type Outcome = "gateway" | "management" | "refused";

function evaluate(listener: RecordedResource, rules: RecordedResource[], targetPorts: Map<string, number>, host: string, path: string): Outcome {
    const ordered = [...rules].sort((a, b) => (a.inputs.priority as number) - (b.inputs.priority as number));
    const matching = ordered.find((rule) => (rule.inputs.conditions as any[]).every((condition) =>
        condition.hostHeader
            ? condition.hostHeader.values.some((v: string) => wildcardMatch(v, host, false))
            : condition.pathPattern.values.some((v: string) => wildcardMatch(v, path.split("?")[0], true))));
    const action = ((matching ? matching.inputs.actions : listener.inputs.defaultActions) as any[])[0];
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

    it("keeps every rule within the ALB limits, with unique priorities", async () => {
        const rules = ofType(await run("us-west"), "aws:lb/listenerRule:ListenerRule");
        const priorities = rules.map((r) => r.inputs.priority as number);
        // ELB CreateRule: a priority is unique per listener (PriorityInUse).
        assert.equal(new Set(priorities).size, priorities.length);
        for (const rule of rules) {
            const values = (rule.inputs.conditions as any[]).map((c) => (c.hostHeader ?? c.pathPattern).values as string[]);
            // ELB User Guide, "Condition types": 3 values per condition, 5 per rule, 5 wildcards per rule; path patterns ≤128 characters.
            assert.ok(values.every((v) => v.length <= 3), rule.name);
            assert.ok(values.flat().length <= 5, rule.name);
            assert.ok(values.flat().join("").replace(/[^*?]/g, "").length <= 5, rule.name);
            assert.ok(values.flat().every((v) => v.length <= 128 && /^[A-Za-z0-9_\-.$/~"'@:+&*?]+$/.test(v)), rule.name);
        }
    });
});
