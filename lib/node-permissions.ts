import { PolicyStatement } from "./iam";

/**
 * The IAM statements the database boot step adds to the node role: exactly the objects,
 * parameter, instance and secret it reads, nothing wider.
 */
export interface DatabaseStepAccess {
    region: string;
    accountId: string;
    /** Bucket holding the SQL and boot hooks. */
    artifactsBucketArn: string;
    replicationReadyParameter: string;
    /** RDS instance identifier, when the database is RDS (its managed master secret is read). */
    rdsIdentifier: string | null;
    /** Instant Client zips; the s3:// ones need read access. */
    oracleClientZips: { url: string }[];
}

export function databaseStepStatements(access: DatabaseStepAccess): PolicyStatement[] {
    const { region, accountId } = access;
    const s3Objects = [
        `${access.artifactsBucketArn}/*`,
        ...access.oracleClientZips.map((zip) => zip.url).filter((zip) => zip.startsWith("s3://")).map((zip) => zip.replace(/^s3:\/\//, "arn:aws:s3:::")),
    ];
    const statements: PolicyStatement[] = [
        { Sid: "ReadBootArtifacts", Effect: "Allow", Action: "s3:GetObject", Resource: s3Objects },
        {
            Sid: "ReadReplicationReadyFlag",
            Effect: "Allow",
            Action: "ssm:GetParameter",
            Resource: `arn:aws:ssm:${region}:${accountId}:parameter${access.replicationReadyParameter}`,
        },
    ];
    if (access.rdsIdentifier) {
        const instanceArn = `arn:aws:rds:${region}:${accountId}:db:${access.rdsIdentifier}`;
        statements.push(
            { Sid: "FindDatabaseMasterSecret", Effect: "Allow", Action: "rds:DescribeDBInstances", Resource: instanceArn },
            {
                Sid: "ReadDatabaseMasterSecret",
                Effect: "Allow",
                Action: "secretsmanager:GetSecretValue",
                Resource: `arn:aws:secretsmanager:${region}:${accountId}:secret:rds!db-*`,
                // RDS tags the secret it manages with the instance it belongs to.
                Condition: { StringEquals: { "secretsmanager:ResourceTag/aws:rds:primaryDBInstanceArn": instanceArn } },
            },
        );
    }
    return statements;
}

/**
 * The node's read of the deployment's WSO2 admin secret: the primary in the trusted source's
 * region, the replica elsewhere, by its ARN pattern in the node's own region (StackSecrets).
 */
export function adminSecretStatement(arnPattern: string): PolicyStatement {
    return { Sid: "ReadDeploymentAdminSecret", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: arnPattern };
}
