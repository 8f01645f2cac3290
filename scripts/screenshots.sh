#!/usr/bin/env bash
# Screenshots of the desk program's main screens for the README, taken from the real program on
# a virtual display: a demonstration office is seeded with the bhxh command line (accounts, the
# collection agent's sample people and vouchers, recent walk-ins, some results returned), then
# the desk is driven with the keyboard shortcuts (xdotool: ASCII and keys only) and each screen
# captured with ImageMagick's import. Vietnamese screens, one English, the first-run and the
# damaged-store screens.
# Usage: scripts/screenshots.sh BIN_DIR OUT_DIR   (BIN_DIR holds bhxh-desk and bhxh)
set -euo pipefail
bin=${1:?usage: screenshots.sh BIN_DIR OUT_DIR}
out=${2:?usage: screenshots.sh BIN_DIR OUT_DIR}
bin=$(cd "$bin" && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${SHOTS_INNER:-}" ]; then
  export SHOTS_INNER=1
  # The screens offices have (SHOTS_SCREEN, 1366x768 unless told): the window fills it.
  exec xvfb-run -a -s "-screen 0 ${SHOTS_SCREEN:-1366x768}x24" "$0" "$@"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Built before HOME changes below (Go's caches live under HOME).
(cd "$root" && CGO_ENABLED=0 go build -o "$work/fakepeople" ./scripts/fakepeople)
export XDG_RUNTIME_DIR=$work/run HOME=$work/home
mkdir -p "$XDG_RUNTIME_DIR" "$HOME"
chmod 700 "$XDG_RUNTIME_DIR"
pass=matkhau-demo-2026
export BHXH_PASSWORD=$pass BHXH_NEW_PASSWORD=$pass
data=$work/data
bhxh() { "$bin/bhxh" --data "$data" "$@"; }

echo "screenshots: seeding a demonstration office"
BHXH_USER=admin bhxh init --province 01 --commune 00004 --agency 01001 --admin admin \
  --name "Bảo hiểm xã hội cơ sở Ba Đình" --device K7 >/dev/null
BHXH_USER=admin bhxh user add motcua --role helpdesk --name "Lê Thị Mai" >/dev/null
BHXH_USER=admin bhxh user add canbo --role officer --name "Trần Văn Đức" >/dev/null
BHXH_USER=admin bhxh user add truongphong --role supervisor --name "Phạm Quốc Hùng" >/dev/null
# The collection agent's sample: registered in September 2025, paid, covers created.
BHXH_USER=motcua bhxh register "$root/sheet/testdata/vouchers-sample-people.json" \
  --received 2025-09-02T09:00:00+07:00 --not-duplicate >/dev/null
BHXH_USER=canbo bhxh voucher import "$root/sheet/testdata/vouchers-sample.csv" >/dev/null || true
# Walk-ins of the last three weeks, a few each working day, some results returned.
month=$(TZ=Asia/Ho_Chi_Minh date +%Y-%m)
seed=1
for back in 20 17 14 13 12 11 10 7 6 5 4 3 0; do
  day=$(TZ=Asia/Ho_Chi_Minh date -d "-$back days" +%Y-%m-%d)
  case $(date -d "$day" +%u) in 6 | 7) continue ;; esac
  n=$(( (back * 7 + 3) % 5 + 2 ))
  "$work/fakepeople" --n "$n" --seed "$seed" --month "$month" >"$work/people.json"
  seed=$((seed + 1))
  BHXH_USER=motcua bhxh register "$work/people.json" --received "${day}T08:30:00+07:00" --not-duplicate >/dev/null || true
done
# Results returned for the oldest ones (the supervisor may act at any step).
for code in $(BHXH_USER=truongphong bhxh dossier list --json | grep -o '"code": *"[^"]*"' | cut -d'"' -f4 | sed -n '12,20p'); do
  for _ in 1 2 3 4; do BHXH_USER=truongphong bhxh dossier advance "$code" >/dev/null 2>&1 || true; done
done

desk_pid=
start_desk() { # start_desk DATA [ARGS…]
  local d=$1
  shift
  "$bin/bhxh-desk" --data "$d" "$@" >"$work/desk.log" 2>&1 &
  desk_pid=$!
  for _ in $(seq 1 100); do
    wid=$(xdotool search --onlyvisible --pid "$desk_pid" 2>/dev/null | head -1 || true)
    [ -n "$wid" ] && break
    sleep 0.1
  done
  [ -n "$wid" ] || { echo "screenshots: no window" >&2; cat "$work/desk.log" >&2; exit 1; }
  xdotool windowfocus "$wid" 2>/dev/null || true
  # Maximised on the office's screen, less a taskbar.
  local screen=${SHOTS_SCREEN:-1366x768}
  xdotool windowsize --sync "$wid" "${screen%x*}" $(( ${screen#*x} - 40 )) 2>/dev/null || true
  sleep 1.5
}
stop_desk() {
  xdotool key --window "$wid" ctrl+q 2>/dev/null || true
  sleep 1
  kill "$desk_pid" 2>/dev/null || true
  wait "$desk_pid" 2>/dev/null || true
}
shot() { # shot NAME
  sleep "${2:-1.2}"
  import -window "$wid" "$out/$1.png"
  echo "screenshots: $out/$1.png"
}
keys() { xdotool key --delay 60 "$@"; }
typed() { xdotool type --delay 30 "$1"; }
sign_in() { # sign_in USER (the cursor waits in the user name)
  typed "$1"
  keys Return
  typed "$pass"
  keys Return
  sleep 2.5
}

echo "screenshots: the desk in Vietnamese"
start_desk "$data"
shot login-vi 0.3
sign_in canbo
shot home-vi
keys ctrl+2
typed "17/05/1990"
shot walkin-vi
keys ctrl+n
shot register-vi
keys ctrl+s          # save with fields missing: every problem shows under its field
shot register-errors-vi
keys ctrl+3
shot queue-vi
keys space
shot dossier-vi
keys ctrl+4
shot vouchers-vi
keys ctrl+5
typed 070066237886
keys Return
shot records-vi
keys ctrl+6
shot sync-vi
keys ctrl+7
shot admin-vi
stop_desk

echo "screenshots: the supervisor's search and data-protection page"
start_desk "$data"
sign_in truongphong
keys ctrl+f
typed "nguyen"
keys Return
shot search-vi
# The data-protection page is the last entry of the navigation for a supervisor.
xdotool mousemove --window "$wid" 90 572 click 1
sleep 1
keys Return # the report from the date proposed
shot privacy-vi
stop_desk

echo "screenshots: one screen in English"
start_desk "$data" --lang en
sign_in canbo
shot home-en
keys ctrl+2
typed "17/05/1990"
shot walkin-en
stop_desk

echo "screenshots: a new machine, and a damaged store"
start_desk "$work/empty"
shot firstrun-vi 0.3
stop_desk
cp -r "$data" "$work/damaged"
head -c 4096 /dev/urandom >"$work/damaged/db/MANIFEST"
start_desk "$work/damaged"
sign_in canbo
shot damaged-vi
stop_desk
# The quote, on the walk-in page, heads the README.
cp "$out/walkin-vi.png" "$out/quote-vi.png"
cp "$out/walkin-en.png" "$out/quote-en.png"
echo "screenshots: done"
