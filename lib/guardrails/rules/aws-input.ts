/**
 * AWS input constraints: every name, description and tag the stacks send must be one the AWS API
 * accepts, or `pulumi up` fails half-way (issue 11: apostrophes in security-group descriptions).
 * The mocks accept anything, so these rules are the only check before a real deployment. Each
 * rule names its source; names are judged as AWS receives them, auto-names included (aws-names.ts).
 */
import { dnsNameProblems, isKnown, NameCheck, nameProblems, NameRule, physicalName, textProblems } from "../aws-names";
import { asList, isRecord } from "../inputs";
import { GuardedResource, ResourceRule } from "../model";
import { effectiveTags, isTaggable, providerDefaultTags } from "../tags";
import { TYPES } from "../types";

const startsWith = (prefix: string): NameCheck => ({ fails: (n) => n.toLowerCase().startsWith(prefix), message: `starts with "${prefix}", which AWS reserves` });
const endsWith = (suffix: string): NameCheck => ({ fails: (n) => n.toLowerCase().endsWith(suffix), message: `ends with "${suffix}", which AWS reserves` });
const LETTER_FIRST: NameCheck = { fails: (n) => !/^[A-Za-z]/.test(n), message: "does not start with a letter" };
const NO_DOUBLE_HYPHEN: NameCheck = { fails: (n) => n.includes("--"), message: "has two consecutive hyphens" };
const NO_TRAILING_HYPHEN: NameCheck = { fails: (n) => n.endsWith("-"), message: "ends with a hyphen" };
const NO_EDGE_HYPHEN: NameCheck = { fails: (n) => n.startsWith("-") || n.endsWith("-"), message: "begins or ends with a hyphen" };

/**
 * EC2 API Reference: CreateSecurityGroup (GroupName, GroupDescription), IpRange / UserIdGroupPair /
 * SecurityGroupRuleRequest (Description): a-zA-Z0-9, spaces and ._-:/()#,@[]+=&;{}!$*, 255 at most.
 */
const EC2_TEXT = /[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]/;
const EC2_TEXT_TEXT = "a-zA-Z0-9, space and ._-:/()#,@[]+=&;{}!$*";

export const ec2Descriptions: ResourceRule = {
    kind: "resource",
    id: "WSO2-AWS-001",
    title: "Security group and rule descriptions use only the characters EC2 accepts, 255 at most",
    rationale: "EC2 rejects any other character (an apostrophe included) and the whole `pulumi up` fails (EC2 API Reference: CreateSecurityGroup GroupDescription, IpRange and UserIdGroupPair Description).",
    severity: "mandatory",
    fix: "write the description with a-zA-Z0-9, space and ._-:/()#,@[]+=&;{}!$* only (no apostrophes or quotes), at most 255 characters",
    equivalents: {},
    types: [TYPES.securityGroup, TYPES.securityGroupRule, TYPES.ingressRule, TYPES.egressRule],
    check(resource) {
        const inline = [...asList(resource.inputs.ingress), ...asList(resource.inputs.egress)].filter(isRecord);
        return [
            ...textProblems("description", resource.inputs.description, 255, EC2_TEXT, EC2_TEXT_TEXT),
            ...inline.flatMap((rule, i) => textProblems(`inline rule ${i + 1} description`, rule.description, 255, EC2_TEXT, EC2_TEXT_TEXT)),
        ];
    },
};

/** EC2 API Reference, CreateSecurityGroup GroupName: 255 at most, EC2's text characters, not `sg-` first. */
const SECURITY_GROUP_NAME: NameRule = {
    label: "security group name",
    max: 255,
    chars: EC2_TEXT,
    charsText: EC2_TEXT_TEXT,
    checks: [startsWith("sg-")],
};

export const securityGroupNames: ResourceRule = {
    kind: "resource",
    id: "WSO2-AWS-002",
    title: "Security group names (auto-names included) are valid EC2 group names",
    rationale: "EC2 takes group names of at most 255 of its text characters that do not start with sg- (EC2 API Reference: CreateSecurityGroup GroupName).",
    severity: "mandatory",
    fix: "give the security group a logical name (or name/namePrefix) that does not start with sg- and uses a-zA-Z0-9, space and ._-:/()#,@[]+=&;{}!$* only",
    equivalents: {},
    types: [TYPES.securityGroup],
    check: (resource) => nameProblems(physicalName(resource), SECURITY_GROUP_NAME),
};

