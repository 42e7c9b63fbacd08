import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkScripts, OptionsError, ScriptSyntaxError, type CheckOptions, type Finding, type RuleId } from '../tools/sql-check/check';
import { findSqlFiles, readInputs } from '../tools/sql-check/inputs';
import { readStatements, type Statement } from '../tools/sql-check/lexer';

const REPO = path.resolve(__dirname, '..');
const FIXTURES = 'test/fixtures/sql-check';
const CLI = path.join(REPO, 'tools/sql-check/cli.ts');

/** A script from an indented template literal: line 1 is the line after the backtick. */
function sql(strings: TemplateStringsArray): string {
  const lines = strings.raw.join('').replace(/^\n/, '').split('\n');
  const indent = Math.min(...lines.filter((line) => line.trim() !== '').map((line) => line.length - line.trimStart().length));
  return lines.map((line) => line.slice(indent)).join('\n');
}

const check = (text: string, options?: CheckOptions): Finding[] => checkScripts([{ path: 'script.sql', text }], options);

type Expected = [line: number, rule: RuleId, names: string];

/** Exact rule ids and lines, in order; each message must name the objects listed (space-separated). */
function assertFindings(findings: readonly Finding[], expected: readonly Expected[]): void {
  assert.deepEqual(
    findings.map((finding) => `${finding.line} ${finding.rule}`),
    expected.map(([line, rule]) => `${line} ${rule}`),
    findings.map((finding) => `${finding.line}: ${finding.rule}: ${finding.message}`).join('\n'),
  );
  expected.forEach(([, , names], i) => {
    for (const name of names.split(' ')) {
      assert.ok(findings[i].message.includes(name), `finding ${i} "${findings[i].message}" should name ${name}`);
    }
  });
}

const statements = (text: string): Statement[] => [...readStatements(text, 'script.sql')];
const outline = (text: string): string[] =>
  statements(text).map((statement) => `${statement.line}-${statement.endLine} ${statement.isPlsql ? 'plsql' : 'sql'} ${statement.end} ${statement.tokens[0].value}`);

