WHENEVER SQLERROR EXIT FAILURE ROLLBACK
WHENEVER OSERROR EXIT FAILURE ROLLBACK
-- Step 2 of 4, RDS for Oracle only, run as the RDS master user on every boot of the schema applier.
-- Every DC's database is both a GoldenGate source and a target, so each gets all of this.
--
-- RDS has no SYSDBA: logging and GoldenGate privileges go through the rdsadmin packages. The DB
-- parameter group must already have enable_goldengate_replication = true and the instance a
-- non-zero backup retention (ARCHIVELOG), or these calls fail.
-- Each change is made only when missing, so a re-run changes nothing.
SET DEFINE ON
SET VERIFY OFF
SET ECHO OFF
SET FEEDBACK OFF
SET SERVEROUTPUT ON SIZE UNLIMITED

DECLARE
  c_gg_user CONSTANT VARCHAR2(128) := UPPER('&goldengate_user');
  v_minimal VARCHAR2(8);
  v_forced  VARCHAR2(40);
  v_granted PLS_INTEGER;
BEGIN
  SELECT supplemental_log_data_min, force_logging INTO v_minimal, v_forced FROM v$database;

  -- Minimal database-level supplemental logging; GoldenGate adds the per-table key columns itself
  -- (ADD SCHEMATRANDATA) when replication is set up.
  IF v_minimal = 'NO' THEN
    rdsadmin.rdsadmin_util.alter_supplemental_logging(p_action => 'ADD');
    DBMS_OUTPUT.PUT_LINE('supplemental logging added');
  END IF;

  -- NOLOGGING operations would otherwise never reach the redo that Extract reads.
  IF v_forced <> 'YES' THEN
    rdsadmin.rdsadmin_util.force_logging(p_enable => TRUE);
    DBMS_OUTPUT.PUT_LINE('force logging enabled');
  END IF;

  -- Archived redo must outlast the longest replication outage we want to recover from without a
  -- new initial load. Setting the same value again is harmless; the commit makes it take effect.
  rdsadmin.rdsadmin_util.set_configuration(name => 'archivelog retention hours', value => '&archivelog_retention_hours');
  COMMIT;
  DBMS_OUTPUT.PUT_LINE('archived redo kept &archivelog_retention_hours hours');

  -- Capture (Extract) and apply (Replicat) privileges, each by the call the Amazon RDS User Guide
  -- documents for its wrapper ("Setting up a source database for use with Oracle GoldenGate on
  -- Amazon RDS": privilege_type => 'capture'; "... target database ...": privilege_type =>
  -- 'apply'): every DC is both a source and a target. DBA_GOLDENGATE_PRIVILEGES shows APPLY,
  -- CAPTURE or * (both) per grant (Oracle Database 19c Reference, DBA_GOLDENGATE_PRIVILEGES), so
  -- a database granted '*' by an earlier version of this script gets nothing more.
  FOR p IN (SELECT 'CAPTURE' AS kind, 'capture' AS call_type FROM dual
            UNION ALL
            SELECT 'APPLY', 'apply' FROM dual) LOOP
    SELECT COUNT(*) INTO v_granted
      FROM dba_goldengate_privileges
     WHERE username = c_gg_user AND privilege_type IN (p.kind, '*') AND grant_select_privileges = 'YES';
    IF v_granted = 0 THEN
      rdsadmin.rdsadmin_dbms_goldengate_auth.grant_admin_privilege(
        grantee                 => c_gg_user,
        privilege_type          => p.call_type,
        grant_select_privileges => TRUE,
        do_grants               => TRUE);
      DBMS_OUTPUT.PUT_LINE('GoldenGate ' || p.call_type || ' privileges granted to ' || c_gg_user);
    END IF;
  END LOOP;
END;
/

-- The divergence check (docs/replication.md, Divergence) hashes LOB columns with DBMS_CRYPTO.HASH
-- (STANDARD_HASH refuses LOBs), so its read-only user needs EXECUTE on SYS.DBMS_CRYPTO. On RDS a
-- SYS object's privilege is granted by rdsadmin.rdsadmin_util.grant_sys_object, which "grants only
-- privileges that the master user has already been granted through a role or direct grant"; names
-- in upper case as DBA_OBJECTS spells them (Amazon RDS User Guide, "Granting SELECT or EXECUTE
-- privileges to SYS objects"). Only when missing (DBA_TAB_PRIVS). It serves a check, not WSO2 or
-- GoldenGate: if RDS refuses it, the boot goes on, the output says so, and the check counts the
-- LOB tables of this DC as unchecked (UncheckedTables alarm) until it is granted.
DECLARE
  c_checker CONSTANT VARCHAR2(128) := UPPER('&checker_user');
  v_granted PLS_INTEGER;
BEGIN
  SELECT COUNT(*) INTO v_granted
    FROM dba_tab_privs
   WHERE grantee = c_checker AND owner = 'SYS' AND table_name = 'DBMS_CRYPTO' AND privilege = 'EXECUTE';
  IF v_granted = 0 THEN
    BEGIN
      rdsadmin.rdsadmin_util.grant_sys_object(
        p_obj_name  => 'DBMS_CRYPTO',
        p_grantee   => c_checker,
        p_privilege => 'EXECUTE');
      DBMS_OUTPUT.PUT_LINE('EXECUTE on SYS.DBMS_CRYPTO granted to ' || c_checker);
    EXCEPTION
      WHEN OTHERS THEN
        DBMS_OUTPUT.PUT_LINE('WARNING: EXECUTE on SYS.DBMS_CRYPTO not granted to ' || c_checker || ': ' || SQLERRM
          || '; the divergence check counts this DC''s LOB tables as unchecked until it is granted');
    END;
  END IF;
END;
/
