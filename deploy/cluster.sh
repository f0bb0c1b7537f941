#!/usr/bin/env bash
# Runs a local cluster of hub silos on one machine against one PostgreSQL, for trying failover by hand.
#
#   deploy/cluster.sh start N   build the hub, start PostgreSQL if needed, and start silos 0..N-1
#   deploy/cluster.sh stop I    stop silo I gracefully (SIGTERM)
#   deploy/cluster.sh kill I    kill silo I at once (SIGKILL)
#   deploy/cluster.sh start-one I   start silo I again
#   deploy/cluster.sh status    show each silo's process and readiness
#   deploy/cluster.sh down      stop every silo and the PostgreSQL this script started
#
# Silo I serves the API on http://127.0.0.1:$((5080 + I)) and uses Orleans ports 11111+I and 30000+I.
# HUB_POSTGRES selects an existing database; without it the script runs PostgreSQL in $CLUSTER_DIR/postgres on
# port ${HUB_CLUSTER_PG_PORT:-55432}. HUB_API_KEY sets the admin key; without it one is generated into
# $CLUSTER_DIR/api-key. HUB_KEY_RING_KEY sets the key that encrypts the Data Protection key ring. Without it one is
# generated into $CLUSTER_DIR/key-ring-key and given to every silo. State lives in ${HUB_CLUSTER_DIR:-.hub-cluster}.
set -euo pipefail
cd "$(dirname "$0")/.."
CLUSTER_DIR=$(realpath -m "${HUB_CLUSTER_DIR:-.hub-cluster}")
PG_PORT=${HUB_CLUSTER_PG_PORT:-55432}
DLL=src/Hub.Silo/bin/Release/net10.0/Hub.Silo.dll

as_postgres_user() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_bin() {
  if command -v "$1" >/dev/null 2>&1; then command -v "$1"; return; fi
  local found; found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$found" ] || { echo "PostgreSQL programs not found: apt-get install postgresql, or set HUB_POSTGRES" >&2; exit 1; }
  echo "$found/$1"
}

# The superuser's password, generated on first use and readable only by this user; every connection needs it.
pg_password() {
  [ -f "$CLUSTER_DIR/postgres-password" ] \
    || (umask 077; head -c 24 /dev/urandom | base64 | tr -d '=+/\n' > "$CLUSTER_DIR/postgres-password")
  cat "$CLUSTER_DIR/postgres-password"
}

start_postgres() {
  [ -n "${HUB_POSTGRES:-}" ] && return
  local data=$CLUSTER_DIR/postgres
  mkdir -p "$CLUSTER_DIR"
  if [ ! -f "$data/PG_VERSION" ]; then
    mkdir -p "$data"
    [ "$(id -u)" -eq 0 ] && chown postgres "$data" && chmod o+x "$CLUSTER_DIR"
    local pwfile=$CLUSTER_DIR/initdb-password
    (umask 077; pg_password > "$pwfile")
    [ "$(id -u)" -eq 0 ] && chown postgres "$pwfile"
    as_postgres_user "$(pg_bin initdb)" -D "$data" -U hub --auth=scram-sha-256 --pwfile="$pwfile" -E UTF8 \
      --no-instructions >/dev/null
    rm -f "$pwfile"
  fi
  if ! as_postgres_user "$(pg_bin pg_ctl)" -D "$data" status >/dev/null 2>&1; then
    as_postgres_user "$(pg_bin pg_ctl)" -D "$data" -l "$data/server.log" -w \
      -o "-p $PG_PORT -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=300" start >/dev/null
    export PGPASSWORD; PGPASSWORD=$(pg_password)
    psql -h 127.0.0.1 -p "$PG_PORT" -U hub -d postgres -tc "SELECT 1 FROM pg_database WHERE datname = 'hub'" | grep -q 1 \
      || psql -h 127.0.0.1 -p "$PG_PORT" -U hub -d postgres -c "CREATE DATABASE hub" >/dev/null
  fi
}

connection_string() {
  echo "${HUB_POSTGRES:-Host=127.0.0.1;Port=$PG_PORT;Username=hub;Password=$(pg_password);Database=hub}"
}

api_key() {
  if [ -n "${HUB_API_KEY:-}" ]; then echo "$HUB_API_KEY"; return; fi
  [ -f "$CLUSTER_DIR/api-key" ] || (umask 077; head -c 32 /dev/urandom | base64 | tr -d '=+/\n' > "$CLUSTER_DIR/api-key")
  cat "$CLUSTER_DIR/api-key"
}

