#!/bin/bash
# The GoldenGate hub's service script (goldengate-hub.service, goldengate-lag.timer).
# start (default), at every boot: first the hub's files again from its current user-data (as the
#   nodes' boot does: cloud-init writes them once per instance), then GoldenGate itself (from the AMI, or once from the installer in
#   S3), the parameter files from the boot bucket, the database credential from Secrets Manager
#   into the credential store, then the Manager, which starts every added group (AUTOSTART).
#   Groups are added by the operator (docs/replication.md): their order depends on the initial load.
# stop: stops every group, then the Manager, so that each checkpoints where it stands.
# publish-lag: puts how far behind every path into this DC is (the heartbeat's LAG or AGE, the
#   larger) as a CloudWatch metric.
# health: the hub's verdict for its health gate (health-signal.sh runs it every minute): SUCCESS
#   once this boot's start completed and the Manager and every added group run; FAILURE when the
#   start failed, or when the Manager or a group has not run for longer than AUTORESTART retries.
# Parameters come from hub.env (rendered by the Pulumi program, no secrets).
set -Eeuo pipefail

COMMAND=${1:-start}
# Tests point FILES_ROOT into a directory; on the hub it is empty.
ROOT=${FILES_ROOT:-}
HUB_ENV=${HUB_ENV:-$ROOT/etc/goldengate/hub.env}
SELF=$ROOT/usr/local/sbin/goldengate-hub-boot
# What this boot's start reached, for the health gate: /run is empty at every boot.
STATE=$ROOT/run/goldengate-hub
# shellcheck source=/dev/null
source "$HUB_ENV"