describe('sql-check: reading scripts as SQL*Plus does', () => {
  it('ends SQL at ; or a / line, and PL/SQL units only at a / line', () => {
    const text = sql`
      CREATE TABLE AM_A (ID INTEGER PRIMARY KEY);
      CREATE TABLE AM_B (ID INTEGER PRIMARY KEY)
      /
      create or replace trigger am_b_trigger before insert on am_b for each row
      begin
        select am_b_seq.nextval into :new.id from dual;
        if :new.id is null then
          :new.id := 0;
        end if;
      end;
      /
      DECLARE
        n INTEGER;
      BEGIN
        n := 1;
      END;
      /
    `;
    assert.deepEqual(outline(text), ['1-1 sql semicolon CREATE', '2-3 sql slash CREATE', '4-11 plsql slash CREATE', '12-17 plsql slash DECLARE']);
    // Scripts edited on Windows: a `/` followed by CR (and blanks) is still a `/` line.
    assert.deepEqual(outline(text.replaceAll('\n', ' \r\n')), outline(text));
  });

  it('never reads code inside string literals, q-quote literals, comments or quoted identifiers', () => {
    const text = sql`
      INSERT INTO AM_ALERT_TYPES (NAME, NOTE) VALUES ('a;b', 'ON DELETE CASCADE
      /
      ;');
      -- CREATE TABLE NOT_A_TABLE (ID INTEGER); ON DELETE CASCADE
      /* CREATE TABLE ALSO_NOT_A_TABLE (ID INTEGER);
      /
      */
      INSERT INTO AM_ALERT_TYPES (NAME) VALUES (q'[it's ; / ON DELETE CASCADE]');
      INSERT INTO "Odd;Name" (NAME) VALUES (Q'{x}');
    `;
    assert.deepEqual(outline(text), ['1-3 sql semicolon INSERT', '8-8 sql semicolon INSERT', '9-9 sql semicolon INSERT']);
    const [first, second, third] = statements(text);
    assert.deepEqual(first.tokens.filter((token) => token.kind === 'string').map((token) => token.value), ['a;b', 'ON DELETE CASCADE\n/\n;']);
    assert.equal(second.tokens.find((token) => token.kind === 'string')?.value, "it's ; / ON DELETE CASCADE");
    assert.deepEqual(third.tokens[2], { kind: 'quoted-identifier', value: 'Odd;Name', line: 9 });
    assert.deepEqual(check(text), []);
  });

  it('folds unquoted names to upper case and keeps quoted identifiers as written', () => {
    const [statement] = statements('create table "AuditLog" (id number, Name varchar2(10))\n/\n');
    assert.deepEqual(
      statement.tokens.slice(0, 6).map((token) => `${token.kind}:${token.value}`),
      ['word:CREATE', 'word:TABLE', 'quoted-identifier:AuditLog', 'symbol:(', 'word:ID', 'word:NUMBER'],
    );
    assertFindings(check('create table "AuditLog" (id number)\n/\n'), [[1, 'missing-key', '"AuditLog"']]);
    // "AuditLog" and AUDITLOG are different tables: the key on the unquoted one does not count.
    assertFindings(check('create table "AuditLog" (id number)\n/\nalter table auditlog add primary key (id);\n'), [[1, 'missing-key', '"AuditLog"']]);
    assertFindings(check('create table "AUDITLOG" (id number)\n/\nalter table auditlog add primary key (id);\n'), []);
  });

  it('takes a / inside a PL/SQL body for division, and only a / alone on its line as the end', () => {
    const text = sql`
      CREATE OR REPLACE PROCEDURE AM_RATIO (A IN NUMBER, B IN NUMBER, R OUT NUMBER) IS
        HALF NUMBER := A / 2;
      BEGIN
        R := A / B;
        R := R
        / 2;
        FOR I IN 1..10 LOOP R := R / 1.5e0; END LOOP;
      END;
      /
      CREATE TABLE AM_AFTER (ID INTEGER PRIMARY KEY);
    `;
    assert.deepEqual(outline(text), ['1-9 plsql slash CREATE', '10-10 sql semicolon CREATE']);
    const loop = statements(text)[0].tokens.filter((token) => token.line === 7).map((token) => token.value);
    assert.deepEqual(loop, ['FOR', 'I', 'IN', '1', '.', '.', '10', 'LOOP', 'R', ':', '=', 'R', '/', '1.5e0', ';', 'END', 'LOOP', ';']);
    assert.deepEqual(check(text), []);
  });

  it('skips SQL*Plus commands, whose text may hold quotes, only at the start of a statement', () => {
    const text = sql`
      SET DEFINE OFF
      PROMPT Creating AM_DB's tables; don't stop
      REM it's the DC2 copy
      WHENEVER SQLERROR EXIT SQL.SQLCODE
      CREATE TABLE AM_A (ID INTEGER PRIMARY KEY);
      SET TRANSACTION READ WRITE;
    `;
    assert.deepEqual(outline(text), ['5-5 sql semicolon CREATE', '6-6 sql semicolon SET']);
  });

  it('keeps nested blocks, IF/LOOP/CASE and package members inside their unit', () => {
    const text = sql`
      CREATE OR REPLACE PACKAGE AM_CLEANUP AS
        PROCEDURE PURGE (DAYS IN NUMBER);
        FUNCTION COUNT_OLD RETURN NUMBER;
      END AM_CLEANUP;
      /
      CREATE OR REPLACE PACKAGE BODY AM_CLEANUP AS
        PROCEDURE PURGE (DAYS IN NUMBER) IS
          CURSOR OLD_ROWS IS SELECT ID FROM AM_LOG WHERE CREATED < SYSDATE - DAYS;
        BEGIN
          FOR R IN OLD_ROWS LOOP
            CASE WHEN R.ID > 0 THEN DELETE FROM AM_LOG WHERE ID = R.ID; ELSE NULL; END CASE;
          END LOOP;
        END PURGE;
        FUNCTION COUNT_OLD RETURN NUMBER IS
          N NUMBER;
        BEGIN
          SELECT COUNT(*) INTO N FROM AM_LOG;
          RETURN N;
        END COUNT_OLD;
      END AM_CLEANUP;
      /
      CREATE OR REPLACE TYPE AM_ID_LIST AS TABLE OF NUMBER;
      /
      CREATE OR REPLACE FUNCTION AM_HASH (S IN VARCHAR2) RETURN VARCHAR2 AS LANGUAGE JAVA NAME 'Hash.of(java.lang.String) return java.lang.String';
      /
    `;
    assert.deepEqual(outline(text), ['1-5 plsql slash CREATE', '6-21 plsql slash CREATE', '22-23 plsql slash CREATE', '24-25 plsql slash CREATE']);
    assert.deepEqual(check(text), []);
  });

  it('reports where an unterminated literal, comment or quoted identifier opens, and DDL it cannot read', () => {
    const cases: Array<[string, number, string]> = [
      ["CREATE TABLE A (ID INTEGER PRIMARY KEY)\n/\nINSERT INTO A VALUES ('x\n);\n", 3, 'unterminated string literal'],
      ['CREATE TABLE A (ID INTEGER PRIMARY KEY)\n/\n/* no end\n', 3, 'unterminated comment'],
      ['CREATE TABLE "A (ID INTEGER)\n/\n', 1, 'unterminated quoted identifier'],
      ["INSERT INTO A VALUES (q'[x)');\n", 1, "unterminated q-quote literal (q'[...]')"],
      ['CREATE TABLE A (ID INTEGER PRIMARY KEY)\n/\nCREATE TABLE B (\n  ID INTEGER\n/\n', 3, 'unbalanced parentheses'],
      ['CREATE TABLE\n/\n', 1, 'CREATE TABLE without a name'],
    ];
    for (const [text, line, reason] of cases) {
      assert.throws(() => check(text), (error: unknown) => error instanceof ScriptSyntaxError && error.line === line && error.reason === reason && error.message === `script.sql:${line}: ${reason}`);
    }
  });
});

