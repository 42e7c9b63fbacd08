/**
 * The schema step's SQL as SQL*Plus sends it to Oracle (read with the project's SQL*Plus reader,
 * so comments never count): the service users' profile and the DDL lock wait of the per-DC step.
 * There is no database here; these pin the statements and their order, with the Oracle rule each
 * one honours beside it.
 */
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { SQL_DIR } from "../lib/render/sql-parameters";
import { readStatements } from "../tools/sql-check/lexer";

/** Each statement of a project script as one upper-case line of its tokens, strings in quotes. */
function statements(script: string): string[] {
    const file = path.join(SQL_DIR, script);
    return [...readStatements(fs.readFileSync(file, "utf8"), file)].map((s) =>
        s.tokens.map((t) => (t.kind === "string" ? `'${t.value}'` : t.value).toUpperCase()).join(" ").replace(/\| \|/g, "||"),
    );
}

describe("schema step SQL", () => {
    it("01-users.sql puts the three users in a profile whose passwords never expire and may be set again at every boot", () => {
        const users = statements("01-users.sql");
        const profile = users.findIndex((s) => s.includes("CREATE PROFILE") && s.includes("ALTER PROFILE"));
        assert.ok(profile >= 0, "a block creates the profile, or corrects an existing one");
        // DEFAULT's PASSWORD_LIFE_TIME is 180 days (ORA-28001 after it); both reuse limits UNLIMITED
        // means neither applies, so re-setting the same password never fails with ORA-28007.
        // FAILED_LOGIN_ATTEMPTS UNLIMITED: DEFAULT's 10 failed logins would lock the account for the
        // whole DC (ORA-28000) while other nodes and GoldenGate still hold the old password.
        for (const limit of ["PASSWORD_LIFE_TIME UNLIMITED", "PASSWORD_REUSE_TIME UNLIMITED", "PASSWORD_REUSE_MAX UNLIMITED", "PASSWORD_VERIFY_FUNCTION NULL", "FAILED_LOGIN_ATTEMPTS UNLIMITED"]) {
            assert.ok(users[profile].includes(limit), `the profile sets ${limit}`);
        }
        const ensure = users.findIndex((s) => s.includes("CREATE USER"));
        assert.ok(profile < ensure, "the profile exists before any user is created or altered");
        const block = users[ensure];
        assert.match(block, /'CREATE USER ' \|\| V_USER \|\| ' IDENTIFIED BY "' [^;]*' PROFILE ' \|\| C_PROFILE ;/);
        const assign = block.indexOf("'ALTER USER ' || V_USER || ' PROFILE ' || C_PROFILE ;");
        const reset = block.indexOf("'ALTER USER ' || V_USER || ' IDENTIFIED BY \"' || P_PASSWORD || '\" ACCOUNT UNLOCK'");
        assert.ok(assign > 0 && reset > assign, "an existing user gets the profile before its password is set again");
        for (const user of ["&AM_DB_USER", "&SHARED_DB_USER", "&GOLDENGATE_USER"]) {
            assert.ok(block.includes(`ENSURE_USER ( '${user}' ,`), `${user} goes through ensure_user`);
        }
    });

    it("01-users.sql grants the GoldenGate user what ADD HEARTBEATTABLE creates with: its scheduler jobs (CREATE JOB), views and procedures", () => {
        const grant = statements("01-users.sql").find((s) => s.startsWith("GRANT") && s.endsWith("TO & GOLDENGATE_USER"));
        assert.ok(grant, "one GRANT names the GoldenGate user");
        const privileges = grant.replace(/^GRANT /, "").replace(/ TO & GOLDENGATE_USER$/, "").split(" , ");
        for (const privilege of ["CREATE JOB", "CREATE VIEW", "CREATE PROCEDURE", "CREATE TABLE"]) {
            assert.ok(privileges.includes(privilege), `${privilege} is not granted`);
        }
    });

    it("02-goldengate-prerequisites.sql grants capture and apply by the two calls the RDS guide documents, never '*'", () => {
        const block = statements("02-goldengate-prerequisites.sql").find((s) => s.includes("GRANT_ADMIN_PRIVILEGE"))!;
        assert.ok(block, "the block calls the rdsadmin wrapper");
        assert.match(block, /RDSADMIN \. RDSADMIN_DBMS_GOLDENGATE_AUTH \. GRANT_ADMIN_PRIVILEGE \( GRANTEE = > C_GG_USER , PRIVILEGE_TYPE = > P \. CALL_TYPE ,/);
        assert.ok(block.includes("SELECT 'CAPTURE' AS KIND , 'CAPTURE' AS CALL_TYPE FROM DUAL UNION ALL SELECT 'APPLY' , 'APPLY' FROM DUAL"), "one call per documented type");
        assert.ok(!block.includes("PRIVILEGE_TYPE = > '*'"), "no undocumented '*' call");
        assert.ok(block.includes("PRIVILEGE_TYPE IN ( P . KIND , '*' )"), "an earlier '*' grant counts as both: nothing granted twice");
    });

    it("02-goldengate-prerequisites.sql gives the divergence checker EXECUTE on SYS.DBMS_CRYPTO through rdsadmin, only when missing, without stopping the boot", () => {
        const block = statements("02-goldengate-prerequisites.sql").find((s) => s.includes("GRANT_SYS_OBJECT"))!;
        assert.ok(block, "a block calls rdsadmin.rdsadmin_util.grant_sys_object");
        // Amazon RDS User Guide, "Granting SELECT or EXECUTE privileges to SYS objects": names in upper case.
        assert.match(block, /C_CHECKER CONSTANT VARCHAR2 \( 128 \) : = UPPER \( '&CHECKER_USER' \)/);
        assert.match(block, /RDSADMIN \. RDSADMIN_UTIL \. GRANT_SYS_OBJECT \( P_OBJ_NAME = > 'DBMS_CRYPTO' , P_GRANTEE = > C_CHECKER , P_PRIVILEGE = > 'EXECUTE' \)/);
        assert.ok(block.includes("FROM DBA_TAB_PRIVS WHERE GRANTEE = C_CHECKER AND OWNER = 'SYS' AND TABLE_NAME = 'DBMS_CRYPTO' AND PRIVILEGE = 'EXECUTE'"), "granted only when DBA_TAB_PRIVS lacks it");
        assert.ok(block.indexOf("IF V_GRANTED = 0") < block.indexOf("GRANT_SYS_OBJECT"));
        assert.match(block, /EXCEPTION WHEN OTHERS THEN DBMS_OUTPUT \. PUT_LINE \( 'WARNING: /, "a refusal is printed, and the boot goes on");
        // 01-users.sql runs on self-managed hosts too, where the grant is the SYSDBA operator's (docs/database.md): none there.
        assert.ok(!statements("01-users.sql").some((s) => s.includes("DBMS_CRYPTO")));
    });

    it("03-per-dc.sql waits for the DDL lock on the busy token table instead of failing with ORA-00054", () => {
        const perDc = statements("03-per-dc.sql");
        const timeout = perDc.findIndex((s) => /^ALTER SESSION SET DDL_LOCK_TIMEOUT = \d+$/.test(s));
        assert.ok(timeout >= 0, "the session sets DDL_LOCK_TIMEOUT");
        const seconds = Number(/(\d+)$/.exec(perDc[timeout])![1]);
        assert.ok(seconds > 0 && seconds <= 1_000_000, "DDL_LOCK_TIMEOUT is 0..1,000,000 seconds (Oracle 19c Reference)");
        const dcid = perDc.findIndex((s) => s.includes("'ALTER TABLE IDN_OAUTH2_ACCESS_TOKEN MODIFY (DCID DEFAULT "));
        assert.ok(timeout < dcid, "set in the same session before the DCID default change");
    });
});
