WHENEVER SQLERROR EXIT FAILURE ROLLBACK
WHENEVER OSERROR EXIT FAILURE ROLLBACK
-- Step 3 of 4: this DC's edits to one schema, run as the schema owner after WSO2's tables.sql and
-- sequences.sql, on every boot of the schema applier (once for SHARED_DB, once for AM_DB).
--
-- 1. Sequences, "start value variation": DC index i of n hands out only values v with
--    v = i (mod n), by INCREMENT BY n from a start on that stripe. Every sequence of the schema is
--    covered, not a list we know of.
--    A sequence is on its stripe when INCREMENT_BY = n and MOD(LAST_NUMBER - i, n) = 0. LAST_NUMBER
--    is the value after the cached range: it belongs to the same progression as every value handed
--    out or cached, so it is on the stripe exactly when all future values are.
--    A sequence off its stripe (fresh from WSO2's script, or n changed because a DC was added)
--    restarts at the smallest value on the stripe above GREATEST(LAST_NUMBER + margin,
--    sequence_floor): never backwards and never a value already handed out or cached. WSO2 may be
--    running (a DC added later re-stripes live), so LAST_NUMBER is read again right before each
--    ALTER, and the margin, (CACHE_SIZE + 1000) * |INCREMENT_BY|, covers a cache refill and a
--    burst of values handed out between that read and the ALTER: a cached sequence that runs out
--    of its cache in that moment has already handed out values up to a whole cache beyond it.
--    sequence_floor (0 = none) lifts every re-striped sequence above values that other DCs have
--    already used; docs/database.md says when it is needed (adding or rebuilding a DC).
--    A sequence already on its stripe is left alone, so a re-run changes nothing.
-- 2. IDN_OAUTH2_ACCESS_TOKEN.DCID defaults to this DC's id (where this schema has the table), so
--    tokens issued in two DCs never collide on CON_APP_KEY. That ALTER TABLE needs an exclusive
--    lock on a table WSO2 writes all the time: DDL_LOCK_TIMEOUT makes it wait up to 60 s for the
--    lock instead of failing at once with ORA-00054 (Oracle Database 19c Reference,
--    DDL_LOCK_TIMEOUT: 0 to 1,000,000 seconds, default 0).
--
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
  v_last      NUMBER;
  v_increment NUMBER;
  v_cache     NUMBER;
  v_start     NUMBER;
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
BEGIN
  IF c_count < 1 OR c_index < 1 OR c_index > c_count THEN
    RAISE_APPLICATION_ERROR(-20101, 'dc_index must be 1..dc_count, got ' || c_index || ' of ' || c_count);
  END IF;

  FOR s IN (SELECT sequence_name
              FROM user_sequences
             WHERE increment_by <> c_count OR MOD(last_number - c_index, c_count) <> 0
             ORDER BY sequence_name) LOOP
    -- Read right before the ALTER: the cursor's rows may be stale by now.
    SELECT last_number, increment_by, cache_size INTO v_last, v_increment, v_cache
      FROM user_sequences
     WHERE sequence_name = s.sequence_name;
    v_start := stripe_start(GREATEST(v_last + (v_cache + c_burst) * ABS(v_increment), c_floor));
    IF s.sequence_name LIKE 'ISEQ$$%' THEN
      -- An identity column's sequence cannot be altered directly (ORA-32793).
      RAISE_APPLICATION_ERROR(-20102, 'sequence ' || s.sequence_name || ' belongs to an identity column: re-stripe it with'
        || ' ALTER TABLE ... MODIFY (<column> GENERATED ... AS IDENTITY (START WITH ' || v_start
        || ' INCREMENT BY ' || c_count || ')) and run this step again');
    END IF;
    IF DBMS_DB_VERSION.VERSION < 18 THEN
      RAISE_APPLICATION_ERROR(-20103, 'sequence ' || s.sequence_name || ' must move to START WITH ' || v_start
        || ' INCREMENT BY ' || c_count || ' but this database predates 18c (no RESTART):'
        || ' drop and re-create it as docs/database.md describes, then run this step again');
    END IF;
    EXECUTE IMMEDIATE 'ALTER SEQUENCE ' || DBMS_ASSERT.ENQUOTE_NAME(s.sequence_name, FALSE)
      || ' INCREMENT BY ' || c_count || ' RESTART START WITH ' || v_start;
    DBMS_OUTPUT.PUT_LINE('sequence ' || s.sequence_name || ': last number ' || v_last || ', increment '
      || v_increment || ', cache ' || v_cache || ' -> restarts at ' || v_start || ', increment ' || c_count);
    v_changes := v_changes + 1;
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
