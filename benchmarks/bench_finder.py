"""Finder load benchmark: 20,000 generated services, gunicorn on loopback, N concurrent clients.

    .venv/bin/python benchmarks/bench_finder.py [--services 20000] [--clients 50] [--duration 60]
        [--unique-locations] [--edits-per-second 1] [--index-update 20] [--page-cpu 200]
        [--checkout DIR]

Builds a throw-away SQLite database in a temporary directory (regions, offer types and
generated demo services, all `is_demo=True`), starts `integrationsatlas serve` on a free
127.0.0.1 port, warms every worker's per-type indexes, then lets each client send result-page
searches back to back in two measured phases of the same load: the first `--warmup` seconds
after the start, with an empty page cache ("cold"), and then `--duration` seconds on the
running server ("steady").

- By default the searches come from 2,000 generated ones (random offer type, Gemeinde,
  radius and filters) that repeat, so most answers come from the page cache.
- `--unique-locations`: every request searches from its own coordinates (a phone's "my
  location"), so no answer can come from the page cache: what rendering costs.
- `--edits-per-second R`: meanwhile a state administrator saves R edits a second through the
  API (`PUT /api/v1/services/<id>`, a new name each time, rotating over one service per offer
  type), as a coordinator at work would.
- `--index-update N`: no server; in this process, every offer type's index is built, then N
  edits are saved one by one through the registry workflow and the time until the edited
  type and then every type answer searches again is measured.
- `--page-cpu N`: no server; in this process, page cache off, the CPU time per result page
  over N unique-location and N repeating searches (least and median of five rounds).
- `--checkout DIR`: run the server (and the in-process measurements) on the code of another
  checkout, e.g. a worktree at main, to compare before and after with the same benchmark.

Prints the request count, throughput, p50/p95/p99 latency, the errors, the page-cache hits
and the machine's load average. Bounded in time and count; touches nothing outside its
temporary directory and the loopback interface.
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


def run_clients(
    base: str, clients: int, duration: float, queries: list[str], disjoint: bool = False
) -> tuple:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + duration
    host, port = urllib.parse.urlsplit(base).hostname, urllib.parse.urlsplit(base).port

    share = len(queries) // clients

    def client(seed: int) -> None:
        rng = random.Random(seed)
        conn = http.client.HTTPConnection(host, port, timeout=10)
        mine, bad = [], []
        while time.monotonic() < stop_at:
            # With `disjoint`, each client walks its own share: no path is sent twice.
            path = queries[seed * share + len(mine) % share] if disjoint else rng.choice(queries)
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


# wrk's Lua: each thread walks the list from its own random start (with `disjoint`: from the
# start of its own share, so no path is sent twice) and sends a browser-like
# Accept-Language; done() prints one JSON line the benchmark parses.
WRK_SCRIPT = """
local paths, langs = {}, {%(langs)s}
for line in io.lines("%(list)s") do paths[#paths + 1] = line end
local n, threads, disjoint, nthreads = 0, {}, %(disjoint)s, %(threads)d
hits = 0  -- a global: done() reads it from each thread with thread:get()
function setup(thread) threads[#threads + 1] = thread; thread:set("id", #threads) end
function response(status, headers, body) if headers["X-Finder-Cache"] then hits = hits + 1 end end
function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
  if disjoint then n = (id - 1) * math.floor(#paths / nthreads) else n = math.random(#paths) end
end
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


def run_wrk(
    wrk: str,
    base: str,
    paths: list[str],
    clients: int,
    duration: float,
    tmp: str,
    disjoint: bool = False,
) -> dict:
    """`wrk -c clients -d duration -t 2 --latency` over the paths; latencies in ms."""
    listing = Path(tmp) / f"paths-{len(paths)}-{abs(hash(tuple(paths[:3])))}.txt"
    listing.write_text("\n".join(paths) + "\n")
    script = Path(tmp) / "rotate.lua"
    languages = ", ".join(f'"{x}"' for x in LANGUAGES)
    script.write_text(
        WRK_SCRIPT
        % {"list": listing, "langs": languages, "disjoint": str(disjoint).lower(), "threads": 2}
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


def run_python(
    base: str, paths: list[str], clients: int, duration: float, disjoint: bool = False
) -> dict:
    """The fallback load client when wrk is unavailable: threads, one connection each."""
    latencies, errors = run_clients(base, clients, duration, paths, disjoint)
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


def unique_location_paths(seed: int, count: int) -> list[str]:
    """Result-page paths that each search from their own coordinates (inside Saxony), with
    the filters of `build_queries`: no two requests share a page-cache entry."""
    import django

    django.setup()
    import numpy as np

    from integrationsatlas.regions.locate import gemeinde_keys_at
    from integrationsatlas.regions.models import Region
    from integrationsatlas.taxonomy.models import OfferType

    rng = random.Random(seed)
    codes = list(OfferType.objects.values_list("code", flat=True))
    centres = list(
        Region.objects.filter(level="gemeinde", point_lon__isnull=False).values_list(
            "point_lon", "point_lat"
        )
    )
    paths: list[str] = []
    while len(paths) < count:
        batch = [rng.choice(centres) for _ in range(2000)]
        lons = np.array([c[0] + rng.uniform(-0.02, 0.02) for c in batch])
        lats = np.array([c[1] + rng.uniform(-0.015, 0.015) for c in batch])
        inside = gemeinde_keys_at(lons, lats)
        for lon, lat, key in zip(lons.tolist(), lats.tolist(), inside, strict=True):
            if key is None:
                continue
            params = {"art": rng.choice(codes), "lat": f"{lat:.6f}", "lon": f"{lon:.6f}"}
            params["umkreis"] = str(rng.choice([5, 10, 25, 25, 50]))
            if rng.random() < 0.3:
                params["offen"] = "1"
            if rng.random() < 0.2:
                params["sprache"] = rng.choice(["ar", "uk", "fa"])
            if rng.random() < 0.1:
                params["kostenlos"] = "1"
            paths.append("/suche/ergebnisse/?" + urllib.parse.urlencode(params))
    return paths[:count]


def warm_paths(queries: list[str]) -> list[str]:
    """Every offer type several times in a row, so each worker builds each index before the
    measured phases (which otherwise would time whichever worker builds last)."""
    by_type: dict[str, str] = {}
    for path in queries:
        code = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)["art"][0]
        by_type.setdefault(code, path)
    return list(by_type.values()) * 20


EDITOR = "benchmark-editor"


def editor_setup(per_type: int = 1) -> tuple[str, list[int]]:
    """An API token of a state administrator and one published service per offer type."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from integrationsatlas.api.models import ApiToken
    from integrationsatlas.registry.models import Membership, Service

    user, created = get_user_model().objects.get_or_create(username=EDITOR)
    if created:
        Membership.objects.create(user=user, role=Membership.Role.STATE_ADMIN)
    _, raw = ApiToken.issue(user, "Finder-Benchmark")
    services = []
    for code in sorted(set(Service.public.values_list("offer_type__code", flat=True))):
        services += list(
            Service.public.filter(offer_type__code=code).order_by("pk").values_list("pk", flat=True)
        )[:per_type]
    return raw, services


def run_editor(port: int, token: str, services: list[int], rate: float, stop: threading.Event):
    """`rate` edits a second through the API, each a new name of the next service in turn;
    returns (seconds each saved edit took, failures)."""
    saved: list[float] = []
    failed: list[str] = []
    states: dict[int, dict] = {}
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    n = 0
    while not stop.is_set():
        started = time.perf_counter()
        pk = services[n % len(services)]
        n += 1
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
            if pk not in states:
                conn.request("GET", f"/api/v1/services/{pk}", headers=headers)
                states[pk] = json.loads(conn.getresponse().read())
            body = dict(states[pk], name=f"{states[pk]['name'][:200]} [Bearbeitung {n}]")
            body["reason"] = f"Finder-Benchmark {n}"
            conn.request("PUT", f"/api/v1/services/{pk}", json.dumps(body), headers)
            response = conn.getresponse()
            text = response.read()
            conn.close()
            if response.status in (200, 201):
                saved.append(time.perf_counter() - started)
            else:
                failed.append(f"{response.status} {text[:200]!r}")
        except (OSError, http.client.HTTPException, ValueError) as exc:
            failed.append(f"{type(exc).__name__}: {exc}")
        stop.wait(max(0.0, 1.0 / rate - (time.perf_counter() - started)))
    return saved, failed


def measure_index_update(edits: int) -> dict:
    """In this process: all indexes built, then `edits` saves through the registry workflow;
    after each, the time until a search of the edited type answers (the update of its
    index) and until every type answers again (what the other indexes cost)."""
    import django

    django.setup()
    from django.conf import settings

    from integrationsatlas.finder import places, search
    from integrationsatlas.registry import workflow
    from integrationsatlas.registry.models import Service
    from integrationsatlas.taxonomy.models import OfferType

    settings.FINDER_VERSION_CHECK_SECONDS = 0  # look for changes at every search
    _, services = editor_setup()
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.get(username=EDITOR)
    types = {t.code: t for t in OfferType.objects.all()}
    place = places.resolve("Dresden").place

    def ask(code: str) -> None:
        search.search(types[code], place, 25)

    for code in types:
        ask(code)
    own, every, cpu = [], [], []
    for n in range(edits):
        service = Service.objects.select_related("offer_type").get(pk=services[n % len(services)])
        payload = workflow.service_snapshot(service)
        payload["name"] = f"{service.name.split(' [')[0]} [{n}]"
        workflow.save_service(admin, service, payload, reason="Finder-Benchmark")
        started, cpu_started = time.perf_counter(), time.process_time()
        ask(service.offer_type.code)
        own.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
        for code in types:
            ask(code)
        every.append(time.perf_counter() - started)
    ms = {name: sorted(v * 1000 for v in values) for name, values in
          (("own", own), ("every", every), ("cpu", cpu))}  # fmt: skip
    return {
        "edits": edits,
        **{f"{k}_p50": statistics.median(v) for k, v in ms.items()},
        **{f"{k}_max": v[-1] for k, v in ms.items()},
    }


def measure_page_cpu(pages: int, rounds: int = 5) -> dict:
    """In this process, page cache off: CPU per uncached result page through Django's test
    client, for unique locations and for the repeating searches; the least of `rounds`
    rounds over the same pages (the quietest, as the machine is shared) and their median."""
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    settings.FINDER_PAGE_CACHE_ENTRIES = 0  # read on every request (finder/pagecache.py)

    client = Client()
    found = {}
    for name, paths in (
        ("unique", unique_location_paths(7, pages)),
        ("repeating", build_queries(7, pages)),
    ):
        for path in warm_paths(paths) + paths:  # every index built, templates compiled
            client.get(path)
        per_page = []
        for _ in range(rounds):
            started = time.process_time()
            for i, path in enumerate(paths):
                client.get(path, HTTP_ACCEPT_LANGUAGE=LANGUAGES[i % len(LANGUAGES)])
            per_page.append((time.process_time() - started) / len(paths) * 1000)
        found[f"{name}_min"] = min(per_page)
        found[f"{name}_median"] = statistics.median(per_page)
    return found


def parse_args() -> argparse.Namespace:
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
    parser.add_argument(
        "--unique-locations",
        action="store_true",
        help="every request from its own coordinates: no answer from the page cache",
    )
    parser.add_argument(
        "--edits-per-second",
        type=float,
        default=0.0,
        metavar="R",
        help="meanwhile R registry edits a second through the API (0 = none)",
    )
    parser.add_argument(
        "--index-update",
        type=int,
        default=0,
        metavar="N",
        help="no server: time the index update after each of N edits, in this process",
    )
    parser.add_argument(
        "--page-cpu",
        type=int,
        default=0,
        metavar="N",
        help="no server: CPU per uncached result page over N pages, in this process",
    )
    parser.add_argument(
        "--checkout",
        type=Path,
        default=ROOT,
        help="the checkout whose code the server and the in-process steps run (default: this one)",
    )
    args = parser.parse_args()
    if not (1 <= args.clients <= 200 and 1 <= args.duration <= 600 and args.services <= 100000):
        parser.error("bounded: 1–200 clients, 1–600 s, at most 100,000 services")
    if not 0 <= args.warmup <= 600:
        parser.error("bounded: a warm-up of 0–600 s")
    if not 1 <= args.workers * args.threads <= 64:
        parser.error("bounded: at most 64 worker threads")
    if not (0 <= args.edits_per_second <= 10 and 0 <= args.index_update <= 1000):
        parser.error("bounded: at most 10 edits a second, at most 1,000 measured edits")
    if not 0 <= args.page_cpu <= 5000:
        parser.error("bounded: at most 5,000 pages")
    if not (args.checkout / "integrationsatlas" / "settings.py").exists():
        parser.error(f"{args.checkout} is no checkout of the project")
    return args


def server_env(args: argparse.Namespace, tmp: str) -> dict:
    """The environment of the server and of this process's Django (both read the same DB)."""
    checkout = str(args.checkout.resolve())
    database = Path(args.db).resolve() if args.db else Path(tmp) / "bench.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "integrationsatlas.settings",
        "INTEGRATIONSATLAS_VAR_DIR": tmp,
        "SECRET_KEY": "benchmark-only",
        "DATABASE_URL": f"sqlite:///{database}",
        # The installed package may point at another checkout: this one comes first.
        "PYTHONPATH": os.pathsep.join(filter(None, [checkout, os.environ.get("PYTHONPATH")])),
    }
    if args.no_page_cache:
        env["FINDER_PAGE_CACHE_ENTRIES"] = "0"  # else the server's default
    if args.redis:
        env["REDIS_URL"] = args.redis
        # A fresh key prefix is not needed, but pages of an earlier run with the same data
        # would count as hits.
        import redis

        redis.Redis.from_url(args.redis).flushdb()
    return env


def prepare_data(args: argparse.Namespace, env: dict) -> None:
    """Generate the database, or migrate a kept one (an older checkout may lack migrations)."""
    os.environ.update(env)  # read by Django's settings when generate() sets Django up
    sys.path.insert(0, str(args.checkout.resolve()))
    started = time.monotonic()
    if not (args.db and Path(args.db).exists()):
        generate(args.services, args.seed)
    else:
        subprocess.run([sys.executable, "-m", "django", "migrate", "-v", "0"], env=env, check=True)
    print(f"data ready in {time.monotonic() - started:.1f} s", flush=True)


def run_phases(args, base: str, port: int, wrk: str | None, tmp: str) -> dict:
    """Warm-up (not measured), the cold and the steady phase, the optional edits and floor."""
    queries = build_queries(args.seed)
    unique = args.unique_locations
    # Enough unique paths that no client runs out in the measured phases.
    paths = unique_location_paths(args.seed, 200_000) if unique else queries
    run_clients(base, min(args.clients, 8), min(5.0, args.duration), warm_paths(queries))

    def load(seconds: float, paths: list[str] = paths) -> dict:
        if wrk:
            return run_wrk(wrk, base, paths, args.clients, seconds, tmp, disjoint=unique)
        return run_python(base, paths, args.clients, seconds, disjoint=unique)

    phases: dict = {"cold": load(args.warmup) if args.warmup else None}
    stop, edits = threading.Event(), {}
    editor = None
    if args.edits_per_second:
        token, services = editor_setup()
        editor = threading.Thread(
            target=lambda: edits.update(
                result=run_editor(port, token, services, args.edits_per_second, stop)
            )
        )
        editor.start()
    try:
        phases["steady"] = load(args.duration)
    finally:
        stop.set()
        if editor:
            editor.join(timeout=60)
    phases["edits"] = edits.get("result") if editor else None
    phases["floor"] = load(args.duration, ["/gesundheit/"]) if args.baseline else None
    return phases


def report(args, phases: dict, wrk: str | None, restarts: int) -> int:
    load_now = os.getloadavg()
    mode = "unique locations" if args.unique_locations else "2,000 repeating searches"
    print(
        f"services={args.services} clients={args.clients} warmup={args.warmup:.0f}s "
        f"duration={args.duration:.0f}s workers={args.workers}x{args.threads} "
        f"preload={args.preload} searches={mode} edits/s={args.edits_per_second:g} "
        f"page_cache={'off' if args.no_page_cache else ('redis' if args.redis else 'per worker')} "
        f"client={'wrk' if wrk else 'python'} checkout={args.checkout} "
        f"loadavg={load_now[0]:.1f}/{load_now[1]:.1f}/{load_now[2]:.1f} "
        f"worker-restarts={restarts}"
    )
    cold, result = phases["cold"], phases["steady"]
    if cold:
        print(describe(f"search, first {args.warmup:.0f} s (cold page cache)", cold))
    print(describe(f"search, {'next' if cold else 'first'} {args.duration:.0f} s", result))
    print("command:", result["command"])
    failed_edits = []
    if phases["edits"] is not None:
        saved, failed_edits = phases["edits"]
        ms = sorted(v * 1000 for v in saved) or [0.0]
        print(
            f"edits: saved={len(saved)} failed={len(failed_edits)} "
            f"p50={percentile(ms, 50):.0f} ms p95={percentile(ms, 95):.0f} ms"
        )
        for line in failed_edits[:5]:
            print("  edit failed:", line)
    if phases["floor"]:
        print(describe("baseline /gesundheit/", phases["floor"]))
    errors = result["errors"] or (cold and cold["errors"]) or failed_edits
    return 1 if errors else 0


def main() -> int:
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-finder-") as tmp:
        env = server_env(args, tmp)
        prepare_data(args, env)
        if args.page_cpu:
            found = measure_page_cpu(args.page_cpu)
            print(
                f"CPU per uncached result page, {args.services} services, "
                f"checkout={args.checkout}: "
                + " ".join(f"{k}={v:.2f} ms" for k, v in found.items())
                + f" loadavg={os.getloadavg()[0]:.1f}"
            )
            return 0
        if args.index_update:
            found = measure_index_update(args.index_update)
            print(
                f"index update after one edit, {args.services} services, checkout={args.checkout}: "
                + " ".join(
                    f"{k}={v:.1f}" if isinstance(v, float) else f"{k}={v}" for k, v in found.items()
                )  # fmt: skip
                + f" (ms; own = first search of the edited type, every = all types again, "
                f"cpu = CPU of own) loadavg={os.getloadavg()[0]:.1f}"
            )
            return 0
        wrk = ensure_wrk() if args.client in ("auto", "wrk") else None
        if args.client == "wrk" and wrk is None:
            raise SystemExit("wrk is not installed and apt-get could not install it")
        port = free_port()
        server_log = Path(tmp) / "server.log"
        server = start_server(env, port, args.workers, args.threads, args.preload, server_log)
        try:
            phases = run_phases(args, f"http://127.0.0.1:{port}", port, wrk, tmp)
        finally:
            server.terminate()
            server.wait(timeout=20)
            # A worker that gunicorn restarts (timeout, crash) starts with an empty page cache.
            booted = server_log.read_text(errors="replace").count("Booting worker")
    return report(args, phases, wrk, max(0, booted - args.workers))


if __name__ == "__main__":
    sys.exit(main())
