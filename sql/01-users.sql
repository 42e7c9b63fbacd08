WHENEVER SQLERROR EXIT FAILURE ROLLBACK
WHENEVER OSERROR EXIT FAILURE ROLLBACK
-- Step 1 of 4, run as the RDS master user (or a DBA on a self-managed host), on every boot of the
-- region's schema applier node.
--
-- Creates the AM_DB and SHARED_DB schema owners, the GoldenGate administrator and the divergence
-- check's read-only user when they are missing, and otherwise sets their password from the secret again: Secrets Manager is the source
-- of truth, so a re-generated secret and the database never drift apart. Grants are re-issued
-- every time (GRANT of a held privilege is a no-op).
--
-- The four users get profile WSO2_APIM_SERVICE, created or corrected here on every run:
--  - PASSWORD_LIFE_TIME UNLIMITED: DEFAULT's is 180 days in 19c, after which every login fails
--    with ORA-28001 and WSO2 and GoldenGate stop. The passwords rotate through their secrets.
--  - PASSWORD_REUSE_TIME and PASSWORD_REUSE_MAX both UNLIMITED: Oracle then ignores both, so the
--    same password may be set again at every boot; a limit on either would make that ALTER USER
--    fail with ORA-28007 (Oracle Database 19c SQL Language Reference, CREATE PROFILE).
--  - PASSWORD_VERIFY_FUNCTION NULL: the program generates the passwords (30 letters, digits, _).
--  - FAILED_LOGIN_ATTEMPTS UNLIMITED (so PASSWORD_LOCK_TIME never applies): DEFAULT locks an
--    account after 10 failed logins for 1 day (ORA-28000). This script sets each password again
--    at every boot of node 1; after a secret rotation the other nodes' pools and GoldenGate still
--    hold the old password until they restart, and their failed logins would lock the account for
--    every node of the DC. With no lockout they only fail (ORA-01017) until they have the new one
--    (rotation order: docs/database.md). Oracle Database 19c SQL Language Reference, CREATE
--    PROFILE: FAILED_LOGIN_ATTEMPTS and PASSWORD_LOCK_TIME. The database listens only to
--    the nodes and GoldenGate hubs (security group), so no lockout does not open it to guessing.
-- The RDS master user holds the DBA role, which has CREATE PROFILE and ALTER PROFILE (Amazon RDS
-- User Guide, "Master user account privileges").
--
-- Input: the parameters file (DEFINE lines, no secrets), then from the caller at run time only,
-- never from a file: am_db_password, shared_db_password, goldengate_password, checker_password.
-- VERIFY stays OFF so that SQL*Plus never prints a line with a password substituted in.
SET DEFINE ON
SET VERIFY OFF
SET ECHO OFF
SET FEEDBACK OFF
SET SERVEROUTPUT ON SIZE UNLIMITED

DECLARE
  c_profile CONSTANT VARCHAR2(30) := 'WSO2_APIM_SERVICE';
  c_limits  CONSTANT VARCHAR2(300) := ' LIMIT PASSWORD_LIFE_TIME UNLIMITED PASSWORD_REUSE_TIME UNLIMITED'
    || ' PASSWORD_REUSE_MAX UNLIMITED PASSWORD_VERIFY_FUNCTION NULL'
    || ' FAILED_LOGIN_ATTEMPTS UNLIMITED';
  v_count   PLS_INTEGER;
BEGIN
  SELECT COUNT(*) INTO v_count FROM dba_profiles WHERE profile = c_profile;
  IF v_count = 0 THEN
    EXECUTE IMMEDIATE 'CREATE PROFILE ' || c_profile || c_limits;
    DBMS_OUTPUT.PUT_LINE('created profile ' || c_profile);
  ELSE
    EXECUTE IMMEDIATE 'ALTER PROFILE ' || c_profile || c_limits;
  END IF;
END;
/

