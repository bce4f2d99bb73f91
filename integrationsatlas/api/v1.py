"""REST API v1: regions, indicators, offer types, organizations, services, standards, assessments."""

from __future__ import annotations

from django.db.models import Count, Max, Q
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router

from integrationsatlas.assessments.costs import plausibility_notes, rule_costs
from integrationsatlas.assessments.models import Assessment
from integrationsatlas.regions.membership import service_in_region
from integrationsatlas.regions.models import IndicatorValue, Region
from integrationsatlas.registry import permissions
from integrationsatlas.registry.models import Organization, Service
from integrationsatlas.standards.models import StandardSet
from integrationsatlas.taxonomy.models import OfferType

from . import schemas as s
from .allocation import router as allocation_router
from .auth import optional_user
from .base import ApiError, ErrorOut, JsonErrorAPI, paginate, set_last_modified
from .indicator_api import router as indicator_router
from .search import ServiceQuery, check_region_key, search_services, with_details
from .serialize import assessment_row_dict, region_dict, service_dict
from .writes import add_write_routes

api = JsonErrorAPI(
    title="Integrationsatlas API",
    version="1.0.0",
    description=(
        "Offene Schnittstelle des Integrationsatlas: Regionen, Kennzahlen, Angebotsarten, "
        "Träger, Angebote, Standardsätze und Bewertungen. Lesen ohne Anmeldung; Schreiben mit "
        "`Authorization: Bearer <Token>` (Token unter /konto/tokens/ anlegen). Fehler sind "
        "JSON: `{detail, errors: [{field, message}]}`."
    ),
    urls_namespace="api-v1",
)

ERRORS = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _page_of(items, total: int, pages: int, query: s.PageQuery) -> dict:
    return {
        "count": total,
        "page": query.page,
        "page_size": query.page_size,
        "pages": pages,
        "results": items,
    }


# ---- regions and indicators -------------------------------------------------------------

regions = Router(tags=["Regionen"])


class RegionQuery(s.PageQuery):
    level: str | None = Field(None, pattern="^(land|kreis|gemeinde)$")
    parent: str | None = Field(None, max_length=12, description="Regionalschlüssel der Oberregion.")
    geometry: bool = Field(False, description="GeoJSON-Grenze mitliefern.")


@regions.get("/regions", response={200: s.RegionPage, **ERRORS})
def list_regions(request: HttpRequest, query: Query[RegionQuery]):
    optional_user(request)
    found = Region.objects.order_by("ags")
    if query.level:
        found = found.filter(level=query.level)
    if query.parent:
        found = found.filter(parent_id=check_region_key(query.parent, "parent"))
    if not query.geometry:
        found = found.defer("boundary")
    items, total, pages = paginate(found, query.page, query.page_size)
    return _page_of([region_dict(r, query.geometry) for r in items], total, pages, query)


@regions.get("/regions/{ags}", response={200: s.RegionOut, **ERRORS})
def get_region(request: HttpRequest, ags: str, geometry: bool = False):
    optional_user(request)
    region = Region.objects.filter(ags=ags).first()
    if region is None:
        raise ApiError(404, f"ags: keine Region mit dem Schlüssel {ags!r}.", "ags")
    return region_dict(region, geometry)


class IndicatorQuery(s.PageQuery):
    region: str | None = Field(None, max_length=12)
    code: str | None = Field(None, max_length=60)
    latest: bool = Field(False, description="Nur der jüngste Stichtag je Region und Kennzahl.")


@regions.get("/indicators", response={200: s.IndicatorPage, **ERRORS}, tags=["Kennzahlen"])
def list_indicators(request: HttpRequest, query: Query[IndicatorQuery]):
    optional_user(request)
    # Observed figures only: a projection would read as a measured value here.
    values = IndicatorValue.objects.filter(projection_variant="").order_by(
        "region_id", "code", "-reference_date", "pk"
    )
    if query.region:
        values = values.filter(region_id=check_region_key(query.region))
    if query.code:
        values = values.filter(code=query.code)
    if query.latest:
        newest = values.values("region_id", "code").annotate(newest=Max("reference_date"))
        keep = Q(pk__in=[])
        for row in newest:
            keep |= Q(region_id=row["region_id"], code=row["code"], reference_date=row["newest"])
        values = values.filter(keep) if newest else values.none()
    items, total, pages = paginate(values, query.page, query.page_size)
    rows = [
        {
            "region": v.region_id,
            "code": v.code,
            "reference_date": v.reference_date,
            "value": v.value,
            "source": v.source,
            "is_demo": v.is_demo,
        }
        for v in items
    ]
    return _page_of(rows, total, pages, query)


# ---- taxonomy and registry -----------------------------------------------------------------

registry = Router(tags=["Register"])


def _offer_type_dict(offer_type: OfferType) -> dict:
    return {
        "code": offer_type.code,
        "names": offer_type.names or {},
        "descriptions": offer_type.descriptions or {},
        "icon": offer_type.icon,
        "unit": offer_type.unit,
        "default_demand_indicator": offer_type.default_demand_indicator,
        "legal_basis": offer_type.legal_basis,
        "typical_funders": offer_type.typical_funders,
    }


