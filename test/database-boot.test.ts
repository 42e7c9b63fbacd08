/**
 * The database boot hook, run with bash against fakes: there is no Oracle database, AWS account or
 * network here, so `sqlplus`, `aws`, `dnf`, `curl`, `unzip` and `sleep` are the small scripts in
 * test/fixtures/database-boot/bin, first on PATH. They record every call (SQL*Plus also its stdin)
 * and answer from files each test prepares; the SQL*Plus stand-in follows SQL*Plus's input rules
 * and keeps a small dictionary per schema (fixtures README). The pack is a tiny stand-in of our
 * own with the same layout and the same three kinds of defect as WSO2 3.1.0's multi-DC scripts.
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DATABASE_BOOT_SCRIPT, DatabaseBootParameters, renderDatabaseBootEnv } from "../lib/render/database-boot-env";
import { renderSqlParameters, sqlArtifacts, SqlParameters } from "../lib/render/sql-parameters";
import { REMEDIES, REMEDY_FILES } from "../lib/pack/remedies";
import { requireTool, shellcheck } from "./harness";

const FIXTURES = path.join(__dirname, "fixtures", "database-boot");
/** The remedies' catalogue, one line each, for the SQL*Plus stand-in (it runs no PL/SQL). */
let catalogue: string | undefined;
function remedyCatalogue(): string {
    if (catalogue) return catalogue;
    const file = path.join(temporaryDir("remedies-"), "remedies.txt");
    const lines = REMEDIES.map(({ id, schema, detection: d }) => {
        const names = d.kind === "missing-trigger" ? [d.trigger, ...d.tables] : d.kind === "self-deleting-trigger" ? [d.trigger, d.table] : [d.table];
        return [REMEDY_FILES[schema], id, d.kind, ...names].join(" ");
    });
    fs.writeFileSync(file, lines.join("\n") + "\n");
    return (catalogue = file);
}
const HOOK = path.join(__dirname, "..", "lib", "render", "scripts", "database-boot.sh");

const PASSWORDS = {
    master: `M@ster&Pass'1!`,
    amDb: "AmDbPass_123",
    sharedDb: "SharedPass_456",
    goldengate: "GgPass_789",
    checker: "CheckPass_012",
};

const SQL_PARAMETERS: SqlParameters = {
    dcId: "DC2",
    dcIndex: 2,
    dcCount: 2,
    amDbUser: "wso2am",
    sharedDbUser: "wso2shared",
    goldengateUser: "oggadm1",
    archiveLogRetentionHours: 72,
};

const PLACEHOLDER_ZIP_SHA256 = "217cb5e10748610cb0acb2ed6818191c548b1e25a4dda6588f9c89d1edaba6ba";
const CLIENT_ZIPS = ["basic", "sqlplus"].map((kind) => ({
    url: `https://download.oracle.com/otn_software/linux/instantclient/191000/instantclient-${kind}-linux.x64-19.10.0.0.0dbru.zip`,
    sha256: PLACEHOLDER_ZIP_SHA256,
}));

function bootParameters(overrides: Partial<DatabaseBootParameters> = {}): DatabaseBootParameters {
    return {
        region: "us-west-2",
        host: "db.dc2.wso2-apim.internal",
        serviceName: "WSO2",
        platform: "rds",
        masterSecretId: "db-master",
        amDb: { user: "wso2am", secretId: "am-db" },
        sharedDb: { user: "wso2shared", secretId: "shared-db" },
        goldengate: { user: "oggadm1", secretId: "goldengate" },
        checker: { user: "wso2check", secretId: "wso2-apim/dc2/divergence-checker" },
        sqlS3Prefix: "s3://test-artifacts/dc2/sql/",
        architecture: "x86_64",
        // What the fake curl downloads, and its SHA-256 (the hook verifies every zip).
        oracleClientZips: CLIENT_ZIPS,
        schemaApplier: true,
        trustedSource: true,
        replicationReadyParameter: "/wso2-apim/dc2/replication-ready",
        waits: { databaseSeconds: 60, schemaSeconds: 30, replicationSeconds: 0, pollSeconds: 15 },
        ...overrides,
    };
}

interface Sandbox {
    root: string;
    state: string;
    apimHome: string;
    runtimeEnv: string;
}

