WHENEVER SQLERROR EXIT FAILURE ROLLBACK
WHENEVER OSERROR EXIT FAILURE ROLLBACK
-- Step 4 of 4: checks one schema against the multi-DC rules, run as the schema owner. Every
-- problem is printed (lines starting with PROBLEM:) before the script fails, so one run shows
-- them all.
--
-- Input besides the parameters file: recompile = YES or NO. The schema applier says YES: the
-- schema is recompiled first (the per-DC step can invalidate triggers) and what stays invalid is
-- a problem. Waiting nodes say NO and the check is read-only.
--
-- Rules:
--  - every table has an enabled primary or unique key (GoldenGate conflict detection needs one),
--    unless goldengateKeyColumns gives it KEYCOLS (keycols_tables): GoldenGate then uses those;
--  - no foreign key deletes in cascade or sets null (the other DC would repeat it);
--  - every sequence is on this DC's stripe: INCREMENT_BY = dc_count and
--    MOD(LAST_NUMBER - dc_index, dc_count) = 0 (see 03-per-dc.sql for why LAST_NUMBER);
--  - no sequence can hand out a key that exists: no key on its stripe, in a column it fills, is
--    at or above the lowest value it may still hand out (LAST_NUMBER - CACHE_SIZE * |INCREMENT_BY|;
--    exact for NOCACHE, which 03-per-dc.sql makes every sequence). Keys of other stripes can never
--    be handed out by it. The columns come from the schema's BEFORE INSERT row triggers, parsed as
--    03-per-dc.sql does; a sequence that fills no column found that way is a problem too. The keys
--    are read before LAST_NUMBER, so a row WSO2 inserts meanwhile is never a false alarm;
--  - IDN_OAUTH2_ACCESS_TOKEN, where it exists, has DCID defaulting to this DC's id and in its
--    CON_APP_KEY unique constraint; the AM_DB schema must have the table;
--  - no invalid object.
SET DEFINE ON
SET VERIFY OFF
SET ECHO OFF
SET FEEDBACK OFF
SET SERVEROUTPUT ON SIZE UNLIMITED

VARIABLE problem_count NUMBER

