#!/usr/bin/env bash
# Runs a command as one stage of a longer run and prints how long it took:
# "== stage NAME: 12.3 s" (to see where CI's minutes go). Usage: scripts/timed.sh NAME CMD…
set -uo pipefail
name=${1:?usage: timed.sh NAME CMD…}
shift
start=$(date +%s%N)
echo "== stage $name"
"$@"
status=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
printf '== stage %s: %d.%d s%s\n' "$name" $((ms / 1000)) $((ms % 1000 / 100)) "$([ $status -eq 0 ] || echo " (failed: exit $status)")"
exit $status
