/**
 * The floor under the plan's time: Pulumi's own mocks registering as many plain resources as the
 * plan's stacks declare, one program per stack, and nothing else (no component, no rendering, no
 * dependency between resources). What it takes beyond loading the SDKs is what any program of that
 * size costs under `pulumi.runtime` mocks (per resource: Output and promise plumbing, the property
 * serialisation to protobuf and back). Run by tools/bench/plan-bench.ts:
 * `node -r ./tools/register-ts.js tools/bench/mock-floor.ts <resources of stack 1> <of stack 2> …`
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import * as settings from "@pulumi/pulumi/runtime/settings";

async function declare(stack: string, count: number): Promise<void> {
    const monitor = new MockMonitor({ newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }), call: (args) => args.inputs });
    settings.setMockOptions(monitor as any, "floor", stack, false);
    await pulumi.runtime.runInPulumiStack(async () => {
        for (let i = 0; i < count; i++) new aws.cloudwatch.LogGroup(`group-${i}`, { name: `group-${i}`, retentionInDays: 30, tags: { stack } });
        return {};
    });
    await (settings as any).waitForRPCs();
}

(async () => {
    // As the plan runs the program (tools/plan/cli.ts, tools/offline/run.ts): no stack traces.
    Error.stackTraceLimit = 0;
    const resourceClass = pulumi.Resource as unknown as { stackTrace: (skip: number) => unknown[] };
    resourceClass.stackTrace = () => [];
    const counts = process.argv.slice(2).map(Number);
    for (const [i, count] of counts.entries()) await declare(`stack-${i}`, count);
})();
