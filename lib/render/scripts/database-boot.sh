#!/bin/bash
# Boot hook: the region's Oracle database, before WSO2 starts (bootstrap.sh runs boot.d/*.sh).
#  1. Oracle Instant Client (SQL*Plus, and ojdbc8.jar for WSO2).
#  2. Secrets from Secrets Manager; the database accepting connections.
#  3. Schema applier (node 1), holding the applier lease in the database throughout: users and
#     grants, RDS GoldenGate prerequisites, per schema WSO2's multi-DC scripts from the pack (only
#     into an empty schema) then the project's remedies for the pack's defects (every boot), the
#     per-DC step, verify. Other nodes: wait until both schemas are complete and verified.
#  4. The schema passwords into the runtime environment for deployment.toml's $env{} references.
#  5. A DC that is not the trusted source waits for the replication-ready flag, so WSO2 never
#     writes its first-start rows into a database that replication has not joined yet; then its
#     sequences are moved above the keys the initial load brought (applier) or verified (others).
# Parameters: /etc/wso2-apim/database.env (no secrets). Secrets never reach a command line, the
# environment of a child process or the log: SQL*Plus gets them on stdin from shell builtins, and
# every line logged passes through redact.
set -Eeuo pipefail
export LC_ALL=C

# shellcheck source=/dev/null
source "${DATABASE_ENV:-/etc/wso2-apim/database.env}"

STEP=parameters
SECRETS=()
WORK_DIR=""
LEASE_HELD=false

