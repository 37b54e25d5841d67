#!/usr/bin/env bash
# Builds the suite and this benchmark with SWC, then runs it once against the local NATS and
# PostgreSQL (its own database and subject prefix, removed afterwards). Knobs: see ownership-bench.ts.
set -euo pipefail
cd "$(dirname "$0")/../.."
npm run --silent build
out=dist/bench-thread-ownership
rm -rf "$out"
npx swc bench/thread-ownership test/support libs -d "$out" --config-file .swcrc --quiet --ignore '**/*.spec.ts'
node "$out/bench/thread-ownership/ownership-bench.js"
