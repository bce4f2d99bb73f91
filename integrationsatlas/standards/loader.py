"""Build the engine's input arrays from the database: regions, indicators, services, rules.

Data flows one way (STYLE.md): registry and indicator rows -> these arrays -> the pure
engine. Every indicator figure used is the newest one at or before the reference date; the
loader records which reference dates, sources and demo figures went in, so a stored
assessment can say exactly what it was computed from.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import Q

from integrationsatlas.analysis.assess import DemandPoints, Regions, Services
from integrationsatlas.analysis.assess import Rule as EngineRule
from integrationsatlas.regions.models import IndicatorValue, Region
from integrationsatlas.registry.models import Funding, Schedule, Service, ServiceAtLocation

from .models import Rule

#: Indicator codes `foreign_language_<iso>`: foreign residents whose main language is <iso>;
#: they feed the `languages` rule kind.
LANGUAGE_PREFIX = "foreign_language_"


@dataclass
class EngineInput:
    """Everything one engine run needs, plus what is needed to trace it afterwards."""

    regions: Regions
    points: DemandPoints
    services: Services
    names: dict[str, str]
    # (indicator code, region key) pairs whose figure is demo data.
    demo_indicators: set[tuple[str, str]] = field(default_factory=set)
    demo_offer_types: set[str] = field(default_factory=set)
    reference: dict[str, Any] = field(default_factory=dict)

    @property
    def includes_demo_data(self) -> bool:
        return bool(self.demo_indicators or self.demo_offer_types)


def _newest_values(codes: set[str], date: dt.date) -> dict[str, dict[str, IndicatorValue]]:
    """{code: {ags: newest value with reference_date <= date}}."""
    query = Q(code__in=codes) | Q(code__startswith=LANGUAGE_PREFIX)
    values = IndicatorValue.objects.filter(query, reference_date__lte=date).order_by(
        "code", "region_id", "reference_date"
    )
    result: dict[str, dict[str, IndicatorValue]] = defaultdict(dict)
    for value in values.only("region_id", "code", "reference_date", "value", "source", "is_demo"):
        result[value.code][value.region_id] = value  # later dates overwrite
    return result


def load_regions(codes: set[str], date: dt.date) -> tuple[Regions, DemandPoints, dict, set, dict]:
    regions = list(
        Region.objects.order_by("ags").values_list(
            "ags", "name", "level", "parent_id", "point_lon", "point_lat"
        )
    )
    index = {row[0]: i for i, row in enumerate(regions)}
    n = len(regions)
    parent = np.array([index.get(r[3], -1) if r[3] else -1 for r in regions], dtype=np.int64)
    values = _newest_values(codes, date)
    indicators: dict[str, np.ndarray] = {}
    demo: set[tuple[str, str]] = set()
    reference: dict[str, Any] = {}
    for code in sorted(set(codes) | {c for c in values if not c.startswith(LANGUAGE_PREFIX)}):
        column = np.full(n, np.nan)
        by_region = values.get(code, {})
        for ags, value in by_region.items():
            column[index[ags]] = value.value
            if value.is_demo:
                demo.add((code, ags))
        summed = _fill_from_children(column, parent, [r[2] for r in regions])
        for i in summed:
            children = np.flatnonzero(parent == i)
            if any((code, regions[c][0]) in demo for c in children):
                demo.add((code, regions[i][0]))
        indicators[code] = column
        reference[code] = {
            "reference_dates": sorted({v.reference_date.isoformat() for v in by_region.values()}),
            "sources": sorted({v.source for v in by_region.values()}),
            "regions": int(np.isfinite(column).sum()),
            "summed_from_gemeinden": len(summed),
            "demo": any(v.is_demo for v in by_region.values()),
        }
    lang_region, lang_code, lang_pop = [], [], []
    for code, by_region in values.items():
        if code.startswith(LANGUAGE_PREFIX):
            for ags, value in by_region.items():
                lang_region.append(index[ags])
                lang_code.append(code[len(LANGUAGE_PREFIX) :])
                lang_pop.append(value.value)
                if value.is_demo:
                    demo.add(("languages", ags))
    levels = np.array([r[2] for r in regions])
    engine_regions = Regions(
        keys=np.array([r[0] for r in regions]),
        levels=levels,
        parent=parent,
        indicators=indicators,
        language_region=np.array(lang_region, dtype=np.int64),
        language_code=np.array(lang_code, dtype=np.str_),
        language_population=np.array(lang_pop, dtype=np.float64),
    )
    # Demand points: the representative point of every Gemeinde, weighted by its figures.
    gemeinden = [
        i
        for i, r in enumerate(regions)
        if r[2] == Region.Level.GEMEINDE and r[4] is not None and r[5] is not None
    ]
    points = DemandPoints(
        lon=np.array([regions[i][4] for i in gemeinden], dtype=np.float64),
        lat=np.array([regions[i][5] for i in gemeinden], dtype=np.float64),
        region=np.array(gemeinden, dtype=np.int64),
        weights={code: column[gemeinden] for code, column in indicators.items()},
    )
    names = {r[0]: r[1] for r in regions}
    return engine_regions, points, names, demo, reference


def _fill_from_children(column: np.ndarray, parent: np.ndarray, levels: list[str]) -> list[int]:
    """A region without a figure gets the sum of its children when every child has one.

    Figures known only per Gemeinde (e.g. children under 6) then work on Kreis level too.
    Returns the indices filled. Kreise first, so a Land can be summed from filled Kreise.
    """
    filled = []
    for level in (Region.Level.KREIS, Region.Level.LAND):
        for i in np.flatnonzero(np.isnan(column)):
            if levels[i] != level:
                continue
            children = np.flatnonzero(parent == i)
            if children.size and np.isfinite(column[children]).all():
                column[i] = column[children].sum()
                filled.append(int(i))
    return filled


def _hours(intervals: list[tuple[dt.time, dt.time]]) -> float:
    return sum((c.hour * 60 + c.minute - o.hour * 60 - o.minute) / 60.0 for o, c in intervals)


def _valid_at(date: dt.date) -> Q:
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=date)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=date)
    )


def load_services(
    region_index: dict[str, int], date: dt.date, offer_types: set[str]
) -> tuple[Services, set[str], dict[str, Any]]:
    """One engine entry per site of a published service (online/phone-only: one without site).

    A service at several sites has its capacity split evenly over them; each site keeps its
    own weekly hours (schedules valid at `date`; none = unknown), the service's languages,
    service area and fundings.
    """
    services = list(
        Service.objects.filter(
            is_published=True, is_deleted=False, offer_type__code__in=offer_types
        )
        .select_related("offer_type")
        .order_by("pk")
    )
    ids = [s.pk for s in services]
    sites: dict[int, list[tuple[int, Any]]] = defaultdict(list)
    for sal in (
        ServiceAtLocation.objects.filter(service_id__in=ids)
        .select_related("location")
        .order_by("service_id", "location_id")
    ):
        sites[sal.service_id].append((sal.pk, sal.location))
    site_hours: dict[int, list] = defaultdict(list)
    remote_hours: dict[int, list] = defaultdict(list)
    schedules = Schedule.objects.filter(_valid_at(date)).filter(
        Q(service_at_location__service_id__in=ids) | Q(service_id__in=ids)
    )
    for sched in schedules.values_list(
        "service_at_location_id", "service_id", "opens_at", "closes_at"
    ):
        sal_id, service_id, opens, closes = sched
        if sal_id:
            site_hours[sal_id].append((opens, closes))
        else:
            remote_hours[service_id].append((opens, closes))
    areas: dict[int, list[int]] = defaultdict(list)
    through = Service.service_area.through
    for service_id, ags in through.objects.filter(service_id__in=ids).values_list(
        "service_id", "region_id"
    ):
        if ags in region_index:
            areas[service_id].append(region_index[ags])
    fundings: dict[int, list] = defaultdict(list)
    for f in Funding.objects.filter(service_id__in=ids).values_list(
        "service_id", "share", "end", "funder_level"
    ):
        fundings[f[0]].append(f[1:])

    cols: dict[str, list] = defaultdict(list)
    demo_types: set[str] = set()
    for service in services:
        places = sites.get(service.pk) or [(None, None)]
        capacity = math.nan if service.capacity is None else service.capacity / len(places)
        if service.is_demo:
            demo_types.add(service.offer_type.code)
        for sal_id, location in places:
            row = len(cols["offer_type"])
            cols["offer_type"].append(service.offer_type.code)
            if location is None:
                cols["lon"].append(math.nan)
                cols["lat"].append(math.nan)
                cols["region"].append(-1)
                intervals = remote_hours.get(service.pk, [])
            else:
                cols["lon"].append(location.longitude)
                cols["lat"].append(location.latitude)
                cols["region"].append(region_index.get(location.gemeinde_id or "", -1))
                intervals = site_hours.get(sal_id, [])
            cols["capacity"].append(capacity)
            cols["active"].append(service.status == Service.Status.ACTIVE)
            cols["weekly_hours"].append(_hours(intervals) if intervals else math.nan)
            for region in areas.get(service.pk, []):
                cols["area_service"].append(row)
                cols["area_region"].append(region)
            for code in service.languages or []:
                cols["language_service"].append(row)
                cols["language_code"].append(code)
            for share, end, level in fundings.get(service.pk, []):
                cols["fund_service"].append(row)
                cols["fund_share"].append(share)
                cols["fund_end"].append(np.datetime64(end, "D") if end else np.datetime64("NaT"))
                cols["fund_level"].append(level)
    engine_services = Services(
        offer_type=np.array(cols["offer_type"], dtype=np.str_),
        lon=np.array(cols["lon"], dtype=np.float64),
        lat=np.array(cols["lat"], dtype=np.float64),
        region=np.array(cols["region"], dtype=np.int64),
        capacity=np.array(cols["capacity"], dtype=np.float64),
        active=np.array(cols["active"], dtype=bool),
        weekly_hours=np.array(cols["weekly_hours"], dtype=np.float64),
        area_service=np.array(cols["area_service"], dtype=np.int64),
        area_region=np.array(cols["area_region"], dtype=np.int64),
        language_service=np.array(cols["language_service"], dtype=np.int64),
        language_code=np.array(cols["language_code"], dtype=np.str_),
        fund_service=np.array(cols["fund_service"], dtype=np.int64),
        fund_share=np.array(cols["fund_share"], dtype=np.float64),
        fund_end=np.array(cols["fund_end"], dtype="datetime64[D]"),
        fund_level=np.array(cols["fund_level"], dtype=np.str_),
    )
    reference = {
        "services": len(services),
        "sites": len(cols["offer_type"]),
        "demo_services": sum(1 for s in services if s.is_demo),
    }
    return engine_services, demo_types, reference


def engine_rules(rules: list[Rule], level: str | None = None) -> list[EngineRule]:
    """Engine rules from stored rules; `level` (kreis or gemeinde) overrides each rule's own."""
    return [
        EngineRule(
            id=rule.code,
            offer_type=rule.offer_type.code,
            kind=rule.kind,
            level=level or rule.level,
            target=float(rule.target),
            demand_indicator=rule.demand_indicator,
            params={k: float(v) for k, v in (rule.params or {}).items()},
            responsible_level=rule.responsible_level,
            financing={k: float(v) for k, v in (rule.financing or {}).items()},
            unit_cost=float(rule.unit_cost),
            unit=rule.offer_type.unit,
            sources=tuple(sorted(set((rule.sources or {}).values()))),
        )
        for rule in rules
    ]


def load_input(rules: list[Rule], date: dt.date) -> EngineInput:
    """The registry and indicators as the engine sees them on `date`."""
    codes = {rule.demand_indicator for rule in rules} | {"population"}
    regions, points, names, demo, reference = load_regions(codes, date)
    index = {key: i for i, key in enumerate(regions.keys.tolist())}
    services, demo_types, service_reference = load_services(
        index, date, {rule.offer_type.code for rule in rules}
    )
    return EngineInput(
        regions=regions,
        points=points,
        services=services,
        names=names,
        demo_indicators=demo,
        demo_offer_types=demo_types,
        reference={"indicators": reference, "registry": service_reference},
    )
