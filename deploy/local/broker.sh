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
jars="$state/kafka-jars"
pidfile="$KAFKA_STATE/broker.pid"
log="$KAFKA_STATE/logs/server.log"

say() { echo "[broker] $*" >&2; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

running_pid() {
  [ -f "$pidfile" ] || return 1
  local pid; pid="$(cat "$pidfile")"
  kill -0 "$pid" 2>/dev/null && echo "$pid"
}

fetch_jars() {
  if [ -f "$jars/.complete" ] && cmp -s "$here/pom.xml" "$jars/.pom"; then return; fi
  command -v mvn >/dev/null || { say "Maven (mvn) is required to fetch Kafka's jars from Maven Central"; exit 1; }
  say "fetching Apache Kafka jars from Maven Central (first start only)…"
  rm -rf "$jars"; mkdir -p "$jars"
  mvn -q -B -f "$here/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$jars" >"$state/mvn.log" 2>&1 \
    || { say "mvn failed; last lines of $state/mvn.log:"; tail -n 30 "$state/mvn.log" >&2; exit 1; }
  cp "$here/pom.xml" "$jars/.pom"; touch "$jars/.complete"
}

# Secrets are generated once per machine and kept with the state they protect.
ensure_secrets() {
  "$here/secrets.sh" >/dev/null
  set -a; . "$state/secrets.env"; set +a
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
  # envsubst is not always installed: expand ${VAR} with bash alone.
  local line
  : >"$KAFKA_STATE/server.properties"
  while IFS= read -r line || [ -n "$line" ]; do
    eval "printf '%s\n' \"${line//\"/\\\"}\"" >>"$KAFKA_STATE/server.properties"
  done <"$here/server.properties.template"
  chmod 600 "$KAFKA_STATE/server.properties"
}

format_storage() {
  [ -f "$KAFKA_STATE/data/meta.properties" ] && return
  say "formatting KRaft storage with SCRAM users: $KAFKA_ADMIN_USER and one per agency"
  local scram=(--add-scram "SCRAM-SHA-512=[name=$KAFKA_ADMIN_USER,password=$KAFKA_ADMIN_PASSWORD]")
  local agency var
  for agency in $LIAISON_AGENCIES; do
    var="KAFKA_PASSWORD_$agency"
    scram+=(--add-scram "SCRAM-SHA-512=[name=$agency,password=${!var}]")
  done
  local cluster; cluster="$(node -e "process.stdout.write(require('crypto').randomBytes(16).toString('base64url'))")"
  java -cp "$jars/*" -Dlog4j2.configurationFile="$here/log4j2.properties" -Dkafka.logs.dir="$KAFKA_STATE/logs" \
    kafka.tools.StorageTool format -t "$cluster" -c "$KAFKA_STATE/server.properties" "${scram[@]}" >"$KAFKA_STATE/logs/format.log" 2>&1 \
    || { say "storage format failed:"; tail -n 30 "$KAFKA_STATE/logs/format.log" >&2; exit 1; }
}

start() {
  mkdir -p "$state"
  if pid="$(running_pid)"; then say "already running (pid $pid) on 127.0.0.1:$KAFKA_PORT"; return; fi
  if port_open "$KAFKA_PORT"; then say "a broker already listens on 127.0.0.1:$KAFKA_PORT; reusing it"; return; fi
  fetch_jars; ensure_secrets; ensure_tls; render_config; format_storage
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
