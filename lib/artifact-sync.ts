/**
 * Names and permissions of the one-way runtime-artifact sync (docs/artifacts.md): where the
 * design-time active DC pushes its execution plans, how every region's nodes learn where that is,
 * and what the nodes may do for it.
 */
import { PolicyStatement } from "./iam";
import { ARTIFACT_SYNC_LAG_METRIC, metricNamespace } from "./metrics";

/** Under the active DC's boot bucket. */
export const ARTIFACT_PREFIX = "runtime-artifacts";

/** A datacenter's boot bucket (components/boot-artifacts.ts): fixed, so every DC can name every other's. */
export function bootBucketName(deployment: string, dcId: string, accountId: string, region: string): string {
    return `${deployment}-${dcId.toLowerCase()}-${accountId}-${region}`;
}

/** The SSM parameter (String) each region holds: `<active DC id> <its region> s3://<its boot bucket>/runtime-artifacts`. */
export function artifactSourceParameterName(deployment: string, project: string): string {
    return `/${deployment}/${project}/runtime-artifacts-source`;
}

export function artifactSourceValue(activeDcId: string, activeRegion: string, activeBootBucket: string): string {
    return `${activeDcId} ${activeRegion} s3://${activeBootBucket}/${ARTIFACT_PREFIX}`;
}

/** The parts of an artifactSourceValue (empty strings for a value that is not one). */
export function parseArtifactSource(value: string): { activeDcId: string; region: string; uri: string } {
    const [activeDcId = "", region = "", uri = ""] = value.split(" ");
    return { activeDcId, region, uri };
}

/**
 * Read the source parameter; read and write the prefix in every DC's boot bucket (any DC may be
 * promoted, and then pushes to its own); publish the lag metric, in its namespace only
 * (PutMetricData takes no resource: IAM `cloudwatch:namespace` condition key).
 */
export function artifactSyncStatements(access: { region: string; accountId: string; deployment: string; project: string; bucketNames: string[] }): PolicyStatement[] {
    const buckets = access.bucketNames.map((name) => `arn:aws:s3:::${name}`);
    return [
        { Sid: "ReadArtifactSource", Effect: "Allow", Action: "ssm:GetParameter", Resource: `arn:aws:ssm:${access.region}:${access.accountId}:parameter${artifactSourceParameterName(access.deployment, access.project)}` },
        { Sid: "ListRuntimeArtifacts", Effect: "Allow", Action: "s3:ListBucket", Resource: buckets, Condition: { StringLike: { "s3:prefix": [`${ARTIFACT_PREFIX}/*`] } } },
        { Sid: "SyncRuntimeArtifacts", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: buckets.map((arn) => `${arn}/${ARTIFACT_PREFIX}/*`) },
        { Sid: "PublishArtifactSyncLag", Effect: "Allow", Action: "cloudwatch:PutMetricData", Resource: "*", Condition: { StringEquals: { "cloudwatch:namespace": metricNamespace(access.deployment, ARTIFACT_SYNC_LAG_METRIC.area) } } },
    ];
}
