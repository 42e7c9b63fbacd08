/**
 * Operating the GoldenGate hubs (issue 21, item 6): the lag metric a stalled path makes grow, the
 * Manager's Collector ports and access rules (and the security group that matches them), the obey
 * files the bootstrap, re-sync and promotion runbooks run, and the GoldenGate hub beside the default
 * RDS engine. Shell behaviour runs the real hub script under bash against fakes of GGSCI and the AWS
 * CLI (each prints what the real one would, nothing more).
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { LAG_WARNING_SECONDS } from "../lib/alarms";
import { HUB_BOOT_SCRIPT, HubBootParameters, renderHubEnv } from "../lib/goldengate/hub-user-data";
import { GOLDENGATE, MAX_DATACENTERS, SPARE_COLLECTOR_PORTS } from "../lib/goldengate/names";
import { GoldenGateFilesInput, HubDatacenter, renderGoldenGateFiles } from "../lib/goldengate/parameter-files";
import { DEFAULT_EXCEPTIONS_RETENTION_DAYS, renderSqlParameters, SQL_DIR } from "../lib/render/sql-parameters";
import { named, ofType, PROJECT_DIR, run, runWithFakes } from "./harness";

const DC1: HubDatacenter = { id: "DC1", index: 1, hubIp: "10.10.128.10" };
const DC2: HubDatacenter = { id: "DC2", index: 2, hubIp: "10.20.128.10" };
const DC3: HubDatacenter = { id: "DC3", index: 3, hubIp: "10.30.128.10" };

/** The files of `self`'s hub in a hub and spoke of DC1, DC2 and DC3 through `trustedSource`. */
function hubFiles(self: HubDatacenter, trustedSource = DC1): Map<string, string> {
    const all = [DC1, DC2, DC3];
    const priority = [trustedSource, ...all.filter((dc) => dc !== trustedSource)].map((dc) => dc.id);
    const input: GoldenGateFilesInput = { self, peers: all.filter((dc) => dc !== self), priority, keyColumns: [] };
    return new Map(renderGoldenGateFiles(input).map((f) => [f.path, f.content]));
}

/** Statements of a parameter file: comment and blank lines dropped. */
const statements = (content: string) => content.split("\n").map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("--"));
const lines = (content: string) => content.trimEnd().split("\n");

