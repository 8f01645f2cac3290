#!/usr/bin/env bash
# Runs a command with a throw-away PostgreSQL cluster on loopback: initdb in a temporary
# folder, start on a free port, export BHXH_TEST_POSTGRES (its URL, for the tests' own
# databases), run the command, then stop the cluster and remove the folder whatever happened.
# The cluster runs as the invoking user, or as "postgres" when invoked as root (initdb refuses
# root). With PG_TEST_STANDBY=1 a streaming standby of it runs too (pg_basebackup -R), and
# BHXH_TEST_POSTGRES_STANDBY is its URL: what centrald --db-read points at.
# Usage: [PG_TEST_STANDBY=1] scripts/pg-test.sh COMMAND [ARG…]
set -euo pipefail

bindir=""
for v in 17 16 15; do
  if [ -x "/usr/lib/postgresql/$v/bin/initdb" ]; then bindir="/usr/lib/postgresql/$v/bin"; break; fi
done
if [ -z "$bindir" ]; then
  echo "pg-test: PostgreSQL 15 or later is not installed (scripts/setup-debian.sh postgres)" >&2
  exit 1
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/bhxh-pg.XXXXXX")
as=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres: "$dir"
  as=(runuser -u postgres --)
fi

# A free port: a random one nobody answers on.
port=0
for _ in $(seq 50); do
  p=$((20000 + RANDOM % 40000))
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then port=$p; break; fi
done
[ "$port" -ne 0 ] || { echo "pg-test: no free port" >&2; exit 1; }

stop() {
  "${as[@]}" "$bindir/pg_ctl" -D "$dir/standby" -m immediate -w stop >/dev/null 2>&1 || true
  "${as[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT

started=$(date +%s%N)
"${as[@]}" "$bindir/initdb" -D "$dir/data" -U bhxh --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${as[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/log" -w -o \
  "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir -c max_connections=300 -c shared_buffers=128MB" \
  start >/dev/null
echo "pg-test: PostgreSQL cluster on 127.0.0.1:$port ready in $((($(date +%s%N) - started) / 1000000)) ms"

export BHXH_TEST_POSTGRES="postgres://bhxh@127.0.0.1:$port/postgres?sslmode=disable"
if [ "${PG_TEST_STANDBY:-}" = 1 ]; then
  sport=0
  for _ in $(seq 50); do
    p=$((20000 + RANDOM % 40000))
    if [ "$p" -ne "$port" ] && ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then sport=$p; break; fi
  done
  [ "$sport" -ne 0 ] || { echo "pg-test: no free port for the standby" >&2; exit 1; }
  started=$(date +%s%N)
  "${as[@]}" "$bindir/pg_basebackup" -h 127.0.0.1 -p "$port" -U bhxh -D "$dir/standby" -X stream -R -c fast >/dev/null
  "${as[@]}" "$bindir/pg_ctl" -D "$dir/standby" -l "$dir/standby.log" -w -o \
    "-c listen_addresses=127.0.0.1 -p $sport -c unix_socket_directories=$dir -c max_connections=300 -c hot_standby=on" \
    start >/dev/null
  echo "pg-test: streaming standby on 127.0.0.1:$sport ready in $((($(date +%s%N) - started) / 1000000)) ms"
  export BHXH_TEST_POSTGRES_STANDBY="postgres://bhxh@127.0.0.1:$sport/postgres?sslmode=disable"
fi
# How to restart the cluster (a failure the centre's bench injects): a fast shutdown, then start.
export BHXH_TEST_PG_RESTART="${as[*]} $bindir/pg_ctl -D $dir/data -l $dir/log -w -m fast restart"
set +e
"$@"
rc=$?
set -e
if [ $rc -ne 0 ] && [ -f "$dir/log" ]; then
  echo "pg-test: the last lines of the cluster's log:" >&2
  tail -n 20 "$dir/log" >&2
fi
exit $rc
