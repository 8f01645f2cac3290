#!/usr/bin/env bash
# Replaces what stands between <!-- NAME:begin --> and <!-- NAME:end --> in README.md with the
# contents of FILE (the markers stay). Fails when the README has no such markers.
# Usage: scripts/readme-splice.sh NAME FILE
set -euo pipefail
name=${1:?usage: readme-splice.sh NAME FILE}
file=${2:?usage: readme-splice.sh NAME FILE}
cd "$(dirname "$0")/.."
grep -q "<!-- $name:begin -->" README.md && grep -q "<!-- $name:end -->" README.md || {
  echo "readme-splice: README.md has no <!-- $name:begin --> … <!-- $name:end -->" >&2
  exit 1
}
awk -v b="<!-- $name:begin -->" -v e="<!-- $name:end -->" -v f="$file" '
  $0 == b { print; while ((getline line < f) > 0) print line; skip = 1; next }
  $0 == e { skip = 0 }
  !skip { print }' README.md > README.md.tmp
mv README.md.tmp README.md
