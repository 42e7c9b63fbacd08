/**
 * Conventions of the project's SQL (sql/*.sql) that SQL*Plus and the boot hook rely on. An
 * undefined substitution variable is the worst case: SQL*Plus would prompt for it and read the
 * answer from the hook's stdin, swallowing the next command.
 */
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { DATABASE_BOOT_SCRIPT } from "../lib/render/database-boot-env";
import { renderSqlParameters, SQL_DIR, SQL_SCRIPTS } from "../lib/render/sql-parameters";

const scripts = SQL_SCRIPTS.map((name) => ({ name, text: fs.readFileSync(path.join(SQL_DIR, name), "utf8") }));

/** Variables the hook defines on stdin before a script, never in a file. */
const FROM_THE_HOOK: Record<string, string[]> = {
    "01-users.sql": ["am_db_password", "shared_db_password", "goldengate_password", "checker_password"],
    "04-verify.sql": ["recompile"],
    "rebuild-empty-schema.sql": ["pack_rows"],
};

const PARAMETERS = renderSqlParameters({
    dcId: "DC1", dcIndex: 1, dcCount: 2, amDbUser: "WSO2AM", sharedDbUser: "WSO2SHARED", goldengateUser: "OGGADM1", archiveLogRetentionHours: 72,
});
const DEFINED = [...PARAMETERS.matchAll(/^DEFINE (\w+) = /gm)].map((m) => m[1]);

describe("project SQL scripts", () => {
    it("are exactly the files in sql/", () => {
        assert.deepEqual(fs.readdirSync(SQL_DIR).filter((f) => f.endsWith(".sql")).sort(), [...SQL_SCRIPTS].sort());
    });

    for (const { name, text } of scripts) {
        describe(name, () => {
            it("starts by stopping at the first SQL or OS error", () => {
                const [first, second] = text.split("\n");
                assert.match(first, /^WHENEVER SQLERROR EXIT FAILURE\b/);
                assert.match(second, /^WHENEVER OSERROR EXIT FAILURE\b/);
            });

            it("ends every PL/SQL block with a / line", () => {
                // Blocks start at column 0 (DECLARE, or BEGIN outside a block) and run to a / line.
                let open = 0;
                let blocks = 0;
                for (const [i, line] of text.split("\n").entries()) {
                    if (line === "/") {
                        assert.ok(open > 0, `line ${i + 1}: / outside a block would run the previous statement again`);
                        open = 0;
                    } else if (/^(DECLARE|BEGIN)\b/.test(line) && open === 0) {
                        open = i + 1;
                        blocks++;
                    }
                }
                assert.ok(blocks > 0);
                assert.equal(open, 0, `the block at line ${open} has no / line`);
            });

            it("uses only substitution variables that are defined, and none in comments", () => {
                const code = text.split("\n").filter((line) => !line.trimStart().startsWith("--"));
                const comments = text.split("\n").filter((line) => line.trimStart().startsWith("--"));
                assert.deepEqual(comments.filter((line) => line.includes("&")), []);
                const used = new Set([...code.join("\n").matchAll(/&&?(\w+)/g)].map((m) => m[1]));
                const allowed = new Set([...DEFINED, ...(FROM_THE_HOOK[name] ?? [])]);
                assert.deepEqual([...used].filter((v) => !allowed.has(v)), []);
                assert.match(text, /^SET VERIFY OFF$/m, "substituted lines (passwords in 01) are never echoed");
            });

            it("has no cascading foreign key", () => {
                assert.doesNotMatch(text, /ON\s+DELETE\s+(CASCADE|SET\s+NULL)/i);
            });
        });
    }

    it("04-verify.sql accepts a keyless table only when goldengateKeyColumns gives it KEYCOLS", () => {
        const verify = scripts.find((s) => s.name === "04-verify.sql")!.text;
        const keyless = /FOR t IN \(SELECT table_name\s+FROM user_tables t([\s\S]*?)\) LOOP/.exec(verify);
        assert.ok(keyless, "the keyless-table query is there");
        assert.match(keyless[1], /AND INSTR\('&keycols_tables', ',' \|\| USER \|\| '\.' \|\| t\.table_name \|\| ','\) = 0/);
        assert.match(keyless[1], /constraint_type IN \('P', 'U'\)/);
        assert.match(PARAMETERS, /^DEFINE keycols_tables = ','$/m, "no KEYCOLS: every table needs a key");
    });

    it("the hook defines the variables it owes the scripts", () => {
        for (const variable of Object.values(FROM_THE_HOOK).flat()) {
            assert.ok(DATABASE_BOOT_SCRIPT.includes(variable), `database-boot.sh never defines ${variable}`);
        }
        assert.match(DATABASE_BOOT_SCRIPT, /DEFINE recompile = YES/);
        assert.match(DATABASE_BOOT_SCRIPT, /DEFINE recompile = NO/);
    });
});
