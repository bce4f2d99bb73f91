"""Services as the engine sees them on a date: one entry per site (engine side of the boundary).

Registry rows (published services, their sites, schedules valid on the date, service areas,
languages, target groups, fundings) and planned services of a scenario become the engine's
`Services` arrays, without touching the registry.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import Q
from django.utils import timezone

from integrationsatlas.analysis.assess import Services
from integrationsatlas.regions.locate import gemeinde_keys_at
from integrationsatlas.regions.models import Region
from integrationsatlas.registry.models import Funding, Schedule, Service, ServiceAtLocation
from integrationsatlas.taxonomy.target_groups import effective_groups


def _hours(intervals: list[tuple[dt.time, dt.time]]) -> float:
    return sum((c.hour * 60 + c.minute - o.hour * 60 - o.minute) / 60.0 for o, c in intervals)


def _valid_at(date: dt.date) -> Q:
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=date)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=date)
    )


@dataclass
class _Related:
    """The rows around a set of services, keyed by service (or site) id."""

    sites: dict[int, list[tuple[int, Any]]] = field(default_factory=lambda: defaultdict(list))
    site_hours: dict[int, list] = field(default_factory=lambda: defaultdict(list))
    remote_hours: dict[int, list] = field(default_factory=lambda: defaultdict(list))
    areas: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    fundings: dict[int, list] = field(default_factory=lambda: defaultdict(list))
    starts: dict[int, list] = field(default_factory=lambda: defaultdict(list))
    groups: dict[int, list] = field(default_factory=dict)


def _related(ids: list[int], date: dt.date, region_index: dict[str, int]) -> _Related:
    related = _Related()
    related.groups = dict(Service.objects.filter(pk__in=ids).values_list("pk", "target_groups"))
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
        related.sites[service_id].append((sal_id, location))
    schedules = Schedule.objects.filter(_valid_at(date)).filter(
        Q(service_at_location__service_id__in=ids) | Q(service_id__in=ids)
    )
    for sal_id, service_id, opens, closes in schedules.values_list(
        "service_at_location_id", "service_id", "opens_at", "closes_at"
    ):
        if sal_id:
            related.site_hours[sal_id].append((opens, closes))
        else:
            related.remote_hours[service_id].append((opens, closes))
    through = Service.service_area.through
    for service_id, ags in through.objects.filter(service_id__in=ids).values_list(
        "service_id", "region_id"
    ):
        if ags in region_index:
            related.areas[service_id].append(region_index[ags])
    for service_id, share, end, level, start in Funding.objects.filter(
        service_id__in=ids
    ).values_list("service_id", "share", "end", "funder_level", "start"):
        related.fundings[service_id].append((share, end, level))
        related.starts[service_id].append(start)
    return related


def _append_links(cols: dict[str, list], row: int, links: dict[str, list]) -> None:
    """The service's list-valued facts as (row, value) pairs: areas, languages, groups, funds."""
    for region in links.get("areas", []):
        cols["area_service"].append(row)
        cols["area_region"].append(region)
    for code in links.get("languages", []):
        cols["language_service"].append(row)
        cols["language_code"].append(str(code))
    # Spelled out (adults of every origin, refugees of every age): the finder's rule.
    for group in effective_groups(links.get("groups", [])):
        cols["group_service"].append(row)
        cols["group_code"].append(str(group))
    for share, end, level in links.get("fundings", []):
        cols["fund_service"].append(row)
        cols["fund_share"].append(share)
        cols["fund_end"].append(np.datetime64(end, "D") if end else np.datetime64("NaT"))
        cols["fund_level"].append(level)


def _site_columns(
    services: list[tuple], related: _Related, region_index: dict[str, int], date: dt.date
) -> tuple[dict[str, list], set[str]]:
    """One engine row per site; a service's capacity is split evenly over its sites."""
    future = date > timezone.localdate()
    cols: dict[str, list] = defaultdict(list)
    demo_types: set[str] = set()
    for pk, type_code, service_capacity, service_status, is_demo, languages in services:
        places = related.sites.get(pk) or [(None, None)]
        capacity = math.nan if service_capacity is None else service_capacity / len(places)
        if is_demo:
            demo_types.add(type_code)
        fundings = related.fundings.get(pk, [])
        active = _active_at(service_status, fundings, related.starts.get(pk, []), date, future)
        links = {
            "areas": related.areas.get(pk, []),
            "languages": languages or [],
            "groups": related.groups.get(pk) or [],
            "fundings": fundings,
        }
        for sal_id, location in places:
            row = len(cols["offer_type"])
            cols["offer_type"].append(type_code)
            if location is None:
                lon, lat, region = math.nan, math.nan, -1
                intervals = related.remote_hours.get(pk, [])
            else:
                lon, lat, gemeinde = location
                region = region_index.get(gemeinde or "", -1)
                intervals = related.site_hours.get(sal_id, [])
            cols["lon"].append(math.nan if lon is None else lon)
            cols["lat"].append(math.nan if lat is None else lat)
            cols["region"].append(region)
            cols["capacity"].append(capacity)
            cols["active"].append(active)
            cols["weekly_hours"].append(_hours(intervals) if intervals else math.nan)
            _append_links(cols, row, links)
    return cols, demo_types


def _future_counts(services: list[tuple], related: _Related, date: dt.date) -> dict[str, int]:
    """For a later date: planned services counted then, active ones whose funding has ended."""
    counted = {"planned_counted": 0, "ended_by_funding": 0}
    for pk, _type, _cap, service_status, *_rest in services:
        active = _active_at(
            service_status, related.fundings.get(pk, []), related.starts.get(pk, []), date, True
        )
        if active and service_status == Service.Status.PLANNED:
            counted["planned_counted"] += 1
        if not active and service_status == Service.Status.ACTIVE:
            counted["ended_by_funding"] += 1
    return counted


#: Engine column -> dtype of its array.
_DTYPES: dict[str, Any] = {
    "offer_type": np.str_,
    "lon": np.float64,
    "lat": np.float64,
    "region": np.int64,
    "capacity": np.float64,
    "active": bool,
    "weekly_hours": np.float64,
    "area_service": np.int64,
    "area_region": np.int64,
    "language_service": np.int64,
    "language_code": np.str_,
    "fund_service": np.int64,
    "fund_share": np.float64,
    "fund_end": "datetime64[D]",
    "fund_level": np.str_,
    "group_service": np.int64,
    "group_code": np.str_,
}


def service_arrays(
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
    related = _related([s[0] for s in services], date, region_index)
    cols, demo_types = _site_columns(services, related, region_index, date)
    planned = _append_planned(cols, extra_services or [], region_index, date)
    engine_services = Services(
        **{name: np.array(cols[name], dtype=dtype) for name, dtype in _DTYPES.items()}
    )
    reference: dict[str, Any] = {
        "services": len(services),
        "sites": len(cols["offer_type"]),
        "demo_services": sum(1 for s in services if s[4]),
    }
    if planned:
        reference["planned_services"] = planned
    if date > timezone.localdate():
        reference["future"] = _future_counts(services, related, date)
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
        links = {
            "areas": [
                region_index[r]
                for r in [*area, *(entry.get("service_area") or [])]
                if r in region_index
            ],
            "languages": entry.get("languages") or [],
            "groups": entry.get("target_groups") or [],
            "fundings": funding_rows,
        }
        _append_links(cols, row, links)
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
