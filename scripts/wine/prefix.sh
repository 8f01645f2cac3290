#!/usr/bin/env bash
# Makes a private Wine prefix for running this project's Windows builds (64-bit, Wine 8 from
# Debian, reporting Windows 10): the prefix in $1 (created, or reused if it is complete), with
# the ProcessPrng shim in its system32 (see processprng.c). Prints nothing on success. Usage: scripts/wine/prefix.sh DIR
set -euo pipefail
prefix=${1:?usage: prefix.sh DIR}
here=$(cd "$(dirname "$0")" && pwd)
export WINEPREFIX=$prefix WINEDEBUG=-all WINEARCH=win64
mkdir -p "$prefix"
if [ ! -f "$prefix/system.reg" ]; then
  # DISPLAY unset: no dialogs while the prefix is made.
  DISPLAY= wineboot --init >/dev/null 2>&1 || true
  # The offices run Windows 10/11; Wine 8's new prefixes say Windows 7, which the installer
  # refuses.
  DISPLAY= wine winecfg /v win10 >/dev/null 2>&1
  wineserver -w
fi
dll=$prefix/drive_c/windows/system32/bcryptprimitives.dll
if [ ! -f "$dll" ] || [ "$here/processprng.c" -nt "$dll" ]; then
  x86_64-w64-mingw32-gcc -O2 -shared -o "$dll" "$here/processprng.c" "$here/processprng.def" -lbcrypt
fi
