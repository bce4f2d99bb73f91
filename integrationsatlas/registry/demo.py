"""A deterministic demo registry for every Kreis of the Land: providers, services, sites, hours, funding.

Every row written here carries `is_demo=True` (and demo indicator values a source starting
"Demo:"), so pages, API responses and exports can label it. The same seed always yields the
same rows; loading again replaces the demo rows and leaves real data alone.
"""

from __future__ import annotations

import os
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal

import numpy as np
import shapely
from django.contrib.auth import get_user_model
from django.db import transaction
from shapely.geometry import shape

from integrationsatlas.regions.locate import gemeinde_keys_at
from integrationsatlas.regions.models import IndicatorValue, PostalCode, Region
from integrationsatlas.standards.models import OfferType

from .history import record_first_versions
from .models import (
    ChangeRequest,
    Funding,
    Location,
    Membership,
    Organization,
    Schedule,
    ScheduleException,
    Service,
    ServiceAtLocation,
)

DEFAULT_SEED = 2025
TARGET_SERVICES = 2000
CHANGE_REASON = "Demodaten (load-demo)"
DEMO_SOURCE_PREFIX = "Demo:"
COORDINATOR_KREIS = "14628"  # Sächsische Schweiz-Osterzgebirge

# Relative density per Kreis on top of its foreign population: the three cities are dense,
# some rural Kreise deliberately thin so that gaps show up in the planning face.
KREIS_DENSITY = {
    "14511": 1.2,  # Chemnitz
    "14612": 1.3,  # Dresden
    "14713": 1.3,  # Leipzig
    "14521": 0.45,  # Erzgebirgskreis: thin
    "14730": 0.5,  # Nordsachsen: thin
    "14626": 0.8,
}
# Offer types missing entirely in some Kreise, so presence rules find real gaps.
GAPS = {
    ("14521", "psychosocial"),
    ("14521", "recognition_counselling"),
    ("14730", "psychosocial"),
    ("14730", "language_mediation"),
    ("14523", "recognition_counselling"),
    ("14626", "housing_support"),
}
TYPE_WEIGHT = {
    "mbe": 1.0,
    "jmd": 0.8,
    "refugee_social_work": 1.2,
    "integration_course": 1.5,
    "job_language_course": 1.0,
    "language_cafe": 1.2,
    "recognition_counselling": 0.4,
    "housing_support": 0.6,
    "kita": 2.6,
    "library": 1.0,
    "sports_club": 1.4,
    "volunteering": 0.8,
    "participation": 0.35,
    "psychosocial": 0.35,
    "language_mediation": 0.5,
    "integration_coordination": 0.4,
}
# Types that are often offered by phone or online only, with a Kreis as service area.
REMOTE_TYPES = {"mbe", "psychosocial", "language_mediation", "recognition_counselling"}
CAPACITY = {  # unit -> (low, high, step)
    "fte": (0.5, 3.0, 0.25),
    "places": (15, 120, 5),
    "sites": (1, 1, 1),
    "hours_per_week": (4, 40, 2),
    "bodies": (1, 1, 1),
}
KITA_CAPACITY = (30, 180, 10)
TYPICAL_FUNDER = {
    "mbe": ("bund", "Bundesamt für Migration und Flüchtlinge", "MBE-Förderung"),
    "jmd": ("bund", "Bundesministerium für Familie", "Kinder- und Jugendplan"),
    "refugee_social_work": ("land", "Freistaat Sachsen", "Richtlinie Integrative Maßnahmen"),
    "integration_course": ("bund", "Bundesamt für Migration und Flüchtlinge", "Integrationskurs"),
    "job_language_course": ("bund", "Bundesamt für Migration und Flüchtlinge", "DeuFöV"),
    "language_cafe": ("land", "Freistaat Sachsen", "Richtlinie Integrative Maßnahmen"),
    "recognition_counselling": ("bund", "Bundesministerium für Arbeit", "IQ-Netzwerk"),
    "housing_support": ("kreis", "Landkreis", "Wohnungslotsen"),
    "kita": ("gemeinde", "Gemeinde", "Kita-Finanzierung"),
    "library": ("gemeinde", "Gemeinde", "Bibliotheksetat"),
    "sports_club": ("foundation", "Landessportbund", "Integration durch Sport"),
    "volunteering": ("land", "Freistaat Sachsen", "Ehrenamtsförderung"),
    "participation": ("kreis", "Landkreis", "Beiratsbudget"),
    "psychosocial": ("eu", "Europäische Union", "AMIF"),
    "language_mediation": ("kreis", "Landkreis", "Sprachmittlerpool"),
    "integration_coordination": ("land", "Freistaat Sachsen", "Kommunale Integrationskoordination"),
}
# Types whose funding is usually regular (no end date) in the demo.
REGULAR_FUNDING = {"kita", "library", "integration_course", "participation"}
LANGUAGES = ["en", "ar", "uk", "ru", "fa", "tr", "prs", "ti", "ku", "vi", "pl", "ro", "cs", "fr"]
LANGUAGE_WEIGHTS = np.array([10, 8, 8, 7, 5, 4, 3, 2, 3, 2, 2, 2, 1, 2], dtype=float)
TARGET_GROUPS = {
    "jmd": ["youth"],
    "kita": ["children", "families"],
    "mbe": ["adults"],
    "refugee_social_work": ["refugees"],
    "recognition_counselling": ["workers"],
}
ORG_NAMES = [
    "Verein Ankommen",
    "Bildungswerk Brücke",
    "Netzwerk Vielfalt",
    "Initiative Neue Nachbarn",
    "Stiftung Zusammenleben",
    "Familienzentrum Regenbogen",
    "Sportgemeinschaft Miteinander",
    "Beratungsstelle Wegweiser",
    "Sprachschule Weltoffen",
    "Kinderhaus Sonnenblume",
    "Nachbarschaftshaus Mitte",
    "Jugendwerk Perspektive",
]
STREETS = [
    "Hauptstraße",
    "Bahnhofstraße",
    "Schulstraße",
    "Gartenstraße",
    "Lindenstraße",
    "Marktplatz",
    "Kirchstraße",
    "Bergstraße",
    "Am Anger",
    "Dorfstraße",
    "Rosenweg",
    "Friedensstraße",
]
TRANSLATED = {
    "en": ("{type} (demo) in {place}", "Demo offer: {type} in {place}."),
    "ar": ("{type} في {place}", "عرض تجريبي: {type} في {place}."),
    "uk": ("{type} у {place}", "Демо-пропозиція: {type} у {place}."),
}


