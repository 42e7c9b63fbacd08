import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ARTIFACT_PREFIX } from "../lib/artifact-sync";
import { PrivateBucket } from "./private-bucket";

export interface BootArtifactsArgs {
    /** Bucket name; fixed (account and region in it) so that nodes can name objects before they exist. */
    bucketName: pulumi.Input<string>;
    /** Objects to upload: key → content. */
    objects: Record<string, string>;
}

/**
 * What nodes fetch at boot that does not fit in user-data (16 KB): the project's SQL with this
 * DC's parameters and the boot hooks. A private, encrypted, versioned bucket the stack owns; it
 * holds only what the program renders, so it is emptied and removed with the stack.
 */
export class BootArtifacts extends pulumi.ComponentResource {
    readonly bucketName: pulumi.Output<string>;
    readonly bucketArn: pulumi.Output<string>;
    /** The uploads: nodes must not boot before them. */
    readonly uploads: aws.s3.BucketObjectv2[];

    constructor(name: string, args: BootArtifactsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("wso2-apim:artifacts:BootArtifacts", name, {}, opts);
        const child = { parent: this };

        const { bucket } = new PrivateBucket(`${name}-s3`, {
            bucketName: args.bucketName,
            encryption: "aws:kms",
            versioning: true,
            // The runtime-artifact sync rewrites its marker every minute and deletes plans with --delete.
            noncurrentVersions: { prefix: `${ARTIFACT_PREFIX}/`, expireAfterDays: 1 },
            stateful: false,
        }, child);

        this.uploads = Object.entries(args.objects).map(([key, content]) =>
            new aws.s3.BucketObjectv2(`${name}-${key.replace(/[^A-Za-z0-9.-]+/g, "-")}`, {
                bucket: bucket.bucket,
                key,
                content,
                contentType: "text/plain; charset=utf-8",
            }, child));
        this.bucketName = bucket.bucket;
        this.bucketArn = bucket.arn;
        this.registerOutputs({ bucketName: this.bucketName });
    }
}
