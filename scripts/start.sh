#!/usr/bin/env bash
# The README's start command: checks the local services, installs what is missing, builds, starts
# the four services (the operator console among them), the Messenger emulator and two example
# bots, and plays a short scripted conversation.
set -euo pipefail
cd "$(dirname "$0")/.."
# Before any install (it needs only Node): a missing NATS or PostgreSQL stops us at once, not after npm ci.
node scripts/preflight.mjs
bash scripts/ensure-deps.sh
npm run --silent build
exec node dist/scripts/demo/main.js "$@"
