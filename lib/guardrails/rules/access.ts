/** How operators and nodes get in: SSM instead of SSH, and IAM without blanket grants. */
import { asList, policyStatements } from "../inputs";
import { GuardedResource, ResourceRule, StackRule, StackView, Violation } from "../model";
import { TYPES } from "../types";

export const noSshKey: ResourceRule = {
    kind: "resource",
    id: "WSO2-OPS-001",
    title: "Instances have no SSH key pair",
    rationale: "Operators use SSM Session Manager: an SSH key is a credential to rotate and a reason to open port 22.",
    severity: "mandatory",
    fix: "remove keyName; connect with `aws ssm start-session`",
    equivalents: {},
    types: [TYPES.instance],
    check(resource) {
        const key = resource.inputs.keyName;
        return key === undefined || key === null || key === "" ? [] : [`SSH key pair "${String(key)}" set`];
    },
};

const SSM_CORE = /:policy\/AmazonSSMManagedInstanceCore$/;

/** Whether the role carries AmazonSSMManagedInstanceCore, attached or listed on the role. */
function roleHasSsmCore(view: StackView, role: GuardedResource): boolean {
    const attached = view
        .ofType(TYPES.rolePolicyAttachment)
        .some((a) => view.resolve(a.inputs.role, TYPES.role)?.urn === role.urn && SSM_CORE.test(String(a.inputs.policyArn)));
    return attached || asList(role.inputs.managedPolicyArns).some((arn) => SSM_CORE.test(String(arn)));
}

export const managedThroughSsm: StackRule = {
    kind: "stack",
    id: "WSO2-OPS-002",
    title: "Instances are managed through SSM",
    rationale: "Session Manager needs the SSM agent's permissions on the instance role; without them a node cannot be reached at all.",
    severity: "mandatory",
    fix: "give the instance an instance profile whose role has AmazonSSMManagedInstanceCore attached",
    equivalents: {},
    check(view) {
        return view.ofType(TYPES.instance).flatMap((instance): Violation[] => {
            if (instance.inputs.iamInstanceProfile === undefined) return [{ resource: instance, message: "no instance profile" }];
            const profile = view.resolve(instance.inputs.iamInstanceProfile, TYPES.instanceProfile);
            if (!profile) return [{ resource: instance, message: "instance profile not declared in this stack, so SSM access cannot be confirmed" }];
            const role = view.resolve(profile.inputs.role, TYPES.role);
            if (!role) return [{ resource: instance, message: `instance profile ${profile.name} has no role of this stack` }];
            return roleHasSsmCore(view, role)
                ? []
                : [{ resource: instance, message: `role ${role.name} lacks AmazonSSMManagedInstanceCore` }];
        });
    },
};

/** `*` or `service:*`: every action (of a service). */
function isBlanketAction(action: unknown): boolean {
    return action === "*" || /^[a-z0-9-]+:\*$/i.test(String(action));
}

export const noBlanketIamGrants: ResourceRule = {
    kind: "resource",
    id: "WSO2-SEC-012",
    title: "IAM policies grant no blanket actions or resources",
    rationale: "Node and service roles get the actions and resources they use; `*` turns one compromised node into the account.",
    severity: "advisory",
    fix: "name the actions and the resource ARNs (a prefix such as arn:…:secret:wso2-apim/dc1/* is fine)",
    equivalents: { checkov: ["CKV_AWS_63", "CKV_AWS_355"], cdkNag: ["AwsSolutions-IAM5"] },
    types: [TYPES.rolePolicy, TYPES.iamPolicy],
    check(resource) {
        return policyStatements(resource.inputs.policy)
            .filter((statement) => statement.Effect === "Allow")
            .flatMap((statement) => [
                ...asList(statement.Action).filter(isBlanketAction).map((action) => `allows action ${String(action)}`),
                ...asList(statement.Resource).filter((r) => r === "*").map(() => "allows resource *"),
            ]);
    },
};