describe('sql-check rule: cascade', () => {
  it('flags ON DELETE CASCADE, ON DELETE SET NULL and ON UPDATE in every foreign-key form', () => {
    const text = sql`
      CREATE TABLE AM_APPLICATION_KEY_MAPPING (
        APPLICATION_ID INTEGER REFERENCES AM_APPLICATION (APPLICATION_ID) ON DELETE CASCADE,
        CONSUMER_KEY VARCHAR2(255),
        KEY_TYPE VARCHAR2(512) NOT NULL,
        CONSTRAINT AM_KEY_MAPPING_CONSUMER_FK FOREIGN KEY (CONSUMER_KEY)
          REFERENCES IDN_OAUTH_CONSUMER_APPS (CONSUMER_KEY)
          on delete set null,
        PRIMARY KEY (APPLICATION_ID, KEY_TYPE)
      )
      /
      ALTER TABLE AM_SUBSCRIPTION ADD CONSTRAINT AM_SUBSCRIPTION_API_FK FOREIGN KEY (API_ID) REFERENCES AM_API (API_ID) ON DELETE CASCADE;
      ALTER TABLE AM_SUBSCRIPTION ADD (CONSTRAINT AM_SUBSCRIPTION_APP_FK FOREIGN KEY (APPLICATION_ID)
        REFERENCES AM_APPLICATION (APPLICATION_ID) ON UPDATE CASCADE);
    `;
    assertFindings(check(text), [
      [2, 'cascade', 'AM_APPLICATION_KEY_MAPPING AM_APPLICATION ON DELETE CASCADE'],
      [7, 'cascade', 'AM_KEY_MAPPING_CONSUMER_FK AM_APPLICATION_KEY_MAPPING IDN_OAUTH_CONSUMER_APPS ON DELETE SET NULL'],
      [11, 'cascade', 'AM_SUBSCRIPTION_API_FK AM_SUBSCRIPTION AM_API ON DELETE CASCADE'],
      [13, 'cascade', 'AM_SUBSCRIPTION_APP_FK AM_SUBSCRIPTION ON UPDATE CASCADE'],
    ]);
  });

  it('passes plain foreign keys, and cascades that are only text in strings or comments', () => {
    const text = sql`
      CREATE TABLE AM_SUBSCRIPTION (
        SUBSCRIPTION_ID INTEGER,
        API_ID INTEGER REFERENCES AM_API (API_ID), -- was: ON DELETE CASCADE
        APPLICATION_ID INTEGER,
        NOTE VARCHAR2(100) DEFAULT 'ON DELETE CASCADE',
        /* FOREIGN KEY (APPLICATION_ID) REFERENCES AM_APPLICATION (APPLICATION_ID) ON DELETE CASCADE, */
        FOREIGN KEY (APPLICATION_ID) REFERENCES AM_APPLICATION (APPLICATION_ID),
        PRIMARY KEY (SUBSCRIPTION_ID)
      )
      /
      ALTER TABLE AM_SUBSCRIPTION ADD CONSTRAINT AM_SUB_API_FK FOREIGN KEY (API_ID) REFERENCES AM_API (API_ID) ON DELETE NO ACTION;
    `;
    assert.deepEqual(check(text), []);
  });
});