@registry.get("/offer-types", response={200: s.OfferTypePage, **ERRORS}, tags=["Angebotsarten"])
def list_offer_types(request: HttpRequest, query: Query[s.PageQuery]):
    optional_user(request)
    found = OfferType.objects.filter(is_active=True).order_by("sort_order", "code")
    items, total, pages = paginate(found, query.page, query.page_size)
    return _page_of([_offer_type_dict(o) for o in items], total, pages, query)


@registry.get(
    "/offer-types/{code}", response={200: s.OfferTypeOut, **ERRORS}, tags=["Angebotsarten"]
)
def get_offer_type(request: HttpRequest, code: str):
    optional_user(request)
    offer_type = OfferType.objects.filter(code=code).first()
    if offer_type is None:
        raise ApiError(404, f"code: keine Angebotsart {code!r}.", "code")
    return _offer_type_dict(offer_type)


def _organization_dict(org: Organization) -> dict:
    return {
        field: getattr(org, field)
        for field in (
            "id", "external_id", "name", "description", "email", "phone", "website", "is_demo",
            "updated_at",
        )
    }  # fmt: skip


class OrganizationQuery(s.PageQuery):
    q: str | None = Field(None, max_length=200)
    region: str | None = Field(
        None, max_length=12, description="Träger mit Angeboten in der Region."
    )


@registry.get("/organizations", response={200: s.OrganizationPage, **ERRORS})
def list_organizations(
    request: HttpRequest, response: HttpResponse, query: Query[OrganizationQuery]
):
    optional_user(request)
    found = Organization.objects.filter(is_deleted=False).order_by("name", "pk")
    if query.q:
        found = found.filter(name__icontains=query.q)
    if query.region:
        check_region_key(query.region)
        services = Service.public.filter(service_in_region(query.region))
        found = found.filter(pk__in=services.values("organization_id"))
    set_last_modified(response, found.aggregate(m=Max("updated_at"))["m"])
    items, total, pages = paginate(found, query.page, query.page_size)
    return _page_of([_organization_dict(o) for o in items], total, pages, query)


@registry.get("/organizations/{org_id}", response={200: s.OrganizationOut, **ERRORS})
def get_organization(request: HttpRequest, response: HttpResponse, org_id: int):
    optional_user(request)
    org = Organization.objects.filter(pk=org_id, is_deleted=False).first()
    if org is None:
        raise ApiError(404, f"org_id: kein Träger mit der ID {org_id}.", "org_id")
    set_last_modified(response, org.updated_at)
    return _organization_dict(org)


services = Router(tags=["Angebote"])


@services.get("/services", response={200: s.ServicePage, **ERRORS})
def list_services(request: HttpRequest, response: HttpResponse, query: Query[s.ServiceSearch]):
    """Published services; the finder's filters. With lat/lon: nearest first, with distance."""
    optional_user(request)
    search = ServiceQuery(
        **{k: getattr(query, k) for k in ServiceQuery.__dataclass_fields__}  # type: ignore[attr-defined]
    )
    found, distances = search_services(Service.public.all(), search)
    if not isinstance(found, list):
        set_last_modified(response, found.aggregate(m=Max("updated_at"))["m"])
        found = with_details(found)
    items, total, pages = paginate(found, query.page, query.page_size)
    results = [service_dict(x, distances.get(x.pk)) for x in items]
    return _page_of(results, total, pages, query)


def visible_service(user, service_id: int) -> Service:
    """Public services for everyone; unpublished ones for those who may edit them."""
    service = with_details(Service.objects.filter(pk=service_id, is_deleted=False)).first()
    if service is None or not (service.is_published or permissions.can_edit_service(user, service)):
        raise ApiError(404, f"service_id: kein Angebot mit der ID {service_id}.", "service_id")
    return service


@services.get("/services/{service_id}", response={200: s.ServiceOut, **ERRORS})
def get_service(request: HttpRequest, response: HttpResponse, service_id: int):
    service = visible_service(optional_user(request), service_id)
    set_last_modified(response, service.updated_at)
    return service_dict(service)


# ---- standards and assessments -------------------------------------------------------------

standards = Router(tags=["Standards und Bewertungen"])


def _standard_set_dict(standard_set: StandardSet, detail: bool = False) -> dict:
    data = {
        "slug": standard_set.slug,
        "name": standard_set.name,
        "version": standard_set.version,
        "description": standard_set.description,
        "status": standard_set.status,
        "is_scenario": standard_set.is_scenario,
        "rules": getattr(standard_set, "rule_count", None) or standard_set.rules.count(),
        "updated_at": standard_set.updated_at,
    }
    if detail:
        data["document"] = standard_set.document or {}
    return data


