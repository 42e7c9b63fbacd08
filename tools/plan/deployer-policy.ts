/**
 * The IAM policies a stack's deploying role (`pulumi up`, `pulumi destroy`) and preview role
 * (`pulumi preview`, refresh) need, rendered from the plan: exactly the resource types it declares
 * and the data sources it calls, scoped to the names it gives (docs/deployer-iam.md).
 */
import { ArnKind, COMPONENT_PACKAGE, Grant, INVOKE_GRANTS, NOT_IN_AWS, RESOURCE_GRANTS } from "./deployer-policy-table";
import { Plan, PlanResource } from "./plan-json";
import { RecordedInvoke } from "../offline/run";

/** IAM quota: a managed policy document holds at most 6,144 characters, whitespace not counted. */
export const MANAGED_POLICY_MAX_CHARS = 6144;

export interface PolicyStatement {
    Sid: string;
    Effect: "Allow";
    Action: string[];
    Resource: string[];
    Condition?: Record<string, Record<string, string>>;
}

export interface PolicyDocument {
    Version: "2012-10-17";
    Statement: PolicyStatement[];
}

export interface RenderedPolicies {
    /** One or more documents, each within MANAGED_POLICY_MAX_CHARS: attach them all. */
    deployer: PolicyDocument[];
    preview: PolicyDocument[];
}

/** A type the table does not know: the plan fails rather than render a policy that misses it. */
export class UnknownPermissionsError extends Error {}

type Mode = "deployer" | "preview";

const KNOWN_AFTER_APPLY = /^\(known after apply: ([^.]+)\.[^)]*\)$/;
const isKnown = (value: unknown): value is string => typeof value === "string" && value !== "" && !value.startsWith("(known after apply");

/** The table entry of a type, or null for types that call nothing in AWS; throws for an unknown one. */
export function grantsOfType(type: string, declaredBy: string): Grant[] | null {
    if (NOT_IN_AWS.has(type) || type.split(":")[0] === COMPONENT_PACKAGE) return null;
    const grants = RESOURCE_GRANTS[type];
    if (!grants) {
        throw new UnknownPermissionsError(
            `no IAM permissions are known for resource type ${type} (declared by ${declaredBy}): add it to tools/plan/deployer-policy-table.ts (docs/deployer-iam.md)`);
    }
    return grants;
}

export function grantsOfInvoke(token: string): Grant[] {
    const grants = INVOKE_GRANTS[token];
    if (!grants) {
        throw new UnknownPermissionsError(
            `no IAM permissions are known for data source ${token}: add it to INVOKE_GRANTS in tools/plan/deployer-policy-table.ts (docs/deployer-iam.md)`);
    }
    return grants;
}

/** Everything the ARN builders read from a plan. */
class PlanNames {
    private readonly byUrn: Map<string, PlanResource>;
    /** Several resources may share a logical name (a role, its policy and its log group). */
    private readonly byName = new Map<string, PlanResource[]>();

    constructor(readonly plan: Plan, readonly invokes: RecordedInvoke[], readonly account: string) {
        this.byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
        for (const r of plan.resources) this.byName.set(r.name, [...(this.byName.get(r.name) ?? []), r]);
    }

    of(type: string): PlanResource[] {
        return this.plan.resources.filter((r) => r.type === type);
    }

    /** A resource acts in its explicit provider's region, else in the stack's. */
    regionOf(providerUrn: string | null): string {
        const provider = providerUrn ? this.byUrn.get(providerUrn) : undefined;
        return String(provider?.inputs.region ?? this.plan.config["aws:region"]);
    }

    regionsOf(resources: PlanResource[]): string[] {
        return [...new Set(resources.map((r) => this.regionOf(r.provider)))].sort();
    }

    /** Every region the stack declares anything in, and the regions its peerings reach. */
    allRegions(): string[] {
        const aws = this.plan.resources.filter((r) => r.type.startsWith("aws:"));
        const peers = aws.map((r) => r.inputs.peerRegion).filter(isKnown);
        return [...new Set([...this.regionsOf(aws), ...peers])].sort();
    }

