#!/bin/bash
# goldengate-divergence.service: fetches the divergence check (its script, parameters, table list
# and natural keys) from the boot bucket at every run, so that a `pulumi up` reaches the next run without a
# restart of the hub, then runs it (docs/replication.md § Divergence). They travel through S3, not
# user-data: with them the hub's user-data would pass EC2's 16 KB.
set -euo pipefail
# shellcheck source=/dev/null
source "${HUB_ENV:-/etc/goldengate/hub.env}"
current=${STATE_DIRECTORY:-/var/lib/goldengate-divergence}/current
rm -rf "$current"
mkdir -p "$current"
# One object at a time: the hub's role may read these objects, not list their prefix.
for name in divergence-check.sh check.env tables.tsv natural-keys.tsv; do
    aws s3 cp --only-show-errors --region "$AWS_REGION" "$DIVERGENCE_S3_PREFIX$name" "$current/$name"
done
exec bash "$current/divergence-check.sh"