describe("GoldenGate operations: how far behind each path is, from the heartbeat's LAG and AGE", () => {
    const PARAMS: HubBootParameters = {
        lagNamespace: "WSO2APIM/wso2-apim/GoldenGate",
        region: "us-west-2", filesS3Prefix: "s3://wso2-apim-dc2/goldengate/", divergenceS3Prefix: "s3://wso2-apim-dc2/divergence/", installerS3Uri: null, installerSha256: null, filesDigest: "0123456789abcdef", secretId: "arn:gg",
        databaseUser: "OGGADMIN", databaseConnect: "oracle.dc2.wso2-apim.internal:1521/APIMDB", credentialAlias: "ogg_dc2",
        datacenterId: "DC2", datacenters: [{ id: "DC1", index: 1 }, { id: "DC2", index: 2 }, { id: "DC3", index: 3 }], gateStack: "wso2-apim-dc2-goldengate-gate", hostMetricsNamespace: "WSO2APIM/wso2-apim/GoldenGateHost",
    };
    const HEADER = ["Successfully logged into database.", "", "Lag Information From Heartbeat Table", "LAG                 AGE                 FROM       TO         PATH"];
    /** Runs `goldengate-hub-boot publish-lag` on DC2's hub with a fake GGSCI printing `report`; the values it puts, by source. */
    function publishLag(report: string[]): Record<string, number> {
        const result = runWithFakes({
            prefix: "hub-lag-",
            script: "#!/bin/bash\nchmod +x \"$FILES_ROOT/../ogg/ggsci\"\nexec bash \"$FILES_ROOT/usr/local/sbin/goldengate-hub-boot\" publish-lag\n",
            fakes: {
                runuser: "#!/bin/bash\nshift 3; exec \"$@\"\n",
                aws: "#!/bin/bash\nprintf 'aws %s\\n' \"$*\" >>\"$FAKE_LOG\"\n",
            },
            files: {
                "root/etc/goldengate/hub.env": renderHubEnv(PARAMS) + "OGG_HOME='<dir>/ogg'\n",
                "root/usr/local/sbin/goldengate-hub-boot": HUB_BOOT_SCRIPT,
                // A fake GGSCI: reads its commands, prints LAG REPLICAT's report.
                "ogg/ggsci": `#!/bin/bash\ncat >/dev/null\ncat <<'REPORT'\n${[...HEADER, ...report].join("\n")}\nREPORT\n`,
            },
            env: { FILES_ROOT: "<dir>/root" },
        });
        assert.equal(result.status, 0, result.stderr);
        const values: Record<string, number> = {};
        for (const call of result.calls) {
            const put = /^aws cloudwatch put-metric-data --region us-west-2 --namespace WSO2APIM\/wso2-apim\/GoldenGate --metric-name ReplicationLagSeconds --unit Seconds --value (\S+) --dimensions SourceDatacenter=(DC\d),TargetDatacenter=DC2$/.exec(call);
            assert.ok(put, `unexpected call: ${call}`);
            values[put[2]] = Number(put[1]);
        }
        return values;
    }

    it("a stalled path (its last heartbeat 12 minutes old, its last LAG 2 s) publishes 720 s, over the warning threshold; a healthy one its AGE", () => {
        const values = publishLag([
            "2.10s               12m 0.00s           APIMDB     APIMDB     EATOB ==> PATOB ==> RATOB",
            "5.50s               40.00s              APIMDB     APIMDB     ECTOA ==> PCTOA ==> RCTOA ==> EATOB ==> PATOB ==> RATOB",
        ]);
        assert.deepEqual(values, { DC1: 720, DC3: 40 });
        assert.ok(values.DC1 > LAG_WARNING_SECONDS, "the stalled path crosses the threshold the warning alarm compares with");
    });

    it("keeps growing minute after minute while no heartbeat arrives, where the LAG alone stood still", () => {
        const minute = (age: string) => publishLag([`3.00s               ${age}           APIMDB     APIMDB     EATOB ==> PATOB ==> RATOB`]).DC1;
        assert.deepEqual(["50.00s", "3m 50.00s", "1h 0m 50.00s", "1d 0h 0m 50.00s"].map(minute), [50, 230, 3650, 86450]);
    });

    it("publishes the LAG when it is the larger (a slow path whose heartbeats still arrive), and the worst row of an origin", () => {
        const values = publishLag([
            "7m 1.00s            7m 20.00s           APIMDB     APIMDB     EATOB ==> PATOB ==> RATOB",
            "9m 0.00s            8m 30.00s           APIMDB     APIMDB     EATOB ==> PATOB ==> RATOB",
        ]);
        assert.deepEqual(values, { DC1: 540 });
    });

    it("publishes nothing for a row whose AGE cannot be read: the warning alarm counts that silence as breaching", () => {
        assert.deepEqual(publishLag(["2.10s               APIMDB     APIMDB     EATOB ==> PATOB ==> RATOB"]), {});
    });
});

