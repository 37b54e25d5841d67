#!/usr/bin/env bash
# The README's start command: installs what is missing, builds, starts the three services, the
# Messenger emulator and two example bots, and plays a short scripted conversation.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
node scripts/preflight.mjs
npm run --silent build
exec node dist/scripts/demo/main.js "$@"
