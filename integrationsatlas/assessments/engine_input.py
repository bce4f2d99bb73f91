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
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import Q
from django.utils import timezone

from integrationsatlas.analysis.assess import DemandPoints, Regions, Services
from integrationsatlas.analysis.assess import Rule as EngineRule
from integrationsatlas.regions.locate import gemeinde_keys_at
from integrationsatlas.regions.models import IndicatorValue, Region
from integrationsatlas.registry.languages import language_name
from integrationsatlas.registry.models import Funding, Schedule, Service, ServiceAtLocation
from integrationsatlas.standards.models import Rule
from integrationsatlas.taxonomy.target_groups import effective_groups

#: Indicator codes `foreign_language_<iso>`: foreign residents whose main language is <iso>;
#: they feed the `languages` rule kind.
LANGUAGE_PREFIX = "foreign_language_"


#: How a Kreis figure becomes Gemeinde figures when only the Kreis has one (German: shown).
APPORTION_NOTE = "geschätzt: Kreiswert anteilig nach Einwohnern"


@dataclass
class EngineInput:
    """Everything one engine run needs, plus what is needed to trace it afterwards."""

    regions: Regions
    points: DemandPoints
    services: Services
    names: dict[str, str]
    # (indicator code, region key) pairs whose figure is demo data; ("languages", key) for
    # the language figures of a region.
    demo_indicators: set[tuple[str, str]] = field(default_factory=set)
    demo_offer_types: set[str] = field(default_factory=set)
    # (indicator code, Gemeinde key) pairs apportioned from the Kreis value (APPORTION_NOTE).
    estimated_indicators: set[tuple[str, str]] = field(default_factory=set)
    # (indicator code, region key) -> (source, reference date, edition id) of a region's own
    # figure loaded by an indicator import: the explanation cites it.
    edition_origins: dict[tuple[str, str], tuple[str, dt.date, int]] = field(default_factory=dict)
    # (mark, region key) -> (source, variant, projected date) of demand from a projection.
    projections: dict[tuple[str, str], tuple[str, str, dt.date]] = field(default_factory=dict)
    # True when the reference date lies after today: demand without a projection is today's.
    future: bool = False
    reference: dict[str, Any] = field(default_factory=dict)

    @property
    def includes_demo_data(self) -> bool:
        return bool(self.demo_indicators or self.demo_offer_types)


class ProjectionChoiceError(ValueError):
    """Several projection variants fit and none was chosen; the message names them."""


def _newest_values(
    codes: set[str], date: dt.date, variant: str | None = None
) -> tuple[dict[str, dict[str, tuple]], dict[tuple[str, str], tuple[str, str, dt.date]]]:
    """{code: {ags: (value, reference_date, source, edition_id, is_demo)}} newest at or
    before `date`; an unknown (secret) figure is NaN, never 0. Second: {(code, ags):
    (source, variant, projected date)} of the figures that are projections.

    Observed figures come first; a projection (reference date at or before `date`) replaces
    one only when it is for a later date than the newest observation, so an assessment for
    today never uses a projection and one for 2030 uses the projection for 2030.
    """
    query = Q(code__in=codes) | Q(code__startswith=LANGUAGE_PREFIX)
    values = IndicatorValue.objects.filter(query, reference_date__lte=date).order_by(
        "code", "region_id", "reference_date"
    )
    fields = ("code", "region_id", "value", "reference_date", "source", "edition_id", "is_demo")
    result: dict[str, dict[str, tuple]] = defaultdict(dict)
    for code, ags, *rest in values.filter(projection_variant="").values_list(*fields):
        result[code][ags] = (math.nan if rest[0] is None else rest[0], *rest[1:])
    projected = values.exclude(projection_variant="")
    if variant:
        projected = projected.filter(projection_variant=variant)
    found = sorted(set(projected.values_list("projection_variant", flat=True)))
    if len(found) > 1:
        raise ProjectionChoiceError(
            f"Mehrere Varianten der Vorausberechnung geladen ({', '.join(found)}): "
            "bitte eine wählen (--variant)."
        )
    projections: dict[tuple[str, str], tuple[str, str, dt.date]] = {}
    for code, ags, *rest, name in projected.values_list(*fields, "projection_variant"):
        observed = result[code].get(ags)
        if observed is None or observed[1] < rest[1]:
            result[code][ags] = (math.nan if rest[0] is None else rest[0], *rest[1:])
            projections[(code, ags)] = (rest[2], name, rest[1])
    return result, projections


