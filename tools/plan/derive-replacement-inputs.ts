/**
 * Derives tools/plan/replacement-inputs.json from the Go sources of hashicorp/terraform-provider-aws
 * at one commit: for every resource type the shipped plans declare, the inputs whose change forces a
 * new resource.
 *
 *   node -r sucrase/register/ts tools/plan/derive-replacement-inputs.ts \
 *     --git /work/.mirror/<owner>+terraform-provider-aws/repo --commit <sha> [--version <tag or note>] [--out tools/plan/replacement-inputs.json]
 *
 * What it reads (helper/schema, SDKv2): a resource's `Schema: map[string]*schema.Schema{…}` (or its
 * `SchemaFunc`), attribute by attribute; `ForceNew: true` at an attribute's own level marks it, and
 * `Elem: &schema.Resource{Schema: …}` is read the same way for nested blocks (`block.attr`). From the
 * resource's file it also takes `customdiff.ForceNewIf(Change)("attr", …)` and `diff.ForceNew("attr")`:
 * replacements forced under a condition. Plugin Framework resources: an attribute whose plan
 * modifiers hold `RequiresReplace()`, and a ModifyPlan that sets `response.RequiresReplace`.
 * Attribute keys written as `names.AttrX` are resolved from names/attr_consts.go at the same commit.
 *
 * Pulumi names: snake_case to camelCase; the Pulumi AWS bridge pluralises the names of list and set
 * blocks (ebs_block_device → ebsBlockDevices), so each name is checked against the installed
 * @pulumi/aws SDK's `…Args` interface (node_modules/@pulumi/aws/<module>/<resource>.d.ts) and nested
 * names against types/input.d.ts; a name the SDK does not have is kept under `notInSdk`, never guessed.
 */
import { execFileSync } from "child_process";
import { existsSync, readFileSync, writeFileSync } from "fs";
import { join } from "path";

/** Pulumi type token → terraform-provider-aws resource name (the bridge's mapping, pulumi-aws provider/resources.go). */
export const TF_NAMES: Readonly<Record<string, string>> = {
    "aws:acm/certificate:Certificate": "aws_acm_certificate",
    "aws:acm/certificateValidation:CertificateValidation": "aws_acm_certificate_validation",
    "aws:cloudformation/stack:Stack": "aws_cloudformation_stack",
    "aws:cloudwatch/dashboard:Dashboard": "aws_cloudwatch_dashboard",
    "aws:cloudwatch/logGroup:LogGroup": "aws_cloudwatch_log_group",
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": "aws_cloudwatch_log_metric_filter",
    "aws:cloudwatch/metricAlarm:MetricAlarm": "aws_cloudwatch_metric_alarm",
    "aws:ec2/eip:Eip": "aws_eip",
    "aws:ec2/flowLog:FlowLog": "aws_flow_log",
    "aws:ec2/instance:Instance": "aws_instance",
    "aws:ec2/internetGateway:InternetGateway": "aws_internet_gateway",
    "aws:ec2/natGateway:NatGateway": "aws_nat_gateway",
    "aws:ec2/route:Route": "aws_route",
    "aws:ec2/routeTable:RouteTable": "aws_route_table",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "aws_route_table_association",
    "aws:ec2/securityGroup:SecurityGroup": "aws_security_group",
    "aws:ec2/subnet:Subnet": "aws_subnet",
    "aws:ec2/vpc:Vpc": "aws_vpc",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "aws_vpc_endpoint",
    "aws:ec2/vpcPeeringConnection:VpcPeeringConnection": "aws_vpc_peering_connection",
    "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter": "aws_vpc_peering_connection_accepter",
    "aws:efs/accessPoint:AccessPoint": "aws_efs_access_point",
    "aws:efs/backupPolicy:BackupPolicy": "aws_efs_backup_policy",
    "aws:efs/fileSystem:FileSystem": "aws_efs_file_system",
    "aws:efs/fileSystemPolicy:FileSystemPolicy": "aws_efs_file_system_policy",
    "aws:efs/mountTarget:MountTarget": "aws_efs_mount_target",
    "aws:iam/instanceProfile:InstanceProfile": "aws_iam_instance_profile",
    "aws:iam/role:Role": "aws_iam_role",
    "aws:iam/rolePolicy:RolePolicy": "aws_iam_role_policy",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "aws_iam_role_policy_attachment",
    "aws:kms/key:Key": "aws_kms_key",
    "aws:lb/listener:Listener": "aws_lb_listener",
    "aws:lb/listenerRule:ListenerRule": "aws_lb_listener_rule",
    "aws:lb/loadBalancer:LoadBalancer": "aws_lb",
    "aws:lb/targetGroup:TargetGroup": "aws_lb_target_group",
    "aws:lb/targetGroupAttachment:TargetGroupAttachment": "aws_lb_target_group_attachment",
    "aws:rds/instance:Instance": "aws_db_instance",
    "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication": "aws_db_instance_automated_backups_replication",
    "aws:rds/parameterGroup:ParameterGroup": "aws_db_parameter_group",
    "aws:rds/subnetGroup:SubnetGroup": "aws_db_subnet_group",
    "aws:route53/healthCheck:HealthCheck": "aws_route53_health_check",
    "aws:route53/record:Record": "aws_route53_record",
    "aws:route53/zone:Zone": "aws_route53_zone",
    "aws:route53/zoneAssociation:ZoneAssociation": "aws_route53_zone_association",
    "aws:s3/bucket:Bucket": "aws_s3_bucket",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": "aws_s3_bucket_lifecycle_configuration",
    "aws:s3/bucketObjectv2:BucketObjectv2": "aws_s3_object",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": "aws_s3_bucket_ownership_controls",
    "aws:s3/bucketPolicy:BucketPolicy": "aws_s3_bucket_policy",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": "aws_s3_bucket_public_access_block",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": "aws_s3_bucket_server_side_encryption_configuration",
    "aws:s3/bucketVersioning:BucketVersioning": "aws_s3_bucket_versioning",
    "aws:secretsmanager/secret:Secret": "aws_secretsmanager_secret",
    "aws:secretsmanager/secretVersion:SecretVersion": "aws_secretsmanager_secret_version",
    "aws:sns/topic:Topic": "aws_sns_topic",
    "aws:ssm/parameter:Parameter": "aws_ssm_parameter",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "aws_vpc_security_group_egress_rule",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "aws_vpc_security_group_ingress_rule",
};

