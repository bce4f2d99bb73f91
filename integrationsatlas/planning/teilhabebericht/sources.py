"""What the report reads from the database: a Kreis's indicators and its services' yearly figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q

from integrationsatlas.regions.membership import service_in_region
from integrationsatlas.regions.models import IndicatorValue, Region
from integrationsatlas.registry.models import ActivityFigures, Service
from integrationsatlas.taxonomy.models import Unit

# Offer types of the Saxon law (SächsIntG §§ 12-14, 19; KomIntAVO §§ 11-13).
IBZ = "integration_counselling_centre"
COORDINATION = "integration_coordination"
MEDIATION = "language_mediation"
FSA = "refugee_social_work"
RETURN = "return_counselling"
REPORTED_TYPES = (IBZ, COORDINATION, MEDIATION, FSA, RETURN)

REGISTRY_SOURCE = "Integrationsatlas-Register"


@dataclass
class ServiceYear:
    """One service of the Kreis with its figures for the year (None: not reported)."""

    service: Service
    figures: ActivityFigures | None

    @property
    def fte(self) -> tuple[float | None, str]:
        """(FTE, where from): the year's reported FTE, else the registry's current capacity."""
        if self.figures is not None and self.figures.fte is not None:
            return float(self.figures.fte), "year"
        if self.service.capacity is not None and self.service.offer_type.unit == Unit.FTE:
            return float(self.service.capacity), "capacity"
        return None, ""

    @property
    def is_demo(self) -> bool:
        return self.service.is_demo or bool(self.figures and self.figures.is_demo)


@dataclass
class KreisData:
    region: Region
    year: int
    services: list[ServiceYear] = field(default_factory=list)

    def of_type(self, code: str) -> list[ServiceYear]:
        return [s for s in self.services if s.service.offer_type.code == code]

    def reported(self) -> list[ServiceYear]:
        return [s for s in self.services if s.figures is not None]


def services_of(region: Region, year: int) -> list[ServiceYear]:
    """The Kreis's services of the law's types (active and published now, or with figures for
    the year, so an offer that has since ended still counts for the year it worked) and every
    other service that reported figures for the year (missions are reported by any type)."""
    with_figures = ActivityFigures.objects.filter(year=year).values("service_id")
    current = Q(
        is_published=True, status=Service.Status.ACTIVE, offer_type__code__in=REPORTED_TYPES
    )
    services = (
        Service.objects.filter(service_in_region(region.ags), is_deleted=False)
        .filter(current | Q(pk__in=with_figures))
        .select_related("offer_type", "organization")
        .distinct()
        .order_by("offer_type__sort_order", "name", "pk")
    )
    services = list(services)
    figures = {
        f.service_id: f
        for f in ActivityFigures.objects.filter(year=year, service__in=[s.pk for s in services])
    }
    return [ServiceYear(s, figures.get(s.pk)) for s in services]


def indicator(region: Region, code: str, on_or_before: dt.date) -> IndicatorValue | None:
    """The newest value of the code on or before the date."""
    return (
        IndicatorValue.objects.filter(
            region=region, code=code, reference_date__lte=on_or_before, projection_variant=""
        )
        .order_by("-reference_date")
        .first()
    )


def years_with_data(region: Region) -> list[int]:
    """Years for which the Kreis has indicator values or yearly figures of its services."""
    years = {
        d.year
        for d in IndicatorValue.objects.filter(region=region, projection_variant="").values_list(
            "reference_date", flat=True
        )
    }
    services = Service.objects.filter(service_in_region(region.ags)).values("pk")
    years |= set(
        ActivityFigures.objects.filter(service__in=services).values_list("year", flat=True)
    )
    return sorted(years)