const temporaryDirs: string[] = [];
after(() => temporaryDirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function temporaryDir(prefix: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    temporaryDirs.push(dir);
    return dir;
}

/** A node's file system in miniature: the pack, an S3 bucket, secrets and an empty Oracle client home. */
function sandbox(): Sandbox {
    const root = temporaryDir("database-boot-");
    const apimHome = path.join(root, "apim");
    fs.cpSync(path.join(FIXTURES, "pack"), apimHome, { recursive: true });
    fs.mkdirSync(path.join(apimHome, "repository", "components", "lib"), { recursive: true });
    const sqlPrefix = path.join(root, "s3", "test-artifacts", "dc2", "sql");
    fs.mkdirSync(sqlPrefix, { recursive: true });
    for (const { name, content } of sqlArtifacts(SQL_PARAMETERS)) fs.writeFileSync(path.join(sqlPrefix, name), content);
    const secrets = path.join(root, "secrets");
    fs.mkdirSync(secrets);
    fs.writeFileSync(path.join(secrets, "db-master"), JSON.stringify({ username: "admin", password: PASSWORDS.master, engine: "oracle" }));
    fs.writeFileSync(path.join(secrets, "am-db"), JSON.stringify({ password: PASSWORDS.amDb }));
    fs.writeFileSync(path.join(secrets, "shared-db"), PASSWORDS.sharedDb);
    fs.writeFileSync(path.join(secrets, "goldengate"), PASSWORDS.goldengate);
    fs.mkdirSync(path.join(secrets, "wso2-apim", "dc2"), { recursive: true });
    fs.writeFileSync(path.join(secrets, "wso2-apim", "dc2", "divergence-checker"), PASSWORDS.checker);
    const state = path.join(root, "state");
    fs.mkdirSync(state);
    const runtimeEnv = path.join(root, "runtime.env");
    fs.writeFileSync(runtimeEnv, "NODE_IP=10.20.1.10\nWSO2_ADMIN_PASSWORD=admin-password\n", { mode: 0o600 });
    return { root, state, apimHome, runtimeEnv };
}

interface BootRun {
    status: number | null;
    log: string;
    calls: string[];
}

/** Runs the hook once with the rendered env file, pointed at the sandbox instead of /opt and /etc. */
function boot(box: Sandbox, overrides: Partial<DatabaseBootParameters> = {}, extraEnv: Record<string, string> = {}): BootRun {
    const envFile = path.join(box.root, "database.env");
    const user = os.userInfo().username;
    fs.writeFileSync(envFile, renderDatabaseBootEnv(bootParameters(overrides)) + [
        `APIM_HOME='${box.apimHome}'`,
        `WSO2_USER='${user}'`,
        `RUNTIME_ENV_FILE='${box.runtimeEnv}'`,
        `ORACLE_CLIENT_HOME='${path.join(box.root, "oracle", "instantclient")}'`,
    ].join("\n") + "\n");
    const callsFile = path.join(box.state, "calls.log");
    const before = fs.existsSync(callsFile) ? fs.readFileSync(callsFile, "utf8").split("\n").length - 1 : 0;
    const result = spawnSync("bash", [HOOK], {
        encoding: "utf8",
        env: {
            // A node's PATH, not this machine's (whose python3 is a slow pyenv shim); Node for nothing but npx.
            PATH: `${path.join(FIXTURES, "bin")}:/usr/bin:/bin`,
            HOME: box.root,
            TMPDIR: box.root,
            DATABASE_ENV: envFile,
            FAKE_STATE: box.state,
            FAKE_REMEDIES: remedyCatalogue(),
            FAKE_SECRETS_DIR: path.join(box.root, "secrets"),
            FAKE_S3_DIR: path.join(box.root, "s3"),
            INSTALL_FAILURES: path.join(box.root, "install-failures"),
            ...extraEnv,
        },
    });
    const calls = fs.existsSync(callsFile) ? fs.readFileSync(callsFile, "utf8").split("\n").slice(before, -1) : [];
    return { status: result.status, log: result.stdout + result.stderr, calls };
}

/** The scripts SQL*Plus ran, as "user: script" with paths shortened; the parameters file left out. */
function scriptsRun(run: BootRun): string[] {
    return run.calls
        .filter((call) => call.startsWith("sqlplus "))
        .flatMap((call) => {
            const user = /user=(\S*)/.exec(call)![1];
            const scripts = call.replace(/^.*scripts=/, "").trim().split(/\s+/).filter((s) => s && !s.endsWith("parameters.sql"));
            return scripts.map((script) => `${user}: ${script.replace(/^.*\/multi-dc\/oracle\//, "pack:").replace(/^.*\/sql\//, "")}`);
        });
}

function assertNoPassword(text: string, where: string): void {
    for (const [name, password] of Object.entries(PASSWORDS)) {
        assert.ok(!text.includes(password), `the ${name} password appears in ${where}`);
    }
}

const FIRST_BOOT = [
    "admin: 01-users.sql",
    "admin: 02-goldengate-prerequisites.sql",
    "WSO2SHARED: pack:tables.sql",
    "WSO2SHARED: pack:sequences.sql",
    "WSO2SHARED: remedies-shared-db.sql",
    "WSO2AM: pack:apimgt/tables.sql",
    "WSO2AM: pack:apimgt/sequences.sql",
    "WSO2AM: remedies-am-db.sql",
    "WSO2SHARED: 03-per-dc.sql",
    "WSO2AM: 03-per-dc.sql",
    "WSO2SHARED: 04-verify.sql",
    "WSO2AM: 04-verify.sql",
    "OGGADM1: 05-goldengate-exceptions.sql",
];

describe("database boot hook: the Oracle Instant Client as a versioned install (issue 24, items 5 and 6)", () => {
    const clientHome = (box: Sandbox) => path.join(box.root, "oracle", "instantclient");
    const failures = (box: Sandbox) => path.join(box.root, "install-failures"); // boot() points the hook there
    const withZips = (version: string, sha256 = PLACEHOLDER_ZIP_SHA256) => ({
        oracleClientZips: CLIENT_ZIPS.map((zip) => ({ url: zip.url.replaceAll("19.10.0.0.0", version).replace("191000", version.replaceAll(".", "").slice(0, 6)), sha256 })),
    });
    const run = (box: Sandbox, overrides: Partial<DatabaseBootParameters> = {}, env: Record<string, string> = {}) =>
        boot(box, overrides, { INSTALL_FAILURES: failures(box), ...env });

    it("a changed oracleClientZips installs at the next start into its own directory, switched by one symlink; the previous one is kept, older ones go", () => {
        const box = sandbox();
        assert.equal(run(box).status, 0);
        assert.ok(fs.existsSync(path.join(failures(box), ".checked")), "this start's installs are marked checked for the health signal");
        const first = fs.readlinkSync(clientHome(box));
        assert.match(first, /instantclient-[0-9a-f]{16}$/);

        const again = run(box);
        assert.equal(again.status, 0, again.log);
        assert.equal(again.calls.filter((c) => c.startsWith("curl ")).length, 0, "the same zips are not downloaded again");

        const changed = run(box, withZips("19.11.0.0.0"));
        assert.equal(changed.status, 0, changed.log);
        const second = fs.readlinkSync(clientHome(box));
        assert.notEqual(second, first);
        assert.equal(changed.calls.filter((c) => c.startsWith("curl ")).length, 2);
        assert.ok(fs.existsSync(first), "the previous client is kept for a rollback");
        assert.match(changed.log, /now points to .*instantclient-[0-9a-f]{16} \(kept for rollback: .*instantclient-[0-9a-f]{16}\)/);

        assert.equal(run(box, withZips("19.12.0.0.0")).status, 0);
        assert.ok(!fs.existsSync(first), "only the previous version is kept");
        assert.ok(fs.existsSync(second));
        // Setting the configuration back finds the previous version in place: no download.
        const back = run(box, withZips("19.11.0.0.0"));
        assert.equal(fs.readlinkSync(clientHome(box)), second);
        assert.equal(back.calls.filter((c) => c.startsWith("curl ")).length, 0);
        assert.deepEqual(fs.readdirSync(path.join(box.root, "oracle")).filter((name) => name.includes("staging")), []);
    });

    it("a zip whose SHA-256 does not match: nothing is unpacked, the node keeps its client, and the gate's marker names oracleClientZips", () => {
        const box = sandbox();
        assert.equal(run(box).status, 0);
        const before = fs.readlinkSync(clientHome(box));
        const bad = run(box, withZips("19.11.0.0.0", "f".repeat(64)));
        assert.equal(bad.status, 0, bad.log);
        assert.equal(fs.readlinkSync(clientHome(box)), before);
        assert.ok(!bad.calls.some((c) => c.startsWith("unzip ")), "a zip that fails its checksum is never unpacked");
        const marker = fs.readFileSync(path.join(failures(box), "oracle-client"), "utf8");
        assert.match(marker, /^oracleClientZips: https:\/\/\S+19\.11\S+\.zip has SHA-256 217cb5e1\w+, not the configured f{64}$/m);
        assert.match(bad.log, /keeping the client in .*instantclient-[0-9a-f]{16} \(the health gate fails on this\)/);
        // The next good start clears it.
        assert.equal(run(box).status, 0);
        assert.ok(!fs.existsSync(path.join(failures(box), "oracle-client")));
    });

    it("zips for the other architecture: the check names the architectures instead of blaming libaio; a first boot stops, naming the key", () => {
        const box = sandbox();
        const first = run(box, {}, { FAKE_OTHER_ARCH: "1" });
        assert.notEqual(first.status, 0);
        assert.match(first.log, /FAILED at step 'Oracle Instant Client': oracleClientZips: sqlplus is built for (x86_64|aarch64), this node is (x86_64|aarch64): use the Instant Client zips for its architecture/);
        assert.ok(!fs.existsSync(clientHome(box)), "nothing half-installed is left as the client");
        assert.deepEqual(fs.readdirSync(path.join(box.root, "oracle")), [], "the staging directory is removed");

        assert.equal(run(box).status, 0);
        const kept = run(box, withZips("19.11.0.0.0"), { FAKE_OTHER_ARCH: "1" });
        assert.equal(kept.status, 0, kept.log);
        assert.match(fs.readFileSync(path.join(failures(box), "oracle-client"), "utf8"), /^oracleClientZips: sqlplus is built for/);
    });

    it("retries dnf with growing pauses (a mirror or the network fails for a passing reason)", () => {
        const script = DATABASE_BOOT_SCRIPT;
        // Only when a package is missing: a mirror that is down must not stop a node that has them.
        assert.match(script, /^\s+rpm -q libaio libnsl unzip >\/dev\/null 2>&1 \|\| retry_dnf libaio libnsl unzip$/m);
        assert.doesNotMatch(script.replace(/^retry_dnf\(\) \{[\s\S]*?^\}/m, ""), /^\s+dnf install/m);
    });
});

describe("database boot hook (bash, against fake sqlplus and aws)", () => {
    it("first boot of the applier: installs the client, applies the pack per schema in order, then per-DC, verify and the GoldenGate exceptions tables", () => {
        const box = sandbox();
        fs.writeFileSync(path.join(box.state, "db-down"), "2");
        const run = boot(box);
        assert.equal(run.status, 0, run.log);
        assert.deepEqual(scriptsRun(run), FIRST_BOOT);

        const dnf = run.calls.findIndex((c) => c.startsWith("dnf "));
        assert.equal(run.calls[dnf], "dnf install -y -q libaio libnsl unzip", "Instant Client's libraries and unzip, by their AL2023 names");
        assert.ok(dnf < run.calls.findIndex((c) => c.startsWith("unzip ")), "unzip is installed before it is used");
        assert.equal(run.calls.filter((c) => c.startsWith("curl ")).length, 2, "Basic and SQL*Plus zips downloaded");
        assert.ok(fs.existsSync(path.join(box.apimHome, "repository", "components", "lib", "ojdbc8.jar")));
        assert.equal((run.log.match(/not ready/g) ?? []).length, 2, "waited for the database twice");
        assert.ok(!run.calls.some((c) => c.startsWith("aws ssm")), "the trusted source never waits for the flag");

        const env = fs.readFileSync(box.runtimeEnv, "utf8");
        assert.equal(env, `NODE_IP=10.20.1.10\nWSO2_ADMIN_PASSWORD=admin-password\nAPIM_DB_PASSWORD=${PASSWORDS.amDb}\nSHARED_DB_PASSWORD=${PASSWORDS.sharedDb}\n`);
        assert.equal(fs.statSync(box.runtimeEnv).mode & 0o777, 0o600);
    });

    it("a self-managed database (platform ec2): the users and grants step runs as on RDS (the GoldenGate user's CREATE JOB for the heartbeat's jobs included), the rdsadmin step does not", () => {
        const box = sandbox();
        const run = boot(box, { platform: "ec2" });
        assert.equal(run.status, 0, run.log);
        assert.deepEqual(scriptsRun(run), FIRST_BOOT.filter((s) => !s.includes("02-goldengate-prerequisites.sql")));
        // The script the hook ran, as the boot bucket holds it.
        const users = fs.readFileSync(path.join(box.root, "s3", "test-artifacts", "dc2", "sql", "01-users.sql"), "utf8");
        assert.match(users, /^GRANT [^;]*\bCREATE JOB\b[^;]*TO &goldengate_user;$/m);
    });

    it("second boot: the schemas are populated, so no pack DDL runs; per-DC and verify run again", () => {
        const box = sandbox();
        assert.equal(boot(box).status, 0);
        const run = boot(box);
        assert.equal(run.status, 0, run.log);
        assert.deepEqual(scriptsRun(run), FIRST_BOOT.filter((s) => !s.includes("pack:")));
        assert.match(run.log, /already has every table, sequence and trigger of the pack: no pack DDL applied/);
        assert.ok(!run.calls.some((c) => c.startsWith("curl ") || c.startsWith("dnf ")), "the client is installed once");
        assert.equal((fs.readFileSync(box.runtimeEnv, "utf8").match(/APIM_DB_PASSWORD=/g) ?? []).length, 1, "password lines replaced, not repeated");
    });

    it("a SQL error stops the boot, naming the step and the file", () => {
        const box = sandbox();
        const run = boot(box, {}, { FAKE_SQLPLUS_FAIL: "apimgt/tables.sql" });
        assert.notEqual(run.status, 0);
        assert.match(run.log, /ORA-00942: table or view does not exist/);
        assert.match(run.log, /FAILED at step 'AM_DB schema: .*apimgt\/tables\.sql': .*apimgt\/tables\.sql failed in WSO2AM/);
        assert.ok(!scriptsRun(run).includes("WSO2AM: pack:apimgt/sequences.sql"), "stops at the first error");
        assert.ok(!fs.readFileSync(box.runtimeEnv, "utf8").includes("APIM_DB_PASSWORD"));
    });

    it("a unit created with compilation errors stops the boot although SQL*Plus exits 0", () => {
        const box = sandbox();
        const run = boot(box, {}, { FAKE_SQLPLUS_WARN: "oracle/sequences.sql" });
        assert.notEqual(run.status, 0);
        assert.match(run.log, /Warning: Trigger created with compilation errors/);
        assert.match(run.log, /FAILED at step 'SHARED_DB schema: .*oracle\/sequences\.sql'/);
    });

    it("a partial schema with no WSO2 data (objects missing, no marker) is dropped and rebuilt in the same boot", () => {
        const box = sandbox();
        fs.writeFileSync(path.join(box.state, "db.WSO2SHARED"), ["REG_CLUSTER_LOCK", "REG_LOG", "UM_HYBRID_ROLE", "UM_HYBRID_USER_ROLE"].map((t) => `OBJECT TABLE ${t} VALID\nKEY ${t}\n`).join(""));
        const run = boot(box);
        assert.equal(run.status, 0, run.log);
        assert.match(run.log, /SHARED_DB \(WSO2SHARED\) is partial \(missing: SEQUENCE REG_LOG_SEQUENCE TRIGGER REG_LOG_TRIGGER; invalid: none\): dropping its objects if it holds no WSO2 data/);
        assert.match(run.log, /REBUILD: dropped 5 object\(s\) of WSO2SHARED, which held no WSO2 data/);
        assert.ok(scriptsRun(run).includes("WSO2SHARED: pack:tables.sql"), "the pack's scripts ran again");
        assert.match(run.log, /SHARED_DB \(WSO2SHARED\) has every object of the pack/);
    });

    for (const script of ["oracle/tables.sql", "oracle/sequences.sql", "apimgt/tables.sql", "apimgt/sequences.sql"]) {
        for (const after of ["0", "1", "end"]) {
            const where = after === "end" ? "after its last statement" : `after ${after} statement(s)`;
            it(`a transient failure in ${script} ${where}: the next boot completes the schema (rebuilt while it holds no WSO2 data)`, () => {
                const box = sandbox();
                const crash = `${script}:${after}`;
                const failed = boot(box, {}, { FAKE_SQLPLUS_CRASH: crash });
                assert.notEqual(failed.status, 0);
                assert.match(failed.log, /ORA-03113: end-of-file on communication channel/);
                assert.match(failed.log, /the next boot drops and rebuilds it while it holds no WSO2 data/);
                const owner = script.startsWith("apimgt/") ? "WSO2AM" : "WSO2SHARED";
                assert.match(fs.readFileSync(path.join(box.state, "build"), "utf8"), new RegExp(`^${owner} building$`, "m"));

                const run = boot(box);
                assert.equal(run.status, 0, run.log);
                assert.match(run.log, /WSO2SHARED: 0 problem\(s\)[\s\S]*WSO2AM: 0 problem\(s\)/);
                const am = fs.readFileSync(path.join(box.state, "db.WSO2AM"), "utf8");
                assert.equal((am.match(/^ROW IDN_OAUTH_CONSUMER_APPS ID /gm) ?? []).length, 1, "the pack's seed row, exactly once");
                assert.match(fs.readFileSync(path.join(box.state, "build"), "utf8"), new RegExp(`^${owner} built$`, "m"));
                if (!(after === "0" && script.endsWith("tables.sql"))) {
                    assert.match(run.log, new RegExp(`\\(${owner}\\): an earlier boot stopped while the pack's scripts ran`));
                }
            });
        }
    }

    it("a partial schema holding WSO2 data (rows beyond the pack's own) is never dropped: the boot stops naming the tables", () => {
        const box = sandbox();
        fs.writeFileSync(path.join(box.state, "db.WSO2SHARED"), ["REG_CLUSTER_LOCK", "REG_LOG", "UM_HYBRID_ROLE", "UM_HYBRID_USER_ROLE"].map((t) => `OBJECT TABLE ${t} VALID\nKEY ${t}\n`).join("") + "ROW REG_LOG REG_LOG_ID 7\n");
        const run = boot(box);
        assert.notEqual(run.status, 0);
        assert.match(run.log, /ORA-20401: schema WSO2SHARED holds WSO2 data, so it is never dropped: REG_LOG \(more than 0 rows\)/);
        assert.match(run.log, /is partial and holds WSO2 data, so it is never dropped: an operator must complete it by hand/);
        assert.ok(!scriptsRun(run).some((s) => s.includes("pack:")), "no DDL on a schema with data");
        assert.ok(fs.readFileSync(path.join(box.state, "db.WSO2SHARED"), "utf8").includes("OBJECT TABLE REG_LOG VALID"), "nothing dropped");
    });

    it("a DC that is not the trusted source waits for the replication-ready flag", () => {
        const box = sandbox();
        fs.writeFileSync(path.join(box.state, "ssm-answers"), "NOTFOUND\nfalse\ntrue\n");
        const run = boot(box, { trustedSource: false });
        assert.equal(run.status, 0, run.log);
        const gets = run.calls.filter((c) => c.startsWith("aws ssm get-parameter"));
        assert.equal(gets.length, 3);
        assert.ok(gets.every((c) => c.includes("--name /wso2-apim/dc2/replication-ready")));
        assert.match(run.log, /aws ssm put-parameter --region us-west-2 --name \/wso2-apim\/dc2\/replication-ready --value true --overwrite/);
        assert.match(run.log, /replication-ready is true/);
        const sleeps = run.calls.filter((c) => c === "sleep 15");
        assert.equal(sleeps.length, 2);
    });

    it("other nodes apply nothing: they wait until both schemas are complete and pass the read-only verify", () => {
        const box = sandbox();
        const waiting = boot(box, { schemaApplier: false });
        assert.notEqual(waiting.status, 0, "an empty schema is never ready");
        assert.match(waiting.log, /not initialised and verified within 30s: see the boot log of node 1/);

        assert.equal(boot(box).status, 0, "node 1 applies");
        const run = boot(box, { schemaApplier: false });
        assert.equal(run.status, 0, run.log);
        assert.deepEqual(scriptsRun(run), ["WSO2SHARED: 04-verify.sql", "WSO2AM: 04-verify.sql"]);
        const stdins = fs.readdirSync(box.state).filter((f) => f.endsWith(".stdin")).map((f) => fs.readFileSync(path.join(box.state, f), "utf8"));
        assert.ok(stdins.filter((s) => s.includes("04-verify.sql")).slice(-2).every((s) => s.includes("DEFINE recompile = NO")));
    });

    it("passwords reach SQL*Plus on stdin only: never on a command line or in the log", () => {
        const box = sandbox();
        fs.writeFileSync(path.join(box.state, "ssm-answers"), "true\n");
        const runs = [boot(box, { trustedSource: false }), boot(box, {}, { FAKE_SQLPLUS_FAIL: "04-verify.sql" })];
        for (const run of runs) {
            assertNoPassword(run.calls.join("\n"), "a recorded command line");
            assertNoPassword(run.log, "the boot log");
        }
        const first = fs.readFileSync(path.join(box.state, "sqlplus.1.stdin"), "utf8");
        assert.ok(first.includes(`CONNECT admin/"${PASSWORDS.master}"@//db.dc2.wso2-apim.internal:1521/WSO2`), "the CONNECT goes through stdin");
        assert.ok(first.indexOf("SET DEFINE OFF") < first.indexOf("CONNECT"), "no & substitution in the password");
    });

    it("passes shellcheck", function () {
        requireTool(this, "shellcheck");
        const result = shellcheck(DATABASE_BOOT_SCRIPT);
        assert.equal(result.status, 0, result.output);
    });
});

describe("database boot hook: the pack's defects, as SQL*Plus runs the scripts", () => {
    const dictionary = (box: Sandbox, owner: string) => fs.readFileSync(path.join(box.state, `db.${owner}`), "utf8").split("\n").filter(Boolean).sort();
    const packFile = (box: Sandbox, name: string) => path.join(box.apimHome, "dbscripts", "multi-dc", "oracle", name);

    it("a pack with the 3.1.0 defect kinds boots to a verified schema: the remedies create the skipped trigger, key the tables, replace the self-deleting trigger", () => {
        const box = sandbox();
        const run = boot(box);
        assert.equal(run.status, 0, run.log);
        assert.match(run.log, /remedy shared-hybrid-role-trigger: created trigger TRG_DEL_HYBRID_ROLE/);
        assert.match(run.log, /remedy am-ciba-auth-code-trigger: replaced trigger TRG_DEL_IDN_CIBA_AUTH/);
        assert.match(run.log, /WSO2SHARED: 0 problem\(s\)[\s\S]*WSO2AM: 0 problem\(s\)/);
        assert.ok(dictionary(box, "WSO2SHARED").includes("OBJECT TRIGGER TRG_DEL_HYBRID_ROLE VALID"));
        const am = dictionary(box, "WSO2AM");
        for (const table of ["IDN_OAUTH2_ACCESS_TOKEN_AUDIT", "IDN_OAUTH2_SCOPE_BINDING", "IDN_OAUTH2_CIBA_REQUEST_SCOPES"]) {
            assert.ok(am.includes(`KEY ${table}`), `${table} keyed`);
        }
        assert.ok(!am.some((line) => line.startsWith("MUTATING ")), "no row trigger deletes from its own table");
    });

    it("the stand-in never runs the trailing trigger without its / line; a boot that stopped before the remedies is completed by the next, not judged partial", () => {
        const box = sandbox();
        const stopped = boot(box, {}, { FAKE_SQLPLUS_FAIL: "remedies-shared-db.sql" });
        assert.notEqual(stopped.status, 0);
        const shared = dictionary(box, "WSO2SHARED");
        assert.ok(shared.includes("OBJECT TABLE UM_HYBRID_USER_ROLE VALID"), "the statements before it ran");
        assert.ok(!shared.some((line) => line.includes("TRG_DEL_HYBRID_ROLE")), "the unterminated trigger did not");

        const run = boot(box);
        assert.equal(run.status, 0, run.log);
        assert.ok(!scriptsRun(run).some((s) => s.startsWith("WSO2SHARED: pack:")), "no pack DDL into the populated schema");
        assert.match(run.log, /SHARED_DB \(WSO2SHARED\) lacks TRIGGER TRG_DEL_HYBRID_ROLE: the remedies may complete it/);
        assert.match(run.log, /SHARED_DB \(WSO2SHARED\) has every object of the pack/);
    });

    it("a cascading foreign key, which no remedy covers, stops the boot at verify naming it", () => {
        const box = sandbox();
        fs.appendFileSync(packFile(box, "apimgt/tables.sql"), [
            "CREATE TABLE AM_APP_NOTE (",
            "    ID INTEGER PRIMARY KEY,",
            "    APP_ID INTEGER,",
            "    CONSTRAINT AM_APP_NOTE_APP_FK FOREIGN KEY (APP_ID) REFERENCES IDN_OAUTH_CONSUMER_APPS (ID) ON DELETE CASCADE",
            ");",
            "",
        ].join("\n"));
        const run = boot(box);
        assert.notEqual(run.status, 0);
        assert.match(run.log, /PROBLEM: foreign key AM_APP_NOTE_APP_FK on AM_APP_NOTE is ON DELETE CASCADE/);
        assert.match(run.log, /FAILED at step 'verify': .*04-verify\.sql failed as WSO2AM/);
        assert.ok(!fs.readFileSync(box.runtimeEnv, "utf8").includes("APIM_DB_PASSWORD"), "WSO2 never gets the schema");
    });

    it("a / line missing in the middle of a script swallows what follows: the boot stops naming the broken unit and the objects it swallowed", () => {
        const box = sandbox();
        const tables = packFile(box, "apimgt/tables.sql");
        const text = fs.readFileSync(tables, "utf8");
        const at = text.indexOf("CREATE TABLE IDN_OAUTH2_CIBA_AUTH_CODE");
        const unterminated = ["CREATE OR REPLACE TRIGGER TRG_AUDIT_NOTE", "    BEFORE INSERT ON IDN_OAUTH2_ACCESS_TOKEN_AUDIT", "    FOR EACH ROW", "BEGIN", "    NULL;", "END;", ""].join("\n");
        fs.writeFileSync(tables, text.slice(0, at) + unterminated + text.slice(at));
        const run = boot(box);
        assert.notEqual(run.status, 0);
        assert.match(run.log, /Warning: Trigger created with compilation errors/);
        const failure = /apimgt\/tables\.sql failed in WSO2AM \(SQL\*Plus output above; missing: ([^;]*); invalid: ([^)]*)\)/.exec(run.log);
        assert.ok(failure, run.log);
        for (const swallowed of ["TABLE IDN_OAUTH2_CIBA_AUTH_CODE", "TABLE IDN_OAUTH2_CIBA_REQUEST_SCOPES", "TRIGGER TRG_DEL_IDN_CIBA_AUTH"]) {
            assert.ok(failure[1].split(/(?<=[A-Z0-9_]) (?=TABLE|SEQUENCE|TRIGGER)/).includes(swallowed), `${swallowed} named as missing`);
        }
        assert.equal(failure[2], "TRIGGER TRG_AUDIT_NOTE");
        assert.match(run.log, /A PL\/SQL unit whose \/ line is missing swallows the statements after it/);
    });
});