describe("GoldenGate operations: Collector ports and the Manager's access rules", () => {
    it("lists one Collector port for each pump a hub may receive (as many as the DCs there may be less one), and spares for reconnects", () => {
        const { from, to } = GOLDENGATE.dynamicPorts;
        assert.equal(to - from + 1, MAX_DATACENTERS - 1 + SPARE_COLLECTOR_PORTS);
        assert.ok(SPARE_COLLECTOR_PORTS > 0);
        for (const dc of [DC1, DC2]) {
            const manager = statements(hubFiles(dc).get("dirprm/mgr.prm")!);
            assert.ok(manager.includes(`PORT ${GOLDENGATE.managerPort}`));
            assert.ok(manager.includes(`DYNAMICPORTLIST ${from}-${to}`));
            assert.ok(GOLDENGATE.managerPort < from, "the Manager's own port is not one of the Collectors'");
        }
    });

    it("lets the hub's security group take exactly the Manager's port and its Collector ports from each peer hub", async () => {
        const program = await run("us-east");
        const manager = String(ofType(program, "aws:s3/bucketObjectv2:BucketObjectv2").find((o) => o.inputs.key === "goldengate/dirprm/mgr.prm")!.inputs.content);
        const port = Number(/^PORT (\d+)$/m.exec(manager)![1]);
        const last = Number(/^DYNAMICPORTLIST \d+-(\d+)$/m.exec(manager)![1]);
        const rule = named(program, "dc1-sg-goldengate-from-dc2").inputs as any;
        assert.deepEqual([rule.fromPort, rule.toPort, rule.cidrIpv4], [port, last, "10.20.128.10/32"]);
        const out = named(program, "dc1-sg-goldengate-to-dc2").inputs as any;
        assert.deepEqual([out.fromPort, out.toPort, out.cidrIpv4], [port, last, "10.20.128.10/32"]);
    });

    it("admits this hub itself and, for Collectors, the hubs whose pumps send it trails; denies everything else", () => {
        const rules = (dc: HubDatacenter) => statements(hubFiles(dc).get("dirprm/mgr.prm")!).filter((s) => s.startsWith("ACCESSRULE"));
        assert.deepEqual(rules(DC1), [
            "ACCESSRULE, PROG *, IPADDR 127.0.0.1, PRI 1, ALLOW",
            "ACCESSRULE, PROG *, IPADDR 10.10.128.10, PRI 1, ALLOW",
            "ACCESSRULE, PROG COLLECTOR, IPADDR 10.20.128.10, PRI 2, ALLOW",
            "ACCESSRULE, PROG COLLECTOR, IPADDR 10.30.128.10, PRI 2, ALLOW",
            "ACCESSRULE, PROG *, PRI 99, DENY",
        ]);
        // A spoke receives the trusted source's pump only.
        assert.deepEqual(rules(DC3).filter((r) => r.includes("COLLECTOR")), ["ACCESSRULE, PROG COLLECTOR, IPADDR 10.10.128.10, PRI 2, ALLOW"]);
        // IPv4 only, so the addresses the rules name are the addresses GoldenGate sees.
        assert.ok(statements(hubFiles(DC3).get("GLOBALS")!).includes("USEIPV4"));
    });
});

