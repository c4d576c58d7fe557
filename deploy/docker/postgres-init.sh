#!/usr/bin/env bash
# Runs once, when the `postgres` service of docker-compose.yml creates its data directory: creates
# each agency's runtime role `liaison_<agency>_app` with its password (the node's AppRole
# migration keeps an existing role and only grants it what it needs), so that no connection is
# trusted without a password (scram-sha-256).
set -euo pipefail
for agency in $LIAISON_AGENCIES; do
  role="liaison_${agency,,}_app"
  var="POSTGRES_APP_PASSWORD_$agency"
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -c "CREATE ROLE \"$role\" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '${!var}'"
done
