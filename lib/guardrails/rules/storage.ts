/** EFS and S3: encryption at rest and in transit, no public buckets, stateful resources protected. */
import { KNOWN_AFTER_APPLY, deniesInsecureTransport, isRecord, policyStatements } from "../inputs";
import { GuardedResource, ResourceRule, StackRule, StackView, Violation } from "../model";
import { BUCKET_TYPES, TYPES } from "../types";

export const efsEncrypted: ResourceRule = {
    kind: "resource",
    id: "WSO2-SEC-002",
    title: "EFS file systems are encrypted at rest",
    rationale: "The shared file system holds every deployed API (synapse-configs) and tenant data.",
    severity: "mandatory",
    fix: "set encrypted = true (it cannot be changed later: the file system is replaced)",
    equivalents: { checkov: ["CKV_AWS_42"], cdkNag: ["AwsSolutions-EFS1"] },
    types: [TYPES.efsFileSystem],
    check(resource) {
        return resource.inputs.encrypted === true ? [] : ["file system not encrypted"];
    },
};

export const efsTlsOnly: StackRule = {
    kind: "stack",
    id: "WSO2-SEC-003",
    title: "EFS mounts require TLS",
    rationale: "NFS traffic between the nodes and EFS carries API definitions; only a file system policy can refuse unencrypted mounts.",
    severity: "mandatory",
    fix: `add an aws.efs.FileSystemPolicy with a Deny statement on Condition {"Bool": {"aws:SecureTransport": "false"}}`,
    equivalents: {},
    check(view) {
        const policies = view.ofType(TYPES.efsPolicy);
        return view.ofType(TYPES.efsFileSystem).flatMap((fileSystem): Violation[] => {
            const own = policies.filter((p) => view.resolve(p.inputs.fileSystemId, TYPES.efsFileSystem)?.urn === fileSystem.urn);
            if (own.length === 0) return [{ resource: fileSystem, message: "no file system policy, so mounts without TLS are allowed" }];
            // A policy still unknown during `pulumi preview` is judged by `pulumi up`, once known.
            if (own.some((p) => String(p.inputs.policy).startsWith(KNOWN_AFTER_APPLY))) return [];
            return own.some((p) => policyStatements(p.inputs.policy).some(deniesInsecureTransport))
                ? []
                : [{ resource: fileSystem, message: "file system policy does not deny access without TLS" }];
        });
    },
};

/** The resources of `type` that configure `bucket` (through their `bucket` input). */
function bucketSettings(view: StackView, bucket: GuardedResource, type: string): GuardedResource[] {
    return view.ofType(type).filter((setting) => view.resolve(setting.inputs.bucket, ...BUCKET_TYPES)?.urn === bucket.urn);
}

export const bucketsTlsOnly: StackRule = {
    kind: "stack",
    id: "WSO2-SEC-010",
    title: "S3 buckets refuse requests without TLS",
    rationale: "A bucket policy denying aws:SecureTransport=false keeps log and artifact reads off plain HTTP.",
    severity: "advisory",
    fix: `add a bucket policy statement {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}`,
    equivalents: { cdkNag: ["AwsSolutions-S10"] },
    check(view) {
        return view.ofType(...BUCKET_TYPES).flatMap((bucket): Violation[] => {
            const documents = [bucket.inputs.policy, ...bucketSettings(view, bucket, TYPES.bucketPolicy).map((p) => p.inputs.policy)];
            return documents.some((document) => policyStatements(document).some(deniesInsecureTransport))
                ? []
                : [{ resource: bucket, message: "no bucket policy denies requests without TLS" }];
        });
    },
};

const PUBLIC_ACCESS_SETTINGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];

export const bucketsNotPublic: StackRule = {
    kind: "stack",
    id: "WSO2-SEC-011",
    title: "S3 buckets block public access",
    rationale: "Access logs name every client and path; a bucket-level public access block keeps a stray ACL or policy from publishing them.",
    severity: "advisory",
    fix: "add an aws.s3.BucketPublicAccessBlock with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets = true",
    equivalents: { checkov: ["CKV2_AWS_6"], cdkNag: ["AwsSolutions-S2"] },
    check(view) {
        return view.ofType(...BUCKET_TYPES).flatMap((bucket): Violation[] => {
            const blocked = bucketSettings(view, bucket, TYPES.publicAccessBlock)
                .some((block) => PUBLIC_ACCESS_SETTINGS.every((setting) => block.inputs[setting] === true));
            return blocked ? [] : [{ resource: bucket, message: "public access not fully blocked" }];
        });
    },
};

/** Buckets that receive an ALB's access logs. */
function accessLogBuckets(view: StackView): GuardedResource[] {
    return view.ofType(TYPES.loadBalancer).flatMap((alb) => {
        const logs = alb.inputs.accessLogs;
        const bucket = isRecord(logs) ? view.resolve(logs.bucket, ...BUCKET_TYPES) : undefined;
        return bucket ? [bucket] : [];
    });
}

export const statefulProtected: StackRule = {
    kind: "stack",
    id: "WSO2-REL-006",
    title: "Stateful resources are protected",
    rationale: "The database (RDS or its EBS data volume), the shared file system and the access logs outlive any deployment; a replacement or a stray destroy must not delete them.",
    severity: "mandatory",
    fix: "pass { protect: true } in the resource options (unprotect deliberately before a planned removal)",
    equivalents: {},
    check(view) {
        const stateful = [...view.ofType(TYPES.rdsInstance, TYPES.efsFileSystem, TYPES.ebsVolume), ...accessLogBuckets(view)];
        return [...new Set(stateful)]
            .filter((resource) => !resource.protect)
            .map((resource) => ({ resource, message: "stateful resource not protected: a replacement or destroy would delete it" }));
    },
};
