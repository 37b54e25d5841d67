#!/usr/bin/env bash
# The README's test command: checks the local services, installs what is missing (Chromium too,
# for the console's browser test), type-checks, then runs every unit and end-to-end test against
# the real NATS and PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
# Before any install (it needs only Node): a missing NATS or PostgreSQL stops us at once, not after npm ci.
node scripts/preflight.mjs
bash scripts/ensure-deps.sh --with-browser
echo "Type-checking…"
npx tsc -p tsconfig.json
echo "Building (SWC)…"
npm run --silent build
echo "Running tests…"
npx vitest run --reporter=default --reporter=json --outputFile.json=.run/vitest-report.json "$@"
node scripts/test-summary.mjs .run/vitest-report.json
