#!/usr/bin/env bash
# Create the virtual environment and install the pinned dependencies (requirements.lock).
set -euo pipefail
python=${1:-python3}
venv=${2:-.venv}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "Integrationsatlas braucht Python 3.11 oder neuer; '$python' ist älter." >&2
  exit 1
fi
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip uv
"$venv/bin/uv" pip install --python "$venv/bin/python" --quiet -r requirements.lock
"$venv/bin/uv" pip install --python "$venv/bin/python" --quiet --no-deps -e .
