#!/usr/bin/env bash
# Builds the service and the benchmark with SWC (same transform as production) and runs it once.
# Needs the local NATS (JetStream) and PostgreSQL, like the e2e tests. Knobs: see notify-bench.ts.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=dist/bench-notifications
rm -rf "$out"
npx swc apps/notifications/src apps/notifications/test/support libs/contracts/src libs/platform/src libs/messaging/src \
  bench/notifications test/support -d "$out" --config-file .swcrc --quiet
node "$out/bench/notifications/notify-bench.js"