@dataclass
class DemoSummary:
    organizations: int = 0
    services: int = 0
    locations: int = 0
    schedules: int = 0
    fundings: int = 0
    indicator_values: int = 0
    language_values: int = 0
    per_kreis: dict[str, int] = field(default_factory=dict)
    users: dict[str, str] = field(default_factory=dict)  # username -> password (generated)


def demo_exists() -> bool:
    return Service.objects.filter(is_demo=True).exists()


def _wipe_demo_rows() -> None:
    """Delete the previous demo services, sites and their children; organizations are upserted.

    Raw deletes in dependency order: the Collector would fire one history signal per row,
    and demo rows need no deletion history.
    """
    services = Service.objects.filter(is_demo=True)
    sal = ServiceAtLocation.objects.filter(service__in=services)
    for queryset in (
        Schedule.objects.filter(service_at_location__in=sal),
        Schedule.objects.filter(service__in=services),
        ScheduleException.objects.filter(service_at_location__in=sal),
        ScheduleException.objects.filter(service__in=services),
        Funding.objects.filter(service__in=services),
        ChangeRequest.objects.filter(service__in=services),
        Service.service_area.through.objects.filter(service__in=services),
        sal,
    ):
        queryset._raw_delete(queryset.db)
    services._raw_delete(services.db)
    locations = Location.objects.filter(is_demo=True).exclude(service_at_locations__isnull=False)
    locations._raw_delete(locations.db)


