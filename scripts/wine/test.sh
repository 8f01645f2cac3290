#!/usr/bin/env bash
# The Windows part of make test, on Debian with Wine 8: the installer and both programs built
# for Windows (scripts/package-windows.sh), the storage and command-line test binaries
# (GOOS=windows go test -c) run under Wine, the command line's office flow (flow.sh), the desk
# program started, signed in and closed on a virtual display (desk-smoke.sh), and the installer
# installed and uninstalled (msi-check.sh). Each stage prints its time.
# Usage: scripts/wine/test.sh BIN_DIR
set -euo pipefail
bin=${1:?usage: test.sh BIN_DIR}
mkdir -p "$bin"
bin=$(cd "$bin" && pwd)
root=$(cd "$(dirname "$0")/../.." && pwd)
here=$root/scripts/wine
timed=$root/scripts/timed.sh
prefix=$bin/wine
win=$bin/windows
cd "$root"
"$timed" "windows: Wine prefix" "$here/prefix.sh" "$prefix"
"$timed" "windows: build the installer" "$root/scripts/package-windows.sh" "$win"
"$timed" "windows: build the test binaries" bash -c "
  CGO_ENABLED=0 GOOS=windows GOARCH=amd64 go test -c -o '$win/storage.test.exe' ./storage &&
  CGO_ENABLED=0 GOOS=windows GOARCH=amd64 go test -c -o '$win/bhxh.test.exe' ./cmd/bhxh &&
  CGO_ENABLED=0 go build -o '$bin/centrald' ./cmd/centrald"
export WINEPREFIX=$prefix WINEDEBUG=-all
# A test binary runs in its package's folder (its testdata), like go test. Each waits for the
# Wine server of the stage before it to have exited: a wine started while that server is
# shutting down fails at once ("wine client error: recvmsg: Connection reset by peer").
"$timed" "windows: storage tests under Wine" bash -c "wineserver -w; cd storage && DISPLAY= wine '$win/storage.test.exe' -test.count=1"
"$timed" "windows: command-line tests under Wine" bash -c "wineserver -w; cd cmd/bhxh && DISPLAY= wine '$win/bhxh.test.exe' -test.count=1"
"$timed" "windows: the office flow under Wine" "$here/flow.sh" "$win/build/bhxh.exe" "$bin/centrald" "$prefix"
"$timed" "windows: the desk under Wine" "$here/desk-smoke.sh" "$win/build/bhxh-desk.exe" "$win/build/bhxh.exe" "$prefix" "$win/desk-wine.png"
"$timed" "windows: install and uninstall" "$here/install-check.sh" "$(ls "$win"/bhxh-desk-setup-*.exe | tail -1)" "$prefix"
