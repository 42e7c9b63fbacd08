/**
 * The artifacts a plan shows under files/: exactly the bytes the program hands to AWS, taken
 * from the recorded resource inputs, plus the files each node's cloud-config writes, unpacked
 * so that reviewers read scripts and deployment.toml as files.
 */
import * as path from "path";
import * as YAML from "yaml";
import { WrittenFile, writtenContent } from "../../lib/render/user-data";
import { PlanResource } from "./plan-json";

export interface PlanFile {
    /** Relative path under files/. */
    path: string;
    content: string;
}

/** Keeps a path inside files/: no absolute paths, no `..`. */
function safeJoin(...parts: string[]): string {
    return path.posix.normalize(parts.join("/").replace(/^\/+/, "")).replace(/^(\.\.\/)+/, "");
}

export function extractFiles(resources: PlanResource[]): PlanFile[] {
    const files: PlanFile[] = [];
    for (const resource of resources) {
        const { type, name, inputs } = resource;
        if (type === "aws:ec2/instance:Instance" && typeof inputs.userData === "string") {
            files.push({ path: safeJoin(name, "user-data"), content: inputs.userData });
            const cloudConfig = YAML.parse(inputs.userData);
            for (const file of (cloudConfig?.write_files ?? []) as WrittenFile[]) {
                files.push({ path: safeJoin(name, file.path), content: writtenContent(file) });
            }
        }
        // The nodes' health gates (lib/health-gate.ts): the CloudFormation template each stack gets.
        if (type === "aws:cloudformation/stack:Stack" && typeof inputs.templateBody === "string") {
            files.push({ path: safeJoin("cloudformation", `${String(inputs.name ?? name)}.json`), content: inputs.templateBody });
        }
        if (type.startsWith("aws:s3/bucketObject") && typeof inputs.content === "string") {
            files.push({ path: safeJoin("s3", String(inputs.bucket), String(inputs.key ?? name)), content: inputs.content });
        }
    }
    return files;
}
