/** RDS for Oracle: encrypted, private, backed up (the trusted source longest), hard to delete. */
import { GuardedResource, ResourceRule, StackRule, Violation } from "../model";
import { TYPES } from "../types";

export const rdsEncrypted: ResourceRule = {
    kind: "resource",
    id: "WSO2-SEC-005",
    title: "RDS storage is encrypted",
    rationale: "AM_DB and SHARED_DB hold tokens, users and subscriptions; encryption covers storage, backups and snapshots.",
    severity: "mandatory",
    fix: "set storageEncrypted = true (an existing instance must be restored from an encrypted snapshot)",
    equivalents: { checkov: ["CKV_AWS_16"], cdkNag: ["AwsSolutions-RDS2"] },
    types: [TYPES.rdsInstance],
    check(resource) {
        return resource.inputs.storageEncrypted === true ? [] : ["storage not encrypted"];
    },
};

export const rdsPrivate: ResourceRule = {
    kind: "resource",
    id: "WSO2-SEC-007",
    title: "The database is not publicly accessible",
    rationale: "Only the region's nodes and the replication hosts talk to Oracle, over private subnets and peering.",
    severity: "mandatory",
    fix: "set publiclyAccessible = false",
    equivalents: { checkov: ["CKV_AWS_17"] },
    types: [TYPES.rdsInstance],
    check(resource) {
        return resource.inputs.publiclyAccessible === true ? ["database publicly accessible"] : [];
    },
};

/** Days of automated backups; 0 when off or not set. */
function retentionDays(instance: GuardedResource): number {
    const days = instance.inputs.backupRetentionPeriod;
    return typeof days === "number" ? days : 0;
}

export const rdsBackups: ResourceRule = {
    kind: "resource",
    id: "WSO2-REL-001",
    title: "RDS automated backups are on",
    rationale: "Backups give point-in-time recovery, and RDS keeps the archived redo logs GoldenGate's Extract reads only when they are on.",
    severity: "mandatory",
    fix: "set backupRetentionPeriod to at least 1 day (the trusted source longer than every other datacenter)",
    equivalents: { checkov: ["CKV_AWS_133"], cdkNag: ["AwsSolutions-RDS13"] },
    types: [TYPES.rdsInstance],
    check(resource) {
        const days = resource.inputs.backupRetentionPeriod;
        if (days === undefined) return ["backupRetentionPeriod not set"];
        return retentionDays(resource) >= 1 ? [] : [`automated backups off (backupRetentionPeriod ${JSON.stringify(days)})`];
    },
};

export const trustedSourceKeepsLongestBackups: StackRule = {
    kind: "stack",
    id: "WSO2-REL-002",
    title: "The trusted source keeps the longest backups",
    rationale: "The trusted source's database is the reference for the initial load and every re-sync (the article: one DC's database is the reference; docs/database.md).",
    severity: "mandatory",
    fix: "raise the trusted source's backupRetentionPeriod above every other datacenter's (RDS allows up to 35 days)",
    equivalents: {},
    crossStack: true,
    check(view) {
        const own = view.ofType(TYPES.rdsInstance);
        if (!view.trustedSource || own.length === 0) return [];
        if (!view.allStacks) {
            return own.map((resource) => ({
                resource,
                message: "the other datacenters' retention is not visible from this stack alone; compare them with `npm run plan`",
            }));
        }
        const others = view.allStacks
            .filter((s) => s.stack !== view.stack)
            .flatMap((s) => s.resources.filter((r) => r.type === TYPES.rdsInstance).map((r) => ({ stack: s.stack, days: retentionDays(r) })));
        const longest = others.sort((a, b) => b.days - a.days)[0];
        if (!longest) return [];
        return own
            .filter((resource) => retentionDays(resource) <= longest.days)
            .map((resource): Violation => ({
                resource,
                message: `backup retention ${retentionDays(resource)} days is not longer than stack ${longest.stack}'s ${longest.days} days`,
            }));
    },
};

export const rdsDeletionProtection: ResourceRule = {
    kind: "resource",
    id: "WSO2-REL-003",
    title: "RDS deletion protection is on",
    rationale: "A deleted replication peer means a full re-load from the trusted source; RDS should refuse the delete.",
    severity: "mandatory",
    fix: "set deletionProtection = true",
    equivalents: { checkov: ["CKV_AWS_293"], cdkNag: ["AwsSolutions-RDS10"] },
    types: [TYPES.rdsInstance],
    check(resource) {
        return resource.inputs.deletionProtection === true ? [] : ["deletion protection off"];
    },
};

export const rdsFinalSnapshot: ResourceRule = {
    kind: "resource",
    id: "WSO2-REL-004",
    title: "RDS takes a final snapshot on delete",
    rationale: "If the instance is deleted after all, its data survives as a named snapshot.",
    severity: "mandatory",
    fix: "set skipFinalSnapshot = false and finalSnapshotIdentifier to a name",
    equivalents: {},
    types: [TYPES.rdsInstance],
    check(resource) {
        const problems: string[] = [];
        if (resource.inputs.skipFinalSnapshot === true) problems.push("final snapshot skipped");
        const identifier = resource.inputs.finalSnapshotIdentifier;
        if (typeof identifier !== "string" || identifier === "") problems.push("no finalSnapshotIdentifier");
        return problems;
    },
};

export const trustedSourceMultiAz: ResourceRule = {
    kind: "resource",
    id: "WSO2-REL-005",
    title: "The trusted source's database is Multi-AZ",
    rationale: "Losing the reference database's AZ would stop re-syncs and the initial load of every other datacenter.",
    severity: "mandatory",
    fix: "set multiAz = true on the trusted source's RDS instance",
    equivalents: { checkov: ["CKV_AWS_157"], cdkNag: ["AwsSolutions-RDS3"] },
    types: [TYPES.rdsInstance],
    check(resource, scope) {
        return scope.trustedSource && resource.inputs.multiAz !== true ? ["trusted source database not Multi-AZ"] : [];
    },
};

export const rdsLogExports: ResourceRule = {
    kind: "resource",
    id: "WSO2-REL-007",
    title: "RDS exports its logs to CloudWatch",
    rationale: "Oracle's alert and listener logs explain replication and connection failures after the fact.",
    severity: "advisory",
    fix: `set enabledCloudwatchLogsExports = ["alert", "listener", "trace"] (and "audit" where auditing is on)`,
    equivalents: { checkov: ["CKV_AWS_129"] },
    types: [TYPES.rdsInstance],
    check(resource) {
        const exports = resource.inputs.enabledCloudwatchLogsExports;
        return Array.isArray(exports) && exports.length > 0 ? [] : ["no logs exported to CloudWatch"];
    },
};

export const rdsEnhancedMonitoring: ResourceRule = {
    kind: "resource",
    id: "WSO2-REL-008",
    title: "RDS enhanced monitoring is on",
    rationale: "OS-level metrics show whether a slow database is starved of CPU, memory or I/O.",
    severity: "advisory",
    fix: "set monitoringInterval (e.g. 60) and monitoringRoleArn",
    equivalents: { checkov: ["CKV_AWS_118"] },
    types: [TYPES.rdsInstance],
    check(resource) {
        const interval = resource.inputs.monitoringInterval;
        return typeof interval === "number" && interval > 0 ? [] : ["enhanced monitoring off"];
    },
};
