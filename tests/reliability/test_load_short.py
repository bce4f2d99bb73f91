"""Short load test (issue 9 in CI): `serve` holds mixed reads while the registry takes edits.

A copy of the test database (migrated, regions, offer types) in a temporary SQLite file gets
the small Pirna registry and a coordinator with an API token; `integrationsatlas serve`
(gunicorn) runs on a free loopback port; 10 clients send finder and API requests for about
5 s while one thread saves an edit per second. SQLite pass only: the server process needs a
file it can open, and the in-memory SQLite test database can be copied into one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
import bench_finder as bf  # noqa: E402
import bench_load as bl  # noqa: E402

pytestmark = pytest.mark.slow

# Runs in a subprocess against the copied file: data, coordinator, token, edit payload.
SETUP = """
import json, sys
sys.path[:0] = [{root!r}, {root!r} + "/benchmarks"]
import django
django.setup()
from django.contrib.auth import get_user_model
from integrationsatlas.registry.models import Membership
from tests.finder.fixtures import build_registry
import bench_load
build_registry()
user = get_user_model().objects.create_user(bench_load.COORDINATOR, password=None)
Membership.objects.create(user=user, role=Membership.Role.COORDINATOR, region_id="14628")
token, service_id, payload = bench_load.editor_setup()
print(json.dumps({{"token": token, "service": service_id, "payload": payload}}))
"""


@pytest.fixture(scope="module")
def database_file(tmp_path_factory, django_db_setup, django_db_blocker):
    if connection.vendor != "sqlite":
        pytest.skip("the short load test copies the SQLite test database (SQLite pass only)")
    target = tmp_path_factory.mktemp("load") / "load.sqlite3"
    import sqlite3

    with django_db_blocker.unblock():
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
    return target


def test_reads_hold_and_edits_go_through_under_load(database_file, db):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "integrationsatlas.settings",
        "INTEGRATIONSATLAS_VAR_DIR": str(database_file.parent),
        "SECRET_KEY": "load-test-only",
        "DATABASE_URL": f"sqlite:///{database_file}",
        "AXES_ENABLED": "0",
    }
    done = subprocess.run(
        [sys.executable, "-c", SETUP.format(root=str(ROOT))],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    setup = json.loads(done.stdout.strip().splitlines()[-1])
    # The small registry has no second result pages: leave those out.
    paths = [p for p in bl.read_paths(seed=1, count=300) if "seite=" not in p]
    port = bf.free_port()
    server = subprocess.Popen(
        [str(bf.BIN / "integrationsatlas"), "serve", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--threads", "4"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        bf.wait_for(server, port)
        stop = threading.Event()
        edits: dict = {}
        editor = threading.Thread(
            target=lambda: edits.update(
                result=bl.run_editor(port, setup["token"], setup["service"], setup["payload"], stop)
            )
        )
        editor.start()
        try:
            latencies, errors = bf.run_clients(f"http://127.0.0.1:{port}", 10, 5.0, paths)
        finally:
            stop.set()
            editor.join(timeout=30)
    finally:
        server.terminate()
        server.wait(timeout=20)
    saved, failed = edits["result"]
    assert errors == [], errors[:5]
    assert len(latencies) >= 10
    assert saved and not failed, failed[:3]
