#!/usr/bin/env bash
# Installs, only when absent, the Debian packages the desk program needs to build and test:
# the C headers Fyne v2.8 compiles against (GLFW 3.4 builds both X11 and Wayland backends), the
# tools the tests use to look at the program (Xvfb, xdotool, ImageMagick, poppler-utils, and
# headless Chromium for the citizens' pages), and
# what the Windows build needs here (MinGW-w64 for the desk's cgo, Wine 8 to run the Windows
# builds, NSIS for the installer), and PostgreSQL for the centre's tests (a throw-away cluster
# each run: scripts/pg-test.sh; the package's own cluster is not used).
# Non-interactive; safe to run again. Usage: scripts/setup-debian.sh [build|test|windows|postgres|all]
set -euo pipefail

build_pkgs=(gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev libxinerama-dev
  libxi-dev libxxf86vm-dev libwayland-dev libxkbcommon-dev)
test_pkgs=(xvfb xauth xdotool xclip imagemagick poppler-utils curl chromium)
windows_pkgs=(gcc-mingw-w64-x86-64 wine wine64 nsis)
postgres_pkgs=(postgresql-15)

case "${1:-all}" in
  build) want=("${build_pkgs[@]}") ;;
  test) want=("${build_pkgs[@]}" "${test_pkgs[@]}") ;;
  windows) want=("${build_pkgs[@]}" "${test_pkgs[@]}" "${windows_pkgs[@]}") ;;
  postgres) want=("${postgres_pkgs[@]}") ;;
  all) want=("${build_pkgs[@]}" "${test_pkgs[@]}" "${windows_pkgs[@]}" "${postgres_pkgs[@]}") ;;
  *) echo "usage: $0 [build|test|windows|postgres|all]" >&2; exit 2 ;;
esac

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if ! command -v go >/dev/null 2>&1; then
  echo "setup: Go is not installed. Install Go $(sed -n 's/^go //p' "$(dirname "$0")/../go.mod") or newer (https://go.dev/dl/) and put it on PATH." >&2
  exit 1
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "setup: installing ${missing[*]}"
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo=(sudo -n); else
    echo "setup: need root to install: ${missing[*]} (run as root or install sudo)" >&2; exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
