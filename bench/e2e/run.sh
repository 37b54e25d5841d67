#!/usr/bin/env bash
# End-to-end benchmark (webhook POST → bot handler), see bench/e2e/e2e-bench.ts for the flags.
# Builds the suite (skip with BENCH_SKIP_BUILD=1), compiles the benchmark with SWC (same transform
# as the services) and runs it against a dedicated nats-server and PostgreSQL cluster in a temp
# dir; never touches the shared services. Results: bench/e2e/results/e2e-latest.{json,md,svg}.
# Examples: bash bench/e2e/run.sh --quick
#           bash bench/e2e/run.sh --soak-seconds 600
#           bash bench/e2e/run.sh render [results.json]   (redraw the charts only)
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ "${BENCH_SKIP_BUILD:-0}" != "1" ] || [ ! -f dist/apps/ingress/src/main.js ]; then npm run --silent build; fi
out=dist/bench-e2e
rm -rf "$out"
npx swc bench/e2e test/faults/harness libs -d "$out" --config-file .swcrc --quiet --only '**/*.ts' --ignore '**/*.spec.ts'
if [ "${1:-}" = "render" ]; then shift; exec node "$out/bench/e2e/render.js" "$@"; fi
exec node "$out/bench/e2e/e2e-bench.js" "$@"