def _apportion(
    column: np.ndarray, parent: np.ndarray, levels: np.ndarray, population: np.ndarray
) -> np.ndarray:
    """Gemeinden of a Kreis that has a figure while none of its Gemeinden has one get
    Kreis value x population(g) / population of the Kreis's Gemeinden. Returns their indices.

    An explicit estimate (APPORTION_NOTE), never silent: the caller marks every filled figure.
    Kreise whose Gemeinden lack a population figure are left unknown.
    """
    gem = np.flatnonzero((levels == Region.Level.GEMEINDE) & (parent >= 0))
    gem = gem[levels[parent[gem]] == Region.Level.KREIS]
    if not gem.size:
        return gem
    kreis = parent[gem]
    n = column.size
    has_own = np.bincount(kreis, np.isfinite(column[gem]), n) > 0
    pop_known = np.bincount(kreis, ~np.isfinite(population[gem]), n) == 0
    pop_sum = np.bincount(kreis, np.nan_to_num(population[gem]), n)
    fill = (
        np.isnan(column[gem])
        & np.isfinite(column[kreis])
        & ~has_own[kreis]
        & pop_known[kreis]
        & (pop_sum[kreis] > 0)
    )
    gem, kreis = gem[fill], kreis[fill]
    column[gem] = column[kreis] * population[gem] / pop_sum[kreis]
    return gem


