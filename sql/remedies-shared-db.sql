WHENEVER SQLERROR EXIT FAILURE ROLLBACK
WHENEVER OSERROR EXIT FAILURE ROLLBACK
-- Remedies for the defects of WSO2's multi-DC SHARED_DB scripts. Run as the SHARED_DB owner right
-- after the pack's tables.sql and sequences.sql and before 03-per-dc.sql, on every boot of the
-- schema applier. Each block reads the data dictionary and acts only when its defect is there, so
-- a re-run, or a pack whose WSO2 updates fixed the defect, changes nothing.
--
-- Each block follows a "-- remedy: <id>" line. lib/pack/remedies.ts describes every defect and
-- the block that covers it; npm run pack:check reads and applies the DDL of this very file.
-- Our own SQL: nothing here is copied from the pack.
SET DEFINE ON
SET VERIFY OFF
SET ECHO OFF
SET FEEDBACK OFF
SET SERVEROUTPUT ON SIZE UNLIMITED

-- remedy: shared-hybrid-role-trigger
-- tables.sql ends with trigger TRG_DEL_HYBRID_ROLE and no / line: SQL*Plus keeps a PL/SQL unit in
-- its buffer until a / line runs it, so the trigger is never created. Without it, deleting a
-- hybrid role that still has members fails on UM_HYBRID_USER_ROLE's foreign key.
DECLARE
  v_tables   PLS_INTEGER;
  v_triggers PLS_INTEGER;
BEGIN
  SELECT COUNT(*) INTO v_tables FROM user_tables WHERE table_name IN ('UM_HYBRID_ROLE', 'UM_HYBRID_USER_ROLE');
  SELECT COUNT(*) INTO v_triggers FROM user_triggers WHERE trigger_name = 'TRG_DEL_HYBRID_ROLE';
  IF v_tables = 2 AND v_triggers = 0 THEN
    EXECUTE IMMEDIATE q'[CREATE TRIGGER TRG_DEL_HYBRID_ROLE
  BEFORE DELETE ON UM_HYBRID_ROLE
  FOR EACH ROW
BEGIN
  DELETE FROM UM_HYBRID_USER_ROLE
   WHERE UM_ROLE_ID = :OLD.UM_ID AND UM_TENANT_ID = :OLD.UM_TENANT_ID;
END;]';
    DBMS_OUTPUT.PUT_LINE('remedy shared-hybrid-role-trigger: created trigger TRG_DEL_HYBRID_ROLE');
  END IF;
END;
/
