"""Model rows to the plain dicts of the REST API v1 (shapes in schemas.py)."""

from __future__ import annotations

from typing import Any

from integrationsatlas.assessments.models import COST_FIELDS, MEASURE_FIELDS
from integrationsatlas.regions.models import Region
from integrationsatlas.registry.models import Service


def _time(value) -> str | None:
    return None if value is None else value.strftime("%H:%M")


def schedule_dict(schedule) -> dict[str, Any]:
    return {
        "weekday": schedule.weekday,
        "opens_at": _time(schedule.opens_at),
        "closes_at": _time(schedule.closes_at),
        "valid_from": schedule.valid_from,
        "valid_to": schedule.valid_to,
        "note": schedule.note,
    }


def exception_dict(exception) -> dict[str, Any]:
    return {
        "date": exception.date,
        "closed": exception.closed,
        "opens_at": _time(exception.opens_at),
        "closes_at": _time(exception.closes_at),
        "note": exception.note,
    }


def region_dict(region: Region, geometry: bool = False) -> dict[str, Any]:
    point = None
    if region.point_lon is not None and region.point_lat is not None:
        point = {"lon": region.point_lon, "lat": region.point_lat}
    return {
        "ags": region.ags,
        "name": region.name,
        "level": region.level,
        "kind": region.kind,
        "parent": region.parent_id,
        "area_km2": region.area_km2,
        "point": point,
        "source": region.source,
        "boundary": region.boundary if geometry else None,
    }


def service_dict(service: Service, distance_km: float | None = None) -> dict[str, Any]:
    """The full public representation; expects `search.with_details` prefetching."""
    locations = []
    for sal in service.service_at_locations.all():
        location = sal.location
        locations.append(
            {
                "id": location.pk,
                "name": location.name,
                "address": location.address,
                "postal_code": location.postal_code,
                "city": location.city,
                "longitude": location.longitude,
                "latitude": location.latitude,
                "placement": location.placement,
                "gemeinde": location.gemeinde_id,
                "wheelchair_accessible": location.wheelchair_accessible,
                "accessibility_notes": location.accessibility_notes,
                "transit_notes": location.transit_notes,
                "schedules": [schedule_dict(s) for s in sal.schedules.all()],
                "exceptions": [exception_dict(e) for e in sal.exceptions.all()],
            }
        )
    return {
        "id": service.pk,
        "external_id": service.external_id,
        "name": service.name,
        "description": service.description,
        "translations": service.translations or {},
        "organization": {"id": service.organization_id, "name": service.organization.name},
        "offer_type": service.offer_type.code,
        "target_groups": list(service.target_groups or []),
        "languages": list(service.languages or []),
        "is_free": service.is_free,
        "fee_description": service.fee_description,
        "eligibility": service.eligibility,
        "required_documents": service.required_documents,
        "status": service.status,
        "capacity": service.capacity,
        "email": service.email,
        "phone": service.phone,
        "website": service.website,
        "contact_name": service.contact_name,
        "by_phone": service.by_phone,
        "online": service.online,
        "service_area": sorted(r.ags for r in service.service_area.all()),
        "locations": locations,
        "remote_schedules": [schedule_dict(s) for s in service.remote_schedules.all()],
        "fundings": [
            {
                "funder_level": f.funder_level,
                "funder_name": f.funder_name,
                "programme": f.programme,
                "amount_per_year": None if f.amount_per_year is None else float(f.amount_per_year),
                "share": f.share,
                "start": f.start,
                "end": f.end,
            }
            for f in service.fundings.all()
        ],
        "is_demo": service.is_demo,
        "is_published": service.is_published,
        "version": service.version,
        "updated_at": service.updated_at,
        "distance_km": distance_km,
    }


def assessment_row_dict(row) -> dict[str, Any]:
    return {
        "region": row.region_id,
        "region_name": row.region.name,
        "rule": row.rule_code,
        "offer_type": row.offer_type_code,
        **{
            field: getattr(row, field)
            for field in (
                "kind",
                "responsible_level",
                *MEASURE_FIELDS,
                *COST_FIELDS,
                "uses_demo_data",
                "explanation",
            )
        },
    }