describe('sql-check rule: missing-key', () => {
  it('flags a table whose only constraints are NOT NULL and CHECK, at its CREATE TABLE line', () => {
    const text = sql`
      CREATE TABLE AM_API (API_ID INTEGER PRIMARY KEY)
      /
      CREATE TABLE AM_API_RATINGS (
        RATING_ID VARCHAR2(255) NOT NULL,
        API_ID INTEGER,
        RATING INTEGER CHECK (RATING BETWEEN 1 AND 5)
      )
      /
      ALTER TABLE AM_API_RATINGS ADD CONSTRAINT AM_API_RATINGS_RANGE CHECK (RATING > 0);
      ALTER TABLE AM_API_RATINGS DROP PRIMARY KEY;
      ALTER TABLE AM_API_RATINGS MODIFY UNIQUE (RATING_ID) DISABLE;
    `;
    assertFindings(check(text), [[3, 'missing-key', 'AM_API_RATINGS']]);
    // A byte-order mark before the first statement is not part of its first word.
    assertFindings(check('\uFEFFCREATE TABLE AM_NOTES (ID INTEGER)\n/\n'), [[1, 'missing-key', 'AM_NOTES']]);
  });

  it('accepts inline and out-of-line keys, keys added later by ALTER TABLE, unique indexes, and temporary tables', () => {
    const text = sql`
      CREATE TABLE AM_A (ID INTEGER PRIMARY KEY)
      /
      CREATE TABLE AM_B (ID INTEGER CONSTRAINT AM_B_ID UNIQUE)
      /
      CREATE TABLE AM_C (ID INTEGER, NAME VARCHAR2(10), CONSTRAINT AM_C_NAME UNIQUE (NAME))
      /
      CREATE TABLE AM_D (ID INTEGER NOT NULL)
      /
      CREATE TABLE AM_E (ID INTEGER NOT NULL)
      /
      CREATE TABLE AM_F (ID INTEGER NOT NULL)
      /
      CREATE GLOBAL TEMPORARY TABLE AM_SCRATCH (ID INTEGER) ON COMMIT DELETE ROWS
      /
      ALTER TABLE AM_D ADD PRIMARY KEY (ID);
      ALTER TABLE am_e MODIFY (id CONSTRAINT am_e_pk PRIMARY KEY);
      CREATE UNIQUE INDEX AM_F_ID ON AM_F (ID);
    `;
    assert.deepEqual(check(text), []);
  });

  it('reads directories recursively for *.sql in sorted order', () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'sql-check-'));
    try {
      for (const name of ['b.sql', 'a.sql', 'notes.txt', 'sub/Z.SQL', 'sub/deeper/c.sql', 'c.sql']) {
        fs.mkdirSync(path.dirname(path.join(directory, name)), { recursive: true });
        fs.writeFileSync(path.join(directory, name), 'CREATE SEQUENCE S;\n');
      }
      const found = findSqlFiles(directory).map((file) => path.relative(directory, file).split(path.sep).join('/'));
      assert.deepEqual(found, ['a.sql', 'b.sql', 'c.sql', 'sub/Z.SQL', 'sub/deeper/c.sql']);
    } finally {
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });

  it('counts a key added in another file of a directory, read in sorted order', () => {
    const directory = path.join(REPO, FIXTURES, 'keys-across-files');
    const files = findSqlFiles(directory);
    assert.deepEqual(files.map((file) => path.relative(directory, file)), ['01-tables.sql', path.join('constraints', '02-keys.sql')]);
    const findings = checkScripts(readInputs([directory]));
    assertFindings(findings, [[14, 'missing-key', 'AM_BLOCK_CONDITIONS']]);
    assert.equal(findings[0].file, path.join(directory, '01-tables.sql'));
  });
});