describe("GoldenGate operations: the obey files of the runbooks", () => {
    const dc1 = hubFiles(DC1);
    const dc2 = hubFiles(DC2);

    it("registers a path's Extract (which prints the registration SCN the instantiation waits past), then adds it positioned now", () => {
        const start = lines(dc1.get("dirprm/start-eatob.oby")!);
        // Classic: register first ("Before issuing ADD EXTRACT with this option, make certain you … registered this Extract").
        assert.ok(start.indexOf("REGISTER EXTRACT EATOB DATABASE") < start.indexOf("ADD EXTRACT EATOB, INTEGRATED TRANLOG, BEGIN NOW"));
        assert.equal(start[0], "DBLOGIN USERIDALIAS ogg_dc1 DOMAIN wso2apim");
        assert.deepEqual(start.slice(-2), ["START EXTRACT EATOB", "START EXTRACT PATOB"]);
    });

    it("rolls a kept pump's trail over to a new file and shows its number, for the re-added Replicat to start at", () => {
        assert.deepEqual(lines(dc1.get("dirprm/rollover-patob.oby")!), ["STOP EXTRACT PATOB", "ALTER EXTRACT PATOB, ETROLLOVER", "INFO EXTRACT PATOB, SHOWCH"]);
        assert.deepEqual(lines(dc1.get("dirprm/rollover-patoc.oby")!), ["STOP EXTRACT PATOC", "ALTER EXTRACT PATOC, ETROLLOVER", "INFO EXTRACT PATOC, SHOWCH"]);
    });

    it("removes a capture as Oracle orders it: stopped, logged in, deleted, then unregistered from the database", () => {
        const remove = lines(dc2.get("dirprm/remove-ebtoa.oby")!);
        assert.deepEqual(remove, [
            "STOP EXTRACT PBTOA",
            "STOP EXTRACT EBTOA",
            "DBLOGIN USERIDALIAS ogg_dc2 DOMAIN wso2apim",
            "DELETE EXTRACT EBTOA",
            "UNREGISTER EXTRACT EBTOA DATABASE",
            "DELETE EXTRACT PBTOA",
        ]);
        assert.deepEqual(lines(dc2.get("dirprm/remove-ratob.oby")!), ["DBLOGIN USERIDALIAS ogg_dc2 DOMAIN wso2apim", "STOP REPLICAT RATOB", "DELETE REPLICAT RATOB"]);
        // Every capture of the trusted source has its removal (a move of the trusted source removes them all).
        assert.deepEqual([...dc1.keys()].filter((p) => p.startsWith("dirprm/remove-e")), ["dirprm/remove-eatob.oby", "dirprm/remove-eatoc.oby"]);
    });

    it("are the files the runbooks of docs/replication.md run, and the runbooks take the SCN and trail steps Oracle documents", () => {
        const doc = fs.readFileSync(path.join(PROJECT_DIR, "docs", "replication.md"), "utf8");
        const obeyed = new Set([...doc.matchAll(/OBEY dirprm\/([a-z-]+\.oby)/g)].map((m) => m[1]));
        // With DC1 the trusted source, and with DC2 (the promotion runbook's example).
        const rendered = new Set([DC1, DC2].flatMap((trusted) => [DC1, DC2, DC3].flatMap((dc) => [...hubFiles(dc, trusted).keys()]))
            .map((p) => p.replace(/^dirprm\//, "")));
        for (const file of obeyed) assert.ok(rendered.has(file), `the runbook runs dirprm/${file}, which no hub receives`);
        for (const kind of ["start-e", "add-r", "rollover-p", "remove-e", "remove-r"]) {
            assert.ok([...obeyed].some((f) => f.startsWith(kind)), `no runbook runs a ${kind}*.oby`);
        }
        const resync = doc.slice(doc.indexOf("## Re-sync of a datacenter after a failure"));
        assert.match(resync, /ADD REPLICAT RATOB, EXTTRAIL \.\/dirdat\/ab, EXTSEQNO <n>, EXTRBA 0/);
        assert.doesNotMatch(doc, /SHOWTRANS/);
        // Past the SCN noted after ADD EXTRACT (the start SCN, above the registration SCN): what BEGIN NOW captures of a
        // transaction that began between registration and ADD EXTRACT is not documented.
        assert.match(doc, /FROM V\$TRANSACTION WHERE START_SCN <= <start SCN>/);
    });
});

describe("GoldenGate operations: the hub beside the default RDS engine", () => {
    it("runs the hub with the default SE2 engine: RDS documents GoldenGate with SE2 and EE (docs/replication.md, Standard Edition 2)", async () => {
        const program = await run("us-east", { goldengateLicense: "byol", goldengateAmiId: "ami-0fedcba9876543210" });
        assert.equal(ofType(program, "aws:rds/instance:Instance")[0].inputs.engine, "oracle-se2");
        assert.ok(named(program, "dc1-goldengate-host"));
    });
});

describe("GoldenGate operations: the exceptions tables are purged on a schedule, with a set retention", () => {
    const EXCEPTIONS_SQL = fs.readFileSync(path.join(SQL_DIR, "05-goldengate-exceptions.sql"), "utf8");
    /** The purge's PL/SQL block: from its DECLARE to its `/` line. */
    const purge = EXCEPTIONS_SQL.slice(EXCEPTIONS_SQL.lastIndexOf("\nDECLARE\n"));
    const parametersOf = async (overrides?: Record<string, unknown>) => {
        const program = await run("us-east", overrides);
        const object = ofType(program, "aws:s3/bucketObjectv2:BucketObjectv2").find((o) => o.inputs.key === "sql/parameters.sql")!;
        return String(object.inputs.content);
    };

    it("renders the retention into every DC's parameters: 30 days by default, the configured value otherwise", async () => {
        assert.match(await parametersOf(), /^DEFINE exceptions_retention_days = '30'$/m);
        assert.match(await parametersOf({ goldengateExceptionsRetentionDays: 7 }), /^DEFINE exceptions_retention_days = '7'$/m);
        assert.match(renderSqlParameters({ dcId: "DC1", dcIndex: 1, dcCount: 2, amDbUser: "WSO2AM", sharedDbUser: "WSO2SHARED", goldengateUser: "OGGADMIN", archiveLogRetentionHours: 24 }),
            new RegExp(`^DEFINE exceptions_retention_days = '${DEFAULT_EXCEPTIONS_RETENTION_DAYS}'$`, "m"));
        assert.throws(() => renderSqlParameters({ dcId: "DC1", dcIndex: 1, dcCount: 2, amDbUser: "WSO2AM", sharedDbUser: "WSO2SHARED", goldengateUser: "OGGADMIN", archiveLogRetentionHours: 24, exceptionsRetentionDays: 0 }),
            /exceptionsRetentionDays must be an integer >= 1, got 0/);
    });

    it("refuses a retention outside 1..3650 days, naming the key", async () => {
        await assert.rejects(run("us-east", { goldengateExceptionsRetentionDays: 0 }), /goldengateExceptionsRetentionDays.*must be an integer from 1 to 3650, got "0"/s);
        await assert.rejects(run("us-east", { goldengateExceptionsRetentionDays: 3651 }), /must be an integer from 1 to 3650/);
    });

    it("05-goldengate-exceptions.sql (re)creates a daily Scheduler job of the GoldenGate user that deletes, table by table, rows older than the retention", () => {
        // start_date in UTC: the calendar takes its time zone from start_date (DEFAULT_TIMEZONE when NULL), so 03:30 is UTC.
        assert.match(purge, /DBMS_SCHEDULER\.CREATE_JOB\(\n\s+job_name\s+=> c_job,\n\s+job_type\s+=> 'PLSQL_BLOCK',\n\s+job_action\s+=> c_action,\n\s+start_date\s+=> SYSTIMESTAMP AT TIME ZONE 'UTC',\n\s+repeat_interval => c_repeat,\n\s+enabled\s+=> TRUE,/);
        assert.match(purge, /c_repeat CONSTANT VARCHAR2\(100\) := 'FREQ=DAILY;BYHOUR=3;BYMINUTE=30';/);
        assert.match(purge, /c_job\s+CONSTANT VARCHAR2\(30\) := 'PURGE_EXCEPTIONS';/);
        // Only the exceptions tables that carry EXC_AT (the MAP's @DATENOW ()), by their own date, one commit per table.
        assert.match(purge, /WHERE e\.table_name LIKE 'EX\\_%' ESCAPE '\\'/);
        // One clock: EXC_AT is the hub's @DATENOW () in UTC (TZ=UTC), compared with the database's clock in UTC, never SYSDATE.
        assert.match(purge, /' WHERE EXC_AT < CAST\(SYS_EXTRACT_UTC\(SYSTIMESTAMP\) AS DATE\) - &exceptions_retention_days';\n\s+COMMIT;/);
        assert.doesNotMatch(purge.slice(purge.indexOf("c_action")), /SYSDATE/);
        assert.match(purge, /GRANT SELECT ON ' \|\| DBMS_ASSERT\.ENQUOTE_NAME\(t\.table_name, FALSE\) \|\| ' TO ' \|\| DBMS_ASSERT\.ENQUOTE_NAME\(UPPER\('&checker_user'\), FALSE\)/);
        assert.match(purge, /\nEND;\n\/\n$/, "a PL/SQL block SQL*Plus runs: it ends with a / line");
        // Runs as the GoldenGate user, who holds CREATE JOB (01-users.sql).
        assert.match(fs.readFileSync(path.join(SQL_DIR, "01-users.sql"), "utf8"), /CREATE JOB/);
    });

    it("05-goldengate-exceptions.sql leaves a job that is already what it would create (a re-run at 03:30 UTC does not stop a purge in progress) and drops and re-creates one that differs", () => {
        // The job as it stands, from the dictionary, compared with exactly what CREATE_JOB below gets:
        // the type, the action (which carries the retention), the calendar, and a UTC start_date.
        assert.match(purge, /FOR j IN \(SELECT job_type, job_action, repeat_interval, TO_CHAR\(start_date, 'TZR'\) AS start_zone, enabled\n\s+FROM user_scheduler_jobs WHERE job_name = c_job\) LOOP/);
        assert.match(purge, /v_same := CASE WHEN j\.job_type = 'PLSQL_BLOCK' AND j\.job_action = c_action AND j\.repeat_interval = c_repeat\n\s+AND j\.start_zone IN \('UTC', '\+00:00'\) THEN TRUE ELSE FALSE END;/);
        // DROP_JOB (force => TRUE stops a running job) only for a job that differs; CREATE_JOB only when none is left.
        assert.equal(purge.split("DBMS_SCHEDULER.DROP_JOB(").length - 1, 1);
        assert.match(purge, /IF NOT v_same THEN\n\s+DBMS_SCHEDULER\.DROP_JOB\(job_name => c_job, force => TRUE\);\n\s+END IF;\n\s+END LOOP;\n\s+IF v_same THEN\n(?:\s+--[^\n]*\n)*\s+IF v_enabled = 'FALSE' THEN\n\s+DBMS_SCHEDULER\.ENABLE\(c_job\);\n\s+END IF;\n\s+ELSE\n\s+DBMS_SCHEDULER\.CREATE_JOB\(/);
        // What CREATE_JOB gets is what the comparison checks: no literal of its own.
        const create = purge.slice(purge.indexOf("DBMS_SCHEDULER.CREATE_JOB("), purge.indexOf("END IF;", purge.indexOf("DBMS_SCHEDULER.CREATE_JOB(")));
        assert.match(create, /job_action\s+=> c_action,/);
        assert.match(create, /repeat_interval => c_repeat,/);
        assert.match(purge, /' unchanged' ELSE ' \(re\)created' END/);
    });

    it("each purge run records SUCCEEDED or FAILED (with SQLERRM, and still fails as a job) in a table the checker may read", () => {
        const action = /c_action CONSTANT VARCHAR2\(4000\) := q'\[([\s\S]*?)\]';/.exec(purge)![1];
        assert.match(action, /INSERT INTO PURGE_EXCEPTIONS_RUNS \(RUN_AT, STATUS\) VALUES \(CAST\(SYS_EXTRACT_UTC\(SYSTIMESTAMP\) AS DATE\), 'SUCCEEDED'\);\n\s+COMMIT;\nEXCEPTION/);
        assert.match(action, /WHEN OTHERS THEN\n\s+ROLLBACK;\n\s+v_error := SUBSTR\(SQLERRM, 1, 4000\);\n\s+INSERT INTO PURGE_EXCEPTIONS_RUNS \(RUN_AT, STATUS, ERROR\) VALUES \([^)]*\) AS DATE\), 'FAILED', v_error\);\n\s+COMMIT;\n\s+RAISE;\nEND;$/);
        // Its own rows are kept for the retention too; its name is not EX_*, so neither the purge nor ExceptionRows counts it.
        assert.match(action, /DELETE FROM PURGE_EXCEPTIONS_RUNS WHERE RUN_AT < CAST\(SYS_EXTRACT_UTC\(SYSTIMESTAMP\) AS DATE\) - &exceptions_retention_days;/);
        assert.match(purge, /'CREATE TABLE ' \|\| c_runs \|\| ' \(RUN_AT DATE NOT NULL, STATUS VARCHAR2\(9\) NOT NULL, ERROR VARCHAR2\(4000\)\)'/);
        assert.match(purge, /VALUES \(CAST\(SYS_EXTRACT_UTC\(SYSTIMESTAMP\) AS DATE\), ''CREATED''\)/);
        assert.match(purge, /WHERE table_name LIKE 'EX\\_%' ESCAPE '\\' OR table_name = c_runs\) LOOP\n\s+EXECUTE IMMEDIATE 'GRANT SELECT ON '/);
    });

    it("the job's action, a q-quoted literal, stays within one VARCHAR2(4000) after SQL*Plus substitutes the longest retention", () => {
        const action = /c_action CONSTANT VARCHAR2\(4000\) := q'\[([\s\S]*?)\]';/.exec(purge)![1];
        assert.ok(!action.includes("]'"), "the literal does not close early");
        assert.ok(action.replaceAll("&exceptions_retention_days", "3650").length < 4000);
    });
});