def _rounded(rng: np.random.Generator, low: float, high: float, step: float) -> float:
    steps = int(round((high - low) / step))
    return float(low + step * int(rng.integers(0, steps + 1)))


def _schedule_rows(rng: np.random.Generator, code: str) -> list[tuple[int, time, time]]:
    """Weekly hours: a few weekday intervals, Saturdays for cafés and sports now and then."""
    days = sorted(rng.choice([1, 2, 3, 4, 5], size=int(rng.integers(2, 5)), replace=False))
    rows = []
    for day in days:
        if rng.random() < 0.6:
            start = int(rng.choice([8, 9, 10]))
            rows.append((int(day), time(start), time(start + int(rng.integers(2, 5)))))
        if rng.random() < 0.5 or not rows or rows[-1][0] != day:
            start = int(rng.choice([13, 14, 15]))
            rows.append((int(day), time(start), time(start + int(rng.integers(2, 4)))))
    if code in {"language_cafe", "sports_club", "library"} and rng.random() < 0.4:
        rows.append((6, time(10), time(13)))
    return rows


def _place_points(
    rng: np.random.Generator, gemeinde: Region, geometry, count: int
) -> list[tuple[float, float]]:
    """Points inside the Gemeinde: jitter around its representative point, keep those inside."""
    radius = max(0.004, min(0.05, np.sqrt(gemeinde.area_km2 or 10.0) / 250.0))
    points: list[tuple[float, float]] = []
    for _attempt in range(8):
        lons = gemeinde.point_lon + rng.normal(0, radius, size=count * 2)
        lats = gemeinde.point_lat + rng.normal(0, radius * 0.65, size=count * 2)
        inside = shapely.contains_xy(geometry, lons, lats)
        points += [
            (round(float(x), 6), round(float(y), 6))
            for x, y, ok in zip(lons, lats, inside, strict=True)
            if ok
        ]
        if len(points) >= count:
            return points[:count]
        radius /= 2
    return (points + [(gemeinde.point_lon, gemeinde.point_lat)] * count)[:count]


def _demo_children(population_by_ags: dict[str, float], rng: np.random.Generator) -> int:
    """Demo `children_under_6` per Gemeinde, Kreis and Land (unless real values exist)."""
    if IndicatorValue.objects.filter(code="children_under_6", is_demo=False).exists():
        return 0
    reference = IndicatorValue.objects.filter(code="population").order_by("-reference_date").first()
    reference_date = reference.reference_date if reference else date(2023, 12, 31)
    source = (
        f"{DEMO_SOURCE_PREFIX} geschätzt als rund 5 % der Einwohnerzahl, "
        "keine amtliche Zahl (Integrationsatlas load-demo)"
    )
    values: dict[str, float] = defaultdict(float)
    for ags in sorted(a for a in population_by_ags if len(a) == 8):
        value = round(population_by_ags[ags] * float(rng.uniform(0.042, 0.058)))
        values[ags] = value
        values[ags[:5]] += value
        values[ags[:2]] += value
    known = set(Region.objects.values_list("ags", flat=True))
    rows = [
        IndicatorValue(
            region_id=ags,
            code="children_under_6",
            reference_date=reference_date,
            value=float(value),
            source=source,
            is_demo=True,
        )
        for ags, value in sorted(values.items())
        if ags in known
    ]
    IndicatorValue.objects.filter(code="children_under_6", is_demo=True).delete()
    IndicatorValue.objects.bulk_create(rows, batch_size=500)
    return len(rows)


#: Illustrative main-language shares of the foreign population for the demo `languages`
#: figures (not measured; the rest, about 15 %, stands for languages not listed).
DEMO_LANGUAGE_SHARES = {
    "uk": 0.20,
    "ar": 0.10,
    "ru": 0.08,
    "pl": 0.07,
    "ro": 0.06,
    "vi": 0.06,
    "tr": 0.05,
    "fa": 0.05,
    "en": 0.04,
    "cs": 0.04,
    "ku": 0.03,
    "prs": 0.03,
    "ti": 0.02,
    "fr": 0.02,
}
LANGUAGE_PREFIX = "foreign_language_"


