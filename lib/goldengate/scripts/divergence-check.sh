#!/bin/bash
# The divergence check (docs/replication.md § Divergence), run by goldengate-divergence.timer on
# every hub; only the trusted source's hub compares, the others stop at once.
#
# For each table of the table list it compares every replication-ready DC with the trusted source,
# chunk by chunk of the primary key (CHUNK_ROWS rows of the trusted source, bounds found by the
# key's order): the row count and the sum of a hash of each row's columns, LOBs included. A chunk
# that differs is listed row by row on both sides (key, row hash). After RECHECK_DELAY_SECONDS,
# longer than a healthy path's lag, the chunk is listed again, and only rows that differ both times
# with the same values on each side count: a difference replication was still carrying has gone or
# changed by then (Oracle GoldenGate Veridata's confirm-out-of-sync step). A table without a primary
# key is compared in one chunk, by count and hash, and counts when neither side changed between the
# two looks.
# It publishes per compared DC: DivergentTables (tables with a persistent difference) and
# UncheckedTables (tables it could not compare).
# Then, in the trusted source and every compared DC, it counts the natural identities WSO2 keeps
# unique only by reading before it inserts (natural-keys.tsv: a user name of a tenant, an
# application's subscription to an API) that more than one row holds: the same sign-up made in two
# DCs within the lag replicates both rows everywhere, which no comparison across DCs can see. It
# publishes DuplicateNaturalKeyTables per DC, the trusted source's included (its UncheckedTables
# then counts the natural-key queries that failed there), and ExceptionRows: the rows in each DC's
# GoldenGate exceptions tables, which the daily purge job bounds, and ExceptionsPurgeFailures: 1
# when that job's latest run failed or is too old.
#
# Parameters: check.env, tables.tsv and natural-keys.tsv beside this script (lib/goldengate/divergence.ts; no
# secrets). The checker's passwords come from Secrets Manager and reach SQL*Plus on stdin only.
set -Eeuo pipefail
export LC_ALL=C

HERE=$(cd "$(dirname "$0")" && pwd)
# systemd's StateDirectory=; the launcher downloads this script into its current/ folder.
STATE=${STATE_DIRECTORY:-$(dirname "$HERE")}
# shellcheck source=/dev/null
source "$HERE/check.env"
WORK=$(mktemp -d)
STAGING=""
trap 'rm -rf "$WORK" ${STAGING:+"$STAGING"}' EXIT
SECRETS=()

