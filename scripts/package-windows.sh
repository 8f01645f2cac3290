#!/usr/bin/env bash
# The Windows installer of the desk, made on Debian (make package-windows): the desk program
# cross-compiled with MinGW-w64 (cgo, -H windowsgui) with its icon and version resources, the
# command line (GOOS=windows), both signed when a code-signing certificate is given, packed by
# NSIS into bhxh-desk-setup-VERSION.exe (packaging/windows/bhxh-desk.nsi): per-machine, a
# Start-menu shortcut, an uninstaller that keeps the office's data. NSIS, not an .msi: Debian's
# wixl crashes on Vietnamese product, folder and shortcut names. Go 1.26 programs need 64-bit
# Windows 10 or 11.
# Usage: scripts/package-windows.sh [OUT_DIR]   (default bin/windows)
# Signing: SIGN_PKCS12=cert.p12 SIGN_PASSWORD=… (osslsigncode); without them the files are
# unsigned and Windows SmartScreen warns on first start.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/bin/windows}
mkdir -p "$out"
out=$(cd "$out" && pwd)
build=$out/build
rm -rf "$build" && mkdir -p "$build"
cd "$root"
base=$(sed -n 's/^ *Version *= *"\([0-9]*\.[0-9]*\)\..*"/\1/p' FyneApp.toml)
count=$(git rev-list --count HEAD 2>/dev/null || echo 1)
version=$base.$count                          # major.minor.build
stamp=$(git describe --always --dirty 2>/dev/null || echo "$version")
echo "package-windows: version $version ($stamp)"

convert assets/icon.png -define icon:auto-resize=256,64,48,32,16 "$build/bhxh-desk.ico"
cp packaging/windows/bhxh-desk.rc "$build/"
(cd "$build" && x86_64-w64-mingw32-windres -DVERSION_COMMA="${version//./,},0" -DVERSION_TEXT="\\\"$version\\\"" \
  -O coff -o rsrc.syso bhxh-desk.rc)
# The resource object must sit in the package's folder while the desk is built, and only then.
syso=$root/zz_bhxh_desk_windows_amd64.syso
trap 'rm -f "$syso"' EXIT
cp "$build/rsrc.syso" "$syso"
CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc \
  go build -trimpath -ldflags "-H windowsgui -s -w -X main.version=$stamp" -o "$build/bhxh-desk.exe" .
rm -f "$syso"
CGO_ENABLED=0 GOOS=windows GOARCH=amd64 go build -trimpath -ldflags "-s -w -X main.version=$stamp" -o "$build/bhxh.exe" ./cmd/bhxh
cp assets/fonts/OFL.txt "$build/"

if [ -n "${SIGN_PKCS12:-}" ]; then
  for f in bhxh-desk.exe bhxh.exe; do
    osslsigncode sign -pkcs12 "$SIGN_PKCS12" -pass "${SIGN_PASSWORD:-}" -n "BHXH tự nguyện - Bàn tiếp nhận" \
      -h sha256 -in "$build/$f" -out "$build/$f.signed"
    mv "$build/$f.signed" "$build/$f"
  done
  echo "package-windows: signed with $SIGN_PKCS12"
else
  echo "package-windows: not signed (set SIGN_PKCS12 and SIGN_PASSWORD to sign)"
fi

setup=$out/bhxh-desk-setup-$version.exe
rm -f "$out"/bhxh-desk-setup-*.exe
makensis -V2 -INPUTCHARSET UTF8 -DVERSION="$version" -DBUILD="$build" -DOUT="$setup" packaging/windows/bhxh-desk.nsi
if [ -n "${SIGN_PKCS12:-}" ]; then
  osslsigncode sign -pkcs12 "$SIGN_PKCS12" -pass "${SIGN_PASSWORD:-}" -n "BHXH tự nguyện - Bàn tiếp nhận" -h sha256 \
    -in "$setup" -out "$setup.signed" && mv "$setup.signed" "$setup"
fi
echo "package-windows: $setup ($(du -h "$setup" | cut -f1)), holding:"
(cd "$build" && ls -l bhxh-desk.exe bhxh.exe OFL.txt | awk '{print "  " $NF "\t" $5 " bytes"}')