/** Types the plans declare that no terraform-provider-aws schema describes. */
export const NOT_AWS_PROVIDER: Readonly<Record<string, string>> = {
    "random:index/randomId:RandomId": "not a terraform-provider-aws resource (hashicorp/terraform-provider-random random_id, bridged by @pulumi/random); not read",
    "random:index/randomPassword:RandomPassword": "not a terraform-provider-aws resource (hashicorp/terraform-provider-random random_password, bridged by @pulumi/random); not read",
};

// ---------------------------------------------------------------------------------------------
// Go source scanning: brace matching that skips strings, raw strings, runes and comments.

/** Index of the brace closing the one at `open`. */
export function matchBrace(src: string, open: number): number {
    const pairs: Record<string, string> = { "{": "}", "(": ")", "[": "]" };
    const close = pairs[src[open]];
    let depth = 0;
    for (let i = open; i < src.length; i++) {
        const c = src[i];
        if (c === "/" && src[i + 1] === "/") { i = src.indexOf("\n", i); if (i < 0) return -1; continue; }
        if (c === "/" && src[i + 1] === "*") { i = src.indexOf("*/", i + 2) + 1; continue; }
        if (c === '"' || c === "'") { i++; while (i < src.length && src[i] !== c) { if (src[i] === "\\") i++; i++; } continue; }
        if (c === "`") { i = src.indexOf("`", i + 1); continue; }
        if (c === src[open]) depth++;
        else if (c === close && --depth === 0) return i;
    }
    return -1;
}

/** The top-level `key: value` fields of a composite literal body (between its braces), comments dropped. */
export function topLevelFields(body: string): { key: string; value: string; start: number }[] {
    const out: { key: string; value: string; start: number }[] = [];
    let i = 0;
    let itemStart = 0;
    const flush = (end: number) => {
        const item = body.slice(itemStart, end);
        const colon = findTopColon(item);
        if (colon >= 0) out.push({ key: stripComments(item.slice(0, colon)).trim(), value: item.slice(colon + 1).trim(), start: itemStart });
    };
    while (i < body.length) {
        const c = body[i];
        if (c === "/" && body[i + 1] === "/") { i = body.indexOf("\n", i); if (i < 0) break; continue; }
        if (c === "/" && body[i + 1] === "*") { i = body.indexOf("*/", i + 2) + 2; continue; }
        if (c === '"' || c === "'") { i++; while (i < body.length && body[i] !== c) { if (body[i] === "\\") i++; i++; } i++; continue; }
        if (c === "`") { i = body.indexOf("`", i + 1) + 1; continue; }
        if (c === "{" || c === "(" || c === "[") { i = matchBrace(body, i) + 1; continue; }
        if (c === ",") { flush(i); itemStart = i + 1; }
        i++;
    }
    flush(body.length);
    return out;
}

