"""Turn planned demo services into registry rows: services, sites, schedules, service areas, funding."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import numpy as np
import shapely
from shapely.geometry import shape

from integrationsatlas.regions.locate import gemeinde_keys_at
from integrationsatlas.regions.models import Region

from ..history import copy_to_history, record_service_areas, write_snapshots
from ..models import Funding, Location, Organization, Schedule, Service, ServiceAtLocation
from ..snapshot import FUNDING_ORDER, SCHEDULE_ORDER, in_snapshot_order, snapshot_of
from .funding import funding_rows
from .names import STREETS, fiction_phone, service_texts
from .places import place_points, schedule_rows
from .plan import ServicePlan

CHANGE_REASON = "Demodaten (load-demo)"
LANGUAGES = ["en", "ar", "uk", "ru", "fa", "tr", "prs", "ti", "ku", "vi", "pl", "ro", "cs", "fr"]
LANGUAGE_WEIGHTS = np.array([10, 8, 8, 7, 5, 4, 3, 2, 3, 2, 2, 2, 1, 2], dtype=float)
TARGET_GROUPS = {
    "jmd": ["youth"],
    "kita": ["children", "families"],
    "mbe": ["adults"],
    "refugee_social_work": ["refugees"],
    "recognition_counselling": ["workers"],
}
FEES = {"sports_club": "Mitgliedsbeitrag, ermäßigt möglich", "kita": "Elternbeitrag nach Satzung"}


def bulk(model, objs: list, reason: str = CHANGE_REASON) -> list:
    """bulk_create plus one history row per object ("+" = created), in batches."""
    created = model.objects.bulk_create(objs, batch_size=500)
    copy_to_history(model, [obj.pk for obj in created], reason)
    return created


def _languages(rng: np.random.Generator) -> list[str]:
    extra = int(rng.choice([0, 1, 1, 2, 2, 3, 4]))
    if not extra:
        return ["de"]
    p = LANGUAGE_WEIGHTS / LANGUAGE_WEIGHTS.sum()
    chosen = rng.choice(len(LANGUAGES), size=extra, replace=False, p=p)
    return ["de"] + [LANGUAGES[i] for i in sorted(chosen)]


def service_row(plan: ServicePlan, number: int, org: Organization, rng) -> Service:
    """One demo service: its names in every finder language carry "(Demo)"."""
    code = plan.offer_type.code
    place = plan.kreis.name if plan.remote else plan.gemeinde.name
    texts = service_texts(plan.offer_type.names or {}, place, plan.remote)
    german = texts.pop("de")
    status = Service.Status.PLANNED if rng.random() < 0.03 else Service.Status.ACTIVE
    return Service(
        external_id=f"demo-svc-{number:05d}",
        organization=org,
        offer_type=plan.offer_type,
        name=german["name"],
        description=german["description"],
        translations=texts,
        target_groups=TARGET_GROUPS.get(code, ["all"]),
        languages=_languages(rng),
        is_free=code not in FEES,
        fee_description=FEES.get(code, ""),
        status=status,
        capacity=plan.capacity,
        email=f"angebot-{number:05d}@demo.integrationsatlas.invalid",
        phone=fiction_phone(number),
        by_phone=plan.remote or rng.random() < 0.3,
        online=plan.remote and rng.random() < 0.6,
        is_demo=True,
        is_published=True,
    )


def site_points(
    rng: np.random.Generator, plans: list[ServicePlan], sites: list[int]
) -> dict[str, list[tuple[float, float]]]:
    """All wanted sites per Gemeinde at once: sampled inside each polygon, checked with shapely."""
    wanted: dict[str, int] = defaultdict(int)
    members: dict[str, Region] = {}
    for plan, count in zip(plans, sites, strict=True):
        wanted[plan.gemeinde.ags] += count
        members[plan.gemeinde.ags] = plan.gemeinde
    points = {}
    for ags in sorted(wanted):
        if wanted[ags]:
            geometry = shape(members[ags].boundary)
            shapely.prepare(geometry)
            points[ags] = place_points(rng, members[ags], geometry, wanted[ags])
    return points


def location_rows(
    rng, services: list[Service], plans: list[ServicePlan], sites: list[int], postal: dict
) -> tuple[list[Location], list[int]]:
    """The sites of every service and, parallel, the index of the service each belongs to."""
    points = site_points(rng, plans, sites)
    cursor: dict[str, int] = defaultdict(int)
    locations: list[Location] = []
    owners: list[int] = []
    for index, (service, plan, count) in enumerate(zip(services, plans, sites, strict=True)):
        g = plan.gemeinde
        for _ in range(count):
            lon, lat = points[g.ags][cursor[g.ags]]
            cursor[g.ags] += 1
            codes = postal.get(g.ags) or ["01000"]
            locations.append(
                Location(
                    external_id=f"demo-loc-{len(locations) + 1:05d}",
                    organization_id=service.organization_id,
                    name=service.organization.name,
                    address=f"{STREETS[int(rng.integers(0, len(STREETS)))]} "
                    f"{int(rng.integers(1, 80))}",
                    postal_code=codes[int(rng.integers(0, len(codes)))],
                    city=g.name,
                    longitude=lon,
                    latitude=lat,
                    wheelchair_accessible=bool(rng.random() < 0.55),
                    is_demo=True,
                )
            )
            owners.append(index)
    keys = gemeinde_keys_at(
        np.array([loc.longitude for loc in locations]),
        np.array([loc.latitude for loc in locations]),
    )
    for loc, key in zip(locations, keys, strict=True):
        loc.gemeinde_id = key
    return locations, owners


def schedule_objects(
    links: list[ServiceAtLocation], owners: list[int], services: list[Service], plans, hours
) -> tuple[list[list[Schedule]], list[list[Schedule]]]:
    """Hours per site and, per service, its own hours when it has no site (remote ones)."""
    per_site: list[list[Schedule]] = []
    site_counter: dict[int, int] = defaultdict(int)
    for owner, link in zip(owners, links, strict=True):
        rows = hours[owner][site_counter[owner]]
        site_counter[owner] += 1
        per_site.append(
            [
                Schedule(service_at_location=link, weekday=d, opens_at=o, closes_at=c)
                for d, o, c in rows
            ]
        )
    remote = [
        [Schedule(service=service, weekday=d, opens_at=o, closes_at=c) for d, o, c in rows[0]]
        if plan.remote
        else []
        for service, plan, rows in zip(services, plans, hours, strict=True)
    ]
    return per_site, remote


def funding_objects(rng, services: list[Service], plans: list[ServicePlan]) -> list[Funding]:
    fundings = []
    for service, plan in zip(services, plans, strict=True):
        rows = funding_rows(
            rng,
            plan.offer_type.code,
            plan.kreis.name,
            plan.gemeinde.name,
            service.organization.name,
        )
        cost = 70000 if plan.offer_type.unit == "fte" else 900
        for level, funder, programme, start, end, share in rows:
            amount = Decimal(round((plan.capacity or 1) * cost * share, -2)).quantize(
                Decimal("0.01")
            )
            fundings.append(
                Funding(
                    service=service,
                    funder_level=level,
                    funder_name=funder,
                    programme=programme,
                    amount_per_year=amount,
                    share=share,
                    start=start,
                    end=end,
                )
            )
    return fundings


def first_snapshots(
    services: list[Service],
    plans: list[ServicePlan],
    links: list[ServiceAtLocation],
    owners: list[int],
    site_hours: list[list[Schedule]],
    remote_hours: list[list[Schedule]],
    fundings: list[Funding],
) -> list[dict]:
    """Each service's snapshot from the rows built here, as `service_snapshot` would read them."""
    sites: list[list] = [[] for _ in services]
    for owner, link, schedules in zip(owners, links, site_hours, strict=True):
        sites[owner].append((link.location, in_snapshot_order(schedules, SCHEDULE_ORDER), []))
    funded: list[list[Funding]] = [[] for _ in services]
    index = {id(service): n for n, service in enumerate(services)}
    for funding in fundings:
        funded[index[id(funding.service)]].append(funding)
    return [
        snapshot_of(
            service,
            [plan.kreis.ags] if plan.remote else [],
            sites[n],
            in_snapshot_order(remote_hours[n], SCHEDULE_ORDER),
            [],
            in_snapshot_order(funded[n], FUNDING_ORDER),
        )
        for n, (service, plan) in enumerate(zip(services, plans, strict=True))
    ]


