import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { UNEXPECTED_EXIT_PATTERN } from "../components/monitoring";
import { HEALTH_SIGNAL } from "../lib/health-gate";
import { renderLagUnits } from "../lib/goldengate/hub-user-data";
import { ARTIFACT_SYNC, renderArtifactSyncHook } from "../lib/render/artifact-sync";
import { renderHealthSignalService } from "../lib/render/health-signal";
import { truststoreWatchUnits } from "../lib/render/keystore-hook";
import { renderSystemdUnit, RUN_WRAPPER_PATH, WSO2_RESTARTS } from "../lib/render/systemd-unit";
import { RUN_WRAPPER_SCRIPT } from "../lib/render/node-tools-hook";
import { requireTool, shellcheck } from "./harness";
import { Exit, restartsAfter, serviceRules, simulate } from "./systemd-model";

const WRAPPER = fs.readFileSync(path.join(__dirname, "..", "lib", "render", "scripts", "wso2-run.sh"), "utf8");

/**
 * The shape of WSO2 3.1.0's start loop (product-apim v3.1.0
 * modules/distribution/product/src/main/startup-scripts/wso2server.sh): `status=121`, then
 * `while [ "$status" = 121 ]; do $JAVACMD … $JVM_MEM_OPTS -XX:+HeapDumpOnOutOfMemoryError
 * -XX:HeapDumpPath=… $JAVA_OPTS … Bootstrap; status=$?; done`, and nothing after the loop: the
 * script's status is the loop's, that of `status=$?`, an assignment, 0. Written for this test.
 */
const START_LOOP_SHAPE = `#!/bin/sh
status=121
while [ "$status" = "121" ]
do
    "$JAVACMD" $JVM_MEM_OPTS -XX:+HeapDumpOnOutOfMemoryError -XX:HeapDumpPath="$CARBON_HOME/repository/logs/heap-dump.hprof" $JAVA_OPTS org.wso2.carbon.bootstrap.Bootstrap
    status=$?
done
`;

/**
 * A stand-in JVM: logs its arguments, then behaves as the next word of $HOME_DIR/modes says:
 * `crash` exits 1, `kill9` kills itself with SIGKILL, `restart` exits 121 (Carbon's restart), `run`
 * runs until SIGTERM and exits 143 as the JVM does after its shutdown hooks.
 */
const FAKE_JVM = `#!/bin/bash
printf 'java %s\\n' "$*" >>"$FAKE_LOG"
mode=$(head -n1 "$HOME_DIR/modes"); sed -i 1d "$HOME_DIR/modes"
case $mode in
    crash) exit 1 ;;
    kill9) kill -9 $$ ;;
    restart) exit 121 ;;
    run) trap 'exit 143' TERM; touch "$HOME_DIR/running"; while :; do sleep 0.05; done ;;
esac
`;

interface WrapperRun { status: number | null; calls: string[]; runLog: string; stderr: string }

/**
 * Runs the wrapper on a WSO2 home holding the start-loop shape and the stand-in JVM. With `stop`,
 * once the JVM runs, SIGTERM goes to every process of the wrapper's process group, as systemd's
 * `systemctl stop` signals every process of the unit's cgroup (systemd.kill(5), KillMode=control-group).
 */
