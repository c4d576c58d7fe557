#!/usr/bin/env bash
# The local federation in one command: installs dependencies if needed, builds, starts the Kafka
# broker, prepares keys/directory/topics/ACLs, starts one node per agency of federation.json and
# prints where to reach them with development tokens for each role.
#   deploy/local/federation.sh up|down|status|reset
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
state="${LIAISON_STATE:-$root/.local}"
logs="$state/logs"
cd "$root"

say() { echo "[federation] $*" >&2; }

ensure_built() {
  bash "$here/prepare.sh"
}

node_pid() { local f="$state/run/$1.pid"; [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && cat "$f"; }

nodes() { node -e "process.stdout.write(require('$here/federation.json').nodes.join(' '))"; }
port_of() { node -e "process.stdout.write(String(require('$here/federation.json').agencies.find(a => a.code === '$1').port))"; }

# Each node database carries a marker (a comment on the database) naming the federation root key
# of the checkout that created it: a database left by another checkout (other keys, other ledger)
# is never adopted; the node itself also refuses checkpoints signed by keys it never held.
env_value() { ( set -a; . "$state/federation/$1.env"; set +a; printf '%s' "${!2}" ); }
db_name_of() { local url; url="$(env_value "$1" DATABASE_URL)"; url="${url%%\?*}"; printf '%s' "${url##*/}"; }
server_of() { local url; url="$(env_value "$1" DATABASE_URL)"; url="${url%%\?*}"; printf '%s/postgres' "${url%/*}"; }
marker_of() { printf 'liaison-local federation root %s' "$(env_value "$1" LIAISON_DIRECTORY_ROOT_JWK | sha256sum | cut -c1-16)"; }
pg() { node "$here/postgres.js" "$@"; }
db_marker() { pg sql "$(server_of "$1")" "SELECT coalesce(shobj_description(oid, 'pg_database'), '-') FROM pg_database WHERE datname = '$(db_name_of "$1")'"; }

check_databases() {
  local agency found foreign=""
  for agency in $(nodes); do
    found="$(db_marker "$agency")"
    # No database yet, or one from before markers existed (the node checks its checkpoints' keys).
    if [ -z "$found" ] || [ "$found" = "-" ] || [ "$found" = "$(marker_of "$agency")" ]; then continue; fi
    say "database $(db_name_of "$agency") was left by another checkout or federation ($found), not this one ($(marker_of "$agency"))."
    foreign="yes"
  done
  if [ -n "$foreign" ]; then
    say "Not adopting it: its ledger is signed under other keys. Drop this federation's node databases with"
    say "  deploy/local/federation.sh reset"
    say "(keys stay), or point the nodes elsewhere with DATABASE_URL before deploy/local/federation.sh up."
    exit 1
  fi
}

mark_database() { pg sql "$(server_of "$1")" "COMMENT ON DATABASE \"$(db_name_of "$1")\" IS '$(marker_of "$1")'" >/dev/null; }

wait_ready() {
  local agency="$1" port="$2"
  for _ in $(seq 1 120); do
    if curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; then return 0; fi
    if ! node_pid "$agency" >/dev/null; then
      say "node $agency exited during start; last lines of $logs/$agency.log:"; tail -n 20 "$logs/$agency.log" >&2; return 1
    fi
    sleep 0.5
  done
  say "node $agency not ready after 60 s; last lines of $logs/$agency.log:"; tail -n 20 "$logs/$agency.log" >&2; return 1
}

up() {
  ensure_built
  # DATABASE_URL, else the server on 127.0.0.1:5432, else an embedded one started here (and said so).
  DATABASE_URL="$(pg ensure)"; export DATABASE_URL
  if [ "${LIAISON_CLUSTER:-}" = 1 ]; then
    # Three controllers and three brokers (deploy/local/cluster.sh); topics at replication 3, min.insync 2.
    bash "$here/cluster.sh" start
    KAFKA_BROKERS="$(bash "$here/cluster.sh" brokers)"; export KAFKA_BROKERS
  else
    bash "$here/broker.sh" start
  fi
  node -r ./deploy/register-paths.js dist/apps/cli/src/main.js local-setup
  check_databases
  mkdir -p "$logs" "$state/run"
  local agency port
  for agency in $(nodes); do
    port="$(port_of "$agency")"
    if pid="$(node_pid "$agency")"; then say "node $agency already running (pid $pid)"; continue; fi
    (
      set -a; . "$here/../node-process.env"; . "$state/federation/$agency.env"; set +a
      exec node -r ./deploy/register-paths.js dist/apps/node/src/main.js
    ) >>"$logs/$agency.log" 2>&1 &
    echo $! >"$state/run/$agency.pid"
  done
  for agency in $(nodes); do wait_ready "$agency" "$(port_of "$agency")" && mark_database "$agency"; done
  echo
  echo "Liaison local federation is running (broker 127.0.0.1:${KAFKA_PORT:-19092}, logs in $logs)."
  for agency in $(nodes); do
    port="$(port_of "$agency")"
    echo
    echo "  $agency  http://127.0.0.1:$port/console/   API docs: http://127.0.0.1:$port/api/docs"
    for role in operator liaison_officer auditor admin; do
      printf '    %-16s %s\n' "$role" "$(node -r ./deploy/register-paths.js dist/apps/cli/src/main.js token --agency "$agency" --role "$role")"
    done
  done
  echo
  echo "Play the scenario: npm run demo    Stop everything: npm run federation:down"
}

# SIGTERM to every node, then wait for them (a node finishes within its shutdown deadline even
# with the broker gone) before the broker stops; a node still running after 15 s is killed.
stop_nodes() {
  local agency pid waiting
  for agency in $(nodes); do
    if pid="$(node_pid "$agency")"; then kill -TERM "$pid"; fi
  done
  for _ in $(seq 1 30); do
    waiting=""
    for agency in $(nodes); do if node_pid "$agency" >/dev/null; then waiting="$waiting $agency"; fi; done
    [ -z "$waiting" ] && break
    sleep 0.5
  done
  for agency in $(nodes); do
    if pid="$(node_pid "$agency")"; then say "node $agency did not stop within 15 s: killing it"; kill -KILL "$pid" 2>/dev/null || true; fi
    if [ -f "$state/run/$agency.pid" ]; then say "stopped node $agency"; fi
    rm -f "$state/run/$agency.pid"
  done
}

down() {
  stop_nodes
  if [ "${LIAISON_CLUSTER:-}" = 1 ]; then bash "$here/cluster.sh" stop; else bash "$here/broker.sh" stop; fi
  pg stop  # the embedded PostgreSQL, if `up` started one
}

# Drops this federation's node databases (and their app roles); keys and the broker stay.
reset() {
  stop_nodes
  local agency name
  for agency in $(nodes); do
    name="$(db_name_of "$agency")"
    pg sql "$(server_of "$agency")" "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" >/dev/null
    pg sql "$(server_of "$agency")" "DROP ROLE IF EXISTS \"${name}_app\"" >/dev/null
    say "dropped database $name"
  done
  say "start again with deploy/local/federation.sh up"
}

status() {
  bash "$here/broker.sh" status || true
  pg status || true
  local agency
  for agency in $(nodes); do
    if pid="$(node_pid "$agency")"; then echo "node $agency running (pid $pid)"; else echo "node $agency stopped"; fi
  done
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  reset) reset ;;
  *) echo "usage: $0 up|down|status|reset" >&2; exit 2 ;;
esac
