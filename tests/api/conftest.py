"""API fixtures: a small published registry in Dresden, users of every role, and their tokens."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from integrationsatlas.api.models import ApiToken
from integrationsatlas.registry.models import (
    Funding,
    Location,
    Membership,
    Organization,
    Schedule,
    ScheduleException,
    Service,
    ServiceAtLocation,
)
from integrationsatlas.taxonomy.models import OfferType
from tests.factories import make_user, schedule, service_payload, site

ALTMARKT = (13.7373, 51.0504)


def new_payload(organization, **overrides):
    """A language café in Dresden-Neustadt, as a provider sends it to the API."""
    data = service_payload(
        organization,
        name="Sprachcafé Neustadt",
        description="Deutsch üben bei Kaffee",
        offer_type="language_cafe",
        languages=["de", "uk"],
        target_groups=["all"],
        locations=[
            site(
                (13.7530, 51.0660),
                address="Alaunstraße 1",
                postal_code="01099",
                schedules=[schedule(3, "16:00", "18:00")],
            )
        ],
        fundings=[{"funder_level": "gemeinde", "programme": "Stadtteilfonds"}],
    )
    data.update(overrides)
    return data


def _user(username, role=None, **membership):
    return make_user(username, role, **membership)


@pytest.fixture
def org(db):
    return Organization.objects.create(name="Träger Elbe", description="Beratung", phone="0351 1")


@pytest.fixture
def other_org(db):
    return Organization.objects.create(name="Träger Pleiße")


@pytest.fixture
def published(org):
    """A published Dresden service with a site, weekly hours, an exception and funding."""
    service = Service.objects.create(
        organization=org,
        offer_type=OfferType.objects.get(code="mbe"),
        name="Migrationsberatung Altmarkt",
        description="Beratung für Erwachsene",
        languages=["de", "ar"],
        target_groups=["adults"],
        email="mbe@example.org",
        phone="0351 123",
        website="https://example.org/mbe",
        contact_name="Frau Beispiel",
        required_documents="Pass\nAufenthaltstitel",
        is_published=True,
    )
    location = Location.objects.create(
        organization=org,
        address="Altmarkt 1",
        postal_code="01067",
        city="Dresden",
        longitude=ALTMARKT[0],
        latitude=ALTMARKT[1],
        wheelchair_accessible=True,
    )
    sal = ServiceAtLocation.objects.create(service=service, location=location)
    for weekday in range(1, 8):
        Schedule.objects.create(
            service_at_location=sal,
            weekday=weekday,
            opens_at=dt.time(0, 0),
            closes_at=dt.time(23, 59),
        )
    ScheduleException.objects.create(service_at_location=sal, date=dt.date(2030, 12, 24))
    Funding.objects.create(
        service=service, funder_level="bund", programme="MBE", end=dt.date(2027, 12, 31)
    )
    service.service_area.add("14612")
    return service


@pytest.fixture
def demo_service(org):
    service = Service.objects.create(
        organization=org,
        offer_type=OfferType.objects.get(code="library"),
        name="Demo-Bibliothek",
        is_demo=True,
        is_published=True,
        is_free=False,
        fee_description="10 EUR im Jahr",
        by_phone=True,
    )
    Schedule.objects.create(service=service, weekday=2, opens_at=dt.time(9), closes_at=dt.time(12))
    return service


@pytest.fixture
def hidden(org):
    return Service.objects.create(
        organization=org, offer_type=OfferType.objects.get(code="kita"), name="Unveröffentlicht"
    )


@pytest.fixture
def users(org, db):
    return {
        "provider": _user("pia", Membership.Role.PROVIDER, organization=org),
        "coordinator": _user("cora", Membership.Role.COORDINATOR, region_id="14612"),
        "other_coordinator": _user("leo", Membership.Role.COORDINATOR, region_id="14713"),
        "admin": _user("ada", Membership.Role.STATE_ADMIN),
        "planner": _user("paul", Membership.Role.PLANNER),
        "nobody": _user("nora"),
    }


@pytest.fixture
def tokens(users):
    return {role: ApiToken.issue(user, f"Test {role}")[1] for role, user in users.items()}


@pytest.fixture
def api(tokens):
    """`api(role)` is a test client sending that role's bearer token (None: anonymous)."""

    def client_for(role: str | None) -> Client:
        if role is None or role == "anonymous":
            return Client()
        return Client(HTTP_AUTHORIZATION=f"Bearer {tokens[role]}")

    return client_for
