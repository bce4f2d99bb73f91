"""Load benchmark (issue 9): finder + public API under N clients while the registry is edited.

    .venv/bin/python benchmarks/bench_load.py [--clients 50] [--duration 60] [--services 2000]

Sets up a throw-away database (a temporary SQLite file, or, when DATABASE_URL names a
PostgreSQL server, a new temporary database on it that is dropped afterwards): migrate,
regions, offer types, `load-demo --with-users` (DEMO_PASSWORD). Starts `integrationsatlas
serve` (gunicorn) on a free 127.0.0.1 port. Then, at the same time:

- wrk (or the Python fallback client) sends a mix of finder result pages, `/api/v1/services`
  searches and `/hsds/services` pages with N connections for the given time;
- one thread acts as the demo coordinator (API token of `demo-koordination`) and saves an
  edit of one published service every second with PUT /api/v1/services/<id>.

Prints the read latency (p50/p95/p99), throughput and errors, and the number of edits
saved, failed and their latency. Exit status 1 when any read or edit failed. Bounded in
time and count; loopback only; touches nothing outside its temporary database/directory.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_finder as bf  # noqa: E402  (sibling benchmark: server, wrk and query helpers)

BIN = bf.BIN
COORDINATOR = "demo-koordination"


def _pg_admin(url: str, statement: str) -> None:
    import psycopg

    parts = urllib.parse.urlsplit(url)
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(statement)


def temporary_database(tmp: str) -> tuple[str, str | None]:
    """(DATABASE_URL to use, PostgreSQL database to drop afterwards or None)."""
    given = os.environ.get("DATABASE_URL", "")
    if given.startswith(("postgres://", "postgresql://")):
        name = f"bench_load_{os.getpid()}_{secrets.token_hex(3)}"
        _pg_admin(given, f'CREATE DATABASE "{name}"')
        return urllib.parse.urlsplit(given)._replace(path=f"/{name}").geturl(), name
    return f"sqlite:///{tmp}/load.sqlite3", None


def prepare(env: dict, services: int) -> None:
    """Migrate and fill the database with the commands an operator would use."""
    ia = str(BIN / "integrationsatlas")
    for command in (
        ["migrate", "--noinput", "-v", "0"],
        ["load-regions"],
        ["load-offer-types"],
        ["load-demo", "--with-users", "--services", str(services)],
    ):
        subprocess.run([ia, *command], env=env, check=True, stdout=subprocess.DEVNULL, timeout=900)


def editor_setup() -> tuple[str, int, dict]:
    """A token for the demo coordinator and the full state of one service in their Kreis."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from integrationsatlas.api import schemas
    from integrationsatlas.api.models import ApiToken
    from integrationsatlas.api.search import with_details
    from integrationsatlas.api.serialize import service_dict
    from integrationsatlas.registry.demo import COORDINATOR_KREIS
    from integrationsatlas.registry.models import Service

    user = get_user_model().objects.get(username=COORDINATOR)
    _, raw = ApiToken.issue(user, "Lasttest")
    service = (
        Service.public.filter(
            service_at_locations__location__gemeinde__ags__startswith=COORDINATOR_KREIS
        )
        .order_by("pk")
        .first()
    )
    data = service_dict(with_details(Service.objects.filter(pk=service.pk)).get())

    def only(model, value: dict) -> dict:
        return {k: v for k, v in value.items() if k in model.model_fields}

    payload = only(schemas.ServiceIn, data)
    payload["organization"] = data["organization"]["id"]
    payload["locations"] = [only(schemas.LocationIn, loc) for loc in data["locations"]]
    payload["fundings"] = [only(schemas.FundingIn, f) for f in data.get("fundings", [])]
    return raw, service.pk, json.loads(json.dumps(payload, default=str))


def read_paths(seed: int, count: int) -> list[str]:
    """50 % finder result pages, 35 % /api/v1/services searches, 15 % /hsds/services pages."""
    from integrationsatlas.regions.models import Region
    from integrationsatlas.taxonomy.models import OfferType

    rng = random.Random(seed)
    finder = bf.build_queries(seed, count)
    codes = list(OfferType.objects.values_list("code", flat=True))
    gemeinden = list(
        Region.objects.filter(level="gemeinde", point_lat__isnull=False).values_list(
            "ags", "point_lat", "point_lon"
        )
    )
    paths = []
    for i in range(count):
        roll = rng.random()
        if roll < 0.5:
            # 2,000 demo services: rare offer types have no second page (a 404); first pages only.
            paths.append(finder[i].replace("&seite=2", ""))
        elif roll < 0.85:
            ags, lat, lon = rng.choice(gemeinden)
            params = {"offer_type": rng.choice(codes)}
            if rng.random() < 0.6:
                params.update(lat=f"{lat:.4f}", lon=f"{lon:.4f}", radius_km=rng.choice([10, 25]))
            else:
                params["region"] = ags[:5]
            if rng.random() < 0.2:
                params["language"] = rng.choice(["ar", "uk", "fa"])
            if rng.random() < 0.2:
                params["open_now"] = "true"
            paths.append("/api/v1/services?" + urllib.parse.urlencode(params))
        else:
            params = {"page": rng.randint(1, 20), "per_page": 25}
            paths.append("/hsds/services?" + urllib.parse.urlencode(params))
    return paths


