"""`load_demo`: replace the demo registry with the one a seed generates; real rows stay untouched.

Steps: read regions and demand figures, delete the previous demo rows, plan services per
Kreis and offer type (`plan`, scaled to published figures in `scale`), upsert the demo
providers, write the rows (`rows`), then the demo indicators that have no real source.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.db import transaction

from integrationsatlas.regions.models import IndicatorValue, PostalCode, Region
from integrationsatlas.taxonomy.models import OfferType

from ..models import (
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
from .indicators import demo_children, demo_languages
from .names import ORG_NAMES, organization_name
from .plan import DemandData, ServicePlan, plan_services
from .rows import bulk, write_services

DEFAULT_SEED = 2025


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


def _organizations(kreise: list[Region], org_count: dict[str, int]) -> dict[str, list]:
    """Upsert demo providers by external id; memberships pointing at them survive a reload."""
    existing = {o.external_id: o for o in Organization.objects.filter(is_demo=True)}
    wanted: dict[str, list[Organization]] = {}
    new: list[Organization] = []
    for kreis in kreise:
        wanted[kreis.ags] = []
        for n in range(org_count.get(kreis.ags, 0)):
            external_id = f"demo-org-{kreis.ags}-{n + 1:02d}"
            slug = external_id.removeprefix("demo-org-")
            fields = {
                "name": organization_name(n, kreis.name),
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
        bulk(Organization, new)
    for stale in existing.values():  # fewer Kreise or another seed: drop unused ones
        if not stale.services.exists():
            Membership.objects.filter(organization=stale).delete()
            stale.delete()
    return wanted


def read_demand() -> DemandData:
    """Kreise, their Gemeinden (with boundaries) and the newest value of every indicator."""
    kreise = list(Region.objects.filter(level=Region.Level.KREIS).order_by("ags"))
    by_kreis: dict[str, list[Region]] = defaultdict(list)
    gemeinden = Region.objects.filter(level=Region.Level.GEMEINDE, boundary__isnull=False)
    for g in gemeinden.order_by("ags"):
        by_kreis[g.ags[:5]].append(g)
    indicators: dict[str, dict[str, float]] = defaultdict(dict)
    for code, ags, value in IndicatorValue.objects.order_by("reference_date").values_list(
        "code", "region_id", "value"
    ):
        indicators[code][ags] = value  # ordered by date: the newest wins
    population = dict(indicators.get("population", {}))
    return DemandData(kreise, dict(by_kreis), population, dict(indicators))


def _postal_codes() -> dict[str, list[str]]:
    postal: dict[str, list[str]] = defaultdict(list)
    for code, ags in PostalCode.gemeinden.through.objects.order_by(
        "postalcode_id", "region_id"
    ).values_list("postalcode_id", "region_id"):
        postal[ags].append(code)
    return postal


def _plan(data: DemandData, types: list[OfferType], seed: int, target: int | None):
    """The full-scale plan, or (for quick runs) one shrunk to about `target` services."""
    plans = plan_services(data, types, np.random.default_rng(seed))
    if target and target < len(plans):
        plans = plan_services(data, types, np.random.default_rng(seed), target / len(plans))
    return plans


def _org_counts(plans: list[ServicePlan]) -> dict[str, int]:
    per_kreis: dict[str, int] = defaultdict(int)
    for plan in plans:
        per_kreis[plan.kreis.ags] += 1
    return {ags: min(len(ORG_NAMES), 3 + n // 25) for ags, n in per_kreis.items()}


@transaction.atomic
def load_demo(seed: int = DEFAULT_SEED, target: int | None = None) -> DemoSummary:
    """Replace the demo registry with the one this seed generates; real rows are not touched.

    `target` shrinks the demo to about that many services for quick runs (tests); without
    it the demo has the scale of the published figures in `scale.SCALES`.
    """
    types = list(OfferType.objects.filter(is_active=True).order_by("sort_order", "code"))
    data = read_demand()
    if not data.kreise or not types:
        raise ValueError(
            "Keine Regionen oder Angebotsarten geladen: zuerst `integrationsatlas load-regions` "
            "und `integrationsatlas load-offer-types` ausführen."
        )
    _wipe_demo_rows()
    plans = _plan(data, types, seed, target)
    orgs = _organizations(data.kreise, _org_counts(plans))
    rng = np.random.default_rng([seed, 1])  # a second stream: names, sites, hours, funding
    counts = write_services(rng, plans, orgs, _postal_codes())
    summary = DemoSummary(organizations=sum(len(v) for v in orgs.values()), **counts)
    for plan in plans:
        summary.per_kreis[plan.kreis.ags] = summary.per_kreis.get(plan.kreis.ags, 0) + 1
    summary.indicator_values = demo_children(data.population, rng)
    summary.language_values = demo_languages()
    return summary
