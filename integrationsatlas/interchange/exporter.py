"""Export services as CSV, XLSX, GeoJSON or HSDS 3.0 JSON, with the columns the import reads."""

from __future__ import annotations

import json
from typing import Any

from integrationsatlas.registry.models import Service
from integrationsatlas.registry.snapshot import with_snapshot_rows

from .cellsafe import neutralise_rows
from .flat import COLUMNS, LOCATION_COLUMNS, SERVICE_COLUMNS, payload_rows
from .payload import export_payload
from .tabular import write_csv, write_xlsx

EXPORT_FORMATS = ("csv", "xlsx", "geojson", "hsds")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "geojson": "application/geo+json",
    "hsds": "application/json",
}


def organization_key(service: Service) -> str:
    org = service.organization
    return org.external_id or f"ia-organization-{org.pk}"


def export_payloads(queryset=None) -> list[tuple[Service, dict[str, Any]]]:
    """(service, payload) pairs with ids filled in, ordered by service id.

    Without a queryset: the published services only (an export is public open data). The
    sites, hours, funding and areas of all services come in a few queries (a query per row
    kind and service made the CSV of the full demo take 34 s instead of 3).
    """
    queryset = Service.public.all() if queryset is None else queryset
    pairs = []
    services = with_snapshot_rows(queryset.select_related("organization").order_by("pk"))
    for service in services:
        payload = export_payload(service)
        payload["external_id"] = service.external_id or f"ia-service-{service.pk}"
        for loc in payload["locations"]:
            loc["external_id"] = loc["external_id"] or f"ia-location-{loc['id']}"
        payload["locations"].sort(key=lambda loc: loc["external_id"])
        pairs.append((service, payload))
    pairs.sort(key=lambda pair: pair[1]["external_id"])
    return pairs


def flat_rows(queryset=None) -> list[dict[str, str]]:
    rows = []
    for service, payload in export_payloads(queryset):
        rows += payload_rows(payload, organization_key(service), service.organization.name)
    return rows


def export_services(fmt: str, queryset=None) -> bytes:
    if fmt == "csv":
        return write_csv(COLUMNS, neutralise_rows(flat_rows(queryset)))
    if fmt == "xlsx":
        return write_xlsx(COLUMNS, flat_rows(queryset), SERVICE_COLUMNS + LOCATION_COLUMNS)
    if fmt == "geojson":
        return _dumps(geojson(queryset))
    if fmt == "hsds":
        from .hsds.write import hsds_services

        return _dumps(hsds_services(queryset))
    raise ValueError(f"unknown export format {fmt!r} (csv, xlsx, geojson, hsds)")


def write_hsds_package(directory, queryset=None) -> list:
    """The HSDS package (JSON, tabular CSV, datapackage.json) in `directory`."""
    from .hsds.package import write_package
    from .hsds.write import hsds_services

    return write_package(directory, hsds_services(queryset))


def _dumps(document: Any) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=1, sort_keys=False) + "\n").encode()


def geojson(queryset=None) -> dict[str, Any]:
    """One feature per service and site (phone/online services: no geometry); flat columns as properties."""
    features = []
    for row in flat_rows(queryset):
        properties = {k: v for k, v in row.items() if k not in ("longitude", "latitude")}
        geometry = None
        if row["longitude"] and row["latitude"]:
            geometry = {
                "type": "Point",
                "coordinates": [float(row["longitude"]), float(row["latitude"])],
            }
        features.append({"type": "Feature", "geometry": geometry, "properties": properties})
    return {"type": "FeatureCollection", "features": features}


def template(fmt: str) -> bytes:
    """The empty import template with one example row (flagged demo) and, in XLSX, explanations."""
    example = dict.fromkeys(COLUMNS, "") | {
        "service_id": "beispiel-dresden-1",
        "organization_id": "beispiel-traeger",
        "organization_name": "Beispielträger e. V.",
        "offer_type": "mbe",
        "name": "Migrationsberatung Beispiel",
        "description": "Beispielzeile: vor dem Import löschen oder ersetzen.",
        "name_en": "Migration counselling (example)",
        "target_groups": "adults",
        "languages": "de|ar|uk",
        "status": "active",
        "capacity": "1.5",
        "is_free": "ja",
        "email": "beratung@example.org",
        "website": "https://example.org",
        "by_phone": "ja",
        "online": "nein",
        "funding_level": "bund|own",
        "funding_funder": "BAMF|Beispielträger e. V.",
        "funding_programme": "MBE|Eigenmittel",
        "funding_amount_per_year": "90000.00|10000.00",
        "funding_share": "0.9|0.1",
        "funding_start": "2024-01-01|2024-01-01",
        "funding_end": "2026-12-31|",
        "demo": "ja",
        "location_id": "beispiel-standort-1",
        "location_name": "Beratungsstelle Altmarkt",
        "address": "Altmarkt 1",
        "postal_code": "01067",
        "city": "Dresden",
        "longitude": "13.7373",
        "latitude": "51.0504",
        "wheelchair_accessible": "ja",
        "hours": "Mo 09:00-12:00; Di 13:00-16:00; Do 09:00-12:00, 13:00-15:00",
    }
    if fmt == "xlsx":
        return write_xlsx(COLUMNS, [example], SERVICE_COLUMNS + LOCATION_COLUMNS)
    return write_csv(COLUMNS, neutralise_rows([example]))
