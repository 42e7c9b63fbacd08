/**
 * The database-step and health-signal inputs of a DC1 node, shared by the tests that render a
 * node's user-data from plain values (no program run): node-boot-files and node-bootstrap.
 */
import { DatabaseBootParameters } from "../lib/render/database-boot-env";
import { HealthSignalInput } from "../lib/render/health-signal";

export const NODE_DATABASE: DatabaseBootParameters = {
    region: "us-east-1",
    host: "oracle.dc1.wso2-apim.internal",
    serviceName: "APIMDB",
    platform: "rds",
    masterSecretId: "rds-db:wso2-apim-dc1",
    amDb: { user: "WSO2AM", secretId: "arn:am" },
    sharedDb: { user: "WSO2SHARED", secretId: "arn:shared" },
    goldengate: { user: "OGGADMIN", secretId: "arn:gg" },
    checker: { user: "WSO2CHECK", secretId: "wso2-apim/dc1/divergence-checker" },
    sqlS3Prefix: "s3://bucket/sql/",
    architecture: "x86_64",
    schemaApplier: true,
    trustedSource: true,
    replicationReadyParameter: "/wso2-apim/dc1/replication-ready",
};

export const NODE_HEALTH_SIGNAL: HealthSignalInput = {
    region: "us-east-1",
    gateStack: "wso2-apim-dc1-node-1-gate",
    targetGroups: [{ arn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/gw/1", port: 8243 }],
    trustedSource: true,
    replicationReadyParameter: "/wso2-apim/dc1/replication-ready",
};
