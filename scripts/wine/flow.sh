#!/usr/bin/env bash
# The command line's whole office flow as a district office runs it on Windows, with this
# repository's Windows build under Wine: init → user add → a wrong password refused → register a
# file saved by Windows Notepad/Excel (UTF-8 with BOM, CRLF) → the receipt PDF, read back with
# poppler → voucher import → backup → restore on a new machine → audit verify → sync with a
# reference centre (the Linux centrald) on loopback. Every step checks what it must; the first
# failure stops the script with the step's output.
# Usage: scripts/wine/flow.sh BHXH.EXE CENTRALD PREFIX
set -euo pipefail
exe=${1:?usage: flow.sh BHXH.EXE CENTRALD PREFIX}
centrald=${2:?}
prefix=${3:?}
root=$(cd "$(dirname "$0")/../.." && pwd)
export WINEPREFIX=$prefix WINEDEBUG=-all
unset DISPLAY
work=$(mktemp -d)
cpid=
trap '[ -n "$cpid" ] && kill $cpid 2>/dev/null; wineserver -k 2>/dev/null || true; rm -rf "$work"' EXIT
wineserver -w # the stage before's Wine server has exited (see test.sh)
win() { winepath -w "$1" 2>/dev/null; }
data='C:\bhxh-flow\office'
restored='C:\bhxh-flow\restored'
rm -rf "$prefix/drive_c/bhxh-flow"
export BHXH_PASSWORD=matkhau-windows-2026 BHXH_NEW_PASSWORD=matkhau-windows-2026
step=""
run() { # run EXPECTED_EXIT ARGS… : runs bhxh.exe, keeps its output in $out
  local want=$1
  shift
  set +e
  out=$(wine "$exe" "$@" 2>&1)
  local got=$?
  set -e
  if [ "$got" != "$want" ]; then
    echo "wine-flow: $step: exit $got, want $want: bhxh $*" >&2
    echo "$out" >&2
    exit 1
  fi
}
expect() { # expect TEXT : the last output contains TEXT
  if ! grep -qF -- "$1" <<<"$out"; then
    echo "wine-flow: $step: output lacks \"$1\":" >&2
    echo "$out" >&2
    exit 1
  fi
}
ok() { echo "wine-flow: ok  $step"; }

step="init a new office"
BHXH_USER=admin run 0 --data "$data" init --province 01 --commune 00004 --agency 01001 --admin admin --device K7 \
  --name "Bảo hiểm xã hội cơ sở Ba Đình"
expect "Đã khởi tạo cơ quan 01001"
[ -f "$prefix/drive_c/bhxh-flow/office/keyring.json" ] || { echo "wine-flow: no keyring" >&2; exit 1; }
ok

step="user add"
BHXH_USER=admin run 0 --data "$data" user add motcua --role helpdesk --name "Lê Thị Mai"
BHXH_USER=admin run 0 --data "$data" user add canbo --role officer --name "Trần Văn Đức"
expect "canbo"
ok

step="a wrong password is refused"
BHXH_USER=motcua BHXH_PASSWORD=sai-mat-khau-roi run 1 --data "$data" dossier list
expect "Sai tên đăng nhập hoặc mật khẩu"
ok

step="register a file saved by Windows (BOM, CRLF)"
printf '\xef\xbb\xbf' >"$work/people.json"
sed 's/$/\r/' "$root/sheet/testdata/vouchers-sample-people.json" >>"$work/people.json"
BHXH_USER=motcua run 0 --data "$data" register "$(win "$work/people.json")" --received 2025-09-02T09:00:00+07:00 --not-duplicate --json
expect '"dossier_code": "01001-250902-K70001"'
ok

step="the receipt PDF carries the citizen's Vietnamese name"
BHXH_USER=motcua run 0 --data "$data" receipt 01001-250902-K70001 --out "$(win "$work/giay hen.pdf")"
name=$(grep -m1 -o '"full_name": *"[^"]*"' "$root/sheet/testdata/vouchers-sample-people.json" | sed 's/.*: *"\(.*\)"/\1/')
out=$(pdftotext "$work/giay hen.pdf" -)
expect "$name"
expect "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"
ok

step="voucher import"
BHXH_USER=canbo run 1 --data "$data" voucher import "$(win "$root/sheet/testdata/vouchers-sample.csv")" --json
expect '"matched": 4'
ok

step="backup"
BHXH_USER=admin run 0 --data "$data" backup --out "$(win "$work/sao-luu.bhxh")"
[ -s "$work/sao-luu.bhxh" ] || { echo "wine-flow: $step: no backup file" >&2; exit 1; }
ok

step="restore on a new machine with the officer's password"
BHXH_USER=admin run 0 --data "$restored" restore "$(win "$work/sao-luu.bhxh")"
BHXH_USER=canbo run 0 --data "$restored" person show 070066237886 --json
expect '"full_name": "Lê Hữu Minh"'
ok

step="audit verify"
BHXH_USER=admin run 0 --data "$data" audit verify --json
expect '"ok": true'
ok

step="sync with the centre on loopback"
port=$((20000 + RANDOM % 20000))
"$centrald" serve --data "$work/centre" --addr "127.0.0.1:$port" >"$work/centrald.log" 2>&1 &
cpid=$!
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/v1/health" >/dev/null 2>&1 && break; sleep 0.1; done
token=$("$centrald" enroll --data "$work/centre" --office 01001 --device K7 --json | grep -o '"token": *"[^"]*"' | sed 's/.*: *"\(.*\)"/\1/')
[ -n "$token" ] || { echo "wine-flow: $step: no token" >&2; cat "$work/centrald.log" >&2; exit 1; }
BHXH_USER=admin run 0 --data "$data" sync --central "http://127.0.0.1:$port" --token "$token" --json
expect '"pending": 0'
BHXH_USER=admin run 0 --data "$data" sync --json
expect '"pending": 0'
# The centre's published file (the desks' signing keys) reached the desk's rules folder.
grep -q '"office": *"01001"' "$prefix/drive_c/bhxh-flow/office/rules/keys/devices.json" ||
  { echo "wine-flow: $step: keys/devices.json not received" >&2; exit 1; }
ok
echo "wine-flow: the office flow passed under Wine"
