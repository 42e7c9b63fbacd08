/**
 * What the `pulumi preview` job of .github/workflows/preview.yml needs, from one source: the stacks
 * and their Pulumi names come from the stack files and `stackReferencePrefix` (the same prefix the
 * program reads its peers' stacks under), and the job runs only when everything it needs is there.
 *
 * `node -r sucrase/register/ts tools/plan/preview-setup.ts readiness` (in the workflow: reads FORK,
 * AWS_PREVIEW_ROLE_ARN, PULUMI_ACCESS_TOKEN_SET, PULUMI_OIDC_ORGANIZATION and PULUMI_OIDC_TEAM,
 * writes `ready` and `stacks` to $GITHUB_OUTPUT)
 * `node -r sucrase/register/ts tools/plan/preview-setup.ts trust-policy <account id> <owner/repo>`
 */
import * as fs from "fs";
import * as path from "path";
import { ConfigSource, parseConfig, peeredDatacenters } from "../../lib/config";
import { listStacks, loadStackConfig, toRuntimeConfig } from "../../lib/stack-config";

export interface PreviewStack {
    /** The stack file's name: Pulumi.<stack>.yaml. */
    stack: string;
    region: string;
    /** The fully qualified Pulumi stack: <stackReferencePrefix>/<stack>. */
    pulumiStack: string;
    /**
     * The Pulumi stacks whose outputs this one reads: every earlier datacenter of config
     * `datacenters`, under its `stack` name (lib/config.ts peeredDatacenters, the rule
     * components/region.ts declares its peerings by), whether or not it has a stack file here.
     * Until they have outputs, its preview cannot run.
     */
    peers: string[];
}

export interface PreviewSettings {
    /** The pull request comes from a fork: GitHub passes it no secrets and no variables. */
    fork: boolean;
    awsRoleArn: string;
    /** Repository secret PULUMI_ACCESS_TOKEN is set. */
    pulumiTokenSet: boolean;
    /**
     * Repository variable PULUMI_OIDC_ORGANIZATION: when set, the job exchanges its GitHub OIDC token
     * for a Pulumi token of this organization (pulumi/auth-actions@v2) instead of using the secret.
     */
    oidcOrganization?: string;
    /** Repository variable PULUMI_OIDC_TEAM: ask for a team token of this team (read-only team); else an organization token. */
    oidcTeam?: string;
}

/** How the preview job gets its Pulumi token: exchanged through OIDC when the organization variable is set, else the secret. */
export function pulumiAuth(settings: PreviewSettings): "oidc" | "secret" | "none" {
    if (settings.oidcOrganization) return "oidc";
    return settings.pulumiTokenSet ? "secret" : "none";
}

/** The organization Pulumi.yaml ships in `stackReferencePrefix` (organization/wso2-apim-multi-dc) until it is set. */
const EXAMPLE_ORGANIZATION = "organization";

/**
 * Every stack with its region and Pulumi name. The stacks agree on the prefix: it is shared, set in
 * Pulumi.yaml only (the loader refuses a stack file that sets it).
 */
export function previewStacks(projectDir: string): PreviewStack[] {
    return listStacks(projectDir).map((stack) => {
        const config = loadStackConfig(projectDir, stack);
        // Parsed as the program parses it (lib/config.ts): the same datacenters, stack names and prefix.
        const runtime = toRuntimeConfig(config);
        const namespace = (name: string): ConfigSource => ({ get: (key) => runtime[`${name}:${key}`] });
        const parsed = parseConfig(namespace(config.project), namespace("aws"), stack);
        return {
            stack,
            region: parsed.self.region,
            pulumiStack: `${parsed.replication.stackReferencePrefix}/${stack}`,
            peers: peeredDatacenters(parsed).map((p) => p.stackName),
        };
    });
}