function runWrapper(modes: string[], options: { stop?: boolean; freeMiB?: number; dumpExists?: boolean } = {}): WrapperRun {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wso2-run-"));
    try {
        const home = path.join(dir, "wso2am-3.1.0");
        fs.mkdirSync(path.join(home, "bin"), { recursive: true });
        fs.mkdirSync(path.join(home, "repository", "logs"), { recursive: true });
        fs.mkdirSync(path.join(dir, "bin"));
        fs.writeFileSync(path.join(home, "bin", "wso2server.sh"), START_LOOP_SHAPE, { mode: 0o755 });
        fs.writeFileSync(path.join(dir, "bin", "java"), FAKE_JVM, { mode: 0o755 });
        fs.writeFileSync(path.join(dir, "bin", "df"), `#!/bin/sh\necho 'Filesystem 1048576-blocks Used Available Capacity Mounted on'\necho "/dev/nvme0n1p1 51200 5000 ${options.freeMiB ?? 46200} 10% /"\n`, { mode: 0o755 });
        fs.writeFileSync(path.join(home, "modes"), modes.join("\n") + "\n");
        const stateDirectory = path.join(dir, "state");
        fs.mkdirSync(stateDirectory);
        if (options.dumpExists) fs.writeFileSync(path.join(stateDirectory, "heap-dump.hprof"), "");
        fs.writeFileSync(path.join(dir, "wrapper"), WRAPPER, { mode: 0o755 });
        // Job control (set -m) gives the wrapper its own process group, the test's stand-in for the cgroup.
        const driver = options.stop
            ? `set -m\n"${dir}/wrapper" "${home}" & pid=$!\nuntil [ -e "${home}/running" ]; do sleep 0.05; done\nkill -TERM -- -"$pid"\nwait "$pid"\n`
            : `"${dir}/wrapper" "${home}"\n`;
        const result = spawnSync("bash", ["-c", driver], {
            encoding: "utf8",
            timeout: 20000,
            env: {
                PATH: `${dir}/bin:${process.env.PATH}`, FAKE_LOG: path.join(dir, "calls"), HOME_DIR: home,
                JAVACMD: path.join(dir, "bin", "java"), CARBON_HOME: home, JVM_MEM_OPTS: "-Xms7782m -Xmx7782m",
                // What systemd sets for StateDirectory= (systemd.exec(5)).
                STATE_DIRECTORY: stateDirectory,
            },
        });
        const read = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "");
        return {
            status: result.status,
            calls: read(path.join(dir, "calls")).replaceAll(dir, "<dir>").trim().split("\n").filter(Boolean),
            runLog: read(path.join(home, "repository", "logs", "wso2-run.log")),
            stderr: result.stderr,
        };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

const exitOf = (status: number | null): Exit => ({ code: status ?? -1 });
const unit = serviceRules(renderSystemdUnit());

describe("WSO2 that dies is restarted (wso2am.service, its start wrapper and systemd's rules)", () => {
    before(function () {
        requireTool(this, "sh");
    });

    it("the 3.1.0 start loop exits 0 after its JVM crashed: under the former unit (Restart=on-failure, the loop as ExecStart) WSO2 stayed down", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "start-loop-"));
        try {
            fs.writeFileSync(path.join(dir, "java"), "#!/bin/sh\nexit 1\n", { mode: 0o755 });
            const loop = spawnSync("sh", ["-c", START_LOOP_SHAPE], { env: { PATH: process.env.PATH, JAVACMD: path.join(dir, "java"), CARBON_HOME: dir } });
            assert.equal(loop.status, 0);
            const former = serviceRules("[Unit]\n[Service]\nType=simple\nExecStart=/opt/wso2am-3.1.0/bin/wso2server.sh\nSuccessExitStatus=143\nRestart=on-failure\nRestartSec=30\n");
            assert.deepEqual(simulate(former, [{ seconds: 600, exit: exitOf(loop.status) }]), { starts: [0], state: "inactive", result: "success" });
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("the wrapper exits 1 and logs the counted line when the JVM crashes, is killed with SIGKILL, or dies after a Carbon restart", () => {
        for (const modes of [["crash"], ["kill9"], ["restart", "crash"]]) {
            const run = runWrapper(modes);
            assert.equal(run.status, 1, `${modes}: ${run.stderr}`);
            assert.match(run.runLog, /wso2-run: WSO2 ENDED WITHOUT A STOP REQUEST \(wso2server\.sh exit 0\); systemd restarts it\n$/);
            // The loop ran the JVM again after 121 only.
            assert.equal(run.calls.filter((c) => c.startsWith("java ")).length, modes.length);
        }
    });

    it("the wrapper exits 0, logging nothing, when systemd stopped WSO2", () => {
        const run = runWrapper(["run"], { stop: true });
        assert.equal(run.status, 0, run.stderr);
        assert.doesNotMatch(run.runLog, /ENDED/);
    });

    it("under the rendered unit a crashed WSO2 is restarted after 30 s, and a stop is never undone", () => {
        assert.equal(unit.restart, "always");
        const crash = runWrapper(["crash"]);
        const outcome = simulate(unit, [{ seconds: 600, exit: exitOf(crash.status) }]);
        assert.deepEqual(outcome, { starts: [0, 600 + WSO2_RESTARTS.pauseSeconds], state: "active", result: "success" });
        // Even a clean end nobody asked for (the wrapper's own exit 0, a console shutdown) restarts.
        assert.deepEqual(simulate(unit, [{ seconds: 600, exit: { code: 0 } }]).starts, [0, 630]);
        // systemctl stop: the wrapper's exit 0 (or SIGTERM) is never followed by a restart.
        const stopped = exitOf(runWrapper(["run"], { stop: true }).status);
        assert.equal(restartsAfter(stopped, unit, true), false);
    });

    it("a WSO2 that keeps dying at start-up is started 5 times in 30 minutes, then left failed (start-limit-hit)", () => {
        const crash = exitOf(runWrapper(["crash"]).status);
        const outcome = simulate(unit, Array.from({ length: 10 }, () => ({ seconds: 20, exit: crash })));
        assert.equal(outcome.starts.length, WSO2_RESTARTS.burst);
        assert.deepEqual(outcome.starts, [0, 50, 100, 150, 200]);
        assert.equal(outcome.state, "failed");
        assert.equal(outcome.result, "start-limit-hit");
        // One that dies every 10 minutes stays within the limit: systemd keeps restarting it (the alarm counts).
        const slow = simulate(unit, Array.from({ length: 12 }, () => ({ seconds: 600, exit: crash })));
        assert.equal(slow.state, "active");
        assert.equal(slow.starts.length, 13);
    });

    it("the start limit is in [Unit] and the restart settings in [Service], where systemd reads them", () => {
        const text = renderSystemdUnit();
        const service = text.indexOf("[Service]");
        for (const key of ["StartLimitIntervalSec=", "StartLimitBurst="]) assert.ok(text.indexOf(key) < service, key);
        for (const key of ["Restart=", "RestartSec=", "ExecStart="]) assert.ok(text.indexOf(key) > service, key);
        assert.match(text, new RegExp(`^ExecStart=${RUN_WRAPPER_PATH} /opt/wso2am-3\\.1\\.0$`, "m"));
    });

    it("heap dumps: on while the root volume holds the heap and 4 GiB, off below, and a kept dump is named", () => {
        const javaArgs = (run: WrapperRun) => run.calls.find((c) => c.startsWith("java "))!;
        const roomy = runWrapper(["crash"], { freeMiB: 7782 + 4096 });
        assert.doesNotMatch(javaArgs(roomy), /HeapDumpOnOutOfMemoryError.*-XX:-HeapDumpOnOutOfMemoryError/);
        // The dump goes to the unit's state directory, after the script's own path (HotSpot takes the last), never into a versioned home.
        assert.match(javaArgs(roomy), /-XX:HeapDumpPath=\S*repository\/logs\/heap-dump\.hprof .*-XX:HeapDumpPath=\S*\/state\/heap-dump\.hprof/);
        const tight = runWrapper(["crash"], { freeMiB: 7782 + 4095 });
        // After the script's +HeapDumpOnOutOfMemoryError: HotSpot takes the last setting of a flag.
        assert.match(javaArgs(tight), /-XX:\+HeapDumpOnOutOfMemoryError .*-XX:-HeapDumpOnOutOfMemoryError/);
        assert.match(tight.runLog, /heap dumps off: 11877 MiB free, a 7782 MiB heap needs 11878/);
        const kept = runWrapper(["crash"], { dumpExists: true });
        assert.match(kept.runLog, /a heap dump is kept at \S*\/state\/heap-dump\.hprof/);
        const unit = renderSystemdUnit();
        assert.match(unit, /^StateDirectory=wso2-heap-dumps$/m);
        assert.match(unit, /^StateDirectoryMode=0700$/m);
    });

    it("after every failed run, a refused start included, ExecStopPost writes the one line the alarm counts; after a stop, none", () => {
        const unit = renderSystemdUnit();
        assert.match(unit, new RegExp(`^ExecStopPost=${RUN_WRAPPER_PATH} --report /opt/wso2am-3\\.1\\.0$`, "m"));
        const run = (env: Record<string, string>) => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wso2-run-report-"));
            try {
                fs.mkdirSync(path.join(dir, "repository", "logs"), { recursive: true });
                fs.writeFileSync(path.join(dir, "wrapper"), WRAPPER, { mode: 0o755 });
                const result = spawnSync(path.join(dir, "wrapper"), ["--report", dir], { encoding: "utf8", env: { PATH: process.env.PATH, ...env } });
                const log = path.join(dir, "repository", "logs", "wso2-run.log");
                return { status: result.status, log: fs.existsSync(log) ? fs.readFileSync(log, "utf8") : "" };
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        };
        // A failed ExecStartPre (the trust check refusing): the main process never ran.
        const refused = run({ SERVICE_RESULT: "exit-code", EXIT_CODE: "exited", EXIT_STATUS: "1" });
        assert.equal(refused.status, 0);
        assert.match(refused.log, /wso2-run: WSO2 UNIT FAILED \(exit-code, exited 1\)\n$/);
        assert.ok(refused.log.includes(UNEXPECTED_EXIT_PATTERN.slice(1, -1)));
        const stopped = run({ SERVICE_RESULT: "success", EXIT_CODE: "exited", EXIT_STATUS: "0" });
        assert.deepEqual(stopped, { status: 0, log: "" });
    });

    it("the wrapper passes shellcheck and travels without its comment lines", function () {
        requireTool(this, "shellcheck");
        const result = shellcheck(WRAPPER);
        assert.equal(result.status, 0, result.output);
        assert.ok(!RUN_WRAPPER_SCRIPT.split("\n").slice(1).some((line) => /^\s*# /.test(line)));
    });
});

describe("timer-driven oneshots and network calls are bounded", () => {
    const between = (text: string, start: string, end: string) => text.slice(text.indexOf(start), text.indexOf(end, text.indexOf(start)));
    const hook = renderArtifactSyncHook({ region: "us-east-1", datacenter: "DC1", deployment: "wso2-apim", project: "p" });
    const oneshots: [string, string, number][] = [
        [`${HEALTH_SIGNAL.unit}.service`, renderHealthSignalService(), HEALTH_SIGNAL.intervalSeconds],
        [`${ARTIFACT_SYNC.unit}.service`, between(hook, `${ARTIFACT_SYNC.unit}.service <<'UNIT'`, "\nUNIT"), ARTIFACT_SYNC.intervalSeconds],
        ["goldengate-lag.service", renderLagUnits().service, 60],
        ["wso2-truststore-watch.service", truststoreWatchUnits()["wso2-truststore-watch.service"], 60],
    ];

    for (const [name, text, interval] of oneshots) {
        it(`${name} has a start timeout (a oneshot has none by default; a timer never starts a unit still running)`, () => {
            assert.match(text, /^Type=oneshot$/m);
            const timeout = /^TimeoutStartSec=(\d+)$/m.exec(text);
            assert.ok(timeout, `${name} has no TimeoutStartSec`);
            assert.ok(Number(timeout[1]) > 0);
            // The signal, lag and watch runs end before their next minute; the sync stays under its lag alarm's 10 minutes.
            assert.ok(Number(timeout[1]) < (name.startsWith(ARTIFACT_SYNC.unit) ? 600 : interval), `${name}: ${timeout[1]} s`);
        });
    }

    it("every curl in the scripts has --connect-timeout and --max-time", () => {
        const dirs = [path.join(__dirname, "..", "lib", "render", "scripts"), path.join(__dirname, "..", "lib", "goldengate", "scripts")];
        let seen = 0;
        for (const dir of dirs) {
            for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".sh"))) {
                for (const line of fs.readFileSync(path.join(dir, file), "utf8").split("\n")) {
                    if (!/(^|[\s$(])curl\s/.test(line) || /^\s*#/.test(line)) continue;
                    seen++;
                    // A number, or a variable the script sets to one (api-reconciler.sh).
                    assert.match(line, /--connect-timeout (\d+|"\$[A-Za-z_]+")/, `${file}: ${line.trim()}`);
                    assert.match(line, /--max-time (\d+|"\$[A-Za-z_]+")/, `${file}: ${line.trim()}`);
                }
            }
        }
        assert.ok(seen >= 8, `only ${seen} curl calls found`);
    });
});