describe('sql-check rule: unterminated-block', () => {
  // SQL*Plus User's Guide and Reference 19c, SET BLOCKTERMINATOR: a line holding only "." ends the
  // entry of a block without running it; RUN or / then runs it.
  it('a . line ends a statement without running it, unless a / line follows at once', () => {
    const text = [
      'CREATE TRIGGER T_RUN BEFORE DELETE ON P FOR EACH ROW',
      'BEGIN',
      '  DELETE FROM C WHERE C.P_ID = :OLD.ID;',
      'END;',
      '.',
      '/',
      'CREATE TRIGGER T_KEPT BEFORE DELETE ON P FOR EACH ROW',
      'BEGIN',
      '  DELETE FROM C WHERE C.P_ID = :OLD.ID;',
      'END;',
      '.',
      'CREATE TABLE P (ID INTEGER PRIMARY KEY)',
      '.',
      'CREATE TABLE C (ID INTEGER PRIMARY KEY, P_ID INTEGER);',
      '',
    ].join('\n');
    assert.deepEqual(outline(text), ['1-6 plsql slash CREATE', '7-11 plsql period CREATE', '12-13 sql period CREATE', '14-14 sql semicolon CREATE']);
    assertFindings(check(text), [
      [7, 'unterminated-block', 'T_KEPT line 11'],
      [12, 'unterminated-block', 'CREATE TABLE P'],
    ]);
  });

  it('flags a trigger followed by the next statement with no / line, and still reads that statement', () => {
    const text = sql`
      CREATE OR REPLACE TRIGGER AM_API_TRIGGER
        BEFORE INSERT ON AM_API
        REFERENCING NEW AS NEW
        FOR EACH ROW
      BEGIN
        SELECT AM_API_SEQUENCE.nextval INTO :NEW.API_ID FROM dual;
      END;
      CREATE SEQUENCE AM_API_SEQUENCE START WITH 1 INCREMENT BY 1;
      CREATE TABLE AM_API (API_ID INTEGER)
      /
    `;
    assertFindings(check(text), [
      [1, 'unterminated-block', 'AM_API_TRIGGER 8'],
      [9, 'missing-key', 'AM_API'],
    ]);
  });

  it('flags a block that reaches the end of its file, or whose / is not alone on its line', () => {
    const atEnd = 'BEGIN\n  DELETE FROM AM_LOG;\nEND;\n';
    assertFindings(check(atEnd), [[1, 'unterminated-block', 'anonymous end of the file']]);
    const slashOnEndLine = sql`
      CREATE OR REPLACE PROCEDURE AM_PURGE IS
      BEGIN
        DELETE FROM AM_LOG;
      END; /
      CREATE TABLE AM_LOG (ID INTEGER)
      /
    `;
    assertFindings(check(slashOnEndLine), [
      [1, 'unterminated-block', 'procedure AM_PURGE 4'],
      [5, 'missing-key', 'AM_LOG'],
    ]);
    const packageWithoutSlash = sql`
      CREATE PACKAGE BODY AM_UTIL AS
        PROCEDURE P IS BEGIN NULL; END P;
      END AM_UTIL;
      ALTER TABLE AM_LOG ADD (NOTE VARCHAR2(10));
    `;
    assertFindings(check(packageWithoutSlash), [[1, 'unterminated-block', 'package body AM_UTIL 4']]);
  });

  it('ends blocks without BEGIN/END (type specs, call specs) at their ;, and a broken block at the next DDL', () => {
    const text = sql`
      CREATE OR REPLACE TYPE AM_ID_LIST AS TABLE OF NUMBER;
      INSERT INTO AM_LOG (ID) VALUES (1);
      CREATE OR REPLACE FUNCTION AM_HASH (S IN VARCHAR2) RETURN VARCHAR2
        AS LANGUAGE JAVA NAME 'Hash.of(java.lang.String) return java.lang.String';
      INSERT INTO AM_LOG (ID) VALUES (2);
      CREATE OR REPLACE TRIGGER AM_API_TRIGGER BEFORE INSERT ON AM_API FOR EACH ROW
      BEGIN
        :NEW.API_ID := 1;
      CREATE TABLE AM_API (API_ID INTEGER)
      /
    `;
    assertFindings(check(text), [
      [1, 'unterminated-block', 'type AM_ID_LIST 2'],
      [3, 'unterminated-block', 'function AM_HASH 5'],
      [6, 'unterminated-block', 'trigger AM_API_TRIGGER 9'],
      [9, 'missing-key', 'AM_API'],
    ]);
  });

  it('passes a compound trigger and a type body ended by / lines', () => {
    const text = sql`
      CREATE OR REPLACE TRIGGER AM_API_COMPOUND
        FOR UPDATE ON AM_API
        COMPOUND TRIGGER
          CHANGED NUMBER := 0;
        AFTER EACH ROW IS
        BEGIN
          CHANGED := CHANGED + 1;
        END AFTER EACH ROW;
        AFTER STATEMENT IS
        BEGIN
          IF CHANGED > 0 THEN
            UPDATE AM_API SET UPDATED_TIME = SYSTIMESTAMP WHERE UPDATED_TIME IS NULL;
          END IF;
        END AFTER STATEMENT;
      END AM_API_COMPOUND;
      /
      CREATE OR REPLACE TYPE BODY AM_POINT AS
        MEMBER FUNCTION NORM RETURN NUMBER IS
        BEGIN
          RETURN SQRT(X * X + Y * Y);
        END;
      END;
      /
      CREATE TABLE AM_API (API_ID INTEGER PRIMARY KEY, UPDATED_TIME TIMESTAMP)
      /
    `;
    assert.deepEqual(check(text), []);
  });
});

describe('sql-check rule: self-mutating-trigger', () => {
  it('flags DML on the trigger\'s own table in a FOR EACH ROW body or a compound EACH ROW section', () => {
    const text = sql`
      CREATE TABLE "AmApiComments" (ID INTEGER PRIMARY KEY, API_ID INTEGER)
      /
      CREATE OR REPLACE TRIGGER "AmApiComments_Trg"
        BEFORE INSERT ON WSO2AM."AmApiComments"
        FOR EACH ROW
      BEGIN
        delete from wso2am."AmApiComments" where API_ID = :NEW.API_ID;
      END;
      /
      CREATE OR REPLACE TRIGGER AM_API_COMPOUND
        FOR UPDATE ON AM_API
        COMPOUND TRIGGER
        BEFORE EACH ROW IS
        BEGIN
          MERGE INTO AM_API T USING dual ON (T.API_ID = :NEW.API_ID) WHEN MATCHED THEN UPDATE SET T.HITS = 0;
        END BEFORE EACH ROW;
      END;
      /
      CREATE TABLE AM_API (API_ID INTEGER PRIMARY KEY, HITS INTEGER)
      /
    `;
    assertFindings(check(text), [
      [7, 'self-mutating-trigger', '"AmApiComments_Trg" "AmApiComments" DELETE'],
      [15, 'self-mutating-trigger', 'AM_API_COMPOUND AM_API MERGE'],
    ]);
  });

  it('passes child-row deletes on other tables, statement-level DML, FOR UPDATE and collection DELETE', () => {
    const text = sql`
      CREATE TABLE AM_API (API_ID INTEGER PRIMARY KEY, HITS INTEGER)
      /
      CREATE OR REPLACE TRIGGER AM_API_DELETE_TRIGGER
        BEFORE DELETE ON AM_API
        FOR EACH ROW
      DECLARE
        TYPE ID_LIST IS TABLE OF INTEGER;
        IDS ID_LIST := ID_LIST();
        CURSOR API_ROWS IS SELECT API_ID FROM AM_API WHERE API_ID = :OLD.API_ID FOR UPDATE;
      BEGIN
        DELETE FROM AM_API_LC_EVENT WHERE API_ID = :OLD.API_ID;
        IDS.DELETE;
      END;
      /
      CREATE OR REPLACE TRIGGER AM_API_RESET
        AFTER INSERT ON AM_API
      BEGIN
        UPDATE AM_API SET HITS = 0 WHERE HITS IS NULL;
      END;
      /
    `;
    assert.deepEqual(check(text), []);
  });
});

