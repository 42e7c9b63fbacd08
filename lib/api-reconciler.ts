/**
 * The API reconciler across datacenters (docs/artifacts.md § API reconciler): its fixed parameters
 * and what the nodes may do for it. The script is lib/render/scripts/api-reconciler.sh, installed
 * by the boot hook lib/render/api-reconciler.ts.
 */
import { PolicyStatement } from "./iam";
import { APIS_OUT_OF_STEP_METRIC, metricNamespace } from "./metrics";

export const API_RECONCILER = {
    hookKey: "boot.d/70-api-reconciler.sh",
    scriptPath: "/usr/local/sbin/wso2-api-reconciler",
    envPath: "/etc/wso2-apim/api-reconciler.env",
    unit: "wso2-api-reconciler",
    /** systemd StateDirectory: /var/lib/<this>, the back-off counters. */
    stateDirectory: "wso2-api-reconciler",
    /** A run every 5 minutes: a DC back from an outage converges within one or two runs. */
    intervalSeconds: APIS_OUT_OF_STEP_METRIC.periodSeconds,
    /**
     * A run's bound (TimeoutStartSec; a oneshot has none by default and a hung run would stop the
     * timer for good): reads of 30 s at most each, and at most maxRepublishPerRun PUTs of
     * deployTimeoutSeconds each.
     */
    timeoutSeconds: 900,
    connectTimeoutSeconds: 5,
    readTimeoutSeconds: 30,
    /** A PUT makes the Publisher deploy the API to every environment of its list, one after the other. */
    deployTimeoutSeconds: 120,
    maxRepublishPerRun: 5,
    /** Back-off of a DC (or the Publisher) that failed: one interval, doubling per failed run, at most 30 minutes. */
    backoffBaseSeconds: APIS_OUT_OF_STEP_METRIC.periodSeconds,
    backoffMaxSeconds: 1800,
    /** The Publisher REST API v1 list page (publisher-api.yaml `limit`, default 25). */
    pageSize: 100,
    /** The OAuth client it registers (and finds again at every run: RegistrationServiceImpl returns an existing one). */
    clientName: "wso2_api_reconciler",
    /**
     * The calls' scopes (publisher-api.yaml: GET /apis and /api-products apim:api_view; PUT /apis/{apiId}
     * apim:api_create or apim:api_publish, gatewayEnvironments x-otherScopes apim:api_publish).
     */
    scopes: ["apim:api_view", "apim:api_create", "apim:api_publish"],
    /** This node's Publisher. */
    publisherUrl: "https://localhost:9443",
} as const;

/**
 * Publish the reconciler's metrics into any datacenter's region (each DC alarms on its own), in
 * their namespace only (PutMetricData takes no resource: IAM `cloudwatch:namespace` condition key).
 * It reads the admin secret and the artifact source parameter through the statements the node has
 * already (adminSecretStatement, artifactSyncStatements).
 */
export function apiReconcilerStatements(deployment: string): PolicyStatement[] {
    return [{
        Sid: "PublishApiReconcilerMetrics", Effect: "Allow", Action: "cloudwatch:PutMetricData", Resource: "*",
        Condition: { StringEquals: { "cloudwatch:namespace": metricNamespace(deployment, APIS_OUT_OF_STEP_METRIC.area) } },
    }];
}