redact() {
    local text=$1 secret
    for secret in "${SECRETS[@]}"; do
        text=${text//"$secret"/[redacted]}
    done
    printf '%s' "$text"
}
log() { TZ=UTC printf '%(%Y-%m-%dT%H:%M:%SZ)T goldengate-divergence: %s\n' -1 "$(redact "$*")"; }
fail() {
    log "FAILED: $*"
    exit 1
}
trap 'fail "line ${LINENO}: ${BASH_COMMAND}"' ERR
now() { printf '%(%s)T' -1; }
NL=$'\n'

# Instant Client (SQL*Plus) from the zips the nodes use (oracleClientZips, or the pinned defaults
# for the hub's architecture), each checked against its SHA-256, in a directory named after them.
install_client() {
    local id entry sha url file unpacked old
    id=$(printf '%s' "$ORACLE_CLIENT_ZIPS" | sha256sum | cut -c1-16)
    CLIENT_HOME=$STATE/instantclient-$id
    [[ ! -x $CLIENT_HOME/sqlplus ]] || return 0
    log "installing Oracle Instant Client $id into $CLIENT_HOME"
    rpm -q libaio libnsl unzip >/dev/null 2>&1 || dnf install -y -q libaio libnsl unzip || fail "dnf install libaio libnsl unzip failed"
    STAGING=$(mktemp -d "$STATE/staging-XXXXXX")
    for entry in $ORACLE_CLIENT_ZIPS; do
        sha=${entry%%:*} url=${entry#*:}
        file=$STAGING/$(basename "$url")
        case $url in
            s3://*) aws s3 cp --only-show-errors --region "$AWS_REGION" "$url" "$file" ;;
            *) curl -fsSL --retry 5 --connect-timeout 10 --max-time 600 -o "$file" "$url" ;;
        esac || fail "oracleClientZips: cannot download $url"
        [[ $(sha256sum "$file" | cut -d' ' -f1) == "$sha" ]] || fail "oracleClientZips: $url does not have the configured SHA-256 $sha"
        unzip -q -o "$file" -d "$STAGING/unpacked" || fail "oracleClientZips: $url is not a zip"
    done
    unpacked=("$STAGING"/unpacked/instantclient_*)
    [[ -x ${unpacked[0]}/sqlplus ]] || fail "oracleClientZips: the zips hold no instantclient_*/sqlplus (the Basic and SQL*Plus packages are needed)"
    mv -T "${unpacked[0]}" "$CLIENT_HOME"
    for old in "$STATE"/instantclient-*; do
        [[ $old == "$CLIENT_HOME" ]] || rm -rf "$old"
    done
}

# SQL*Plus output: rows only, one a line, never wrapped, no trailing blanks. Comparisons and the
# key order are binary, numbers print with a '.', and time zones in UTC, so every database formats
# and orders alike. Set here because the client's NLS_LANG overrides the instance's values (Oracle
# Database Reference 19c, NLS_COMP: BINARY "comparisons in the WHERE clause … is binary unless you
# specify the NLSSORT function"; "This initial value is overridden by a client-side value if the
# client … is OCI-based and the NLS_LANG client setting … is defined").
SESSION="SET HEADING OFF
SET PAGESIZE 0
SET FEEDBACK OFF
SET VERIFY OFF
SET TAB OFF
SET TRIMOUT ON
SET LINESIZE 32767
ALTER SESSION SET NLS_SORT = BINARY;
ALTER SESSION SET NLS_COMP = BINARY;
ALTER SESSION SET NLS_NUMERIC_CHARACTERS = '.,';
ALTER SESSION SET TIME_ZONE = '+00:00';"

declare -A CONNECT CHECKER_PASSWORDS
# run_sql DC FILE SQL: runs SQL as the checker in DC's database, its rows into FILE. On an ORA- or
# SP2- error, a failed login or no answer within QUERY_TIMEOUT_SECONDS: status 1, LAST_ERROR says why.
run_sql() {
    local dc=$1 file=$2 status=0
    LAST_ERROR=""
    # printf is a builtin: the password reaches SQL*Plus through the pipe only.
    {
        printf 'WHENEVER SQLERROR EXIT FAILURE\nWHENEVER OSERROR EXIT FAILURE\nSET DEFINE OFF\n'
        printf 'CONNECT %s/"%s"@//%s\n' "$CHECKER_USER" "${CHECKER_PASSWORDS[$dc]}" "${CONNECT[$dc]}"
        printf '%s\n%s\nEXIT\n' "$SESSION" "$3"
    } | LD_LIBRARY_PATH=$CLIENT_HOME NLS_LANG=AMERICAN_AMERICA.AL32UTF8 \
        timeout --kill-after=10 "$QUERY_TIMEOUT_SECONDS" "$CLIENT_HOME/sqlplus" -S -L /nolog >"$file" 2>&1 || status=$?
    if ((status == 124 || status == 137)); then
        LAST_ERROR="no answer within ${QUERY_TIMEOUT_SECONDS}s"
    elif ((status != 0)) || grep -Eq '(^|[^A-Z0-9])(ORA|SP2)-[0-9]{4,5}' "$file"; then
        LAST_ERROR=$(redact "$(grep -E -m 1 '(ORA|SP2)-[0-9]{4,5}' "$file" || echo "SQL*Plus exit status $status")")
    fi
    [[ -z $LAST_ERROR ]]
}

# The password of a checker secret ($2, in region $1): the plain password or {"password": "..."}.
read_password() {
    local secret password
    secret=$(aws secretsmanager get-secret-value --region "$1" --secret-id "$2" --query SecretString --output text 2>&1) ||
        { LAST_ERROR="cannot read secret $2 in $1: ${secret//$'\n'/ }"; return 1; }
    password=$(printf '%s' "$secret" | python3 -c 'import json, sys
text = sys.stdin.read()
try:
    print(json.loads(text)["password"])
except (ValueError, TypeError, KeyError):
    print(text)')
    # Generated as 30 letters, digits and _ (components/stack-secrets.ts ORACLE_PASSWORD).
    [[ $password =~ ^[A-Za-z0-9_]{1,30}$ ]] || { LAST_ERROR="secret $2: the password is not 1 to 30 letters, digits and _"; return 1; }
    PASSWORD_READ=$password
}

TRUSTED=""
COMPARED=()
declare -A DIVERGENT UNCHECKED UNAVAILABLE
# Every DC: its connection and checker; a DC other than the trusted source only once its
# replication-ready flag is true (before, its database is being loaded and differs by design).
prepare_datacenters() {
    local entry id region connect secret ready flag
    for entry in $DATACENTERS; do
        IFS='|' read -r id region connect secret ready <<<"$entry"
        CONNECT[$id]=$connect
        if [[ $id != "$TRUSTED_SOURCE" ]]; then
            if flag=$(aws ssm get-parameter --region "$region" --name "$ready" --query Parameter.Value --output text 2>"$WORK/ssm.err"); then
                :
            elif grep -q ParameterNotFound "$WORK/ssm.err"; then
                flag="not set"
            else
                flag="unreadable ($(head -n 1 "$WORK/ssm.err"))"
            fi
            if [[ $flag != true ]]; then
                log "$id is not compared: $ready is $flag (not replication-ready)"
                continue
            fi
            COMPARED+=("$id")
        else
            TRUSTED=$id
        fi
        if read_password "$region" "$secret"; then
            CHECKER_PASSWORDS[$id]=$PASSWORD_READ
            SECRETS+=("$PASSWORD_READ")
        else
            UNAVAILABLE[$id]=$LAST_ERROR
        fi
    done
    [[ -n $TRUSTED ]] || fail "DATACENTERS does not list the trusted source $TRUSTED_SOURCE"
}

# What the row hash takes of a column of this data type; nothing (status 1) for the types it
# cannot hash. Oracle Database 19c SQL Language Reference, STANDARD_HASH: "The expr cannot be a
# LONG or LOB type. It cannot be a user-defined object type. All other data types are supported"
# (https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/STANDARD_HASH.html).
# Numbers and datetimes go through TO_CHAR with an explicit format, so the hash is of the same text
# in every database; ORA_HASH is not used: Oracle does not say two databases hash alike.
column_text() {
    local q="\"$1\""
    case $2 in
        VARCHAR2 | CHAR | NVARCHAR2 | NCHAR | RAW) printf '%s' "$q" ;;
        NUMBER | FLOAT | BINARY_FLOAT | BINARY_DOUBLE) printf "TO_CHAR(%s, 'TM9')" "$q" ;;
        DATE) printf "TO_CHAR(%s, 'SYYYY-MM-DD HH24:MI:SS')" "$q" ;;
        "TIMESTAMP("*") WITH TIME ZONE") printf "TO_CHAR(%s, 'SYYYY-MM-DD HH24:MI:SS.FF9 TZR')" "$q" ;;
        "TIMESTAMP("*) printf "TO_CHAR(%s, 'SYYYY-MM-DD HH24:MI:SS.FF9')" "$q" ;;
        "INTERVAL "*) printf 'TO_CHAR(%s)' "$q" ;;
        *) return 1 ;;
    esac
}