def load_regions(
    codes: set[str],
    date: dt.date,
    apportioned: AbstractSet[str] = frozenset(),
    language_levels: AbstractSet[str] = frozenset({"kreis"}),
    variant: str | None = None,
) -> tuple[Regions, DemandPoints, dict, set, dict, set, dict, dict]:
    """Regions with their indicator columns, the Gemeinde demand points and the trace.

    Kreis-only figures of the `apportioned` codes (those rules judged per Gemeinde need)
    are apportioned to Gemeinden (`_apportion`) and marked in the returned estimated set.
    Language rows are given on each of `language_levels`, summed up from Gemeinden or
    apportioned from the Kreis as needed; the engine uses those of a rule's own level.
    """
    regions = list(
        Region.objects.order_by("ags").values_list(
            "ags", "name", "level", "parent_id", "point_lon", "point_lat"
        )
    )
    index = {row[0]: i for i, row in enumerate(regions)}
    n = len(regions)
    keys = [r[0] for r in regions]
    parent = np.array([index.get(r[3], -1) if r[3] else -1 for r in regions], dtype=np.int64)
    levels = np.array([r[2] for r in regions])
    values, projected = _newest_values(codes | {"population"}, date, variant)
    # (mark, region key) -> (source, variant, projected date): cited in the explanation.
    projections: dict[tuple[str, str], tuple[str, str, dt.date]] = {}
    children_count = np.bincount(parent[parent >= 0], minlength=n)
    demo: set[tuple[str, str]] = set()
    estimated: set[tuple[str, str]] = set()
    reference: dict[str, Any] = {}
    origins: dict[tuple[str, str], tuple[str, dt.date, int]] = {}

    def column_of(code: str, mark: str) -> np.ndarray:
        column = np.full(n, np.nan)
        by_region = values.get(code, {})
        for ags, (value, *_rest, is_demo) in by_region.items():
            column[index[ags]] = value
            if is_demo:
                demo.add((mark, ags))
            if (code, ags) in projected:
                projections[(mark, ags)] = projected[(code, ags)]
        for i in _fill_from_children(column, parent, levels.tolist()):
            if any((mark, keys[c]) in demo for c in np.flatnonzero(parent == i)):
                demo.add((mark, keys[i]))
        filled = np.empty(0, np.int64)
        if code != "population" and (
            code in apportioned
            or (mark == "languages" and Region.Level.GEMEINDE in language_levels)
        ):
            filled = _apportion(column, parent, levels, population)
            for g in filled.tolist():
                # The only Gemeinde of a Kreis (a kreisfreie Stadt) gets the exact value.
                if children_count[parent[g]] > 1:
                    estimated.add((mark, keys[g]))
                if (mark, keys[parent[g]]) in demo:
                    demo.add((mark, keys[g]))
                if (mark, keys[parent[g]]) in projections:
                    projections[(mark, keys[g])] = projections[(mark, keys[parent[g]])]
        reference[code] = {
            "reference_dates": sorted({v[1].isoformat() for v in by_region.values()}),
            "sources": sorted({v[2] for v in by_region.values()}),
            "regions": int(np.isfinite(column).sum()),
            "summed_from_gemeinden": int(
                sum(1 for i in np.flatnonzero(np.isfinite(column)) if keys[i] not in by_region)
                - filled.size
            ),
            "demo": any(v[-1] for v in by_region.values()),
            "editions": sorted({v[3] for v in by_region.values() if v[3] is not None}),
        }
        variants = sorted({projected[(code, a)][1] for a in by_region if (code, a) in projected})
        if variants:
            reference[code]["projection_variants"] = variants
        for ags, (_value, ref_date, source, edition, _demo) in by_region.items():
            if edition is not None:
                origins[(mark, ags)] = (source, ref_date, edition)
        if filled.size:
            reference[code]["apportioned_to_gemeinden"] = int(filled.size)
            reference[code]["estimate"] = APPORTION_NOTE
        return column

    population = column_of("population", "population")
    indicators: dict[str, np.ndarray] = {"population": population}
    for code in sorted(set(codes) | {c for c in values if not c.startswith(LANGUAGE_PREFIX)}):
        if code != "population":
            indicators[code] = column_of(code, code)
    # Language rows on each level a languages rule is judged on (the engine keeps them apart).
    on_level = np.flatnonzero(np.isin(levels, sorted(language_levels)))
    lang_region, lang_code, lang_pop = [], [], []
    for code in sorted(c for c in values if c.startswith(LANGUAGE_PREFIX)):
        column = column_of(code, "languages")
        known = on_level[np.isfinite(column[on_level])]
        lang_region.extend(known.tolist())
        lang_code.extend([code[len(LANGUAGE_PREFIX) :]] * known.size)
        lang_pop.extend(column[known].tolist())
    engine_regions = Regions(
        keys=np.array(keys),
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
    return engine_regions, points, names, demo, reference, estimated, origins, projections


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
    region_index: dict[str, int],
    date: dt.date,
    offer_types: set[str],
    extra_services: list[dict[str, Any]] | None = None,
) -> tuple[Services, set[str], dict[str, Any]]:
    """One engine entry per site of a published service (online/phone-only: one without site).

    A service at several sites has its capacity split evenly over them; each site keeps its
    own weekly hours (schedules valid at `date`; none = unknown), the service's languages,
    service area and fundings. `extra_services` (planned, see `_append_planned`) are added
    after the registry's, without touching the registry.
    """
    services = list(
        Service.objects.filter(
            is_published=True, is_deleted=False, offer_type__code__in=offer_types
        )
        .order_by("pk")
        .values_list("pk", "offer_type__code", "capacity", "status", "is_demo", "languages")
    )
    groups = dict(
        Service.objects.filter(pk__in=[s[0] for s in services]).values_list("pk", "target_groups")
    )
    ids = [s[0] for s in services]
    sites: dict[int, list[tuple[int, Any]]] = defaultdict(list)
    for sal_id, service_id, *location in (
        ServiceAtLocation.objects.filter(service_id__in=ids)
        .order_by("service_id", "location_id")
        .values_list(
            "pk",
            "service_id",
            "location__longitude",
            "location__latitude",
            "location__gemeinde_id",
        )
    ):
        sites[service_id].append((sal_id, location))
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
    starts: dict[int, list] = defaultdict(list)
    for service_id, share, end, level, start in Funding.objects.filter(
        service_id__in=ids
    ).values_list("service_id", "share", "end", "funder_level", "start"):
        fundings[service_id].append((share, end, level))
        starts[service_id].append(start)
    future = date > timezone.localdate()
    counted = {"planned_counted": 0, "ended_by_funding": 0}

    cols: dict[str, list] = defaultdict(list)
    demo_types: set[str] = set()
    for pk, type_code, service_capacity, service_status, is_demo, languages in services:
        places = sites.get(pk) or [(None, None)]
        capacity = math.nan if service_capacity is None else service_capacity / len(places)
        if is_demo:
            demo_types.add(type_code)
        for sal_id, location in places:
            row = len(cols["offer_type"])
            cols["offer_type"].append(type_code)
            if location is None:
                cols["lon"].append(math.nan)
                cols["lat"].append(math.nan)
                cols["region"].append(-1)
                intervals = remote_hours.get(pk, [])
            else:
                lon, lat, gemeinde = location
                cols["lon"].append(math.nan if lon is None else lon)
                cols["lat"].append(math.nan if lat is None else lat)
                cols["region"].append(region_index.get(gemeinde or "", -1))
                intervals = site_hours.get(sal_id, [])
            cols["capacity"].append(capacity)
            cols["active"].append(
                _active_at(service_status, fundings.get(pk, []), starts.get(pk, []), date, future)
            )
            cols["weekly_hours"].append(_hours(intervals) if intervals else math.nan)
            for region in areas.get(pk, []):
                cols["area_service"].append(row)
                cols["area_region"].append(region)
            for code in languages or []:
                cols["language_service"].append(row)
                cols["language_code"].append(code)
            # Spelled out (adults of every origin, refugees of every age): the finder's rule.
            for group in effective_groups(groups.get(pk) or []):
                cols["group_service"].append(row)
                cols["group_code"].append(str(group))
            for share, end, level in fundings.get(pk, []):
                cols["fund_service"].append(row)
                cols["fund_share"].append(share)
                cols["fund_end"].append(np.datetime64(end, "D") if end else np.datetime64("NaT"))
                cols["fund_level"].append(level)
    if future:
        for pk, _type, _cap, service_status, *_rest in services:
            active = _active_at(
                service_status, fundings.get(pk, []), starts.get(pk, []), date, True
            )
            if active and service_status == Service.Status.PLANNED:
                counted["planned_counted"] += 1
            if not active and service_status == Service.Status.ACTIVE:
                counted["ended_by_funding"] += 1
    planned = _append_planned(cols, extra_services or [], region_index, date)
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
        group_service=np.array(cols["group_service"], dtype=np.int64),
        group_code=np.array(cols["group_code"], dtype=np.str_),
    )
    reference = {
        "services": len(services),
        "sites": len(cols["offer_type"]),
        "demo_services": sum(1 for s in services if s[4]),
    }
    if planned:
        reference["planned_services"] = planned
    if future:
        reference["future"] = counted
    return engine_services, demo_types, reference


