#!/usr/bin/env bash
# The desk program's Windows build under Wine on a virtual display (1366×768, the offices'
# screens): an office made with the Windows command line, then bhxh-desk.exe must show its
# sign-in window (the title says "Đăng nhập"), sign an administrator in with the keyboard (the
# title then names the office and the account) and quit with Ctrl+Q. Fails otherwise.
# Usage: scripts/wine/desk-smoke.sh DESK.EXE BHXH.EXE PREFIX [SCREENSHOT.png]
set -euo pipefail
desk=${1:?usage: desk-smoke.sh DESK.EXE BHXH.EXE PREFIX [SCREENSHOT.png]}
cli=${2:?}
prefix=${3:?}
shot=${4:-}
if [ -z "${WINE_SMOKE_INNER:-}" ]; then
  export WINE_SMOKE_INNER=1
  exec xvfb-run -a -s "-screen 0 1366x768x24" "$0" "$@"
fi
export WINEPREFIX=$prefix WINEDEBUG=-all
log=$(mktemp)
trap 'wineserver -k 2>/dev/null || true; rm -f "$log"' EXIT
wineserver -w # the stage before's Wine server has exited (see test.sh)
rm -rf "$prefix/drive_c/desk-smoke"
export BHXH_PASSWORD=matkhau-windows-2026
BHXH_USER=admin wine "$cli" --data 'C:\desk-smoke' init --province 01 --commune 00004 --agency 01001 --admin admin \
  --device K7 --name "Bảo hiểm xã hội cơ sở Ba Đình" >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
wine "$desk" --data 'C:\desk-smoke' >"$log" 2>&1 &
start=$(date +%s)
wait_title() { # wait_title PATTERN SECONDS: the id of a visible window whose title matches
  local end=$(( $(date +%s) + $2 ))
  while [ "$(date +%s)" -lt "$end" ]; do
    wid=$(xdotool search --onlyvisible --name "$1" 2>/dev/null | head -1 || true)
    [ -n "$wid" ] && return 0
    sleep 0.3
  done
  echo "wine-smoke: no window titled /$1/ within $2 s; windows:" >&2
  for w in $(xdotool search --onlyvisible --name . 2>/dev/null); do xdotool getwindowname "$w" >&2 || true; done
  cat "$log" >&2
  return 1
}
wait_title "Đăng nhập" 120
echo "wine-smoke: the sign-in window is up after $(( $(date +%s) - start )) s: $(xdotool getwindowname "$wid")"
xdotool windowactivate "$wid" 2>/dev/null || xdotool windowfocus "$wid" 2>/dev/null || true
sleep 2
[ -n "$shot" ] && import -window root "$shot" && echo "wine-smoke: screenshot $shot"
xdotool type --delay 40 admin
xdotool key Tab
xdotool type --delay 40 "$BHXH_PASSWORD"
xdotool key Return
wait_title "01001 · admin" 60
echo "wine-smoke: signed in: $(xdotool getwindowname "$wid")"
[ -n "$shot" ] && sleep 2 && import -window root "${shot%.png}-home.png"
xdotool key ctrl+q
for _ in $(seq 1 100); do xdotool search --onlyvisible --name "BHXH" >/dev/null 2>&1 || break; sleep 0.2; done
echo "wine-smoke: ok"
