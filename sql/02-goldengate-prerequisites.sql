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