describe("database boot hook: no sequence hands out a key that exists (rows of several stripes)", () => {
    const db = (box: Sandbox, owner: string) => path.join(box.state, `db.${owner}`);
    const sequenceLine = (box: Sandbox, owner: string, name: string) =>
        fs.readFileSync(db(box, owner), "utf8").split("\n").find((l) => l.startsWith(`SEQ ${name} `))!.split(" ").slice(2).map(Number);
    /** Rows as GoldenGate or an initial load stores them: keys made by other DCs, or by this one before a rebuild. */
    const rows = (table: string, column: string, keys: number[]) => keys.map((k) => `ROW ${table} ${column} ${k}\n`).join("");
    const withCount = (box: Sandbox, dcIndex: number, dcCount: number) =>
        fs.writeFileSync(path.join(box.root, "s3", "test-artifacts", "dc2", "sql", "parameters.sql"), renderSqlParameters({ ...SQL_PARAMETERS, dcId: `DC${dcIndex}`, dcIndex, dcCount }));

    it("first boot: the pack's seed row took key 1 from the fresh sequence; the sequence moves onto its stripe above it", () => {
        const box = sandbox();
        const run = boot(box);
        assert.equal(run.status, 0, run.log);
        assert.ok(fs.readFileSync(db(box, "WSO2AM"), "utf8").includes("ROW IDN_OAUTH_CONSUMER_APPS ID 1\n"), "the seed row is there");
        assert.match(run.log, /sequence IDN_OAUTH_CONSUMER_APPS_SEQ \(off stripe 2 of 2\): last number 2, increment 1, cache 0, largest key 1 -> restarts at 1004, increment 2/);
        assert.deepEqual(sequenceLine(box, "WSO2AM", "IDN_OAUTH_CONSUMER_APPS_SEQ"), [1004, 2, 0]);
    });

    it("a reload from the trusted source brings back keys on this DC's stripe above its sequence: a waiting node's verify fails naming the key, the applier's next boot moves the sequence above every key", () => {
        const box = sandbox();
        assert.equal(boot(box).status, 0);
        // DC2's sequence is at 1004; the reload brings DC1's odd keys and DC2's own even keys from before the rebuild.
        fs.appendFileSync(db(box, "WSO2AM"), rows("IDN_OAUTH_CONSUMER_APPS", "ID", [1, 1001, 1003, 1006, 2001, 5000, 7777]));
        const waiting = boot(box, { schemaApplier: false, waits: { schemaSeconds: 0, pollSeconds: 15 } });
        assert.notEqual(waiting.status, 0, "verify fails loudly");
        assert.match(waiting.log, /PROBLEM: sequence IDN_OAUTH_CONSUMER_APPS_SEQ may hand out 1004, at or below key 5000 of IDN_OAUTH_CONSUMER_APPS\.ID on stripe 2 of 2/);

        const run = boot(box);
        assert.equal(run.status, 0, run.log);
        assert.match(run.log, /sequence IDN_OAUTH_CONSUMER_APPS_SEQ \(key 5000 in IDN_OAUTH_CONSUMER_APPS\.ID is on its stripe at or above 1004\): .* largest key 7777 -> restarts at 7778, increment 2/);
        assert.match(run.log, /WSO2AM: 0 problem\(s\)/);
        const again = boot(box);
        assert.doesNotMatch(again.log, /sequence IDN_OAUTH_CONSUMER_APPS_SEQ \(/, "a re-run changes nothing");
    });

    it("keys of other stripes ahead of the sequence (a busier DC) move nothing and fail nothing", () => {
        const box = sandbox();
        assert.equal(boot(box).status, 0);
        fs.appendFileSync(db(box, "WSO2AM"), rows("IDN_OAUTH_CONSUMER_APPS", "ID", [1005, 3001, 99999]));
        const run = boot(box);
        assert.equal(run.status, 0, run.log);
        assert.doesNotMatch(run.log, /sequence IDN_OAUTH_CONSUMER_APPS_SEQ \(/);
        assert.deepEqual(sequenceLine(box, "WSO2AM", "IDN_OAUTH_CONSUMER_APPS_SEQ"), [1004, 2, 0]);
    });

    it("adding a DC (2 -> 3) live: refused without a floor that leaves room above every key; with one, every sequence moves to its new stripe above it", () => {
        const box = sandbox();
        assert.equal(boot(box).status, 0);
        fs.appendFileSync(db(box, "WSO2AM"), rows("IDN_OAUTH_CONSUMER_APPS", "ID", [1001, 1002, 1003, 20_001, 20_002]));
        withCount(box, 2, 3);
        // The DCs not yet re-striped keep handing out keys on 2 mod 2 meanwhile: a restart at 20,003 could meet them.
        const refused = boot(box);
        assert.notEqual(refused.status, 0);
        assert.match(refused.log, /ORA-20105: sequence \S+ is striped for 2 DCs and the deployment now has 3: set sequenceFloor in Pulumi\.yaml to at least \d{7}/);
        assert.match(refused.log, /FAILED at step 'per-DC step'/);
        assert.deepEqual(sequenceLine(box, "WSO2AM", "IDN_OAUTH_CONSUMER_APPS_SEQ"), [1004, 2, 0], "nothing moved");
        // The node's gate fails at once with the message, naming the key (node-health.sh reads the marker).
        const marker = path.join(box.root, "install-failures", "sequence-floor");
        assert.match(fs.readFileSync(marker, "utf8"), /^sequenceFloor: sequence \S+ is striped for 2 DCs and the deployment now has 3: .*at least \d{7}/);
        fs.writeFileSync(path.join(box.root, "s3", "test-artifacts", "dc2", "sql", "parameters.sql"),
            renderSqlParameters({ ...SQL_PARAMETERS, dcId: "DC2", dcIndex: 2, dcCount: 3, sequenceFloor: 1_020_002 }));
        const run = boot(box);
        assert.equal(run.status, 0, run.log);
        assert.ok(!fs.existsSync(marker), "a later start with the floor clears the marker");
        // The floor decides: 1,020,005 is the first value 2 mod 3 above it.
        assert.match(run.log, /sequence IDN_OAUTH_CONSUMER_APPS_SEQ \(off stripe 2 of 3\): last number 1004, increment 2, cache 0, largest key 20002 -> restarts at 1020005, increment 3/);
        assert.match(run.log, /WSO2AM: 0 problem\(s\)/);
    });

    it("a floor below the keys is not trusted (the keys win); a floor above them lifts the sequence", () => {
        const box = sandbox();
        assert.equal(boot(box).status, 0);
        fs.appendFileSync(db(box, "WSO2AM"), rows("IDN_OAUTH_CONSUMER_APPS", "ID", [9000]));
        fs.writeFileSync(path.join(box.root, "s3", "test-artifacts", "dc2", "sql", "parameters.sql"), renderSqlParameters({ ...SQL_PARAMETERS, sequenceFloor: 500 }));
        const low = boot(box);
        assert.match(low.log, /IDN_OAUTH_CONSUMER_APPS_SEQ \(key 9000 in IDN_OAUTH_CONSUMER_APPS\.ID .* -> restarts at 9002, increment 2/);
        fs.writeFileSync(path.join(box.root, "s3", "test-artifacts", "dc2", "sql", "parameters.sql"), renderSqlParameters({ ...SQL_PARAMETERS, sequenceFloor: 50_000 }));
        const high = boot(box);
        assert.match(high.log, /IDN_OAUTH_CONSUMER_APPS_SEQ \(at or below sequence_floor 50000\): .* -> restarts at 50002, increment 2/);
    });

    it("a DC that is not the trusted source: rows the initial load brings while it waits for the flag are checked before WSO2 starts", () => {
        const box = sandbox();
        fs.writeFileSync(path.join(box.state, "ssm-answers"), "false\ntrue\n");
        // The initial load arrives during the wait (at the first sleep): DC2's own keys from before a rebuild.
        fs.writeFileSync(path.join(box.state, "reload.WSO2AM"), rows("IDN_OAUTH_CONSUMER_APPS", "ID", [1, 2, 3, 4000]));
        const run = boot(box, { trustedSource: false });
        assert.equal(run.status, 0, run.log);
        const perDc = scriptsRun(run).filter((s) => s === "WSO2AM: 03-per-dc.sql").length;
        assert.equal(perDc, 2, "the per-DC step runs again after the flag");
        assert.match(run.log, /IDN_OAUTH_CONSUMER_APPS_SEQ \(key 4000 in IDN_OAUTH_CONSUMER_APPS\.ID is on its stripe at or above 1004\).* -> restarts at 4002/);
        const afterFlag = run.log.slice(run.log.indexOf("replication-ready is true"));
        assert.match(afterFlag, /restarts at 4002[\s\S]*WSO2AM: 0 problem\(s\)[\s\S]*database-boot: done/);
    });

    it("a sequence no trigger fills cannot be checked: the per-DC step stops naming it", () => {
        const box = sandbox();
        fs.appendFileSync(path.join(box.apimHome, "dbscripts", "multi-dc", "oracle", "apimgt", "sequences.sql"), "CREATE SEQUENCE ORPHAN_SEQ START WITH 1 INCREMENT BY 1 NOCACHE;\n");
        const run = boot(box);
        assert.notEqual(run.status, 0);
        assert.match(run.log, /ORA-20104: sequence ORPHAN_SEQ fills no column/);
    });
});

describe("database boot hook: one schema applier at a time (lease in the database)", () => {
    const leaseFile = (box: Sandbox) => path.join(box.state, "lease");
    /** The SQL*Plus sessions in order, each named by its lease action or the project script it ran. */
    const sessions = (box: Sandbox) =>
        fs.readdirSync(box.state)
            .filter((f) => f.endsWith(".stdin"))
            .sort((a, b) => Number(a.split(".")[1]) - Number(b.split(".")[1]))
            .map((f) => fs.readFileSync(path.join(box.state, f), "utf8"))
            .map((stdin) => /DEFINE lease_action = (\w+)/.exec(stdin)?.[1] ?? /@\S*\/(0\d-[\w-]+\.sql|remedies-[\w-]+\.sql)\n/.exec(stdin)?.[1] ?? "other");

    it("takes the lease before the first change, renews it, and gives it back after verify and the exceptions tables", () => {
        const box = sandbox();
        const run = boot(box);
        assert.equal(run.status, 0, run.log);
        const order = sessions(box).filter((s) => s !== "other");
        assert.equal(order[0], "acquire");
        assert.equal(order[2], "01-users.sql");
        assert.equal(order[order.length - 1], "release");
        assert.equal(order[order.length - 2], "05-goldengate-exceptions.sql");
        // Every session that changes the database is preceded by a renewal.
        for (const [i, session] of order.entries()) {
            if ( /\.sql$/.test(session)) assert.equal(order[i - 1], "renew", `${session} (session ${i}) runs right after a renewal: ${order.join(", ")}`);
        }
        assert.equal(fs.readFileSync(leaseFile(box), "utf8"), "", "released");
    });

    it("a replacement node 1 that overlaps the old one waits for its lease and never applies alongside it", () => {
        const box = sandbox();
        fs.writeFileSync(leaseFile(box), "OLD-NODE:4242 100\n");
        const run = boot(box, { waits: { schemaSeconds: 30, pollSeconds: 15 } });
        assert.notEqual(run.status, 0);
        assert.match(run.log, /another schema applier still holds the lease after 30s \(LEASE HELD BY OLD-NODE:4242 FOR 70 MORE SECONDS\)/);
        assert.deepEqual(scriptsRun(run), [], "nothing applied");
        assert.equal(fs.readFileSync(leaseFile(box), "utf8"), "OLD-NODE:4242 100\n", "the old holder keeps it");
    });

    it("a holder that releases while we ask (the row gone before the read, ORA-01403 without the handler): the next ask takes it at once", () => {
        const box = sandbox();
        fs.writeFileSync(leaseFile(box), "OLD-NODE:4242 100\n");
        fs.writeFileSync(path.join(box.state, "lease-race"), "1\n");
        const run = boot(box);
        assert.equal(run.status, 0, run.log);
        assert.match(run.log, /the schema applier lease was released while we asked for it: asking again/);
        assert.equal(run.calls.filter((c) => c.startsWith("sleep")).length, 0, "no wait: asked again at once");
        assert.deepEqual(scriptsRun(run), FIRST_BOOT);
        const hook = fs.readFileSync(HOOK, "utf8");
        assert.match(hook, /'        WHEN NO_DATA_FOUND THEN' \\\n\s+"          DBMS_OUTPUT.PUT_LINE\('LEASE RELEASED MEANWHILE'\);"/, "the read of the holder handles the vanished row");
    });

    it("every session that changes the database runs under a time limit below the lease it just renewed", () => {
        const box = sandbox();
        const run = boot(box);
        assert.equal(run.status, 0, run.log);
        const limited = run.calls.filter((c) => c.startsWith("timeout "));
        assert.ok(limited.every((c) => c.startsWith("timeout --kill-after=30 1500 sqlplus ")), limited.join("\n"));
        const scripted = run.calls.map((c, i) => [c, i] as const).filter(([c]) => c.startsWith("sqlplus ") && /\/(0\d|remedies|rebuild)-[\w-]+\.sql|multi-dc/.test(c));
        assert.equal(scripted.length, scriptsRun(run).length);
        for (const [call, i] of scripted) assert.ok(run.calls[i - 1].startsWith("timeout --kill-after=30 1500 sqlplus "), `${call} runs under timeout`);
    });

    it("a lapsed lease is not taken while a session of its holder still runs a call (killing SQL*Plus does not stop it); once it ends, the next applier proceeds", () => {
        const box = sandbox();
        fs.writeFileSync(leaseFile(box), "OLD-NODE:4242 0\n");
        // Stand-in for V$SESSION: a session tagged MODULE WSO2_APIM_APPLIER, ACTION OLD-NODE:4242, still running.
        fs.writeFileSync(path.join(box.state, "sessions"), "OLD-NODE:4242\n");
        const blocked = boot(box);
        assert.notEqual(blocked.status, 0);
        assert.match(blocked.log, /another schema applier still holds the lease after 30s \(LEASE HELD BY OLD-NODE:4242: LAPSED, BUT A SESSION OF IT STILL RUNS\)/);
        assert.deepEqual(scriptsRun(blocked), [], "nothing applied alongside it");
        fs.writeFileSync(path.join(box.state, "sessions"), "");
        const run = boot(box);
        assert.equal(run.status, 0, run.log);
        // Our own changing sessions carry the tag the next applier looks for.
        const tagged = fs.readdirSync(box.state).filter((f) => f.endsWith(".stdin")).map((f) => fs.readFileSync(path.join(box.state, f), "utf8"))
            .filter((stdin) => /@\S*\/0\d-[\w-]+\.sql\n/.test(stdin));
        assert.ok(tagged.length > 0);
        for (const stdin of tagged) assert.match(stdin, /^EXEC DBMS_APPLICATION_INFO\.SET_MODULE\('WSO2_APIM_APPLIER', '[^']+:\d+'\)$/m);
        // The stand-in's rule is the hook's SQL: a lapsed lease is taken only when no tagged session of its holder exists.
        const hook = fs.readFileSync(path.join(__dirname, "..", "lib", "render", "scripts", "database-boot.sh"), "utf8");
        assert.ok(hook.includes("expires_at < SYSTIMESTAMP AND NOT EXISTS (SELECT 1 FROM v\\$session s'"));
        assert.ok(hook.includes("' WHERE s.module = ''$APPLIER_MODULE'' AND s.action = holder)))'"));
    });

    it("the lease of an applier that died lapses, and the next one proceeds", () => {
        const box = sandbox();
        fs.writeFileSync(leaseFile(box), "OLD-NODE:4242 40\n");
        const run = boot(box, { waits: { schemaSeconds: 3600, pollSeconds: 15 } });
        assert.equal(run.status, 0, run.log);
        assert.equal(run.calls.filter((c) => c === "sleep 15").length, 3, "waited until the fake clock passed 40 s");
        assert.deepEqual(scriptsRun(run), FIRST_BOOT);
    });
});

describe("database boot hook: schema passwords", () => {
    const withAmDbPassword = (password: string) => {
        const box = sandbox();
        fs.writeFileSync(path.join(box.root, "secrets", "am-db"), JSON.stringify({ password }));
        return boot(box);
    };

    it("takes a password of 30 letters, digits and _ (Oracle 19c: at most 30 bytes)", () => {
        const run = withAmDbPassword("Ab_" + "9".repeat(27));
        assert.equal(run.status, 0, run.log);
    });

    it("stops on a secret without its password, naming the secret", () => {
        const box = sandbox();
        fs.writeFileSync(path.join(box.root, "secrets", "shared-db"), JSON.stringify({ username: "wso2shared" }));
        const run = boot(box);
        assert.notEqual(run.status, 0);
        assert.match(run.log, /secret shared-db has no password/);
        assertNoPassword(run.log, "the boot log");
    });

    for (const [why, password] of [["31 characters", "A".repeat(31)], ["a character outside [A-Za-z0-9_]", "Pass-word_1"]] as const) {
        it(`stops on a password of ${why}, naming the secret and not the password`, () => {
            const run = withAmDbPassword(password);
            assert.notEqual(run.status, 0);
            assert.match(run.log, /FAILED at step 'secrets': AM_DB secret: the password must be 1 to 30 letters, digits and _/);
            assert.ok(!run.log.includes(password));
        });
    }
});

describe("database boot renderers", () => {
    it("renders the SQL parameters of DC2 of 2 as DEFINE lines, no secrets", () => {
        assert.equal(renderSqlParameters(SQL_PARAMETERS), [
            "WHENEVER SQLERROR EXIT FAILURE ROLLBACK",
            "WHENEVER OSERROR EXIT FAILURE ROLLBACK",
            "-- Rendered by wso2-apim-multi-dc for DC2 (stripe 2 of 2). No secrets.",
            "DEFINE dc_id = 'DC2'",
            "DEFINE dc_index = '2'",
            "DEFINE dc_count = '2'",
            "DEFINE sequence_floor = '0'",
            "DEFINE am_db_user = 'WSO2AM'",
            "DEFINE shared_db_user = 'WSO2SHARED'",
            "DEFINE goldengate_user = 'OGGADM1'",
            "DEFINE checker_user = 'WSO2CHECK'",
            "DEFINE schema_tablespace = 'USERS'",
            "DEFINE archivelog_retention_hours = '72'",
            "DEFINE exceptions_retention_days = '30'",
            "DEFINE keycols_tables = ','",
            "",
        ].join("\n"));
    });

    it("rejects SQL parameters it cannot render safely, listing every problem", () => {
        assert.throws(
            () => renderSqlParameters({ ...SQL_PARAMETERS, dcId: "dc-2", dcIndex: 3, amDbUser: "wso2 am", goldengateUser: "WSO2SHARED" }),
            (error: Error) =>
                /dcId must look like DC1/.test(error.message) &&
                /dcIndex must be 1\.\.dcCount \(2\), got 3/.test(error.message) &&
                /amDbUser must be an unquoted Oracle name/.test(error.message) &&
                /four different users/.test(error.message),
        );
    });

    it("quotes every env value so that bash reads it back unchanged", () => {
        const odd = `arn:aws:secretsmanager:us-west-2:123456789012:secret:rds!db-it's $HOME \`id\` "x"`;
        const env = renderDatabaseBootEnv(bootParameters({ masterSecretId: odd, trustedSource: false }));
        const file = path.join(temporaryDir("database-env-"), "database.env");
        fs.writeFileSync(file, env);
        const result = spawnSync("bash", ["-c", `set -eu; source "$1"; printf '%s|%s|%s|%s' "$MASTER_SECRET_ID" "$TRUSTED_SOURCE" "$DB_PORT" "$ORACLE_CLIENT_ZIPS"`, "_", file], { encoding: "utf8" });
        assert.equal(result.status, 0, result.stderr);
        const [secretId, trusted, port, zips] = result.stdout.split("|");
        assert.equal(secretId, odd);
        assert.equal(trusted, "false");
        assert.equal(port, "1521");
        assert.match(zips, /^[0-9a-f]{64}:https:\/\/\S+basic\S+\.zip [0-9a-f]{64}:https:\/\/\S+sqlplus\S+\.zip$/);
    });

    it("rejects env parameters the hook could not use", () => {
        assert.throws(
            () => renderDatabaseBootEnv(bootParameters({ sqlS3Prefix: "s3://bucket/sql", port: 70000, oracleClientZips: [{ url: "ftp://x/y.zip", sha256: PLACEHOLDER_ZIP_SHA256 }], waits: { pollSeconds: 0 } })),
            (error: Error) =>
                /sqlS3Prefix must be an s3:\/\/ prefix ending in \//.test(error.message) &&
                /port must be 1\.\.65535/.test(error.message) &&
                /oracleClientZips entries/.test(error.message) &&
                /waits\.pollSeconds/.test(error.message),
        );
    });
});
