/** EC2: encrypted disks, IMDSv2, private addresses, detailed monitoring. */
import { asList, isRecord } from "../inputs";
import { ResourceRule } from "../model";
import { TYPES } from "../types";

export const ebsEncrypted: ResourceRule = {
    kind: "resource",
    id: "WSO2-SEC-001",
    title: "EBS volumes are encrypted",
    rationale: "Node disks hold the WSO2 pack, keystores and logs; encryption at rest protects them and their snapshots.",
    severity: "mandatory",
    fix: "set rootBlockDevice.encrypted = true, and encrypted = true on every ebsBlockDevices entry and EBS volume",
    equivalents: { checkov: ["CKV_AWS_8", "CKV_AWS_3"], cdkNag: ["AwsSolutions-EC26"] },
    types: [TYPES.instance, TYPES.ebsVolume],
    check(resource) {
        if (resource.type === TYPES.ebsVolume) return resource.inputs.encrypted === true ? [] : ["EBS volume not encrypted"];
        const root = resource.inputs.rootBlockDevice;
        const problems = isRecord(root) && root.encrypted === true ? [] : ["root volume not encrypted"];
        for (const device of asList(resource.inputs.ebsBlockDevices).filter(isRecord)) {
            if (device.encrypted !== true) problems.push(`EBS volume ${String(device.deviceName ?? "")} not encrypted`.trim());
        }
        return problems;
    },
};

export const imdsV2Required: ResourceRule = {
    kind: "resource",
    id: "WSO2-SEC-004",
    title: "Instances require IMDSv2",
    rationale: "IMDSv1 answers any request that reaches it, so an SSRF in an API backend call could read the node role's credentials.",
    severity: "mandatory",
    fix: `set metadataOptions.httpTokens = "required"`,
    equivalents: { checkov: ["CKV_AWS_79"] },
    types: [TYPES.instance],
    check(resource) {
        const options = resource.inputs.metadataOptions;
        return isRecord(options) && options.httpTokens === "required" ? [] : ["IMDSv2 not required"];
    },
};

export const noPublicIp: ResourceRule = {
    kind: "resource",
    id: "WSO2-SEC-006",
    title: "Instances have no public IP",
    rationale: "Nodes and database hosts sit in private subnets behind the ALB; a public address bypasses it.",
    severity: "mandatory",
    fix: "set associatePublicIpAddress = false (explicitly: otherwise the subnet's default decides)",
    equivalents: { checkov: ["CKV_AWS_88"] },
    types: [TYPES.instance],
    check(resource) {
        return resource.inputs.associatePublicIpAddress === false ? [] : ["public IP not explicitly disabled"];
    },
};

export const detailedMonitoring: ResourceRule = {
    kind: "resource",
    id: "WSO2-REL-009",
    title: "Instances have detailed monitoring",
    rationale: "One-minute metrics show a node's trouble within the ~90 s DNS failover window rather than after it.",
    severity: "advisory",
    fix: "set monitoring = true",
    equivalents: { checkov: ["CKV_AWS_126"], cdkNag: ["AwsSolutions-EC28"] },
    types: [TYPES.instance],
    check(resource) {
        return resource.inputs.monitoring === true ? [] : ["detailed monitoring off"];
    },
};
