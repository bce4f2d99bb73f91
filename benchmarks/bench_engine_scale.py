"""Benchmark: assess() at Germany scale on synthetic data, a realistic standard, several sizes.

Run: PYTHONPATH=. .venv/bin/python benchmarks/bench_engine_scale.py [--scales 0.1,0.3,1]

Scale 1 = 11,000 regions (16 Länder, 400 Kreise, 10,584 Gemeinden), 200,000 services of 16
offer types, 1,000,000 demand points; the region count stays 11,000 at every scale, services
and points scale. The standard (``rule_set``): every rule kind, with four spatial rules at
25-30 km (reach and 2SFCA on two offer types). Each size runs in a fresh subprocess so its
peak memory (ru_maxrss) is its own. Timed: assess() for the whole rule set, and
cliff_by_region() to 2030-12; not timed: generating the synthetic data. Printed as well:
the phases of assess() at the largest size (wall and CPU seconds, see ``Phases``). The data
are random, labelled synthetic, and mean nothing. Targets (issue 20): < 30 s, < 4 GB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable

import numpy as np

from integrationsatlas.analysis.assess import (
    DemandPoints,
    EngineRule,
    Regions,
    Services,
    assess,
    cliff_by_region,
)

N_LAND, N_KREIS, N_GEMEINDE = 16, 400, 10_584
TYPES = [f"type{k:02d}" for k in range(16)]
LANGS = ["ar", "uk", "ru", "fa", "tr", "pl", "ro", "en", "vi", "ps", "ku", "ti"]
GERMANY_BBOX = (5.9, 47.3, 15.0, 55.0)


def synthetic_regions(rng: np.random.Generator) -> tuple[Regions, np.ndarray, np.ndarray]:
    n = N_LAND + N_KREIS + N_GEMEINDE
    kreis_parent = rng.integers(0, N_LAND, N_KREIS)
    gem_parent = N_LAND + rng.integers(0, N_KREIS, N_GEMEINDE)
    parent = np.concatenate([np.full(N_LAND, -1), kreis_parent, gem_parent])
    levels = np.array(["land"] * N_LAND + ["kreis"] * N_KREIS + ["gemeinde"] * N_GEMEINDE)
    pop_g = rng.lognormal(8.0, 1.2, N_GEMEINDE)
    pop = np.zeros(n)
    pop[N_LAND + N_KREIS :] = pop_g
    np.add.at(pop, gem_parent, pop_g)
    np.add.at(pop, kreis_parent, pop[N_LAND : N_LAND + N_KREIS])
    foreign = pop * rng.uniform(0.03, 0.2, n)
    foreign[rng.random(n) < 0.01] = np.nan  # some unknown demand
    lang_region = np.repeat(np.arange(N_LAND, N_LAND + N_KREIS), len(LANGS))
    lang_code = np.tile(LANGS, N_KREIS)
    lang_pop = rng.uniform(10, 5000, lang_region.size)
    lon0, lat0, lon1, lat1 = GERMANY_BBOX
    g_lon, g_lat = rng.uniform(lon0, lon1, N_GEMEINDE), rng.uniform(lat0, lat1, N_GEMEINDE)
    regions = Regions(
        keys=np.array([f"R{k:05d}" for k in range(n)]),
        levels=levels,
        parent=parent,
        indicators={
            "population": pop,
            "foreign_population": foreign,
            "children_under_6": pop * 0.05,
        },
        language_region=lang_region,
        language_code=lang_code,
        language_population=lang_pop,
    )
    return regions, g_lon, g_lat


def synthetic_points(
    rng: np.random.Generator, n: int, g_lon: np.ndarray, g_lat: np.ndarray, pop: np.ndarray
) -> DemandPoints:
    gem = rng.integers(0, N_GEMEINDE, n)
    weight = rng.uniform(0.5, 1.5, n) * pop[N_LAND + N_KREIS + gem] / max(1.0, n / N_GEMEINDE)
    return DemandPoints(
        lon=g_lon[gem] + rng.normal(0, 0.03, n),
        lat=g_lat[gem] + rng.normal(0, 0.02, n),
        region=N_LAND + N_KREIS + gem,
        weights={"population": weight, "foreign_population": weight * 0.1},
    )


def synthetic_services(
    rng: np.random.Generator, n: int, g_lon: np.ndarray, g_lat: np.ndarray
) -> Services:
    gem = rng.integers(0, N_GEMEINDE, n)
    online = rng.random(n) < 0.05
    lon = np.where(online, np.nan, g_lon[gem] + rng.normal(0, 0.01, n))
    lat = np.where(online, np.nan, g_lat[gem] + rng.normal(0, 0.01, n))
    region = np.where(online, -1, N_LAND + N_KREIS + gem)
    area_svc = np.flatnonzero(rng.random(n) < 0.1)
    area_reg = N_LAND + rng.integers(0, N_KREIS, area_svc.size)
    n_lang = rng.integers(1, 4, n)
    lang_svc = np.repeat(np.arange(n), n_lang)
    lang_code = np.array(LANGS + ["de"])[rng.integers(0, len(LANGS) + 1, lang_svc.size)]
    n_fund = rng.integers(0, 3, n)  # some services without funding rows
    fund_svc = np.repeat(np.arange(n), n_fund)
    days = rng.integers(0, 8 * 365, fund_svc.size)
    end = np.datetime64("2025-01-01") + days.astype("timedelta64[D]")
    end[rng.random(fund_svc.size) < 0.3] = np.datetime64("NaT")
    return Services(
        offer_type=np.array(TYPES)[rng.integers(0, len(TYPES), n)],
        lon=lon,
        lat=lat,
        region=region,
        capacity=rng.uniform(0.5, 3.0, n),
        active=rng.random(n) < 0.95,
        weekly_hours=rng.uniform(5, 40, n),
        area_service=area_svc,
        area_region=area_reg,
        language_service=lang_svc,
        language_code=lang_code,
        fund_service=fund_svc,
        fund_share=rng.uniform(0.3, 1.0, fund_svc.size) / np.repeat(np.maximum(n_fund, 1), n_fund),
        fund_end=end,
        fund_level=np.array(["bund", "land", "kreis"])[rng.integers(0, 3, fund_svc.size)],
    )


def rule_set() -> list[EngineRule]:
    """A realistic standard: 16 ratio rules, 16 presence, 4 each of languages, hours and
    reliability, and four spatial rules at 25-30 km on two offer types, as a Land would set
    them: for each type "reachable within d" (reach) and "supply within the catchment"
    (2SFCA, uniform for type00, enhanced 2SFCA with Luo & Qi's bands for type01)."""
    fin = {"land": 0.5, "kreis": 0.3, "bund": 0.2}
    out = [
        EngineRule(
            f"ratio-{t}",
            t,
            "ratio",
            "gemeinde",
            0.5,
            "foreign_population",
            financing=fin,
            unit_cost=70_000.0,
            unit="fte",
        )
        for t in TYPES
    ]
    out += [
        EngineRule(f"presence-{t}", t, "presence", "kreis", 2.0, unit_cost=50_000.0) for t in TYPES
    ]
    for t in TYPES[:4]:
        out += [
            EngineRule(f"languages-{t}", t, "languages", "kreis", 0.8),
            EngineRule(f"hours-{t}", t, "hours", "gemeinde", 5.0, "population", unit_cost=2_000.0),
            EngineRule(
                f"reliability-{t}",
                t,
                "reliability",
                "kreis",
                0.9,
                params={"months": 24},
                unit_cost=70_000.0,
            ),
        ]
    out += [
        EngineRule(
            "reach-type00", "type00", "reach", "gemeinde", 0.9, params={"distance_km": 30.0}
        ),
        EngineRule(
            "2sfca-type00",
            "type00",
            "ratio",
            "kreis",
            0.5,
            "population",
            params={"catchment_km": 30.0},
        ),
        EngineRule(
            "reach-type01", "type01", "reach", "gemeinde", 0.9, params={"distance_km": 25.0}
        ),
        EngineRule(
            "e2sfca-type01",
            "type01",
            "ratio",
            "kreis",
            0.5,
            "population",
            params={"catchment_km": 30.0},
            bands_km=((10.0, 1.0), (20.0, 0.68), (30.0, 0.22)),
        ),
    ]
    return out


class Phases:
    """Wall and CPU seconds per phase, by wrapping engine functions for one run.

    Phases: ``index`` (demand points into cells, once), ``pairs <site set>`` (the pair join
    of each site set, once at its largest radius), ``search`` (KD-tree searches of the
    engine before the shared pairs: the 2SFCA pair search and the reach rules' nearest-site
    query), each rule's own work (``rule <id>``, without the phases above that ran inside
    it), and ``rows`` (judging, explanations and row objects: assess minus the rules).
    """

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self._inner = [0.0, 0.0]  # wall, CPU of wrapped phases inside the current rule
        self.current = ""

    def _add(self, name: str, wall: float, cpu: float) -> None:
        self.wall[name] = self.wall.get(name, 0.0) + wall
        self.cpu[name] = self.cpu.get(name, 0.0) + cpu

    def timed(self, name: Callable[..., str], fn: Callable[..., object]) -> Callable[..., object]:
        def wrapper(*args: object, **kwargs: object) -> object:
            w, c = time.perf_counter(), time.process_time()
            out = fn(*args, **kwargs)
            w, c = time.perf_counter() - w, time.process_time() - c
            self._add(name(*args, **kwargs), w, c)
            self._inner[0] += w
            self._inner[1] += c
            return out

        return wrapper

    def rule(self, fn: Callable[..., object]) -> Callable[..., object]:
        def wrapper(ctx: object, rule: EngineRule, svc: object) -> object:
            self._inner = [0.0, 0.0]
            self.current = rule.id
            w, c = time.perf_counter(), time.process_time()
            out = fn(ctx, rule, svc)
            w, c = time.perf_counter() - w, time.process_time() - c
            self._add(f"rule {rule.id}", w - self._inner[0], c - self._inner[1])
            return out

        return wrapper

    def install(self) -> None:
        import integrationsatlas.analysis.assess as assess_mod
        import integrationsatlas.analysis.rules as rules_mod

        for kind, fn in list(assess_mod._KIND.items()):
            assess_mod._KIND[kind] = self.rule(fn)
        try:
            import integrationsatlas.analysis.pairs as pairs_mod
        except ImportError:  # the engine before shared pairs
            pairs_mod = None
        if pairs_mod is not None:
            grid_init = pairs_mod.PointGrid.__init__
            pairs_mod.PointGrid.__init__ = self.timed(lambda *a, **k: "index", grid_init)
            pairs_mod.pairs_within_radius = self.timed(
                lambda g, sites, r, *a, **k: f"pairs {len(sites):,} sites at {r / 1000:g} km",
                pairs_mod.pairs_within_radius,
            )
        if hasattr(assess_mod, "pairs_within"):
            assess_mod.pairs_within = self.timed(self._search, assess_mod.pairs_within)
        for name in ("nearest", "reached_within"):  # the reach rule's site search, old and new
            if hasattr(rules_mod, name):
                setattr(rules_mod, name, self.timed(self._search, getattr(rules_mod, name)))

    def _search(self, *args: object, **kwargs: object) -> str:
        return f"search ({self.current})"


def run_one(scale: float, phases: bool = False) -> dict[str, object]:
    rng = np.random.default_rng(7)
    regions, g_lon, g_lat = synthetic_regions(rng)
    n_services, n_points = int(200_000 * scale), int(1_000_000 * scale)
    services = synthetic_services(rng, n_services, g_lon, g_lat)
    points = synthetic_points(rng, n_points, g_lon, g_lat, regions.indicators["population"])
    rules = rule_set()
    timer = Phases()
    if phases:
        timer.install()
    t0, c0 = time.perf_counter(), time.process_time()
    rows = assess(regions, services, rules, dt.date(2025, 1, 1), demand_points=points)
    t_assess, c_assess = time.perf_counter() - t0, time.process_time() - c0
    timer._add(
        "rows",
        t_assess - sum(timer.wall.values()),
        c_assess - sum(timer.cpu.values()),
    )
    t0 = time.perf_counter()
    cliff, _, _ = cliff_by_region(regions, services, "kreis", dt.date(2025, 1, 1))
    t_cliff = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
    return {
        "scale": scale,
        "regions": regions.keys.size,
        "services": n_services,
        "points": n_points,
        "rules": len(rules),
        "rows": len(rows),
        "assess_s": t_assess,
        "assess_cpu_s": c_assess,
        "cliff_s": t_cliff,
        "cliff_months": cliff.months.size,
        "peak_mb": peak_mb,
        "phases": {k: [timer.wall[k], timer.cpu[k]] for k in timer.wall} if phases else {},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="0.1,0.3,1")
    parser.add_argument("--one", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--timeout", type=float, default=300.0)
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(run_one(args.one, phases=True)))
        return
    print(
        "| scale | regions | services | demand points | rules | rows | assess s (CPU s) "
        "| cliff s | total s | peak RSS MB |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    worst, last = 0.0, None
    for scale in (float(s) for s in args.scales.split(",")):
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(scale)],
            check=True,
            capture_output=True,
            text=True,
            timeout=args.timeout,
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
        total = r["assess_s"] + r["cliff_s"]
        worst = max(worst, total)
        print(
            f"| {r['scale']:g} | {r['regions']:,} | {r['services']:,} | {r['points']:,} "
            f"| {r['rules']} | {r['rows']:,} | {r['assess_s']:.1f} ({r['assess_cpu_s']:.1f}) "
            f"| {r['cliff_s']:.1f} | {total:.1f} | {r['peak_mb']:,.0f} |",
            flush=True,
        )
        last = r
    if last is not None:
        print(f"\nPhases of assess at scale {last['scale']:g} (wall s, CPU s):\n")
        print("| phase | wall s | CPU s |\n| --- | ---: | ---: |")
        for name, (wall, cpu) in last["phases"].items():
            print(f"| {name} | {wall:.2f} | {cpu:.2f} |")
    print(f"\nTargets at scale 1: < 30 s and < 4 GB peak. Slowest run here: {worst:.1f} s.")


if __name__ == "__main__":
    main()
