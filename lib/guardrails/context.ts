/** What the rules must know about a stack beyond its resources, read from its config. */
import { ConfigSource, parseConfig } from "../config";
import { StackConfig, loadStackConfig, toRuntimeConfig } from "../stack-config";

export interface StackContext {
    stack: string;
    trustedSource: boolean;
}

/** The stack's context from its effective config (as the offline runner loads it). */
export function stackContext(config: StackConfig): StackContext {
    const runtime = toRuntimeConfig(config);
    const namespace = (name: string): ConfigSource => ({ get: (key) => runtime[`${name}:${key}`] });
    const parsed = parseConfig(namespace(config.project), namespace("aws"), config.stack);
    return { stack: config.stack, trustedSource: parsed.self.id === parsed.trustedSource.id };
}

/** The context of `stack` from the project's Pulumi.yaml and Pulumi.<stack>.yaml. */
export function stackContextFromProject(projectDir: string, stack: string): StackContext {
    return stackContext(loadStackConfig(projectDir, stack));
}
