WHENEVER SQLERROR EXIT FAILURE ROLLBACK
WHENEVER OSERROR EXIT FAILURE ROLLBACK
-- Remedies for the defects of WSO2's multi-DC AM_DB scripts. Run as the AM_DB owner right after
-- the pack's apimgt/tables.sql and apimgt/sequences.sql and before 03-per-dc.sql, on every boot of
-- the schema applier. Each block reads the data dictionary and acts only when its defect is there,
-- so a re-run, or a pack whose WSO2 updates fixed the defect, changes nothing.
--
-- Each block follows a "-- remedy: <id>" line. lib/pack/remedies.ts describes every defect and
-- the block that covers it; npm run pack:check reads and applies the DDL of this very file.
-- Our own SQL: nothing here is copied from the pack.
--
-- Keys for keyless tables: a surrogate ID column filled from a sequence by a BEFORE INSERT
-- trigger, then a primary key on it (docs/database.md says why). The sequence starts on this DC's
-- stripe and 03-per-dc.sql keeps it there, so IDs made in two DCs never collide. The trigger
-- fills ID only when the insert leaves it empty: rows applied by GoldenGate keep the ID of the DC
-- that made them. A table named in goldengateKeyColumns (keycols_tables) is left as it is:
-- GoldenGate then uses those KEYCOLS and 04-verify.sql accepts the table.
SET DEFINE ON
SET VERIFY OFF
SET ECHO OFF
SET FEEDBACK OFF
SET SERVEROUTPUT ON SIZE UNLIMITED

-- An ALTER TABLE waits this long for WSO2 sessions holding the table instead of failing at once
-- with ORA-00054.
ALTER SESSION SET DDL_LOCK_TIMEOUT = 60;

-- remedy: am-ciba-auth-code-trigger
-- TRG_DEL_IDN_CIBA_AUTH, a row trigger on IDN_OAUTH2_CIBA_AUTH_CODE, deletes from its own table:
-- ORA-04091 (table is mutating) whenever a CIBA code is deleted, so deleting an application with
-- CIBA codes fails. It is meant to delete the code's requested scopes, the child rows that
-- IDN_OAUTH2_CIBA_REQUEST_SCOPES keeps under a foreign key: the replacement does that.
DECLARE
  v_body     VARCHAR2(32767);
  v_children PLS_INTEGER;
BEGIN
  FOR t IN (SELECT trigger_body
              FROM user_triggers
             WHERE trigger_name = 'TRG_DEL_IDN_CIBA_AUTH' AND table_name = 'IDN_OAUTH2_CIBA_AUTH_CODE') LOOP
    -- TRIGGER_BODY is a LONG: PL/SQL reads it into a VARCHAR2 (up to 32760 bytes).
    v_body := t.trigger_body;
    IF REGEXP_LIKE(v_body, 'DELETE\s+(FROM\s+)?("?\w+"?\.)?"?IDN_OAUTH2_CIBA_AUTH_CODE([^A-Z0-9_$#]|$)', 'i') THEN
      SELECT COUNT(*) INTO v_children FROM user_tables WHERE table_name = 'IDN_OAUTH2_CIBA_REQUEST_SCOPES';
      IF v_children = 0 THEN
        RAISE_APPLICATION_ERROR(-20301, 'trigger TRG_DEL_IDN_CIBA_AUTH deletes from its own table IDN_OAUTH2_CIBA_AUTH_CODE'
          || ' (ORA-04091 when it fires) and IDN_OAUTH2_CIBA_REQUEST_SCOPES, whose rows it should delete, is missing');
      END IF;
      EXECUTE IMMEDIATE q'[CREATE OR REPLACE TRIGGER TRG_DEL_IDN_CIBA_AUTH
  BEFORE DELETE ON IDN_OAUTH2_CIBA_AUTH_CODE
  FOR EACH ROW
BEGIN
  DELETE FROM IDN_OAUTH2_CIBA_REQUEST_SCOPES WHERE AUTH_CODE_KEY = :OLD.AUTH_CODE_KEY;
END;]';
      DBMS_OUTPUT.PUT_LINE('remedy am-ciba-auth-code-trigger: TRG_DEL_IDN_CIBA_AUTH now deletes the code''s IDN_OAUTH2_CIBA_REQUEST_SCOPES rows');
    END IF;
  END LOOP;
END;
/