    /** The resource of `type` an input refers to as `(known after apply: <name>.<property>)`. */
    referenced(value: unknown, type: string): PlanResource | undefined {
        const match = typeof value === "string" ? KNOWN_AFTER_APPLY.exec(value) : null;
        return match ? this.byName.get(match[1])?.find((r) => r.type === type) : undefined;
    }
}

/**
 * The name AWS will know a resource by, as an IAM pattern: the explicit name, a namePrefix
 * followed by `*`, or Pulumi's auto-name `<logical name>-<7 hex>` as `<logical name>-*`.
 */
export function namePattern(resource: PlanResource, key = "name"): string {
    const explicit = resource.inputs[key];
    if (isKnown(explicit)) return explicit;
    const prefix = resource.inputs.namePrefix;
    if (isKnown(prefix)) return `${prefix}*`;
    return `${resource.name}-*`;
}

/** `pattern` followed by `tail`, unless the pattern already ends in a wildcard that covers it. */
const followedBy = (pattern: string, tail: string) => (pattern.endsWith("*") ? pattern : `${pattern}${tail}`);

const SEPARATORS = /[-/:_.]/;

/**
 * Many ARNs of one service, region and account that share a name prefix become `<prefix>*`, cut
 * after a separator (`wso2-apim-dc1-` rather than `wso2-apim-dc1-n`), to keep the document small.
 * A group of three or fewer stays as it is: exact names are tighter.
 */
export function compressArns(arns: string[]): string[] {
    const unique = [...new Set(arns)].sort();
    const groups = new Map<string, string[]>();
    for (const arn of unique) {
        const head = arn.split(":").slice(0, 5).join(":");
        groups.set(head, [...(groups.get(head) ?? []), arn]);
    }
    return [...groups].flatMap(([head, members]) => {
        if (members.length <= 3 || members.includes("*")) return members;
        let prefix = members.reduce((common, arn) => {
            let i = 0;
            while (i < common.length && i < arn.length && common[i] === arn[i]) i++;
            return common.slice(0, i);
        });
        prefix = prefix.replace(/\*.*$/, "");
        let cut = prefix.length;
        while (cut > 0 && !SEPARATORS.test(prefix[cut - 1])) cut--;
        // Only a prefix that still names this deployment's things is worth it: `secret:wso2-apim/*`
        // would reach every deployment's secrets, `alarm:wso2-apim-dc1-*` this one's alarms only.
        const namePart = prefix.slice(head.length, cut).replace(/^:[a-z-]+[:/]/, "");
        return namePart.length >= 12 ? [`${prefix.slice(0, cut)}*`] : members;
    }).sort();
}

/** The roles a type hands to a service: what its inputs refer to (instance profile → role). */
function passedRoles(names: PlanNames, type: string): PlanResource[] {
    const roleOf = (value: unknown): PlanResource | undefined => {
        const profile = names.referenced(value, "aws:iam/instanceProfile:InstanceProfile");
        return profile ? roleOf(profile.inputs.role) : names.referenced(value, "aws:iam/role:Role");
    };
    const references: Record<string, string> = {
        "aws:ec2/instance:Instance": "iamInstanceProfile",
        "aws:iam/instanceProfile:InstanceProfile": "role",
        "aws:rds/instance:Instance": "monitoringRoleArn",
        "aws:ec2/flowLog:FlowLog": "iamRoleArn",
    };
    const key = references[type];
    return names.of(type).map((r) => roleOf(r.inputs[key])).filter((r): r is PlanResource => r !== undefined);
}