log() { printf '%s goldengate-hub: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"; }
fail() {
    log "FAILED: $*"
    [[ $COMMAND != start ]] || { mkdir -p "$STATE" && printf '%s\n' "$*" >"$STATE/failed"; }
    exit 1
}
trap 'fail "line ${LINENO}: ${BASH_COMMAND}"' ERR
# systemd ends a start that outlives TimeoutStartSec with SIGTERM (systemd.service(5)), which the ERR
# trap never sees: the start's failure is recorded all the same, for the health gate.
[[ $COMMAND != start ]] || trap 'fail "stopped by systemd before the start completed (TimeoutStartSec): last step ${BASH_COMMAND}"' TERM

# GGSCI reads its commands on stdin, so that no password is ever on a command line.
# Always with TZ=UTC, whatever this process inherited: the Manager that START MANAGER starts, and the
# groups it starts ("Manager is the controller process that instantiates the Oracle GoldenGate
# processes", Administering Oracle GoldenGate, Overview of the Manager Process), keep the time zone
# of GGSCI's environment (tzset(3)), and @DATENOW () "returns the current date and time … in local
# time" (Reference 19c, @DATENOW) into EXC_AT, which the purge compares with the database's UTC
# (sql/05-goldengate-exceptions.sql). The unit's Environment=TZ=UTC does not reach every start: after
# an upgrade, the old unit's process runs the new script in its own environment (refresh_files).
ggsci() { (cd "$OGG_HOME" && runuser -u "$OGG_USER" -- env TZ=UTC ./ggsci); }

# IMDSv2: a session token, then the path.
imds() {
    local token
    token=$(curl -sSf --connect-timeout 2 --max-time 10 -X PUT http://169.254.169.254/latest/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 300') &&
        curl -sSf --connect-timeout 2 --max-time 10 -H "X-aws-ec2-metadata-token: $token" "http://169.254.169.254/latest/$1"
}

# cloud-init runs write_files once per instance, and a `pulumi up` that changed the hub's
# user-data (adding a DC changes its parameters) stops and starts it (the AWS provider's userData
# update): writes each file of the current user-data whose content differs, atomically, reloads
# systemd, and runs a changed script in place of this one. PyYAML is there: cloud-init needs it.
refresh_files() {
    local attempt user_data changed
    for attempt in 1 2 3 4 5; do
        user_data=$(imds user-data) && break
        ((attempt < 5)) || fail "cannot read the user-data from instance metadata"
        sleep $((5 * 2 ** (attempt - 1)))
    done
    changed=$(FILES_ROOT=$ROOT python3 -c '@WRITE_USER_DATA_FILES@' <<<"$user_data") || fail "the user-data is not a cloud-config with write_files"
    if [[ -z $changed ]]; then
        log "files match the current user-data"
        return
    fi
    log "files rewritten from the current user-data: ${changed//$'\n'/ }"
    systemctl daemon-reload
    if grep -qx /usr/local/sbin/goldengate-hub-boot <<<"$changed"; then
        log "the script itself changed; running the new one"
        HUB_FILES_FRESH=1 exec "$SELF" start
    fi
    # shellcheck source=/dev/null
    source "$HUB_ENV"
}

# dnf fails for passing reasons (a mirror, the network): 5 attempts, pausing 5, 10, 20, 40 s.
retry_dnf() {
    local attempt
    for attempt in 1 2 3 4 5; do
        dnf install -y -q "$@" && return
        ((attempt < 5)) || fail "dnf install $* failed 5 times"
        sleep $((5 * 2 ** (attempt - 1)))
    done
}

create_user() {
    getent passwd "$OGG_USER" >/dev/null || useradd --system --create-home --shell /bin/bash "$OGG_USER"
    install -d -o "$OGG_USER" -g "$OGG_USER" "$OGG_HOME" "$INVENTORY_DIR"
}

# An install interrupted midway (a reboot, a timeout) leaves a partial home that has ggsci: the
# marker beside the home says so, and the next start installs again from an empty home.
install_goldengate() {
    local incomplete staging installer actual
    incomplete=$(dirname "$OGG_HOME")/.goldengate-install-incomplete
    if [[ -x "$OGG_HOME/ggsci" && ! -e $incomplete ]]; then
        log "GoldenGate already in $OGG_HOME"
        return
    fi
    [[ -n "$INSTALLER_S3_URI" ]] ||
        fail "no GoldenGate in $OGG_HOME and no installer: use an AMI that has it or set goldengateInstallerS3Uri"
    if [[ -e $incomplete ]]; then
        log "an earlier install into $OGG_HOME did not finish: installing again into an empty home"
        find "$OGG_HOME" "$INVENTORY_DIR" -mindepth 1 -delete
    fi
    log "installing GoldenGate from $INSTALLER_S3_URI"
    retry_dnf unzip libaio libnsl
    # One fixed staging place: a start after a failed one removes what that left.
    staging=$ROOT/var/tmp/goldengate-install
    rm -rf "$staging"
    mkdir -p "$staging"
    aws s3 cp --only-show-errors "$INSTALLER_S3_URI" "$staging/goldengate.zip" ||
        fail "goldengateInstallerS3Uri: cannot download $INSTALLER_S3_URI"
    if [[ -n $INSTALLER_SHA256 ]]; then
        actual=$(sha256sum "$staging/goldengate.zip" | cut -d' ' -f1)
        [[ $actual == "$INSTALLER_SHA256" ]] ||
            fail "goldengateInstallerSha256: $INSTALLER_S3_URI has SHA-256 $actual, not $INSTALLER_SHA256"
    fi
    unzip -q "$staging/goldengate.zip" -d "$staging"
    # -quit, not `| head -n 1`: under pipefail, find dies of SIGPIPE if it finds more after head left.
    installer=$(find "$staging" -name runInstaller -type f -print -quit)
    [[ -n "$installer" ]] || fail "goldengateInstallerS3Uri: $INSTALLER_S3_URI holds no runInstaller (is it the GoldenGate for Oracle installer zip?)"
    cat >"$staging/goldengate.rsp" <<RSP
oracle.install.responseFileVersion=/oracle/install/rspfmt_ogginstall_response_schema_v19_1_0
INSTALL_OPTION=ORA19c
SOFTWARE_LOCATION=$OGG_HOME
START_MANAGER=false
INVENTORY_LOCATION=$INVENTORY_DIR
UNIX_GROUP_NAME=$OGG_USER
RSP
    chown -R "$OGG_USER:$OGG_USER" "$staging"
    : >"$incomplete"
    runuser -u "$OGG_USER" -- "$installer" -silent -waitforcompletion -responseFile "$staging/goldengate.rsp"
    [[ -x "$OGG_HOME/ggsci" ]] || fail "goldengateInstallerS3Uri: the installer did not put ggsci in $OGG_HOME"
    rm -f "$incomplete"
    rm -rf "$staging"
}

# The hub's memory and disk use (its trails pile up on the root volume while a peer is away). Not a
# reason to keep replication down: without the agent (an image whose repositories lack it) the
# hub's host alarms, which count missing data as breaching, say so.
start_host_metrics() {
    if ! command -v amazon-cloudwatch-agent-ctl >/dev/null; then
        dnf install -y -q amazon-cloudwatch-agent ||
            { log "WARNING: cannot install amazon-cloudwatch-agent: no memory or disk metrics"; return 0; }
    fi
    amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c "file:$CLOUDWATCH_AGENT_CONFIG" >/dev/null ||
        log "WARNING: the CloudWatch agent did not start: no memory or disk metrics"
}

fetch_files() {
    log "copying the parameter files from $FILES_S3_PREFIX"
    printf 'CREATE SUBDIRS\n' | ggsci >/dev/null
    aws s3 cp --recursive --only-show-errors "$FILES_S3_PREFIX" "$OGG_HOME/"
    chown -R "$OGG_USER:$OGG_USER" "$OGG_HOME/GLOBALS" "$OGG_HOME/dirprm"
}

# The secret holds the plain password or {"password": "..."} (docs/database.md, Interfaces).
store_credential() {
    local secret password verb=ADD
    secret=$(aws secretsmanager get-secret-value --region "$AWS_REGION" --secret-id "$SECRET_ID" --query SecretString --output text)
    password=$(printf '%s' "$secret" | python3 -c 'import json,sys
text = sys.stdin.read()
try:
    print(json.loads(text)["password"])
except (ValueError, TypeError, KeyError):
    print(text)')
    # ALTER CREDENTIALSTORE needs the store; ADD CREDENTIALSTORE creates it in dircrd/ (Reference, ADD CREDENTIALSTORE).
    if [[ ! -f "$OGG_HOME/dircrd/cwallet.sso" ]]; then
        log "creating the credential store"
        printf 'ADD CREDENTIALSTORE\n' | ggsci >/dev/null
    fi
    # A stored alias gets the secret's password again (REPLACE: a rotation), a missing one is added.
    if stored_alias; then
        verb=REPLACE
    fi
    log "storing alias $CREDENTIAL_ALIAS ($DB_USER@$DB_CONNECT) in domain $CREDENTIAL_DOMAIN ($verb)"
    # printf is a builtin: the password reaches GGSCI through the pipe only.
    printf '%s\n' "ALTER CREDENTIALSTORE $verb USER $DB_USER@$DB_CONNECT PASSWORD $password ALIAS $CREDENTIAL_ALIAS DOMAIN $CREDENTIAL_DOMAIN" |
        ggsci >/dev/null
    stored_alias || fail "alias $CREDENTIAL_ALIAS is not in the credential store"
}

# Whether the hub's domain holds the alias: INFO CREDENTIALSTORE lists one "Alias: <name>" line each
# (Reference, INFO CREDENTIALSTORE). GGSCI's whole report is read before it is searched: under
# pipefail, `ggsci | grep -q` fails when grep stops reading at its match and GGSCI, still writing,
# dies of SIGPIPE, so a stored alias would look missing (ADD, not REPLACE: a rotation never stored).
stored_alias() {
    local report
    report=$(printf 'INFO CREDENTIALSTORE DOMAIN %s\n' "$CREDENTIAL_DOMAIN" | ggsci) ||
        fail "GGSCI cannot list the credential store (INFO CREDENTIALSTORE DOMAIN $CREDENTIAL_DOMAIN)"
    grep -Eq "^[[:space:]]*Alias: ${CREDENTIAL_ALIAS}[[:space:]]*\$" <<<"$report"
}

start_manager() {
    log "starting the Manager (it starts every added group)"
    printf 'START MANAGER\n' | ggsci
}

# A normal stop is not restarted by AUTORESTART; groups resume from their checkpoints at the next start.
stop_groups() {
    log "stopping every group, then the Manager"
    printf 'STOP ER *\nSTOP MANAGER!\n' | ggsci
}

# GGSCI's LAG REPLICAT, once logged in, reads the heartbeat tables: one line per path, LAG, AGE,
# FROM, TO, PATH, e.g. "5.77s  10m 22.87s  APIMDB  APIMDB  EBTOA ==> PBTOA ==> RBTOA" (Reference 19c,
# LAG REPLICAT). LAG is how long the newest heartbeat that arrived took to travel the path: it stays
# as it was while none arrives. AGE is how old that heartbeat is now: it grows by a minute every
# minute while none arrives (heartbeats are written every 60 s: ADD HEARTBEATTABLE). The metric is
# the larger of the two, so a stalled path's value keeps growing and its alarm fires; a row whose AGE
# cannot be read is not published (the warning alarm treats the silence as breaching). The first
# group of the path (E<letter>TO…) names the origin; a path's worst row counts.
publish_lag() {
    local report
    report=$(printf 'DBLOGIN USERIDALIAS %s DOMAIN %s\nLAG REPLICAT *\n' "$CREDENTIAL_ALIAS" "$CREDENTIAL_DOMAIN" | ggsci)
    printf '%s\n' "$report" | awk -v letters="$DATACENTER_LETTERS" '
        BEGIN { n = split(letters, pairs, " "); for (i = 1; i <= n; i++) { split(pairs[i], kv, "="); dc[kv[1]] = kv[2] } }
        /==>/ {
            durations = 0; sum = 0; origin = ""
            for (i = 1; i <= NF; i++) {
                # A duration is one or more of "<n>d", "<n>h", "<n>m", ending with "<n>s".
                if (durations < 2 && $i ~ /^[0-9.]+[dhms]$/) {
                    unit = substr($i, length($i)); value = substr($i, 1, length($i) - 1)
                    sum += value * (unit == "d" ? 86400 : unit == "h" ? 3600 : unit == "m" ? 60 : 1)
                    if (unit == "s") { seconds[++durations] = sum; sum = 0 }
                }
                if (origin == "" && $i ~ /^E[A-Z]TO[A-Z]$/) origin = substr($i, 2, 1)
            }
            if (durations < 2 || !(origin in dc)) next
            behind = seconds[1] > seconds[2] ? seconds[1] : seconds[2]
            if (!(origin in worst) || behind > worst[origin]) worst[origin] = behind
        }
        END { for (o in worst) print dc[o], worst[o] }' |
        while read -r source seconds; do
            aws cloudwatch put-metric-data --region "$AWS_REGION" --namespace "$LAG_NAMESPACE" --metric-name "$LAG_METRIC" \
                --unit Seconds --value "$seconds" --dimensions "$LAG_SOURCE_DIMENSION=$source,$LAG_TARGET_DIMENSION=$DATACENTER_ID"
        done
}

# GGSCI's INFO ALL: "Program Status Group …" then one line per process, e.g. "MANAGER RUNNING",
# "REPLICAT ABENDED RBTOA 00:00:00 00:10:02"; a status is STARTING, RUNNING, STOPPED or ABENDED
# (Reference for Oracle GoldenGate 19c, INFO ALL and INFO ER). RUNNING only says a process has
# started: one that abends soon after each AUTORESTART is RUNNING between restarts. So a process
# counts as up once it has been RUNNING at every check for HEALTH_SETTLE_SECONDS (longer than
# AUTORESTART's wait), and as down once it has not been RUNNING for HEALTH_GRACE_SECONDS (all of
# AUTORESTART's attempts), each measured from the first check that saw it so (marks in $STATE).
health() {
    local report processes process status mark now late="" unsettled="" groups=0
    if [[ -s $STATE/failed ]]; then
        # The unit restarts a failed start (Restart=on-failure) up to HUB_START_ATTEMPTS times.
        (($(cat "$STATE/attempts" 2>/dev/null || echo 0) >= HUB_START_ATTEMPTS)) || return 0
        echo "FAILURE the hub's start failed $HUB_START_ATTEMPTS times: $(head -n 1 "$STATE/failed") (fix it, then restart the hub: docs/replication.md)"
        return
    fi
    [[ -e $STATE/started ]] || return 0
    report=$(printf 'INFO ALL\n' | ggsci) || return 0
    processes=$(awk '$1 == "MANAGER" { print "MANAGER", $2 } ($1 == "EXTRACT" || $1 == "REPLICAT") && NF >= 3 { print $3, $2 }' <<<"$report")
    # No Manager line: not an INFO ALL report; decide nothing.
    grep -q '^MANAGER ' <<<"$processes" || return 0
    now=$(date +%s)
    mkdir -p "$STATE/running" "$STATE/not-running"
    while read -r process status; do
        [[ $process == MANAGER ]] || groups=$((groups + 1))
        if [[ $status == RUNNING ]]; then
            rm -f "$STATE/not-running/$process"
            mark=$STATE/running/$process
        else
            rm -f "$STATE/running/$process"
            mark=$STATE/not-running/$process
        fi
        [[ -e $mark ]] || printf '%s\n' "$now" >"$mark"
        if [[ $status != RUNNING ]]; then
            ((now - $(<"$mark") < HEALTH_GRACE_SECONDS)) || late+=" $process $status"
            unsettled=yes
        elif ((now - $(<"$mark") < HEALTH_SETTLE_SECONDS)); then
            unsettled=yes
        fi
    done <<<"$processes"
    if [[ -n $late ]]; then
        echo "FAILURE not running after ${HEALTH_GRACE_SECONDS} s:$late (see dirrpt/ and ggserr.log)"
    elif [[ -z $unsettled ]]; then
        echo "SUCCESS the Manager and its $groups groups have run for ${HEALTH_SETTLE_SECONDS} s"
    fi
}

case "$COMMAND" in
    start)
        rm -rf "$STATE/started" "$STATE/failed" "$STATE/running" "$STATE/not-running"
        mkdir -p "$STATE"
        # This boot's attempts since the last success (the changed script's own run is the same attempt).
        [[ -n ${HUB_FILES_FRESH:-} ]] || echo $(($(cat "$STATE/attempts" 2>/dev/null || echo 0) + 1)) >"$STATE/attempts"
        [[ -n ${HUB_FILES_FRESH:-} ]] || refresh_files
        # At every start, not only cloud-init's first: a hub from before the gate or the divergence check gets its timer here.
        systemctl enable --now --no-block "$GATE_SIGNAL_TIMER"
        start_host_metrics
        systemctl enable --now --no-block "$DIVERGENCE_TIMER"
        create_user
        install_goldengate
        fetch_files
        store_credential
        start_manager
: >"$STATE/started"
        rm -f "$STATE/attempts"
        log "ready: set up the paths with the obey files of dirprm/ (docs/replication.md)"
        ;;
    stop) stop_groups ;;
    publish-lag) publish_lag ;;
    health) health ;;
    *) fail "unknown command $COMMAND (start, stop, publish-lag, health)" ;;
esac
