#!/usr/bin/env bash
# Runs a real, single-node Apache Kafka broker (KRaft, SASL/SCRAM-SHA-512, ACLs) from the official
# jars on Maven Central, without Docker. Idempotent: `start` reuses a broker that already runs.
#   deploy/local/broker.sh start|stop|status|logs|reset
# State (jars, data, logs, secrets, TLS keystore) lives in .local/ (git-ignored).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
state="${LIAISON_STATE:-$root/.local}"
export KAFKA_STATE="$state/kafka"
export KAFKA_PORT="${KAFKA_PORT:-19092}" KAFKA_TLS_PORT="${KAFKA_TLS_PORT:-19093}"
export KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-19094}" KAFKA_INTERNAL_PORT="${KAFKA_INTERNAL_PORT:-19095}"
# Clients reach the broker on loopback only; docker-compose.yml renders the same template with its own hosts.
export KAFKA_LISTEN_HOST="${KAFKA_LISTEN_HOST:-127.0.0.1}" KAFKA_ADVERTISED_HOST="${KAFKA_ADVERTISED_HOST:-127.0.0.1}"
pidfile="$KAFKA_STATE/broker.pid"
log="$KAFKA_STATE/logs/server.log"
. "$here/kafka-lib.sh"

running_pid() {
  [ -f "$pidfile" ] || return 1
  local pid; pid="$(cat "$pidfile")"
  kill -0 "$pid" 2>/dev/null && echo "$pid"
}

ensure_tls() {
  [ -f "$KAFKA_STATE/tls/broker.p12" ] && return
  mkdir -p "$KAFKA_STATE/tls"
  keytool -genkeypair -alias broker -keyalg EC -groupname secp256r1 -validity 3650 \
    -dname "CN=localhost, O=Liaison local federation" -ext "SAN=dns:localhost,ip:127.0.0.1" -ext "BC=ca:true" \
    -keystore "$KAFKA_STATE/tls/broker.p12" -storetype PKCS12 \
    -storepass "$KAFKA_TLS_STORE_PASSWORD" -keypass "$KAFKA_TLS_STORE_PASSWORD" >/dev/null 2>&1
  keytool -exportcert -rfc -alias broker -keystore "$KAFKA_STATE/tls/broker.p12" \
    -storepass "$KAFKA_TLS_STORE_PASSWORD" -file "$KAFKA_STATE/tls/ca.pem" >/dev/null 2>&1
}

render_config() {
  mkdir -p "$KAFKA_STATE/logs"
  render_template "$here/server.properties.template" "$KAFKA_STATE/server.properties"
}

format_once() {
  [ -f "$KAFKA_STATE/data/meta.properties" ] && return
  say "formatting KRaft storage with SCRAM users: $KAFKA_ADMIN_USER and one per agency"
  format_storage "$KAFKA_STATE/server.properties" "$KAFKA_STATE/logs" "$(new_cluster_id)"
}

start() {
  mkdir -p "$state"
  if pid="$(running_pid)"; then say "already running (pid $pid) on 127.0.0.1:$KAFKA_PORT"; return; fi
  if port_open "$KAFKA_PORT"; then say "a broker already listens on 127.0.0.1:$KAFKA_PORT; reusing it"; return; fi
  fetch_jars; ensure_secrets; ensure_tls; render_config; format_once
  say "starting Kafka on 127.0.0.1:$KAFKA_PORT (SASL_PLAINTEXT) and :$KAFKA_TLS_PORT (SASL_SSL)"
  nohup java -Xms256m -Xmx768m -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$here/log4j2.properties" -Dkafka.logs.dir="$KAFKA_STATE/logs" \
    -cp "$jars/*" kafka.Kafka "$KAFKA_STATE/server.properties" >"$KAFKA_STATE/logs/stdout.log" 2>&1 &
  echo $! >"$pidfile"
  local i
  for i in $(seq 1 120); do
    if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      say "the broker exited during start; last lines of its logs:"
      tail -n 40 "$log" "$KAFKA_STATE/logs/stdout.log" >&2 2>/dev/null || true
      rm -f "$pidfile"; exit 1
    fi
    if port_open "$KAFKA_PORT" && node "$here/broker-ready.js" >/dev/null 2>&1; then
      say "ready after ${i}×0.5 s"; return
    fi
    sleep 0.5
  done
  say "the broker did not become ready in 60 s; last lines of its log:"; tail -n 40 "$log" >&2 || true
  exit 1
}

stop() {
  local pid
  if ! pid="$(running_pid)"; then say "not running"; rm -f "$pidfile"; return; fi
  kill "$pid"
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || { rm -f "$pidfile"; say "stopped"; return; }; sleep 0.5; done
  say "did not stop in 30 s; killing"; kill -9 "$pid" 2>/dev/null || true; rm -f "$pidfile"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if pid="$(running_pid)"; then echo "running (pid $pid)"; else echo "stopped"; exit 3; fi ;;
  logs) tail -n "${2:-60}" "$log" ;;
  reset) stop; rm -rf "$KAFKA_STATE"; say "state removed" ;;
  *) echo "usage: $0 start|stop|status|logs [N]|reset" >&2; exit 2 ;;
esac
