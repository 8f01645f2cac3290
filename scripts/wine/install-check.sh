#!/usr/bin/env bash
# Installs the desk as an office's IT staff would (the setup program, silent, per machine) under
# Wine, checks the programs, the Start-menu shortcut, the entry in Programs and Features and the
# version, sets up an office with the installed command line in its default data folder
# (%LocalAppData%\bhxh-desk), then uninstalls and checks that the programs, the shortcut and
# the entry are gone and the office's data is kept.
# Usage: scripts/wine/install-check.sh SETUP.exe PREFIX
set -euo pipefail
setup=${1:?usage: install-check.sh SETUP.exe PREFIX}
prefix=${2:?}
export WINEPREFIX=$prefix WINEDEBUG=-all
unset DISPLAY
trap 'wineserver -k 2>/dev/null || true' EXIT
c=$prefix/drive_c
dir="$c/Program Files/BHXH Ban tiep nhan"
menu="$c/ProgramData/Microsoft/Windows/Start Menu/Programs/BHXH tự nguyện"
data="$c/users/${USER:-$(id -un)}/AppData/Local/bhxh-desk"
key='HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall\vn.bhxh.desk'
fail() { echo "install-check: $*" >&2; exit 1; }
rm -rf "$data"
wine "$setup" /S || fail "the setup program failed"
wineserver -w
for f in bhxh-desk.exe bhxh.exe OFL.txt uninstall.exe; do [ -f "$dir/$f" ] || fail "$f not installed in $dir"; done
[ -f "$menu/BHXH tự nguyện - Bàn tiếp nhận.lnk" ] || fail "no Start-menu shortcut in $menu: $(ls "$menu" 2>&1)"
shown=$(wine reg query "$key" /v DisplayVersion 2>/dev/null | tr -d '\r' | awk '/DisplayVersion/ {print $NF}')
[ -n "$shown" ] || fail "no entry in Programs and Features"
version=$(wine "$dir/bhxh.exe" version | tr -d '\r')
echo "install-check: installed $shown (bhxh $version), shortcut and Programs and Features entry present"
BHXH_USER=admin BHXH_PASSWORD=matkhau-windows-2026 wine "$dir/bhxh.exe" init --province 01 --commune 00004 \
  --agency 01001 --admin admin >/dev/null || fail "init in the default data folder failed"
[ -f "$data/keyring.json" ] || fail "the default data folder is not %LocalAppData%\\bhxh-desk"
wine "$dir/uninstall.exe" /S || fail "the uninstaller failed"
wineserver -w
for _ in $(seq 1 50); do [ -e "$dir/bhxh-desk.exe" ] || break; sleep 0.2; done
[ ! -e "$dir/bhxh-desk.exe" ] || fail "bhxh-desk.exe left after uninstall"
[ ! -e "$menu" ] || fail "the Start-menu folder is left after uninstall"
! wine reg query "$key" >/dev/null 2>&1 || fail "the Programs and Features entry is left"
[ -f "$data/keyring.json" ] || fail "uninstall removed the office's data"
echo "install-check: uninstalled; the office's data in %LocalAppData%\\bhxh-desk is kept"
