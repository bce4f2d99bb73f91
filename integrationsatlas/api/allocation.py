"""REST API v1: the Land's allocation per Kreis (§§ 1-2 KomIntAVO), optionally beside the cost of need."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from integrationsatlas.planning.allocation import AllocationError, allocation
from integrationsatlas.registry import permissions
from integrationsatlas.standards.models import StandardSet

from .auth import optional_user
from .base import ApiError, ErrorOut

router = Router(tags=["Zuweisung"])


class AllocationQuery(Schema):
    amount: str = Field(..., max_length=30, description="Verteilungsmasse in Euro, z. B. 10000000.")
    year: int | None = Field(
        None, ge=1000, le=9999, description="Haushaltsjahr; Einwohner zum 31.12. des Vorjahres."
    )
    purpose: str | None = Field(
        None, max_length=60, description="Fördergegenstand (§ 1 Abs. 1 KomIntAVO)."
    )
    region: str | None = Field(None, max_length=12, description="Nur dieser Kreis.")
    standard_set: str | None = Field(None, max_length=100, description="Standardsatz (Kennung).")
    rule: str | None = Field(None, max_length=100, description="Quotenregel für den Bedarf.")


class PurposeOut(Schema):
    code: str
    name: str
    citation: str


class AllocationRowOut(Schema):
    ags: str
    name: str
    population: int
    population_date: date
    share: float
    allocation: str = Field(description="Euro mit zwei Nachkommastellen (Text: exakt).")
    allocation_cents: int
    target_group: int | None = None
    target_group_date: date | None = None
    need_units: float | None = None
    unit_cost: float | None = None
    need_cost: float | None = None
    difference: float | None = None
    difference_per_head: float | None = None
    funding: str | None = None
    demo: bool = False
    source: str


class AllocationOut(Schema):
    amount: str
    year: int | None
    population_date: date
    purpose: PurposeOut | None
    standard_set: str | None
    rule: str | None
    includes_demo_data: bool
    notes: list[str]
    sources: list[str]
    rows: list[AllocationRowOut]


def _visible(user, slug: str) -> bool:
    """Planners may use every set; everyone else only published ones (drafts stay private)."""
    if permissions.is_planner(user):
        return True
    return StandardSet.objects.filter(slug=slug, status="published", is_scenario=False).exists()


def _row(row: dict) -> dict:
    return {
        **row,
        "allocation": str(row["allocation"]),
        "allocation_cents": int(row["allocation"] * 100),
        "target_group_date": row.get("target_group_date") or None,
        "demo": bool(row.get("demo")),
    }


@router.get(
    "/allocation", response={200: AllocationOut, 400: ErrorOut, 401: ErrorOut, 422: ErrorOut}
)
def get_allocation(request: HttpRequest, query: Query[AllocationQuery]):
    """Each Landkreis and Kreisfreie Stadt's share of a Verteilungsmasse by population
    (§ 1 Abs. 2 KomIntAVO), to the cent; with `standard_set` and `rule`, the cost of meeting
    the rule and the difference. Nothing is stored."""
    user = optional_user(request)
    if query.standard_set and not _visible(user, query.standard_set):
        raise ApiError(400, f"Kein Standardsatz {query.standard_set!r}.", "standard_set")
    try:
        result = allocation(
            query.amount,
            year=query.year,
            purpose=query.purpose,
            region=query.region,
            standard_set=query.standard_set,
            rule=query.rule,
        )
    except AllocationError as error:
        raise ApiError(400, str(error), error.field or None) from error
    purpose = result.purpose
    return {
        "amount": str(result.amount),
        "year": result.year,
        "population_date": result.population_date,
        "purpose": {"code": purpose.code, "name": purpose.name, "citation": purpose.citation}
        if purpose
        else None,
        "standard_set": result.rule.standard_set.slug if result.rule else None,
        "rule": result.rule.code if result.rule else None,
        "includes_demo_data": result.includes_demo_data,
        "notes": result.notes,
        "sources": result.sources,
        "rows": [_row(row) for row in result.rows],
    }
