/**
 * Route 53 (docs/dns.md): every routed or alias record judges its target's health, so an outage
 * moves clients elsewhere; the gateway's geolocation set has a default record, so clients
 * outside every listed location still get an answer.
 */
import { asList, isRecord } from "../inputs";
import { GuardedResource, ResourceRule, StackRule, Violation } from "../model";
import { TYPES } from "../types";

const ROUTING_POLICY_INPUTS = [
    "geolocationRoutingPolicies",
    "latencyRoutingPolicies",
    "failoverRoutingPolicies",
    "weightedRoutingPolicies",
    "cidrRoutingPolicy",
    "geoproximityRoutingPolicy",
];

function isRouted(record: GuardedResource): boolean {
    const { inputs } = record;
    return inputs.setIdentifier !== undefined || inputs.multivalueAnswerRoutingPolicy === true ||
        ROUTING_POLICY_INPUTS.some((key) => asList(inputs[key]).length > 0);
}

export const recordsJudgeHealth: ResourceRule = {
    kind: "resource",
    id: "WSO2-DNS-001",
    title: "Routed and alias records evaluate their target's health",
    rationale: "Route 53 fails over only from a record it knows to be unhealthy; without health, a dead region keeps its clients.",
    severity: "mandatory",
    fix: "set evaluateTargetHealth = true on every alias; give a routed record that is not an alias a healthCheckId",
    equivalents: {},
    types: [TYPES.record],
    check(resource) {
        const aliases = asList(resource.inputs.aliases).filter(isRecord);
        if (aliases.length > 0) {
            return aliases.filter((alias) => alias.evaluateTargetHealth !== true).map((alias) => `alias to ${String(alias.name)} does not evaluate target health`);
        }
        return isRouted(resource) && !resource.inputs.healthCheckId ? ["routed record has no health check"] : [];
    },
};

/** The geolocation spec of a record, if it has one. */
function geolocation(record: GuardedResource): Record<string, unknown> | undefined {
    return asList(record.inputs.geolocationRoutingPolicies).filter(isRecord)[0];
}

function recordName(record: GuardedResource): string {
    return String(record.inputs.name).toLowerCase().replace(/\.$/, "");
}

export const defaultGeolocationRecord: StackRule = {
    kind: "stack",
    id: "WSO2-DNS-002",
    title: "Every geolocation record set has a default (country \"*\") record",
    rationale: "Route 53 gives clients that match no location of a geolocation set no answer at all unless a default record exists.",
    severity: "mandatory",
    fix: `let one datacenter claim the default location "*" in config (gatewayLocations), which creates the country "*" record`,
    equivalents: {},
    crossStack: true,
    check(view) {
        const stacks = view.allStacks ?? [{ stack: view.stack, resources: view.resources }];
        const geoRecords = stacks.flatMap((s) => s.resources).filter((r) => r.type === TYPES.record && geolocation(r) !== undefined);
        const ownSets = new Map<string, GuardedResource>();
        for (const record of view.ofType(TYPES.record).filter((r) => geolocation(r) !== undefined)) {
            if (!ownSets.has(recordName(record))) ownSets.set(recordName(record), record);
        }
        const scope = view.allStacks ? `any stack (${stacks.map((s) => s.stack).join(", ")})` : "this stack (the other stacks are not visible here)";
        return [...ownSets].flatMap(([name, first]): Violation[] => {
            const hasDefault = geoRecords.some((r) => recordName(r) === name && geolocation(r)?.country === "*");
            return hasDefault ? [] : [{ resource: first, message: `no default geolocation record for ${name} in ${scope}` }];
        });
    },
};
