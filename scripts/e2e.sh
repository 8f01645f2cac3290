#!/usr/bin/env bash
# The end-to-end suite (e2e/): the built desk program driven with the keyboard and the mouse on
# a virtual display, at the two screen sizes offices have (1366×768 and 1024×768), with the
# command line checking the stores afterwards. E2E_SHOTS names a folder to keep the
# screenshots in (one sub-folder per screen size).
# Usage: scripts/e2e.sh BIN_DIR
set -euo pipefail
bin=$(cd "${1:?usage: e2e.sh BIN_DIR}" && pwd)
cd "$(dirname "$0")/.."
for screen in 1366x768 1024x768; do
  shots=""
  if [ -n "${E2E_SHOTS:-}" ]; then
    shots="$E2E_SHOTS/$screen"
    mkdir -p "$shots"
  fi
  echo "e2e: screen $screen"
  xvfb-run -a -s "-screen 0 ${screen}x24" env BHXH_E2E_DESK="$bin/bhxh-desk" BHXH_E2E_CLI="$bin/bhxh" \
    E2E_SHOTS="$shots" CGO_ENABLED=0 go test -count=1 -timeout 10m -v ./e2e/ 2>&1 |
    grep -v '^=== RUN\|Fyne error\|  Cause:\|  At:' 
done
