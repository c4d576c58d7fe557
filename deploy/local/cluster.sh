#!/usr/bin/env bash
# A three-broker Apache Kafka cluster on loopback, from the same jars as broker.sh: three
# dedicated KRaft controllers (node ids 1-3; combined mode is not recommended for critical
# deployments) and three brokers (node ids 4-6), SASL/SCRAM-SHA-512 and ACLs as the single broker,
# its own ports and its own state, so it runs next to the shared broker (19092-19095).
#   deploy/local/cluster.sh start [ID…]     all nodes (idempotent), or the given ones again
#   deploy/local/cluster.sh stop [ID…]      graceful (SIGTERM; brokers move their leaderships away)
#   deploy/local/cluster.sh kill ID…        SIGKILL, nothing flushed
#   deploy/local/cluster.sh status          one line per node; exit 3 when one is not running
#   deploy/local/cluster.sh brokers         the clients' bootstrap list (KAFKA_BROKERS)
#   deploy/local/cluster.sh leader TOPIC P  node id leading partition P of TOPIC
#   deploy/local/cluster.sh controller      node id of the active controller (the quorum leader)
#   deploy/local/cluster.sh logs ID [N] | reset
# Ports: broker n listens for clients on LIAISON_CLUSTER_PORT_BASE+n-3 (19191-19193), inter-broker
# on +100 (19291-19293); controller n on +200+n (19391-19393). State: .local/kafka-cluster.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
state="${LIAISON_STATE:-$root/.local}"
cluster="${LIAISON_CLUSTER_STATE:-$state/kafka-cluster}"
base="${LIAISON_CLUSTER_PORT_BASE:-19190}"
KAFKA_LOG_TAG=cluster
. "$here/kafka-lib.sh"

CONTROLLERS="1 2 3"
BROKERS="4 5 6"
client_port() { echo $((base + $1 - 3)); }
internal_port() { echo $((base + 100 + $1 - 3)); }
controller_port() { echo $((base + 200 + $1)); }
is_controller() { [ "$1" -le 3 ]; }
node_dir() { echo "$cluster/node-$1"; }
voters() { local out="" n; for n in $CONTROLLERS; do out="${out:+$out,}$n@127.0.0.1:$(controller_port "$n")"; done; echo "$out"; }
bootstrap() { local out="" n; for n in $BROKERS; do out="${out:+$out,}127.0.0.1:$(client_port "$n")"; done; echo "$out"; }

running_pid() {
  local file; file="$(node_dir "$1")/pid"
  [ -f "$file" ] || return 1
  local pid; pid="$(cat "$file")"
  kill -0 "$pid" 2>/dev/null && echo "$pid"
}

check_id() { case "$1" in 1|2|3|4|5|6) ;; *) say "no node $1 (controllers 1-3, brokers 4-6)"; exit 2 ;; esac; }

render_node() {
  local n="$1" dir; dir="$(node_dir "$n")"
  mkdir -p "$dir/logs"
  export NODE_ID="$n" NODE_STATE="$dir" CLUSTER_VOTERS="$(voters)"
  if is_controller "$n"; then
    export NODE_ROLE=controller NODE_LISTENERS="CONTROLLER://127.0.0.1:$(controller_port "$n")" NODE_ADVERTISED=""
  else
    export NODE_ROLE=broker NODE_LISTENERS="CLIENT://127.0.0.1:$(client_port "$n"),INTERNAL://127.0.0.1:$(internal_port "$n")"
    export NODE_ADVERTISED="advertised.listeners=CLIENT://127.0.0.1:$(client_port "$n"),INTERNAL://127.0.0.1:$(internal_port "$n")"
  fi
  render_template "$here/cluster.properties.template" "$dir/server.properties"
}

# Every node is formatted once, with one cluster id; the SCRAM users go into the bootstrap metadata.
format_all() {
  local n id
  [ -f "$cluster/cluster.id" ] || { mkdir -p "$cluster"; new_cluster_id >"$cluster/cluster.id"; }
  id="$(cat "$cluster/cluster.id")"
  for n in $CONTROLLERS $BROKERS; do
    render_node "$n"
    [ -f "$(node_dir "$n")/data/meta.properties" ] && continue
    say "formatting node $n"
    format_storage "$(node_dir "$n")/server.properties" "$(node_dir "$n")/logs" "$id"
  done
}

