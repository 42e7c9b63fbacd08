import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { SHARED_PATHS, SharedPathKey, WSO2_USER } from "../lib/shared-paths";

export interface SharedArtifactsArgs {
    /** One mount target per subnet (the private subnets, one per AZ). */
    subnetIds: pulumi.Input<string>[];
    securityGroupId: pulumi.Input<string>;
    /**
     * Where this region's nodes sync the execution plans with (docs/artifacts.md): an SSM
     * parameter in this region, `<active DC id> s3://<its boot bucket>/runtime-artifacts`.
     */
    artifactSource: { parameterName: string; value: pulumi.Input<string> };
}

/**
 * The region's shared artifact store: an encrypted EFS file system with automatic backups,
 * TLS enforced by its policy, a mount target per private subnet and one access point per shared
 * WSO2 directory, each rooted in its own directory and owned by the WSO2 user. Across DCs, the
 * Publisher deploys APIs to each DC, and execution plans flow one way through S3 from the
 * design-time active DC: this region's parameter names the source (docs/artifacts.md).
 */
export class SharedArtifacts extends pulumi.ComponentResource {
    readonly fileSystemId: pulumi.Output<string>;
    readonly accessPointIds: Record<SharedPathKey, pulumi.Output<string>>;
    /** Nodes wait for these: a node cannot mount before its AZ's mount target exists. */
    readonly mountTargets: aws.efs.MountTarget[];

    constructor(name: string, args: SharedArtifactsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("wso2-apim:efs:SharedArtifacts", name, {}, opts);
        const child = { parent: this };

        const fileSystem = new aws.efs.FileSystem(`${name}-fs`, {
            encrypted: true,
            performanceMode: "generalPurpose",
            throughputMode: "elastic",
            lifecyclePolicies: [{ transitionToIa: "AFTER_30_DAYS" }],
            tags: { Name: `${name}-fs` },
        }, { ...child, protect: true });

        new aws.efs.BackupPolicy(`${name}-backup`, {
            fileSystemId: fileSystem.id,
            backupPolicy: { status: "ENABLED" },
        }, child);

        new aws.efs.FileSystemPolicy(`${name}-tls-only`, {
            fileSystemId: fileSystem.id,
            policy: fileSystem.arn.apply((arn) => JSON.stringify({
                Version: "2012-10-17",
                Statement: [{
                    // A file system policy replaces EFS's default open access: grant mounting
                    // through the mount targets (the security group limits who reaches them).
                    Sid: "MountThroughMountTargets",
                    Effect: "Allow",
                    Principal: { AWS: "*" },
                    Action: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
                    Resource: arn,
                    Condition: { Bool: { "elasticfilesystem:AccessedViaMountTarget": "true" } },
                }, {
                    Sid: "DenyUnencryptedTransport",
                    Effect: "Deny",
                    Principal: { AWS: "*" },
                    Action: "*",
                    Resource: arn,
                    Condition: { Bool: { "aws:SecureTransport": "false" } },
                }],
            })),
        }, child);

        const mountTargets = args.subnetIds.map((subnetId, i) =>
            new aws.efs.MountTarget(`${name}-mount-${i + 1}`, {
                fileSystemId: fileSystem.id,
                subnetId,
                securityGroups: [args.securityGroupId],
            }, child));

        const accessPoints = Object.fromEntries(SHARED_PATHS.map(({ key }) => [
            key,
            new aws.efs.AccessPoint(`${name}-${key}`, {
                fileSystemId: fileSystem.id,
                posixUser: { uid: WSO2_USER.uid, gid: WSO2_USER.gid },
                rootDirectory: {
                    path: `/${key}`,
                    creationInfo: { ownerUid: WSO2_USER.uid, ownerGid: WSO2_USER.gid, permissions: "0750" },
                },
                tags: { Name: `${name}-${key}` },
            }, child).id,
        ])) as Record<SharedPathKey, pulumi.Output<string>>;

        // Read by every node at every sync run: promotion changes it without restarting a node.
        new aws.ssm.Parameter(`${name}-artifact-source`, {
            name: args.artifactSource.parameterName,
            type: "String",
            // Not a secret: insecureValue keeps it readable in the plan (`value` is always secret in the provider).
            insecureValue: args.artifactSource.value,
            description: "WSO2 APIM: the design-time active DC and the S3 prefix it pushes execution plans to",
        }, child);

        this.fileSystemId = fileSystem.id;
        this.accessPointIds = accessPoints;
        this.mountTargets = mountTargets;
        this.registerOutputs({ fileSystemId: this.fileSystemId, accessPointIds: this.accessPointIds });
    }
}
