# Shared by broker.sh (one combined broker) and cluster.sh (three controllers, three brokers):
# the jars, the secrets and the config rendering. Sourced, not run; expects $here and $state.

say() { echo "[${KAFKA_LOG_TAG:-broker}] $*" >&2; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

jars="$state/kafka-jars"

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

# render_template TEMPLATE OUT: expands ${VAR} from the environment (envsubst is not always installed).
render_template() {
  local line
  : >"$2"
  while IFS= read -r line || [ -n "$line" ]; do
    eval "printf '%s\n' \"${line//\"/\\\"}\"" >>"$2"
  done <"$1"
  chmod 600 "$2"
}

# format_storage CONFIG LOGDIR CLUSTER_ID: KRaft storage with the federation admin's and each agency's SCRAM user.
format_storage() {
  local scram=(--add-scram "SCRAM-SHA-512=[name=$KAFKA_ADMIN_USER,password=$KAFKA_ADMIN_PASSWORD]")
  local agency var
  for agency in $LIAISON_AGENCIES; do
    var="KAFKA_PASSWORD_$agency"
    scram+=(--add-scram "SCRAM-SHA-512=[name=$agency,password=${!var}]")
  done
  java -cp "$jars/*" -Dlog4j2.configurationFile="$here/log4j2.properties" -Dkafka.logs.dir="$2" \
    kafka.tools.StorageTool format -t "$3" -c "$1" "${scram[@]}" >"$2/format.log" 2>&1 \
    || { say "storage format failed:"; tail -n 30 "$2/format.log" >&2; exit 1; }
}

# A KRaft cluster id: 16 random bytes, base64url. One starting with '-' would be read as an option
# by kafka-storage (1 in 64: a formatting failure seen in CI), so draw again, as Kafka's Uuid does.
new_cluster_id() { node -e "const c=require('crypto');let id;do{id=c.randomBytes(16).toString('base64url')}while(id.startsWith('-'));process.stdout.write(id)"; }