def _standard_sets(user):
    found = StandardSet.objects.annotate(rule_count=Count("rules")).order_by("name", "version")
    if not permissions.is_planner(user):
        found = found.filter(status=StandardSet.Status.PUBLISHED, is_scenario=False)
    return found


@standards.get("/standard-sets", response={200: s.StandardSetPage, **ERRORS})
def list_standard_sets(request: HttpRequest, query: Query[s.PageQuery]):
    """Published sets for everyone; drafts and scenarios for planners (with a token)."""
    found = _standard_sets(optional_user(request))
    items, total, pages = paginate(found, query.page, query.page_size)
    return _page_of([_standard_set_dict(x) for x in items], total, pages, query)


@standards.get("/standard-sets/{slug}", response={200: s.StandardSetDetail, **ERRORS})
def get_standard_set(request: HttpRequest, response: HttpResponse, slug: str):
    found = _standard_sets(optional_user(request)).filter(slug=slug).first()
    if found is None:
        raise ApiError(404, f"slug: kein Standardsatz {slug!r}.", "slug")
    set_last_modified(response, found.updated_at)
    return _standard_set_dict(found, detail=True)


def _assessments(user):
    found = Assessment.objects.select_related("standard_set").order_by("-created_at", "-pk")
    if not permissions.is_planner(user):
        found = found.filter(is_published=True, is_scenario=False)
    return found


def _assessment_dict(a: Assessment) -> dict:
    return {
        "id": a.pk,
        "standard_set": a.standard_set.slug,
        "standard_set_version": a.standard_set_version,
        "level": a.level,
        "reference_date": a.reference_date,
        "label": a.label,
        "includes_demo_data": a.includes_demo_data,
        "is_published": a.is_published,
        "is_scenario": a.is_scenario,
        "created_at": a.created_at,
        "data_reference": a.data_reference or {},
    }


class AssessmentQuery(s.PageQuery):
    standard_set: str | None = Field(None, max_length=100)


@standards.get("/assessments", response={200: s.AssessmentPage, **ERRORS})
def list_assessments(request: HttpRequest, query: Query[AssessmentQuery]):
    """Published assessments for everyone; unpublished and scenarios for planners."""
    found = _assessments(optional_user(request))
    if query.standard_set:
        found = found.filter(standard_set__slug=query.standard_set)
    items, total, pages = paginate(found, query.page, query.page_size)
    return _page_of([_assessment_dict(a) for a in items], total, pages, query)


def _assessment(request: HttpRequest, assessment_id: int) -> Assessment:
    """The assessment if this caller may see it; 404 as if it did not exist otherwise."""
    found = _assessments(optional_user(request)).filter(pk=assessment_id).first()
    if found is None:
        raise ApiError(404, f"assessment_id: keine Bewertung {assessment_id}.", "assessment_id")
    return found


@standards.get("/assessments/{assessment_id}", response={200: s.AssessmentOut, **ERRORS})
def get_assessment(request: HttpRequest, response: HttpResponse, assessment_id: int):
    found = _assessment(request, assessment_id)
    set_last_modified(response, found.created_at)
    return _assessment_dict(found)


class RowQuery(s.PageQuery):
    region: str | None = Field(None, max_length=12, description="Region oder Oberregion.")
    status: str | None = Field(None, pattern="^(met|partial|gap|no_data)$")
    offer_type: str | None = Field(None, max_length=60)


@standards.get("/assessments/{assessment_id}/rows", response={200: s.AssessmentRowPage, **ERRORS})
def list_assessment_rows(
    request: HttpRequest, response: HttpResponse, assessment_id: int, query: Query[RowQuery]
):
    found = _assessment(request, assessment_id)
    rows = found.rows.with_region().order_by("rule_code", "region_id", "pk")
    if query.region:
        rows = rows.filter(region__ags__startswith=check_region_key(query.region))
    if query.status:
        rows = rows.filter(status=query.status)
    if query.offer_type:
        rows = rows.filter(offer_type_code=query.offer_type)
    set_last_modified(response, found.created_at)
    items, total, pages = paginate(rows, query.page, query.page_size)
    return _page_of([assessment_row_dict(r) for r in items], total, pages, query)


@standards.get("/assessments/{assessment_id}/costs", response={200: s.CostsOut, **ERRORS})
def get_assessment_costs(request: HttpRequest, response: HttpResponse, assessment_id: int):
    """Per rule: deficit, unit, unit cost, payer split and sources; each deficit counted once."""
    found = _assessment(request, assessment_id)
    lines = rule_costs(found)
    set_last_modified(response, found.created_at)
    return {
        "assessment": found.pk,
        "standard_set": found.standard_set.slug,
        "label": (found.standard_set.document or {}).get("label", ""),
        "total": round(sum(line.total for line in lines), 2),
        "rules": [line.as_dict() for line in lines],
        "notes": plausibility_notes(found, lines),
    }


add_write_routes(services)
api.add_router("", regions)
api.add_router("", registry)
api.add_router("", services)
api.add_router("", standards)
api.add_router("", allocation_router)
api.add_router("", indicator_router)
