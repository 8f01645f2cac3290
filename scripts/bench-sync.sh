#!/usr/bin/env bash
# `make bench-sync`: the desk's sync against PouchDB over an emulated poor link (300 ms RTT,
# 256 kbit/s each way, 5 % loss; README "Sync over a poor link"). Needs root (network
# namespaces lnA/lnB and a TUN device), Go, node and npm. Prints the markdown table and keeps it,
# with every sample as JSON, in bin/bench-sync.{md,json}. Arguments go to `syncbench run`
# (e.g. --pouch-sizes 1000 to skip PouchDB's 10,000-document sync, about 15 minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$PWD/bin
if [ "$(id -u)" != 0 ]; then
  echo "bench-sync: needs root (network namespaces, TUN device); try: sudo make bench-sync" >&2
  exit 2
fi
for tool in ip node npm; do
  command -v "$tool" >/dev/null || { echo "bench-sync: $tool not found" >&2; exit 2; }
done

# The namespaces go whatever happens: the runner removes them itself, this covers a runner
# that was killed. Its children (centrald, the desk, pouchdb-server, node) die with it.
cleanup() {
  for ns in lnA lnB; do
    if ip netns list | grep -qw "$ns"; then ip netns del "$ns" || true; fi
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM
cleanup # left by an earlier run that was killed

version=$(git describe --always --dirty 2>/dev/null || echo dev)
mkdir -p "$bin"
CGO_ENABLED=0 go build -ldflags "-X main.version=$version" -o "$bin/syncbench" ./cmd/syncbench
CGO_ENABLED=0 go build -ldflags "-X main.version=$version" -o "$bin/centrald" ./cmd/centrald
# PouchDB and pouchdb-server at the versions of bench/pouch/package-lock.json (outside git).
if [ ! -d bench/pouch/node_modules/pouchdb-server ] || [ bench/pouch/package-lock.json -nt bench/pouch/node_modules ]; then
  (cd bench/pouch && npm ci --no-audit --no-fund)
fi

"$bin/syncbench" run --centrald "$bin/centrald" --pouch bench/pouch \
  --json "$bin/bench-sync.json" --md "$bin/bench-sync.md" "$@"