def _demo_languages() -> int:
    """Demo `foreign_language_<iso>` per Kreis: the real foreign population times fixed shares.

    There is no open official figure of the foreign population by main language per Kreis;
    these stand in so the `languages` rule can be shown. Real figures (is_demo=False) for a
    code leave that code alone; loading again replaces only demo rows.
    """
    real = set(
        IndicatorValue.objects.filter(code__startswith=LANGUAGE_PREFIX, is_demo=False)
        .values_list("code", flat=True)
        .distinct()
    )
    newest: dict[str, IndicatorValue] = {}
    for value in IndicatorValue.objects.filter(
        code="foreign_population", region__level=Region.Level.KREIS
    ).order_by("reference_date"):
        newest[value.region_id] = value
    shares = ", ".join(f"{code} {share:.0%}" for code, share in DEMO_LANGUAGE_SHARES.items())
    rows = [
        IndicatorValue(
            region_id=ags,
            code=f"{LANGUAGE_PREFIX}{code}",
            reference_date=foreign.reference_date,
            value=float(round(foreign.value * share)),
            source=(
                f"{DEMO_SOURCE_PREFIX} ausländische Einwohner (foreign_population) mal feste "
                f"Beispielanteile je Hauptsprache ({shares}; übrige Sprachen nicht aufgeführt), "
                "keine amtliche Zahl (Integrationsatlas load-demo)"
            ),
            is_demo=True,
        )
        for ags, foreign in sorted(newest.items())
        for code, share in DEMO_LANGUAGE_SHARES.items()
        if f"{LANGUAGE_PREFIX}{code}" not in real
    ]
    IndicatorValue.objects.filter(code__startswith=LANGUAGE_PREFIX, is_demo=True).delete()
    IndicatorValue.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def _bulk(model, objs: list, reason: str = CHANGE_REASON) -> list:
    """bulk_create plus one history row per object ("+" = created), in batches."""
    created = model.objects.bulk_create(objs, batch_size=500)
    model.history.bulk_history_create(created, batch_size=500, default_change_reason=reason)
    return created


def _organizations(kreise: list[Region], org_count: dict[str, int]) -> dict[str, list]:
    """Upsert demo providers by external id; memberships pointing at them survive a reload."""
    existing = {o.external_id: o for o in Organization.objects.filter(is_demo=True)}
    wanted: dict[str, list[Organization]] = {}
    new: list[Organization] = []
    for kreis in kreise:
        wanted[kreis.ags] = []
        for n in range(org_count[kreis.ags]):
            external_id = f"demo-org-{kreis.ags}-{n + 1:02d}"
            name = f"{ORG_NAMES[n % len(ORG_NAMES)]} {kreis.name}"
            slug = external_id.removeprefix("demo-org-")
            fields = {
                "name": name,
                "description": "Demo-Träger: erfundene Daten zum Ausprobieren.",
                "email": f"kontakt-{slug}@demo.integrationsatlas.invalid",
                "is_demo": True,
                "is_deleted": False,
            }
            org = existing.pop(external_id, None)
            if org is None:
                org = Organization(external_id=external_id, **fields)
                new.append(org)
            else:
                for key, value in fields.items():
                    setattr(org, key, value)
                org.save()
            wanted[kreis.ags].append(org)
    if new:
        _bulk(Organization, new)
    for stale in existing.values():  # fewer Kreise or another seed: mark old ones deleted
        if not stale.services.exists():
            Membership.objects.filter(organization=stale).delete()
            stale.delete()
    return wanted


