import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { HEALTH_SIGNAL } from "../lib/health-gate";
import { renderHealthSignalService, renderHealthSignalTimer } from "../lib/render/health-signal";
import { apiReconcilerUnits } from "../lib/render/api-reconciler";
import { truststoreWatchUnits } from "../lib/render/keystore-hook";
import { BOOT_UNIT_NAME, renderBootUnit, renderSystemdUnit, UNIT_NAME } from "../lib/render/systemd-unit";
import { requireTool } from "./harness";

/**
 * The node's systemd units as the real `systemd-analyze verify` (Debian's systemd 252, the version
 * Amazon Linux 2023 runs) judges them. It reads them under a root directory of the test's own: the
 * host's unit library (targets such as sysinit.target), the units we render, and an executable
 * stand-in at every path a unit runs, since verify refuses a unit whose command does not exist.
 */
const UNITS: Record<string, string> = {
    [BOOT_UNIT_NAME]: renderBootUnit(),
    [UNIT_NAME]: renderSystemdUnit(),
    [`${HEALTH_SIGNAL.unit}.service`]: renderHealthSignalService(),
    [`${HEALTH_SIGNAL.unit}.timer`]: renderHealthSignalTimer(),
    ...truststoreWatchUnits(),
    ...apiReconcilerUnits(),
};

describe("the node's systemd units under systemd-analyze verify", () => {
    let root: string;

    before(function () {
        requireTool(this, "systemd-analyze");
        root = fs.mkdtempSync(path.join(os.tmpdir(), "units-"));
        fs.mkdirSync(path.join(root, "usr", "lib", "systemd"), { recursive: true });
        fs.cpSync("/usr/lib/systemd/system", path.join(root, "usr", "lib", "systemd", "system"), { recursive: true });
        const unitDir = path.join(root, "etc", "systemd", "system");
        fs.mkdirSync(unitDir, { recursive: true });
        for (const [name, text] of Object.entries(UNITS)) {
            fs.writeFileSync(path.join(unitDir, name), text);
            for (const command of text.matchAll(/^Exec\w+=[-+!@:]*(\S+)/gm)) {
                const executable = path.join(root, command[1]);
                fs.mkdirSync(path.dirname(executable), { recursive: true });
                fs.writeFileSync(executable, "#!/bin/sh\n", { mode: 0o755 });
            }
        }
    });
    after(() => root && fs.rmSync(root, { recursive: true, force: true }));

    for (const name of Object.keys(UNITS)) {
        it(`${name} verifies clean`, () => {
            const result = spawnSync("systemd-analyze", ["verify", "--man=no", `--root=${root}`, path.join(root, "etc", "systemd", "system", name)], { encoding: "utf8" });
            assert.equal(result.status, 0, result.stderr);
            assert.equal(result.stderr.trim(), "");
        });
    }

    it("WSO2 runs with a private umask and the trust check and the secrets-at-rest step before every start", () => {
        const service = renderSystemdUnit();
        assert.match(service, /^UMask=0077$/m);
        assert.deepEqual([...service.matchAll(/^ExecStartPre=(.+)$/gm)].map((m) => m[1]), ["/usr/local/sbin/wso2-trust-check", "/usr/local/sbin/wso2-secrets-at-rest"]);
        // ExecStartPre runs as User= (no "+" prefix): what it writes is the service user's.
        assert.match(service, /^User=wso2$/m);
    });
});