/** The ARNs a grant of `type` may act on. */
function arnsOf(kind: ArnKind, type: string, grant: Grant, names: PlanNames): string[] {
    const a = names.account;
    const perRegion = (resources: PlanResource[], arn: (region: string, r: PlanResource) => string) =>
        resources.map((r) => arn(names.regionOf(r.provider), r));
    const inRegions = (regions: string[], arn: (region: string) => string) => regions.map(arn);
    switch (kind) {
        case "*":
            return ["*"];
        case "ec2":
            return inRegions(names.allRegions(), (region) => `arn:aws:ec2:${region}:${a}:*`);
        case "ec2-public-image":
            return inRegions(names.allRegions(), (region) => `arn:aws:ec2:${region}::image/*`)
                .concat(inRegions(names.allRegions(), (region) => `arn:aws:ec2:${region}::snapshot/*`));
        case "elb-load-balancer":
            return perRegion(names.of("aws:lb/loadBalancer:LoadBalancer"), (region, r) =>
                `arn:aws:elasticloadbalancing:${region}:${a}:loadbalancer/app/${followedBy(namePattern(r), "/*")}`);
        case "elb-listener":
            // Listener and rule ARNs carry their load balancer's name.
            return ["listener", "listener-rule"].flatMap((kindOfArn) => perRegion(names.of("aws:lb/loadBalancer:LoadBalancer"), (region, r) =>
                `arn:aws:elasticloadbalancing:${region}:${a}:${kindOfArn}/app/${followedBy(namePattern(r), "/*")}`));
        case "elb-target-group":
            return perRegion(names.of("aws:lb/targetGroup:TargetGroup"), (region, r) =>
                `arn:aws:elasticloadbalancing:${region}:${a}:targetgroup/${followedBy(namePattern(r), "/*")}`);
        case "acm-certificate":
            return inRegions(names.regionsOf(names.of("aws:acm/certificate:Certificate")), (region) => `arn:aws:acm:${region}:${a}:certificate/*`);
        case "route53-zone": {
            // A zone the stack creates has no id before apply: then any zone (Route 53 ids are random).
            const referenced = [...names.of("aws:route53/record:Record"), ...names.of("aws:route53/zoneAssociation:ZoneAssociation")].map((r) => r.inputs.zoneId);
            const created = names.of("aws:route53/zone:Zone").length > 0 || names.invokes.some((i) => i.token === "aws:route53/getZone:getZone");
            if (created || referenced.some((id) => !isKnown(id))) return ["arn:aws:route53:::hostedzone/*"];
            return referenced.filter(isKnown).map((id) => `arn:aws:route53:::hostedzone/${id}`);
        }
        case "route53-change":
            return ["arn:aws:route53:::change/*"];
        case "route53-health-check":
            return ["arn:aws:route53:::healthcheck/*"];
        case "rds-db":
            return perRegion(names.of("aws:rds/instance:Instance"), (region, r) => `arn:aws:rds:${region}:${a}:db:${namePattern(r, "identifier")}`);
        case "rds-backup-source":
            // Another stack's database, whose backups this stack copies into its own region.
            return names.of("aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication").map((r) => r.inputs.sourceDbInstanceArn).filter(isKnown);
        case "rds-parameter-group":
            return perRegion(names.of("aws:rds/parameterGroup:ParameterGroup"), (region, r) => `arn:aws:rds:${region}:${a}:pg:${namePattern(r)}`);
        case "rds-subnet-group":
            return perRegion(names.of("aws:rds/subnetGroup:SubnetGroup"), (region, r) => `arn:aws:rds:${region}:${a}:subgrp:${namePattern(r)}`);
        case "rds-default-option-group":
            return inRegions(names.regionsOf(names.of("aws:rds/instance:Instance")), (region) => `arn:aws:rds:${region}:${a}:og:default:*`);
        case "rds-final-snapshot":
            return perRegion(names.of("aws:rds/instance:Instance").filter((r) => isKnown(r.inputs.finalSnapshotIdentifier)), (region, r) =>
                `arn:aws:rds:${region}:${a}:snapshot:${r.inputs.finalSnapshotIdentifier}`);
        case "rds-auto-backup": {
            const replications = names.of("aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication");
            const sourceRegions = replications.map((r) => r.inputs.sourceDbInstanceArn).filter(isKnown).map((arn) => arn.split(":")[3]);
            return inRegions([...new Set([...names.regionsOf(replications), ...sourceRegions])].sort(), (region) => `arn:aws:rds:${region}:${a}:auto-backup:*`);
        }
        case "rds-managed-secret":
            return inRegions(names.regionsOf(names.of("aws:rds/instance:Instance").filter((r) => r.inputs.manageMasterUserPassword === true)),
                (region) => `arn:aws:secretsmanager:${region}:${a}:secret:rds!db-*`);
        case "secret":
            return names.of("aws:secretsmanager/secret:Secret").flatMap((r) => {
                const replicas = ((r.inputs.replicas ?? []) as { region?: unknown }[]).map((replica) => replica.region).filter(isKnown);
                // A secret's ARN is its name, `-` and six random characters.
                const pattern = followedBy(namePattern(r), "-??????");
                return [names.regionOf(r.provider), ...replicas].map((region) => `arn:aws:secretsmanager:${region}:${a}:secret:${pattern}`);
            });
        case "ssm-parameter":
            return perRegion(names.of("aws:ssm/parameter:Parameter"), (region, r) => {
                const name = namePattern(r);
                return `arn:aws:ssm:${region}:${a}:parameter${name.startsWith("/") ? "" : "/"}${name}`;
            });
        case "ssm-public-parameter":
            // AWS's public parameters belong to no account: their ARNs have an empty account field.
            return names.invokes.filter((i) => i.token === "aws:ssm/getParameter:getParameter" && isKnown(i.inputs.name))
                .map((i) => `arn:aws:ssm:${names.regionOf(i.provider)}::parameter${i.inputs.name}`);
        case "cloudformation-stack":
            return perRegion(names.of("aws:cloudformation/stack:Stack"), (region, r) => `arn:aws:cloudformation:${region}:${a}:stack/${followedBy(namePattern(r), "/*")}`);
        case "iam-role": {
            const roles = grant.forService ? passedRoles(names, type) : names.of("aws:iam/role:Role");
            return roles.map((r) => `arn:aws:iam::${a}:role/${namePattern(r)}`);
        }
        case "iam-instance-profile":
            return names.of("aws:iam/instanceProfile:InstanceProfile").map((r) => `arn:aws:iam::${a}:instance-profile/${namePattern(r)}`);
        case "iam-service-linked-role":
            return [`arn:aws:iam::${a}:role/aws-service-role/${grant.forService}/*`];
        case "s3-bucket":
            return names.of("aws:s3/bucket:Bucket").map((r) => `arn:aws:s3:::${namePattern(r, "bucket")}`);
        case "s3-object":
            if (type === "aws:s3/bucket:Bucket") {
                // Only a bucket the provider empties before deleting it (forceDestroy).
                return names.of(type).filter((r) => r.inputs.forceDestroy === true).map((r) => `arn:aws:s3:::${followedBy(namePattern(r, "bucket"), "/*")}`);
            }
            return names.of("aws:s3/bucketObjectv2:BucketObjectv2").filter((r) => isKnown(r.inputs.bucket) && isKnown(r.inputs.key))
                .map((r) => `arn:aws:s3:::${r.inputs.bucket}/${r.inputs.key}`);
        case "log-group":
            return perRegion(names.of("aws:cloudwatch/logGroup:LogGroup"), (region, r) => `arn:aws:logs:${region}:${a}:log-group:${followedBy(namePattern(r), ":*")}`);
        case "alarm":
            return perRegion(names.of("aws:cloudwatch/metricAlarm:MetricAlarm"), (region, r) => `arn:aws:cloudwatch:${region}:${a}:alarm:${namePattern(r)}`);
        case "dashboard":
            return names.of("aws:cloudwatch/dashboard:Dashboard").map((r) => `arn:aws:cloudwatch::${a}:dashboard/${namePattern(r, "dashboardName")}`);
        case "sns-topic":
            return perRegion(names.of("aws:sns/topic:Topic"), (region, r) => `arn:aws:sns:${region}:${a}:${namePattern(r)}`);
        case "kms-key":
            return inRegions(names.regionsOf(names.of("aws:kms/key:Key")), (region) => `arn:aws:kms:${region}:${a}:key/*`);
        case "efs-file-system":
            return inRegions(names.regionsOf(names.of("aws:efs/fileSystem:FileSystem")), (region) => `arn:aws:elasticfilesystem:${region}:${a}:file-system/*`);
        case "efs-access-point":
            return inRegions(names.regionsOf(names.of("aws:efs/accessPoint:AccessPoint")), (region) => `arn:aws:elasticfilesystem:${region}:${a}:access-point/*`);
    }
}