/**
 * Tags: keys of at most 128 characters (127 for EC2: EC2 API Reference, Tag), values of at most
 * 256, no `aws:` prefix, and the characters the tagging APIs accept, letters, digits, spaces and
 * _ . : / = + - @ (Tagging AWS Resources user guide, "Tag naming limits and requirements"; e.g.
 * Resource Groups Tagging API, Tag: ^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$). EC2 alone takes more, but the
 * provider's defaultTags land on every service's resources.
 */
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const EC2_TAG_KEY_MAX = 127;
const TAG_KEY_MAX = 128;
const TAG_VALUE_MAX = 256;

function isEc2Type(type: string): boolean {
    return /^aws:(ec2|vpc|ebs)\//.test(type);
}

export const tagLimits: ResourceRule = {
    kind: "resource",
    id: "WSO2-AWS-003",
    title: "Tags, the provider's defaultTags included, fit AWS's tag limits",
    rationale: "A tag key over 128 characters (127 on EC2), a value over 256, an aws: prefix or a character outside letters, digits, spaces and _.:/=+-@ fails the create call (EC2 API Reference: Tag; Tagging AWS Resources: tag naming limits).",
    severity: "mandatory",
    fix: "shorten the tag or drop the offending characters, in the resource's tags or the provider's defaultTags; never start a key with aws:",
    equivalents: {},
    types: ["aws:*"],
    check(resource, scope) {
        if (!isTaggable(resource.type)) return [];
        const fromProvider = providerDefaultTags(scope.provider);
        const own = isRecord(resource.inputs.tags) ? resource.inputs.tags : {};
        const keyMax = isEc2Type(resource.type) ? EC2_TAG_KEY_MAX : TAG_KEY_MAX;
        return Object.entries(effectiveTags(resource, scope.provider)).flatMap(([key, value]) => {
            const where = key in own || !(key in fromProvider) ? "" : " (provider defaultTags)";
            const problems: string[] = [];
            if (key.length === 0 || [...key].length > keyMax) problems.push(`tag key "${key}"${where} is ${[...key].length} characters; AWS allows 1 to ${keyMax}`);
            if (/^aws:/i.test(key)) problems.push(`tag key "${key}"${where} starts with aws:, which AWS reserves`);
            if (!TAG_TEXT.test(key)) problems.push(`tag key "${key}"${where} has characters outside letters, digits, spaces and _.:/=+-@`);
            if (isKnown(value)) {
                if ([...value].length > TAG_VALUE_MAX) problems.push(`tag ${key}${where} value is ${[...value].length} characters; AWS allows ${TAG_VALUE_MAX}`);
                if (!TAG_TEXT.test(value)) problems.push(`tag ${key}${where} value "${value}" has characters outside letters, digits, spaces and _.:/=+-@`);
            }
            return problems;
        });
    },
};

/**
 * ELBv2 API Reference: CreateLoadBalancer and CreateTargetGroup Name: at most 32 alphanumerics or
 * hyphens, not beginning or ending with a hyphen; a load balancer's not beginning with
 * "internal-". A prefix leaves 32 − 26 = 6 characters (@pulumi/aws lb.TargetGroupArgs.namePrefix:
 * "cannot be longer than 6 characters").
 */
const elbName = (label: string, checks: NameCheck[] = []): NameRule => ({
    label,
    max: 32,
    chars: /[A-Za-z0-9-]/,
    charsText: "letters, digits and hyphens",
    checks: [NO_EDGE_HYPHEN, ...checks],
});
const LOAD_BALANCER_NAME = elbName("load balancer name", [startsWith("internal-")]);
const TARGET_GROUP_NAME = elbName("target group name");

export const loadBalancerNames: ResourceRule = {
    kind: "resource",
    id: "WSO2-AWS-004",
    title: "Load balancer and target group names (auto-names included) fit ELBv2's 32 characters",
    rationale: "ELBv2 takes at most 32 letters, digits and hyphens, no hyphen at either end, no internal- first; an auto-name adds 8 characters to the logical name (ELBv2 API Reference: CreateLoadBalancer, CreateTargetGroup Name).",
    severity: "mandatory",
    fix: "shorten the logical name to 24 characters or less (the auto-name adds 8), or set name (32 at most) or namePrefix (6 at most)",
    equivalents: {},
    types: [TYPES.loadBalancer, TYPES.targetGroup],
    check: (resource) => nameProblems(physicalName(resource), resource.type === TYPES.loadBalancer ? LOAD_BALANCER_NAME : TARGET_GROUP_NAME),
};