# The hash term of a LOB column (BLOB, CLOB, NCLOB); nothing (status 1) for other types.
# STANDARD_HASH refuses LOBs, so a LOB goes through DBMS_CRYPTO.HASH, which has a BLOB and a
# "CLOB CHARACTER SET ANY_CS" overload (so NCLOB too), each returning RAW, callable from SQL (Oracle
# Database 19c PL/SQL Packages and Types Reference, DBMS_CRYPTO, HASH Function). 3 is HASH_SH1 (the
# package's constants cannot be named in SQL, only in PL/SQL). The checker needs EXECUTE on
# SYS.DBMS_CRYPTO (sql/02-goldengate-prerequisites.sql on RDS; docs/database.md on a self-managed
# host); without it the query fails and the table counts as unchecked, never as equal.
# A LOB column has three states: NULL (no locator), empty (a locator, length 0: EMPTY_CLOB(),
# EMPTY_BLOB()) and data; "IS NULL" is false for an empty LOB and DBMS_LOB.GETLENGTH returns 0
# for it (Oracle Database SecureFiles and Large Objects Developer's Guide, "NULL and Empty LOB:
# Semantics Difference between LOBs and VARCHAR2"). So NULL is 'N', empty 'E', and only a LOB
# with data is hashed (what HASH does with a zero-length LOB is not documented). CASE stops at the
# first true condition ("Oracle Database uses short-circuit evaluation": SQL Language Reference,
# CASE Expressions), so neither function sees a NULL. A CLOB is hashed as text, not as stored bytes
# (My Oracle Support 760247.1: a CLOB's hash differs from that of its bytes in a single-byte
# character set); every DC's RDS instance is AL32UTF8 with the default national character set.
lob_term() {
    local q="\"$1\""
    case $2 in
        BLOB | CLOB | NCLOB) printf "CASE WHEN %s IS NULL THEN 'N' WHEN DBMS_LOB.GETLENGTH(%s) = 0 THEN 'E' ELSE RAWTOHEX(DBMS_CRYPTO.HASH(%s, 3)) END" "$q" "$q" "$q" ;;
        *) return 1 ;;
    esac
}

# The key columns' SQL literals, as the trusted source writes them for a chunk bound: numbers in
# TM9, strings quoted with their quotes doubled. Other key types: no bounds (one chunk).
key_literal() {
    local q="\"$1\""
    case $2 in
        NUMBER | FLOAT) printf "TO_CHAR(%s, 'TM9')" "$q" ;;
        VARCHAR2 | CHAR) printf "'''' || REPLACE(%s, '''', '''''') || ''''" "$q" ;;
        *) return 1 ;;
    esac
}

