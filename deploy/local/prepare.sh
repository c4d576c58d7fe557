#!/usr/bin/env bash
# Installs what the project needs on a fresh machine of this kind and builds it; quick when
# everything is already there. Used by both quick-start commands.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
say() { echo "[prepare] $*" >&2; }

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm dependencies (npm ci)…"
  npm ci --no-audit --no-fund --loglevel=error
fi
if ! command -v mvn >/dev/null || ! command -v java >/dev/null; then
  say "Java and Maven are required to run the local Kafka broker"; exit 1
fi
stamp=dist/.build-stamp
if [ ! -f "$stamp" ] || [ -n "$(find apps libs bench tsconfig*.json -newer "$stamp" -name '*.ts' -o -newer "$stamp" -name '*.json' 2>/dev/null | head -n 1)" ]; then
  say "building (tsc)…"
  npx tsc -p tsconfig.build.json
  touch "$stamp"
fi