def run_editor(port: int, token: str, service_id: int, payload: dict, stop: threading.Event):
    """One edit per second through the API; returns (latencies of saved edits, failures)."""
    saved: list[float] = []
    failed: list[str] = []
    n = 0
    while not stop.is_set():
        n += 1
        body = dict(payload, description=f"{payload.get('description', '')[:200]} [Lasttest {n}]")
        body["reason"] = f"Lasttest Änderung {n}"
        started = time.perf_counter()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
            conn.request(
                "PUT",
                f"/api/v1/services/{service_id}",
                json.dumps(body),
                {"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            )
            response = conn.getresponse()
            text = response.read()
            conn.close()
            if response.status == 201:
                saved.append(time.perf_counter() - started)
            else:
                failed.append(f"{response.status} {text[:200]!r}")
        except (OSError, http.client.HTTPException) as exc:
            failed.append(f"{type(exc).__name__}: {exc}")
        stop.wait(max(0.0, 1.0 - (time.perf_counter() - started)))
    return saved, failed


def main() -> int:
    args, wrk = parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        database_url, pg_name = temporary_database(tmp)
        env = server_env(tmp, database_url)
        os.environ.update(env)
        try:
            result, edits = run(args, wrk, env, tmp)
        finally:
            if pg_name:
                from django.db import connections

                connections.close_all()
                _pg_admin(os.environ["DATABASE_URL"], f'DROP DATABASE IF EXISTS "{pg_name}"')
    return report(args, wrk, pg_name, result, edits)


def parse_args() -> tuple[argparse.Namespace, str | None]:
    """The arguments, and wrk when it is to be used (None: the Python client)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=2000, help="demo services (load-demo)")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--client", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args()
    if not (1 <= args.clients <= 200 and 1 <= args.duration <= 600 and args.services <= 20000):
        parser.error("bounded: 1–200 clients, 1–600 s, at most 20,000 services")
    wrk = bf.ensure_wrk() if args.client in ("auto", "wrk") else None
    if args.client == "wrk" and wrk is None:
        parser.error("wrk is not installed and apt-get could not install it")
    return args, wrk


def server_env(tmp: str, database_url: str) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "integrationsatlas.settings",
        "INTEGRATIONSATLAS_VAR_DIR": tmp,
        "SECRET_KEY": "benchmark-only",
        "DATABASE_URL": database_url,
        "DEMO_PASSWORD": secrets.token_urlsafe(12),
        "AXES_ENABLED": "0",
    }


def run(args: argparse.Namespace, wrk: str | None, env: dict, tmp: str) -> tuple[dict, dict]:
    """Data, server and a short warm-up, then the reads under load while the editor edits."""
    started = time.monotonic()
    prepare(env, args.services)
    token, service_id, payload = editor_setup()
    paths = read_paths(args.seed, 3000)
    print(f"data ready in {time.monotonic() - started:.1f} s", flush=True)
    from django.db import connections

    connections.close_all()  # the benchmark process holds no database connection
    port = bf.free_port()
    server = bf.start_server(env, port, args.workers, args.threads, False, Path(tmp) / "server.log")
    base = f"http://127.0.0.1:{port}"
    try:
        bf.run_clients(base, min(args.clients, 8), min(5.0, args.duration), paths)
        stop = threading.Event()
        edits: dict = {}
        editor = threading.Thread(
            target=lambda: edits.update(
                saved_failed=run_editor(port, token, service_id, payload, stop)
            )
        )
        editor.start()
        try:
            if wrk:
                result = bf.run_wrk(wrk, base, paths, args.clients, args.duration, tmp)
            else:
                result = bf.run_python(base, paths, args.clients, args.duration)
        finally:
            stop.set()
            editor.join(timeout=60)
    finally:
        server.terminate()
        server.wait(timeout=20)
    return result, edits


def report(
    args: argparse.Namespace, wrk: str | None, pg_name: str | None, result: dict, edits: dict
) -> int:
    """Prints the figures; the exit status: 1 when any read or edit failed."""
    saved_raw, failed = edits.get("saved_failed", ([], ["editor thread did not finish"]))
    saved = sorted(v * 1000 for v in saved_raw)
    load = os.getloadavg()
    engine = "postgresql" if pg_name else "sqlite"
    print(
        f"db={engine} services={args.services} clients={args.clients} "
        f"duration={args.duration:.0f}s workers={args.workers}x{args.threads} "
        f"client={'wrk' if wrk else 'python'} loadavg={load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f}"
    )
    print(bf.describe("reads (finder 50 %, /api/v1 35 %, /hsds 15 %)", result))
    print("command:", result["command"])
    if saved:
        print(
            f"edits: saved={len(saved)} failed={len(failed)} "
            f"p50={bf.percentile(saved, 50):.0f} ms p95={bf.percentile(saved, 95):.0f} ms "
            f"max={saved[-1]:.0f} ms"
        )
    else:
        print(f"edits: saved=0 failed={len(failed)}")
    for line in failed[:5]:
        print("  edit failed:", line)
    return 0 if not result["errors"] and saved and not failed else 1


if __name__ == "__main__":
    sys.exit(main())
