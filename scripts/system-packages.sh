#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages the product needs, only when missing (idempotent, quiet):
# PostgreSQL + PostGIS (the embedded database), a CJK font (service report PDFs), Node/npm (the
# console's Leaflet) and Chromium (the browser tests).
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
have() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

pg_major() { ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -n 1; }

if [ -z "$(pg_major)" ]; then missing+=(postgresql); fi
if [ -n "$(pg_major)" ] && ! have "postgresql-$(pg_major)-postgis-3"; then
  missing+=("postgresql-$(pg_major)-postgis-3")
fi
have fonts-wqy-microhei || missing+=(fonts-wqy-microhei)
# The console: npm installs Leaflet (console/package-lock.json); Chromium runs the browser tests.
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
[ -x /usr/bin/chromium ] || missing+=(chromium)

if [ ${#missing[@]} -gt 0 ]; then
  echo "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# PostGIS for a PostgreSQL that was only installed just now.
if ! have "postgresql-$(pg_major)-postgis-3"; then
  $SUDO apt-get install -y -qq "postgresql-$(pg_major)-postgis-3" >/dev/null
fi
# The Debian package starts a system cluster on 5432; the product runs its own and needs none.
exit 0