const stripComments = (s: string) => s.replace(/\/\/[^\n]*/g, "").replace(/\/\*[\s\S]*?\*\//g, "");

function findTopColon(item: string): number {
    for (let i = 0; i < item.length; i++) {
        const c = item[i];
        if (c === "/" && item[i + 1] === "/") { const n = item.indexOf("\n", i); if (n < 0) return -1; i = n; continue; }
        if (c === '"') { i++; while (i < item.length && item[i] !== '"') { if (item[i] === "\\") i++; i++; } continue; }
        if (c === "{" || c === "(" || c === "[") return -1;
        if (c === ":") return i;
    }
    return -1;
}

/** The body (inside the braces) of the composite literal that starts at or after `from` with `opener`. */
function literalBody(src: string, from: number): string | null {
    const open = src.indexOf("{", from);
    if (open < 0) return null;
    const close = matchBrace(src, open);
    return close < 0 ? null : src.slice(open + 1, close);
}

/** The body of `func name(…) … {…}` in the file, or null. */
function funcBody(src: string, name: string): string | null {
    const m = new RegExp(`\\nfunc (?:\\([^)]*\\) )?${name}\\(`).exec(src);
    if (!m) return null;
    const paren = src.indexOf("(", m.index + m[0].length - 1);
    const afterParams = matchBrace(src, paren);
    return literalBody(src, afterParams);
}

export interface SchemaAttr {
    forceNew: boolean;
    nested: Map<string, SchemaAttr>;
    /** Value not written inline (a helper call): its ForceNew cannot be seen here. */
    helper?: string;
    /** true for TypeList/TypeSet blocks (the bridge pluralises their names unless MaxItems is 1). */
    block: boolean;
}

/** Parses a `map[string]*schema.Schema{…}` body into attributes (keys resolved through `consts`). */
export function parseSchemaMap(body: string, consts: Record<string, string>, file: string): Map<string, SchemaAttr> {
    const attrs = new Map<string, SchemaAttr>();
    for (const { key, value } of topLevelFields(body)) {
        const name = resolveKey(key, consts);
        if (name === null) continue;
        if (!value.startsWith("{")) {
            attrs.set(name, { forceNew: false, nested: new Map(), helper: value.replace(/\s+/g, " ").slice(0, 80), block: false });
            continue;
        }
        const inner = value.slice(1, matchBrace(value, 0));
        const fields = topLevelFields(inner);
        const forceNew = fields.some((f) => f.key === "ForceNew" && f.value === "true");
        const elem = fields.find((f) => f.key === "Elem");
        let nested = new Map<string, SchemaAttr>();
        if (elem && /^&schema\.Resource\s*\{/.test(elem.value)) {
            const res = literalBody(elem.value, 0)!;
            nested = schemaOfResource(res, consts, file) ?? new Map();
        } else if (elem && /^[A-Za-z_][\w.]*\(\)$/.test(elem.value)) {
            const fn = funcBody(file, elem.value.slice(0, -2));
            const res = fn ? /&schema\.Resource\s*\{/.exec(fn) : null;
            if (fn && res) nested = schemaOfResource(literalBody(fn, res.index)!, consts, file) ?? new Map();
        }
        const maxOne = fields.some((f) => f.key === "MaxItems" && f.value === "1");
        const isBlock = nested.size > 0 && !maxOne;
        attrs.set(name, { forceNew, nested, block: isBlock || (!maxOne && fields.some((f) => f.key === "Type" && /TypeList|TypeSet/.test(f.value))) });
    }
    return attrs;
}

function resolveKey(key: string, consts: Record<string, string>): string | null {
    const lit = /^"([^"]+)"$/.exec(key);
    if (lit) return lit[1];
    const c = /^names\.(\w+)$/.exec(key);
    if (c && consts[c[1]]) return consts[c[1]];
    return null;
}

/** The attributes of a `schema.Resource{…}` body: its `Schema:` map or `SchemaFunc:` result. */
function schemaOfResource(resourceBody: string, consts: Record<string, string>, file: string): Map<string, SchemaAttr> | null {
    for (const f of topLevelFields(resourceBody)) {
        if (f.key === "Schema" && /^map\[string\]\*schema\.Schema\s*\{/.test(f.value)) return parseSchemaMap(literalBody(f.value, 0)!, consts, file);
        if (f.key === "Schema" && /^[A-Za-z_]\w*\(\)$/.test(f.value)) {
            const fn = funcBody(file, f.value.slice(0, -2));
            const m = fn ? /map\[string\]\*schema\.Schema\s*\{/.exec(fn) : null;
            if (fn && m) return parseSchemaMap(literalBody(fn, m.index)!, consts, file);
        }
        if (f.key === "Schema" && /^[A-Za-z_]\w*$/.test(f.value)) {
            // A package-level variable: `name = map[string]*schema.Schema{…}`.
            const m = new RegExp(`\\b${f.value}\\s*=\\s*map\\[string\\]\\*schema\\.Schema\\s*\\{`).exec(file);
            if (m) return parseSchemaMap(literalBody(file, m.index)!, consts, file);
        }
        if (f.key === "SchemaFunc") {
            const m = /return\s+map\[string\]\*schema\.Schema\s*\{/.exec(f.value);
            if (m) return parseSchemaMap(literalBody(f.value, m.index)!, consts, file);
        }
    }
    return null;
}

// ---------------------------------------------------------------------------------------------

export interface Derived {
    tfName: string;
    file: string;
    forceNew: string[];
    /** Forced only while a boolean input is true: input → that boolean input (Pulumi names). */
    forceNewIf: Record<string, string>;
    /** Forced under another condition (customdiff.ForceNewIf with a computed condition, ForceNewIfChange, diff.ForceNew, ModifyPlan). */
    forceNewConditional: string[];
    /** ForceNew attributes the installed @pulumi/aws SDK has no input for (the schema read is of another provider version). */
    notInSdk: string[];
    /** Attributes written as helper calls: their ForceNew is inside the helper. */
    helpers: string[];
    note?: string;
}

const camel = (snake: string) => snake.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const pascal = (snake: string) => camel(snake).replace(/^./, (c) => c.toUpperCase());

/** Input property names of an interface in a .d.ts text. */
function interfaceProps(dts: string, name: string): Set<string> | null {
    const m = new RegExp(`interface ${name} \\{`).exec(dts);
    if (!m) return null;
    const body = dts.slice(m.index, matchBrace(dts, dts.indexOf("{", m.index)));
    return new Set([...body.matchAll(/^\s+(?:readonly )?(\w+)\??:/gm)].map((x) => x[1]));
}

/** Pulumi's name for a schema attribute: camelCase, pluralised when the SDK says so. */
function pulumiName(tf: string, props: Set<string> | null): string | null {
    const c = camel(tf);
    if (!props) return c;
    for (const candidate of [c, `${c}s`, `${c}es`, c.replace(/y$/, "ies")]) if (props.has(candidate)) return candidate;
    return null;
}

/** Inputs the bridge names differently from camelCase(schema name) (pulumi-aws provider/resources.go `Fields`). */
export const RENAMED: Readonly<Record<string, Record<string, string>>> = {
    "aws:cloudwatch/metricAlarm:MetricAlarm": { alarm_name: "name" },
};

/**
 * `embedded`: for a Plugin Framework resource whose struct embeds another (`type x struct { y }`),
 * the source of the file defining `y`'s Schema method.
 */
export function deriveType(pulumiType: string, src: string, file: string, consts: Record<string, string>, sdkRoot: string | null, embedded: (typeName: string) => string | null = () => null): Derived {
    const tfName = TF_NAMES[pulumiType];
    const out: Derived = { tfName, file, forceNew: [], forceNewIf: {}, forceNewConditional: [], notInSdk: [], helpers: [] };
    const [, mod, resourceFile] = /^aws:([^/]+)\/([^:]+):/.exec(pulumiType)!;
    const resourceName = pulumiType.split(":")[2];
    const dtsPath = sdkRoot ? join(sdkRoot, mod, `${resourceFile}.d.ts`) : null;
    const args = dtsPath && existsSync(dtsPath) ? interfaceProps(readFileSync(dtsPath, "utf8"), `${resourceName}Args`) : null;
    const inputsDts = sdkRoot && existsSync(join(sdkRoot, "types", "input.d.ts")) ? readFileSync(join(sdkRoot, "types", "input.d.ts"), "utf8") : "";
    const nestedProps = (block: string) => {
        const ns = new RegExp(`export declare namespace ${mod} \\{`).exec(inputsDts);
        if (!ns) return null;
        const nsBody = inputsDts.slice(ns.index, matchBrace(inputsDts, inputsDts.indexOf("{", ns.index)));
        return interfaceProps(nsBody, `${resourceName}${pascal(block)}`);
    };
    const name = (tf: string, props: Set<string> | null, prefix = "") => {
        const renamed = prefix ? undefined : RENAMED[pulumiType]?.[tf];
        const p = renamed ?? pulumiName(tf, props);
        if (p === null) out.notInSdk.push(prefix + camel(tf));
        return p;
    };

    const framework = src.includes(`response.TypeName = "${tfName}"`) || /@FrameworkResource/.test(src.slice(0, src.indexOf(`"${tfName}"`) + 1));
    if (framework) {
        const struct = /\ntype \w+ struct \{\s*(\w+)\s*\n/.exec(src);
        const schemaSrc = /Attributes:\s*map\[string\]schema\.Attribute\s*\{/.test(src) ? src : (struct && embedded(struct[1])) ?? src;
        const original = src;
        src = schemaSrc;
        const m = /Attributes:\s*map\[string\]schema\.Attribute\s*\{/.exec(src);
        if (m) {
            for (const { key, value } of topLevelFields(literalBody(src, m.index)!)) {
                const attr = resolveKey(key, consts);
                if (attr && /RequiresReplace\(\)/.test(value)) { const p = name(attr, args); if (p) out.forceNew.push(p); }
            }
        }
        const shared = src !== original ? "its schema and plan checks come from the embedded type's file in the same package; " : "";
        if (/response\.RequiresReplace\s*=/.test(src)) out.note = `${shared}its ModifyPlan also forces a new resource under a condition it computes (response.RequiresReplace): read it there`;
        else if (shared) out.note = shared.replace(/; $/, "");
        return finish(out);
    }

    const annotation = src.indexOf(`@SDKResource("${tfName}"`);
    const fm = /\nfunc (\w+)\(\) \*schema\.Resource \{/g;
    fm.lastIndex = annotation;
    const fn = fm.exec(src);
    if (annotation < 0 || !fn) throw new Error(`${pulumiType}: no @SDKResource("${tfName}") function in ${file}`);
    const body = funcBody(src, fn[1])!;
    const literal = /&schema\.Resource\s*\{/.exec(body);
    const attrs = literal ? schemaOfResource(literalBody(body, literal.index)!, consts, src) : null;
    if (!attrs) throw new Error(`${pulumiType}: no Schema map in ${fn[1]} (${file})`);
    for (const [attr, a] of attrs) {
        if (a.helper) out.helpers.push(`${attr}: ${a.helper}`);
        const top = a.forceNew || [...a.nested.values()].some((n) => n.forceNew) ? name(attr, args) : null;
        if (a.forceNew && top) out.forceNew.push(top);
        if (!a.forceNew && top) {
            const props = nestedProps(attr);
            for (const [child, n] of a.nested) {
                if (!n.forceNew) continue;
                const p = name(child, props, `${top}.`);
                if (p) out.forceNew.push(`${top}.${p}`);
            }
        }
    }
    // customdiff.ForceNewIf / ForceNewIfChange / diff.ForceNew anywhere in the file.
    for (const m of src.matchAll(/customdiff\.ForceNewIf(Change)?\(\s*("[^"]+"|names\.\w+)\s*,/g)) {
        const attr = resolveKey(m[2], consts);
        if (!attr) continue;
        const p = name(attr.split(".")[0], args);
        if (!p) continue;
        const close = matchBrace(src, src.indexOf("(", m.index!));
        const cond = src.slice(m.index!, close);
        const bool = [...cond.matchAll(/\.Get\("([a-z0-9_]+)"\)\.\(bool\)/g)];
        if (!m[1] && bool.length === 1 && !/conn|HasChange|GetOk/.test(cond)) out.forceNewIf[p] = camel(bool[0][1]);
        else out.forceNewConditional.push(p);
    }
    for (const m of src.matchAll(/\.ForceNew\(\s*("[^"]+"|names\.\w+)\s*\)/g)) {
        const attr = resolveKey(m[1], consts);
        if (!attr) continue;
        const parts = attr.split(".").filter((s) => !/^\d+$/.test(s));
        const p = name(parts[0], args);
        if (p) out.forceNewConditional.push(parts.length > 1 ? `${p}.${camel(parts.slice(1).join("_"))}` : p);
    }
    return finish(out);
}

function finish(d: Derived): Derived {
    const uniq = (xs: string[]) => [...new Set(xs)].sort();
    d.forceNew = uniq(d.forceNew);
    d.forceNewConditional = uniq(d.forceNewConditional).filter((x) => !d.forceNew.includes(x) && !(x in d.forceNewIf));
    d.notInSdk = uniq(d.notInSdk);
    return d;
}

/** `AttrX = "x"` constants of names/attr_consts.go (older commits) or names/attr_consts_gen.go. */
export function parseConsts(text: string): Record<string, string> {
    return Object.fromEntries([...text.matchAll(/^\s*(Attr\w+)\s*=\s*"([^"]+)"/gm)].map((m) => [m[1], m[2]]));
}

function main(argv: string[]) {
    const arg = (flag: string) => { const i = argv.indexOf(flag); return i >= 0 ? argv[i + 1] : undefined; };
    const gitDir = arg("--git");
    const commit = arg("--commit");
    if (!gitDir || !commit) throw new Error("usage: derive-replacement-inputs.ts --git <terraform-provider-aws git dir> --commit <sha> [--version <note>] [--out <json>]");
    const git = (...a: string[]) => execFileSync("git", ["--git-dir", gitDir, ...a], { encoding: "utf8", maxBuffer: 256 << 20 });
    const sha = git("rev-parse", `${commit}^{commit}`).trim();
    const constFiles = git("ls-tree", "--name-only", sha, "names/").split("\n").filter((f) => /attr_consts(_gen)?\.go$/.test(f));
    const consts = Object.assign({}, ...constFiles.map((f) => parseConsts(git("show", `${sha}:${f}`))));
    const sdkRoot = join(__dirname, "..", "..", "node_modules", "@pulumi", "aws");
    const types: Record<string, unknown> = {};
    for (const [pulumiType, tfName] of Object.entries(TF_NAMES)) {
        const hits = git("grep", "-l", "-E", `@SDKResource\\("${tfName}"|TypeName = "${tfName}"$`, sha, "--", "internal/service/*.go").split("\n").filter(Boolean);
        if (hits.length !== 1) throw new Error(`${pulumiType}: ${hits.length} files declare ${tfName}`);
        const file = hits[0].slice(sha.length + 1);
        const embedded = (typeName: string) => {
            const dir = file.slice(0, file.lastIndexOf("/") + 1);
            const defs = git("grep", "-l", "-E", `^func \\(\\w+ \\*${typeName}\\) Schema\\(`, sha, "--", `${dir}*.go`).split("\n").filter(Boolean);
            return defs.length === 1 ? git("show", defs[0]) : null;
        };
        const d = deriveType(pulumiType, git("show", `${sha}:${file}`), file, consts, existsSync(sdkRoot) ? sdkRoot : null, embedded);
        types[pulumiType] = {
            tfName: d.tfName, file: d.file, commit: sha, forceNew: d.forceNew,
            ...(Object.keys(d.forceNewIf).length ? { forceNewIf: d.forceNewIf } : {}),
            ...(d.forceNewConditional.length ? { forceNewConditional: d.forceNewConditional } : {}),
            ...(d.notInSdk.length ? { notInSdk: d.notInSdk } : {}),
            ...(d.helpers.length ? { helpers: d.helpers } : {}),
            ...(d.note ? { note: d.note } : {}),
        };
    }
    for (const [pulumiType, note] of Object.entries(NOT_AWS_PROVIDER)) types[pulumiType] = { file: null, commit: null, forceNew: null, notProvider: true, note };
    const out = {
        source: {
            repository: "https://github.com/hashicorp/terraform-provider-aws",
            commit: sha,
            version: arg("--version") ?? "",
            derivedBy: "tools/plan/derive-replacement-inputs.ts",
            rule: "An input marked ForceNew: true in the resource schema (helper/schema), or RequiresReplace() in a Plugin Framework schema, forces a new resource; customdiff.ForceNewIf does so under its condition. The Pulumi AWS provider bridges these schemas: a change of such an input is a replacement in pulumi preview.",
        },
        types: Object.fromEntries(Object.entries(types).sort(([a], [b]) => a.localeCompare(b))),
    };
    const text = `${JSON.stringify(out, null, 2)}\n`;
    const file = arg("--out");
    if (file) writeFileSync(file, text); else process.stdout.write(text);
}

if (require.main === module) main(process.argv.slice(2));
