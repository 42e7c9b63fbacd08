import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { al2023ImageParameter } from "../lib/instance-types";

/** The image an EC2 host boots and where it came from (a stack output shows both). */
export interface HostImage {
    amiId: pulumi.Output<string>;
    /** `config <key>` for a pinned id, `ssm:<parameter>` for AWS's current Amazon Linux 2023. */
    source: string;
    /**
     * True when the id follows AWS's latest image: a running host keeps its image when AWS
     * publishes a new one (ignoreChanges on `ami`) and is replaced only deliberately.
     */
    followsLatest: boolean;
}

/**
 * Resolves host images of one stack: a pinned id as given, otherwise the current Amazon Linux
 * 2023 image of the instance type's architecture from AWS's public SSM parameter (looked up once
 * per parameter).
 */
export function hostImages(pinned: { key: string; amiId: string | null }, opts: pulumi.InvokeOutputOptions): (instanceType: string) => HostImage {
    const lookups = new Map<string, pulumi.Output<string>>();
    return (instanceType) => {
        if (pinned.amiId) return { amiId: pulumi.output(pinned.amiId), source: `config ${pinned.key}`, followsLatest: false };
        const name = al2023ImageParameter(instanceType);
        if (!lookups.has(name)) lookups.set(name, aws.ssm.getParameterOutput({ name }, opts).value);
        return { amiId: lookups.get(name)!, source: `ssm:${name}`, followsLatest: true };
    };
}