describe('sql-check rule: dcid', () => {
  it('flags a token table without DCID, naming both the column and CON_APP_KEY', () => {
    const text = sql`
      CREATE TABLE IDN_OAUTH2_ACCESS_TOKEN (
        TOKEN_ID VARCHAR2(255) PRIMARY KEY,
        CONSUMER_KEY_ID INTEGER,
        AUTHZ_USER VARCHAR2(100),
        CONSTRAINT CON_APP_KEY UNIQUE (CONSUMER_KEY_ID, AUTHZ_USER)
      )
      /
    `;
    assertFindings(check(text), [
      [1, 'dcid', 'IDN_OAUTH2_ACCESS_TOKEN DCID'],
      [5, 'dcid', 'CON_APP_KEY IDN_OAUTH2_ACCESS_TOKEN DCID'],
    ]);
  });

  it('flags a missing CON_APP_KEY, and with --dc a DCID default of another DC', () => {
    const text = sql`
      CREATE TABLE IDN_OAUTH2_ACCESS_TOKEN (
        TOKEN_ID VARCHAR2(255) PRIMARY KEY,
        CONSUMER_KEY_ID INTEGER,
        DCID VARCHAR2(10) DEFAULT 'DC1' NOT NULL
      )
      /
    `;
    assertFindings(check(text), [[1, 'dcid', 'IDN_OAUTH2_ACCESS_TOKEN CON_APP_KEY']]);
    assertFindings(check(text, { dc: 'DC2' }), [
      [1, 'dcid', 'IDN_OAUTH2_ACCESS_TOKEN CON_APP_KEY'],
      [4, 'dcid', "DCID IDN_OAUTH2_ACCESS_TOKEN 'DC1' 'DC2'"],
    ]);
  });

  it('passes DCID in CON_APP_KEY with this DC\'s default, counting ALTER TABLE changes', () => {
    const text = sql`
      CREATE TABLE IDN_OAUTH2_ACCESS_TOKEN (
        TOKEN_ID VARCHAR2(255),
        CONSUMER_KEY_ID INTEGER,
        AUTHZ_USER VARCHAR2(100),
        PRIMARY KEY (TOKEN_ID)
      )
      /
      ALTER TABLE IDN_OAUTH2_ACCESS_TOKEN ADD (DCID VARCHAR2(10) DEFAULT 'DC1' NOT NULL);
      ALTER TABLE IDN_OAUTH2_ACCESS_TOKEN ADD CONSTRAINT CON_APP_KEY UNIQUE (CONSUMER_KEY_ID, AUTHZ_USER, DCID);
      ALTER TABLE IDN_OAUTH2_ACCESS_TOKEN MODIFY DCID DEFAULT 'DC2';
    `;
    assert.deepEqual(check(text), []);
    assert.deepEqual(check(text, { dc: 'DC2' }), []);
    assertFindings(check(text, { dc: 'DC3' }), [[10, 'dcid', "'DC2' 'DC3'"]]);
  });

  it('reads DEFAULT ON NULL, and tells DEFAULT NULL from no default', () => {
    const tokenTable = (dcid: string): string =>
      `CREATE TABLE IDN_OAUTH2_ACCESS_TOKEN (\n  TOKEN_ID VARCHAR2(255) PRIMARY KEY,\n  ${dcid},\n  CONSTRAINT CON_APP_KEY UNIQUE (TOKEN_ID, DCID)\n)\n/\n`;
    assert.deepEqual(check(tokenTable("DCID VARCHAR2(10) DEFAULT ON NULL 'DC2' NOT NULL"), { dc: 'DC2' }), []);
    assertFindings(check(tokenTable('DCID VARCHAR2(10) DEFAULT NULL NULL'), { dc: 'DC2' }), [[3, 'dcid', "defaults NULL; 'DC2'"]]);
    assertFindings(check(tokenTable('DCID VARCHAR2(10) NOT NULL'), { dc: 'DC2' }), [[3, 'dcid', "no default; 'DC2'"]]);
  });

  it('does not apply when the input does not create IDN_OAUTH2_ACCESS_TOKEN', () => {
    assert.deepEqual(check('CREATE TABLE AM_API (API_ID INTEGER PRIMARY KEY)\n/\n', { dc: 'DC2' }), []);
  });
});

