/**
 * Secrets live in Secrets Manager (or RDS's own password) and are fetched at boot by the node's
 * role (README.md § Configuration reference): never in user-data, rendered files, outputs or any other input.
 */
import { SECRET_PLACEHOLDER } from "../../stack-config";
import { KNOWN_AFTER_APPLY } from "../inputs";
import { GuardedResource, ResourceRule, StackRule, Violation } from "../model";
import { isSecretInput, leafPaths, renderedTexts, secretLiterals } from "../secrets";
import { TYPES } from "../types";

/** Providers and random generators are where secrets come from, not where they leak to. */
function mayHoldSecrets(resource: GuardedResource): boolean {
    return resource.type.startsWith("pulumi:providers:") || resource.type.startsWith("random:");
}

/** Plaintext values of secret inputs (the policy pack sees them; the offline plan only `[secret]`). */
function storedSecretValues(resources: readonly GuardedResource[]): { store: GuardedResource; value: string }[] {
    return resources.flatMap((store) =>
        Object.entries(store.inputs)
            .filter(([key, value]) => isSecretInput(store.type, key) && typeof value === "string")
            .map(([, value]) => ({ store, value: value as string }))
            // Short values would match by accident; placeholders are not secrets.
            .filter(({ value }) => value.length >= 8 && value !== SECRET_PLACEHOLDER && !value.startsWith(KNOWN_AFTER_APPLY)));
}

export const secretsStayInStores: StackRule = {
    kind: "stack",
    id: "WSO2-SEC-008",
    title: "Secret values reach only the inputs the provider keeps secret",
    rationale: "Any other input keeps the value in clear text in the Pulumi state and the AWS API; user-data is readable with ec2:DescribeInstanceAttribute.",
    severity: "mandatory",
    fix: "store the secret in Secrets Manager and pass its ARN; let the instance fetch the value at boot with its role",
    equivalents: {},
    check(view) {
        const stored = storedSecretValues(view.resources);
        return view.resources.filter((resource) => !mayHoldSecrets(resource)).flatMap((resource): Violation[] => {
            const ordinaryInputs = Object.fromEntries(Object.entries(resource.inputs).filter(([key]) => !isSecretInput(resource.type, key)));
            const markedInputs = leafPaths(ordinaryInputs, (leaf) => leaf === SECRET_PLACEHOLDER)
                .map((path) => ({ resource, message: `input ${path} carries a secret value` }));
            const copiedValues = renderedTexts(resource).flatMap(({ label, text }) =>
                stored.filter(({ value }) => text.includes(value)).map(({ store }) => ({ resource, message: `${label} contains the value of secret ${store.name}` })));
            return [...markedInputs, ...copiedValues];
        });
    },
};

export const noSecretLiterals: ResourceRule = {
    kind: "resource",
    id: "WSO2-SEC-009",
    title: "No secret literals in user-data or rendered files",
    rationale: "User-data and S3 artifacts are read by people and tools that must not learn passwords or keys.",
    severity: "mandatory",
    fix: `reference the value instead (deployment.toml: password = "$env{NAME}"; scripts: read it from Secrets Manager at boot)`,
    equivalents: { checkov: ["CKV_AWS_46"] },
    types: [TYPES.instance, TYPES.bucketObject, TYPES.bucketObjectV2],
    check(resource) {
        return renderedTexts(resource).flatMap(({ label, text }) => secretLiterals(text).map((literal) => `${label}: ${literal}`));
    },
};
