#!/usr/bin/env bash
# Starts the desk program on a virtual display and fails unless its window appears within the
# time limit. With a second argument it also saves a screenshot of the screen as PNG.
# Usage: scripts/smoke.sh BINARY [SCREENSHOT.png]   (DESK_ARGS: extra arguments for the program)
set -euo pipefail
bin=${1:?usage: smoke.sh BINARY [SCREENSHOT.png]}
shot=${2:-}
if [ -z "${SMOKE_INNER:-}" ]; then
  export SMOKE_INNER=1
  exec xvfb-run -a -s "-screen 0 1280x800x24" "$0" "$@"
fi
XDG_RUNTIME_DIR=$(mktemp -d)
export XDG_RUNTIME_DIR
home=$(mktemp -d)          # a clean profile: no stored preferences
mkdir -p "$home/.cache" "$home/.config"
# shellcheck disable=SC2086
HOME=$home "$bin" ${DESK_ARGS:-} >"$home/desk.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$home" "$XDG_RUNTIME_DIR"' EXIT
start=$(date +%s%N)
for _ in $(seq 1 300); do
  if ! kill -0 $pid 2>/dev/null; then
    echo "smoke: the program exited before showing a window:" >&2
    cat "$home/desk.log" >&2
    exit 1
  fi
  if wid=$(xdotool search --onlyvisible --pid "$pid" 2>/dev/null | head -1) && [ -n "$wid" ]; then
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    echo "smoke: window up after ${ms} ms"
    if [ -n "$shot" ]; then
      sleep 1.5   # let the first frames paint
      import -window "$wid" "$shot"
      echo "smoke: screenshot $shot"
    fi
    exit 0
  fi
  sleep 0.1
done
echo "smoke: no window within 30 s" >&2
cat "$home/desk.log" >&2
exit 1
