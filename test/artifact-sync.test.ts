import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import { DEFAULT_DEPLOYMENT_NAME } from "../lib/config";
import { ARTIFACT_SYNC, ARTIFACT_SYNC_SCRIPT, renderArtifactSyncHook } from "../lib/render/artifact-sync";
import { ofType, requireTool, run, runWithFakes, shellcheck } from "./harness";

/**
 * A fake `aws` (only the calls the sync makes): it logs each call, answers the SSM parameter's
 * LastModifiedDate (ISO 8601, as CLI v2 prints it) and value from $FAKE_SOURCE_CHANGED and
 * $FAKE_SOURCE, tab-separated as `--output text` prints a list, a listing of the pushed plans (`s3api list-objects-v2 … --output text`: the
 * keys tab-separated, or "None", as the CLI prints an empty listing) from $FAKE_PUSHED_KEYS, and a
 * download of the marker (`s3 cp … <uri> -`) from $FAKE_MARKER (absent: the object does not
 * exist, and the fake prints what CLI v2 prints for it, HeadObject's 404, exit 1); with
 * $FAKE_MARKER_ERROR the download fails with that message instead (exit 1; the real CLI may exit
 * 253 or 255 for some of these, which the script does not read); a listing whose prefix is the marker's key answers $FAKE_MARKER_KEYS (default "None");
 * an upload (`s3 cp … - <uri>`) reads its input and succeeds. With $FAKE_LIST_FAILS every listing
 * fails as the CLI does on an S3 error (a message on stderr, exit 254).
 */
const FAKE_AWS = `#!/bin/bash
printf '%s\\n' "$*" >> "$FAKE_LOG"
case "$1 $2" in
  "ssm get-parameter") printf '%s\\t%s\\n' "\${FAKE_SOURCE_CHANGED:-2020-01-01T00:00:00.000000+00:00}" "$FAKE_SOURCE" ;;
  "s3api list-objects-v2") if [[ -n "\${FAKE_LIST_FAILS:-}" ]]; then echo "An error occurred (AccessDenied) when calling the ListObjectsV2 operation: Access Denied" >&2; exit 254; fi
    if [[ "$*" == *"--prefix runtime-artifacts/push-complete "* ]]; then printf '%s\\n' "\${FAKE_MARKER_KEYS:-None}"; else printf '%s\\n' "\${FAKE_PUSHED_KEYS:-None}"; fi ;;
  "s3 cp") if [[ "\${!#}" == "-" ]]; then
      if [[ -n "\${FAKE_MARKER_ERROR:-}" ]]; then printf '\\n%s\\n' "$FAKE_MARKER_ERROR" >&2; exit 1; fi
      [[ -n "\${FAKE_MARKER:-}" ]] || { printf '\\nfatal error: An error occurred (404) when calling the HeadObject operation: Key "runtime-artifacts/push-complete" does not exist\\n' >&2; exit 1; }
      printf '%s\\n' "$FAKE_MARKER"; else cat > /dev/null; fi ;;
esac
`;

/** The pack's own plan and its ten default policies' (product-apim v3.1.0 executionplans). */
const PACK_PLANS = [
    "RequestPreProcessorExecutionPlan.siddhiql",
    ...["app_10PerMin", "app_20PerMin", "app_50PerMin", "resource_10KPerMin_default", "resource_20KPerMin_default",
        "resource_50KPerMin_defualt", "sub_Bronze", "sub_Silver", "sub_Gold", "sub_Unlimited"].map((p) => `carbon.super_${p}.siddhiql`),
];
const pushedKeys = (plans: string[]) => plans.length ? plans.map((p) => `runtime-artifacts/executionplans/${p}`).join("\t") : "None";