/**
 * IAM API Reference: CreateRole RoleName 1–64; CreateInstanceProfile InstanceProfileName,
 * CreatePolicy and PutRolePolicy PolicyName 1–128; all of pattern [\w+=,.@-]+. Path: `/` or
 * `/…/` of ASCII 0x21–0x7E, 512 at most. Role and policy descriptions: 1000 at most, printable
 * Latin-1. (Issue 11 says 64 for instance profiles; the API reference says 128, and we follow it.)
 */
const IAM_NAME = { chars: /[\w+=,.@-]/, charsText: "letters, digits and _+=,.@-" };
const IAM_NAMES: Record<string, NameRule> = {
    [TYPES.role]: { label: "role name", max: 64, ...IAM_NAME },
    [TYPES.instanceProfile]: { label: "instance profile name", max: 128, ...IAM_NAME },
    [TYPES.iamPolicy]: { label: "policy name", max: 128, ...IAM_NAME },
    [TYPES.rolePolicy]: { label: "inline policy name", max: 128, ...IAM_NAME },
};
const IAM_PATH = /^(\/|\/[\u0021-\u007E]+\/)$/;
const IAM_DESCRIPTION = /[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]/;

export const iamNames: ResourceRule = {
    kind: "resource",
    id: "WSO2-AWS-005",
    title: "IAM role, instance profile and policy names (auto-names included) are valid IAM names",
    rationale: "IAM takes role names of 64 characters and instance profile and policy names of 128, of letters, digits and _+=,.@- (IAM API Reference: CreateRole, CreateInstanceProfile, CreatePolicy, PutRolePolicy).",
    severity: "mandatory",
    fix: "shorten the logical name (roles: 56 characters, as the auto-name adds 8) or set name/namePrefix with letters, digits and _+=,.@- only",
    equivalents: {},
    types: Object.keys(IAM_NAMES),
    check(resource) {
        const path = resource.inputs.path;
        return [
            ...nameProblems(physicalName(resource), IAM_NAMES[resource.type]),
            ...(isKnown(path) && (path.length > 512 || !IAM_PATH.test(path)) ? [`path "${path}" is not / or /…/ of printable ASCII, 512 at most`] : []),
            ...textProblems("description", resource.inputs.description, 1000, IAM_DESCRIPTION, "printable Latin-1"),
        ];
    },
};

/**
 * RDS API Reference: CreateDBInstance DBInstanceIdentifier 1–63, CreateDBParameterGroup
 * DBParameterGroupName and DeleteDBInstance FinalDBSnapshotIdentifier 1–255: letters, digits or
 * hyphens, a letter first, no two consecutive hyphens, no hyphen last. CreateDBSubnetGroup
 * DBSubnetGroupName: 255 at most of letters, digits, periods, underscores, spaces or hyphens, not
 * "default".
 */
const rdsIdentifier = (label: string, max: number): NameRule => ({
    label,
    max,
    chars: /[A-Za-z0-9-]/,
    charsText: "letters, digits and hyphens",
    checks: [LETTER_FIRST, NO_DOUBLE_HYPHEN, NO_TRAILING_HYPHEN],
});
const DB_INSTANCE_IDENTIFIER = rdsIdentifier("DB instance identifier", 63);
const FINAL_SNAPSHOT_IDENTIFIER = rdsIdentifier("final snapshot identifier", 255);
const PARAMETER_GROUP_NAME = rdsIdentifier("DB parameter group name", 255);
const SUBNET_GROUP_NAME: NameRule = {
    label: "DB subnet group name",
    max: 255,
    chars: /[A-Za-z0-9._ -]/,
    charsText: "letters, digits, periods, underscores, spaces and hyphens",
    checks: [{ fails: (n) => n.toLowerCase() === "default", message: `is "default", which RDS reserves` }],
};