DECLARE
  c_index CONSTANT PLS_INTEGER := &dc_index;
  c_count CONSTANT PLS_INTEGER := &dc_count;
  c_dc_id CONSTANT VARCHAR2(30) := '&dc_id';
  c_token_table CONSTANT VARCHAR2(30) := 'IDN_OAUTH2_ACCESS_TOKEN';
  v_problems PLS_INTEGER := 0;
  v_count    PLS_INTEGER;
  v_default  VARCHAR2(32767);
  v_lowest   NUMBER;
  v_top      NUMBER;
  v_clash    NUMBER;
  v_where    VARCHAR2(4000);
  v_columns  PLS_INTEGER;

  PROCEDURE problem(p_text IN VARCHAR2) IS
  BEGIN
    v_problems := v_problems + 1;
    DBMS_OUTPUT.PUT_LINE('PROBLEM: ' || p_text);
  END problem;

  -- As in 03-per-dc.sql: the columns p_sequence fills, the largest key in them (o_top) and the
  -- largest key on this DC's stripe at or above p_low (o_clash, in o_where).
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
  IF '&recompile' = 'YES' THEN
    BEGIN
      DBMS_UTILITY.COMPILE_SCHEMA(schema => USER, compile_all => FALSE);
    EXCEPTION
      WHEN OTHERS THEN
        problem('recompiling schema ' || USER || ' failed: ' || SQLERRM);
    END;
  END IF;

  FOR t IN (SELECT table_name
              FROM user_tables t
             WHERE t.temporary = 'N' AND t.nested = 'NO' AND t.secondary = 'N' AND t.dropped = 'NO'
               AND (t.iot_type IS NULL OR t.iot_type = 'IOT')
               AND INSTR('&keycols_tables', ',' || USER || '.' || t.table_name || ',') = 0
               AND NOT EXISTS (SELECT 1
                                 FROM user_constraints c
                                WHERE c.table_name = t.table_name
                                  AND c.constraint_type IN ('P', 'U')
                                  AND c.status = 'ENABLED')
             ORDER BY table_name) LOOP
    problem('table ' || t.table_name || ' has no enabled primary or unique key and goldengateKeyColumns gives it no KEYCOLS');
  END LOOP;

  FOR c IN (SELECT table_name, constraint_name, delete_rule
              FROM user_constraints
             WHERE constraint_type = 'R' AND delete_rule IN ('CASCADE', 'SET NULL')
             ORDER BY table_name, constraint_name) LOOP
    problem('foreign key ' || c.constraint_name || ' on ' || c.table_name || ' is ON DELETE ' || c.delete_rule
      || '; use a BEFORE DELETE trigger instead');
  END LOOP;

  FOR s IN (SELECT sequence_name, last_number, increment_by
              FROM user_sequences
             WHERE increment_by <> c_count OR MOD(last_number - c_index, c_count) <> 0
             ORDER BY sequence_name) LOOP
    problem('sequence ' || s.sequence_name || ' is off stripe ' || c_index || ' of ' || c_count
      || ' (last number ' || s.last_number || ', increment ' || s.increment_by || ')');
  END LOOP;

  -- p_low is read before the keys only to limit the scan; the verdict uses LAST_NUMBER read after.
  FOR s IN (SELECT sequence_name, last_number - cache_size * ABS(increment_by) AS lowest
              FROM user_sequences
             ORDER BY sequence_name) LOOP
    scan_keys(s.sequence_name, s.lowest, v_columns, v_top, v_clash, v_where);
    SELECT last_number - cache_size * ABS(increment_by) INTO v_lowest
      FROM user_sequences
     WHERE sequence_name = s.sequence_name;
    IF v_columns = 0 THEN
      problem('sequence ' || s.sequence_name || ' fills no column that a BEFORE INSERT row trigger shows: its keys cannot be checked');
    ELSIF v_clash >= v_lowest THEN
      problem('sequence ' || s.sequence_name || ' may hand out ' || v_lowest || ', at or below key ' || v_clash || ' of ' || v_where
        || ' on stripe ' || c_index || ' of ' || c_count || ': that key would be handed out again (run 03-per-dc.sql)');
    END IF;
  END LOOP;

  SELECT COUNT(*) INTO v_count FROM user_tables WHERE table_name = c_token_table;
  IF v_count = 0 THEN
    IF USER = UPPER('&am_db_user') THEN
      problem('table ' || c_token_table || ' is missing from the AM_DB schema ' || USER);
    END IF;
  ELSE
    v_default := NULL;
    FOR c IN (SELECT data_default
                FROM user_tab_columns
               WHERE table_name = c_token_table AND column_name = 'DCID') LOOP
      v_default := c.data_default;
      v_default := NVL(REGEXP_REPLACE(v_default, '^\s+|\s+$', ''), '(none)');
    END LOOP;
    IF v_default IS NULL THEN
      problem(c_token_table || ' has no DCID column');
    ELSIF v_default <> '''' || c_dc_id || '''' THEN
      problem(c_token_table || '.DCID defaults to ' || v_default || ', not ''' || c_dc_id || '''');
    END IF;

    SELECT COUNT(*) INTO v_count
      FROM user_constraints c
      JOIN user_cons_columns cc ON cc.constraint_name = c.constraint_name AND cc.table_name = c.table_name
     WHERE c.table_name = c_token_table AND c.constraint_name = 'CON_APP_KEY'
       AND c.constraint_type = 'U' AND cc.column_name = 'DCID';
    IF v_count = 0 THEN
      problem('DCID is not a column of the unique constraint CON_APP_KEY on ' || c_token_table);
    END IF;
  END IF;

  FOR o IN (SELECT object_type, object_name
              FROM user_objects
             WHERE status = 'INVALID'
             ORDER BY object_type, object_name) LOOP
    problem(LOWER(o.object_type) || ' ' || o.object_name || ' is invalid');
  END LOOP;

  DBMS_OUTPUT.PUT_LINE(USER || ': ' || v_problems || ' problem(s) for ' || c_dc_id || ' (stripe ' || c_index || ' of ' || c_count || ')');
  :problem_count := v_problems;
END;
/

-- A separate block fails the script, so that SQL*Plus has already printed the list above.
BEGIN
  IF :problem_count > 0 THEN
    RAISE_APPLICATION_ERROR(-20200, :problem_count || ' multi-DC rule violation(s) in schema ' || USER);
  END IF;
END;
/
