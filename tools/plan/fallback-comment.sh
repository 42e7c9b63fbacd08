#!/usr/bin/env bash
# The offline-plan comment when the composer (tools/plan/comment-cli.ts) wrote none: the pull
# request's `npm ci` failed (so Node has no packages to run the composer with), or the composer
# itself could not start. Plain bash and coreutils, no package: it runs whatever the install did.
# It says which step failed, at which commit and when, with the end of that step's log, so the
# sticky comment is replaced and an earlier plan never passes for current (issue 23).
#
# Usage: fallback-comment.sh <comment.md>; reads HEAD_SHA, RUN_URL and the step outcomes
# INSTALL_OUTCOME, HEAD_OUTCOME, COMPOSE_OUTCOME (GitHub's: success, failure, cancelled, skipped)
# and the logs npm-ci-head.log, plan-head.log in the working directory.
set -euo pipefail

out=${1:?usage: fallback-comment.sh <comment.md>}
if [[ -s "$out" ]]; then
    echo "$out was written by the composer; nothing to do"
    exit 0
fi

what="The offline plan comment could not be composed"
log=""
if [[ "${INSTALL_OUTCOME:-}" == "failure" ]]; then
    what="npm ci failed for this pull request"
    log=npm-ci-head.log
elif [[ "${HEAD_OUTCOME:-}" == "failure" ]]; then
    what="npm run plan failed for this pull request, and composing the comment failed too"
    log=plan-head.log
elif [[ "${COMPOSE_OUTCOME:-}" == "failure" ]]; then
    what="Composing the plan comment failed before it wrote anything"
fi

{
    echo "## Offline plan"
    echo
    echo "> [!CAUTION]"
    echo "> **${what}** at ${HEAD_SHA:0:7} ($(date -u +%Y-%m-%dT%H:%M:%SZ)): there is no plan comment for this commit, and any earlier one is out of date."
    echo
    echo "Steps: npm ci ${INSTALL_OUTCOME:-not run}, plan ${HEAD_OUTCOME:-not run}, compose ${COMPOSE_OUTCOME:-not run}."
    if [[ -n "$log" && -s "$log" ]]; then
        echo
        echo "Last lines of ${log}:"
        echo
        tail_text=$(tail -n 40 "$log" | tail -c 8000)
        # A tilde fence is closed only by a line of at least as many tildes, indented up to three
        # spaces (CommonMark 0.31.2, 4.5 "Fenced code blocks"; backticks never close it): the fence
        # is one tilde longer than the longest run of tildes anywhere in the log, as fenced() in
        # tools/plan/comment.ts does with backticks.
        longest=$(printf '%s\n' "$tail_text" | { grep -o '~\+' || true; } | awk '{ if (length($0) > n) n = length($0) } END { print n + 0 }')
        fence=$(printf '%*s' "$(( longest < 3 ? 4 : longest + 1 ))" '' | tr ' ' '~')
        echo "${fence}text"
        printf '%s\n' "$tail_text"
        echo "$fence"
    fi
    echo
    echo "The logs are in the job's output: ${RUN_URL:-this run}."
} > "$out"
echo "$out: fallback notice ($what)"
