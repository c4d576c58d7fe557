#!/usr/bin/env bash
# `npm run bench`: builds, starts the local Kafka broker if none runs (and stops only a broker it
# started), checks PostgreSQL, then runs the pipeline benchmark (bench/pipeline.bench.ts, which
# ends with the attachment phase: a 50 MiB file through the nodes next to raw kafkajs with chunk
# messages; BENCH_ATTACH=0 skips it and the micro-bench, BENCH_ONLY=attach runs it alone), the format
# micro-bench (bench/attachment.bench.ts: the format over kafkajs in one process next to raw
# kafkajs; BENCH_ATTACHMENT=0 skips it, BENCH_ATTACHMENT_MIB sets the file size, default 50) and
# the private-match bench (bench/match.bench.ts). BENCH_ONLY (idle, attach) runs that part of the
# pipeline benchmark and nothing after it. Results go to bench/results/ (git-ignored): report.md,
# latest.json, latency.svg, attachment.json, match.txt (attach-phase.md/.json with BENCH_ONLY=attach).
# Not part of the test suite.
#   BENCH_SECONDS=15 BENCH_CONCURRENCY=256 BENCH_PROFILE=1 npm run bench
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
say() { echo "[bench] $*" >&2; }

bash deploy/local/prepare.sh
if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null && [ -z "${DATABASE_URL:-}" ]; then
  say "PostgreSQL is not answering on 127.0.0.1:5432. Start it (pg_ctlcluster --skip-systemctl-redirect 15 main start) or set DATABASE_URL."
  exit 1
fi
bash deploy/local/secrets.sh >/dev/null
started_broker=0
if ! bash deploy/local/broker.sh status >/dev/null 2>&1; then
  say "starting the local Kafka broker…"
  bash deploy/local/broker.sh start
  started_broker=1
fi
stop_broker() { if [ "$started_broker" = 1 ]; then bash deploy/local/broker.sh stop || true; fi; }
trap stop_broker EXIT
KAFKAJS_NO_PARTITIONER_WARNING=1 node -r ./deploy/register-paths.js dist/bench/pipeline.bench.js "$@"
if [ -n "${BENCH_ONLY:-}" ]; then exit 0; fi
if [ "${BENCH_ATTACHMENT:-1}" = 1 ] && [ "${BENCH_ATTACH:-1}" != 0 ]; then
  KAFKAJS_NO_PARTITIONER_WARNING=1 node -r ./deploy/register-paths.js dist/bench/attachment.bench.js "${BENCH_ATTACHMENT_MIB:-50}"
fi
say "private match (libs/match, one core, no broker)…"
mkdir -p bench/results
node -r ./deploy/register-paths.js dist/bench/match.bench.js 5 "${BENCH_MATCH_ENTRIES:-10000000}" 50 | tee bench/results/match.txt
