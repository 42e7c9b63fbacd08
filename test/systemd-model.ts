/**
 * What systemd 252 (Amazon Linux 2023's) does when a service's main process ends, as its manual
 * pages state it, for tests that cannot run a real systemd (it is not PID 1 in the test
 * environment). A pure model of the documented rules, read from a rendered unit:
 *
 * - systemd.service(5), Restart=: "no" (the default), "on-success", "on-failure", "on-abnormal",
 *   "on-abort", "on-watchdog", "always", and Table 2 "Exit causes and the effect of the Restart=
 *   settings". A clean exit is exit code 0, for types other than oneshot SIGHUP, SIGINT, SIGTERM or
 *   SIGPIPE, or a status listed in SuccessExitStatus=. A service stopped with `systemctl stop` (or
 *   an equivalent operation) is never restarted. RestartSec= defaults to 100 ms.
 * - systemd.unit(5), StartLimitIntervalSec=/StartLimitBurst=: units "started more than burst times
 *   within an interval time span are not permitted to start any more"; the limits "apply to all
 *   kinds of starts (including manual), not just those triggered by the Restart= logic"; a unit
 *   that reaches them is "not attempted to be restarted anymore". Defaults: 10 s and 5
 *   (systemd-system.conf(5), DefaultStartLimitIntervalSec=, DefaultStartLimitBurst=). The window
 *   opens at the first start and is not sliding: systemd v252 src/basic/ratelimit.c
 *   ratelimit_below() resets the count once more than the interval has passed since the window's
 *   first start.
 * - systemd.exec(5), $SERVICE_RESULT "start-limit-hit": "A start limit was defined for the unit and
 *   it was hit, causing the unit to fail to start": the unit is `failed`. An unclean end that is
 *   not restarted leaves it `failed` too (systemctl(1), reset-failed); a clean one `inactive`.
 */

export interface ServiceRules {
    type: string;
    restart: string;
    successExitStatus: string[];
    restartSeconds: number;
    startLimitIntervalSeconds: number;
    startLimitBurst: number;
}

/** How the main process ended. */
export type Exit = { code: number } | { signal: string };

const CLEAN_SIGNALS = ["SIGHUP", "SIGINT", "SIGTERM", "SIGPIPE"];
const RESTART_VALUES = ["no", "on-success", "on-failure", "on-abnormal", "on-abort", "on-watchdog", "always"];

/** A time span as systemd.time(5) writes the ones our units use: seconds, or `<n>ms`, `<n>s`, `<n>min`. */
function seconds(value: string): number {
    const match = /^(\d+)(ms|s|min)?$/.exec(value.trim());
    if (!match) throw new Error(`time span ${value} is not modelled`);
    return Number(match[1]) * (match[2] === "ms" ? 0.001 : match[2] === "min" ? 60 : 1);
}

/** The settings of a rendered unit that decide restarts, with systemd's defaults for those it leaves out. */
export function serviceRules(unit: string): ServiceRules {
    const values = new Map<string, string[]>();
    for (const line of unit.split("\n")) {
        const match = /^(\w+)=(.*)$/.exec(line);
        if (match) values.set(match[1], [...(values.get(match[1]) ?? []), match[2]]);
    }
    const last = (key: string) => values.get(key)?.at(-1);
    const restart = last("Restart") ?? "no";
    if (!RESTART_VALUES.includes(restart)) throw new Error(`Restart=${restart} is not a value systemd.service(5) lists`);
    return {
        type: last("Type") ?? "simple",
        restart,
        successExitStatus: (values.get("SuccessExitStatus") ?? []).flatMap((v) => v.split(/\s+/)).filter(Boolean),
        restartSeconds: seconds(last("RestartSec") ?? "100ms"),
        startLimitIntervalSeconds: seconds(last("StartLimitIntervalSec") ?? "10"),
        startLimitBurst: Number(last("StartLimitBurst") ?? 5),
    };
}

export function isCleanExit(exit: Exit, rules: ServiceRules): boolean {
    if ("code" in exit) return exit.code === 0 || rules.successExitStatus.includes(String(exit.code));
    return (rules.type !== "oneshot" && CLEAN_SIGNALS.includes(exit.signal)) || rules.successExitStatus.includes(exit.signal);
}

/** Whether systemd restarts the service after this end (Table 2; no watchdog or timeouts modelled). */
export function restartsAfter(exit: Exit, rules: ServiceRules, stoppedBySystemd: boolean): boolean {
    if (stoppedBySystemd) return false;
    const clean = isCleanExit(exit, rules);
    switch (rules.restart) {
        case "always": return true;
        case "on-success": return clean;
        case "on-failure": return !clean;
        case "on-abnormal":
        case "on-abort": return !clean && "signal" in exit;
        default: return false;
    }
}

export interface Outcome {
    /** Seconds since the first start at which each permitted start happened. */
    starts: number[];
    state: "active" | "inactive" | "failed";
    result: "success" | "exit-code" | "signal" | "start-limit-hit";
}

/**
 * Runs the service through `runs`: each start's process lives `seconds`, then ends with `exit`,
 * never on a stop request. After the last run the process stays up (state `active`).
 */
export function simulate(rules: ServiceRules, runs: { seconds: number; exit: Exit }[]): Outcome {
    const starts: number[] = [];
    let windowBegin: number | null = null;
    let inWindow = 0;
    const permitted = (t: number) => {
        if (windowBegin === null || t - windowBegin > rules.startLimitIntervalSeconds) {
            windowBegin = t;
            inWindow = 0;
        } else if (inWindow >= rules.startLimitBurst) {
            return false;
        }
        inWindow++;
        return true;
    };
    let t = 0;
    for (let i = 0; ; i++) {
        if (!permitted(t)) return { starts, state: "failed", result: "start-limit-hit" };
        starts.push(t);
        const run = runs[i];
        if (!run) return { starts, state: "active", result: "success" };
        t += run.seconds;
        const clean = isCleanExit(run.exit, rules);
        if (!restartsAfter(run.exit, rules, false)) {
            return { starts, state: clean ? "inactive" : "failed", result: clean ? "success" : "code" in run.exit ? "exit-code" : "signal" };
        }
        t += rules.restartSeconds;
    }
}
