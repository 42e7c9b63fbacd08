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

  PROCEDURE problem(p_text IN VARCHAR2) IS
  BEGIN
    v_problems := v_problems + 1;
    DBMS_OUTPUT.PUT_LINE('PROBLEM: ' || p_text);
  END problem;
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
