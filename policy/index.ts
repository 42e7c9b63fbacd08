/**
 * The guardrails as a Pulumi policy pack (docs/guardrails.md):
 *
 *     pulumi preview --policy-pack policy
 *
 * The rules live in lib/guardrails; the adapter turns each into a Resource- or
 * StackValidationPolicy. A pack sees one stack at a time: its trusted-source flag comes from the
 * project's stack config, and the cross-stack rules only advise (`npm run plan` judges all stacks).
 */
import * as path from "path";
import { PolicyPack } from "@pulumi/policy";
import { RULES } from "../lib/guardrails";
import { stackContextFromProject } from "../lib/guardrails/context";
import { policiesFor } from "../lib/guardrails/policy-adapter";

const PROJECT_DIR = path.resolve(__dirname, "..");

new PolicyPack("wso2-apim-guardrails", {
    description: "Security and reliability rules of the WSO2 API Manager multi-DC deployment (docs/guardrails.md).",
    policies: policiesFor(RULES, (stack) => stackContextFromProject(PROJECT_DIR, stack)),
});
