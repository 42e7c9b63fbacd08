WHENEVER SQLERROR EXIT FAILURE ROLLBACK
WHENEVER OSERROR EXIT FAILURE ROLLBACK
-- Run after 04-verify.sql, as the GoldenGate administrator, on every boot of the schema applier
-- (docs/database.md, step 7): both WSO2 schemas are then complete and verified. RDS and
-- self-managed databases alike.
--
-- One exceptions table per table of the two WSO2 schemas, in the administrator's own schema, named
-- EX_<owner>_<table>: the Replicats' exceptions MAPs write there (lib/goldengate/names.ts,
-- exceptionsTable; docs/replication.md, Conflicts). Its own schema, so that no Extract captures
-- these tables (each names the WSO2 tables one by one) and no WSO2 schema check counts them.
--
-- Oracle's rules for an exceptions table (Administering Oracle GoldenGate 19c, "Configuring the
-- Oracle GoldenGate Parameter Files for Error Handling"):
--  - "At minimum, an exceptions table should contain the same columns as the target table": each is
--    created as the table's columns without its rows (CREATE TABLE ... AS SELECT ... WHERE 1 = 0);
--  - "Omit a primary key on this table if Replicat is to process UPDATE and DELETE conflicts": such
--    a copy has no key, no unique index, no trigger; of the constraints it carries only NOT NULL
--    (Oracle Database 19c SQL Language Reference, CREATE TABLE, AS subquery), which are dropped
--    here: a conflicting update or delete holds no unchanged LOB, and every record is inserted
--    (INSERTALLRECORDS) whatever it holds;
--  - the columns the exceptions MAP fills besides the row (EXCEPTION_CONTEXT in
--    lib/goldengate/parameter-files.ts, after Oracle's example in "Using EXCEPTIONSONLY").
--
-- Idempotent: an existing exceptions table keeps its rows. A column a WSO2 update added to a table
-- is added by re-creating the exceptions table when it is empty; one holding rows is kept as it is
-- (COLMAP USEDEFAULTS maps the columns both have) and named in the output.
SET DEFINE ON
SET VERIFY OFF
SET ECHO OFF
SET FEEDBACK OFF
SET SERVEROUTPUT ON SIZE UNLIMITED

DECLARE
  -- Oracle's longest identifier from 12.2 on (SQL Language Reference, Database Object Naming Rules).
  c_name_limit CONSTANT PLS_INTEGER := 128;
  v_created    PLS_INTEGER := 0;

  TYPE t_names IS TABLE OF VARCHAR2(128);
  -- Name and type of each context column, in the order of EXCEPTION_CONTEXT.
  c_context_names CONSTANT t_names := t_names('EXC_AT', 'EXC_REPLICAT', 'EXC_OPTYPE', 'EXC_DBERRNUM', 'EXC_DBERRMSG', 'EXC_COMMIT_TS');
  c_context_types CONSTANT t_names := t_names('DATE', 'VARCHAR2(8)', 'VARCHAR2(30)', 'NUMBER', 'VARCHAR2(4000)', 'VARCHAR2(32)');

  FUNCTION exists_table(p_table IN VARCHAR2) RETURN BOOLEAN IS
    v_count PLS_INTEGER;
  BEGIN
    SELECT COUNT(*) INTO v_count FROM user_tables WHERE table_name = p_table;
    RETURN v_count > 0;
  END exists_table;

  -- Columns of the WSO2 table that the exceptions table lacks.
  FUNCTION missing_columns(p_owner IN VARCHAR2, p_table IN VARCHAR2, p_exceptions IN VARCHAR2) RETURN VARCHAR2 IS
    v_missing VARCHAR2(4000);
  BEGIN
    SELECT LISTAGG(c.column_name, ', ') WITHIN GROUP (ORDER BY c.column_id) INTO v_missing
      FROM all_tab_columns c
     WHERE c.owner = p_owner AND c.table_name = p_table
       AND NOT EXISTS (SELECT 1 FROM user_tab_columns e WHERE e.table_name = p_exceptions AND e.column_name = c.column_name);
    RETURN v_missing;
  END missing_columns;

  PROCEDURE create_copy(p_owner IN VARCHAR2, p_table IN VARCHAR2, p_exceptions IN VARCHAR2) IS
  BEGIN
    EXECUTE IMMEDIATE 'CREATE TABLE ' || DBMS_ASSERT.ENQUOTE_NAME(p_exceptions, FALSE)
      || ' AS SELECT * FROM ' || DBMS_ASSERT.ENQUOTE_NAME(p_owner, FALSE) || '.' || DBMS_ASSERT.ENQUOTE_NAME(p_table, FALSE)
      || ' WHERE 1 = 0';
    v_created := v_created + 1;
  END create_copy;

  PROCEDURE ensure(p_owner IN VARCHAR2, p_table IN VARCHAR2) IS
    v_exceptions CONSTANT VARCHAR2(512) := 'EX_' || p_owner || '_' || p_table;
    v_quoted     VARCHAR2(520);
    v_missing    VARCHAR2(4000);
    v_rows       PLS_INTEGER;
    v_clash      PLS_INTEGER;
  BEGIN
    IF LENGTH(v_exceptions) > c_name_limit THEN
      RAISE_APPLICATION_ERROR(-20501, 'the exceptions table of ' || p_owner || '.' || p_table || ' would be named '
        || v_exceptions || ', longer than ' || c_name_limit || ' characters');
    END IF;
    FOR i IN 1 .. c_context_names.COUNT LOOP
      SELECT COUNT(*) INTO v_clash FROM all_tab_columns
       WHERE owner = p_owner AND table_name = p_table AND column_name = c_context_names(i);
      IF v_clash > 0 THEN
        RAISE_APPLICATION_ERROR(-20502, p_owner || '.' || p_table || ' has a column ' || c_context_names(i)
          || ', the name of a context column of its exceptions table');
      END IF;
    END LOOP;
    v_quoted := DBMS_ASSERT.ENQUOTE_NAME(v_exceptions, FALSE);

    IF NOT exists_table(v_exceptions) THEN
      create_copy(p_owner, p_table, v_exceptions);
    ELSE
      v_missing := missing_columns(p_owner, p_table, v_exceptions);
      IF v_missing IS NOT NULL THEN
        EXECUTE IMMEDIATE 'SELECT COUNT(*) FROM ' || v_quoted || ' WHERE ROWNUM = 1' INTO v_rows;
        IF v_rows = 0 THEN
          EXECUTE IMMEDIATE 'DROP TABLE ' || v_quoted || ' PURGE';
          create_copy(p_owner, p_table, v_exceptions);
        ELSE
          DBMS_OUTPUT.PUT_LINE('NOTE: ' || v_exceptions || ' holds rows and lacks ' || v_missing
            || ' of ' || p_owner || '.' || p_table || ': kept as it is; empty it to have it re-created');
        END IF;
      END IF;
    END IF;

    FOR i IN 1 .. c_context_names.COUNT LOOP
      SELECT COUNT(*) INTO v_clash FROM user_tab_columns WHERE table_name = v_exceptions AND column_name = c_context_names(i);
      IF v_clash = 0 THEN
        EXECUTE IMMEDIATE 'ALTER TABLE ' || v_quoted || ' ADD (' || c_context_names(i) || ' ' || c_context_types(i) || ')';
      END IF;
    END LOOP;

    FOR c IN (SELECT column_name FROM user_tab_columns WHERE table_name = v_exceptions AND nullable = 'N') LOOP
      EXECUTE IMMEDIATE 'ALTER TABLE ' || v_quoted || ' MODIFY (' || DBMS_ASSERT.ENQUOTE_NAME(c.column_name, FALSE) || ' NULL)';
    END LOOP;
  END ensure;
BEGIN
  -- Every table GoldenGate could replicate: not temporary, not a nested table, no IOT overflow
  -- segment, not in the recycle bin.
  FOR t IN (SELECT owner, table_name FROM all_tables
             WHERE owner IN (UPPER('&am_db_user'), UPPER('&shared_db_user'))
               AND temporary = 'N' AND nested = 'NO' AND secondary = 'N' AND dropped = 'NO'
               AND (iot_type IS NULL OR iot_type = 'IOT')
             ORDER BY owner, table_name) LOOP
    ensure(t.owner, t.table_name);
  END LOOP;
  DBMS_OUTPUT.PUT_LINE('exceptions tables: ' || v_created || ' created');
END;
/

-- The purge (docs/replication.md § Exceptions tables: purge and volume). Every conflict lands a row
-- here, resolved or not, including every DELETEROWMISSING of WSO2's own cleanups, so without a
-- purge the exceptions tables grow for good. A Scheduler job in this user's own schema deletes,
-- once a day, the rows older than the retention (exceptions_retention_days, from
-- goldengateExceptionsRetentionDays) by EXC_AT (when the Replicat wrote
-- them), one table and one commit at a time. The job is re-created at a run that would create it
-- differently (below), so a changed retention takes effect at node 1's next boot or hook run. Creating a job in one's own schema
-- takes CREATE JOB (Oracle Database Administrator's Guide 19c, "Scheduler Privileges"), which
-- 01-users.sql grants this user for the heartbeat's jobs; DBMS_SCHEDULER.CREATE_JOB with job_type
-- 'PLSQL_BLOCK' and a calendar repeat_interval (Oracle Database PL/SQL Packages and Types
-- Reference 19c, DBMS_SCHEDULER, CREATE_JOB Procedure; "Calendaring Syntax").
--
-- One clock, UTC, on both sides. EXC_AT is @DATENOW () on the hub: "The date and time are returned
-- in local time" (Oracle GoldenGate Reference, @DATENOW), and the hub runs GGSCI, so the Manager it
-- starts and the Replicats the Manager starts, with TZ=UTC (env TZ=UTC in
-- lib/goldengate/scripts/hub-boot.sh; the unit's Environment, lib/goldengate/hub-user-data.ts). The job compares it with
-- SYS_EXTRACT_UTC(SYSTIMESTAMP), the database's clock in UTC whatever the database host's time zone
-- (SQL Language Reference 19c, SYS_EXTRACT_UTC, SYSTIMESTAMP), never SYSDATE (the host's local time).
-- The calendar takes its time zone from start_date, and from the Scheduler's DEFAULT_TIMEZONE
-- when start_date is NULL (PL/SQL Packages and Types Reference 19c, DBMS_SCHEDULER, Calendaring
-- Syntax): start_date is now in UTC, so BYHOUR=3;BYMINUTE=30 is 03:30 UTC.
--
-- Each run records its outcome in PURGE_EXCEPTIONS_RUNS (RUN_AT in UTC, SUCCEEDED or FAILED with
-- SQLERRM; a failed run still fails as a job, RAISE). The divergence run reads the latest row in
-- every DC and publishes ExceptionsPurgeFailures (1 when it FAILED or is older than the job's
-- period and a margin; docs/operations.md § Exceptions purge). A table, not a view over
-- USER_SCHEDULER_JOB_RUN_DETAILS: granting SELECT on a view to another user takes the base
-- objects' privileges WITH GRANT OPTION (Database Security Guide 19c, View Privileges; ORA-01720),
-- which PUBLIC's SELECT on the dictionary views does not carry, and a USER_ view answers for the
-- session's user, not the view's owner. Its name does not start with EX_: neither the purge nor
-- ExceptionRows counts it.
DECLARE
  c_job    CONSTANT VARCHAR2(30) := 'PURGE_EXCEPTIONS';
  c_runs   CONSTANT VARCHAR2(30) := 'PURGE_EXCEPTIONS_RUNS';
  c_repeat CONSTANT VARCHAR2(100) := 'FREQ=DAILY;BYHOUR=3;BYMINUTE=30';
  c_action CONSTANT VARCHAR2(4000) := q'[DECLARE
  v_error VARCHAR2(4000);
BEGIN
  FOR t IN (SELECT e.table_name FROM user_tables e JOIN user_tab_columns c ON c.table_name = e.table_name AND c.column_name = 'EXC_AT'
             WHERE e.table_name LIKE 'EX\_%' ESCAPE '\') LOOP
    EXECUTE IMMEDIATE 'DELETE FROM ' || DBMS_ASSERT.ENQUOTE_NAME(t.table_name, FALSE) || ' WHERE EXC_AT < CAST(SYS_EXTRACT_UTC(SYSTIMESTAMP) AS DATE) - &exceptions_retention_days';
    COMMIT;
  END LOOP;
  DELETE FROM PURGE_EXCEPTIONS_RUNS WHERE RUN_AT < CAST(SYS_EXTRACT_UTC(SYSTIMESTAMP) AS DATE) - &exceptions_retention_days;
  INSERT INTO PURGE_EXCEPTIONS_RUNS (RUN_AT, STATUS) VALUES (CAST(SYS_EXTRACT_UTC(SYSTIMESTAMP) AS DATE), 'SUCCEEDED');
  COMMIT;
EXCEPTION
  WHEN OTHERS THEN
    ROLLBACK;
    v_error := SUBSTR(SQLERRM, 1, 4000);
    INSERT INTO PURGE_EXCEPTIONS_RUNS (RUN_AT, STATUS, ERROR) VALUES (CAST(SYS_EXTRACT_UTC(SYSTIMESTAMP) AS DATE), 'FAILED', v_error);
    COMMIT;
    RAISE;
END;]';
  v_granted PLS_INTEGER := 0;
  v_count   PLS_INTEGER;
  v_same    BOOLEAN := FALSE;
  v_enabled VARCHAR2(5);
BEGIN
  SELECT COUNT(*) INTO v_count FROM user_tables WHERE table_name = c_runs;
  IF v_count = 0 THEN
    EXECUTE IMMEDIATE 'CREATE TABLE ' || c_runs || ' (RUN_AT DATE NOT NULL, STATUS VARCHAR2(9) NOT NULL, ERROR VARCHAR2(4000))';
  END IF;
  -- A first row, so that a job that never runs shows as one whose last run is too old.
  EXECUTE IMMEDIATE 'SELECT COUNT(*) FROM ' || c_runs INTO v_count;
  IF v_count = 0 THEN
    EXECUTE IMMEDIATE 'INSERT INTO ' || c_runs || ' (RUN_AT, STATUS) VALUES (CAST(SYS_EXTRACT_UTC(SYSTIMESTAMP) AS DATE), ''CREATED'')';
    COMMIT;
  END IF;
  -- The job as it stands (USER_SCHEDULER_JOBS: JOB_TYPE, JOB_ACTION VARCHAR2(4000), START_DATE
  -- TIMESTAMP WITH TIME ZONE, REPEAT_INTERVAL, ENABLED; Oracle Database Reference 19c). Left as it
  -- is when it is what this run would create: node 1 runs this script at every boot and hook run,
  -- maybe at 03:30 UTC, and DROP_JOB with force => TRUE stops a running job before dropping it
  -- (without force, ORA-27478 "job is running"; PL/SQL Packages and Types Reference 19c,
  -- DBMS_SCHEDULER, DROP_JOB). Dropped and re-created only when it differs: a new retention (in the
  -- action), a new calendar, or a start_date from before the calendar was UTC.
  FOR j IN (SELECT job_type, job_action, repeat_interval, TO_CHAR(start_date, 'TZR') AS start_zone, enabled
              FROM user_scheduler_jobs WHERE job_name = c_job) LOOP
    -- CASE: a NULL column makes the comparison unknown, which counts as different.
    v_same := CASE WHEN j.job_type = 'PLSQL_BLOCK' AND j.job_action = c_action AND j.repeat_interval = c_repeat
                        AND j.start_zone IN ('UTC', '+00:00') THEN TRUE ELSE FALSE END;
    v_enabled := j.enabled;
    IF NOT v_same THEN
      DBMS_SCHEDULER.DROP_JOB(job_name => c_job, force => TRUE);
    END IF;
  END LOOP;
  IF v_same THEN
    -- Unchanged; a disabled one is enabled again, as a re-created one would be (ENABLE does not stop a run).
    IF v_enabled = 'FALSE' THEN
      DBMS_SCHEDULER.ENABLE(c_job);
    END IF;
  ELSE
    DBMS_SCHEDULER.CREATE_JOB(
      job_name        => c_job,
      job_type        => 'PLSQL_BLOCK',
      job_action      => c_action,
      start_date      => SYSTIMESTAMP AT TIME ZONE 'UTC',
      repeat_interval => c_repeat,
      enabled         => TRUE,
      comments        => 'Deletes exceptions rows older than &exceptions_retention_days days (wso2-apim-multi-dc)');
  END IF;
  FOR t IN (SELECT table_name FROM user_tables WHERE table_name LIKE 'EX\_%' ESCAPE '\' OR table_name = c_runs) LOOP
    EXECUTE IMMEDIATE 'GRANT SELECT ON ' || DBMS_ASSERT.ENQUOTE_NAME(t.table_name, FALSE) || ' TO ' || DBMS_ASSERT.ENQUOTE_NAME(UPPER('&checker_user'), FALSE);
    v_granted := v_granted + 1;
  END LOOP;
  DBMS_OUTPUT.PUT_LINE('exceptions purge: job ' || c_job || CASE WHEN v_same THEN ' unchanged' ELSE ' (re)created' END
    || ', daily at 03:30 UTC, rows older than &exceptions_retention_days days; SELECT on '
    || v_granted || ' tables (exceptions and ' || c_runs || ') to ' || UPPER('&checker_user'));
END;
/