-- remedy: am-access-token-audit-key
-- IDN_OAUTH2_ACCESS_TOKEN_AUDIT has no primary or unique key; no set of its columns is unique.
DECLARE
  v_tables    PLS_INTEGER;
  v_keys      PLS_INTEGER;
  v_columns   PLS_INTEGER;
  v_sequences PLS_INTEGER;
BEGIN
  SELECT COUNT(*) INTO v_tables FROM user_tables WHERE table_name = 'IDN_OAUTH2_ACCESS_TOKEN_AUDIT';
  SELECT COUNT(*) INTO v_keys
    FROM user_constraints
   WHERE table_name = 'IDN_OAUTH2_ACCESS_TOKEN_AUDIT' AND constraint_type IN ('P', 'U') AND status = 'ENABLED';
  IF v_tables = 1 AND v_keys = 0 AND INSTR('&keycols_tables', ',' || USER || '.IDN_OAUTH2_ACCESS_TOKEN_AUDIT,') = 0 THEN
    SELECT COUNT(*) INTO v_columns FROM user_tab_columns WHERE table_name = 'IDN_OAUTH2_ACCESS_TOKEN_AUDIT' AND column_name = 'ID';
    IF v_columns = 0 THEN
      EXECUTE IMMEDIATE q'[ALTER TABLE IDN_OAUTH2_ACCESS_TOKEN_AUDIT ADD (ID NUMBER(19))]';
    END IF;
    SELECT COUNT(*) INTO v_sequences FROM user_sequences WHERE sequence_name = 'MDC_TOKEN_AUDIT_SEQ';
    IF v_sequences = 0 THEN
      EXECUTE IMMEDIATE q'[CREATE SEQUENCE MDC_TOKEN_AUDIT_SEQ START WITH &dc_index INCREMENT BY &dc_count NOCACHE]';
    END IF;
    EXECUTE IMMEDIATE q'[CREATE OR REPLACE TRIGGER MDC_TOKEN_AUDIT_ID
  BEFORE INSERT ON IDN_OAUTH2_ACCESS_TOKEN_AUDIT
  FOR EACH ROW
  WHEN (NEW.ID IS NULL)
BEGIN
  :NEW.ID := MDC_TOKEN_AUDIT_SEQ.NEXTVAL;
END;]';
    -- Rows written before the key existed (a schema from an earlier boot) get an ID too.
    EXECUTE IMMEDIATE q'[UPDATE IDN_OAUTH2_ACCESS_TOKEN_AUDIT SET ID = MDC_TOKEN_AUDIT_SEQ.NEXTVAL WHERE ID IS NULL]';
    COMMIT;
    EXECUTE IMMEDIATE q'[ALTER TABLE IDN_OAUTH2_ACCESS_TOKEN_AUDIT ADD CONSTRAINT MDC_TOKEN_AUDIT_PK PRIMARY KEY (ID)]';
    DBMS_OUTPUT.PUT_LINE('remedy am-access-token-audit-key: IDN_OAUTH2_ACCESS_TOKEN_AUDIT now has primary key MDC_TOKEN_AUDIT_PK on ID');
  END IF;
END;
/

-- remedy: am-scope-binding-key
-- IDN_OAUTH2_SCOPE_BINDING has no primary or unique key.
DECLARE
  v_tables    PLS_INTEGER;
  v_keys      PLS_INTEGER;
  v_columns   PLS_INTEGER;
  v_sequences PLS_INTEGER;
BEGIN
  SELECT COUNT(*) INTO v_tables FROM user_tables WHERE table_name = 'IDN_OAUTH2_SCOPE_BINDING';
  SELECT COUNT(*) INTO v_keys
    FROM user_constraints
   WHERE table_name = 'IDN_OAUTH2_SCOPE_BINDING' AND constraint_type IN ('P', 'U') AND status = 'ENABLED';
  IF v_tables = 1 AND v_keys = 0 AND INSTR('&keycols_tables', ',' || USER || '.IDN_OAUTH2_SCOPE_BINDING,') = 0 THEN
    SELECT COUNT(*) INTO v_columns FROM user_tab_columns WHERE table_name = 'IDN_OAUTH2_SCOPE_BINDING' AND column_name = 'ID';
    IF v_columns = 0 THEN
      EXECUTE IMMEDIATE q'[ALTER TABLE IDN_OAUTH2_SCOPE_BINDING ADD (ID NUMBER(19))]';
    END IF;
    SELECT COUNT(*) INTO v_sequences FROM user_sequences WHERE sequence_name = 'MDC_SCOPE_BINDING_SEQ';
    IF v_sequences = 0 THEN
      EXECUTE IMMEDIATE q'[CREATE SEQUENCE MDC_SCOPE_BINDING_SEQ START WITH &dc_index INCREMENT BY &dc_count NOCACHE]';
    END IF;
    EXECUTE IMMEDIATE q'[CREATE OR REPLACE TRIGGER MDC_SCOPE_BINDING_ID
  BEFORE INSERT ON IDN_OAUTH2_SCOPE_BINDING
  FOR EACH ROW
  WHEN (NEW.ID IS NULL)
