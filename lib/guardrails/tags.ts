/**
 * Tags as AWS sees them: the provider's `defaultTags` merged with the resource's own `tags`,
 * for the resource types that take tags at all.
 */
import { isRecord } from "./inputs";
import { GuardedResource } from "./model";

/** Every resource in AWS says which deployment, stack and datacenter it belongs to. */
export const REQUIRED_TAGS = ["project", "stack", "datacenter"] as const;

/**
 * AWS types this program uses (or is about to) whose args take no `tags`: attachments,
 * associations, policies and records. test/guardrails-rules.test.ts checks this list against
 * @pulumi/aws's own declarations and every AWS type the shipped stacks declare, so a new
 * non-taggable type cannot go unnoticed.
 */
export const NON_TAGGABLE_TYPES: ReadonlySet<string> = new Set([
    "aws:acm/certificateValidation:CertificateValidation",
    "aws:cloudwatch/dashboard:Dashboard",
    "aws:cloudwatch/logMetricFilter:LogMetricFilter",
    "aws:ec2/route:Route",
    "aws:ec2/routeTableAssociation:RouteTableAssociation",
    "aws:efs/backupPolicy:BackupPolicy",
    "aws:efs/fileSystemPolicy:FileSystemPolicy",
    "aws:efs/mountTarget:MountTarget",
    "aws:iam/rolePolicy:RolePolicy",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    "aws:lb/targetGroupAttachment:TargetGroupAttachment",
    "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",
    "aws:route53/record:Record",
    "aws:route53/zoneAssociation:ZoneAssociation",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    "aws:s3/bucketPolicy:BucketPolicy",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketVersioning:BucketVersioning",
    "aws:sns/topicSubscription:TopicSubscription",
    "aws:secretsmanager/secretVersion:SecretVersion",
]);

export function isTaggable(type: string): boolean {
    return type.startsWith("aws:") && !NON_TAGGABLE_TYPES.has(type);
}

/** A provider's `defaultTags.tags`; the engine hands provider inputs over as JSON strings. */
export function providerDefaultTags(provider: GuardedResource | undefined): Record<string, unknown> {
    let value = provider?.inputs.defaultTags;
    if (typeof value === "string") {
        try {
            value = JSON.parse(value);
        } catch {
            return {};
        }
    }
    return isRecord(value) && isRecord(value.tags) ? value.tags : {};
}

/** The tags AWS puts on the resource: provider defaults, overridden by the resource's own. */
export function effectiveTags(resource: GuardedResource, provider: GuardedResource | undefined): Record<string, unknown> {
    return { ...providerDefaultTags(provider), ...(isRecord(resource.inputs.tags) ? resource.inputs.tags : {}) };
}