DECLARE
  c_profile    CONSTANT VARCHAR2(30) := 'WSO2_APIM_SERVICE';
  c_tablespace CONSTANT VARCHAR2(130) := DBMS_ASSERT.ENQUOTE_NAME('&schema_tablespace');

  PROCEDURE ensure_user(p_user IN VARCHAR2, p_password IN VARCHAR2, p_quota IN BOOLEAN DEFAULT TRUE) IS
    v_user  CONSTANT VARCHAR2(130) := DBMS_ASSERT.ENQUOTE_NAME(p_user);
    v_count PLS_INTEGER;
  BEGIN
    SELECT COUNT(*) INTO v_count FROM dba_users WHERE username = UPPER(p_user);
    IF v_count = 0 THEN
      EXECUTE IMMEDIATE 'CREATE USER ' || v_user || ' IDENTIFIED BY "' || p_password || '"'
        || ' DEFAULT TABLESPACE ' || c_tablespace || ' PROFILE ' || c_profile;
      DBMS_OUTPUT.PUT_LINE('created user ' || UPPER(p_user));
    ELSE
      -- The profile first, so that the password change below is judged by its limits.
      EXECUTE IMMEDIATE 'ALTER USER ' || v_user || ' PROFILE ' || c_profile;
      EXECUTE IMMEDIATE 'ALTER USER ' || v_user || ' IDENTIFIED BY "' || p_password || '" ACCOUNT UNLOCK';
      DBMS_OUTPUT.PUT_LINE('user ' || UPPER(p_user) || ' exists; password set from its secret');
    END IF;
    IF p_quota THEN
      EXECUTE IMMEDIATE 'ALTER USER ' || v_user || ' QUOTA UNLIMITED ON ' || c_tablespace;
    END IF;
  END ensure_user;
BEGIN
  ensure_user('&am_db_user', q'[&am_db_password]');
  ensure_user('&shared_db_user', q'[&shared_db_password]');
  ensure_user('&goldengate_user', q'[&goldengate_password]');
  -- Reads only: it stores nothing, so it gets no quota.
  ensure_user('&checker_user', q'[&checker_password]', FALSE);
END;
/

-- What WSO2's own scripts create in each schema: tables, sequences, triggers, procedures, views, types.
GRANT CREATE SESSION, CREATE TABLE, CREATE SEQUENCE, CREATE TRIGGER, CREATE PROCEDURE, CREATE VIEW, CREATE TYPE
  TO &am_db_user;
GRANT CREATE SESSION, CREATE TABLE, CREATE SEQUENCE, CREATE TRIGGER, CREATE PROCEDURE, CREATE VIEW, CREATE TYPE
  TO &shared_db_user;

-- GoldenGate: Extract reads the dictionary and redo of both schemas, Replicat applies DML to them
-- and the initial load reads consistently (FLASHBACK). Its own checkpoint and heartbeat tables live
-- in its own schema. The capture and apply privileges proper come from
-- 02-goldengate-prerequisites.sql (RDS) or DBMS_GOLDENGATE_AUTH as SYSDBA (self-managed).
-- The heartbeat: ADD HEARTBEATTABLE "creates the scheduler jobs that periodically update the
-- heartbeat and seed table, and purge the history table", in the GGSCHEMA, this user's schema
-- (GoldenGate 19c Reference, ADD HEARTBEATTABLE), with its views and procedures (CREATE VIEW and
-- CREATE PROCEDURE: "Grant User Privileges for Oracle Database for Oracle GoldenGate Classic
-- Architecture"). A job in one's own schema needs CREATE JOB (Oracle Database Administrator's Guide,
-- Scheduler Privileges). Neither the RDS wrapper nor DBMS_GOLDENGATE_AUTH.GRANT_ADMIN_PRIVILEGE is
-- documented to grant it ("grants the privileges needed by a user to be a GoldenGate administrator",
-- no list), so it is granted here, on both platforms.
GRANT CREATE SESSION, ALTER SESSION, CREATE TABLE, CREATE VIEW, CREATE PROCEDURE, CREATE JOB,
  SELECT ANY DICTIONARY, SELECT ANY TABLE, SELECT ANY TRANSACTION, FLASHBACK ANY TABLE,
  INSERT ANY TABLE, UPDATE ANY TABLE, DELETE ANY TABLE, LOCK ANY TABLE, ALTER ANY TABLE
  TO &goldengate_user;

-- The divergence check (docs/replication.md, Divergence) logs in from the trusted source's
-- GoldenGate hub and only reads: a session here, and SELECT on each table of the two schemas,
-- granted by their owners in 03-per-dc.sql once the tables exist.
GRANT CREATE SESSION TO &checker_user;