/** The condition that limits a grant to one service, when it has one. */
function conditionOf(grant: Grant, actions: string[]): PolicyStatement["Condition"] | undefined {
    if (!grant.forService) return undefined;
    if (actions.includes("iam:PassRole")) return { StringEquals: { "iam:PassedToService": grant.forService } };
    if (actions.includes("iam:CreateServiceLinkedRole")) return { StringEquals: { "iam:AWSServiceName": grant.forService } };
    return undefined;
}

interface Entry {
    actions: string[];
    resources: string[];
    condition?: PolicyStatement["Condition"];
}

/** Every grant the plan needs in `mode`, with its ARNs. */
function entriesOf(names: PlanNames, mode: Mode): Entry[] {
    const entries: Entry[] = [];
    const add = (grants: Grant[], type: string) => {
        for (const grant of grants) {
            const actions = [...(grant.read ?? []), ...(mode === "deployer" ? grant.write ?? [] : [])];
            if (actions.length === 0) continue;
            const resources = compressArns(grant.on.flatMap((kind) => arnsOf(kind, type, grant, names)));
            if (resources.length === 0) continue;
            entries.push({ actions, resources: resources.includes("*") ? ["*"] : resources, condition: conditionOf(grant, actions) });
        }
    };
    const types = new Map<string, string>();
    for (const r of names.plan.resources) if (!types.has(r.type)) types.set(r.type, r.name);
    for (const [type, declaredBy] of types) {
        const grants = grantsOfType(type, declaredBy);
        // The preview runs without refresh (tools/plan/real-preview.ts): it reads no resource from AWS,
        // only the data sources; a refresh could not run with this role anyway (a SecretVersion's Read
        // needs GetSecretValue, which the preview role never gets).
        if (grants && mode === "deployer") add(grants, type);
    }
    for (const token of new Set(names.invokes.map((i) => i.token))) add(grantsOfInvoke(token), token);
    return entries;
}

