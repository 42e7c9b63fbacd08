/**
 * Throughput of the sql:check library on a generated multi-DC script set.
 *
 *   node -r sucrase/register/ts tools/bench/sql-check-bench.ts [megabytes]
 *
 * Writes at least 50 MB (default 64) of WSO2-style Oracle scripts into a temporary directory:
 * tables with keys, foreign keys and string defaults, sequences with insert triggers, delete
 * triggers standing in for cascades, packages, seed rows whose strings hold `;`, `/` and
 * `ON DELETE CASCADE`, and comments. It then reads them back and times `checkScripts` alone.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { checkScripts, type ScriptFile } from '../sql-check/check';

const MINIMUM_MEGABYTES = 50;
const FILE_BYTES = 1_000_000;
const RUNS = 3;

/** One table's worth of DDL, triggers and seed data; `n` keeps every name unique. */
function moduleScript(n: number): string {
  const table = `AM_BENCH_${n}`;
  const child = `AM_BENCH_${n}_EVENT`;
  const seedRows = Array.from({ length: 12 }, (_, row) =>
    `INSERT INTO ${table} (NAME, DESCRIPTION, CONTEXT) VALUES ('api-${n}-${row}', 'uses ; and / and ON DELETE CASCADE in text', q'[/context/${row}; it's fine]');`,
  ).join('\n');
  return `-- ${table}: generated for the sql:check benchmark; ON DELETE CASCADE in a comment is not code.
CREATE TABLE ${table} (
    ID INTEGER,
    NAME VARCHAR2(256) NOT NULL,
    DESCRIPTION VARCHAR2(1024) DEFAULT 'none; really / none',
    CONTEXT VARCHAR2(256),
    "CreatedBy" VARCHAR2(100) DEFAULT 'admin',
    CREATED_TIME TIMESTAMP DEFAULT SYSTIMESTAMP,
    PRIMARY KEY (ID),
    CONSTRAINT ${table}_NAME UNIQUE (NAME)
)
/
create table ${child.toLowerCase()} (
    event_id integer,
    api_id integer not null,
    new_state varchar2(50) not null,
    constraint ${child.toLowerCase()}_fk foreign key (api_id) references ${table.toLowerCase()} (id),
    primary key (event_id)
);
/* Multi-DC: DC1 of 2 takes odd values.
   /
   A slash line inside a comment ends nothing. */
CREATE SEQUENCE ${table}_SEQ START WITH 1 INCREMENT BY 2 NOCACHE
/
CREATE SEQUENCE ${child}_SEQ START WITH 1 INCREMENT BY 2 NOCACHE
/
CREATE OR REPLACE TRIGGER ${table}_TRIGGER
    BEFORE INSERT
    ON ${table}
    REFERENCING NEW AS NEW
    FOR EACH ROW
BEGIN
    SELECT ${table}_SEQ.nextval INTO :NEW.ID FROM dual;
END;
/
CREATE OR REPLACE TRIGGER ${child}_TRIGGER
    BEFORE INSERT ON ${child} REFERENCING NEW AS NEW FOR EACH ROW
BEGIN
    :NEW.EVENT_ID := ${child}_SEQ.NEXTVAL;
END;
/
CREATE OR REPLACE TRIGGER ${table}_DELETE
    BEFORE DELETE ON ${table}
    FOR EACH ROW
DECLARE
    REMOVED NUMBER := 0;
BEGIN
    DELETE FROM ${child} WHERE API_ID = :OLD.ID;
    REMOVED := SQL%ROWCOUNT / 1;
    IF REMOVED > 0 THEN
        NULL;
    END IF;
END;
/
CREATE OR REPLACE PACKAGE BODY ${table}_UTIL AS
    FUNCTION RATIO (A IN NUMBER, B IN NUMBER) RETURN NUMBER IS
    BEGIN
        RETURN CASE WHEN B = 0 THEN 0 ELSE A / B END;
    END RATIO;
    PROCEDURE PURGE (DAYS IN NUMBER) IS
    BEGIN
        FOR R IN (SELECT EVENT_ID FROM ${child} WHERE 1 = 1) LOOP
            DELETE FROM ${child} WHERE EVENT_ID = R.EVENT_ID;
        END LOOP;
    END PURGE;
END ${table}_UTIL;
/
${seedRows}
`;
}

function generate(directory: string, megabytes: number): number {
  let written = 0;
  let n = 0;
  for (let file = 0; written < megabytes * 1_000_000; file++) {
    const parts: string[] = [];
    let size = 0;
    while (size < FILE_BYTES) {
      const script = moduleScript(n++);
      parts.push(script);
      size += script.length;
    }
    const text = parts.join('');
    fs.writeFileSync(path.join(directory, `${String(file).padStart(4, '0')}-module.sql`), text);
    written += Buffer.byteLength(text);
  }
  return written;
}

function main(): void {
  const megabytes = Math.max(MINIMUM_MEGABYTES, Number(process.argv[2] ?? 64));
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'sql-check-bench-'));
  try {
    const bytes = generate(directory, megabytes);
    const files: ScriptFile[] = fs
      .readdirSync(directory)
      .sort()
      .map((name) => ({ path: path.join(directory, name), text: fs.readFileSync(path.join(directory, name), 'utf8') }));
    const mb = bytes / 1_000_000;
    console.log(`input: ${files.length} files, ${mb.toFixed(1)} MB in ${directory}`);
    const rates: number[] = [];
    for (let run = 1; run <= RUNS; run++) {
      const started = performance.now();
      const findings = checkScripts(files, { dc: 'DC1', dcs: 2 });
      const seconds = (performance.now() - started) / 1000;
      rates.push(mb / seconds);
      console.log(`run ${run}: ${seconds.toFixed(2)} s, ${(mb / seconds).toFixed(1)} MB/s, ${findings.length} findings`);
    }
    rates.sort((a, b) => a - b);
    console.log(`median: ${rates[Math.floor(rates.length / 2)].toFixed(1)} MB/s (node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'})`);
  } finally {
    fs.rmSync(directory, { recursive: true, force: true });
  }
}

main();
