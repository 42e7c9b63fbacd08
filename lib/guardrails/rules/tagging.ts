/** Every taggable AWS resource says which project, stack and datacenter it belongs to. */
import { ResourceRule } from "../model";
import { REQUIRED_TAGS, effectiveTags, isTaggable } from "../tags";

export const requiredTags: ResourceRule = {
    kind: "resource",
    id: "WSO2-OPS-003",
    title: "AWS resources carry project, stack and datacenter tags",
    rationale: "Cost reports, IAM conditions and operators tell the datacenters' resources apart by these tags.",
    severity: "mandatory",
    fix: "create resources with the region's AWS provider, whose defaultTags set project, stack and datacenter",
    equivalents: {},
    types: ["aws:*"],
    check(resource, scope) {
        if (!isTaggable(resource.type)) return [];
        const tags = effectiveTags(resource, scope.provider);
        const problems: string[] = [];
        const missing = REQUIRED_TAGS.filter((key) => typeof tags[key] !== "string" || tags[key] === "");
        if (missing.length > 0) problems.push(`missing tags: ${missing.join(", ")}`);
        if (!missing.includes("stack") && tags.stack !== scope.stack) problems.push(`tag stack is "${String(tags.stack)}", not "${scope.stack}"`);
        return problems;
    },
};
