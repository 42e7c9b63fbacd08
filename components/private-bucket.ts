import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument, PolicyStatement } from "../lib/iam";

export interface PrivateBucketArgs {
    /** A fixed name (when others must name the bucket before it exists); omit to let AWS generate one. */
    bucketName?: pulumi.Input<string>;
    /** SSE-S3 or SSE-KMS with the AWS-managed key. ALB access logs accept SSE-S3 only. */
    encryption: "AES256" | "aws:kms";
    versioning: boolean;
    /** Objects expire after this many days; omit to keep them. */
    expireAfterDays?: number;
    /**
     * With versioning: under `prefix`, versions that are no longer current are deleted after
     * `days`, and a delete marker left with no versions behind it is removed. For objects
     * rewritten often (a marker written every minute would otherwise keep every version forever).
     */
    noncurrentVersions?: { prefix: string; expireAfterDays: number };
    /** Statements granting writers, given the bucket ARN; a TLS-only deny is always added. */
    grants?: (bucketArn: pulumi.Output<string>) => pulumi.Input<PolicyStatement[]>;
    /** Stateful buckets (logs) are protected and kept with their objects; caches of rendered files are not. */
    stateful: boolean;
}

/**
 * An S3 bucket nobody outside the account can read: public access blocked, ACLs disabled,
 * encrypted, reachable over TLS only.
 */
export class PrivateBucket extends pulumi.ComponentResource {
    readonly bucket: aws.s3.Bucket;
    /** Writers granted by the policy can write only once it exists: depend on it. */
    readonly policy: aws.s3.BucketPolicy;

    constructor(name: string, args: PrivateBucketArgs, opts?: pulumi.ComponentResourceOptions) {
        super("wso2-apim:storage:PrivateBucket", name, {}, opts);
        const child = { parent: this };

        this.bucket = new aws.s3.Bucket(`${name}-bucket`, {
            bucket: args.bucketName,
            forceDestroy: !args.stateful,
        }, { ...child, protect: args.stateful });
        const bucketId = this.bucket.id;
        new aws.s3.BucketPublicAccessBlock(`${name}-public-access`, {
            bucket: bucketId,
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
        }, child);
        new aws.s3.BucketOwnershipControls(`${name}-ownership`, { bucket: bucketId, rule: { objectOwnership: "BucketOwnerEnforced" } }, child);
        new aws.s3.BucketServerSideEncryptionConfiguration(`${name}-encryption`, {
            bucket: bucketId,
            rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: args.encryption }, bucketKeyEnabled: args.encryption === "aws:kms" }],
        }, child);
        if (args.versioning) {
            new aws.s3.BucketVersioning(`${name}-versioning`, { bucket: bucketId, versioningConfiguration: { status: "Enabled" } }, child);
        }
        // One lifecycle configuration per bucket (PutBucketLifecycleConfiguration replaces the whole
        // set), so every rule goes in it. S3 User Guide, "Lifecycle configuration elements":
        // ExpiredObjectDeleteMarker cannot be combined with Days in one Expiration.
        const rules: aws.types.input.s3.BucketLifecycleConfigurationRule[] = [
            ...(args.expireAfterDays !== undefined ? [{ id: "expire", status: "Enabled", filter: {}, expiration: { days: args.expireAfterDays } }] : []),
            ...(args.noncurrentVersions ? [{
                id: "noncurrent-versions",
                status: "Enabled",
                filter: { prefix: args.noncurrentVersions.prefix },
                noncurrentVersionExpiration: { noncurrentDays: args.noncurrentVersions.expireAfterDays },
                expiration: { expiredObjectDeleteMarker: true },
            }] : []),
        ];
        if (rules.length > 0) new aws.s3.BucketLifecycleConfiguration(`${name}-lifecycle`, { bucket: bucketId, rules }, child);
        const grants = args.grants?.(this.bucket.arn) ?? [];
        this.policy = new aws.s3.BucketPolicy(`${name}-policy`, {
            bucket: bucketId,
            policy: pulumi.all([this.bucket.arn, grants]).apply(([arn, granted]) => policyDocument([
                ...granted,
                {
                    Sid: "TlsOnly",
                    Effect: "Deny",
                    Principal: "*",
                    Action: "s3:*",
                    Resource: [arn, `${arn}/*`],
                    Condition: { Bool: { "aws:SecureTransport": "false" } },
                },
            ])),
        }, child);
        this.registerOutputs({ bucketName: this.bucket.bucket });
    }
}
