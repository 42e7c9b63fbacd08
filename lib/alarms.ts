/**
 * The thresholds of the deployment's alarms, as pure functions of the config, so that
 * components/monitoring.ts, the dashboard and docs/operations.md cannot disagree. Each is
 * explained in docs/operations.md.
 */

/** The replication lag that warns: five minutes behind is more than a busy but healthy apply. */
export const LAG_WARNING_SECONDS = 300;

/**
 * The replication lag that is critical: half of the archived-log retention is gone, so a re-sync
 * from the trusted source is needed unless the path is fixed within the other half.
 */
export function lagCriticalSeconds(archiveLogRetentionHours: number): number {
    return Math.round((archiveLogRetentionHours * 3600) / 2);
}

/** Hours left, once the critical lag alarm fires, before the archived logs replication needs are purged. */
export function hoursLeftAtCriticalLag(archiveLogRetentionHours: number): number {
    return archiveLogRetentionHours - lagCriticalSeconds(archiveLogRetentionHours) / 3600;
}

/** FreeStorageSpace (bytes) below which the database alarms: a fifth of what is allocated. */
export function freeStorageThresholdBytes(storageGiB: number): number {
    return Math.round(storageGiB * 0.2 * 1024 ** 3);
}

/**
 * The runtime-artifact sync's lag that alarms: the nodes sync every minute, so ten minutes means
 * pushes or pulls are failing and throttling decisions differ between datacenters.
 */
export const ARTIFACT_SYNC_LAG_SECONDS = 600;

/**
 * Reconciler runs (5 minutes each) a datacenter may stay out of step before it alarms: a repair
 * shows in the next run, so three runs in a row are repairs that fail (or APIs it will not remove).
 */
export const APIS_OUT_OF_STEP_RUNS = 3;

export const ALARM_THRESHOLDS = {
    /** Percent of the ALB's requests answered 5XX (by the ALB itself, or by the targets). */
    http5xxPercent: 5,
    /** p95 of TargetResponseTime, seconds: WSO2's own gateway timeout is far above, users notice at this. */
    targetResponseP95Seconds: 2,
    databaseCpuPercent: 80,
    /** FreeableMemory, bytes: Oracle's SGA and PGA leave little; below this the host swaps. */
    databaseFreeableMemoryBytes: 256 * 1024 ** 2,
    /** WSO2 ERROR lines per node log group in five minutes. */
    wso2ErrorLinesPer5Minutes: 50,
    /**
     * Ends of WSO2 that no stop asked for, on the DC's nodes, in 30 minutes (the wrapper's log line):
     * one is a crash systemd heals; three is a node that keeps dying (or several that die together).
     */
    wso2UnexpectedExitsPer30Minutes: 3,
    /** A node's mem_used_percent, averaged over 15 minutes: the heap alone is half of MemTotal (docs/nodes.md). */
    nodeMemoryUsedPercent: 90,
    /** A node's root volume use for 10 minutes: leaves room for a day of logs and the boot's downloads. */
    nodeDiskUsedPercent: 80,
    /**
     * Minutes, in 5-minute periods, of continuous "No receiver is reachable" lines before the alarm: a
     * rolling change takes each node out for a few minutes in turn, a lost DC or peering stays out.
     * Reconsidered with the queue's limits: nothing is lost while the alarm waits (an unreachable
     * Traffic Manager's events are kept until the queue is full or the node stops, and either raises
     * runtime-events-dropped at once), so this alarm only says an outage lasts; a lost event never
     * waits for it. An outage of L minutes touches up to L/5 + 1 periods: a shorter window would fire
     * on a node replaced in a rolling change.
     */
    trafficManagerUnreachableMinutes: 30,
} as const;
