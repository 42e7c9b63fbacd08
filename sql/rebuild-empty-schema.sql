WHENEVER SQLERROR EXIT FAILURE ROLLBACK
WHENEVER OSERROR EXIT FAILURE ROLLBACK
-- Drops every object of a partially built schema that holds no WSO2 data, so that the pack's
-- scripts can run into it again. Run as the schema owner, by the schema applier only, when the
-- boot found the schema partial: an earlier boot stopped while the pack's scripts ran (Oracle
-- commits every DDL statement, so what ran stays: Oracle Database 19c SQL Language Reference,
-- "Types of SQL Statements": DDL statements commit implicitly) or after them with objects missing.
--
-- "WSO2 data": any row in any table of the schema beyond the rows the pack's scripts insert. The
-- hook counts those per table from the scripts' INSERT INTO statements and passes them as
-- pack_rows (',TABLE:count,...,'); a table holding more rows than that holds WSO2 data (or
-- replicated data), and then nothing is dropped: the script fails naming every such table. WSO2
-- never started on this schema (the boot stops before it while a schema is not complete), so a
-- partial schema normally holds at most the pack's own rows.
-- Our own SQL.
SET DEFINE ON
SET VERIFY OFF
SET ECHO OFF
SET FEEDBACK OFF
SET SERVEROUTPUT ON SIZE UNLIMITED

DECLARE
  c_pack_rows CONSTANT VARCHAR2(4000) := '&pack_rows';
  v_rows    NUMBER;
  v_allowed NUMBER;
  v_at      PLS_INTEGER;
  v_kept    VARCHAR2(32767);
  v_dropped PLS_INTEGER := 0;
BEGIN
  FOR t IN (SELECT table_name FROM user_tables WHERE dropped = 'NO' AND nested = 'NO' ORDER BY table_name) LOOP
    v_at := INSTR(c_pack_rows, ',' || t.table_name || ':');
    v_allowed := 0;
    IF v_at > 0 THEN
      v_at := v_at + LENGTH(t.table_name) + 2;
      v_allowed := TO_NUMBER(SUBSTR(c_pack_rows, v_at, INSTR(c_pack_rows, ',', v_at) - v_at));
    END IF;
    -- Counting stops just above what is allowed: a large table is not read in full.
    EXECUTE IMMEDIATE 'SELECT COUNT(*) FROM ' || DBMS_ASSERT.ENQUOTE_NAME(t.table_name, FALSE) || ' WHERE ROWNUM <= :n'
      INTO v_rows USING v_allowed + 1;
    IF v_rows > v_allowed THEN
      v_kept := v_kept || ' ' || t.table_name || ' (more than ' || v_allowed || ' rows)';
    END IF;
  END LOOP;
  IF v_kept IS NOT NULL THEN
    RAISE_APPLICATION_ERROR(-20401, 'schema ' || USER || ' holds WSO2 data, so it is never dropped:' || SUBSTR(v_kept, 1, 1500));
  END IF;

  -- Tables first (their triggers, indexes and constraints go with them), then everything else.
  FOR t IN (SELECT table_name FROM user_tables
             WHERE dropped = 'NO' AND nested = 'NO' AND (iot_type IS NULL OR iot_type = 'IOT')) LOOP
    EXECUTE IMMEDIATE 'DROP TABLE ' || DBMS_ASSERT.ENQUOTE_NAME(t.table_name, FALSE) || ' CASCADE CONSTRAINTS PURGE';
    v_dropped := v_dropped + 1;
  END LOOP;
  FOR o IN (SELECT object_type, object_name
              FROM user_objects
             WHERE object_type IN ('SEQUENCE', 'TRIGGER', 'VIEW', 'PROCEDURE', 'FUNCTION', 'PACKAGE', 'TYPE', 'SYNONYM')
               AND object_name NOT LIKE 'BIN$%'
             ORDER BY DECODE(object_type, 'TYPE', 2, 1), object_name) LOOP
    EXECUTE IMMEDIATE 'DROP ' || o.object_type || ' ' || DBMS_ASSERT.ENQUOTE_NAME(o.object_name, FALSE)
      || CASE o.object_type WHEN 'TYPE' THEN ' FORCE' END;
    v_dropped := v_dropped + 1;
  END LOOP;
  DBMS_OUTPUT.PUT_LINE('REBUILD: dropped ' || v_dropped || ' object(s) of ' || USER || ', which held no WSO2 data');
END;
/
