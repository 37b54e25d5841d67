#!/usr/bin/env bash
# The README's test command: installs what is missing, checks the local services, type-checks,
# then runs every unit and end-to-end test against the real NATS and PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
node scripts/preflight.mjs
echo "Type-checking…"
npx tsc -p tsconfig.json
echo "Building (SWC)…"
npm run --silent build
echo "Running tests…"
npx vitest run --reporter=default --reporter=json --outputFile.json=.run/vitest-report.json "$@"
node scripts/test-summary.mjs .run/vitest-report.json