# Prints "t" when the database of this script's PostgreSQL has an encrypted key ring, so a new key could not open it.
# With HUB_POSTGRES the script does not query the database, and the silos find a wrong key themselves.
key_ring_encrypted() {
  [ -z "${HUB_POSTGRES:-}" ] || { echo f; return; }
  local psql_hub=(psql -h 127.0.0.1 -p "$PG_PORT" -U hub -d hub -tAq)
  if [ "$(PGPASSWORD=$(pg_password) "${psql_hub[@]}" -c "SELECT to_regclass('public.hub_key_ring_check') IS NOT NULL")" != t ]; then
    echo f; return
  fi
  PGPASSWORD=$(pg_password) "${psql_hub[@]}" -c "SELECT EXISTS (SELECT 1 FROM hub_key_ring_check)
    OR EXISTS (SELECT 1 FROM hub_data_protection_keys WHERE sealed IS NOT NULL)"
}

key_ring_key() {
  if [ -n "${HUB_KEY_RING_KEY:-}" ]; then echo "$HUB_KEY_RING_KEY"; return; fi
  if [ ! -s "$CLUSTER_DIR/key-ring-key" ]; then
    if [ "$(key_ring_encrypted)" = t ]; then
      echo "The key ring in the database is encrypted, but $CLUSTER_DIR/key-ring-key is missing or empty." \
        "Restore it from a backup, or set HUB_KEY_RING_KEY to the key." >&2
      return 1
    fi
    (umask 077; head -c 32 /dev/urandom | base64 > "$CLUSTER_DIR/key-ring-key")
  fi
  cat "$CLUSTER_DIR/key-ring-key"
}

start_silo() {
  local i=$1 dir=$CLUSTER_DIR/silo$1
  mkdir -p "$dir"
  if [ -f "$dir/pid" ] && kill -0 "$(cat "$dir/pid")" 2>/dev/null; then echo "silo $i already runs"; return; fi
  # Read before the silo starts, because a failure inside the assignment below would not stop the script.
  local key_ring_key
  key_ring_key=$(key_ring_key)
  HUB_POSTGRES=$(connection_string) HUB_API_KEY=$(api_key) HUB_KEY_RING_KEY=$key_ring_key \
    HUB_DATA_DIR=$dir HUB_CLUSTERING=adonet \
    HUB_SILO_PORT=$((11111 + i)) HUB_GATEWAY_PORT=$((30000 + i)) \
    Hub__AllowPrivateNetworks=${Hub__AllowPrivateNetworks:-true} \
    nohup dotnet "$DLL" --urls "http://127.0.0.1:$((5080 + i))" >>"$dir/hub.log" 2>&1 &
  echo $! > "$dir/pid"
  echo "silo $i: pid $!, API http://127.0.0.1:$((5080 + i)), log $dir/hub.log"
}

signal_silo() {
  local signal=$1 i=$2 pidfile=$CLUSTER_DIR/silo$2/pid
  [ -f "$pidfile" ] || { echo "silo $i was never started" >&2; exit 1; }
  local pid; pid=$(cat "$pidfile")
  kill "-$signal" "$pid" 2>/dev/null || { echo "silo $i (pid $pid) does not run"; return; }
  for _ in $(seq 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  echo "silo $i (pid $pid) ended after SIG$signal"
}

status() {
  for dir in "$CLUSTER_DIR"/silo*; do
    [ -d "$dir" ] || continue
    local i=${dir##*silo} pid state
    pid=$(cat "$dir/pid" 2>/dev/null || echo "?")
    if kill -0 "$pid" 2>/dev/null; then
      state=$(curl -s -m 2 "http://127.0.0.1:$((5080 + i))/health/ready" || echo "not answering")
    else
      state="not running"
    fi
    echo "silo $i: pid $pid, $state"
  done
}

case "${1:-}" in
  start)
    count=${2:?usage: cluster.sh start N}
    dotnet build -c Release src/Hub.Silo >/dev/null
    start_postgres
    echo "admin API key: $CLUSTER_DIR/api-key or HUB_API_KEY"
    for i in $(seq 0 $((count - 1))); do start_silo "$i"; done ;;
  start-one) start_postgres; start_silo "${2:?usage: cluster.sh start-one I}" ;;
  stop) signal_silo TERM "${2:?usage: cluster.sh stop I}" ;;
  kill) signal_silo KILL "${2:?usage: cluster.sh kill I}" ;;
  status) status ;;
  down)
    for dir in "$CLUSTER_DIR"/silo*; do [ -f "$dir/pid" ] && signal_silo TERM "${dir##*silo}"; done
    if [ -z "${HUB_POSTGRES:-}" ] && [ -f "$CLUSTER_DIR/postgres/PG_VERSION" ]; then
      as_postgres_user "$(pg_bin pg_ctl)" -D "$CLUSTER_DIR/postgres" -m fast stop >/dev/null 2>&1 || true
    fi ;;
  *) sed -n '2,14p' "$0"; exit 2 ;;
esac
