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

echo "== ruff (lint and format) (at ${SECONDS} s)"
$BIN/ruff check . && $BIN/ruff format --check . || status=1
echo "== mypy (analysis engine) (at ${SECONDS} s)"
$BIN/mypy || status=1

echo "== pip-audit (known vulnerabilities in the pinned dependencies) (at ${SECONDS} s)"
$BIN/python scripts/audit.py || status=1

echo "== Chromium and poppler for the rendering tests (at ${SECONDS} s)"
# The browser tests run in the SQLite pass only: make sure Debian's Chromium is there.
scripts/install-browser.sh || status=1

echo "== pytest on SQLite (at ${SECONDS} s)"
env -u DATABASE_URL $BIN/python -m pytest -n "$WORKERS" --dist worksteal $DURATIONS "$@" || status=1

pg_url=${DATABASE_URL:-}
if [ -z "$pg_url" ] && $BIN/python scripts/pg_available.py postgres://postgres@127.0.0.1:5432/postgres; then
  pg_url=postgres://postgres@127.0.0.1:5432/postgres
fi
if [ -n "$pg_url" ]; then
  echo "== pytest on PostgreSQL (${pg_url%%@*}@…) (at ${SECONDS} s)"
  DATABASE_URL=$pg_url $BIN/python -m pytest -n "$WORKERS" --dist worksteal -m "not browser" $DURATIONS "$@" || status=1
else
  echo "== PostgreSQL pass SKIPPED: no DATABASE_URL set and no server answers on 127.0.0.1:5432"
fi
echo "== done in ${SECONDS} s"
exit $status