function runSync(datacenter: string, marker?: string, plans: { local?: string[]; pushed?: string[]; acceptShrink?: boolean; listFails?: boolean; sourceChanged?: string; markerError?: string; markerKeys?: string } = {}): { status: number | null; calls: string[]; stderr: string } {
    const local = plans.local ?? PACK_PLANS;
    return runWithFakes({
        prefix: "artifact-sync-",
        script: ARTIFACT_SYNC_SCRIPT,
        fakes: { aws: FAKE_AWS },
        files: {
            "sync.env": [
                "AWS_REGION=us-west-2", `DATACENTER=${datacenter}`, "SOURCE_PARAMETER=/wso2-apim/p/runtime-artifacts-source",
                "EXECUTIONPLANS_DIR=<dir>/executionplans", "MARKER=push-complete",
                "METRIC_NAMESPACE=WSO2APIM/Artifacts", "METRIC_NAME=ArtifactSyncLagSeconds",
                "REQUIRED_PLAN=RequestPreProcessorExecutionPlan.siddhiql", "MAX_PLANS_REMOVED=5",
            ].join("\n"),
            ...Object.fromEntries(local.map((plan) => [`executionplans/${plan}`, "@App:name('plan')\n"])),
            "executionplans/.keep": "",
        },
        env: {
            SYNC_ENV: "<dir>/sync.env",
            FAKE_SOURCE: "DC1 us-east-1 s3://wso2-apim-dc1-123456789012-us-east-1/runtime-artifacts", ...(marker ? { FAKE_MARKER: marker } : {}),
            FAKE_PUSHED_KEYS: pushedKeys(plans.pushed ?? PACK_PLANS), ...(plans.acceptShrink ? { ACCEPT_SHRINK: "yes" } : {}),
            ...(plans.listFails ? { FAKE_LIST_FAILS: "yes" } : {}), ...(plans.sourceChanged ? { FAKE_SOURCE_CHANGED: plans.sourceChanged } : {}),
            ...(plans.markerError ? { FAKE_MARKER_ERROR: plans.markerError } : {}), ...(plans.markerKeys ? { FAKE_MARKER_KEYS: plans.markerKeys } : {}),
        },
    });
}

const SOURCE = "s3://wso2-apim-dc1-123456789012-us-east-1/runtime-artifacts";

