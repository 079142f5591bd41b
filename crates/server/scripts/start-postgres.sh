#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster (from Debian's `postgresql` package, installed when
# missing) under /tmp on a free loopback port, and prints its URL on stdout:
#
#   export ROLLBOOK_TEST_DATABASE_URL="$(crates/server/scripts/start-postgres.sh)"
#   cargo test -p rollbook-server
#
# Run as root, the cluster runs as the `postgres` user; otherwise as the caller. Its data
# directory and how to stop it are printed on stderr. Data is not fsynced: tests only.
set -euo pipefail

log() { printf '%s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

bin="$(pg_bin)"
if [ -z "$bin" ]; then
  log "installing PostgreSQL (Debian's postgresql package)"
  as_root apt-get update -qq >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    postgresql >&2
  bin="$(pg_bin)"
fi
[ -x "$bin/initdb" ] || { log "no PostgreSQL found under /usr/lib/postgresql"; exit 1; }

# A port nothing listens on.
port=""
for _ in $(seq 1 50); do
  candidate=$((20000 + RANDOM % 30000))
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then
    port="$candidate"
    break
  fi
done
[ -n "$port" ] || { log "no free port found"; exit 1; }

dir="$(mktemp -d /tmp/rollbook-pg.XXXXXX)"
run=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres: "$dir"
  run=(runuser -u postgres --)
fi
"${run[@]}" "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
"${run[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" \
  start >&2 || { cat "$dir/server.log" >&2; exit 1; }

log "PostgreSQL is running in $dir (stop it: ${run[*]:+${run[*]} }$bin/pg_ctl -D $dir/data stop)"
echo "postgres://postgres@127.0.0.1:$port/postgres"
