"""Service search for the API: published services near a point, of a type, in a language, open now."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from integrationsatlas.analysis.geo import haversine_m
from integrationsatlas.regions.membership import service_in_region
from integrationsatlas.registry.models import (
    Schedule,
    ScheduleException,
    Service,
    ServiceAtLocation,
)
from integrationsatlas.registry.opening_hours import exceptions_from, open_state, weekly_from

from .base import ApiError

REGION_KEY = re.compile(r"^\d{2,12}$")
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")


def check_region_key(key: str, field: str = "region") -> str:
    """A valid, known region key, or a 422 naming the field."""
    from integrationsatlas.regions.models import Region

    if not REGION_KEY.match(key):
        raise ApiError(422, f"{field}: ein Regionalschlüssel besteht aus 2–12 Ziffern.", field)
    if not Region.objects.filter(ags=key).exists():
        raise ApiError(422, f"{field}: unbekannter Regionalschlüssel {key!r}.", field)
    return key


def with_details(services: QuerySet[Service]) -> QuerySet[Service]:
    """Everything a full service representation reads, in a fixed number of queries."""
    return services.select_related("organization", "offer_type").prefetch_related(
        "service_area",
        "fundings",
        Prefetch(
            "service_at_locations",
            queryset=ServiceAtLocation.objects.select_related("location", "location__gemeinde")
            .prefetch_related("schedules", "exceptions")
            .order_by("pk"),
        ),
        Prefetch("remote_schedules", queryset=Schedule.objects.order_by("weekday", "opens_at")),
        Prefetch("remote_exceptions", queryset=ScheduleException.objects.order_by("date")),
    )


def is_open_at(service: Service, moment: datetime) -> bool:
    """Open at `moment` at any site (with the holidays of the site's Gemeinde) or by phone/online."""
    for sal in service.service_at_locations.all():
        weekly, exceptions = weekly_from(sal.schedules.all()), exceptions_from(sal.exceptions.all())
        if open_state(moment, weekly, exceptions, gemeinde=sal.location.gemeinde_id).is_open:
            return True
    remote = weekly_from(service.remote_schedules.all())
    return open_state(moment, remote, exceptions_from(service.remote_exceptions.all())).is_open


@dataclass
class ServiceQuery:
    q: str | None = None
    offer_type: str | None = None
    language: str | None = None
    free: bool | None = None
    open_now: bool | None = None
    region: str | None = None
    organization: int | None = None
    lat: float | None = None
    lon: float | None = None
    radius_km: float = 10.0


def search_services(base: QuerySet[Service], query: ServiceQuery) -> tuple[list | QuerySet, dict]:
    """Filter `base`; returns (services, {service id: distance km}) ordered by distance if near."""
    from integrationsatlas.taxonomy.models import OfferType

    services = base
    if query.q:
        services = services.filter(
            Q(name__icontains=query.q)
            | Q(description__icontains=query.q)
            | Q(organization__name__icontains=query.q)
        )
    if query.offer_type:
        if not OfferType.objects.filter(code=query.offer_type).exists():
            raise ApiError(
                422, f"offer_type: unbekannte Angebotsart {query.offer_type!r}.", "offer_type"
            )
        services = services.filter(offer_type__code=query.offer_type)
    if query.language:
        if not LANGUAGE_CODE.match(query.language):
            raise ApiError(
                422, "language: ISO-639-Code aus 2–3 Kleinbuchstaben erwartet.", "language"
            )
        # JSON text match works on SQLite and PostgreSQL alike; quotes make it exact.
        services = services.filter(languages__icontains=f'"{query.language}"')
    if query.free is not None:
        services = services.filter(is_free=query.free)
    if query.region:
        check_region_key(query.region)
        services = services.filter(pk__in=Service.objects.filter(service_in_region(query.region)))
    if query.organization is not None:
        services = services.filter(organization_id=query.organization)
    if (query.lat is None) != (query.lon is None):
        field = "lon" if query.lon is None else "lat"
        raise ApiError(422, f"{field}: lat und lon nur gemeinsam angeben.", field)
    services = services.order_by("name", "pk")
    distances: dict[int, float] = {}
    if query.lat is not None and query.lon is not None:
        services, distances = _near(services, query.lat, query.lon, query.radius_km)
    if query.open_now:
        moment = timezone.localtime()
        candidates = with_details(services) if not isinstance(services, list) else services
        services = [s for s in candidates if is_open_at(s, moment)]
    return services, distances


def _near(services: QuerySet[Service], lat: float, lon: float, radius_km: float):
    """Services with a site within `radius_km`, nearest first; a bounding box narrows the query."""
    dlat = radius_km / 111.0
    dlon = radius_km / (111.0 * max(0.01, math.cos(math.radians(lat))))
    sites = (
        ServiceAtLocation.objects.filter(
            service__in=services,
            location__latitude__range=(lat - dlat, lat + dlat),
            location__longitude__range=(lon - dlon, lon + dlon),
        )
        .values_list("service_id", "location__latitude", "location__longitude")
        .order_by()
    )
    distances: dict[int, float] = {}
    for service_id, site_lat, site_lon in sites:
        km = float(haversine_m(lon, lat, site_lon, site_lat)) / 1000.0
        if km <= radius_km and km < distances.get(service_id, math.inf):
            distances[service_id] = km
    found = with_details(Service.objects.filter(pk__in=distances))
    ordered = sorted(found, key=lambda s: (distances[s.pk], s.name, s.pk))
    return ordered, {k: round(v, 3) for k, v in distances.items()}
