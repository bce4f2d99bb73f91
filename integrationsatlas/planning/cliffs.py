"""Funding cliff of one region's services to 2030-12 and the fundings ending soon, via the engine."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from django.db.models import QuerySet

from integrationsatlas.analysis.cliff import funding_cliff
from integrationsatlas.analysis.funding import add_months
from integrationsatlas.regions.membership import service_in_region
from integrationsatlas.registry.models import Funding, Service

HORIZON = dt.date(2030, 12, 1)


def region_services(ags: str) -> QuerySet[Service]:
    """Published, active services that belong to the region (`regions.membership`)."""
    return (
        Service.public.filter(service_in_region(ags), status=Service.Status.ACTIVE)
        .select_related("offer_type", "organization")
        .distinct()
    )


@dataclass(frozen=True)
class TypeCliff:
    offer_type: str
    name: str
    unit: str
    months: list[dt.date]
    remaining: list[float]
    unknown: float
    includes_demo: bool

    def yearly(self) -> list[tuple[str, float]]:
        """The value each December (and the first month), for the data table next to the chart;
        labelled month/year, since the first month and December can fall in the same year."""
        points = [(f"{self.months[0]:%m/%Y}", self.remaining[0])] if self.months else []
        points += [
            (f"{m:%m/%Y}", v)
            for m, v in zip(self.months, self.remaining, strict=True)
            if m.month == 12 and m != self.months[0]
        ]
        return points


def region_cliffs(ags: str, today: dt.date, horizon: dt.date = HORIZON) -> list[TypeCliff]:
    services = list(region_services(ags))
    if not services:
        return []
    index = {s.pk: i for i, s in enumerate(services)}
    types = sorted({s.offer_type.code for s in services})
    type_index = {code: k for k, code in enumerate(types)}
    fundings = list(
        Funding.objects.filter(service_id__in=index).values_list("service_id", "share", "end")
    )
    cliff = funding_cliff(
        capacity=[s.capacity if s.capacity is not None else 1.0 for s in services],
        region=np.zeros(len(services), dtype=np.int64),
        offer_type=[type_index[s.offer_type.code] for s in services],
        n_regions=1,
        n_types=len(types),
        fund_service=np.array([index[f[0]] for f in fundings], dtype=np.int64),
        fund_share=np.array([f[1] for f in fundings], dtype=np.float64),
        fund_end=np.array([f[2] or "NaT" for f in fundings], dtype="datetime64[D]"),
        start=today,
        horizon=horizon,
    )
    months = [m.astype("datetime64[D]").astype(dt.date) for m in cliff.months]
    by_type = {code: [s for s in services if s.offer_type.code == code] for code in types}
    out = []
    for code, k in type_index.items():
        sample = by_type[code][0].offer_type
        out.append(
            TypeCliff(
                offer_type=code,
                name=sample.name,
                unit=sample.get_unit_display(),
                months=months,
                remaining=[float(v) for v in cliff.remaining[:, 0, k]],
                unknown=float(cliff.unknown[0, k]),
                includes_demo=any(s.is_demo for s in by_type[code]),
            )
        )
    return out


def ending_soon(ags: str, today: dt.date, months: int = 12) -> list[Funding]:
    """Fundings of the region's services that end within the next `months` months."""
    until = add_months(today, months)
    return list(
        Funding.objects.filter(service__in=region_services(ags), end__gte=today, end__lte=until)
        .select_related("service", "service__offer_type", "service__organization")
        .order_by("end", "service__name")
    )
