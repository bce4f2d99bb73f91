#!/usr/bin/env bash
# Installs what the rendering tests drive when it is missing: Debian's Chromium (never
# Playwright's own download) and poppler-utils (pdftoppm, to look at rendered PDF pages).
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v pdftoppm >/dev/null || missing+=(poppler-utils)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null; then SUDO="sudo"; fi
$SUDO apt-get update -q
# Without Chromium's recommended desktop packages (avahi, printer setup, Mesa drivers, ...):
# 21 packages instead of 109 (here 8.5 s including the download, against 17 s for the full
# set from apt's cache). fonts-liberation, also a recommendation, is kept so that pages and
# PDFs render with the same fonts as with the full set.
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends \
  "${missing[@]}" fonts-liberation