def _type_counts(
    rng: np.random.Generator,
    kreise: list[Region],
    types: list[OfferType],
    foreign: dict,
    target: int,
) -> dict[tuple[str, str], int]:
    weights = np.array(
        [
            np.sqrt(max(foreign.get(k.ags, 1000.0), 1.0)) * KREIS_DENSITY.get(k.ags, 1.0)
            for k in kreise
        ]
    )
    type_weights = np.array([TYPE_WEIGHT.get(t.code, 0.8) for t in types])
    expected = np.outer(weights / weights.sum(), type_weights / type_weights.sum())
    expected *= target
    counts = {}
    for i, kreis in enumerate(kreise):
        for j, offer_type in enumerate(types):
            if (kreis.ags, offer_type.code) in GAPS:
                counts[(kreis.ags, offer_type.code)] = 0
            else:
                counts[(kreis.ags, offer_type.code)] = max(1, int(rng.poisson(expected[i, j])))
    return counts


@transaction.atomic
def load_demo(seed: int = DEFAULT_SEED, target: int = TARGET_SERVICES) -> DemoSummary:
    """Replace the demo registry with the one this seed generates; real rows are not touched.

    `target` is the approximate number of services (tests use fewer for speed).
    """
    rng = np.random.default_rng(seed)
    summary = DemoSummary()
    kreise = list(Region.objects.filter(level=Region.Level.KREIS).order_by("ags"))
    types = list(OfferType.objects.filter(is_active=True).order_by("sort_order", "code"))
    if not kreise or not types:
        raise ValueError(
            "Keine Regionen oder Angebotsarten geladen: zuerst `integrationsatlas load-regions` "
            "und `integrationsatlas load-offer-types` ausführen."
        )
    gemeinden = list(
        Region.objects.filter(level=Region.Level.GEMEINDE, boundary__isnull=False).order_by("ags")
    )
    population = {
        v.region_id: v.value
        for v in IndicatorValue.objects.filter(code="population").order_by("reference_date")
    }
    foreign = {
        v.region_id: v.value
        for v in IndicatorValue.objects.filter(code="foreign_population").order_by("reference_date")
    }
    postal: dict[str, list[str]] = defaultdict(list)
    for code, ags in PostalCode.gemeinden.through.objects.order_by(
        "postalcode_id", "region_id"
    ).values_list("postalcode_id", "region_id"):
        postal[ags].append(code)
    by_kreis: dict[str, list[Region]] = defaultdict(list)
    for g in gemeinden:
        by_kreis[g.ags[:5]].append(g)

    _wipe_demo_rows()
    counts = _type_counts(rng, kreise, types, foreign, target)
    org_count = {
        k.ags: min(len(ORG_NAMES), 3 + sum(counts[(k.ags, t.code)] for t in types) // 25)
        for k in kreise
    }
    orgs = _organizations(kreise, org_count)
    summary.organizations = sum(len(v) for v in orgs.values())

    services: list[Service] = []
    plans: list[dict] = []  # per service: its sites, hours, fundings, area (parallel to services)
    number = 0
    for kreis in kreise:
        members = by_kreis[kreis.ags]
        if not members:
            continue
        pop = np.array([population.get(g.ags, 1000.0) for g in members])
        # Larger places get more offers, but not linearly: villages still get some.
        p = pop**0.8 / (pop**0.8).sum()
        for offer_type in types:
            n = counts[(kreis.ags, offer_type.code)]
            summary.per_kreis[kreis.ags] = summary.per_kreis.get(kreis.ags, 0) + n
            for _ in range(n):
                number += 1
                gemeinde = members[int(rng.choice(len(members), p=p))]
                org = orgs[kreis.ags][int(rng.integers(0, len(orgs[kreis.ags])))]
                remote = offer_type.code in REMOTE_TYPES and rng.random() < 0.2
                low, high, step = (
                    KITA_CAPACITY if offer_type.code == "kita" else CAPACITY[offer_type.unit]
                )
                type_name = offer_type.name_in("de")
                place = kreis.name if remote else gemeinde.name
                languages = ["de"]
                extra = int(rng.choice([0, 1, 1, 2, 2, 3, 4]))
                if extra:
                    chosen = rng.choice(
                        len(LANGUAGES),
                        size=extra,
                        replace=False,
                        p=LANGUAGE_WEIGHTS / LANGUAGE_WEIGHTS.sum(),
                    )
                    languages += [LANGUAGES[i] for i in sorted(chosen)]
                translations = {}
                if rng.random() < 0.06:
                    for lang, (name_t, desc_t) in TRANSLATED.items():
                        translations[lang] = {
                            "name": name_t.format(type=offer_type.name_in(lang), place=place),
                            "description": desc_t.format(
                                type=offer_type.name_in(lang), place=place
                            ),
                        }
                status = Service.Status.PLANNED if rng.random() < 0.03 else Service.Status.ACTIVE
                services.append(
                    Service(
                        external_id=f"demo-svc-{number:05d}",
                        organization=org,
                        offer_type=offer_type,
                        name=f"{type_name} {place}" + (" (telefonisch/online)" if remote else ""),
                        description=(
                            f"Demo-Angebot: {type_name} in {place}. "
                            "Erfundene Daten zum Ausprobieren des Integrationsatlas."
                        ),
                        translations=translations,
                        target_groups=TARGET_GROUPS.get(offer_type.code, ["all"]),
                        languages=languages,
                        is_free=offer_type.code not in {"sports_club", "kita"},
                        fee_description=(
                            "Mitgliedsbeitrag, ermäßigt möglich"
                            if offer_type.code == "sports_club"
                            else ("Elternbeitrag nach Satzung" if offer_type.code == "kita" else "")
                        ),
                        status=status,
                        capacity=_rounded(rng, low, high, step),
                        email=f"angebot-{number:05d}@demo.integrationsatlas.invalid",
                        phone=f"+49 351 {100000 + number}",
                        by_phone=remote or rng.random() < 0.3,
                        online=remote and rng.random() < 0.6,
                        is_demo=True,
                        is_published=True,
                    )
                )
                site_count = 0 if remote else (2 if rng.random() < 0.08 else 1)
                level, funder, programme = TYPICAL_FUNDER.get(
                    offer_type.code, ("land", "Freistaat Sachsen", "Förderprogramm")
                )
                funder = funder.replace("Landkreis", kreis.name).replace("Gemeinde", gemeinde.name)
                regular = offer_type.code in REGULAR_FUNDING and rng.random() < 0.8
                if regular or rng.random() < 0.12:
                    end = None
                else:
                    year = int(rng.choice(np.arange(2025, 2032), p=_END_YEAR_P))
                    end = _month_end(year, int(rng.choice([3, 6, 12, 12, 12])))
                start = date(int(rng.integers(2016, 2025)), 1, 1)
                fundings = [(level, funder, programme, start, end, 1.0)]
                if end is not None and rng.random() < 0.3:
                    fundings = [
                        (level, funder, programme, start, end, 0.7),
                        ("own", org.name, "Eigenmittel", start, None, 0.3),
                    ]
                plans.append(
                    {
                        "gemeinde": gemeinde,
                        "sites": site_count,
                        "remote_area": kreis.ags if remote else None,
                        "hours": [_schedule_rows(rng, offer_type.code) for _ in range(site_count)]
                        if site_count
                        else [_schedule_rows(rng, offer_type.code)],
                        "fundings": fundings,
                        "capacity": services[-1].capacity,
                    }
                )

    services = _bulk(Service, services)
    summary.services = len(services)

    # Sites, all Gemeinden at once: sample inside each polygon, check with shapely.
    geometry_cache: dict[str, object] = {}
    wanted_points: dict[str, int] = defaultdict(int)
    for plan in plans:
        wanted_points[plan["gemeinde"].ags] += plan["sites"]
    points: dict[str, list[tuple[float, float]]] = {}
    for g in gemeinden:
        if wanted_points.get(g.ags):
            geometry_cache[g.ags] = shape(g.boundary)
            shapely.prepare(geometry_cache[g.ags])
            points[g.ags] = _place_points(rng, g, geometry_cache[g.ags], wanted_points[g.ags])
    cursor: dict[str, int] = defaultdict(int)
    locations: list[Location] = []
    owners: list[int] = []  # index into services for each location
    for index, (service, plan) in enumerate(zip(services, plans, strict=True)):
        g = plan["gemeinde"]
        for _ in range(plan["sites"]):
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
    locations = _bulk(Location, locations)
    summary.locations = len(locations)

    sals = _bulk(
        ServiceAtLocation,
        [
            ServiceAtLocation(service=services[owner], location=loc)
            for owner, loc in zip(owners, locations, strict=True)
        ],
    )
    schedules: list[Schedule] = []
    site_counter: dict[int, int] = defaultdict(int)
    for owner, sal in zip(owners, sals, strict=True):
        hours = plans[owner]["hours"][site_counter[owner]]
        site_counter[owner] += 1
        schedules += [
            Schedule(service_at_location=sal, weekday=d, opens_at=o, closes_at=c)
            for d, o, c in hours
        ]
    area_rows = []
    fundings: list[Funding] = []
    for service, plan in zip(services, plans, strict=True):
        if plan["remote_area"]:
            area_rows.append(
                Service.service_area.through(service_id=service.pk, region_id=plan["remote_area"])
            )
            schedules += [
                Schedule(service=service, weekday=d, opens_at=o, closes_at=c)
                for d, o, c in plan["hours"][0]
            ]
        for level, funder, programme, start, end, share in plan["fundings"]:
            cost = 70000 if service.offer_type.unit == "fte" else 900
            amount = Decimal(round((plan["capacity"] or 1) * cost * share, -2)).quantize(
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
    Service.service_area.through.objects.bulk_create(area_rows, batch_size=500)
    summary.schedules = len(_bulk(Schedule, schedules))
    summary.fundings = len(_bulk(Funding, fundings))
    # The loaded state is the first version: shown in the history and restorable.
    record_first_versions(service.pk for service in services)
    summary.indicator_values = _demo_children(population, rng)
    summary.language_values = _demo_languages()
    return summary


# End years of time-limited funding: more ending soon, so the funding cliff is visible.
_END_YEAR_P = np.array([0.10, 0.22, 0.20, 0.16, 0.13, 0.10, 0.09])
_END_YEAR_P = _END_YEAR_P / _END_YEAR_P.sum()


def _month_end(year: int, month: int) -> date:
    if month == 12:
        return date(year, 12, 31)
    return date.fromordinal(date(year, month + 1, 1).toordinal() - 1)


DEMO_USERS = {
    "demo-traeger": Membership.Role.PROVIDER,
    "demo-koordination": Membership.Role.COORDINATOR,
    "demo-admin": Membership.Role.STATE_ADMIN,
}


@transaction.atomic
def create_demo_users(password: str | None = None) -> dict[str, str]:
    """The three demo accounts with their roles; returns {username: password}.

    The password comes from the argument, else env DEMO_PASSWORD, else is generated.
    """
    password = password or os.environ.get("DEMO_PASSWORD") or secrets.token_urlsafe(12)
    user_model = get_user_model()
    organization = (
        Organization.objects.filter(
            is_demo=True, external_id__startswith=f"demo-org-{COORDINATOR_KREIS}"
        )
        .order_by("external_id")
        .first()
    )
    if organization is None:
        raise ValueError("Keine Demo-Träger vorhanden: zuerst `integrationsatlas load-demo`.")
    result = {}
    for username, role in DEMO_USERS.items():
        user, _ = user_model.objects.get_or_create(username=username)
        user.set_password(password)
        user.is_staff = role == Membership.Role.STATE_ADMIN
        user.save()
        Membership.objects.filter(user=user).delete()
        Membership.objects.create(
            user=user,
            role=role,
            organization=organization if role == Membership.Role.PROVIDER else None,
            region_id=COORDINATOR_KREIS if role == Membership.Role.COORDINATOR else None,
        )
        result[username] = password
    return result
