#!/usr/bin/env bash
# Installs the npm dependencies when they are missing or older than the lock file.
# With --with-browser (the test command only) it also installs Chromium for the console's browser test.
set -euo pipefail
cd "$(dirname "$0")/.."
with_browser=false
[ "${1:-}" = --with-browser ] && with_browser=true
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "Installing npm dependencies (npm ci)…"
  npm ci --no-audit --no-fund --loglevel=error
fi
# The operator console's browser test drives Debian's Chromium (never a browser build downloaded
# by an npm package). Nothing else needs it, so `npm start` does not install it. Idempotent; if it
# cannot be installed, that test is skipped with its reason.
if [ "$with_browser" = true ] && ! command -v chromium >/dev/null 2>&1; then
  echo "Installing Chromium for the console's browser test (apt-get)…"
  if ! (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null 2>&1; then
    echo "Chromium could not be installed: the console's browser test will be skipped."
  fi
fi
