#!/usr/bin/env bash
# Installs the console's front-end dependency (Leaflet, from the npm registry, pinned by
# console/package-lock.json) and copies its dist into the served folder api/static/vendor/leaflet.
# Idempotent: `npm ci` runs only when node_modules is missing or the lock file changed.
set -euo pipefail
cd "$(dirname "$0")/.."

lock_sum="$(cksum < console/package-lock.json | cut -d' ' -f1)"
stamp="console/node_modules/.installed-${lock_sum}"
if [ ! -f "$stamp" ]; then
  echo "installing the console's npm dependencies (npm ci)"
  (cd console && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  rm -f console/node_modules/.installed-* && touch "$stamp"
fi

target="api/static/vendor/leaflet"
source="console/node_modules/leaflet/dist"
if [ ! -f "$target/.from-${lock_sum}" ]; then
  rm -rf "$target" && mkdir -p "$target"
  cp -R "$source"/. "$target"/
  touch "$target/.from-${lock_sum}"
fi
