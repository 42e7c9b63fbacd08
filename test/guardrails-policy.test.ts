/**
 * The policy pack adapter, driven as the policy SDK would drive it. The PolicyPack itself is never
 * constructed here: that starts the analyzer's gRPC server.
 */
import * as assert from "node:assert/strict";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { GuardedResource, RULES } from "../lib/guardrails";
import { stackContextFromProject } from "../lib/guardrails/context";
import { fromStackArgs, plainValue, policiesFor, stackOfUrn } from "../lib/guardrails/policy-adapter";
import { STACK, compliantStack, patch, resource } from "./guardrails-fixture";
import { PROJECT_DIR } from "./harness";
import { resourceArgs, stackResource, unknownCheckingProxy, unknownStringValue, validateResource, validateStack } from "./policy-pack-driver";

const fixture = (name: string) => compliantStack().find((r) => r.name === name)!;

function policies(contextCalls: string[] = []) {
    const all = policiesFor(RULES, (stack) => {
        contextCalls.push(stack);
        return { stack, trustedSource: true };
    });
    const byName = (name: string) => all.find((p) => p.name === name)!;
    return { all, resourcePolicy: (name: string) => byName(name) as ResourceValidationPolicy, stackPolicy: (name: string) => byName(name) as StackValidationPolicy };
}

describe("guardrails policy pack adapter", () => {
    it("makes one policy per rule, named by its id, with its fix as remediation", () => {
        const { all } = policies();
        assert.deepEqual(all.map((p) => p.name), RULES.map((r) => r.id));
        assert.deepEqual(all.map((p) => p.remediationSteps), RULES.map((r) => r.fix));
    });

    it("keeps each rule's severity, except cross-stack rules, which a pack can only advise on", () => {
        const downgraded = policies().all.filter((p, i) => p.enforcementLevel !== RULES[i].severity).map((p) => p.name);
        assert.deepEqual(downgraded, ["WSO2-REL-002", "WSO2-DNS-002"]);
    });

    it("reports a resource rule's violation with its fix", () => {
        const policy = policies().resourcePolicy("WSO2-SEC-004");
        const instance = patch(compliantStack(), "node-1", { metadataOptions: { httpTokens: "optional" } }).find((r) => r.name === "node-1")!;
        assert.deepEqual(validateResource(policy, resourceArgs(instance)), [`IMDSv2 not required — fix: set metadataOptions.httpTokens = "required"`]);
        assert.deepEqual(validateResource(policy, resourceArgs(fixture("node-1"))), []);
    });

    it("counts the provider's default tags as the resource's", () => {
        const policy = policies().resourcePolicy("WSO2-OPS-003");
        assert.deepEqual(validateResource(policy, resourceArgs(fixture("vpc"), fixture("aws"))), []);
        assert.match(validateResource(policy, resourceArgs(fixture("vpc")))[0], /missing tags: project, stack, datacenter/);
    });

    it("reads values unknown during preview as (known after apply)", () => {
        const props = unknownCheckingProxy({ a: unknownStringValue, b: [unknownStringValue, "x"], c: { d: 1 } });
        assert.deepEqual(plainValue(props), { a: "(known after apply)", b: ["(known after apply)", "x"], c: { d: 1 } });
    });

    it("links references through property dependencies while their ids are unknown (preview)", () => {
        const policy = policies().stackPolicy("WSO2-NET-001");
        const [albGroup, nodesGroup] = [fixture("sg-alb"), fixture("sg-nodes")];
        const alb = { ...fixture("alb"), inputs: { ...fixture("alb").inputs, securityGroups: [unknownStringValue] } };
        const open = (name: string, port: number) =>
            resource("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", name, { securityGroupId: unknownStringValue, ipProtocol: "tcp", fromPort: port, toPort: port, cidrIpv4: "0.0.0.0/0" });
        const stack = (rule: GuardedResource, group: GuardedResource) => [
            stackResource(albGroup),
            stackResource(nodesGroup),
            stackResource(alb, { securityGroups: [albGroup] }),
            stackResource(rule, { securityGroupId: [group] }),
        ];

        const wrong = open("nodes-open", 9443);
        assert.deepEqual(validateStack(policy, stack(wrong, nodesGroup)), [{
            message: "tcp 9443 open to anywhere on group sg-nodes — fix: limit 0.0.0.0/0 and ::/0 ingress to tcp 80 and 443 on the ALB's security group; reach everything else through it",
            urn: wrong.urn,
        }]);
        assert.deepEqual(validateStack(policy, stack(open("alb-https", 443), albGroup)), []);
    });

    it("counts a target-group alarm whose dimensions are unknown in a preview through its property dependencies", () => {
        const policy = policies().stackPolicy("WSO2-OPS-004");
        const [alb, topic] = [fixture("alb"), fixture("alarms")];
        const gateway = resource("aws:lb/targetGroup:TargetGroup", "gateway", { port: 8243, protocol: "HTTPS" });
        const alarm = resource("aws:cloudwatch/metricAlarm:MetricAlarm", "gateway-5xx", {
            namespace: "AWS/ApplicationELB", metricName: "HTTPCode_Target_5XX_Count",
            dimensions: { LoadBalancer: unknownStringValue, TargetGroup: unknownStringValue }, alarmActions: [unknownStringValue],
        });
        const targetGroupFindings = (dimensionsFrom: GuardedResource[]) => validateStack(policy, [
            ...compliantStack().map((r) => stackResource(r)),
            stackResource(gateway),
            stackResource(alarm, { dimensions: dimensionsFrom, alarmActions: [topic] }),
        ]).filter((v) => v.urn === gateway.urn);
        assert.deepEqual(targetGroupFindings([alb, gateway]), []);
        assert.equal(targetGroupFindings([alb]).length, 1, "an alarm computed from the load balancer alone does not watch the target group");
    });

    it("links references by value once ids are known (after deploy)", () => {
        const group = { ...fixture("sg-alb"), inputs: { ...fixture("sg-alb").inputs, id: "sg-0aaa" } };
        const alb = { ...fixture("alb"), inputs: { ...fixture("alb").inputs, securityGroups: ["sg-0aaa", "sg-0fff"] } };
        const [, linked] = fromStackArgs({ resources: [stackResource(group), stackResource(alb, { securityGroups: [group] })] });
        assert.deepEqual(linked.inputs.securityGroups, ["(known after apply: sg-alb.id)", "sg-0fff"]);
    });

    it("reads each stack's context once, from the stack named in the URN", () => {
        const calls: string[] = [];
        const { resourcePolicy } = policies(calls);
        const policy = resourcePolicy("WSO2-REL-005");
        const db = patch(compliantStack(), "db", { multiAz: false }).find((r) => r.name === "db")!;
        assert.equal(validateResource(policy, resourceArgs(db)).length, 1);
        validateResource(policy, resourceArgs(db));
        assert.deepEqual(calls, [STACK]);
        assert.equal(stackOfUrn("urn:pulumi:us-west::wso2-apim-multi-dc::aws:ec2/vpc:Vpc::dc2-net-vpc"), "us-west");
    });

    it("tells the trusted source from the project's config", () => {
        assert.deepEqual(
            ["us-east", "us-west"].map((stack) => stackContextFromProject(PROJECT_DIR, stack)),
            [{ stack: "us-east", trustedSource: true }, { stack: "us-west", trustedSource: false }],
        );
    });
});
