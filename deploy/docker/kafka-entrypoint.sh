#!/usr/bin/env bash
# Entry point of the `kafka` service in docker-compose.yml (official apache/kafka image): renders
# deploy/local/server.properties.template — the same security settings as the local broker —
# formats KRaft storage with the SCRAM users once, and starts the broker.
set -euo pipefail
export KAFKA_STATE=/var/lib/kafka KAFKA_PORT=9092 KAFKA_TLS_PORT=9093 KAFKA_CONTROLLER_PORT=9094 KAFKA_INTERNAL_PORT=9095
export KAFKA_LISTEN_HOST=0.0.0.0 KAFKA_ADVERTISED_HOST=kafka
mkdir -p "$KAFKA_STATE/tls"
if [ ! -f "$KAFKA_STATE/tls/broker.p12" ]; then
  keytool -genkeypair -alias broker -keyalg EC -groupname secp256r1 -validity 3650 -dname "CN=kafka" \
    -ext "SAN=dns:kafka,dns:localhost" -keystore "$KAFKA_STATE/tls/broker.p12" -storetype PKCS12 \
    -storepass "$KAFKA_TLS_STORE_PASSWORD" -keypass "$KAFKA_TLS_STORE_PASSWORD"
fi
: >/tmp/server.properties
while IFS= read -r line || [ -n "$line" ]; do
  eval "printf '%s\n' \"${line//\"/\\\"}\"" >>/tmp/server.properties
done </liaison/server.properties.template
if [ ! -f "$KAFKA_STATE/data/meta.properties" ]; then
  scram=(--add-scram "SCRAM-SHA-512=[name=$KAFKA_ADMIN_USER,password=$KAFKA_ADMIN_PASSWORD]")
  for agency in $LIAISON_AGENCIES; do
    var="KAFKA_PASSWORD_$agency"
    scram+=(--add-scram "SCRAM-SHA-512=[name=$agency,password=${!var}]")
  done
  /opt/kafka/bin/kafka-storage.sh format -t "$(/opt/kafka/bin/kafka-storage.sh random-uuid)" -c /tmp/server.properties "${scram[@]}"
fi
exec /opt/kafka/bin/kafka-server-start.sh /tmp/server.properties