export const rdsNames: ResourceRule = {
    kind: "resource",
    id: "WSO2-AWS-006",
    title: "RDS instance, snapshot, parameter group and subnet group names are valid RDS identifiers",
    rationale: "RDS takes identifiers of letters, digits and hyphens, a letter first, no -- and no trailing hyphen, 63 at most for instances (RDS API Reference: CreateDBInstance, CreateDBParameterGroup, CreateDBSubnetGroup, DeleteDBInstance).",
    severity: "mandatory",
    fix: "use a letter first, then letters, digits and single hyphens, no hyphen last; DB instance identifiers 63 characters at most (the auto-name adds 8)",
    equivalents: {},
    types: [TYPES.rdsInstance, TYPES.rdsParameterGroup, TYPES.rdsSubnetGroup],
    check(resource) {
        if (resource.type === TYPES.rdsParameterGroup) return nameProblems(physicalName(resource), PARAMETER_GROUP_NAME);
        if (resource.type === TYPES.rdsSubnetGroup) return nameProblems(physicalName(resource), SUBNET_GROUP_NAME);
        return [
            ...nameProblems(physicalName(resource, "identifier", "identifierPrefix"), DB_INSTANCE_IDENTIFIER),
            ...nameProblems(physicalName(resource, "finalSnapshotIdentifier", "", false), FINAL_SNAPSHOT_IDENTIFIER),
        ];
    },
};

/**
 * RDS API Reference, CreateDBInstance: DBName for RDS for Oracle (the SID) at most 8 characters,
 * and Oracle's DB_NAME takes letters and digits, a letter first (Oracle Database Reference 19c,
 * DB_NAME); MasterUsername 1–16 letters, digits or underscores, a letter first.
 */
export const rdsOracleNames: ResourceRule = {
    kind: "resource",
    id: "WSO2-AWS-007",
    title: "The Oracle DB name and the master username are ones RDS accepts",
    rationale: "RDS for Oracle takes a DB name (SID) of at most 8 letters and digits, a letter first, and a master username of 1 to 16 letters, digits or underscores, a letter first (RDS API Reference: CreateDBInstance DBName, MasterUsername).",
    severity: "mandatory",
    fix: "set databaseServiceName to 1-8 letters and digits starting with a letter, and the master username to 1-16 letters, digits or underscores starting with a letter",
    equivalents: {},
    types: [TYPES.rdsInstance],
    check(resource) {
        const { engine, dbName, username } = resource.inputs;
        const problems: string[] = [];
        if (typeof engine === "string" && engine.startsWith("oracle") && isKnown(dbName) && !/^[A-Za-z][A-Za-z0-9]{0,7}$/.test(dbName)) {
            problems.push(`Oracle DB name "${dbName}" is not 1 to 8 letters and digits starting with a letter`);
        }
        if (isKnown(username) && !/^[A-Za-z][A-Za-z0-9_]{0,15}$/.test(username)) {
            problems.push(`master username "${username}" is not 1 to 16 letters, digits or underscores starting with a letter`);
        }
        return problems;
    },
};

/**
 * Amazon S3 User Guide, "General purpose bucket naming rules": 3–63 characters of lowercase
 * letters, digits, dots and hyphens; a letter or digit at both ends; no two adjacent dots; not an
 * IP address; reserved prefixes xn--, sthree-, amzn-s3-demo- and suffixes -s3alias, --ol-s3,
 * .mrap, --x-s3, --table-s3. Auto-names are judged as written, so a logical name must be lowercase.
 */
const BUCKET_NAME: NameRule = {
    label: "bucket name",
    min: 3,
    max: 63,
    chars: /[a-z0-9.-]/,
    charsText: "lowercase letters, digits, dots and hyphens",
    checks: [
        { fails: (n) => !/^[a-z0-9]/.test(n) || !/[a-z0-9]$/.test(n), message: "does not begin and end with a letter or digit" },
        { fails: (n) => n.includes(".."), message: "has two adjacent dots" },
        { fails: (n) => /^\d{1,3}(\.\d{1,3}){3}$/.test(n), message: "is formatted as an IP address" },
        ...["xn--", "sthree-", "amzn-s3-demo-"].map(startsWith),
        ...["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"].map(endsWith),
    ],
};

export const bucketNames: ResourceRule = {
    kind: "resource",
    id: "WSO2-AWS-008",
    title: "S3 bucket names (auto-names included) follow S3's bucket naming rules",
    rationale: "S3 refuses a bucket name outside 3-63 lowercase letters, digits, dots and hyphens or with a reserved prefix or suffix (Amazon S3 User Guide: general purpose bucket naming rules).",
    severity: "mandatory",
    fix: "use a lowercase logical name of 55 characters at most (the auto-name adds 8), or a bucket/bucketPrefix that follows the rules",
    equivalents: {},
    types: [TYPES.bucket, TYPES.bucketV2],
    check: (resource) => nameProblems(physicalName(resource, "bucket", "bucketPrefix"), BUCKET_NAME),
};

