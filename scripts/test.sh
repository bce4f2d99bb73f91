#!/usr/bin/env bash
# The whole test suite: lint, type check, then pytest on SQLite and on PostgreSQL.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
status=0
# One pytest worker per core (pytest-xdist); each worker has its own test database.
WORKERS=${TEST_WORKERS:-$(nproc)}
# The slowest tests are listed at the end of each pass: where the suite's time goes.
DURATIONS=--durations=10

echo "== ruff (lint and format)"
$BIN/ruff check . && $BIN/ruff format --check . || status=1
echo "== mypy (analysis engine)"
$BIN/mypy || status=1

echo "== pip-audit (known vulnerabilities in the pinned dependencies)"
$BIN/python scripts/audit.py || status=1

echo "== pytest on SQLite"
# The browser tests run in this pass only: make sure Debian's Chromium is there.
scripts/install-browser.sh || status=1
env -u DATABASE_URL $BIN/python -m pytest -n "$WORKERS" --dist worksteal $DURATIONS "$@" || status=1

pg_url=${DATABASE_URL:-}
if [ -z "$pg_url" ] && $BIN/python scripts/pg_available.py postgres://postgres@127.0.0.1:5432/postgres; then
  pg_url=postgres://postgres@127.0.0.1:5432/postgres
fi
if [ -n "$pg_url" ]; then
  echo "== pytest on PostgreSQL (${pg_url%%@*}@…)"
  DATABASE_URL=$pg_url $BIN/python -m pytest -n "$WORKERS" --dist worksteal -m "not browser" $DURATIONS "$@" || status=1
else
  echo "== PostgreSQL pass SKIPPED: no DATABASE_URL set and no server answers on 127.0.0.1:5432"
fi
exit $status
