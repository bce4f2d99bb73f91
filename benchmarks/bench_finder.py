"""Finder load benchmark: 20,000 generated services, gunicorn on loopback, N concurrent clients.

    .venv/bin/python benchmarks/bench_finder.py [--services 20000] [--clients 50] [--duration 60]

Builds a throw-away SQLite database in a temporary directory (regions, offer types and
generated demo services, all `is_demo=True`), starts `integrationsatlas serve` on a free
127.0.0.1 port, warms every worker's per-type cache, then lets each client send result-page
searches back to back (random offer type, Gemeinde, radius and filters) in two measured
phases of the same load: the first `--warmup` seconds after the start, with an empty page
cache ("cold"), and then `--duration` seconds on the running server ("steady").
Prints the request count, throughput, p50/p95/p99 latency and the errors of both phases.
Bounded in time and count; touches nothing outside its temporary directory and the loopback
interface.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
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
    from integrationsatlas.taxonomy.models import OfferType
    from integrationsatlas.taxonomy.seed import load_offer_types

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


# Where most people search: the large towns, weighted like real traffic (Zipf-ish).
BIG_PLACES = ["Dresden", "Leipzig", "Chemnitz", "Zwickau", "Plauen", "Görlitz", "Freiberg",
              "Pirna", "Bautzen", "Freital", "Radebeul", "Hoyerswerda", "Riesa", "Meißen",
              "Grimma", "Delitzsch", "Döbeln", "Torgau", "Annaberg-Buchholz", "Weißwasser/O.L."]  # fmt: skip
LANGUAGES = ["de", "ar", "uk", "ru", "fa", "tr", "en"]


def build_queries(seed: int, count: int = 2000) -> list[str]:
    """Result-page paths: 60 % big towns by name, 40 % any Gemeinde by key; mixed filters."""
    import django

    django.setup()
    from integrationsatlas.regions.models import Region
    from integrationsatlas.taxonomy.models import OfferType

    rng = random.Random(seed)
    codes = list(OfferType.objects.values_list("code", flat=True))
    places = list(Region.objects.filter(level="gemeinde").values_list("ags", flat=True))
    weights = [1 / (rank + 1) for rank in range(len(BIG_PLACES))]
    queries = []
    for _ in range(count):
        params = {"art": rng.choice(codes)}
        if rng.random() < 0.6:
            params["ort"] = rng.choices(BIG_PLACES, weights)[0]
        else:
            params["ags"] = rng.choice(places)
        params["umkreis"] = str(rng.choice([5, 10, 25, 25, 50]))
        if rng.random() < 0.3:
            params["offen"] = "1"
        if rng.random() < 0.2:
            params["sprache"] = rng.choice(["ar", "uk", "fa"])
        if rng.random() < 0.1:
            params["kostenlos"] = "1"
        if rng.random() < 0.1:
            params["gruppe"] = rng.choice(["refugees", "women", "youth"])
        if rng.random() < 0.05:
            params["barrierefrei"] = "1"
        if rng.random() < 0.05:
            params["ansicht"] = "karte"
        if rng.random() < 0.15:  # a second page where there surely is one
            params.update(umkreis="50", seite="2")
            for key in ("offen", "sprache", "kostenlos", "gruppe", "barrierefrei"):
                params.pop(key, None)
        queries.append("/suche/ergebnisse/?" + urllib.parse.urlencode(params))
    return queries


# wrk's Lua: each connection walks the list from its own random start and sends a
# browser-like Accept-Language; done() prints one JSON line the benchmark parses.
WRK_SCRIPT = """
local paths, langs = {}, {%(langs)s}
for line in io.lines("%(list)s") do paths[#paths + 1] = line end
local n, threads = 0, {}
hits = 0  -- a global: done() reads it from each thread with thread:get()
function setup(thread) threads[#threads + 1] = thread end
function response(status, headers, body) if headers["X-Finder-Cache"] then hits = hits + 1 end end
function init(args) math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16)); n = math.random(#paths) end
function request()
  n = n %% #paths + 1
  return wrk.format("GET", paths[n], {["Accept-Language"] = langs[n %% #langs + 1]})
end
function done(summary, latency, requests)
  local e, cached = summary.errors, 0
  for _, t in ipairs(threads) do cached = cached + t:get("hits") end
  io.write(string.format('WRKJSON {"requests": %%d, "duration_us": %%d, "p50": %%d, "p95": %%d, ' ..
    '"p99": %%d, "mean": %%f, "non2xx": %%d, "connect": %%d, "read": %%d, "write": %%d, ' ..
    '"timeout": %%d, "cached": %%d}\\n', summary.requests, summary.duration, latency:percentile(50),
    latency:percentile(95), latency:percentile(99), latency.mean, e.status, e.connect, e.read,
    e.write, e.timeout, cached))
end
"""


def ensure_wrk() -> str | None:
    """wrk from Debian; installed with apt-get (an ordinary registry package) when missing."""
    found = shutil.which("wrk")
    if found is None and shutil.which("apt-get"):
        subprocess.run(
            ["apt-get", "install", "-y", "-q", "wrk"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=180,
            check=False,
        )
        found = shutil.which("wrk")
    return found


def run_wrk(wrk: str, base: str, paths: list[str], clients: int, duration: float, tmp: str) -> dict:
    """`wrk -c clients -d duration -t 2 --latency` over the paths; latencies in ms."""
    listing = Path(tmp) / f"paths-{len(paths)}-{abs(hash(tuple(paths[:3])))}.txt"
    listing.write_text("\n".join(paths) + "\n")
    script = Path(tmp) / "rotate.lua"
    script.write_text(
        WRK_SCRIPT % {"list": listing, "langs": ", ".join(f'"{x}"' for x in LANGUAGES)}
    )
    command = [wrk, "-c", str(clients), "-d", f"{int(duration)}s", "-t", "2", "--latency",
               "--timeout", "10s", "-s", str(script), base]  # fmt: skip
    output = subprocess.run(
        command, capture_output=True, text=True, timeout=duration + 60, check=False
    ).stdout
    line = next((x for x in output.splitlines() if x.startswith("WRKJSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no summary: {output[-500:]}")
    raw = json.loads(line[len("WRKJSON ") :])
    seconds = raw["duration_us"] / 1e6
    return {
        "requests": raw["requests"],
        "rps": raw["requests"] / seconds,
        **{p: raw[p] / 1000 for p in ("p50", "p95", "p99", "mean")},
        "errors": raw["non2xx"] + raw["connect"] + raw["read"] + raw["write"] + raw["timeout"],
        "detail": {k: raw[k] for k in ("non2xx", "connect", "read", "write", "timeout")},
        "command": " ".join(command[:-3] + ["rotate.lua", base]),
        "cached": raw["cached"],
    }


def run_python(base: str, paths: list[str], clients: int, duration: float) -> dict:
    """The fallback load client when wrk is unavailable: threads, one connection each."""
    latencies, errors = run_clients(base, clients, duration, paths)
    ms = [v * 1000 for v in latencies] or [0.0]
    return {
        "requests": len(latencies),
        "rps": len(latencies) / duration,
        "p50": percentile(ms, 50),
        "p95": percentile(ms, 95),
        "p99": percentile(ms, 99),
        "mean": statistics.fmean(ms),
        "errors": len(errors),
        "detail": {"first": errors[:5]},
        "command": f"python threads x {clients}",
    }


def describe(label: str, r: dict) -> str:
    return (
        f"{label}: requests={r['requests']} rps={r['rps']:.0f} p50={r['p50']:.1f} ms "
        f"p95={r['p95']:.1f} ms p99={r['p99']:.1f} ms mean={r['mean']:.1f} ms "
        f"errors={r['errors']} {r['detail']} page-cache hits={r.get('cached', 'n/a')}"
    )


def start_server(env: dict, port: int, workers: int, threads: int, preload: bool, log: Path):
    """gunicorn with its own log (not the access log) in `log`, to count worker restarts."""
    command = [str(BIN / "integrationsatlas"), "serve", "--bind", f"127.0.0.1:{port}",
               "--workers", str(workers), "--threads", str(threads)]  # fmt: skip
    if preload:
        command.append("--preload")
    with log.open("w") as errors:
        server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=errors)
    wait_for(server, port)
    return server


def wait_for(server: subprocess.Popen, port: int, seconds: float = 30.0) -> None:
    """Until the server answers /gesundheit/; stops it and raises if it does not."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/gesundheit/")
            conn.getresponse().read()
            return
        except OSError:
            if server.poll() is not None:
                raise RuntimeError("server did not start") from None
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError(f"server did not answer within {seconds:.0f} s")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=20000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument(
        "--warmup",
        type=float,
        default=60.0,
        help="seconds of the same load before the measured phase (reported as 'cold'); 0 = none",
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--preload", action="store_true", help="gunicorn --preload")
    parser.add_argument("--no-page-cache", action="store_true", help="FINDER_PAGE_CACHE_ENTRIES=0")
    parser.add_argument(
        "--redis",
        metavar="URL",
        help="REDIS_URL for the server: one page cache for all workers; this Redis database is emptied first",
    )
    parser.add_argument("--client", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument(
        "--db", help="keep the generated SQLite database in this file and reuse it next time"
    )
    parser.add_argument(
        "--baseline",
        action="store_true",
        help="afterwards load /gesundheit/ (one tiny query) the same way: what the machine allows",
    )
    args = parser.parse_args()
    if not (1 <= args.clients <= 200 and 1 <= args.duration <= 600 and args.services <= 100000):
        parser.error("bounded: 1–200 clients, 1–600 s, at most 100,000 services")
    if not 0 <= args.warmup <= 600:
        parser.error("bounded: a warm-up of 0–600 s")
    if not 1 <= args.workers * args.threads <= 64:
        parser.error("bounded: at most 64 worker threads")
    wrk = ensure_wrk() if args.client in ("auto", "wrk") else None
    if args.client == "wrk" and wrk is None:
        parser.error("wrk is not installed and apt-get could not install it")

    with tempfile.TemporaryDirectory(prefix="bench-finder-") as tmp:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "integrationsatlas.settings",
            "INTEGRATIONSATLAS_VAR_DIR": tmp,
            "SECRET_KEY": "benchmark-only",
            "DATABASE_URL": f"sqlite:///{Path(args.db).resolve() if args.db else tmp + '/bench.sqlite3'}",
        }
        if args.no_page_cache:
            env["FINDER_PAGE_CACHE_ENTRIES"] = "0"  # else the server's default
        if args.redis:
            env["REDIS_URL"] = args.redis
            # A fresh key prefix is not needed: the registry version is in every page's key,
            # but pages of an earlier run with the same data would count as hits.
            import redis

            redis.Redis.from_url(args.redis).flushdb()
        os.environ.update(env)  # read by Django's settings when generate() sets Django up
        started = time.monotonic()
        if not (args.db and Path(args.db).exists()):
            generate(args.services, args.seed)
        else:  # a kept database from an older checkout may lack newer migrations
            subprocess.run(
                [str(BIN / "integrationsatlas"), "migrate", "-v", "0"], env=env, check=True
            )
        print(f"data ready in {time.monotonic() - started:.1f} s", flush=True)
        queries = build_queries(args.seed)
        port = free_port()
        server_log = Path(tmp) / "server.log"
        server = start_server(env, port, args.workers, args.threads, args.preload, server_log)
        base = f"http://127.0.0.1:{port}"
        try:
            # Warm every worker's per-type index (not measured).
            run_clients(base, min(args.clients, 8), min(5.0, args.duration), queries)

            def load(seconds: float) -> dict:
                if wrk:
                    return run_wrk(wrk, base, queries, args.clients, seconds, tmp)
                return run_python(base, queries, args.clients, seconds)

            cold = load(args.warmup) if args.warmup else None
            result = load(args.duration)
            floor = None
            if args.baseline:
                paths = ["/gesundheit/"]
                floor = (
                    run_wrk(wrk, base, paths, args.clients, args.duration, tmp)
                    if wrk
                    else run_python(base, paths, args.clients, args.duration)
                )
        finally:
            server.terminate()
            server.wait(timeout=20)
            # A worker that gunicorn restarts (timeout, crash) starts with an empty page cache.
            booted = server_log.read_text(errors="replace").count("Booting worker")
            restarts = max(0, booted - args.workers)
    load = os.getloadavg()
    print(
        f"services={args.services} clients={args.clients} warmup={args.warmup:.0f}s "
        f"duration={args.duration:.0f}s "
        f"workers={args.workers}x{args.threads} preload={args.preload} "
        f"page_cache={'off' if args.no_page_cache else ('redis' if args.redis else 'per worker')} "
        f"client={'wrk' if wrk else 'python'} "
        f"loadavg={load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f} worker-restarts={restarts}"
    )
    if cold:
        print(describe(f"search, first {args.warmup:.0f} s (cold page cache)", cold))
    print(describe(f"search, {'next' if cold else 'first'} {args.duration:.0f} s", result))
    print("command:", result["command"])
    if floor:
        print(describe("baseline /gesundheit/", floor))
    return 0 if not result["errors"] and not (cold and cold["errors"]) else 1


if __name__ == "__main__":
    sys.exit(main())
