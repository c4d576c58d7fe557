#!/usr/bin/env bash
# The local federation in one command: installs dependencies if needed, builds, starts the Kafka
# broker, prepares keys/directory/topics/ACLs, starts one node per agency of federation.json and
# prints where to reach them with development tokens for each role.
#   deploy/local/federation.sh up|down|status
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
  if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null && [ -z "${DATABASE_URL:-}" ]; then
    say "PostgreSQL is not answering on 127.0.0.1:5432. Start it (pg_ctlcluster --skip-systemctl-redirect 15 main start) or set DATABASE_URL."
    exit 1
  fi
  bash "$here/broker.sh" start
  node -r ./deploy/register-paths.js dist/apps/cli/src/main.js local-setup
  mkdir -p "$logs" "$state/run"
  local agency port
  for agency in $(nodes); do
    port="$(port_of "$agency")"
    if pid="$(node_pid "$agency")"; then say "node $agency already running (pid $pid)"; continue; fi
    (
      set -a; . "$state/federation/$agency.env"; set +a
      exec node -r ./deploy/register-paths.js dist/apps/node/src/main.js
    ) >>"$logs/$agency.log" 2>&1 &
    echo $! >"$state/run/$agency.pid"
  done
  for agency in $(nodes); do wait_ready "$agency" "$(port_of "$agency")"; done
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

down() {
  local agency pid
  for agency in $(nodes); do
    if pid="$(node_pid "$agency")"; then kill "$pid"; say "stopped node $agency"; fi
    rm -f "$state/run/$agency.pid"
  done
  bash "$here/broker.sh" stop
}

status() {
  bash "$here/broker.sh" status || true
  local agency
  for agency in $(nodes); do
    if pid="$(node_pid "$agency")"; then echo "node $agency running (pid $pid)"; else echo "node $agency stopped"; fi
  done
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
