"""Exit 0 if a PostgreSQL server answers at the given URL within two seconds."""

import sys

import psycopg

try:
    psycopg.connect(sys.argv[1], connect_timeout=2).close()
except psycopg.Error:
    sys.exit(1)