describe('sql-check rule: sequence-stripe', () => {
  const sequences = sql`
    CREATE SEQUENCE AM_API_SEQUENCE START WITH 1 INCREMENT BY 1 NOCACHE
    /
    CREATE SEQUENCE AM_APPLICATION_SEQUENCE NOCACHE
    /
    CREATE SEQUENCE AM_POLICY_SEQUENCE START WITH 4 INCREMENT BY 2
    /
    create sequence am_subscriber_sequence increment by 2 start with 2;
    CREATE SEQUENCE AM_ALERT_SEQUENCE START WITH &START_VALUE INCREMENT BY 2;
  `;

  it('flags sequences off this DC\'s stripe, a missing START WITH or INCREMENT BY counting as 1', () => {
    assertFindings(check(sequences, { dc: 'DC2', dcs: 2 }), [
      [1, 'sequence-stripe', 'AM_API_SEQUENCE DC2'],
      [3, 'sequence-stripe', 'AM_APPLICATION_SEQUENCE DC2'],
      [8, 'sequence-stripe', 'AM_ALERT_SEQUENCE'],
    ]);
    assertFindings(check(sequences, { dc: 'DC1', dcs: 2 }), [
      [1, 'sequence-stripe', 'AM_API_SEQUENCE'],
      [3, 'sequence-stripe', 'AM_APPLICATION_SEQUENCE'],
      [5, 'sequence-stripe', 'AM_POLICY_SEQUENCE'],
      [7, 'sequence-stripe', 'AM_SUBSCRIBER_SEQUENCE'],
      [8, 'sequence-stripe', 'AM_ALERT_SEQUENCE'],
    ]);
  });

  it('uses --dc-index over the number in the DC id, and does nothing without --dcs', () => {
    const text = 'CREATE SEQUENCE AM_API_SEQUENCE START WITH 3 INCREMENT BY 3;\nCREATE SEQUENCE AM_APP_SEQUENCE START WITH 6 INCREMENT BY 3;\nCREATE SEQUENCE AM_SUB_SEQUENCE START WITH 1 INCREMENT BY 3;\n';
    assertFindings(check(text, { dc: 'US-WEST', dcs: 3, dcIndex: 3 }), [[3, 'sequence-stripe', 'AM_SUB_SEQUENCE US-WEST']]);
    assertFindings(check(text, { dc: 'DC1', dcs: 3 }), [
      [1, 'sequence-stripe', 'AM_API_SEQUENCE'],
      [2, 'sequence-stripe', 'AM_APP_SEQUENCE'],
    ]);
    assert.deepEqual(check(sequences, { dc: 'DC2' }), []);
    assert.deepEqual(check(sequences), []);
  });

  it('rejects options it cannot resolve', () => {
    const rejects = (options: CheckOptions, message: RegExp): void => {
      assert.throws(() => check('', options), (error: unknown) => error instanceof OptionsError && message.test(error.message));
    };
    rejects({ dcs: 2 }, /need --dc/);
    rejects({ dc: 'US-WEST', dcs: 2 }, /--dc-index/);
    rejects({ dc: 'DC3', dcs: 2 }, /between 1 and 2/);
    rejects({ dc: 'DC1', dcIndex: 1 }, /--dc-index needs --dcs/);
  });
});

describe('sql-check rule: trigger-sequence', () => {
  it('flags NEXTVAL from a sequence the input never creates, plain or schema-qualified', () => {
    const text = sql`
      CREATE SEQUENCE "AmApiSequence";
      CREATE OR REPLACE TRIGGER AM_API_TRIGGER BEFORE INSERT ON AM_API FOR EACH ROW
      BEGIN
        SELECT amapisequence.nextval INTO :NEW.API_ID FROM dual;
        :NEW.REVISION := WSO2AM.AM_REVISION_SEQUENCE.NEXTVAL;
      END;
      /
    `;
    assertFindings(check(text), [
      [4, 'trigger-sequence', 'AM_API_TRIGGER AMAPISEQUENCE'],
      [5, 'trigger-sequence', 'AM_API_TRIGGER AM_REVISION_SEQUENCE'],
    ]);
  });

  it('passes a sequence created in any file of the input, before or after the trigger', () => {
    const trigger = sql`
      CREATE OR REPLACE TRIGGER am_api_trigger before insert on am_api for each row
      begin
        select am_api_sequence.nextval into :new.api_id from dual;
        :new.revision := wso2am.am_revision_sequence.nextval;
      end;
      /
    `;
    const findings = checkScripts([
      { path: 'apimgt/a-triggers.sql', text: trigger },
      { path: 'apimgt/b-sequences.sql', text: 'CREATE SEQUENCE AM_API_SEQUENCE;\nCREATE SEQUENCE WSO2AM.AM_REVISION_SEQUENCE;\n' },
    ]);
    assert.deepEqual(findings, []);
  });
});

