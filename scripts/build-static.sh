#!/usr/bin/env bash
# Installs the pinned front-end libraries from the npm registry and copies what the pages load into static/vendor/.
set -euo pipefail
cd "$(dirname "$0")/.."
vendor=integrationsatlas/static/vendor
if ! command -v npm >/dev/null; then
  echo "npm fehlt: Karte und Barrierefreiheitstests brauchen Leaflet und axe-core (apt-get install npm)." >&2
  exit 1
fi
npm ci --no-audit --no-fund --loglevel=error
rm -rf "$vendor"
mkdir -p "$vendor/leaflet/images" "$vendor/axe-core"
cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css "$vendor/leaflet/"
cp node_modules/leaflet/dist/images/*.png "$vendor/leaflet/images/"
cp node_modules/leaflet/LICENSE "$vendor/leaflet/LICENSE"
cp node_modules/axe-core/axe.min.js node_modules/axe-core/LICENSE "$vendor/axe-core/"
echo "Vendor files in $vendor"
