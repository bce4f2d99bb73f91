"""Benchmark: assess() at Germany scale on synthetic data, all rule kinds, several sizes.

Run: PYTHONPATH=. .venv/bin/python benchmarks/bench_engine_scale.py [--scales 0.1,0.3,1]

Scale 1 = 11,000 regions (16 Länder, 400 Kreise, 10,584 Gemeinden), 200,000 services of 16
offer types, 1,000,000 demand points; the region count stays 11,000 at every scale, services
and points scale. Each size runs in a fresh subprocess so its peak memory (ru_maxrss) is its
own. Timed: assess() for the whole rule set, and cliff_by_region() to 2030-12; not timed:
generating the synthetic data. The data are random, labelled synthetic, and mean nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import time

import numpy as np

from integrationsatlas.analysis.assess import (
    DemandPoints,
    Regions,
    Rule,
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


def rule_set() -> list[Rule]:
    """16 ratio rules, 16 presence, 4 each of reach/languages/hours/reliability, one 2SFCA."""
    fin = {"land": 0.5, "kreis": 0.3, "bund": 0.2}
    out = [
        Rule(
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
    out += [Rule(f"presence-{t}", t, "presence", "kreis", 2.0, unit_cost=50_000.0) for t in TYPES]
    for t in TYPES[:4]:
        out += [
            Rule(f"reach-{t}", t, "reach", "gemeinde", 0.9, params={"distance_km": 15.0}),
            Rule(f"languages-{t}", t, "languages", "kreis", 0.8),
            Rule(f"hours-{t}", t, "hours", "gemeinde", 5.0, "population", unit_cost=2_000.0),
            Rule(
                f"reliability-{t}",
                t,
                "reliability",
                "kreis",
                0.9,
                params={"months": 24},
                unit_cost=70_000.0,
            ),
        ]
    out.append(
        Rule(
            "2sfca-type00",
            "type00",
            "ratio",
            "kreis",
            0.5,
            "population",
            params={"catchment_km": 10.0},
        )
    )
    return out


def run_one(scale: float) -> dict[str, float]:
    rng = np.random.default_rng(7)
    regions, g_lon, g_lat = synthetic_regions(rng)
    n_services, n_points = int(200_000 * scale), int(1_000_000 * scale)
    services = synthetic_services(rng, n_services, g_lon, g_lat)
    points = synthetic_points(rng, n_points, g_lon, g_lat, regions.indicators["population"])
    rules = rule_set()
    t0 = time.perf_counter()
    rows = assess(regions, services, rules, dt.date(2025, 1, 1), demand_points=points)
    t_assess = time.perf_counter() - t0
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
        "cliff_s": t_cliff,
        "cliff_months": cliff.months.size,
        "peak_mb": peak_mb,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="0.1,0.3,1")
    parser.add_argument("--one", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--timeout", type=float, default=300.0)
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(run_one(args.one)))
        return
    print(
        "| scale | regions | services | demand points | rules | rows | assess s | cliff s "
        "| total s | peak RSS MB |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    worst = 0.0
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
            f"| {r['rules']} | {r['rows']:,} | {r['assess_s']:.1f} | {r['cliff_s']:.1f} "
            f"| {total:.1f} | {r['peak_mb']:,.0f} |",
            flush=True,
        )
    print(f"\nTargets at scale 1: < 60 s and < 8 GB peak. Slowest run here: {worst:.1f} s.")


if __name__ == "__main__":
    main()
