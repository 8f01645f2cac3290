#!/usr/bin/env bash
# Cold start of the desk program to the first frame of its sign-in screen, on a virtual display
# (scripts/coldstart): an office's store is made with the command line first, so the program
# opens on the sign-in as it does in an office. Prints each run, the median and the best, and
# fails when the median is 0.5 s or more.
# Usage: scripts/bench-desk.sh BIN_DIR [RUNS]   (BIN_DIR holds bhxh-desk and bhxh)
set -euo pipefail
bin=$(cd "${1:?usage: bench-desk.sh BIN_DIR [RUNS]}" && pwd)
runs=${2:-9}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
BHXH_PASSWORD=matkhau-demo-2026 "$bin/bhxh" --data "$work/data" init --province 01 --commune 00004 \
  --agency 01001 --admin admin >/dev/null
cd "$root"
CGO_ENABLED=0 go run ./scripts/coldstart --bin "$bin/bhxh-desk" --data "$work/data" --runs "$runs"