# key_beyond LITERALS FIRST LAST: the key (KEYQ) is past the bound LITERALS (an array's name) in the
# key's order, FIRST being < or > and LAST the operator of the last column (> or <=). The first
# column's own bound comes first, so the database can range-scan the key's index.
key_beyond() {
    local -n _literals=$1
    local first=$2 last=$3 i=$((${#KEYQ[@]} - 1)) expression lead
    expression="${KEYQ[i]} $last ${_literals[i]}"
    for ((i = i - 1; i >= 0; i--)); do
        expression="(${KEYQ[i]} $first ${_literals[i]} OR (${KEYQ[i]} = ${_literals[i]} AND $expression))"
    done
    if ((${#KEYQ[@]} > 1)); then
        lead=$([[ $first == ">" ]] && echo ">=" || echo "<=")
        expression="${KEYQ[0]} $lead ${_literals[0]} AND $expression"
    fi
    printf '%s' "$expression"
}

# chunk_where LOWER UPPER: the chunk (LOWER, UPPER] (array names; empty: open), as a WHERE clause.
chunk_where() {
    local -n _lower=$1 _upper=$2
    local parts=()
    ((${#_lower[@]} == 0)) || parts+=("$(key_beyond "$1" ">" ">")")
    ((${#_upper[@]} == 0)) || parts+=("$(key_beyond "$2" "<" "<=")")
    ((${#parts[@]} == 0)) || printf '\nWHERE %s' "${parts[0]}${parts[1]:+ AND ${parts[1]}}"
}

# The upper bound of the chunk after LOWER: the key of its CHUNK_ROWS-th row in the trusted source,
# one literal a line; none at the end. SQL Language Reference 19c, SELECT, row_limiting_clause:
# "For consistent results, specify the order_by_clause to ensure a deterministic sort order".
# A key holding a line break never bounds a chunk: its literal would not come back as one line.
bound_sql() {
    local -n _after=$1
    local conditions=() select=() i where=""
    ((${#_after[@]} == 0)) || conditions+=("$(key_beyond "$1" ">" ">")")
    for i in "${!KEYQ[@]}"; do
        [[ ${KEYTYPE[i]} != *CHAR* ]] || conditions+=("INSTR(${KEYQ[i]}, CHR(10)) = 0 AND INSTR(${KEYQ[i]}, CHR(13)) = 0")
        select+=("SELECT $((i + 1)) AS p, ${KEYLITERAL[i]} AS v FROM b")
    done
    if ((${#conditions[@]})); then
        where=" WHERE ${conditions[0]}"
        for ((i = 1; i < ${#conditions[@]}; i++)); do where+=" AND ${conditions[i]}"; done
    fi
    printf 'WITH b AS (SELECT %s FROM %s%s ORDER BY %s OFFSET %d ROWS FETCH NEXT 1 ROWS ONLY)\n' \
        "$KEYLIST" "$TABLEQ" "$where" "$KEYLIST" $((CHUNK_ROWS - 1))
    printf 'SELECT v FROM (%s' "${select[0]}"
    for ((i = 1; i < ${#select[@]}; i++)); do printf '\nUNION ALL %s' "${select[i]}"; done
    printf ') ORDER BY p;\n'
}

# Count and hash sum of a chunk: the first 15 hex digits (60 bits) of each row's hash as a number
# (number format element X), summed exactly in NUMBER, so the order of rows does not matter.
# Every SQL here is written a column a line: SQL*Plus takes input lines of at most 2,499 characters
# (SQL*Plus User's Guide and Reference, "SQL*Plus Limits": command-line length 2500 characters).
checksum_sql() {
    printf "SELECT TO_CHAR(COUNT(*), 'TM9') || ' ' || TO_CHAR(NVL(SUM(TO_NUMBER(SUBSTR(RAWTOHEX(%s), 1, 15), 'XXXXXXXXXXXXXXX')), 0), 'TM9')\nFROM %s%s;\n" \
        "$ROWHASH" "$TABLEQ" "$1"
}

# A chunk's rows: the key (hex of each key column's text) and the row hash, one row a line.
listing_sql() {
    printf "SELECT %s || ' ' || RAWTOHEX(%s)\nFROM %s%s;\n" "$KEYTOKEN" "$ROWHASH" "$TABLEQ" "$1"
}

# row_diff TRUSTED SPOKE: "key trusted-hash spoke-hash" (- for a missing row) of every row that differs.
row_diff() {
    awk 'FILENAME == ARGV[1] { t[$1] = $2; next }
        { s[$1] = $2 }
        END {
            for (k in t) if (!(k in s)) print k, t[k], "-"; else if (s[k] != t[k]) print k, t[k], s[k]
            for (k in s) if (!(k in t)) print k, "-", s[k]
        }' "$1" "$2" | sort
}

unchecked() {
    local dc
    for dc in "$@"; do
        [[ -n ${UNCHECKED["$dc $TABLE"]:-} ]] || log "$dc $TABLE: not compared: $LAST_ERROR"
        UNCHECKED["$dc $TABLE"]=1
    done
}

SUSPECTS=0
# Records a chunk of TABLE that differs in DC for the second look: its SQL, when it was seen, and
# the rows that differ (or, without a key, both sides' count and hash).
suspect() {
    local dc=$1 where=$2 trusted_sum=$3 spoke_sum=$4 dir
    dir=$WORK/suspect.$((++SUSPECTS))
    mkdir "$dir"
    printf '%s\n' "$dc" >"$dir/dc"
    printf '%s\n' "$TABLE" >"$dir/table"
    checksum_sql "$where" >"$dir/checksum.sql"
    if ((${#KEYQ[@]})); then
        listing_sql "$where" >"$dir/listing.sql"
        if ! run_sql "$TRUSTED" "$dir/trusted" "$(<"$dir/listing.sql")"; then unchecked "${ACTIVE[@]}"; return 1; fi
        if ! run_sql "$dc" "$dir/spoke" "$(<"$dir/listing.sql")"; then unchecked "$dc"; return 0; fi
        row_diff "$dir/trusted" "$dir/spoke" >"$dir/first"
    else
        printf '%s %s\n' "$trusted_sum" "$spoke_sum" >"$dir/first"
    fi
    now >"$dir/seen"
}

# Pass 1 over one table of the list: OWNER TABLE PRIMARY-KEY LOB-COLUMNS (comma lists, - for none).
compare_table() {
    local owner=$1 table=$2 key=$3 lobs=$4 name type text literal terms=() skipped=() keys=() i dc
    TABLE=$owner.$table
    TABLEQ="\"$owner\".\"$table\""
    local -A types=()
    while IFS='|' read -r name type; do types[$name]=$type; done < <(awk -F'|' -v o="$owner" -v t="$table" '$1 == o && $2 == t { print $3 "|" $4 }' "$WORK/columns")
    if ((${#types[@]} == 0)); then
        log "$TABLE: not in the trusted source's schema; not compared"
        return
    fi
    # The columns in the dictionary's order, LOBs included (the dictionary's type decides how each
    # is hashed); only types without a hash (LONG, LONG RAW, BFILE, XMLTYPE, objects) are left out.
    # The cost: a LOB is read whole for its hash, so a chunk of a LOB table reads up to CHUNK_ROWS
    # LOBs in each database (REG_CONTENT's resources, say); a chunk that takes longer than
    # QUERY_TIMEOUT_SECONDS makes the table unchecked for that run (UncheckedTables), never equal.
    while IFS='|' read -r name type; do
        if text=$(lob_term "$name" "$type"); then
            terms+=("$text")
        elif text=$(column_text "$name" "$type"); then
            [[ ,$lobs, != *",$name,"* ]] || log "$TABLE: $name is listed as a LOB but is $type in the trusted source; hashed as $type"
            terms+=("CASE WHEN \"$name\" IS NULL THEN 'N' ELSE RAWTOHEX(STANDARD_HASH($text, 'SHA1')) END")
        else
            skipped+=("$name")
        fi
    done < <(awk -F'|' -v o="$owner" -v t="$table" '$1 == o && $2 == t { print $3 "|" $4 }' "$WORK/columns")
    ((${#skipped[@]} == 0)) || log "$TABLE: not hashed: ${skipped[*]} (a type without a hash)"
    # Each column's hash is 40 hex digits; their concatenation must fit VARCHAR2's 4000 bytes.
    if ((${#terms[@]} > MAX_HASHED_COLUMNS)); then
        LAST_ERROR="${#terms[@]} columns to hash, more than the $MAX_HASHED_COLUMNS that fit in one row hash"
        unchecked "${ACTIVE[@]}"
        return
    fi
    ROWHASH="STANDARD_HASH($NL${terms[0]}"
    for ((i = 1; i < ${#terms[@]}; i++)); do ROWHASH+="$NL|| ${terms[i]}"; done
    ROWHASH+="$NL, 'SHA1')"

    KEYQ=() KEYTYPE=() KEYLITERAL=() KEYTOKEN="" KEYLIST=""
    local ranged=true
    [[ $key == - ]] || IFS=, read -r -a keys <<<"$key"
    for name in "${keys[@]}"; do
        type=${types[$name]:-}
        if [[ -z $type ]] || ! text=$(column_text "$name" "$type"); then
            LAST_ERROR="key column $name is not in the table or has no hashable type"
            unchecked "${ACTIVE[@]}"
            return
        fi
        KEYQ+=("\"$name\"")
        KEYTYPE+=("$type")
        KEYTOKEN+="${KEYTOKEN:+$NL|| '.' || }RAWTOHEX($text)"
        KEYLIST+="${KEYLIST:+, }\"$name\""
        if literal=$(key_literal "$name" "$type"); then KEYLITERAL+=("$literal"); else ranged=false; fi
    done
    ((${#KEYQ[@]})) || ranged=false

    local lower=() upper=() where trusted_sum spoke_sum chunks=0
    while :; do
        upper=()
        if [[ $ranged == true ]]; then
            if ! run_sql "$TRUSTED" "$WORK/bound" "$(bound_sql lower)"; then unchecked "${ACTIVE[@]}"; return; fi
            mapfile -t upper < <(grep -v '^$' "$WORK/bound" || true)
        fi
        where=$(chunk_where lower upper)
        chunks=$((chunks + 1))
        if ! run_sql "$TRUSTED" "$WORK/sum" "$(checksum_sql "$where")"; then unchecked "${ACTIVE[@]}"; return; fi
        trusted_sum=$(<"$WORK/sum")
        for dc in "${ACTIVE[@]}"; do
            [[ -z ${UNCHECKED["$dc $TABLE"]:-} ]] || continue
            if ! run_sql "$dc" "$WORK/sum" "$(checksum_sql "$where")"; then unchecked "$dc"; continue; fi
            spoke_sum=$(<"$WORK/sum")
            [[ $spoke_sum != "$trusted_sum" ]] || continue
            suspect "$dc" "$where" "$trusted_sum" "$spoke_sum" || return
        done
        ((${#upper[@]})) || break
        # Read through the namerefs of bound_sql and chunk_where, which shellcheck does not follow.
        # shellcheck disable=SC2034
        lower=("${upper[@]}")
        ((CHUNK_PAUSE_SECONDS == 0)) || sleep "$CHUNK_PAUSE_SECONDS"
    done
    log "$TABLE: $chunks chunk(s) compared"
}

# Pass 2: each chunk that differed, RECHECK_DELAY_SECONDS after it was seen.
confirm() {
    local dir dc wait trusted_sum spoke_sum rows
    for ((i = 1; i <= SUSPECTS; i++)); do
        dir=$WORK/suspect.$i
        [[ -s $dir/first ]] || continue
        dc=$(<"$dir/dc") TABLE=$(<"$dir/table")
        [[ -z ${UNCHECKED["$dc $TABLE"]:-} && -z ${DIVERGENT["$dc $TABLE"]:-} ]] || continue
        wait=$(($(<"$dir/seen") + RECHECK_DELAY_SECONDS - $(now)))
        ((wait <= 0)) || sleep "$wait"
        if ! run_sql "$TRUSTED" "$dir/sum.trusted" "$(<"$dir/checksum.sql")"; then unchecked "$dc"; continue; fi
        if ! run_sql "$dc" "$dir/sum.spoke" "$(<"$dir/checksum.sql")"; then unchecked "$dc"; continue; fi
        trusted_sum=$(<"$dir/sum.trusted") spoke_sum=$(<"$dir/sum.spoke")
        if [[ $trusted_sum == "$spoke_sum" ]]; then
            log "$dc $TABLE: a chunk that differed is now equal (in flight)"
            continue
        fi
        if [[ -f $dir/listing.sql ]]; then
            if ! run_sql "$TRUSTED" "$dir/trusted" "$(<"$dir/listing.sql")"; then unchecked "$dc"; continue; fi
            if ! run_sql "$dc" "$dir/spoke" "$(<"$dir/listing.sql")"; then unchecked "$dc"; continue; fi
            rows=$(row_diff "$dir/trusted" "$dir/spoke" | comm -12 "$dir/first" - | wc -l)
            if ((rows == 0)); then
                log "$dc $TABLE: the rows that differed have been replicated or changed since (in flight)"
                continue
            fi
            log "$dc $TABLE: $rows row(s) differ from the trusted source, unchanged after ${RECHECK_DELAY_SECONDS}s"
        elif [[ "$trusted_sum $spoke_sum" == "$(<"$dir/first")" ]]; then
            log "$dc $TABLE: count or hash differs from the trusted source, unchanged after ${RECHECK_DELAY_SECONDS}s (no primary key: compared whole)"
        else
            log "$dc $TABLE: differs, but changed since the first look; not counted (no primary key to compare row by row)"
            continue
        fi
        DIVERGENT["$dc $TABLE"]=1
    done
}

declare -A DUPLICATED DUPLICATES_COUNTED
# Duplicate natural keys (natural-keys.tsv: OWNER TABLE COLUMN,COLUMN) in DC: per table, how many
# identities more than one row holds. Rows that are both in one database stay there (replication
# adds, it never merges), so one look settles it: no second look after the lag. Only counts are
# logged: a user name is personal data.
check_duplicates() {
    local dc=$1 owner table columns groups list name
    local -a names
    while read -r owner table columns; do
        [[ -n $owner ]] || continue
        TABLE=$owner.$table
        IFS=, read -r -a names <<<"$columns"
        # lower:COLUMN: WSO2 compares it without regard to case (UM_USER_NAME: LOWER(UM_USER_NAME)=LOWER(?)).
        list=""
        for name in "${names[@]}"; do
            if [[ $name == lower:* ]]; then list+="LOWER(\"${name#lower:}\"), "; else list+="\"$name\", "; fi
        done
        columns=${columns//lower:/}
        if ! run_sql "$dc" "$WORK/duplicates" "SELECT TO_CHAR(COUNT(*), 'TM9')
FROM (SELECT 1 FROM \"$owner\".\"$table\" GROUP BY ${list%, } HAVING COUNT(*) > 1);"; then
            unchecked "$dc"
            continue
        fi
        groups=$(tr -d '[:space:]' <"$WORK/duplicates")
        [[ $groups =~ ^[0-9]+$ ]] || { LAST_ERROR="unexpected answer to the duplicate count: $groups"; unchecked "$dc"; continue; }
        if ((groups > 0)); then
            log "$dc $TABLE: $groups value(s) of ($columns) held by more than one row (duplicate natural key; docs/operations.md#duplicate-natural-keys)"
            DUPLICATED["$dc $TABLE"]=$groups
        fi
    done <"$HERE/natural-keys.tsv"
    DUPLICATES_COUNTED[$dc]=1
}

declare -A EXCEPTION_ROWS
# Rows in DC's exceptions tables (EXCEPTIONS_OWNER.EX_*), summed; one statement per 100 tables, a
# line each, so no statement comes near SQL*Plus's limits (SQL*Plus User's Guide and Reference,
# "SQL*Plus Limits"). Not counted (nothing published) when the checker sees none or a query fails:
# the log says why.
count_exceptions() {
    local dc=$1 table first sql rows=0 part i
    local -a tables
    if ! run_sql "$dc" "$WORK/extables" "SELECT table_name FROM all_tables WHERE owner = '$EXCEPTIONS_OWNER' AND table_name LIKE 'EX\_%' ESCAPE '\' ORDER BY table_name;"; then
        log "$dc: exceptions tables not counted: $LAST_ERROR"
        return
    fi
    mapfile -t tables < <(grep -E '^EX_[A-Z0-9_$#]+$' "$WORK/extables" || true)
    if ((${#tables[@]} == 0)); then
        log "$dc: no exceptions table of $EXCEPTIONS_OWNER is visible to $CHECKER_USER (05-goldengate-exceptions.sql grants SELECT); not counted"
        return
    fi
    for ((i = 0; i < ${#tables[@]}; i += 100)); do
        sql="SELECT TO_CHAR(NVL(SUM(n), 0), 'TM9') FROM (" first=1
        for table in "${tables[@]:i:100}"; do
            sql+="$NL$( ((first)) || printf 'UNION ALL ')SELECT COUNT(*) AS n FROM \"$EXCEPTIONS_OWNER\".\"$table\""
            first=0
        done
        sql+="$NL);"
        if ! run_sql "$dc" "$WORK/exrows" "$sql"; then
            log "$dc: exceptions tables not counted: $LAST_ERROR"
            return
        fi
        part=$(tr -d '[:space:]' <"$WORK/exrows")
        [[ $part =~ ^[0-9]+$ ]] || { log "$dc: unexpected answer to the exceptions count: $part"; return; }
        rows=$((rows + part))
    done
    log "$dc: $rows row(s) in ${#tables[@]} exceptions table(s)"
    EXCEPTION_ROWS[$dc]=$rows
}

declare -A PURGE_FAILED
# The daily purge job of DC's exceptions tables (sql/05-goldengate-exceptions.sql): its latest run
# as the job recorded it in EXCEPTIONS_OWNER.PURGE_EXCEPTIONS_RUNS (RUN_AT in UTC). 1 when that run
# FAILED, when it is older than PURGE_MAX_AGE_HOURS (the job stopped running: disabled, broken,
# dropped), or when the checker cannot read it; 0 otherwise. The log says which.
check_purge() {
    local dc=$1 answer status at age
    if ! run_sql "$dc" "$WORK/purge" "SELECT status || '|' || TO_CHAR(run_at, 'YYYY-MM-DD HH24:MI:SS') FROM \"$EXCEPTIONS_OWNER\".\"PURGE_EXCEPTIONS_RUNS\"
WHERE run_at = (SELECT MAX(run_at) FROM \"$EXCEPTIONS_OWNER\".\"PURGE_EXCEPTIONS_RUNS\") ORDER BY status;"; then
        log "$dc: exceptions purge not verified: $LAST_ERROR"
        PURGE_FAILED[$dc]=1
        return
    fi
    # FAILED sorts first: a failure and a success in the same second count as a failure.
    answer=$(grep -E -m 1 '^[A-Z]+\|[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$' "$WORK/purge" || true)
    if [[ -z $answer ]]; then
        log "$dc: exceptions purge not verified: no run recorded in $EXCEPTIONS_OWNER.PURGE_EXCEPTIONS_RUNS"
        PURGE_FAILED[$dc]=1
        return
    fi
    status=${answer%%|*} at=${answer#*|}
    # In seconds: whole hours (rounded down) would let 36 h 59 min pass a 36 h limit.
    age=$(($(date -u +%s) - $(date -u -d "$at" +%s)))
    if [[ $status == FAILED ]]; then
        log "$dc: the exceptions purge failed at $at UTC (its error: $EXCEPTIONS_OWNER.PURGE_EXCEPTIONS_RUNS, USER_SCHEDULER_JOB_RUN_DETAILS)"
        PURGE_FAILED[$dc]=1
    elif ((age > PURGE_MAX_AGE_HOURS * 3600)); then
        log "$dc: the exceptions purge last ran $((age / 3600))h $((age % 3600 / 60))min ago ($status at $at UTC), more than ${PURGE_MAX_AGE_HOURS}h: the job is not running"
        PURGE_FAILED[$dc]=1
    else
        log "$dc: exceptions purge $status at $at UTC"
        PURGE_FAILED[$dc]=0
    fi
}

put_metric() {
    aws cloudwatch put-metric-data --region "$AWS_REGION" --namespace "$METRIC_NAMESPACE" --metric-name "$1" \
        --unit Count --value "$2" --dimensions "$METRIC_DIMENSION=$3"
}

publish() {
    local dc key divergent unchecked duplicated names
    for dc in "$TRUSTED" "${COMPARED[@]}"; do
        divergent=0 unchecked=0 duplicated=0 names=""
        for key in "${!DIVERGENT[@]}"; do
            [[ $key != "$dc "* ]] || { divergent=$((divergent + 1)) names+=" ${key#* }"; }
        done
        for key in "${!UNCHECKED[@]}"; do
            [[ $key != "$dc "* ]] || unchecked=$((unchecked + 1))
        done
        for key in "${!DUPLICATED[@]}"; do
            [[ $key != "$dc "* ]] || duplicated=$((duplicated + 1))
        done
        if [[ $dc == "$TRUSTED" ]]; then
            log "$dc (trusted source): $duplicated table(s) with duplicate natural keys; $unchecked table(s) not checked"
        else
            log "$dc: $divergent divergent table(s)${names:+:$names}; $duplicated table(s) with duplicate natural keys; $unchecked table(s) not compared"
            put_metric "$DIVERGENT_METRIC" "$divergent" "$dc"
        fi
        put_metric "$UNCHECKED_METRIC" "$unchecked" "$dc"
        # Only where the count ran: a DC that could not be asked is in UncheckedTables instead.
        [[ -z ${DUPLICATES_COUNTED[$dc]:-} ]] || put_metric "$DUPLICATE_METRIC" "$duplicated" "$dc"
        [[ -z ${EXCEPTION_ROWS[$dc]:-} ]] || put_metric "$EXCEPTION_ROWS_METRIC" "${EXCEPTION_ROWS[$dc]}" "$dc"
        [[ -z ${PURGE_FAILED[$dc]:-} ]] || put_metric "$PURGE_FAILURES_METRIC" "${PURGE_FAILED[$dc]}" "$dc"
    done
}

main() {
    if [[ $DATACENTER_ID != "$TRUSTED_SOURCE" ]]; then
        log "this hub is $DATACENTER_ID's; only the trusted source's ($TRUSTED_SOURCE) compares"
        return
    fi
    install_client
    prepare_datacenters
    local owner table key lobs owners dc entry all_tables
    mapfile -t TABLES <"$HERE/tables.tsv"
    all_tables=$(awk '{ print $1 "." $2 }' "$HERE/tables.tsv")
    owners=$(awk '{ print "'\''" $1 "'\''" }' "$HERE/tables.tsv" | sort -u | paste -sd, -)
    if [[ -n ${UNAVAILABLE[$TRUSTED]:-} ]] ||
        ! run_sql "$TRUSTED" "$WORK/columns" "SELECT owner || '|' || table_name || '|' || column_name || '|' || data_type FROM all_tab_columns WHERE owner IN ($owners) ORDER BY owner, table_name, column_id;"; then
        LAST_ERROR=${UNAVAILABLE[$TRUSTED]:-$LAST_ERROR}
        for TABLE in $all_tables; do unchecked "${COMPARED[@]}"; done
        while read -r owner table _; do
            [[ -z $owner ]] || { TABLE=$owner.$table; unchecked "$TRUSTED"; }
        done <"$HERE/natural-keys.tsv"
        publish
        fail "cannot read the trusted source's tables: $LAST_ERROR"
    fi
    # A DC whose checker cannot log in: every table of it is not compared.
    ACTIVE=()
    for dc in "${COMPARED[@]}"; do
        if [[ -z ${UNAVAILABLE[$dc]:-} ]]; then
            ACTIVE+=("$dc")
            continue
        fi
        LAST_ERROR=${UNAVAILABLE[$dc]}
        for TABLE in $all_tables; do unchecked "$dc"; done
    done
    # Tables the trusted source has that the list does not: named, so that a gap in the list shows.
    awk -F'|' '{ print $1 "." $2 }' "$WORK/columns" | sort -u | comm -23 - <(sort -u <<<"$all_tables") | while read -r table; do
        log "$table: not in the table list; not compared"
    done
    if ((${#ACTIVE[@]})); then
        for entry in "${TABLES[@]}"; do
            read -r owner table key lobs <<<"$entry"
            compare_table "$owner" "$table" "$key" "$lobs"
        done
        confirm
    fi
    for dc in "$TRUSTED" "${ACTIVE[@]}"; do
        check_duplicates "$dc"
        count_exceptions "$dc"
        check_purge "$dc"
    done
    publish
}

main "$@"