describe('sql-check findings and command line', () => {
  function runCli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
    const result = spawnSync(process.execPath, ['-r', 'sucrase/register/ts', CLI, ...args], { cwd: REPO, encoding: 'utf8' });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  it('sorts findings by file, then line, across the input', () => {
    const findings = checkScripts([
      { path: 'b.sql', text: 'CREATE TABLE B1 (ID INTEGER);\nCREATE TABLE B2 (ID INTEGER);\n' },
      { path: 'a.sql', text: 'CREATE TABLE A1 (ID INTEGER REFERENCES B1 (ID) ON DELETE CASCADE);\n' },
    ]);
    assert.deepEqual(
      findings.map((finding) => `${finding.file}:${finding.line}: ${finding.rule}`),
      ['a.sql:1: cascade', 'a.sql:1: missing-key', 'b.sql:1: missing-key', 'b.sql:2: missing-key'],
    );
  });

  it('exits 0 with only the summary on clean scripts', () => {
    const result = runCli(`${FIXTURES}/clean`, '--dc', 'DC2', '--dcs', '2');
    assert.equal(result.stderr, '');
    assert.equal(result.stdout, '0 findings in 2 files\n');
    assert.equal(result.status, 0);
  });

  it('exits 1 and prints file:line: rule: message for each finding, then the summary', () => {
    const result = runCli(`${FIXTURES}/defects`, '--dc=DC2', '--dcs=2');
    const tables = `${FIXTURES}/defects/apimgt/tables.sql`;
    const sequences = `${FIXTURES}/defects/apimgt/sequences.sql`;
    assert.equal(
      result.stdout,
      [
        `${sequences}:2: sequence-stripe: sequence AM_API_SEQUENCE has START WITH 1 INCREMENT BY 1; DC2 of 2 DCs needs INCREMENT BY 2 and a START WITH in 2, 4, 6, ...`,
        `${sequences}:19: trigger-sequence: trigger AM_API_LC_EVENT_TRIGGER takes NEXTVAL from sequence AM_API_LC_EVENT_SEQUENCE, which the input never creates`,
        `${tables}:14: cascade: foreign key on AM_API_LC_EVENT references AM_API with ON DELETE CASCADE; it fires again when the parent change replicates to the other DC; replace it with a trigger`,
        `${tables}:17: missing-key: table AM_API_COMMENTS has no primary key or unique constraint; GoldenGate needs one to match rows and detect conflicts`,
        `${tables}:28: self-mutating-trigger: row trigger AM_API_COMMENTS_AUDIT on AM_API_COMMENTS runs UPDATE on AM_API_COMMENTS; Oracle raises ORA-04091 (table is mutating) when it fires`,
        `${tables}:31: unterminated-block: trigger AM_API_DELETE_TRIGGER is not followed by a / line before the next statement on line 38; SQL*Plus will not run it`,
        `${tables}:45: dcid: DCID on IDN_OAUTH2_ACCESS_TOKEN defaults to 'DC1'; this DC needs DEFAULT 'DC2'`,
        '7 findings in 2 files',
        '',
      ].join('\n'),
    );
    assert.equal(result.status, 1);
  });

  it('exits 2 naming file and line when a script cannot be parsed', () => {
    const result = runCli(`${FIXTURES}/clean`, `${FIXTURES}/broken/unterminated-string.sql`);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr, `sql:check: ${FIXTURES}/broken/unterminated-string.sql:3: unterminated string literal\n`);
    assert.equal(result.status, 2);
  });

  it('exits 2 with the usage on bad arguments or unreadable inputs', () => {
    for (const args of [[], ['--dcs', '2', FIXTURES], ['--dc', 'DC2', '--dcs', 'two', FIXTURES], ['--verbose', FIXTURES]]) {
      const result = runCli(...args);
      assert.equal(result.status, 2, args.join(' '));
      assert.match(result.stderr, /^sql:check: .+\n\nusage: npm run sql:check -- <file or directory>\.\.\./, args.join(' '));
    }
    const missing = runCli(`${FIXTURES}/no-such-dir`);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /^sql:check: cannot read test\/fixtures\/sql-check\/no-such-dir: ENOENT/);
  });
});

describe('sql-check over the project\'s own sql/', () => {
  it('finds nothing in sql/**/*.sql with the plain rules', function () {
    const directory = path.join(REPO, 'sql');
    const files = fs.existsSync(directory) ? findSqlFiles(directory) : [];
    if (files.length === 0) {
      console.log('      (skipped: sql/ has no .sql files yet)');
      this.skip();
    }
    const findings = checkScripts(readInputs(files));
    assert.deepEqual(findings.map((finding) => `${path.relative(REPO, finding.file)}:${finding.line}: ${finding.rule}: ${finding.message}`), []);
  });
});
