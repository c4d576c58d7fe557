#!/usr/bin/env bash
# Creates .local/secrets.env once: random passwords for the broker's own principal, the federation
# admin, each agency of deploy/local/federation.json, and the TLS keystore. Prints its path.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
state="${LIAISON_STATE:-$(cd "$here/../.." && pwd)/.local}"
file="$state/secrets.env"
mkdir -p "$state"; chmod 700 "$state"
if [ ! -f "$file" ]; then
  rnd() { openssl rand -hex 24; }
  agencies="$(node -e "process.stdout.write(require('$here/federation.json').agencies.map(a => a.code).join(' '))")"
  umask 077
  {
    echo "LIAISON_AGENCIES=\"$agencies\""
    echo "KAFKA_ADMIN_USER=admin"
    echo "KAFKA_ADMIN_PASSWORD=$(rnd)"
    echo "KAFKA_BROKER_PASSWORD=$(rnd)"
    echo "KAFKA_TLS_STORE_PASSWORD=$(rnd)"
    echo "LIAISON_KEY_ENCRYPTION_KEY=$(openssl rand -hex 32)"
    for a in $agencies; do echo "KAFKA_PASSWORD_$a=$(rnd)"; done
  } >"$file"
fi
# PostgreSQL passwords for docker-compose.yml (no `trust`), added to files made before they existed.
if ! grep -q '^POSTGRES_PASSWORD=' "$file"; then
  umask 077
  {
    echo "POSTGRES_PASSWORD=$(openssl rand -hex 24)"
    for a in $(. "$file"; echo "$LIAISON_AGENCIES"); do echo "POSTGRES_APP_PASSWORD_$a=$(openssl rand -hex 24)"; done
  } >>"$file"
fi
echo "$file"
