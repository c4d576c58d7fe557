#!/usr/bin/env bash
# The whole test suite, exactly as CI runs it (`npm test`, called by .ci/run): installs what is
# missing, type-checks, then runs unit, integration, end-to-end and browser tests against a real
# Kafka broker (started here if none runs, stopped afterwards) and the local PostgreSQL.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

bash deploy/local/prepare.sh
if [ ! -x /usr/bin/chromium ]; then
  echo "[test] installing Debian's chromium for the browser tests…" >&2
  if [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
      || { echo "[test] could not install chromium" >&2; exit 1; }
  else
    echo "[test] /usr/bin/chromium is missing: sudo apt-get install chromium" >&2; exit 1
  fi
fi
echo "[test] type-checking…" >&2
npx tsc -p tsconfig.json --noEmit
bash deploy/local/secrets.sh >/dev/null
summary="$(mktemp)"; trap 'rm -f "$summary"' EXIT
status=0
# --forceExit: a client left retrying by a failed test must not hold CI until its time limit.
LIAISON_TEST_SUMMARY="$summary" npx jest --maxWorkers=2 --forceExit "$@" || status=$?
if [ $# -eq 0 ]; then
  # The fault test that stops and restarts the shared broker and PostgreSQL runs alone, last.
  echo "[test] fault suite, infrastructure outages (runs alone)…" >&2
  LIAISON_TEST_SUMMARY="$summary" LIAISON_FAULT_INFRA=1 npx jest test/e2e/fault-infra.spec.ts --selectProjects integration --forceExit || status=$?
  # Then the replicated cluster's faults: its own three controllers and three brokers (deploy/local/cluster.sh).
  echo "[test] fault suite, three-broker cluster (runs alone)…" >&2
  LIAISON_TEST_SUMMARY="$summary" LIAISON_FAULT_CLUSTER=1 npx jest test/e2e/fault-cluster.spec.ts --selectProjects integration --forceExit || status=$?
fi
awk '{ p += $1; f += $2; s += $3 } END { printf "\ntests: %d passed, %d failed, %d skipped\n", p, f, s }' "$summary"
exit $status