describe("runtime-artifact sync (docs/artifacts.md)", () => {
    it("in the active DC pushes executionplans with --delete, then the push marker, and publishes a lag of 0", () => {
        const { status, calls } = runSync("DC1");
        assert.equal(status, 0);
        assert.equal(calls[1], "s3api list-objects-v2 --region us-east-1 --bucket wso2-apim-dc1-123456789012-us-east-1 --prefix runtime-artifacts/executionplans/ --query Contents[].Key --output text");
        assert.equal(calls[2], `s3 sync --only-show-errors --region us-east-1 --delete <dir>/executionplans/ ${SOURCE}/executionplans/`);
        assert.equal(calls[3], `s3 cp --only-show-errors --region us-east-1 - ${SOURCE}/push-complete`);
        assert.equal(calls[4], "cloudwatch put-metric-data --region us-west-2 --namespace WSO2APIM/Artifacts --metric-name ArtifactSyncLagSeconds --unit Seconds --value 0 --dimensions Datacenter=DC1");
    });

    it("in another DC pulls with --delete only after a completed push, and publishes the copy's age", () => {
        const pushedAt = Math.floor(Date.now() / 1000) - 90;
        const { status, calls } = runSync("DC2", String(pushedAt));
        assert.equal(status, 0);
        assert.equal(calls[3], `s3 sync --only-show-errors --region us-east-1 --delete ${SOURCE}/executionplans/ <dir>/executionplans/`);
        const lag = Number(/--value (\d+) --dimensions Datacenter=DC2$/.exec(calls[4])?.[1]);
        assert.ok(lag >= 90 && lag < 150, calls[4]);
    });

    it("never pulls (nor deletes) from a prefix no push has completed", () => {
        const { status, calls, stderr } = runSync("DC2");
        assert.equal(status, 0);
        assert.ok(!calls.some((c) => c.startsWith("s3 sync")), calls.join("\n"));
        assert.match(stderr, /no completed push from DC1/);
    });

    it("reports a marker it cannot read with the reason and fails (no lag, so the alarm fires), never as 'no completed push yet'", () => {
        const unreadable: [string, string | undefined, RegExp][] = [
            // No route to S3 (what CLI v2 prints when it cannot connect).
            ['fatal error: Could not connect to the endpoint URL: "https://wso2-apim-dc1-123456789012-us-east-1.s3.us-east-1.amazonaws.com/runtime-artifacts/push-complete"', undefined, /Could not connect to the endpoint URL/],
            // Denied, and the listing shows the marker exists: a denial, not a missing key.
            ["fatal error: An error occurred (403) when calling the HeadObject operation: Forbidden", "runtime-artifacts/push-complete", /\(403\) when calling the HeadObject operation: Forbidden/],
            ["Unable to locate credentials. You can configure credentials by running \"aws configure\".", undefined, /Unable to locate credentials/],
        ];
        for (const [error, markerKeys, reason] of unreadable) {
            const run = runSync("DC2", undefined, { markerError: error, markerKeys });
            assert.equal(run.status, 1, run.stderr);
            assert.match(run.stderr, new RegExp(`cannot read the push marker ${SOURCE}/push-complete: .*${reason.source}.*; keeping this DC's executionplans`));
            assert.doesNotMatch(run.stderr, /no completed push/);
            assert.ok(!run.calls.some((c) => c.startsWith("s3 sync") || c.startsWith("cloudwatch")), run.calls.join("\n"));
        }
        // A 403 whose listing fails too says why as well.
        const deniedEverywhere = runSync("DC2", undefined, { markerError: "fatal error: An error occurred (403) when calling the HeadObject operation: Forbidden", listFails: true });
        assert.equal(deniedEverywhere.status, 1);
        assert.match(deniedEverywhere.stderr, /cannot read the push marker .*\(403\)/);
        // S3 answers 403 for a missing key to a caller without s3:ListBucket: the listing shows no marker, so no push yet.
        const missing403 = runSync("DC2", undefined, { markerError: "fatal error: An error occurred (403) when calling the HeadObject operation: Forbidden", markerKeys: "runtime-artifacts/push-complete-old" });
        assert.equal(missing403.status, 0, missing403.stderr);
        assert.match(missing403.stderr, /no completed push from DC1/);
        assert.ok(missing403.calls.includes("s3api list-objects-v2 --region us-east-1 --bucket wso2-apim-dc1-123456789012-us-east-1 --prefix runtime-artifacts/push-complete --query Contents[].Key --output text"), missing403.calls.join("\n"));
        assert.ok(!missing403.calls.some((c) => c.startsWith("s3 sync")));
    });

    it("never pushes, nor pulls, a set without the pack's RequestPreProcessorExecutionPlan, and publishes no lag, so the sync alarm fires", () => {
        const withoutPack = PACK_PLANS.slice(1);
        const push = runSync("DC1", undefined, { local: withoutPack });
        assert.equal(push.status, 1);
        assert.match(push.stderr, /REFUSED to push .*: the set lacks RequestPreProcessorExecutionPlan\.siddhiql, the pack's own plan/);
        const pull = runSync("DC2", String(Math.floor(Date.now() / 1000)), { pushed: [] });
        assert.equal(pull.status, 1);
        assert.match(pull.stderr, /REFUSED to pull .*: the set lacks RequestPreProcessorExecutionPlan\.siddhiql/);
        for (const { calls } of [push, pull]) {
            assert.ok(!calls.some((c) => c.startsWith("s3 sync") || c.startsWith("cloudwatch") || c.startsWith("s3 cp --only-show-errors --region us-east-1 -")), calls.join("\n"));
        }
    });

    it("refuses a sync that removes more than 5 plans at once, and lets one run with ACCEPT_SHRINK=yes through", () => {
        const custom = Array.from({ length: 6 }, (_, i) => `carbon.super_sub_Custom${i}.siddhiql`);
        // The active DC's directory lost six custom plans the passive DCs hold.
        const push = runSync("DC1", undefined, { local: PACK_PLANS, pushed: [...PACK_PLANS, ...custom] });
        assert.equal(push.status, 1);
        assert.match(push.stderr, /REFUSED to push .*: it would remove 6 plans at once, more than 5; keeping the plans as they are/);
        assert.ok(!push.calls.some((c) => c.startsWith("s3 sync") || c.startsWith("cloudwatch")), push.calls.join("\n"));
        // A passive DC holding more than the pushed set.
        const pull = runSync("DC2", String(Math.floor(Date.now() / 1000)), { local: [...PACK_PLANS, ...custom], pushed: PACK_PLANS });
        assert.equal(pull.status, 1);
        assert.match(pull.stderr, /REFUSED to pull/);
        // Five go through; a deliberate removal of more, once, with ACCEPT_SHRINK=yes.
        assert.equal(runSync("DC1", undefined, { local: PACK_PLANS, pushed: [...PACK_PLANS, ...custom.slice(1)] }).status, 0);
        const accepted = runSync("DC1", undefined, { local: PACK_PLANS, pushed: [...PACK_PLANS, ...custom], acceptShrink: true });
        assert.equal(accepted.status, 0, accepted.stderr);
        assert.ok(accepted.calls.some((c) => c.startsWith("s3 sync")));
    });

    it("refuses to push or pull when the S3 listing fails, saying so, and publishes no lag (an unreadable prefix is not an empty one)", () => {
        const push = runSync("DC1", undefined, { listFails: true });
        const pull = runSync("DC2", String(Math.floor(Date.now() / 1000)), { listFails: true });
        for (const [run, what] of [[push, "push"], [pull, "pull"]] as const) {
            assert.equal(run.status, 1, run.stderr);
            assert.match(run.stderr, new RegExp(`REFUSED to ${what} .*: listing ${SOURCE}/executionplans/ failed \\(S3 ListObjectsV2\\); keeping the plans as they are`));
            assert.ok(!run.calls.some((c) => c.startsWith("s3 sync") || c.startsWith("cloudwatch") || c.startsWith("s3 cp --only-show-errors --region us-east-1 -")), run.calls.join("\n"));
        }
    });

    it("after a promotion never pulls a push older than the change of its source parameter (a stale marker), and pulls the first push made since", () => {
        const now = Math.floor(Date.now() / 1000);
        // DC1's parameter was switched to the promoted DC's prefix 10 minutes ago; the marker there is from its earlier term.
        const promoted = new Date((now - 600) * 1000).toISOString();
        const stale = runSync("DC2", String(now - 3600), { sourceChanged: promoted, pushed: PACK_PLANS.slice(0, 3) });
        assert.equal(stale.status, 0, stale.stderr);
        assert.match(stale.stderr, /predates the change of \/wso2-apim\/p\/runtime-artifacts-source to DC1 .*: waiting for a push from DC1 made since/);
        assert.ok(!stale.calls.some((c) => c.startsWith("s3 sync") || c.startsWith("cloudwatch")), stale.calls.join("\n"));
        const fresh = runSync("DC2", String(now - 30), { sourceChanged: promoted });
        assert.equal(fresh.status, 0, fresh.stderr);
        assert.ok(fresh.calls.some((c) => c.startsWith("s3 sync")), fresh.calls.join("\n"));
        // CLI v1 prints the date as epoch seconds.
        assert.equal(runSync("DC2", String(now - 3600), { sourceChanged: `${now - 600}.25` }).calls.some((c) => c.startsWith("s3 sync")), false);
    });

    it("is installed by a boot hook with its parameters and a timer every minute, and passes shellcheck", function () {
        const hook = renderArtifactSyncHook({ region: "eu-west-1", datacenter: "DC3", deployment: DEFAULT_DEPLOYMENT_NAME, project: "wso2-apim-multi-dc" });
        assert.match(hook, /^DATACENTER='DC3'$/m);
        assert.match(hook, /^SOURCE_PARAMETER='\/wso2-apim\/wso2-apim-multi-dc\/runtime-artifacts-source'$/m);
        assert.match(hook, /^OnUnitActiveSec=60$/m);
        assert.match(hook, /^REQUIRED_PLAN='RequestPreProcessorExecutionPlan\.siddhiql'$/m);
        assert.match(hook, /^MAX_PLANS_REMOVED='5'$/m);
        assert.match(hook, /^RequiresMountsFor=\/mnt\/wso2-shared\/executionplans$/m);
        assert.match(hook, new RegExp(`^systemctl enable --now ${ARTIFACT_SYNC.unit}\\.timer$`, "m"));
        assert.equal(spawnSync("bash", ["-n"], { input: hook }).status, 0);
        requireTool(this, "shellcheck");
        for (const script of [ARTIFACT_SYNC_SCRIPT, hook]) {
            const result = shellcheck(script);
            assert.equal(result.status, 0, result.output);
        }
    });

    it("every stack's source parameter names the active DC, its region and its boot bucket (the S3 calls' --region)", async () => {
        for (const stack of ["us-east", "us-west"]) {
            const parameter = ofType(await run(stack), "aws:ssm/parameter:Parameter").find((p) => String(p.inputs.name).endsWith("/runtime-artifacts-source"))!;
            assert.equal(parameter.inputs.insecureValue ?? parameter.inputs.value, `DC1 us-east-1 ${SOURCE}`);
        }
    });

    it("the boot bucket deletes the sync's old versions and lone delete markers after a day (the marker is rewritten every minute)", async () => {
        const lifecycle = ofType(await run("us-east"), "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").find((r) => r.name.startsWith("dc1-artifacts"))!;
        assert.deepEqual(lifecycle.inputs.rules, [{
            id: "noncurrent-versions", status: "Enabled", filter: { prefix: "runtime-artifacts/" },
            noncurrentVersionExpiration: { noncurrentDays: 1 }, expiration: { expiredObjectDeleteMarker: true },
        }]);
    });
});