redact() {
    local text=$1 secret
    for secret in "${SECRETS[@]}"; do
        text=${text//"$secret"/[redacted]}
    done
    printf '%s' "$text"
}
# To stderr, so that a failure inside a command substitution is logged, not captured. The time
# comes from printf's %()T (TZ=UTC), not a date process per line.
log() { TZ=UTC printf '%(%Y-%m-%dT%H:%M:%SZ)T database-boot: %s\n' -1 "$(redact "$*")" >&2; }
fail() {
    log "FAILED at step '$STEP': $*"
    exit 1
}
trap 'fail "line ${LINENO}: ${BASH_COMMAND}"' ERR
# A failed apply gives the lease back at once rather than leaving it to lapse.
trap 'release_lease; [[ -z $WORK_DIR ]] || rm -rf "$WORK_DIR"' EXIT

# Indented SQL*Plus output under the step that produced it.
log_output() {
    local line
    while IFS= read -r line; do
        [[ -z ${line// /} ]] || log "  | $line"
    done <<<"$1"
}

check_parameters() {
    local name
    for name in AWS_REGION APIM_HOME WSO2_USER RUNTIME_ENV_FILE DB_HOST DB_PORT DB_SERVICE DB_PLATFORM \
        MASTER_SECRET_ID AM_DB_USER AM_DB_SECRET_ID SHARED_DB_USER SHARED_DB_SECRET_ID GOLDENGATE_USER \
        GOLDENGATE_SECRET_ID CHECKER_USER CHECKER_SECRET_ID SQL_S3_PREFIX ORACLE_CLIENT_ZIPS ORACLE_CLIENT_HOME SCHEMA_APPLIER \
        TRUSTED_SOURCE REPLICATION_READY_PARAMETER DB_WAIT_SECONDS SCHEMA_WAIT_SECONDS \
        REPLICATION_WAIT_SECONDS POLL_SECONDS; do
        [[ -n ${!name:-} ]] || fail "$name is not set in ${DATABASE_ENV:-/etc/wso2-apim/database.env}"
    done
    PACK_DIR="$APIM_HOME/dbscripts/multi-dc/oracle"
    for name in "$PACK_DIR/tables.sql" "$PACK_DIR/sequences.sql" "$PACK_DIR/apimgt/tables.sql" "$PACK_DIR/apimgt/sequences.sql"; do
        [[ -f $name ]] || fail "$name is missing: the pack must be WSO2 API Manager 3.1.0 with its multi-DC Oracle scripts"
    done
}

# Install failures are not fatal while a working install is in place: the node keeps it, and this
# marker (bootstrap.sh's INSTALL_FAILURES) makes the health signal fail the node's gate, naming the
# config key (health-signal.sh).
INSTALL_FAILURES=${INSTALL_FAILURES:-/var/lib/wso2-apim/install-failures}

# ELF e_machine (bytes 18-19, little-endian) of a file: 3e00 x86-64, b700 AArch64 (System V ABI).
elf_machine() {
    case $(od -An -tx1 -j18 -N2 "$1" 2>/dev/null | tr -d ' \n') in
        3e00) echo x86_64 ;;
        b700) echo aarch64 ;;
        *) echo "not an ELF file" ;;
    esac
}

# Downloads, verifies and unpacks the zips into $1 (a directory beside the installs, same file
# system), checks that SQL*Plus runs there; prints why not on failure.
stage_client() {
    local staging=$1 entry sha url file actual unpacked version
    mkdir -p "$staging/zips"
    for entry in $ORACLE_CLIENT_ZIPS; do
        sha=${entry%%:*} url=${entry#*:}
        file="$staging/zips/$(basename "$url")"
        log "downloading $url"
        case $url in
            s3://*) aws s3 cp --only-show-errors --region "$AWS_REGION" "$url" "$file" ;;
            https://*) curl -fsSL --retry 5 --connect-timeout 10 --max-time 600 -o "$file" "$url" ;;
            *) false ;;
        esac || { echo "cannot download $url"; return 1; }
        actual=$(sha256sum "$file" | cut -d' ' -f1)
        [[ $actual == "$sha" ]] || { echo "$url has SHA-256 $actual, not the configured $sha"; return 1; }
        unzip -q -o "$file" -d "$staging/unpacked" || { echo "$url is not a zip that unpacks"; return 1; }
    done
    unpacked=("$staging"/unpacked/instantclient_*)
    [[ -d ${unpacked[0]} ]] || { echo "the zips did not unpack to an instantclient_* directory"; return 1; }
    [[ -f ${unpacked[0]}/ojdbc8.jar ]] || { echo "no ojdbc8.jar: the Basic package is needed, not Basic Light"; return 1; }
    if ! version=$(LD_LIBRARY_PATH="${unpacked[0]}" "${unpacked[0]}/sqlplus" -V 2>&1); then
        local built node
        built=$(elf_machine "${unpacked[0]}/sqlplus") node=$(uname -m)
        [[ $built == "$node" ]] || { echo "sqlplus is built for $built, this node is $node: use the Instant Client zips for its architecture"; return 1; }
        echo "sqlplus does not run (missing libaio or libnsl?): ${version//$'\n'/ }"
        return 1
    fi
    mv -T "${unpacked[0]}" "$staging/client"
}

# Switches the symlink $1 to $2 with one rename (rename(2) replaces an existing newpath atomically), and keeps only $2 and what $1 pointed to before
# (for rollback: a configuration set back finds it in place) among the versions named $1-*.
switch_version() {
    local link=$1 target=$2 old version
    old=$(readlink "$link" || true)
    [[ $old != "$target" ]] || return 0
    ln -sfn "$target" "$link.new"
    mv -T "$link.new" "$link"
    log "$link now points to $target (kept for rollback: ${old:-nothing})"
    for version in "$link"-*; do
        [[ $version == "$target" || $version == "$old" || ! -d $version ]] || rm -rf "$version"
    done
}

# Each set of zips installs into its own directory, named by a digest of the zips and their
# checksums; ORACLE_CLIENT_HOME is a symlink switched to it only once it is verified and runs, so
# a changed oracleClientZips installs at the next start and a bad one never replaces a working client.
install_client() {
    STEP="Oracle Instant Client"
    local id target staging why
    id=$(printf '%s' "$ORACLE_CLIENT_ZIPS" | sha256sum | cut -c1-16)
    target="$ORACLE_CLIENT_HOME-$id"
    if [[ -d $ORACLE_CLIENT_HOME && ! -L $ORACLE_CLIENT_HOME ]]; then
        log "moving the unversioned client in $ORACLE_CLIENT_HOME aside"
        mv -T "$ORACLE_CLIENT_HOME" "$ORACLE_CLIENT_HOME-unversioned"
        ln -s "$ORACLE_CLIENT_HOME-unversioned" "$ORACLE_CLIENT_HOME"
    fi
    if [[ -d $target ]]; then
        log "Oracle Instant Client $id already in $target"
    else
        log "installing Oracle Instant Client $id into $target"
        # Instant Client 19 needs libaio and libnsl (libnsl.so.1); unzip unpacks its zips. None is
        # in the Amazon Linux 2023 AMI (see docs/database.md for the package names' sources). Once
        # installed, a mirror that is down must not stop a node that already has a working client.
        rpm -q libaio libnsl unzip >/dev/null 2>&1 || retry_dnf libaio libnsl unzip
        rm -rf "$ORACLE_CLIENT_HOME".staging-*
        mkdir -p "$(dirname "$ORACLE_CLIENT_HOME")"
        staging=$(mktemp -d "$ORACLE_CLIENT_HOME.staging-XXXXXX")
        if why=$(stage_client "$staging"); then
            mv -T "$staging/client" "$target"
        fi
        rm -rf "$staging"
    fi
    if [[ -d $target ]]; then
        switch_version "$ORACLE_CLIENT_HOME" "$target"
        rm -f "$INSTALL_FAILURES/oracle-client"
    else
        mkdir -p "$INSTALL_FAILURES"
        printf 'oracleClientZips: %s\n' "${why:-not installed}" | tr -d '"\134' >"$INSTALL_FAILURES/oracle-client"
        [[ -x $ORACLE_CLIENT_HOME/sqlplus ]] || fail "oracleClientZips: ${why:-not installed}"
        log "oracleClientZips: ${why:-not installed}; keeping the client in $(readlink "$ORACLE_CLIENT_HOME") (the health gate fails on this)"
    fi
    local version
    version=$(sqlplus_command -V) || fail "sqlplus in $ORACLE_CLIENT_HOME does not run (missing libaio or libnsl?): $version"
    log "${version//$'\n'/ }"
    [[ -f $ORACLE_CLIENT_HOME/ojdbc8.jar ]] || fail "$ORACLE_CLIENT_HOME/ojdbc8.jar is missing: the Basic package is needed, not Basic Light"
    install -m 0644 -o "$WSO2_USER" -g "$(id -gn "$WSO2_USER")" "$ORACLE_CLIENT_HOME/ojdbc8.jar" "$APIM_HOME/repository/components/lib/ojdbc8.jar"
    log "JDBC driver installed as $APIM_HOME/repository/components/lib/ojdbc8.jar"
    # This start's installs are checked (the pack's by bootstrap.sh before the hooks): the health
    # signal may now report a DC that is not replication-ready.
    mkdir -p "$INSTALL_FAILURES" && touch "$INSTALL_FAILURES/.checked"
}

# dnf fails for passing reasons (a mirror, the network): 5 attempts, pausing 5, 10, 20, 40 s.
retry_dnf() {
    local attempt pause=5
    for attempt in 1 2 3 4 5; do
        dnf install -y -q "$@" && return
        ((attempt < 5)) || fail "dnf install $* failed 5 times"
        log "dnf install $* failed (attempt $attempt); retrying in ${pause}s"
        sleep "$pause"
        pause=$((pause * 2))
    done
}

# SESSION_LIMIT (seconds, empty: none) bounds a session with timeout(1): the applier's sessions
# must end before the lease they renewed can lapse (see applier_session).
SESSION_LIMIT=""
sqlplus_command() {
    local limit=()
    [[ -z $SESSION_LIMIT ]] || limit=(timeout --kill-after=30 "$SESSION_LIMIT")
    LD_LIBRARY_PATH="$ORACLE_CLIENT_HOME" NLS_LANG=AMERICAN_AMERICA.AL32UTF8 "${limit[@]}" "$ORACLE_CLIENT_HOME/sqlplus" "$@" 2>&1
}

download_sql() {
    STEP="project SQL"
    SQL_DIR="$WORK_DIR/sql"
    mkdir -p "$SQL_DIR"
    local name
    # One object at a time: the node role may read these objects (s3:GetObject) but not list the
    # prefix, which `aws s3 cp --recursive` would need.
    for name in parameters.sql 01-users.sql 02-goldengate-prerequisites.sql remedies-shared-db.sql remedies-am-db.sql \
        03-per-dc.sql 04-verify.sql 05-goldengate-exceptions.sql rebuild-empty-schema.sql; do
        aws s3 cp --only-show-errors --region "$AWS_REGION" "$SQL_S3_PREFIX$name" "$SQL_DIR/$name" ||
            fail "cannot download $SQL_S3_PREFIX$name"
    done
    log "project SQL downloaded from $SQL_S3_PREFIX"
}

# The master secret's username and password, then the password of each other secret ($2...), one
# a line. The master secret is JSON {"username", "password"}; the others the password itself or
# JSON {"password"}. The values reach one python3 on stdin (never its argv); an unusable secret
# fails the step naming it.
read_secrets() {
    local id raw raws=()
    for id in "$@"; do
        raw=$(aws secretsmanager get-secret-value --region "$AWS_REGION" --secret-id "$id" --query SecretString --output text) ||
            fail "cannot read secret $id (does the instance role allow secretsmanager:GetSecretValue on it?)"
        raws+=("$raw")
    done
    local values
    values=$(printf '%s\0' "${raws[@]}" | python3 -c '
import json, sys
raws = sys.stdin.read().split("\0")[:-1]
values = []
for index, (secret_id, raw) in enumerate(zip(sys.argv[1:], raws)):
    try:
        value = json.loads(raw)
    except ValueError:
        value = raw
    for field in ("username", "password") if index == 0 else ("password",):
        found = value.get(field) if isinstance(value, dict) else (raw if index > 0 else None)
        if not isinstance(found, str) or not found:
            sys.exit("secret %s has no %s" % (secret_id, field))
        if "\n" in found:
            sys.exit("secret %s: its %s holds a newline" % (secret_id, field))
        values.append(found)
sys.stdout.write("\n".join(values))' "$@" 2>&1) || fail "$values"
    printf '%s' "$values"
}

# RDS creates its managed master secret together with the instance, and the nodes are declared
# before it exists: they name the instance (rds-db:<identifier>) and look the secret up here.
resolve_master_secret() {
    if [[ "$MASTER_SECRET_ID" == rds-db:* ]]; then
        MASTER_SECRET_ID=$(aws rds describe-db-instances --region "$AWS_REGION" --db-instance-identifier "${MASTER_SECRET_ID#rds-db:}" \
            --query 'DBInstances[0].MasterUserSecret.SecretArn' --output text) ||
            fail "cannot find the RDS-managed master secret of ${MASTER_SECRET_ID#rds-db:}"
    fi
}

fetch_secrets() {
    STEP="secrets"
    resolve_master_secret
    local values
    values=$(read_secrets "$MASTER_SECRET_ID" "$AM_DB_SECRET_ID" "$SHARED_DB_SECRET_ID" "$GOLDENGATE_SECRET_ID" "$CHECKER_SECRET_ID")
    {
        IFS= read -r MASTER_USER
        IFS= read -r MASTER_PASSWORD
        IFS= read -r AM_DB_PASSWORD
        IFS= read -r SHARED_DB_PASSWORD
        IFS= read -r GOLDENGATE_PASSWORD
        IFS= read -r CHECKER_PASSWORD
    } <<<"$values"
    SECRETS=("$MASTER_PASSWORD" "$AM_DB_PASSWORD" "$SHARED_DB_PASSWORD" "$GOLDENGATE_PASSWORD" "$CHECKER_PASSWORD")
    [[ $MASTER_USER =~ ^[A-Za-z][A-Za-z0-9_\$#]*$ ]] || fail "the master secret's username is not a plain Oracle user name"
    [[ $MASTER_PASSWORD != *'"'* ]] || fail "the master password contains a double quote, which SQL*Plus cannot take"
    # These go into CREATE USER literals and into a systemd environment file, and the program
    # generates them as 30 letters, digits and _: Oracle 19c passwords are at most 30 bytes
    # (Oracle Database 19c Security Guide, "Minimum Requirements for Passwords").
    local name
    for name in AM_DB_PASSWORD SHARED_DB_PASSWORD GOLDENGATE_PASSWORD CHECKER_PASSWORD; do
        [[ ${!name} =~ ^[A-Za-z0-9_]{1,30}$ ]] ||
            fail "${name%_PASSWORD} secret: the password must be 1 to 30 letters, digits and _ (Oracle's limit is 30 bytes)"
    done
    log "secrets read for $MASTER_USER, $AM_DB_USER, $SHARED_DB_USER, $GOLDENGATE_USER and $CHECKER_USER"
}

# Runs SQL*Plus as user $1 with password $2 on the lines $3. Sets SQL_OUTPUT (redacted); fails
# (status 1) on a non-zero exit, an ORA-/SP2-/PLS- error or a unit created with compilation errors
# (neither of the last two stops SQL*Plus by itself).
sql_session() {
    local status=0
    SQL_OUTPUT=$({
        printf 'SET DEFINE OFF\nWHENEVER SQLERROR EXIT FAILURE ROLLBACK\nWHENEVER OSERROR EXIT FAILURE ROLLBACK\n'
        printf 'CONNECT %s/"%s"@//%s:%s/%s\nSET DEFINE ON\n%s\nEXIT\n' "$1" "$2" "$DB_HOST" "$DB_PORT" "$DB_SERVICE" "$3"
    } | sqlplus_command -S -L /nolog) || status=$?
    SQL_OUTPUT=$(redact "$SQL_OUTPUT")
    local error_pattern='(^|[^A-Z0-9])(ORA|SP2|PLS)-[0-9]{4,5}|created with compilation errors'
    if ((status == 0)) && [[ $SQL_OUTPUT =~ $error_pattern ]]; then
        status=1
    fi
    return "$status"
}

# A session that changes the database, as sql_session. While this boot holds the applier lease,
# the lease is renewed right before it and the session is killed before the renewed lease could
# lapse: another applier can take a lapsed lease, so no change of ours may run past it (the lease
# is otherwise only looked at when renewed).
applier_session() {
    local status=0 script=$3
    if [[ $LEASE_HELD == true ]]; then
        renew_lease
        SESSION_LIMIT=$((LEASE_SECONDS - LEASE_MARGIN_SECONDS))
        # Killing SQL*Plus does not stop a call already running in the database: the session is
        # tagged with this boot, and a lapsed lease is not taken while such a session still exists.
        script="EXEC DBMS_APPLICATION_INFO.SET_MODULE('$APPLIER_MODULE', '$LEASE_HOLDER')"$'\n'"$script"
    fi
    sql_session "$1" "$2" "$script" || status=$?
    SESSION_LIMIT=""
    return "$status"
}

# Runs one script as user $1 (password $2): the parameters file, then lines $4, then @$3.
run_script() {
    local user=$1 password=$2 script=$3 lines=${4:-}
    log "running $script as $user"
    if applier_session "$user" "$password" "@$SQL_DIR/parameters.sql"$'\n'"$lines"$'\n'"@$script"; then
        log_output "$SQL_OUTPUT"
    else
        log_output "$SQL_OUTPUT"
        # A DC-count change without the floor it needs (03-per-dc.sql, ORA-20105) is a configuration
        # problem: the node's gate fails at once with the message naming sequenceFloor, not after its hour.
        if grep -q 'ORA-20105' <<<"$SQL_OUTPUT"; then
            mkdir -p "$INSTALL_FAILURES"
            printf 'sequenceFloor: %s\n' "$(grep -m 1 -o 'ORA-20105: .*' <<<"$SQL_OUTPUT" | cut -c 12-)" | tr -d '"\134' >"$INSTALL_FAILURES/sequence-floor"
        fi
        fail "$script failed as $user (SQL*Plus output above)"
    fi
}

wait_for_database() {
    STEP="wait for database"
    local waited=0
    until sql_session "$MASTER_USER" "$MASTER_PASSWORD" "SELECT 'database ready' FROM dual;"; do
        if grep -Eq 'ORA-(01017|28000|01045)' <<<"$SQL_OUTPUT"; then
            log_output "$SQL_OUTPUT"
            fail "$DB_HOST:$DB_PORT/$DB_SERVICE refuses $MASTER_USER: check the master secret $MASTER_SECRET_ID"
        fi
        ((waited < DB_WAIT_SECONDS)) ||
            fail "$DB_HOST:$DB_PORT/$DB_SERVICE did not accept a connection within ${DB_WAIT_SECONDS}s; last answer: $(tail -n 1 <<<"$SQL_OUTPUT")"
        log "database $DB_HOST:$DB_PORT/$DB_SERVICE not ready ($(tail -n 1 <<<"$SQL_OUTPUT")); retrying in ${POLL_SECONDS}s"
        sleep "$POLL_SECONDS"
        waited=$((waited + POLL_SECONDS))
    done
    log "database $DB_HOST:$DB_PORT/$DB_SERVICE accepts connections"
}

# The tables, sequences and triggers the pack scripts $@ create, as sorted "TYPE NAME" lines.
expected_objects() {
    sed -e 's/--.*$//' "$@" | tr '[:lower:]' '[:upper:]' |
        grep -oE 'CREATE[[:space:]]+(OR[[:space:]]+REPLACE[[:space:]]+)?(TABLE|SEQUENCE|TRIGGER)[[:space:]]+"?[A-Z0-9_$#]+' |
        awk '{ gsub(/"/, "", $NF); print $(NF - 1), $NF }' | sort -u
}

# Compares the schema of user $1 (password $2) with the objects the pack creates in it ($3, "TYPE
# NAME" lines). Sets SCHEMA_STATE to empty, complete or partial (MISSING_OBJECTS lists what is not
# there, INVALID_OBJECTS what does not compile) and returns non-zero when the schema cannot be read.
schema_state() {
    sql_session "$1" "$2" "$(printf '%s\n' 'SET HEADING OFF' 'SET FEEDBACK OFF' 'SET PAGESIZE 0' 'SET LINESIZE 400' 'SET TRIMOUT ON' \
        "SELECT 'OBJECT ' || object_type || ' ' || object_name || ' ' || status FROM user_objects WHERE object_type IN ('TABLE', 'SEQUENCE', 'TRIGGER') AND object_name NOT LIKE 'BIN\$%';")" ||
        return 1
    # One awk for the comparison: this runs several times per boot.
    local summary rest
    summary=$(EXPECTED=$3 awk '
        $1 == "OBJECT" {
            present[$2 " " $3] = 1
            if ($4 == "INVALID") invalid = invalid " " $2 " " $3
        }
        END {
            n = split(ENVIRON["EXPECTED"], expected, "\n")
            for (i = 1; i <= n; i++) if (expected[i] != "" && !(expected[i] in present)) missing = missing " " expected[i]
            for (object in present) any = 1
            print (!any ? "empty" : missing == "" ? "complete" : "partial") "|" substr(missing, 2) "|" substr(invalid, 2)
        }' <<<"$SQL_OUTPUT")
    SCHEMA_STATE=${summary%%|*} rest=${summary#*|}
    MISSING_OBJECTS=${rest%%|*} INVALID_OBJECTS=${rest#*|}
}

# What is wrong with a schema after schema_state, for a failure message.
schema_problems() {
    printf 'missing: %s; invalid: %s' "${MISSING_OBJECTS:-none}" "${INVALID_OBJECTS:-none}"
}

# ",TABLE:count,...," of the rows the pack scripts $@ insert (INSERT INTO statements per table):
# what rebuild-empty-schema.sql allows a partial schema to hold without calling it WSO2 data.
pack_rows() {
    local rows
    rows=$(sed -e 's/--.*$//' "$@" | tr '[:lower:]' '[:upper:]' |
        { grep -oE 'INSERT[[:space:]]+INTO[[:space:]]+"?[A-Z0-9_$#]+' || true; } | awk '{ gsub(/"/, "", $NF); print $NF }' |
        sort | uniq -c | awk '{ printf "%s:%s,", $2, $1 }')
    printf ',%s' "$rows"
}

# The build marker of schema $1 in the master user's schema (not replicated), beside the lease:
# "building" from before the first pack script until the last one succeeded, then "built".
# build_mark OWNER STATE sets it; build_mark OWNER reads it into BUILD_STATE (none: never marked,
# e.g. a schema built before the marker existed, judged by its objects alone).
BUILD_TABLE=WSO2_APIM_SCHEMA_BUILD
build_mark() {
    local action=read state=${2:-}
    [[ -z $state ]] || action="write"
    applier_session "$MASTER_USER" "$MASTER_PASSWORD" "$(printf '%s\n' \
        "DEFINE build_action = $action" "DEFINE build_owner = '$1'" "DEFINE build_state = '${state:-none}'" \
        'SET SERVEROUTPUT ON' 'SET FEEDBACK OFF' 'SET VERIFY OFF' \
        'DECLARE' \
        '  v_state VARCHAR2(20);' \
        'BEGIN' \
        '  BEGIN' \
        "    EXECUTE IMMEDIATE 'CREATE TABLE $BUILD_TABLE (owner VARCHAR2(128) PRIMARY KEY, state VARCHAR2(20) NOT NULL, changed_at TIMESTAMP WITH TIME ZONE NOT NULL)';" \
        '  EXCEPTION' \
        '    WHEN OTHERS THEN' \
        '      IF SQLCODE <> -955 THEN RAISE; END IF;' \
        '  END;' \
        "  IF '&build_action' = 'write' THEN" \
        "    EXECUTE IMMEDIATE 'MERGE INTO $BUILD_TABLE b USING (SELECT :o AS owner FROM dual) n ON (b.owner = n.owner)'" \
        "      || ' WHEN MATCHED THEN UPDATE SET state = :s1, changed_at = SYSTIMESTAMP'" \
        "      || ' WHEN NOT MATCHED THEN INSERT (owner, state, changed_at) VALUES (:o2, :s2, SYSTIMESTAMP)'" \
        "      USING '&build_owner', '&build_state', '&build_owner', '&build_state';" \
        '    COMMIT;' \
        '  END IF;' \
        '  BEGIN' \
        "    EXECUTE IMMEDIATE 'SELECT state FROM $BUILD_TABLE WHERE owner = :o' INTO v_state USING '&build_owner';" \
        '  EXCEPTION' \
        "    WHEN NO_DATA_FOUND THEN v_state := 'none';" \
        '  END;' \
        "  DBMS_OUTPUT.PUT_LINE('BUILD STATE ' || v_state);" \
        'END;' \
        '/')" || {
        log_output "$SQL_OUTPUT"
        fail "cannot read or write the build marker of $1 in $MASTER_USER.$BUILD_TABLE"
    }
    [[ $SQL_OUTPUT =~ BUILD\ STATE\ ([a-z]+) ]] || fail "no build state of $1 in: $SQL_OUTPUT"
    BUILD_STATE=${BASH_REMATCH[1]}
}

# The pack's tables.sql then sequences.sql from directory $4 into schema $2 (password $3; $1 names
# it), between the build marks "building" and "built".
apply_pack() {
    local label=$1 user=$2 password=$3 dir=$4 expected=$5 script
    build_mark "$user" building
    for script in "$dir/tables.sql" "$dir/sequences.sql"; do
        STEP="$label schema: $script"
        log "applying $script to $user"
        # SQLBLANKLINES: WSO2's statements contain blank lines; DEFINE OFF: no & substitution in WSO2's text.
        if applier_session "$user" "$password" "$(printf '%s\n' 'SET DEFINE OFF' 'SET SQLBLANKLINES ON' 'SET ECHO OFF' 'SET FEEDBACK OFF' "@$script")"; then
            log_output "$SQL_OUTPUT"
        else
            log_output "$SQL_OUTPUT"
            schema_state "$user" "$password" "$expected" || true
            fail "$script failed in $user (SQL*Plus output above; $(schema_problems)). A PL/SQL unit whose / line is missing swallows the statements after it: npm run pack:check names it. The schema is partial; the next boot drops and rebuilds it while it holds no WSO2 data (docs/database.md)"
        fi
    done
    build_mark "$user" built
}

# Drops schema $2's objects (password $3; $1 names it; the pack scripts in $4) when it holds no
# WSO2 data (rebuild-empty-schema.sql), else stops the boot naming the tables that hold data.
rebuild_schema() {
    local label=$1 user=$2 password=$3 dir=$4 rows
    STEP="$label rebuild"
    rows=$(pack_rows "$dir/tables.sql" "$dir/sequences.sql")
    ((${#rows} <= 240)) || fail "the pack's scripts insert rows into too many tables for SQL*Plus (${#rows} characters of pack_rows, at most 240)"
    log "$label ($user) is partial ($(schema_problems)): dropping its objects if it holds no WSO2 data (rows beyond the pack's own: $rows)"
    if applier_session "$user" "$password" "@$SQL_DIR/parameters.sql"$'\n'"DEFINE pack_rows = '$rows'"$'\n'"@$SQL_DIR/rebuild-empty-schema.sql"; then
        log_output "$SQL_OUTPUT"
    else
        log_output "$SQL_OUTPUT"
        fail "$label ($user) is partial and holds WSO2 data, so it is never dropped: an operator must complete it by hand (docs/database.md)"
    fi
}

# Brings schema $2 (password $3; $1 names it, SHARED_DB or AM_DB, in the log) to the pack's objects
# and rows, from the pack's scripts in directory $4, then runs the project's remedies $5 for the
# pack's defects (every boot: each acts only when its defect is present). Every step is resumable:
#  - empty: the pack's scripts, marked "building" until both succeeded;
#  - marked "building" (an earlier boot stopped in the pack's scripts): dropped and rebuilt, since
#    what ran is committed but may lack objects or the pack's rows;
#  - otherwise the remedies, then judged by its objects: complete goes on; partial is dropped and
#    rebuilt once in this boot. A schema holding WSO2 data is never dropped (rebuild_schema).
initialise_schema() {
    local label=$1 user=$2 password=$3 dir=$4 remedies=$5 expected initial
    STEP="$label schema"
    expected=$(expected_objects "$dir/tables.sql" "$dir/sequences.sql")
    [[ -n $expected ]] || fail "found no CREATE TABLE, SEQUENCE or TRIGGER in $dir/tables.sql and $dir/sequences.sql"
    schema_state "$user" "$password" "$expected" || {
        log_output "$SQL_OUTPUT"
        fail "cannot read the objects of $user"
    }
    initial=$SCHEMA_STATE
    build_mark "$user"
    case $initial in
        empty) log "$label ($user) is empty: applying the pack's multi-DC scripts" ;;
        complete) log "$label ($user) already has every table, sequence and trigger of the pack: no pack DDL applied" ;;
        partial) log "$label ($user) lacks $MISSING_OBJECTS: the remedies may complete it" ;;
    esac
    if [[ $initial != empty && $BUILD_STATE == building ]]; then
        log "$label ($user): an earlier boot stopped while the pack's scripts ran"
        rebuild_schema "$label" "$user" "$password" "$dir"
        initial=empty
    fi
    [[ $initial != empty ]] || apply_pack "$label" "$user" "$password" "$dir" "$expected"
    STEP="$label remedies"
    run_script "$user" "$password" "$SQL_DIR/$remedies"
    schema_state "$user" "$password" "$expected" || {
        log_output "$SQL_OUTPUT"
        fail "cannot read the objects of $user"
    }
    if [[ $SCHEMA_STATE != complete && $initial != empty ]]; then
        rebuild_schema "$label" "$user" "$password" "$dir"
        initial=empty
        apply_pack "$label" "$user" "$password" "$dir" "$expected"
        STEP="$label remedies"
        run_script "$user" "$password" "$SQL_DIR/$remedies"
        schema_state "$user" "$password" "$expected" || {
            log_output "$SQL_OUTPUT"
            fail "cannot read the objects of $user"
        }
    fi
    if [[ $SCHEMA_STATE == complete ]]; then
        log "$label ($user) has every object of the pack"
    else
        fail "$label ($user) is not complete after the pack scripts and the remedies ($(schema_problems)): npm run pack:check names the pack's defect"
    fi
}

# The schema applier lease: one row in the master user's own schema (not replicated: GoldenGate
# captures AM_DB and SHARED_DB only), held by this boot ($LEASE_HOLDER) for LEASE_SECONDS from
# the database's clock. It spans the apply's many SQL*Plus sessions: every session that changes
# the database renews it first and is killed LEASE_MARGIN_SECONDS before that renewal could lapse
# (applier_session), so no change of ours runs while another applier may hold it. A node that dies
# stops renewing, and the lease lapses. A replacement node 1 that overlaps the old one waits.
LEASE_SECONDS=1800
# A session under the lease is killed this long before the lease it renewed would lapse.
LEASE_MARGIN_SECONDS=300
LEASE_HOLDER=""
# V$SESSION.MODULE of the sessions that change the database under the lease (ACTION: the holder).
APPLIER_MODULE=WSO2_APIM_APPLIER
lease_session() {
    sql_session "$MASTER_USER" "$MASTER_PASSWORD" "$(printf '%s\n' \
        "DEFINE lease_action = $1" "DEFINE lease_holder = '$LEASE_HOLDER'" "DEFINE lease_seconds = $LEASE_SECONDS" \
        'SET SERVEROUTPUT ON' 'SET FEEDBACK OFF' 'SET VERIFY OFF' \
        'DECLARE' \
        "  c_table CONSTANT VARCHAR2(30) := 'WSO2_APIM_APPLIER_LEASE';" \
        '  v_holder VARCHAR2(200);' \
        '  v_seconds NUMBER;' \
        '  v_space PLS_INTEGER;' \
        '  v_tablespace VARCHAR2(128);' \
        'BEGIN' \
        '  -- Room for the row: UNLIMITED TABLESPACE cannot come through a role such as DBA.' \
        "  SELECT COUNT(*) INTO v_space FROM session_privs WHERE privilege = 'UNLIMITED TABLESPACE';" \
        '  SELECT default_tablespace INTO v_tablespace FROM user_users;' \
        '  IF v_space = 0 THEN' \
        '    SELECT COUNT(*) INTO v_space FROM user_ts_quotas WHERE tablespace_name = v_tablespace AND max_bytes = -1;' \
        '  END IF;' \
        '  IF v_space = 0 THEN' \
        "    EXECUTE IMMEDIATE 'ALTER USER ' || DBMS_ASSERT.ENQUOTE_NAME(USER, FALSE) || ' QUOTA UNLIMITED ON ' || DBMS_ASSERT.ENQUOTE_NAME(v_tablespace, FALSE);" \
        '  END IF;' \
        '  BEGIN' \
        "    EXECUTE IMMEDIATE 'CREATE TABLE ' || c_table || ' (id NUMBER(1) PRIMARY KEY CHECK (id = 1), holder VARCHAR2(200) NOT NULL, expires_at TIMESTAMP WITH TIME ZONE NOT NULL)';" \
        '  EXCEPTION' \
        '    WHEN OTHERS THEN' \
        '      IF SQLCODE <> -955 THEN RAISE; END IF;' \
        '  END;' \
        "  IF '&lease_action' = 'acquire' THEN" \
        '    BEGIN' \
        "      EXECUTE IMMEDIATE 'INSERT INTO ' || c_table || ' (id, holder, expires_at) VALUES (1, :h, SYSTIMESTAMP + NUMTODSINTERVAL(:s, ''SECOND''))'" \
        "        USING '&lease_holder', &lease_seconds;" \
        '    EXCEPTION' \
        '      WHEN DUP_VAL_ON_INDEX THEN' \
        '        -- The row exists: take it only from ourselves, or from a holder whose lease lapsed and' \
        '        -- none of whose sessions still runs a call (the dynamic view of sessions, MODULE and ACTION: Oracle Database Reference 19c).' \
        "        EXECUTE IMMEDIATE 'UPDATE ' || c_table || ' SET holder = :h, expires_at = SYSTIMESTAMP + NUMTODSINTERVAL(:s, ''SECOND'')'" \
        "          || ' WHERE id = 1 AND (holder = :h2 OR (expires_at < SYSTIMESTAMP AND NOT EXISTS (SELECT 1 FROM v\$session s'" \
        "          || ' WHERE s.module = ''$APPLIER_MODULE'' AND s.action = holder)))' USING '&lease_holder', &lease_seconds, '&lease_holder';" \
        '    END;' \
        '    IF SQL%ROWCOUNT = 1 THEN' \
        "      DBMS_OUTPUT.PUT_LINE('LEASE ACQUIRED');" \
        '    ELSE' \
        '      -- The holder may release (delete the row) between our UPDATE and this read: without the' \
        '      -- handler that is ORA-01403 and the boot would fail; the caller tries again at once.' \
        '      BEGIN' \
        "        EXECUTE IMMEDIATE 'SELECT holder, ROUND((CAST(expires_at AS DATE) - CAST(SYSTIMESTAMP AS DATE)) * 86400) FROM ' || c_table || ' WHERE id = 1'" \
        '          INTO v_holder, v_seconds;' \
        "        DBMS_OUTPUT.PUT_LINE('LEASE HELD BY ' || v_holder || CASE WHEN v_seconds < 0 THEN ': LAPSED, BUT A SESSION OF IT STILL RUNS' ELSE ' FOR ' || v_seconds || ' MORE SECONDS' END);" \
        '      EXCEPTION' \
        '        WHEN NO_DATA_FOUND THEN' \
        "          DBMS_OUTPUT.PUT_LINE('LEASE RELEASED MEANWHILE');" \
        '      END;' \
        '    END IF;' \
        "  ELSIF '&lease_action' = 'renew' THEN" \
        "    EXECUTE IMMEDIATE 'UPDATE ' || c_table || ' SET expires_at = SYSTIMESTAMP + NUMTODSINTERVAL(:s, ''SECOND'') WHERE id = 1 AND holder = :h'" \
        "      USING &lease_seconds, '&lease_holder';" \
        '    IF SQL%ROWCOUNT = 0 THEN' \
        "      RAISE_APPLICATION_ERROR(-20301, 'the schema applier lease is no longer held by &lease_holder');" \
        '    END IF;' \
        "    DBMS_OUTPUT.PUT_LINE('LEASE RENEWED');" \
        '  ELSE' \
        "    EXECUTE IMMEDIATE 'DELETE FROM ' || c_table || ' WHERE id = 1 AND holder = :h' USING '&lease_holder';" \
        "    DBMS_OUTPUT.PUT_LINE('LEASE RELEASED');" \
        '  END IF;' \
        '  COMMIT;' \
        'END;' \
        '/')"
}

acquire_lease() {
    STEP="applier lease"
    # Unique per boot: the host name (one per instance) and this process.
    LEASE_HOLDER="${HOSTNAME%%.*}:$$"
    local waited=0 races=0
    while :; do
        lease_session acquire || {
            log_output "$SQL_OUTPUT"
            fail "cannot take the schema applier lease"
        }
        [[ $SQL_OUTPUT != *"LEASE ACQUIRED"* ]] || break
        if [[ $SQL_OUTPUT == *"LEASE RELEASED MEANWHILE"* ]] && ((++races <= 3)); then
            log "the schema applier lease was released while we asked for it: asking again"
            continue
        fi
        ((waited < SCHEMA_WAIT_SECONDS)) ||
            fail "another schema applier still holds the lease after ${SCHEMA_WAIT_SECONDS}s ($(tail -n 1 <<<"$SQL_OUTPUT")): is an older node 1 still applying?"
        log "another schema applier is at work ($(tail -n 1 <<<"$SQL_OUTPUT")); retrying in ${POLL_SECONDS}s"
        sleep "$POLL_SECONDS"
        waited=$((waited + POLL_SECONDS))
    done
    LEASE_HELD=true
    log "schema applier lease taken as $LEASE_HOLDER for ${LEASE_SECONDS}s"
}

renew_lease() {
    lease_session renew || {
        log_output "$SQL_OUTPUT"
        fail "lost the schema applier lease (another node 1 took it after it lapsed?): stopping before the next change"
    }
}

release_lease() {
    [[ $LEASE_HELD == true ]] || return 0
    LEASE_HELD=false
    lease_session release || log "could not release the schema applier lease; it lapses after ${LEASE_SECONDS}s"
}

apply_schemas() {
    acquire_lease
    STEP="users and grants"
    run_script "$MASTER_USER" "$MASTER_PASSWORD" "$SQL_DIR/01-users.sql" "$(printf 'DEFINE %s = "%s"\n' \
        am_db_password "$AM_DB_PASSWORD" shared_db_password "$SHARED_DB_PASSWORD" goldengate_password "$GOLDENGATE_PASSWORD" \
        checker_password "$CHECKER_PASSWORD")"

    STEP="GoldenGate prerequisites"
    if [[ $DB_PLATFORM == rds ]]; then
        run_script "$MASTER_USER" "$MASTER_PASSWORD" "$SQL_DIR/02-goldengate-prerequisites.sql"
    else
        log "self-managed database: supplemental and force logging, GoldenGate privileges and the checker's EXECUTE on SYS.DBMS_CRYPTO are set by the operator as SYSDBA (docs/database.md)"
    fi

    initialise_schema SHARED_DB "$SHARED_DB_USER" "$SHARED_DB_PASSWORD" "$PACK_DIR" remedies-shared-db.sql
    initialise_schema AM_DB "$AM_DB_USER" "$AM_DB_PASSWORD" "$PACK_DIR/apimgt" remedies-am-db.sql

    per_dc_and_verify
    release_lease
}

# The per-DC step and verify, for both schemas, then the GoldenGate exceptions tables, under the lease.
per_dc_and_verify() {
    STEP="per-DC step"
    rm -f "$INSTALL_FAILURES/sequence-floor"
    run_script "$SHARED_DB_USER" "$SHARED_DB_PASSWORD" "$SQL_DIR/03-per-dc.sql"
    run_script "$AM_DB_USER" "$AM_DB_PASSWORD" "$SQL_DIR/03-per-dc.sql"

    STEP="verify"
    run_script "$SHARED_DB_USER" "$SHARED_DB_PASSWORD" "$SQL_DIR/04-verify.sql" "DEFINE recompile = YES"
    run_script "$AM_DB_USER" "$AM_DB_PASSWORD" "$SQL_DIR/04-verify.sql" "DEFINE recompile = YES"

    # One exceptions table per WSO2 table for the Replicats' exceptions MAPs (docs/replication.md,
    # Conflicts), as the GoldenGate administrator, once both schemas are complete.
    STEP="GoldenGate exceptions tables"
    run_script "$GOLDENGATE_USER" "$GOLDENGATE_PASSWORD" "$SQL_DIR/05-goldengate-exceptions.sql"
}

# After the replication-ready flag, in a DC that is not the trusted source: the initial load has
# brought the trusted source's rows, among them keys on this DC's stripe (rows this DC made before
# a rebuild, seed rows) that its sequences would hand out again. The applier moves its sequences
# above them again (03-per-dc.sql) and verifies; the other nodes wait until verify passes, which
# it does only once the applier has done so. Only then may WSO2 start.
after_replication() {
    if [[ $SCHEMA_APPLIER == true ]]; then
        acquire_lease
        per_dc_and_verify
        release_lease
    else
        wait_for_schemas
    fi
}

# True when both schemas are complete and pass the read-only verify.
schemas_ready() {
    local user password dir
    for user in "$SHARED_DB_USER" "$AM_DB_USER"; do
        if [[ $user == "$SHARED_DB_USER" ]]; then
            password=$SHARED_DB_PASSWORD dir=$PACK_DIR
        else
            password=$AM_DB_PASSWORD dir=$PACK_DIR/apimgt
        fi
        schema_state "$user" "$password" "$(expected_objects "$dir/tables.sql" "$dir/sequences.sql")" || return 1
        [[ $SCHEMA_STATE == complete ]] || {
            SQL_OUTPUT="$user is $SCHEMA_STATE"
            return 1
        }
        sql_session "$user" "$password" "@$SQL_DIR/parameters.sql"$'\n'"DEFINE recompile = NO"$'\n'"@$SQL_DIR/04-verify.sql" || return 1
    done
}

wait_for_schemas() {
    STEP="wait for the schema applier"
    local waited=0
    until schemas_ready; do
        if ((waited >= SCHEMA_WAIT_SECONDS)); then
            log_output "$SQL_OUTPUT"
            fail "the schemas were not initialised and verified within ${SCHEMA_WAIT_SECONDS}s: see the boot log of node 1, the schema applier"
        fi
        log "schemas not ready yet ($(tail -n 1 <<<"$SQL_OUTPUT")); node 1 applies them; retrying in ${POLL_SECONDS}s"
        sleep "$POLL_SECONDS"
        waited=$((waited + POLL_SECONDS))
    done
    log "both schemas are initialised and verified"
}

write_runtime_env() {
    STEP="runtime environment"
    local kept
    kept=$(grep -Ev '^(APIM_DB_PASSWORD|SHARED_DB_PASSWORD)=' "$RUNTIME_ENV_FILE" 2>/dev/null) || true
    (
        umask 077
        printf '%s\nAPIM_DB_PASSWORD=%s\nSHARED_DB_PASSWORD=%s\n' "$kept" "$AM_DB_PASSWORD" "$SHARED_DB_PASSWORD" |
            sed '/^$/d' >"$RUNTIME_ENV_FILE.new"
    )
    chmod 0600 "$RUNTIME_ENV_FILE.new"
    mv "$RUNTIME_ENV_FILE.new" "$RUNTIME_ENV_FILE"
    log "APIM_DB_PASSWORD and SHARED_DB_PASSWORD written to $RUNTIME_ENV_FILE (0600)"
}

wait_for_replication() {
    STEP="replication-ready flag"
    if [[ $TRUSTED_SOURCE == true ]]; then
        log "this DC is the trusted source: WSO2 may start now"
        return
    fi
    local value errors="$WORK_DIR/ssm.err" waited=0
    while :; do
        if value=$(aws ssm get-parameter --region "$AWS_REGION" --name "$REPLICATION_READY_PARAMETER" --query Parameter.Value --output text 2>"$errors"); then
            if [[ $value == true ]]; then
                log "$REPLICATION_READY_PARAMETER is true: replication is in place, WSO2 may start"
                return
            fi
        elif grep -q ParameterNotFound "$errors"; then
            value="not set"
        else
            fail "cannot read SSM parameter $REPLICATION_READY_PARAMETER: $(cat "$errors")"
        fi
        if ((REPLICATION_WAIT_SECONDS > 0 && waited >= REPLICATION_WAIT_SECONDS)); then
            fail "$REPLICATION_READY_PARAMETER was not true within ${REPLICATION_WAIT_SECONDS}s"
        fi
        if ((waited % 300 < POLL_SECONDS)); then
            log "waiting for replication from the trusted source ($REPLICATION_READY_PARAMETER is $value); once the initial load and GoldenGate run, set it: aws ssm put-parameter --region $AWS_REGION --name $REPLICATION_READY_PARAMETER --value true --overwrite"
        fi
        sleep "$POLL_SECONDS"
        waited=$((waited + POLL_SECONDS))
    done
}

main() {
    log "starting (applier: $SCHEMA_APPLIER, trusted source: $TRUSTED_SOURCE)"
    check_parameters
    WORK_DIR=$(mktemp -d)
    install_client
    download_sql
    fetch_secrets
    wait_for_database
    if [[ $SCHEMA_APPLIER == true ]]; then
        apply_schemas
    else
        wait_for_schemas
    fi
    write_runtime_env
    wait_for_replication
    [[ $TRUSTED_SOURCE == true ]] || after_replication
    STEP=finished
    log "done"
}

main "$@"
