WHENEVER SQLERROR EXIT FAILURE ROLLBACK
WHENEVER OSERROR EXIT FAILURE ROLLBACK
-- Step 3 of 4: this DC's edits to one schema, run as the schema owner after WSO2's tables.sql and
-- sequences.sql, on every boot of the schema applier (once for SHARED_DB, once for AM_DB).
--
-- 1. Sequences, "start value variation": DC index i of n hands out only values v with
--    v = i (mod n), by INCREMENT BY n from a start on that stripe, and never a key that already
--    exists in the column the sequence fills. Every sequence of the schema is covered.
--    Which column a sequence fills comes from the data dictionary, not a list: the schema's
--    BEFORE INSERT row triggers (USER_TRIGGERS.TRIGGER_BODY) that assign SEQ.NEXTVAL to :NEW.COL,
--    either "SELECT SEQ.NEXTVAL INTO :NEW.COL" (every sequence of WSO2's multi-DC scripts) or
--    ":NEW.COL := SEQ.NEXTVAL" (the remedies' key triggers). 04-verify.sql parses the same way.
--    A NOCACHE sequence's LAST_NUMBER is the next value it hands out; a cached one may still hand
--    out its cache, from LAST_NUMBER - CACHE_SIZE * |INCREMENT_BY| (Oracle Database 19c Reference,
--    ALL_SEQUENCES: LAST_NUMBER is the last number written to disk, the end of the cache).
--    A sequence moves when
--      a. it is off its stripe: INCREMENT_BY <> n or MOD(LAST_NUMBER - i, n) <> 0 (fresh from
--         WSO2's script, or n changed because a DC was added);
--      b. a key on its stripe is at or above the lowest value it may still hand out: that key
--         would be handed out again (a DC reloaded from the trusted source gets back rows it made
--         before; adding a DC puts old keys of every DC on the new stripes; seed rows);
--      c. it is cached: NOCACHE makes LAST_NUMBER exact, so that b. and verify are exact;
--      d. its lowest value is at or below sequence_floor (0 = none).
--    It restarts, NOCACHE, at the smallest value on its stripe above GREATEST(LAST_NUMBER +
--    margin, the largest key of any stripe in every column it fills, sequence_floor): never
--    backwards, never a value already handed out, cached or stored. WSO2 may be running (a DC
--    added later re-runs this live): the keys are read first and LAST_NUMBER right before the
--    ALTER, so a key stored in between came from the sequence itself and lies below LAST_NUMBER;
--    the margin, (CACHE_SIZE + 1000) * |INCREMENT_BY|, covers a cache refill and a burst of values
--    handed out between that read and the ALTER.
--    Keys of other stripes never equal a value of this stripe, so they move a sequence only when
--    it moves anyway (a. c. d.): two DCs that advance at different speeds never push each other.
--    A sequence whose column no trigger shows stops the step (ORA-20104): it cannot be checked.
--    A re-run with no new key on the stripe changes nothing.
-- 2. IDN_OAUTH2_ACCESS_TOKEN.DCID defaults to this DC's id (where this schema has the table), so
--    tokens issued in two DCs never collide on CON_APP_KEY. That ALTER TABLE needs an exclusive
--    lock on a table WSO2 writes all the time: DDL_LOCK_TIMEOUT makes it wait up to 60 s for the
--    lock instead of failing at once with ORA-00054 (Oracle Database 19c Reference,
--    DDL_LOCK_TIMEOUT: 0 to 1,000,000 seconds, default 0).
-- 3. The divergence check's read-only user may SELECT every table of this schema: granted on each
--    table that lacks it, so a table a later boot adds is covered too, and a re-run grants nothing
--    (an owner may grant privileges on its own objects: Oracle Database 19c SQL Language
--    Reference, GRANT). Tables in the recycle bin are left out.
--
-- ALTER SEQUENCE ... RESTART START WITH needs 18c or later (Oracle Database 18c SQL Language
-- Reference, ALTER SEQUENCE: RESTART); it is DDL, so GoldenGate (no DDL replication here) never
-- carries it to another DC: every DC moves its own sequences. RESTART keeps the sequence object,
-- so its grants and the triggers that use it stay valid, unlike a drop and create.
-- RESTART START WITH needs 18c or later; an older database stops here with a message (the
-- drop/create procedure for those is in docs/database.md).
SET DEFINE ON
SET VERIFY OFF
SET ECHO OFF
SET FEEDBACK OFF
SET SERVEROUTPUT ON SIZE UNLIMITED

ALTER SESSION SET DDL_LOCK_TIMEOUT = 60;

DECLARE
  c_index CONSTANT PLS_INTEGER := &dc_index;
  c_count CONSTANT PLS_INTEGER := &dc_count;
  c_floor CONSTANT NUMBER := &sequence_floor;
  c_dc_id CONSTANT VARCHAR2(30) := '&dc_id';
  -- Values a sequence may hand out between the read of LAST_NUMBER and its ALTER, besides a cache.
  c_burst CONSTANT NUMBER := 1000;
  -- A sequence striped for another number of DCs (a DC added or removed live): the DCs not yet
  -- re-striped keep handing out keys on their old stripes, above anything this DC has seen, until
  -- their own step runs. sequence_floor must leave this much room above every key (docs/database.md).
  c_live_headroom CONSTANT NUMBER := 1000000;
  v_last      NUMBER;
  v_increment NUMBER;
  v_cache     NUMBER;
  v_lowest    NUMBER;
  v_start     NUMBER;
  v_top       NUMBER;
  v_clash     NUMBER;
  v_where     VARCHAR2(4000);
  v_columns   PLS_INTEGER;
  v_reason    VARCHAR2(200);
  v_default VARCHAR2(32767);
  v_changes PLS_INTEGER := 0;

  -- Smallest value greater than p_high that is on this DC's stripe.
  FUNCTION stripe_start(p_high IN NUMBER) RETURN NUMBER IS
    v_candidate NUMBER := FLOOR(p_high / c_count) * c_count + c_index;
  BEGIN
    IF v_candidate <= p_high THEN
      v_candidate := v_candidate + c_count;
    END IF;
    RETURN v_candidate;
  END stripe_start;

  -- The columns sequence p_sequence fills (parsed from the schema's BEFORE INSERT row triggers):
  -- o_columns how many, o_top the largest key in any of them, o_clash the largest key on this
  -- DC's stripe at or above p_low (NULL: none) and o_where the TABLE.COLUMN holding it.
  PROCEDURE scan_keys(p_sequence IN VARCHAR2, p_low IN NUMBER,
                      o_columns OUT PLS_INTEGER, o_top OUT NUMBER, o_clash OUT NUMBER, o_where OUT VARCHAR2) IS
    c_name   CONSTANT VARCHAR2(40) := '"?([A-Za-z0-9_$#]+)"?';
    c_into   CONSTANT VARCHAR2(300) := '("?[A-Za-z0-9_$#]+"?\.)?' || c_name || '\s*\.\s*NEXTVAL\s+INTO\s+:\s*NEW\s*\.\s*' || c_name;
    c_assign CONSTANT VARCHAR2(300) := ':\s*NEW\s*\.\s*' || c_name || '\s*:=\s*("?[A-Za-z0-9_$#]+"?\.)?' || c_name || '\s*\.\s*NEXTVAL';
    v_body   VARCHAR2(32767);
    v_seq    VARCHAR2(128);
    v_col    VARCHAR2(128);
    v_max    NUMBER;
    v_hit    NUMBER;
  BEGIN
    o_columns := 0;
    o_top := NULL;
    o_clash := NULL;
    o_where := NULL;
    FOR t IN (SELECT table_name, trigger_body
                FROM user_triggers
               WHERE trigger_type = 'BEFORE EACH ROW' AND triggering_event LIKE '%INSERT%'
                 AND base_object_type = 'TABLE' AND table_owner = USER) LOOP
      -- TRIGGER_BODY is a LONG: PL/SQL reads it into a VARCHAR2 (up to 32760 bytes).
      v_body := t.trigger_body;
      FOR form IN 1 .. 2 LOOP
        FOR k IN 1 .. 20 LOOP
          IF form = 1 THEN
            v_seq := REGEXP_SUBSTR(v_body, c_into, 1, k, 'i', 2);
            v_col := REGEXP_SUBSTR(v_body, c_into, 1, k, 'i', 3);
          ELSE
            v_col := REGEXP_SUBSTR(v_body, c_assign, 1, k, 'i', 1);
            v_seq := REGEXP_SUBSTR(v_body, c_assign, 1, k, 'i', 3);
          END IF;
          EXIT WHEN v_seq IS NULL;
          IF UPPER(v_seq) = p_sequence THEN
            o_columns := o_columns + 1;
            v_col := DBMS_ASSERT.ENQUOTE_NAME(UPPER(v_col), FALSE);
            EXECUTE IMMEDIATE 'SELECT MAX(' || v_col || ') FROM ' || DBMS_ASSERT.ENQUOTE_NAME(t.table_name, FALSE) INTO v_max;
            IF v_max IS NOT NULL AND (o_top IS NULL OR v_max > o_top) THEN
              o_top := v_max;
            END IF;
            -- Only when some key reaches p_low: then the keys on this stripe from p_low up.
            IF v_max >= p_low THEN
              EXECUTE IMMEDIATE 'SELECT MAX(' || v_col || ') FROM ' || DBMS_ASSERT.ENQUOTE_NAME(t.table_name, FALSE)
                || ' WHERE ' || v_col || ' >= :low AND MOD(' || v_col || ' - :i, :n) = 0' INTO v_hit USING p_low, c_index, c_count;
              IF v_hit IS NOT NULL AND (o_clash IS NULL OR v_hit > o_clash) THEN
                o_clash := v_hit;
                o_where := t.table_name || '.' || UPPER(v_col);
              END IF;
            END IF;
          END IF;
        END LOOP;
      END LOOP;
    END LOOP;
  END scan_keys;
BEGIN
  IF c_count < 1 OR c_index < 1 OR c_index > c_count THEN
    RAISE_APPLICATION_ERROR(-20101, 'dc_index must be 1..dc_count, got ' || c_index || ' of ' || c_count);
  END IF;

  FOR s IN (SELECT sequence_name FROM user_sequences ORDER BY sequence_name) LOOP
    -- The keys first, then LAST_NUMBER: a key stored after the scan came from the sequence itself.
    SELECT last_number - cache_size * ABS(increment_by) INTO v_lowest
      FROM user_sequences
     WHERE sequence_name = s.sequence_name;
    scan_keys(s.sequence_name, v_lowest, v_columns, v_top, v_clash, v_where);
    IF v_columns = 0 THEN
      RAISE_APPLICATION_ERROR(-20104, 'sequence ' || s.sequence_name || ' fills no column that a BEFORE INSERT row trigger of '
        || USER || ' shows (SELECT ' || s.sequence_name || '.NEXTVAL INTO :NEW.<column> or :NEW.<column> := '
        || s.sequence_name || '.NEXTVAL): its keys cannot be checked; drop it if unused');
    END IF;
    -- Read right before the ALTER: the cursor's rows and the read above may be stale by now.
    SELECT last_number, increment_by, cache_size INTO v_last, v_increment, v_cache
      FROM user_sequences
     WHERE sequence_name = s.sequence_name;
    v_lowest := v_last - v_cache * ABS(v_increment);
    v_reason := CASE
      WHEN v_increment <> c_count OR MOD(v_last - c_index, c_count) <> 0 THEN 'off stripe ' || c_index || ' of ' || c_count
      WHEN v_clash IS NOT NULL THEN 'key ' || v_clash || ' in ' || v_where || ' is on its stripe at or above ' || v_lowest
      WHEN v_cache > 0 THEN 'cached (CACHE ' || v_cache || ')'
      WHEN v_lowest <= c_floor THEN 'at or below sequence_floor ' || c_floor
    END;
    IF v_reason IS NOT NULL AND v_increment > 1 AND v_increment <> c_count
       AND c_floor < GREATEST(v_last, NVL(v_top, 0)) + c_live_headroom THEN
      RAISE_APPLICATION_ERROR(-20105, 'sequence ' || s.sequence_name || ' is striped for ' || v_increment || ' DCs and the'
        || ' deployment now has ' || c_count || ': the DCs not yet re-striped keep handing out keys on their old stripes,'
        || ' which a restart here could meet. Set sequenceFloor in Pulumi.yaml to at least '
        || (GREATEST(v_last, NVL(v_top, 0)) + c_live_headroom) || ' (every key in use plus room until every DC is'
        || ' re-striped; docs/database.md) and run pulumi up again');
    END IF;
    IF v_reason IS NOT NULL THEN
      v_start := stripe_start(GREATEST(v_last + (v_cache + c_burst) * ABS(v_increment), NVL(v_top, 0), c_floor));
      IF s.sequence_name LIKE 'ISEQ$$%' THEN
        -- An identity column's sequence cannot be altered directly (ORA-32793).
        RAISE_APPLICATION_ERROR(-20102, 'sequence ' || s.sequence_name || ' belongs to an identity column: re-stripe it with'
          || ' ALTER TABLE ... MODIFY (<column> GENERATED ... AS IDENTITY (START WITH ' || v_start
          || ' INCREMENT BY ' || c_count || ' NOCACHE)) and run this step again');
      END IF;
      IF DBMS_DB_VERSION.VERSION < 18 THEN
        RAISE_APPLICATION_ERROR(-20103, 'sequence ' || s.sequence_name || ' must move to START WITH ' || v_start
          || ' INCREMENT BY ' || c_count || ' NOCACHE but this database predates 18c (no RESTART):'
          || ' drop and re-create it as docs/database.md describes, then run this step again');
      END IF;
      EXECUTE IMMEDIATE 'ALTER SEQUENCE ' || DBMS_ASSERT.ENQUOTE_NAME(s.sequence_name, FALSE)
        || ' INCREMENT BY ' || c_count || ' NOCACHE RESTART START WITH ' || v_start;
      DBMS_OUTPUT.PUT_LINE('sequence ' || s.sequence_name || ' (' || v_reason || '): last number ' || v_last
        || ', increment ' || v_increment || ', cache ' || v_cache || ', largest key ' || NVL(TO_CHAR(v_top), 'none')
        || ' -> restarts at ' || v_start || ', increment ' || c_count);
      v_changes := v_changes + 1;
    END IF;
  END LOOP;

  FOR c IN (SELECT data_default
              FROM user_tab_columns
             WHERE table_name = 'IDN_OAUTH2_ACCESS_TOKEN' AND column_name = 'DCID') LOOP
    -- DATA_DEFAULT is the text as written (a LONG), possibly with surrounding blanks.
    v_default := c.data_default;
    v_default := REGEXP_REPLACE(v_default, '^\s+|\s+$', '');
    IF v_default IS NULL OR v_default <> '''' || c_dc_id || '''' THEN
      EXECUTE IMMEDIATE 'ALTER TABLE IDN_OAUTH2_ACCESS_TOKEN MODIFY (DCID DEFAULT ''' || c_dc_id || ''')';
      DBMS_OUTPUT.PUT_LINE('IDN_OAUTH2_ACCESS_TOKEN.DCID now defaults to ''' || c_dc_id || '''');
      v_changes := v_changes + 1;
    END IF;
  END LOOP;

  DBMS_OUTPUT.PUT_LINE(USER || ': ' || v_changes || ' change(s) for ' || c_dc_id || ' (stripe ' || c_index || ' of ' || c_count || ')');
END;
/

BEGIN
  FOR t IN (SELECT table_name
              FROM user_tables
             WHERE dropped = 'NO' AND nested = 'NO' AND secondary = 'N' AND (iot_type IS NULL OR iot_type = 'IOT')
               AND table_name NOT IN (SELECT table_name FROM user_tab_privs
                                       WHERE grantee = UPPER('&checker_user') AND owner = USER AND privilege = 'SELECT')) LOOP
    EXECUTE IMMEDIATE 'GRANT SELECT ON ' || DBMS_ASSERT.ENQUOTE_NAME(t.table_name, FALSE)
      || ' TO ' || DBMS_ASSERT.ENQUOTE_NAME(UPPER('&checker_user'), FALSE);
    DBMS_OUTPUT.PUT_LINE('SELECT on ' || t.table_name || ' granted to ' || UPPER('&checker_user'));
  END LOOP;
END;
/
