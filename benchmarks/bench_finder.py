"""Finder load benchmark: 20,000 generated services, gunicorn on loopback, N concurrent clients.

    .venv/bin/python benchmarks/bench_finder.py [--services 20000] [--clients 50] [--duration 60]

Builds a throw-away SQLite database in a temporary directory (regions, offer types and
generated demo services, all `is_demo=True`), starts `integrationsatlas serve` on a free
127.0.0.1 port, warms every worker's per-type cache, then lets each client send result-page
searches back to back (random offer type, Gemeinde, radius and filters) for the given time.
Prints the request count, throughput, p50/p95/p99 latency and the errors. Bounded in time
and count; touches nothing outside its temporary directory and the loopback interface.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def generate(services: int, seed: int) -> None:
    """Fill the benchmark database: regions, offer types, `services` demo services with hours."""
    import django

    django.setup()
    from datetime import time as clock

    import numpy as np
    from django.core.management import call_command

    from integrationsatlas.regions.loader import load_regions
    from integrationsatlas.regions.locate import gemeinde_keys_at
    from integrationsatlas.regions.models import Region
    from integrationsatlas.registry.models import (
        Location,
        Organization,
        Schedule,
        Service,
        ServiceAtLocation,
    )
    from integrationsatlas.standards.models import OfferType
    from integrationsatlas.standards.seed import load_offer_types

    call_command("migrate", verbosity=0)
    load_regions(ROOT / "data")
    load_offer_types()
    rng = np.random.default_rng(seed)
    types = list(OfferType.objects.all())
    gemeinden = list(
        Region.objects.filter(level="gemeinde").values_list("ags", "name", "point_lon", "point_lat")
    )
    orgs = Organization.objects.bulk_create(
        [Organization(name=f"Demo-Träger {i}", is_demo=True) for i in range(200)]
    )
    picks = rng.integers(0, len(gemeinden), services)
    lons = np.array([gemeinden[i][2] for i in picks]) + rng.normal(0, 0.01, services)
    lats = np.array([gemeinden[i][3] for i in picks]) + rng.normal(0, 0.007, services)
    keys = gemeinde_keys_at(lons, lats)
    languages = [["de"], ["de", "en"], ["de", "ar"], ["de", "uk", "ru"], ["de", "fa", "prs"]]
    groups = [["all"], ["refugees"], ["youth"], ["families", "children"], ["women"]]
    svc_rows, loc_rows = [], []
    for i in range(services):
        g = gemeinden[picks[i]]
        svc_rows.append(
            Service(
                organization=orgs[i % len(orgs)],
                offer_type=types[i % len(types)],
                name=f"Demo-Angebot {i} {g[1]}",
                languages=languages[i % len(languages)],
                target_groups=groups[i % len(groups)],
                is_free=bool(i % 4),
                is_demo=True,
                is_published=True,
            )
        )
        loc_rows.append(
            Location(
                address=f"Demostraße {i % 200 + 1}",
                postal_code="01000",
                city=g[1],
                longitude=float(lons[i]),
                latitude=float(lats[i]),
                gemeinde_id=keys[i],
                wheelchair_accessible=bool(i % 3),
                is_demo=True,
            )
        )
    created = Service.objects.bulk_create(svc_rows, batch_size=2000)
    locations = Location.objects.bulk_create(loc_rows, batch_size=2000)
    sals = ServiceAtLocation.objects.bulk_create(
        [
            ServiceAtLocation(service=s, location=loc)
            for s, loc in zip(created, locations, strict=True)
        ],
        batch_size=2000,
    )
    hours = []
    for n, sal in enumerate(sals):
        for weekday in range(1, 6):
            if (n + weekday) % 3:
                hours.append(
                    Schedule(
                        service_at_location=sal,
                        weekday=weekday,
                        opens_at=clock(8 + n % 3),
                        closes_at=clock(12 + n % 5),
                    )
                )
    Schedule.objects.bulk_create(hours, batch_size=5000)
    print(f"generated {len(created)} services, {len(hours)} weekly hours", flush=True)


def run_clients(base: str, clients: int, duration: float, queries: list[str]) -> tuple:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + duration
    host, port = urllib.parse.urlsplit(base).hostname, urllib.parse.urlsplit(base).port

    def client(seed: int) -> None:
        rng = random.Random(seed)
        conn = http.client.HTTPConnection(host, port, timeout=10)
        mine, bad = [], []
        while time.monotonic() < stop_at:
            path = rng.choice(queries)
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Accept-Language": rng.choice(["de", "ar"])})
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    bad.append(f"{response.status} {path}")
            except (OSError, http.client.HTTPException) as exc:
                bad.append(f"{type(exc).__name__} {path}")
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=10)
            mine.append(time.perf_counter() - started)
        conn.close()
        with lock:
            latencies.extend(mine)
            errors.extend(bad)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors


def build_queries(seed: int) -> list[str]:
    import django

    django.setup()
    from integrationsatlas.regions.models import Region
    from integrationsatlas.standards.models import OfferType

    rng = random.Random(seed)
    codes = list(OfferType.objects.values_list("code", flat=True))
    places = list(Region.objects.filter(level="gemeinde").values_list("ags", flat=True))
    queries = []
    for _ in range(2000):
        params = {"art": rng.choice(codes), "ags": rng.choice(places)}
        params["umkreis"] = str(rng.choice([5, 10, 25, 50]))
        if rng.random() < 0.3:
            params["offen"] = "1"
        if rng.random() < 0.2:
            params["sprache"] = rng.choice(["ar", "uk", "fa"])
        if rng.random() < 0.2:  # a second page where there surely is one
            params.update(umkreis="50", seite="2")
            params.pop("offen", None)
            params.pop("sprache", None)
        queries.append("/suche/ergebnisse/?" + urllib.parse.urlencode(params))
    return queries


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=20000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument(
        "--baseline",
        action="store_true",
        help="afterwards load /gesundheit/ (one tiny query) the same way: what the machine allows",
    )
    args = parser.parse_args()
    if not (1 <= args.clients <= 200 and 1 <= args.duration <= 600 and args.services <= 100000):
        parser.error("bounded: 1–200 clients, 1–600 s, at most 100,000 services")

    with tempfile.TemporaryDirectory(prefix="bench-finder-") as tmp:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "integrationsatlas.settings",
            "INTEGRATIONSATLAS_VAR_DIR": tmp,
            "SECRET_KEY": "benchmark-only",
            "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
        }
        os.environ.update(env)  # read by Django's settings when generate() sets Django up
        started = time.monotonic()
        generate(args.services, args.seed)
        print(f"data ready in {time.monotonic() - started:.1f} s", flush=True)
        queries = build_queries(args.seed)
        port = free_port()
        server = subprocess.Popen(
            [
                str(BIN / "integrationsatlas"),
                "serve",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(args.workers),
                "--threads",
                str(args.threads),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    http.client.HTTPConnection("127.0.0.1", port, timeout=2).request(
                        "GET", "/gesundheit/"
                    )
                    break
                except OSError:
                    time.sleep(0.2)
            # Warm every worker's per-type index (not measured).
            run_clients(base, min(args.clients, 8), min(5.0, args.duration), queries)
            latencies, errors = run_clients(base, args.clients, args.duration, queries)
            if args.baseline:
                floor, _ = run_clients(base, args.clients, args.duration, ["/gesundheit/"])
        finally:
            server.terminate()
            server.wait(timeout=20)
    if not latencies:
        print("no requests completed")
        return 1
    ms = [v * 1000 for v in latencies]
    print(
        f"services={args.services} clients={args.clients} duration={args.duration:.0f}s "
        f"workers={args.workers}x{args.threads} requests={len(ms)} "
        f"rps={len(ms) / args.duration:.0f}"
    )
    print(
        f"p50={percentile(ms, 50):.1f} ms  p95={percentile(ms, 95):.1f} ms  "
        f"p99={percentile(ms, 99):.1f} ms  mean={statistics.fmean(ms):.1f} ms  errors={len(errors)}"
    )
    if args.baseline and floor:
        fm = [v * 1000 for v in floor]
        print(
            f"baseline /gesundheit/: requests={len(fm)} rps={len(fm) / args.duration:.0f} p50={percentile(fm, 50):.1f} ms "
            f"p95={percentile(fm, 95):.1f} ms p99={percentile(fm, 99):.1f} ms"
        )
    for line in errors[:10]:
        print("  error:", line)
    return 0 if not errors else 1


if __name__ == "__main__":
    sys.exit(main())
