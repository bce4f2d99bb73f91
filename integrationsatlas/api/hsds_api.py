"""The Open Referral HSDS 3.0 API under /hsds/: the endpoints, parameters and page shape of its openapi.json."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from ninja import Field, Query, Schema

from integrationsatlas.analysis.geo import haversine_m
from integrationsatlas.interchange.hsds import ids, write
from integrationsatlas.interchange.hsds.vocabulary import (
    DEMO_CODE,
    MARKER_TAXONOMY,
    OFFER_TYPE_TAXONOMY,
)
from integrationsatlas.regions.models import PostalCode
from integrationsatlas.registry.models import Organization, Service, ServiceAtLocation
from integrationsatlas.taxonomy.models import OfferType

from .base import MAX_PAGE_SIZE, ApiError, ErrorOut, JsonErrorAPI

api = JsonErrorAPI(
    title="Integrationsatlas HSDS 3.0 API",
    version=write.HSDS_VERSION,
    description=(
        "Open Referral Human Services Data Specification 3.0 (https://docs.openreferral.org). "
        f"Angebotsarten sind die Taxonomie „{OFFER_TYPE_TAXONOMY}“; Demo-Datensätze "
        f"tragen ein Attribut mit dem Begriff `{DEMO_CODE}` der Taxonomie „{MARKER_TAXONOMY}“."
    ),
    urls_namespace="hsds",
)

ERRORS = {404: ErrorOut, 422: ErrorOut}


class HsdsPage(Schema):
    total_items: int
    total_pages: int
    page_number: int
    size: int
    first_page: bool
    last_page: bool
    empty: bool
    contents: list[dict[str, Any]]


class PageParams(Schema):
    search: str | None = Field(None, max_length=200, description="Volltextsuche.")
    page: int = Field(1, ge=1, le=1_000_000, description="Seitennummer, ab 1.")
    per_page: int = Field(
        25, ge=1, le=MAX_PAGE_SIZE, description=f"Einträge je Seite, höchstens {MAX_PAGE_SIZE}."
    )
    format: str = Field("json", pattern="^json$", description="Nur `json` wird unterstützt.")


class ServiceParams(PageParams):
    taxonomy_term_id: str | None = Field(None, max_length=64)
    taxonomy_id: str | None = Field(None, max_length=64)
    organization_id: str | None = Field(None, max_length=64)
    modified_after: datetime | None = None
    minimal: bool = False
    full: bool = False


class OrganizationParams(PageParams):
    full_service: bool = False
    full: bool = False


class SalParams(PageParams):
    taxonomy_term_id: str | None = Field(None, max_length=64)
    taxonomy_id: str | None = Field(None, max_length=64)
    organization_id: str | None = Field(None, max_length=64)
    modified_after: datetime | None = None
    full: bool = False
    postcode: str | None = Field(None, max_length=5)
    proximity: str | None = Field(
        None, max_length=12, description="Meter um den Postleitzahl-Mittelpunkt."
    )


class TermParams(PageParams):
    taxonomy_id: str | None = Field(None, max_length=64)
    top_only: bool = False
    parent_id: str | None = Field(None, max_length=64)


def _page(items: list, params: PageParams, render) -> dict[str, Any]:
    total = len(items) if isinstance(items, list) else items.count()
    pages = max(1, math.ceil(total / params.per_page))
    start = (params.page - 1) * params.per_page
    contents = [render(x) for x in items[start : start + params.per_page]]
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": params.page,
        "size": len(contents),
        "first_page": params.page == 1,
        "last_page": params.page >= pages,
        "empty": total == 0,
        "contents": contents,
    }


@api.get("/", response=dict[str, Any], tags=["HSDS"])
def meta(request: HttpRequest):
    """What this API is: HSDS version, profile, and where its OpenAPI description lives."""
    return {
        "version": write.HSDS_VERSION,
        "profile": request.build_absolute_uri("/api/v1/docs"),
        "openapi_url": request.build_absolute_uri("/hsds/openapi.json"),
    }


def _term_filter(params, prefix: str = "") -> Q:
    query = Q()
    if params.taxonomy_term_id:
        codes = {
            write.offer_type_term_id(c): c for c in OfferType.objects.values_list("code", flat=True)
        }
        code = codes.get(params.taxonomy_term_id.lower())
        if code is not None:
            query &= Q(**{f"{prefix}offer_type__code": code})
        elif ids.parse_hsds_id("marker_term", params.taxonomy_term_id) == write.DEMO_TERM_PK:
            query &= Q(**{f"{prefix}is_demo": True})
        else:
            query &= Q(pk__in=[])
    if params.taxonomy_id:
        taxonomy_pk = ids.parse_hsds_id("taxonomy", params.taxonomy_id)
        if taxonomy_pk == write.MARKER_TAXONOMY_PK:
            query &= Q(**{f"{prefix}is_demo": True})
        elif taxonomy_pk != write.OFFER_TYPE_TAXONOMY_PK:
            query &= Q(pk__in=[])
    if params.organization_id:
        org_pk = ids.resolve("organization", Organization.objects.all(), params.organization_id)
        query &= Q(**{f"{prefix}organization_id": org_pk}) if org_pk else Q(pk__in=[])
    if params.modified_after:
        query &= Q(**{f"{prefix}updated_at__gte": params.modified_after})
    if params.search:
        query &= Q(**{f"{prefix}name__icontains": params.search}) | Q(
            **{f"{prefix}description__icontains": params.search}
        )
    return query


@api.get("/services", response={200: HsdsPage, **ERRORS}, tags=["HSDS"])
def list_services(request: HttpRequest, params: Query[ServiceParams]):
    services = Service.public.filter(_term_filter(params)).order_by("name", "pk")
    if params.minimal:
        return _page(
            services,
            params,
            lambda s: {
                "id": ids.object_id("service", s),
                "last_modified": s.updated_at.isoformat(),
            },
        )
    if params.full:
        return _page(write.with_hsds_rows(services), params, write.service_to_hsds)
    return _page(services.select_related("organization"), params, write.service_summary)


@api.get("/services/{id}", response={200: dict[str, Any], **ERRORS}, tags=["HSDS"])
def get_service(request: HttpRequest, id: str):  # noqa: A002 (HSDS names it id)
    pk = ids.resolve("service", Service.public.all(), id)
    service = write.with_hsds_rows(Service.public.filter(pk=pk)).first() if pk else None
    if service is None:
        raise ApiError(404, f"id: kein Angebot {id!r}.", "id")
    return write.service_to_hsds(service)


def _public_services_of(org_ids: list[int]) -> dict[int, list[Service]]:
    grouped: dict[int, list[Service]] = {}
    for service in Service.public.filter(organization_id__in=org_ids).order_by("name", "pk"):
        grouped.setdefault(service.organization_id, []).append(service)
    return grouped


def _organization_render(full: bool, full_service: bool):
    def render(org: Organization) -> dict[str, Any]:
        if full_service:
            services = write.with_hsds_rows(Service.public.filter(organization=org)).order_by(
                "name", "pk"
            )
            data = write.organization_to_hsds(org)
            data["services"] = [write.service_to_hsds(s) for s in services]
            return data
        if full:
            return write.organization_to_hsds(org, _public_services_of([org.pk]).get(org.pk, []))
        return write.organization_to_hsds(org)

    return render


@api.get("/organizations", response={200: HsdsPage, **ERRORS}, tags=["HSDS"])
def list_organizations(request: HttpRequest, params: Query[OrganizationParams]):
    orgs = Organization.objects.filter(is_deleted=False).order_by("name", "pk")
    if params.search:
        orgs = orgs.filter(
            Q(name__icontains=params.search) | Q(description__icontains=params.search)
        )
    return _page(orgs, params, _organization_render(params.full, params.full_service))


@api.get("/organizations/{id}", response={200: dict[str, Any], **ERRORS}, tags=["HSDS"])
def get_organization(request: HttpRequest, id: str, full_service: bool = False):  # noqa: A002
    pk = ids.resolve("organization", Organization.objects.filter(is_deleted=False), id)
    org = Organization.objects.filter(pk=pk, is_deleted=False).first() if pk else None
    if org is None:
        raise ApiError(404, f"id: kein Träger {id!r}.", "id")
    return _organization_render(True, full_service)(org)


def _sal_queryset():
    return ServiceAtLocation.objects.filter(
        service__is_published=True, service__is_deleted=False
    ).select_related("location", "service", "service__organization", "service__offer_type")


@api.get("/service_at_locations", response={200: HsdsPage, **ERRORS}, tags=["HSDS"])
def list_service_at_locations(request: HttpRequest, params: Query[SalParams]):
    sals = _sal_queryset().filter(_term_filter(params, "service__")).order_by("service__name", "pk")
    if params.full:
        sals = sals.prefetch_related("schedules", "exceptions")
    items: Any = sals
    if params.postcode:
        centre = PostalCode.objects.filter(code=params.postcode).first()
        if centre is None:
            raise ApiError(
                422, f"postcode: unbekannte Postleitzahl {params.postcode!r}.", "postcode"
            )
        if params.proximity:
            try:
                metres = float(params.proximity)
            except ValueError:
                metres = -1.0
            if not 0 < metres <= 200_000:
                raise ApiError(422, "proximity: Meter zwischen 0 und 200000 erwartet.", "proximity")
            items = [
                sal
                for sal in sals
                if haversine_m(
                    centre.lon, centre.lat, sal.location.longitude, sal.location.latitude
                )
                <= metres
            ]
        else:
            items = sals.filter(location__postal_code=params.postcode)
    if params.full:
        return _page(items, params, _full_sal)
    return _page(items, params, lambda sal: _summary_sal(sal))


def _summary_sal(sal: ServiceAtLocation) -> dict[str, Any]:
    data = write.service_at_location_to_hsds(sal, nested_service=False)
    data.pop("schedules", None)
    return data


def _full_sal(sal: ServiceAtLocation) -> dict[str, Any]:
    sal.service = write.with_hsds_rows(Service.objects.filter(pk=sal.service_id)).get()
    return write.service_at_location_to_hsds(sal)


def _resolve_sal(text: str) -> int | None:
    """The public service-at-location whose id (derived from service and site ids) is `text`."""
    text = (text or "").strip().lower()
    pk = ids.parse_hsds_id("service_at_location", text)  # ids of earlier versions
    if pk is not None or not ids.is_uuid(text):
        return pk
    rows = _sal_queryset().values_list(
        "pk", "service_id", "service__external_id", "location_id", "location__external_id"
    )
    for pk, service_pk, service_ext, location_pk, location_ext in rows:
        service_id = (
            ids.external_hsds_id("service", service_ext)
            if service_ext
            else ids.hsds_id("service", service_pk)
        )
        location_id = (
            ids.external_hsds_id("location", location_ext)
            if location_ext
            else ids.hsds_id("location", location_pk)
        )
        if ids.sal_id(service_id, location_id) == text:
            return pk
    return None


@api.get("/service_at_locations/{id}", response={200: dict[str, Any], **ERRORS}, tags=["HSDS"])
def get_service_at_location(request: HttpRequest, id: str):  # noqa: A002
    pk = _resolve_sal(id)
    sal = _sal_queryset().filter(pk=pk).first() if pk else None
    if sal is None:
        raise ApiError(404, f"id: kein Angebot am Standort {id!r}.", "id")
    return _full_sal(sal)


@api.get("/taxonomies", response={200: HsdsPage, **ERRORS}, tags=["HSDS"])
def list_taxonomies(request: HttpRequest, params: Query[PageParams]):
    found = write.taxonomies()
    if params.search:
        needle = params.search.lower()
        found = [t for t in found if needle in (t["name"] + t["description"]).lower()]
    return _page(found, params, lambda t: t)


@api.get("/taxonomies/{id}", response={200: dict[str, Any], **ERRORS}, tags=["HSDS"])
def get_taxonomy(request: HttpRequest, id: str):  # noqa: A002
    for taxonomy in write.taxonomies():
        if taxonomy["id"] == id.lower():
            return taxonomy
    raise ApiError(404, f"id: keine Taxonomie {id!r}.", "id")


def _all_terms() -> list[dict[str, Any]]:
    terms = [write.taxonomy_term_to_hsds(o) for o in OfferType.objects.filter(is_active=True)]
    return [*terms, write.demo_term(), *write.field_terms()]


@api.get("/taxonomy_terms", response={200: HsdsPage, **ERRORS}, tags=["HSDS"])
def list_taxonomy_terms(request: HttpRequest, params: Query[TermParams]):
    terms = _all_terms()
    if params.taxonomy_id:
        terms = [t for t in terms if t["taxonomy_id"] == params.taxonomy_id.lower()]
    if params.parent_id:
        # The taxonomies are flat: no term has a parent.
        terms = []
    if params.search:
        needle = params.search.lower()
        terms = [t for t in terms if needle in (t["name"] + t.get("code", "")).lower()]
    return _page(terms, params, lambda t: t)


@api.get("/taxonomy_terms/{id}", response={200: dict[str, Any], **ERRORS}, tags=["HSDS"])
def get_taxonomy_term(request: HttpRequest, id: str):  # noqa: A002
    for term in _all_terms():
        if term["id"] == id.lower():
            return term
    raise ApiError(404, f"id: kein Taxonomiebegriff {id!r}.", "id")