const serviceOf = (action: string) => action.split(":")[0];
const capitalized = (word: string) => word.split("-").map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join("");

/** Entries that act on the same resources under the same condition share one statement. */
function statementsOf(entries: Entry[]): PolicyStatement[] {
    const merged = new Map<string, Entry>();
    for (const entry of entries) {
        const key = JSON.stringify([entry.resources, entry.condition ?? null]);
        const existing = merged.get(key);
        if (existing) existing.actions.push(...entry.actions);
        else merged.set(key, { ...entry, actions: [...entry.actions] });
    }
    const statements = [...merged.values()].map((entry) => {
        const actions = [...new Set(entry.actions)].sort();
        return { actions, entry, services: [...new Set(actions.map(serviceOf))] };
    }).sort((x, y) => x.services.join().localeCompare(y.services.join()) || x.entry.resources.join().localeCompare(y.entry.resources.join()));
    return statements.map(({ actions, entry, services }, i) => ({
        Sid: `${services.map(capitalized).join("")}${i + 1}`.slice(0, 100),
        Effect: "Allow" as const,
        Action: actions,
        Resource: entry.resources,
        ...(entry.condition ? { Condition: entry.condition } : {}),
    }));
}

/** Characters IAM counts against the quota: the document without whitespace. */
export const policySize = (document: PolicyDocument) => JSON.stringify(document).length;