launch() {
  local n="$1" dir heap; dir="$(node_dir "$n")"
  if pid="$(running_pid "$n")"; then return; fi
  # Small heaps: six JVMs share a developer's machine (or a 2-core CI runner).
  if is_controller "$n"; then heap="-Xms64m -Xmx192m"; else heap="-Xms128m -Xmx384m"; fi
  # shellcheck disable=SC2086
  nohup java $heap -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$here/log4j2.properties" -Dkafka.logs.dir="$dir/logs" \
    -cp "$jars/*" kafka.Kafka "$dir/server.properties" >"$dir/logs/stdout.log" 2>&1 &
  echo $! >"$dir/pid"
}

# Waits until each given broker answers the admin's SCRAM login and the cluster lists it.
wait_ready() {
  local n i
  for n in "$@"; do
    is_controller "$n" && continue
    for i in $(seq 1 180); do
      if ! running_pid "$n" >/dev/null; then
        say "node $n exited during start; last lines of its logs:"
        tail -n 40 "$(node_dir "$n")/logs/server.log" "$(node_dir "$n")/logs/stdout.log" >&2 2>/dev/null || true
        exit 1
      fi
      if port_open "$(client_port "$n")" && node "$here/cluster-admin.js" ready "$n" >/dev/null 2>&1; then break; fi
      [ "$i" = 180 ] && { say "broker $n not ready after 90 s; last lines of its log:"; tail -n 40 "$(node_dir "$n")/logs/server.log" >&2; exit 1; }
      sleep 0.5
    done
  done
}

start() {
  local ids=("$@") n
  [ ${#ids[@]} -gt 0 ] || ids=($CONTROLLERS $BROKERS)
  for n in "${ids[@]}"; do check_id "$n"; done
  fetch_jars; ensure_secrets; format_all
  for n in "${ids[@]}"; do launch "$n"; done
  wait_ready "${ids[@]}"
  say "running: node(s) ${ids[*]}; clients connect to $(bootstrap)"
}

stop_one() {
  local n="$1" pid
  if ! pid="$(running_pid "$n")"; then rm -f "$(node_dir "$n")/pid"; return; fi
  kill "$pid"
  for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || { rm -f "$(node_dir "$n")/pid"; say "node $n stopped"; return; }; sleep 0.5; done
  say "node $n did not stop in 60 s; killing"; kill -9 "$pid" 2>/dev/null || true; rm -f "$(node_dir "$n")/pid"
}

stop() {
  local ids=("$@") n
  [ ${#ids[@]} -gt 0 ] || ids=($BROKERS $CONTROLLERS)
  for n in "${ids[@]}"; do check_id "$n"; stop_one "$n"; done
}

kill_nodes() {
  local n pid
  [ $# -gt 0 ] || { say "kill: which node id(s)?"; exit 2; }
  for n in "$@"; do
    check_id "$n"
    if pid="$(running_pid "$n")"; then
      kill -9 "$pid"
      while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
      say "node $n killed (SIGKILL)"
    fi
    rm -f "$(node_dir "$n")/pid"
  done
}

status() {
  local n pid down=0 role
  for n in $CONTROLLERS $BROKERS; do
    if is_controller "$n"; then role="controller 127.0.0.1:$(controller_port "$n")"; else role="broker 127.0.0.1:$(client_port "$n")"; fi
    if pid="$(running_pid "$n")"; then echo "node $n $role running (pid $pid)"; else echo "node $n $role stopped"; down=1; fi
  done
  [ "$down" = 0 ] || exit 3
}

# The quorum leader, asked of the controllers themselves (brokers tell clients a random broker id).
active_controller() {
  ensure_secrets
  local cfg="$cluster/controller-client.properties"
  umask 077
  cat >"$cfg" <<PROPS
security.protocol=SASL_PLAINTEXT
sasl.mechanism=PLAIN
sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="broker" password="$KAFKA_BROKER_PASSWORD";
PROPS
  local bootstrap_controllers="" n
  for n in $CONTROLLERS; do running_pid "$n" >/dev/null && bootstrap_controllers="${bootstrap_controllers:+$bootstrap_controllers,}127.0.0.1:$(controller_port "$n")"; done
  [ -n "$bootstrap_controllers" ] || { say "no controller runs"; exit 1; }
  java -Xmx96m -XX:TieredStopAtLevel=1 -cp "$jars/*" -Dlog4j2.configurationFile="$here/log4j2.properties" -Dkafka.logs.dir="$cluster" \
    org.apache.kafka.tools.MetadataQuorumCommand --bootstrap-controller "$bootstrap_controllers" --command-config "$cfg" describe --status 2>"$cluster/controller-query.log" \
    | awk -F': *' '$1 == "LeaderId" { print $2; found = 1 } END { exit found ? 0 : 1 }'
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  kill) shift; kill_nodes "$@" ;;
  status) status ;;
  brokers) bootstrap ;;
  leader) [ $# -eq 3 ] || { echo "usage: $0 leader TOPIC PARTITION" >&2; exit 2; }; node "$here/cluster-admin.js" leader "$2" "$3" ;;
  controller) active_controller ;;
  logs) check_id "${2:-}"; tail -n "${3:-60}" "$(node_dir "$2")/logs/server.log" ;;
  reset) stop; rm -rf "$cluster"; say "state removed" ;;
  *) echo "usage: $0 start [ID…]|stop [ID…]|kill ID…|status|brokers|leader TOPIC P|controller|logs ID [N]|reset" >&2; exit 2 ;;
esac