/** Pulumi.yaml's `name`: the project every stack of this program belongs to. */
export function projectName(projectDir: string): string {
    const match = /^name:\s*(\S+)\s*$/m.exec(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8"));
    if (!match) throw new Error("Pulumi.yaml has no name");
    return match[1].replace(/^["']|["']$/g, "");
}

/** What is missing for a real preview, each with where to set it; empty when the preview can run. */
export function missingForPreview(settings: PreviewSettings, stacks: PreviewStack[], project?: string): string[] {
    // GitHub passes neither secrets (GitHub Docs, "Using secrets in GitHub Actions") nor configuration
    // variables to a workflow run by a pull request from a fork.
    if (settings.fork) return ["a pull request from a fork gets no secrets or variables: the preview runs for branches of this repository only"];
    const missing: string[] = [];
    if (!settings.awsRoleArn) missing.push("repository variable AWS_PREVIEW_ROLE_ARN (the read-only role the preview assumes through OIDC; docs/preview.md)");
    if (pulumiAuth(settings) === "none") {
        missing.push("a Pulumi token: repository variable PULUMI_OIDC_ORGANIZATION (the job exchanges its GitHub OIDC token for one; docs/preview.md), or repository secret PULUMI_ACCESS_TOKEN (a Pulumi Cloud token that can read the stacks)");
    }
    // pulumi/auth-actions asks for a token of one organization (its `organization` input, the audience
    // urn:pulumi:org:<name> of Pulumi Cloud's token exchange): the stacks must be that organization's.
    const organizations = [...new Set(stacks.map((s) => s.pulumiStack.split("/")[0]))];
    if (pulumiAuth(settings) === "oidc" && organizations.some((org) => org !== settings.oidcOrganization)) {
        missing.push(`repository variable PULUMI_OIDC_ORGANIZATION (${settings.oidcOrganization}) is not the organization of stackReferencePrefix (${organizations.join(", ")}): the exchanged token could not read the stacks`);
    }
    if (stacks.length === 0) missing.push("a stack file Pulumi.<stack>.yaml");
    const example = stacks.find((s) => s.pulumiStack.split("/")[0] === EXAMPLE_ORGANIZATION);
    if (example) missing.push(`stackReferencePrefix in Pulumi.yaml: still the shipped example (${example.pulumiStack.replace(/\/[^/]+$/, "")}); set your <organization>/<project>`);
    // A fully qualified stack name is <organization>/<project>/<stack>. With another project the
    // preview would look for, or create, stacks of a project this program is not (pulumi/pulumi
    // pkg/backend/httpstate/backend.go, CreateStack: currentProjectContradictsWorkspace →
    // "provided project name %q doesn't match Pulumi.yaml"), and peers would be read from it.
    const foreign = project === undefined ? undefined : stacks.find((s) => s.pulumiStack.split("/")[1] !== project);
    if (foreign) missing.push(`stackReferencePrefix in Pulumi.yaml: its project (${foreign.pulumiStack.split("/")[1]}) is not Pulumi.yaml's name (${project}); set <organization>/${project}`);
    return missing;
}

/**
 * The trust policy of the preview role: GitHub's OIDC provider in the account may assume it only
 * for a pull_request run of this repository, with the audience configure-aws-credentials requests.
 * GitHub Docs, OpenID Connect reference, "Filtering for pull_request events": the subject of such a
 * run is `repo:<owner>/<repo>:pull_request`; "Configuring OpenID Connect in Amazon Web Services":
 * provider https://token.actions.githubusercontent.com, audience sts.amazonaws.com, and a condition
 * on `token.actions.githubusercontent.com:sub` so that no other repository can assume the role.
 */
export function previewRoleTrustPolicy(accountId: string, repository: string): object {
    if (!/^\d{12}$/.test(accountId)) throw new Error(`account id must be 12 digits, got "${accountId}"`);
    if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repository)) throw new Error(`repository must be <owner>/<repo>, got "${repository}"`);
    const issuer = "token.actions.githubusercontent.com";
    return {
        Version: "2012-10-17",
        Statement: [{
            Effect: "Allow",
            Principal: { Federated: `arn:aws:iam::${accountId}:oidc-provider/${issuer}` },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: {
                StringEquals: {
                    [`${issuer}:aud`]: "sts.amazonaws.com",
                    [`${issuer}:sub`]: `repo:${repository}:pull_request`,
                },
            },
        }],
    };
}

/** The settings as the workflow's check step passes them (variables and whether the secret is set). */
export function settingsFromEnv(env: NodeJS.ProcessEnv): PreviewSettings {
    return {
        fork: env.FORK === "true",
        awsRoleArn: env.AWS_PREVIEW_ROLE_ARN ?? "",
        pulumiTokenSet: env.PULUMI_ACCESS_TOKEN_SET === "true",
        oidcOrganization: env.PULUMI_OIDC_ORGANIZATION || undefined,
        oidcTeam: env.PULUMI_OIDC_TEAM || undefined,
    };
}

function readiness(projectDir: string, env: NodeJS.ProcessEnv): void {
    const stacks = previewStacks(projectDir);
    const settings = settingsFromEnv(env);
    const missing = missingForPreview(
        settings,
        stacks,
        projectName(projectDir),
    );
    const auth = pulumiAuth(settings) === "oidc"
        ? `a Pulumi ${settings.oidcTeam ? `team token of ${settings.oidcOrganization}/${settings.oidcTeam}` : `organization token of ${settings.oidcOrganization}`} exchanged through OIDC`
        : "the repository secret PULUMI_ACCESS_TOKEN";
    const report = missing.length === 0
        ? `pulumi preview runs for ${stacks.map((s) => s.pulumiStack).join(", ")}, with ${auth}.`
        : `pulumi preview skipped; it needs:\n${missing.map((m) => `- ${m}`).join("\n")}`;
    console.log(report);
    if (env.GITHUB_STEP_SUMMARY) fs.appendFileSync(env.GITHUB_STEP_SUMMARY, `### Real preview\n\n${report}\n`);
    if (env.GITHUB_OUTPUT) {
        fs.appendFileSync(env.GITHUB_OUTPUT, `ready=${missing.length === 0}\nstacks=${JSON.stringify(stacks)}\n`);
    }
}

if (require.main === module) {
    const [command, ...args] = process.argv.slice(2);
    try {
        if (command === "readiness") readiness(path.resolve(__dirname, "..", ".."), process.env);
        else if (command === "trust-policy" && args.length === 2) console.log(JSON.stringify(previewRoleTrustPolicy(args[0], args[1]), null, 2));
        else throw new Error("usage: preview-setup.ts readiness | trust-policy <account id> <owner/repo>");
    } catch (err) {
        console.error(`preview-setup: ${(err as Error).message}`);
        process.exit(1);
    }
}
