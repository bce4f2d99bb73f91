"""The HSDS 3.0 package in a directory: JSON (services, organizations, taxonomies) and tabular CSV.

`write_package` writes `services.json` (a list of services as `write.hsds_services` makes
them), `organizations.json`, `taxonomies.json`, `taxonomy_terms.json`, one CSV per HSDS table
with the scalar columns of the official tabular schema (`simple/schema.csv`, in its order) and
a `datapackage.json` (Frictionless tabular data package) describing them. `read_package`
returns the services as JSON bytes for `read.read_hsds`: from `services.json`, or rebuilt from the
CSV tables when only those are present.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from .vocabulary import DEMO_CODE, MARKER_TAXONOMY

# The scalar columns of each table as listed in HSDS 3.0 simple/schema.csv (arrays and nested
# objects are rows of other tables). The tests compare these lists with the official file.
TABLES: dict[str, list[str]] = {
    "organization": ["id", "name", "alternate_name", "description", "email", "website",
                     "year_incorporated", "legal_status", "logo", "uri",
                     "parent_organization_id"],
    "service": ["id", "organization_id", "program_id", "name", "alternate_name", "description",
                "url", "email", "status", "interpretation_services", "application_process",
                "fees_description", "accreditations", "eligibility_description", "minimum_age",
                "maximum_age", "assured_date", "assurer_email", "alert", "program",
                "organization"],
    "location": ["id", "location_type", "url", "organization_id", "name", "alternate_name",
                 "description", "transportation", "latitude", "longitude",
                 "external_identifier", "external_identifier_type"],
    "service_at_location": ["id", "service_id", "location_id", "description", "location"],
    "schedule": ["id", "service_id", "location_id", "service_at_location_id", "valid_from",
                 "valid_to", "dtstart", "timezone", "until", "count", "wkst", "freq", "interval",
                 "byday", "byweekno", "bymonthday", "byyearday", "description", "opens_at",
                 "closes_at", "schedule_link", "attending_type", "notes"],
    "language": ["id", "service_id", "location_id", "phone_id", "name", "code", "note"],
    "funding": ["id", "organization_id", "service_id", "source"],
    "service_area": ["id", "service_id", "name", "description", "extent", "extent_type", "uri"],
    "taxonomy": ["id", "name", "description", "uri"],
    "taxonomy_term": ["id", "code", "name", "description", "parent_id", "taxonomy", "language",
                      "taxonomy_id", "term_uri"],
    "attribute": ["id", "link_id", "taxonomy_term_id", "link_type", "link_entity", "value",
                  "taxonomy_term"],
    "phone": ["id", "location_id", "service_id", "organization_id", "contact_id",
              "service_at_location_id", "number", "extension", "type", "description"],
    "address": ["id", "location_id", "attention", "address_1", "address_2", "city", "region",
                "state_province", "postal_code", "country", "address_type"],
    "accessibility": ["id", "location_id", "description", "details", "url"],
    "required_document": ["id", "service_id", "document"],
    "contact": ["id", "organization_id", "service_id", "service_at_location_id", "location_id",
                "name", "title", "department", "email"],
}  # fmt: skip
NUMBER_COLUMNS = {"latitude", "longitude", "minimum_age", "maximum_age", "count", "interval"}
JSON_FILES = ("services", "organizations", "taxonomies", "taxonomy_terms")


class _Tables:
    """Collects rows per table, once per id, in the order first seen."""

    def __init__(self) -> None:
        self.rows: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in TABLES}

    def add(self, table: str, item: dict[str, Any], **links: Any) -> None:
        row = {column: item.get(column) for column in TABLES[table] if column in item}
        row.update({k: v for k, v in links.items() if v})
        self.rows[table].setdefault(str(item["id"]), row)

    def attributes(self, owner: dict[str, Any], entity: str) -> None:
        for attribute in owner.get("attributes") or []:
            term = attribute.get("taxonomy_term") or {}
            self.add(
                "attribute",
                attribute | {"taxonomy_term": None},
                taxonomy_term_id=term.get("id"),
                link_entity=entity,
            )
            self.term(term)

    def term(self, term: dict[str, Any]) -> None:
        if not term.get("id"):
            return
        taxonomy = term.get("taxonomy_detail") or {}
        if taxonomy.get("id"):
            self.add("taxonomy", taxonomy)
        self.add("taxonomy_term", term)

    def schedules(self, items: list[dict[str, Any]]) -> None:
        for schedule in items or []:
            self.add("schedule", schedule)

    def service(self, service: dict[str, Any]) -> None:
        organization = service.get("organization") or {}
        if organization.get("id"):
            self.add("organization", organization)
            self.attributes(organization, "organization")
            for phone in organization.get("phones") or []:
                self.add("phone", phone)
        self.add("service", service | {"organization": None})
        self.attributes(service, "service")
        for key, table in (
            ("phones", "phone"),
            ("languages", "language"),
            ("service_areas", "service_area"),
            ("required_documents", "required_document"),
            ("contacts", "contact"),
        ):
            for item in service.get(key) or []:
                self.add(table, item)
        self.schedules(service.get("schedules") or [])
        for funding in service.get("funding") or []:
            self.add("funding", funding)
            self.attributes(funding, "funding")
        for sal in service.get("service_at_locations") or []:
            location = sal.get("location") or {}
            self.add("service_at_location", sal | {"location": None})
            self.schedules(sal.get("schedules") or [])
            if location.get("id"):
                self.add("location", location)
                self.attributes(location, "location")
                for address in location.get("addresses") or []:
                    self.add("address", address)
                for item in location.get("accessibility") or []:
                    self.add("accessibility", item)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _csv(table: str, rows: list[dict[str, Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(TABLES[table])
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in TABLES[table]])
    return buffer.getvalue().encode("utf-8")


def _json(document: Any) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def datapackage() -> dict[str, Any]:
    return {
        "profile": "tabular-data-package",
        "name": "integrationsatlas-hsds",
        "title": "Integrationsatlas: Integrationsangebote in Sachsen (Open Referral HSDS 3.0)",
        "description": "Alle nicht gelöschten Angebote des Registers; Demo-Datensätze tragen das "
        f"Attribut mit dem Begriff {DEMO_CODE} (Taxonomie {MARKER_TAXONOMY}).",
        "resources": [
            {
                "name": table,
                "path": f"{table}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": [
                        {"name": c, "type": "number" if c in NUMBER_COLUMNS else "string"}
                        for c in columns
                    ],
                    "primaryKey": "id",
                },
            }
            for table, columns in TABLES.items()
        ]
        + [
            {"name": f"{name}-json", "path": f"{name}.json", "format": "json"}
            for name in JSON_FILES
        ],
    }


def package_files(services: list[dict[str, Any]]) -> dict[str, bytes]:
    """File name -> content of the whole package for these HSDS services."""
    tables = _Tables()
    for service in services:
        tables.service(service)
    files = {
        f"{table}.csv": _csv(table, list(rows.values())) for table, rows in tables.rows.items()
    }
    files["services.json"] = _json(services)
    files["organizations.json"] = _json(list(tables.rows["organization"].values()))
    files["taxonomies.json"] = _json(list(tables.rows["taxonomy"].values()))
    files["taxonomy_terms.json"] = _json(list(tables.rows["taxonomy_term"].values()))
    files["datapackage.json"] = _json(datapackage())
    return files


def write_package(directory: Path, services: list[dict[str, Any]]) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in package_files(services).items():
        path = directory / name
        path.write_bytes(content)
        written.append(path)
    return written


# --- reading ---------------------------------------------------------------------------------


def _read_table(directory: Path, table: str) -> list[dict[str, Any]]:
    path = directory / f"{table}.csv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [
            {k: v for k, v in row.items() if k and v not in (None, "")}
            for row in csv.DictReader(handle)
        ]


def services_from_tables(directory: Path) -> list[dict[str, Any]]:
    """Nest the tabular rows back into HSDS service objects (the shape `read_hsds` reads)."""
    t = {table: _read_table(directory, table) for table in TABLES}
    terms = {row["id"]: row for row in t["taxonomy_term"]}

    def by(table: str, key: str) -> dict[str, list[dict[str, Any]]]:
        grouped: dict[str, list[dict[str, Any]]] = {}
        for row in t[table]:
            if row.get(key):
                grouped.setdefault(row[key], []).append(row)
        return grouped

    attributes = {
        link: [a | {"taxonomy_term": terms.get(a.get("taxonomy_term_id", ""), {})} for a in rows]
        for link, rows in by("attribute", "link_id").items()
    }
    organizations = {row["id"]: row for row in t["organization"]}
    locations = {row["id"]: row for row in t["location"]}
    addresses, access = by("address", "location_id"), by("accessibility", "location_id")
    sal_by_service = by("service_at_location", "service_id")
    schedules_by_sal = by("schedule", "service_at_location_id")
    phones, languages = by("phone", "service_id"), by("language", "service_id")
    org_phones, contacts = by("phone", "organization_id"), by("contact", "service_id")
    areas, documents = by("service_area", "service_id"), by("required_document", "service_id")
    schedules, fundings = by("schedule", "service_id"), by("funding", "service_id")
    services = []
    for row in t["service"]:
        sid = row["id"]
        service = dict(row)
        organization = dict(organizations.get(row.get("organization_id", ""), {}))
        if organization:
            organization["attributes"] = attributes.get(organization["id"], [])
            organization["phones"] = org_phones.get(organization["id"], [])
        service["organization"] = organization
        service["contacts"] = contacts.get(sid, [])
        service["attributes"] = attributes.get(sid, [])
        service["phones"] = phones.get(sid, [])
        service["languages"] = languages.get(sid, [])
        service["service_areas"] = areas.get(sid, [])
        service["required_documents"] = documents.get(sid, [])
        service["schedules"] = [
            s for s in schedules.get(sid, []) if not s.get("service_at_location_id")
        ]
        service["funding"] = [
            f | {"attributes": attributes.get(f["id"], [])} for f in fundings.get(sid, [])
        ]
        service["service_at_locations"] = []
        for sal in sal_by_service.get(sid, []):
            location = dict(locations.get(sal.get("location_id", ""), {}))
            if location:
                lid = location["id"]
                location["addresses"] = addresses.get(lid, [])
                location["accessibility"] = access.get(lid, [])
                location["attributes"] = attributes.get(lid, [])
            service["service_at_locations"].append(
                sal | {"location": location, "schedules": schedules_by_sal.get(sal["id"], [])}
            )
        services.append(service)
    return services


def read_package(directory: Path) -> bytes:
    """The package's services as JSON bytes: services.json, else rebuilt from the CSV tables."""
    services_json = directory / "services.json"
    if services_json.exists():
        return services_json.read_bytes()
    if not (directory / "service.csv").exists():
        raise FileNotFoundError(f"{directory}: weder services.json noch service.csv gefunden")
    return _json(services_from_tables(directory))