BEGIN
  :NEW.ID := MDC_SCOPE_BINDING_SEQ.NEXTVAL;
END;]';
    -- Rows written before the key existed (a schema from an earlier boot) get an ID too.
    EXECUTE IMMEDIATE q'[UPDATE IDN_OAUTH2_SCOPE_BINDING SET ID = MDC_SCOPE_BINDING_SEQ.NEXTVAL WHERE ID IS NULL]';
    COMMIT;
    EXECUTE IMMEDIATE q'[ALTER TABLE IDN_OAUTH2_SCOPE_BINDING ADD CONSTRAINT MDC_SCOPE_BINDING_PK PRIMARY KEY (ID)]';
    DBMS_OUTPUT.PUT_LINE('remedy am-scope-binding-key: IDN_OAUTH2_SCOPE_BINDING now has primary key MDC_SCOPE_BINDING_PK on ID');
  END IF;
END;
/

-- remedy: am-ciba-request-scopes-key
-- IDN_OAUTH2_CIBA_REQUEST_SCOPES has no primary or unique key; its columns may be null.
DECLARE
  v_tables    PLS_INTEGER;
  v_keys      PLS_INTEGER;
  v_columns   PLS_INTEGER;
  v_sequences PLS_INTEGER;
BEGIN
  SELECT COUNT(*) INTO v_tables FROM user_tables WHERE table_name = 'IDN_OAUTH2_CIBA_REQUEST_SCOPES';
  SELECT COUNT(*) INTO v_keys
    FROM user_constraints
   WHERE table_name = 'IDN_OAUTH2_CIBA_REQUEST_SCOPES' AND constraint_type IN ('P', 'U') AND status = 'ENABLED';
  IF v_tables = 1 AND v_keys = 0 AND INSTR('&keycols_tables', ',' || USER || '.IDN_OAUTH2_CIBA_REQUEST_SCOPES,') = 0 THEN
    SELECT COUNT(*) INTO v_columns FROM user_tab_columns WHERE table_name = 'IDN_OAUTH2_CIBA_REQUEST_SCOPES' AND column_name = 'ID';
    IF v_columns = 0 THEN
      EXECUTE IMMEDIATE q'[ALTER TABLE IDN_OAUTH2_CIBA_REQUEST_SCOPES ADD (ID NUMBER(19))]';
    END IF;
    SELECT COUNT(*) INTO v_sequences FROM user_sequences WHERE sequence_name = 'MDC_CIBA_SCOPES_SEQ';
    IF v_sequences = 0 THEN
      EXECUTE IMMEDIATE q'[CREATE SEQUENCE MDC_CIBA_SCOPES_SEQ START WITH &dc_index INCREMENT BY &dc_count NOCACHE]';
    END IF;
    EXECUTE IMMEDIATE q'[CREATE OR REPLACE TRIGGER MDC_CIBA_SCOPES_ID
  BEFORE INSERT ON IDN_OAUTH2_CIBA_REQUEST_SCOPES
  FOR EACH ROW
  WHEN (NEW.ID IS NULL)
BEGIN
  :NEW.ID := MDC_CIBA_SCOPES_SEQ.NEXTVAL;
END;]';
    -- Rows written before the key existed (a schema from an earlier boot) get an ID too.
    EXECUTE IMMEDIATE q'[UPDATE IDN_OAUTH2_CIBA_REQUEST_SCOPES SET ID = MDC_CIBA_SCOPES_SEQ.NEXTVAL WHERE ID IS NULL]';
    COMMIT;
    EXECUTE IMMEDIATE q'[ALTER TABLE IDN_OAUTH2_CIBA_REQUEST_SCOPES ADD CONSTRAINT MDC_CIBA_SCOPES_PK PRIMARY KEY (ID)]';
    DBMS_OUTPUT.PUT_LINE('remedy am-ciba-request-scopes-key: IDN_OAUTH2_CIBA_REQUEST_SCOPES now has primary key MDC_CIBA_SCOPES_PK on ID');
  END IF;
END;
/