def _active_at(
    status: str, fundings: list[tuple], starts: list[dt.date | None], date: dt.date, future: bool
) -> bool:
    """Whether a registry service counts as supply on `date`.

    Up to today the registry's status decides. For a later date the status is still today's,
    so what changes by then is read from the fundings: a service whose every funding has a
    known end before `date` no longer counts (the funding cliff has happened); a planned
    service counts unless every funding of it starts only after `date`. Ended never counts.
    """
    if status == Service.Status.ENDED:
        return False
    if not future:
        return status == Service.Status.ACTIVE
    ends = [end for _share, end, _level in fundings]
    if ends and all(end is not None and end < date for end in ends):
        return False
    if status == Service.Status.PLANNED and starts:
        return any(start is None or start <= date for start in starts)
    return True


class PlannedServiceError(ValueError):
    """A planned service cannot be used; the message names the entry and the field."""


def _date_of(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _number(value: Any) -> float:
    return math.nan if value in (None, "") else float(str(value).replace(",", "."))


def _append_planned(
    cols: dict[str, list], planned: list[dict[str, Any]], region_index: dict[str, int], date
) -> list[dict[str, Any]]:
    """Append planned services to the engine columns; returns what was used, for the trace.

    An entry: `offer_type` (code); where: `lon`/`lat` (WGS84; the Gemeinde is looked up) or
    `gemeinde` (also `region`: a Gemeinde key puts the site at its representative point; a
    Kreis key adds no site but serves the whole Kreis, like a service area); `capacity` and
    `weekly_hours` (empty = not planned: counts as 0, unlike an unknown registry figure,
    which makes its region "no data"); `languages` (ISO codes); `start` (active only from
    this date on; empty = already running); `fundings`: list of {`share`, `end`, `level`}
    (or the planning face's flat `funder_level`/`funding_end`: one funding of share 1);
    optional `service_area` (region keys) and `target_groups` (Service.TargetGroup codes).
    """
    if not planned:
        return []
    info = {
        ags: (level, lon, lat)
        for ags, level, lon, lat in Region.objects.values_list(
            "ags", "level", "point_lon", "point_lat"
        )
    }
    used = []
    for number, entry in enumerate(planned, start=1):
        where = f"Geplantes Angebot Nr. {number}"
        try:
            code = str(entry["offer_type"])
            key = str(entry.get("gemeinde") or entry.get("region") or "").strip()
            lon, lat = _number(entry.get("lon")), _number(entry.get("lat"))
            if math.isfinite(lon) and math.isfinite(lat) and not key:
                key = gemeinde_keys_at(np.array([lon]), np.array([lat]))[0] or ""
                if not key:
                    raise PlannedServiceError(f"{where}, Feld „lon/lat“: liegt in keiner Gemeinde.")
            if key not in region_index or info[key][0] == Region.Level.LAND:
                raise PlannedServiceError(
                    f"{where}, Feld „gemeinde“: {key!r} ist kein Gemeinde- oder Kreisschlüssel."
                )
            sited = info[key][0] == Region.Level.GEMEINDE
            if sited and not (math.isfinite(lon) and math.isfinite(lat)):
                lon, lat = info[key][1], info[key][2]
            # A plan adds what it states: no capacity or hours given adds 0, never "unknown",
            # so planning a service cannot turn a known value into "no data".
            capacity = _number(entry.get("capacity"))
            hours = _number(entry.get("weekly_hours"))
            start = _date_of(entry.get("start"))
            fundings = list(entry.get("fundings") or [])
            if not fundings and entry.get("funder_level"):
                fundings = [
                    {"share": 1.0, "end": entry.get("funding_end"), "level": entry["funder_level"]}
                ]
            funding_rows = [
                (float(f.get("share", 1.0)), _date_of(f.get("end")), str(f.get("level", "")))
                for f in fundings
            ]
        except PlannedServiceError:
            raise
        except (KeyError, TypeError, ValueError) as exc:
            raise PlannedServiceError(f"{where}: unbrauchbare Angabe ({exc}).") from exc
        row = len(cols["offer_type"])
        cols["offer_type"].append(code)
        cols["lon"].append(lon if sited else math.nan)
        cols["lat"].append(lat if sited else math.nan)
        cols["region"].append(region_index[key] if sited else -1)
        cols["capacity"].append(0.0 if math.isnan(capacity) else capacity)
        cols["active"].append(start is None or start <= date)
        cols["weekly_hours"].append(0.0 if math.isnan(hours) else hours)
        area = [] if sited else [key]
        for region in [*area, *(entry.get("service_area") or [])]:
            if region in region_index:
                cols["area_service"].append(row)
                cols["area_region"].append(region_index[region])
        for language in entry.get("languages") or []:
            cols["language_service"].append(row)
            cols["language_code"].append(str(language))
        for group in effective_groups(entry.get("target_groups") or []):
            cols["group_service"].append(row)
            cols["group_code"].append(str(group))
        for share, end, level in funding_rows:
            cols["fund_service"].append(row)
            cols["fund_share"].append(share)
            cols["fund_end"].append(np.datetime64(end, "D") if end else np.datetime64("NaT"))
            cols["fund_level"].append(level)
        used.append(
            {
                "offer_type": code,
                "region": key,
                "lon": lon if sited else None,
                "lat": lat if sited else None,
                "capacity": None if math.isnan(capacity) else capacity,
                "weekly_hours": None if math.isnan(hours) else hours,
                "start": start.isoformat() if start else None,
                "active": start is None or start <= date,
            }
        )
    return used


def engine_rules(rules: list[Rule]) -> list[EngineRule]:
    """Engine rules from stored rules, each on the level it declares (never overridden)."""
    return [
        EngineRule(
            id=rule.code,
            offer_type=rule.offer_type.code,
            kind=rule.kind,
            level=rule.level,
            summary_by=(rule.summary or {}).get("by", "regions"),
            summary_target=float((rule.summary or {}).get("target", 1.0)),
            target=float(rule.target),
            demand_indicator=rule.demand_indicator,
            # bands_km and languages, the list-valued parameters, are fields of their own.
            params={k: float(v) for k, v in (rule.params or {}).items() if k not in LIST_PARAMS},
            bands_km=tuple(
                (float(upper), float(w)) for upper, w in (rule.params or {}).get("bands_km", ())
            ),
            responsible_level=rule.responsible_level,
            financing={k: float(v) for k, v in (rule.financing or {}).items()},
            unit_cost=float(rule.unit_cost),
            unit=rule.offer_type.unit,
            sources=tuple(sorted(set((rule.sources or {}).values()))),
            target_group=rule.target_group,
            languages=tuple(str(c) for c in (rule.params or {}).get("languages", ())),
            language_names=_names_of((rule.params or {}).get("languages", ())),
        )
        for rule in rules
    ]


#: Rule parameters that are lists; the engine takes them as fields of their own.
LIST_PARAMS = ("bands_km", "languages")


def _names_of(codes: Iterable[object]) -> str:
    """German names of language codes, "Polnisch, Tschechisch oder Rumänisch"."""
    names = [language_name(str(c)) for c in codes]
    if len(names) < 2:
        return "".join(names)
    return f"{', '.join(names[:-1])} oder {names[-1]}"


def load_input(
    rules: list[Rule],
    date: dt.date,
    extra_services: list[dict[str, Any]] | None = None,
    variant: str | None = None,
) -> EngineInput:
    """The registry and indicators as the engine sees them on `date`.

    For a date after today, demand comes from projections where loaded (`variant` chooses
    one when several are loaded) and supply from the services active then (`_active_at`).

    Kreis-only figures of rules judged per Gemeinde are apportioned by population (marked
    estimated); language figures are given on the levels of the `languages` rules.
    `extra_services`: planned services added to the registry's (see `_append_planned`).
    """
    codes = {rule.demand_indicator for rule in rules} | {"population"}
    per_gemeinde = {r.demand_indicator for r in rules if r.level == Region.Level.GEMEINDE}
    language_levels = {r.level for r in rules if r.kind == Rule.Kind.LANGUAGES}
    regions, points, names, demo, reference, estimated, origins, projections = load_regions(
        codes, date, per_gemeinde, language_levels or {Region.Level.KREIS}, variant
    )
    index = {key: i for i, key in enumerate(regions.keys.tolist())}
    services, demo_types, service_reference = load_services(
        index, date, {rule.offer_type.code for rule in rules}, extra_services
    )
    return EngineInput(
        regions=regions,
        points=points,
        services=services,
        names=names,
        demo_indicators=demo,
        demo_offer_types=demo_types,
        estimated_indicators=estimated,
        edition_origins=origins,
        projections=projections,
        future=date > timezone.localdate(),
        reference={"indicators": reference, "registry": service_reference},
    )
