import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface TrustedBackupCopyArgs {
    /** The trusted source's datacenter and its RDS instance, in another region. */
    sourceDcId: string;
    sourceDbInstanceArn: pulumi.Input<string>;
    /** Days the copies are kept: the trusted source's own retention. */
    retentionDays: number;
}

/**
 * A copy of the trusted source's automated RDS backups in this stack's region (the article: one
 * DC's database is the reference; docs/database.md): losing the trusted source's region must not lose the reference of every re-sync. RDS
 * replicates the snapshots and archived redo, so point-in-time restore works here too; the
 * copies are encrypted with a key of this region.
 */
export class TrustedBackupCopy extends pulumi.ComponentResource {
    constructor(name: string, args: TrustedBackupCopyArgs, opts?: pulumi.ComponentResourceOptions) {
        super("wso2-apim:database:TrustedBackupCopy", name, {}, opts);
        const child = { parent: this };

        const key = new aws.kms.Key(`${name}-key`, {
            description: `Copies of ${args.sourceDcId}'s (trusted source) automated RDS backups`,
            enableKeyRotation: true,
            deletionWindowInDays: 30,
        // Without the key the copies cannot be restored.
        }, { ...child, protect: true });
        new aws.rds.InstanceAutomatedBackupsReplication(`${name}-replication`, {
            sourceDbInstanceArn: args.sourceDbInstanceArn,
            kmsKeyId: key.arn,
            retentionPeriod: args.retentionDays,
        }, child);

        this.registerOutputs({ keyArn: key.arn });
    }
}
