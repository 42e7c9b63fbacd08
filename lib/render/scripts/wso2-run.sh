#!/bin/bash
# wso2am.service's ExecStart: runs WSO2 3.1.0's wso2server.sh and exits with what systemd must see.
# wso2server.sh runs the JVM in `while [ "$status" = 121 ]; do java …; status=$?; done` and then
# ends, so it exits 0 whatever killed the JVM (product-apim v3.1.0 startup-scripts/wso2server.sh):
# systemd would see a clean exit. This wrapper knows whether systemd asked for the stop (its
# SIGTERM, sent to every process of the unit: KillMode=control-group) and exits 0 only then; any
# other end is a failure, logged to $RUN_LOG (shipped; the unexpected-exits alarm counts the line).
# Heap dumps: the script passes -XX:+HeapDumpOnOutOfMemoryError to repository/logs/heap-dump.hprof
# of its own (versioned) home; JAVA_OPTS, which comes after it, moves the dump to the unit's state
# directory, one for every version, and HotSpot never overwrites that file (O_EXCL), so there is at
# most one; JAVA_OPTS turns dumps off when the heap would not fit with a reserve left.
set -uo pipefail
# `--report <home>` is the unit's ExecStopPost: systemd runs it after every stop, also when a start
# failed before WSO2 ran (a refused trust check), with the unit's result in $SERVICE_RESULT
# (systemd.service(5), ExecStopPost=; systemd.exec(5)). One line per failed run, the one the alarm counts.
if [[ ${1:-} == --report ]]; then
    [[ ${SERVICE_RESULT:-success} == success ]] && exit 0
    printf '%s wso2-run: WSO2 UNIT FAILED (%s, %s %s)\n' "$(date -u +%FT%TZ)" "$SERVICE_RESULT" "${EXIT_CODE:-}" "${EXIT_STATUS:-}" \
        >>"${2:?usage: wso2-run --report <WSO2 home>}/repository/logs/wso2-run.log"
    exit 0
fi
# The WSO2 home (the unit passes it); the heap size comes from JVM_MEM_OPTS (runtime.env, -Xmx in MiB).
home=${1:?usage: wso2-run <WSO2 home>}
LOGS=$home/repository/logs
RUN_LOG=$LOGS/wso2-run.log
DUMP=${STATE_DIRECTORY:?the unit sets StateDirectory=}/heap-dump.hprof
# Left free on the volume after a dump of the whole heap: logs and the OS go on writing.
DUMP_RESERVE_MIB=4096
log() { printf '%s wso2-run: %s\n' "$(date -u +%FT%TZ)" "$*" | tee -a "$RUN_LOG" >&2; }

heap=${JVM_MEM_OPTS:-}
heap=${heap##*-Xmx}
heap=${heap%%[!0-9]*}
free=$(df -Pm "$STATE_DIRECTORY" | awk 'NR == 2 { print $4 }')
export JAVA_OPTS="${JAVA_OPTS:-} -XX:HeapDumpPath=$DUMP"
if [[ -e $DUMP ]]; then
    log "a heap dump is kept at $DUMP (none is written while it exists): copy it off the node and delete it"
elif [[ -z $heap || -z $free ]] || ((free < heap + DUMP_RESERVE_MIB)); then
    export JAVA_OPTS="${JAVA_OPTS:-} -XX:-HeapDumpOnOutOfMemoryError"
    log "heap dumps off: ${free:-?} MiB free, a ${heap:-?} MiB heap needs $((${heap:-0} + DUMP_RESERVE_MIB))"
fi

stop=""
trap 'stop=1' TERM INT
"$home/bin/wso2server.sh" &
child=$!
# A trapped signal ends `wait` early; wait again for the server's own end.
while :; do
    wait "$child"
    status=$?
    kill -0 "$child" 2>/dev/null || break
done
if [[ -n $stop ]]; then
    exit 0
fi
log "WSO2 ENDED WITHOUT A STOP REQUEST (wso2server.sh exit $status); systemd restarts it"
exit 1
