"""HSDS writer and reader agree: one service with every field the mapping keeps, none at its
default, goes out through the export and back in through the import unchanged.

The demo data behind the other round trips leaves many fields empty or at their default, so a
code that the writer and the reader spell differently could pass there unnoticed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from integrationsatlas.interchange.exporter import export_services
from integrationsatlas.interchange.importer import import_file
from integrationsatlas.registry.models import (
    Funding,
    Location,
    Organization,
    Schedule,
    ScheduleException,
    Service,
    ServiceAtLocation,
)
from integrationsatlas.registry.workflow import service_snapshot
from integrationsatlas.taxonomy.models import OfferType

pytestmark = pytest.mark.django_db

ORGANIZATION_FIELDS = ("external_id", "name", "description", "email", "phone", "website", "is_demo")


def _every_field(status: str) -> Service:
    org = Organization.objects.create(
        external_id="rt-org",
        name="Rundreise e. V.",
        description="Beratung und Begleitung",
        email="info@rundreise.example.org",
        phone="0351 555",
        website="https://rundreise.example.org",
        is_demo=True,
    )
    service = Service.objects.create(
        external_id="rt-svc",
        is_published=True,  # exports hold published services only
        organization=org,
        offer_type=OfferType.objects.get(code="mbe"),
        name="Beratung Rundreise",
        description="Migrationsberatung für Erwachsene",
        translations={"en": {"name": "Round-trip counselling", "description": "For adults"}},
        target_groups=["adults", "refugees"],
        languages=["de", "ar", "uk"],
        is_free=False,
        fee_description="5 EUR je Termin",
        eligibility="ab 27 Jahren",
        required_documents="Pass\nMeldebescheinigung",
        status=status,
        capacity=2.5,
        email="beratung@rundreise.example.org",
        phone="0351 556",
        website="https://rundreise.example.org/beratung",
        contact_name="Frau Beispiel",
        by_phone=True,
        online=True,
        is_demo=True,
    )
    service.service_area.add("14612", "14625")
    Schedule.objects.create(
        service=service,
        weekday=Schedule.Weekday.SATURDAY,
        opens_at=dt.time(10, 0),
        closes_at=dt.time(12, 30),
        valid_from=dt.date(2026, 1, 1),
        valid_to=dt.date(2026, 12, 31),
        note="nur telefonisch",
    )
    ScheduleException.objects.create(
        service=service, date=dt.date(2026, 12, 31), closed=False,
        opens_at=dt.time(9, 0), closes_at=dt.time(11, 0), note="Silvester",
    )  # fmt: skip
    Funding.objects.create(
        service=service,
        funder_level=Funding.FunderLevel.LAND,
        funder_name="Freistaat Sachsen",
        programme="Integrative Maßnahmen",
        amount_per_year=Decimal("45000.50"),
        share=0.6,
        start=dt.date(2025, 1, 1),
        end=dt.date(2027, 12, 31),
    )
    Funding.objects.create(service=service, funder_level=Funding.FunderLevel.OWN, share=0.4)
    location = Location.objects.create(
        external_id="rt-loc",
        organization=org,
        name="Beratungsstelle Altmarkt",
        address="Altmarkt 1",
        postal_code="01067",
        city="Dresden",
        longitude=13.7373,
        latitude=51.0504,
        wheelchair_accessible=True,
        accessibility_notes="Aufzug im Hof",
        transit_notes="Straßenbahn 1, 2, 4 bis Altmarkt",
        is_demo=True,
    )
    link = ServiceAtLocation.objects.create(service=service, location=location)
    Schedule.objects.create(
        service_at_location=link, weekday=Schedule.Weekday.TUESDAY,
        opens_at=dt.time(9, 0), closes_at=dt.time(12, 0), note="mit Termin",
    )  # fmt: skip
    ScheduleException.objects.create(
        service_at_location=link, date=dt.date(2026, 12, 24), note="Heiligabend"
    )
    return service


def _state(service: Service) -> dict:
    """What the mapping promises to keep, without database ids."""
    snapshot = service_snapshot(service)
    snapshot.pop("organization")
    for location in snapshot["locations"]:
        location.pop("id")
        location["is_demo"] = Location.objects.get(external_id=location["external_id"]).is_demo
    org = service.organization
    snapshot["organization"] = {field: getattr(org, field) for field in ORGANIZATION_FIELDS}
    return snapshot


@pytest.mark.parametrize("status", Service.Status.values)
def test_every_field_survives_export_and_import(status):
    before = _state(_every_field(status))
    exported = export_services("hsds")

    Service.objects.all().delete()
    Location.objects.all().delete()
    Organization.objects.all().delete()
    result = import_file(exported, "rundreise.json", "hsds")

    assert not result.problems and not result.warnings, (result.problems, result.warnings)
    assert _state(Service.objects.get()) == before