/** A statement too large for one document alone is halved by its actions. */
function fitting(statement: PolicyStatement, max: number): PolicyStatement[] {
    if (policySize({ Version: "2012-10-17", Statement: [statement] }) <= max || statement.Action.length === 1) return [statement];
    const half = Math.ceil(statement.Action.length / 2);
    return [
        ...fitting({ ...statement, Sid: `${statement.Sid}a`, Action: statement.Action.slice(0, half) }, max),
        ...fitting({ ...statement, Sid: `${statement.Sid}b`, Action: statement.Action.slice(half) }, max),
    ];
}

/** Statements packed in order into as few documents as the managed-policy quota allows. */
export function splitIntoDocuments(statements: PolicyStatement[], max = MANAGED_POLICY_MAX_CHARS): PolicyDocument[] {
    const documents: PolicyDocument[] = [];
    let current: PolicyDocument = { Version: "2012-10-17", Statement: [] };
    for (const statement of statements.flatMap((s) => fitting(s, max))) {
        const candidate: PolicyDocument = { ...current, Statement: [...current.Statement, statement] };
        if (current.Statement.length > 0 && policySize(candidate) > max) {
            documents.push(current);
            current = { Version: "2012-10-17", Statement: [statement] };
        } else {
            current = candidate;
        }
    }
    if (current.Statement.length > 0) documents.push(current);
    return documents;
}

/**
 * The deployer's and the preview's policies for a plan. `account` goes into every ARN that has an
 * account field: the plan's (offline, the pretend cloud's) unless the caller knows the real one.
 */
export function renderPolicies(plan: Plan, invokes: RecordedInvoke[], account: string): RenderedPolicies {
    const names = new PlanNames(plan, invokes, account);
    return {
        deployer: splitIntoDocuments(statementsOf(entriesOf(names, "deployer"))),
        preview: splitIntoDocuments(statementsOf(entriesOf(names, "preview"))),
    };
}

/** File names under out/<stack>/: deployer-policy-1.json, … (one per managed policy). */
export function policyFiles(policies: RenderedPolicies): { path: string; document: PolicyDocument }[] {
    const numbered = (kind: string, documents: PolicyDocument[]) => documents.map((document, i) => ({ path: `${kind}-policy-${i + 1}.json`, document }));
    return [...numbered("deployer", policies.deployer), ...numbered("preview", policies.preview)];
}

/**
 * A count with thousands separators, as `toLocaleString("en-US")` writes it (6,144). Written out: the
 * first toLocaleString of a process sets up ICU's number formatting, ~10 ms measured, for four numbers.
 */
function withThousands(count: number): string {
    if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`not a count: ${count}`);
    return String(count).replace(/\B(?=(\d{3})+$)/g, ",");
}

/** The summary.md section: where the policies are, how many statements, their sizes. */
export function policiesSection(policies: RenderedPolicies): string {
    const rows = policyFiles(policies).map(({ path, document }) =>
        `| \`${path}\` | ${document.Statement.length} | ${withThousands(policySize(document))} |`);
    return [
        `The deploying role (\`pulumi up\`, \`pulumi destroy\`) needs every \`deployer-policy-*.json\` attached; the preview role every \`preview-policy-*.json\` (docs/deployer-iam.md). ` +
            `Each is one managed policy within IAM's ${withThousands(MANAGED_POLICY_MAX_CHARS)} characters (whitespace not counted).`,
        "",
        "| file | statements | characters |",
        "| --- | ---: | ---: |",
        ...rows,
    ].join("\n");
}