/**
 * CloudWatch Logs API Reference: CreateLogGroup logGroupName 1–512 of [.\-_/#A-Za-z0-9], not
 * starting with aws/; PutRetentionPolicy retentionInDays one of the listed values (0, never
 * expire, is the provider's: @pulumi/aws cloudwatch.LogGroupArgs.retentionInDays).
 */
const LOG_GROUP_NAME: NameRule = {
    label: "log group name",
    max: 512,
    chars: /[.\-_/#A-Za-z0-9]/,
    charsText: "letters, digits and ._-/#",
    checks: [startsWith("aws/")],
};
export const LOG_RETENTION_DAYS = [0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

export const logGroups: ResourceRule = {
    kind: "resource",
    id: "WSO2-AWS-009",
    title: "Log group names and retention periods are ones CloudWatch Logs accepts",
    rationale: "CloudWatch Logs takes names of 1-512 letters, digits and ._-/# not starting with aws/, and only its listed retention periods (CloudWatch Logs API Reference: CreateLogGroup, PutRetentionPolicy).",
    severity: "mandatory",
    fix: `use letters, digits and ._-/# in the name, and a retentionInDays of ${LOG_RETENTION_DAYS.join(", ")}`,
    equivalents: {},
    types: [TYPES.logGroup],
    check(resource) {
        const days = resource.inputs.retentionInDays;
        return [
            ...nameProblems(physicalName(resource), LOG_GROUP_NAME),
            ...(typeof days === "number" && !LOG_RETENTION_DAYS.includes(days) ? [`retentionInDays ${days} is not one CloudWatch Logs offers`] : []),
        ];
    },
};

/**
 * Secrets Manager API Reference: CreateSecret Name 1–512 of letters, digits and /_+=.@-, and not
 * ending in a hyphen and six characters (the ARN suffix Secrets Manager adds); Description 2048
 * at most; DeleteSecret RecoveryWindowInDays 7–30 (0, delete at once, is the provider's:
 * @pulumi/aws secretsmanager.SecretArgs.recoveryWindowInDays).
 */
const SECRET_NAME: NameRule = {
    label: "secret name",
    max: 512,
    chars: /[A-Za-z0-9/_+=.@-]/,
    charsText: "letters, digits and /_+=.@-",
    checks: [{ fails: (n) => /-[^-]{6}$/.test(n), message: "ends with a hyphen and six characters, which partial-ARN look-ups mistake for the ARN suffix" }],
};

export const secretNames: ResourceRule = {
    kind: "resource",
    id: "WSO2-AWS-010",
    title: "Secret names and recovery windows are ones Secrets Manager accepts",
    rationale: "Secrets Manager takes names of 1-512 letters, digits and /_+=.@- and a recovery window of 7 to 30 days (Secrets Manager API Reference: CreateSecret, DeleteSecret).",
    severity: "mandatory",
    fix: "use letters, digits and /_+=.@- in name/namePrefix, and recoveryWindowInDays 0 or 7 to 30",
    equivalents: {},
    types: [TYPES.secret],
    check(resource) {
        const days = resource.inputs.recoveryWindowInDays;
        const windowOk = typeof days !== "number" || days === 0 || (Number.isInteger(days) && days >= 7 && days <= 30);
        return [
            ...nameProblems(physicalName(resource), SECRET_NAME),
            ...textProblems("description", resource.inputs.description, 2048),
            ...(windowOk ? [] : [`recoveryWindowInDays ${String(days)} is neither 0 nor 7 to 30`]),
        ];
    },
};

/**
 * Systems Manager API Reference, PutParameter Name: letters, digits, _.- and / between levels; a
 * name with / begins with /; not beginning with aws or ssm (any case); 15 levels at most; 1011
 * characters at most counting the ARN before the name (arn:aws:ssm:<region>:<account>:parameter/).
 * Description 1024 at most.
 */
const SSM_NAME_MAX_WITH_ARN = 1011;
const SSM_NAME: NameRule = {
    label: "parameter name",
    max: SSM_NAME_MAX_WITH_ARN,
    chars: /[A-Za-z0-9_.\-/]/,
    charsText: "letters, digits, _.- and /",
    checks: [
        { fails: (n) => /^\/?(aws|ssm)/i.test(n), message: "begins with aws or ssm, which Systems Manager reserves" },
        { fails: (n) => n.includes("/") && !n.startsWith("/"), message: "has a hierarchy but no leading /" },
        { fails: (n) => n.split("/").filter((level) => level !== "").length > 15, message: "is deeper than 15 levels" },
    ],
};

function ssmArnPrefixLength(provider: GuardedResource | undefined): number {
    const region = typeof provider?.inputs.region === "string" ? provider.inputs.region : "ap-southeast-4"; // the longest region name
    return `arn:aws:ssm:${region}:123456789012:parameter/`.length;
}

export const ssmParameterNames: ResourceRule = {
    kind: "resource",
    id: "WSO2-AWS-011",
    title: "SSM parameter names are ones Systems Manager accepts",
    rationale: "Systems Manager takes names of letters, digits, _.- and /, not beginning with aws or ssm, 15 levels and 1011 characters (with the ARN) at most (Systems Manager API Reference: PutParameter Name).",
    severity: "mandatory",
    fix: "name the parameter /<project>/<dc>/<name> with letters, digits and _.- only, not starting with aws or ssm",
    equivalents: {},
    types: [TYPES.ssmParameter],
    check(resource, scope) {
        const name = physicalName(resource);
        const max = SSM_NAME_MAX_WITH_ARN - ssmArnPrefixLength(scope.provider);
        const tooLong = name && name.value.replace(/^\//, "").length > max ? [`parameter name ${name.shown} is longer than the ${max} characters its ARN leaves`] : [];
        return [...nameProblems(name, SSM_NAME), ...tooLong, ...textProblems("description", resource.inputs.description, 1024)];
    },
};

/**
 * Route 53 API Reference: ResourceRecordSet Name (a DNS name) and SetIdentifier 1–128;
 * CreateHostedZone Name and HostedZoneConfig Comment 256 at most; HealthCheckConfig
 * FullyQualifiedDomainName and ResourcePath 255 at most, RequestInterval 10 or 30,
 * FailureThreshold 1–10.
 */
export const route53Inputs: ResourceRule = {
    kind: "resource",
    id: "WSO2-AWS-012",
    title: "Route 53 record names, zones and health checks fit Route 53's limits",
    rationale: "Route 53 refuses DNS names over 253 characters or 63 per label, set identifiers over 128, and health checks outside its intervals, thresholds and 255-character names and paths (Route 53 API Reference: ResourceRecordSet, CreateHostedZone, HealthCheckConfig).",
    severity: "mandatory",
    fix: "use a shorter hosted zone name, set identifiers of at most 128 characters, health checks with requestInterval 10 or 30 and failureThreshold 1-10",
    equivalents: {},
    types: [TYPES.record, TYPES.zone, TYPES.healthCheck],
    check(resource) {
        const i = resource.inputs;
        if (resource.type === TYPES.zone) return [...dnsNameProblems("zone name", i.name), ...textProblems("comment", i.comment, 256)];
        if (resource.type === TYPES.record) {
            const id = i.setIdentifier;
            return [...dnsNameProblems("record name", i.name), ...(isKnown(id) && (id.length < 1 || id.length > 128) ? [`set identifier "${id}" is not 1 to 128 characters`] : [])];
        }
        const problems = [...dnsNameProblems("health check FQDN", i.fqdn, 255), ...textProblems("health check resource path", i.resourcePath, 255)];
        const { requestInterval, failureThreshold } = i;
        if (typeof requestInterval === "number" && ![10, 30].includes(requestInterval)) problems.push(`requestInterval ${requestInterval} is neither 10 nor 30`);
        if (typeof failureThreshold === "number" && !(Number.isInteger(failureThreshold) && failureThreshold >= 1 && failureThreshold <= 10)) {
            problems.push(`failureThreshold ${failureThreshold} is not 1 to 10`);
        }
        return problems;
    },
};

/**
 * ACM API Reference, RequestCertificate DomainName: the first name (the certificate's Common Name,
 * RFC 5280) at most 64 characters; subject alternative names at most 253; labels at most 63.
 */
export const certificateNames: ResourceRule = {
    kind: "resource",
    id: "WSO2-AWS-013",
    title: "The certificate's domain name fits ACM's 64-character Common Name",
    rationale: "ACM refuses a first domain name over 64 characters, the Common Name limit of RFC 5280; only alternative names may be longer (ACM API Reference: RequestCertificate DomainName).",
    severity: "mandatory",
    fix: "use a hosted zone whose gateway.<zone> name is at most 64 characters, or pass certificateArn of a certificate you requested yourself",
    equivalents: {},
    types: [TYPES.certificate],
    check(resource) {
        const { domainName, subjectAlternativeNames } = resource.inputs;
        return [
            ...dnsNameProblems("certificate domain name", domainName, 64),
            ...asList(subjectAlternativeNames).flatMap((name) => dnsNameProblems("subject alternative name", name)),
        ];
    },
};

/**
 * KMS API Reference: CreateKey Description 8192 at most; CreateAlias AliasName 1–256 of
 * letters, digits and /_-, beginning alias/ but not alias/aws/.
 */
const KMS_ALIAS_NAME: NameRule = {
    label: "KMS alias name",
    max: 256,
    chars: /[A-Za-z0-9/_-]/,
    charsText: "letters, digits and /_-",
    checks: [
        { fails: (n) => !n.startsWith("alias/"), message: "does not begin with alias/" },
        startsWith("alias/aws/"),
    ],
};

export const kmsInputs: ResourceRule = {
    kind: "resource",
    id: "WSO2-AWS-014",
    title: "KMS key descriptions and alias names are ones KMS accepts",
    rationale: "KMS takes key descriptions of at most 8192 characters and alias names of alias/ then letters, digits and /_-, 256 at most, never alias/aws/ (KMS API Reference: CreateKey, CreateAlias).",
    severity: "mandatory",
    fix: "name aliases alias/<name> with letters, digits and /_- only; keep key descriptions under 8192 characters",
    equivalents: {},
    types: [TYPES.kmsKey, TYPES.kmsAlias],
    check(resource) {
        if (resource.type === TYPES.kmsKey) return textProblems("key description", resource.inputs.description, 8192);
        // The provider cannot auto-name an alias into alias/…: only a written name or prefix is judged.
        return nameProblems(physicalName(resource, "name", "namePrefix", false), KMS_ALIAS_NAME);
    },
};

/**
 * EFS API Reference, CreateFileSystem CreationToken: 1–64 characters. Left out, the provider
 * generates one itself (@pulumi/aws efs.FileSystemArgs.creationToken), so only a written one is judged.
 */
const EFS_CREATION_TOKEN: NameRule = { label: "creation token", max: 64, chars: /./u, charsText: "any character" };

export const efsCreationToken: ResourceRule = {
    kind: "resource",
    id: "WSO2-AWS-015",
    title: "An EFS creation token, when set, is at most 64 characters",
    rationale: "EFS refuses a creation token over 64 characters (EFS API Reference: CreateFileSystem CreationToken).",
    severity: "mandatory",
    fix: "shorten creationToken to 64 characters, or leave it out and let the provider generate one",
    equivalents: {},
    types: [TYPES.efsFileSystem],
    check: (resource) => nameProblems(physicalName(resource, "creationToken", "", false), EFS_CREATION_TOKEN),
};

/**
 * CloudFormation API Reference, CreateStack StackName: "A stack name can contain only alphanumeric
 * characters (case sensitive) and hyphens. It must start with an alphabetical character and can't
 * be longer than 128 characters." The provider does not name stacks itself (name is required).
 */
const CLOUDFORMATION_STACK_NAME: NameRule = {
    label: "stack name",
    max: 128,
    chars: /[A-Za-z0-9-]/,
    charsText: "letters, digits and hyphens",
    checks: [LETTER_FIRST],
};

export const cloudformationStackNames: ResourceRule = {
    kind: "resource",
    id: "WSO2-AWS-017",
    title: "CloudFormation stack names (the nodes' health gates) are ones CloudFormation accepts",
    rationale: "CloudFormation takes stack names of 1 to 128 letters, digits and hyphens that start with a letter (CloudFormation API Reference: CreateStack StackName).",
    severity: "mandatory",
    fix: "name the stack with letters, digits and hyphens only, a letter first, at most 128 characters",
    equivalents: {},
    types: [TYPES.cloudformationStack],
    check: (resource) => nameProblems(physicalName(resource, "name", "", false), CLOUDFORMATION_STACK_NAME),
};
