/**
 * AWS input constraints (issue 11) beyond the per-rule table of guardrails-rules.test.ts: what the
 * shipped stacks send, the names Pulumi makes up for them, and that every type they declare with
 * a name or description is judged by a WSO2-AWS rule.
 */
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { GuardedResource, RULES, evaluate } from "../lib/guardrails";
import { physicalName } from "../lib/guardrails/aws-names";
import { STACK, compliantStack, resource } from "./guardrails-fixture";
import { PROJECT_DIR, STACKS, run } from "./harness";

/** EC2 API Reference, CreateSecurityGroup GroupDescription / IpRange Description. */
const EC2_DESCRIPTION = /^[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]{0,255}$/;
const SECURITY_GROUP_TYPES = [
    "aws:ec2/securityGroup:SecurityGroup",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
];

describe("AWS input constraints", () => {
    let shipped: GuardedResource[];

    before(async () => {
        shipped = [];
        for (const stack of STACKS) shipped.push(...(await run(stack)).resources);
    });

    it("the shipped security groups and rules have descriptions EC2 accepts", () => {
        const described = shipped.filter((r) => SECURITY_GROUP_TYPES.includes(r.type));
        assert.ok(described.length > 20, "the stacks declare their security groups and rules");
        const refused = described.filter((r) => !EC2_DESCRIPTION.test(String(r.inputs.description)));
        assert.deepEqual(refused.map((r) => `${r.name}: ${String(r.inputs.description)}`), []);
    });

    it("WSO2-AWS-001 refuses each of the descriptions issue 11 found", () => {
        const before = [
            ["aws:ec2/securityGroup:SecurityGroup", "GoldenGate hub: Manager and Collectors from the peer regions' hubs"],
            ["aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "throttling events from the region's gateways"],
            ["aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "throttling decisions (JMS) to the region's gateways"],
            ["aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "Oracle listener from this region's GoldenGate hub"],
            ["aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "Extract and Replicat to this region's database"],
            ["aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "Oracle listener from DC2's GoldenGate hub (initial load, re-sync)"],
            ["aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "Manager and Collectors from DC2's GoldenGate hub"],
            ["aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "trails to DC2's GoldenGate hub"],
            ["aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "DC2's database (initial load, re-sync)"],
        ];
        const old = before.map(([type, description], i) => resource(type, `old-${i}`, { name: `old-${i}`, description }));
        const findings = evaluate([...compliantStack(), ...old], { stack: STACK, trustedSource: true }).filter((f) => f.ruleId === "WSO2-AWS-001");
        assert.deepEqual(findings.map((f) => f.resource?.name), old.map((r) => r.name));
    });

    describe("judge names as Pulumi sends them", () => {
        const tg = (inputs: Record<string, unknown>) => resource("aws:lb/targetGroup:TargetGroup", "dc1-lb-management", inputs);

        it("a name left out is the logical name, a hyphen and 7 hex characters", () => {
            const name = physicalName(tg({}));
            assert.equal(name?.value.length, "dc1-lb-management".length + 8);
            assert.equal(name?.source, "auto");
        });

        it("a prefix gets the provider's 26-character suffix; a written name is taken as it is", () => {
            assert.equal(physicalName(tg({ namePrefix: "dc1-" }))?.value.length, 4 + 26);
            assert.equal(physicalName(tg({ name: "management" }))?.value, "management");
        });

        it("a name only the cloud knows is not judged", () => {
            assert.equal(physicalName(tg({ name: "(known after apply: other.name)" })), null);
        });
    });

    it("every AWS type the stacks declare with a name, description or domain is judged by a WSO2-AWS rule", () => {
        const judged = new Set(RULES.filter((r) => r.id.startsWith("WSO2-AWS-") && r.kind === "resource").flatMap((r) => ("types" in r ? r.types : [])));
        const textInputs = ["name", "namePrefix", "description", "bucket", "identifier", "domainName", "fqdn", "comment", "creationToken"];
        const unjudged = [...new Set(shipped.map((r) => r.type))]
            .filter((type) => type.startsWith("aws:") && !judged.has(type))
            .filter((type) => {
                const [, module, name] = /^aws:([^:]+):(\w+)$/.exec(type)!;
                const source = fs.readFileSync(path.join(PROJECT_DIR, "node_modules/@pulumi/aws", `${module}.d.ts`), "utf8");
                const args = new RegExp(`export interface ${name}Args \\{([\\s\\S]*?)\\n\\}`).exec(source);
                assert.ok(args, `no ${name}Args in @pulumi/aws for ${type}`);
                return textInputs.some((key) => new RegExp(`^\\s+${key}\\?:`, "m").test(args[1]));
            });
        assert.deepEqual(unjudged, [], "give these types a WSO2-AWS rule (lib/guardrails/rules/aws-input.ts)");
    });
});