def write_services(rng, plans: list[ServicePlan], orgs: dict[str, list], postal: dict) -> dict:
    """Write every planned service with its sites, hours, areas and funding; returns counts.

    Every row is built first, so each service's snapshot (its first version) comes from these
    objects and is stored before the service rows are copied into the history: nothing is read
    back, and the history rows need no update.
    """
    services = []
    for number, plan in enumerate(plans, start=1):
        members = orgs[plan.kreis.ags]
        org = members[int(rng.integers(0, len(members)))]
        services.append(service_row(plan, number, org, rng))
    sites = [0 if p.remote else (2 if rng.random() < 0.08 else 1) for p in plans]
    hours = [
        [schedule_rows(rng, p.offer_type.code) for _ in range(max(count, 1))]
        for p, count in zip(plans, sites, strict=True)
    ]
    locations, owners = location_rows(rng, services, plans, sites, postal)
    fundings = funding_objects(rng, services, plans)
    links = [
        ServiceAtLocation(service=services[owner], location=loc)
        for owner, loc in zip(owners, locations, strict=True)
    ]
    site_hours, remote_hours = schedule_objects(links, owners, services, plans, hours)
    bulk(Location, locations)  # the snapshot names the sites' ids
    # Stored after the insert, not with it: PostgreSQL's bulk insert sends each column as one
    # array whose text quoting of every '"' in 3,700 JSON snapshots took seconds.
    Service.objects.bulk_create(services, batch_size=500)
    snapshots = first_snapshots(services, plans, links, owners, site_hours, remote_hours, fundings)
    write_snapshots(
        Service, {s.pk: snapshot for s, snapshot in zip(services, snapshots, strict=True)}
    )
    copy_to_history(Service, [service.pk for service in services], CHANGE_REASON)
    bulk(ServiceAtLocation, links)
    schedules = [s for rows in site_hours for s in rows] + [
        s for rows in remote_hours for s in rows
    ]
    areas = [
        Service.service_area.through(service_id=service.pk, region_id=plan.kreis.ags)
        for service, plan in zip(services, plans, strict=True)
        if plan.remote
    ]
    Service.service_area.through.objects.bulk_create(areas, batch_size=500)
    record_service_areas(area.service_id for area in areas)
    return {
        "services": len(services),
        "locations": len(locations),
        "schedules": len(bulk(Schedule, schedules)),
        "fundings": len(bulk(Funding, fundings)),
    }
