"""Registry fixtures: two providers, coordinators of Dresden and Leipzig, an administrator."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from integrationsatlas.registry.models import Membership, Organization

DRESDEN = "14612000"  # kreisfreie Stadt Dresden (Kreis 14612)
LEIPZIG = "14713000"
DRESDEN_POINTS = [(13.7373, 51.0504), (13.7283, 51.0400)]  # Altmarkt, Hauptbahnhof area
LEIPZIG_POINT = (12.3731, 51.3397)


def schedule(weekday=1, opens="09:00", closes="12:00", **extra):
    return {"weekday": weekday, "opens_at": opens, "closes_at": closes, **extra}


def site(point, address="Altmarkt 1", postal_code="01067", city="Dresden", schedules=None):
    return {
        "address": address,
        "postal_code": postal_code,
        "city": city,
        "longitude": point[0],
        "latitude": point[1],
        "schedules": schedules if schedules is not None else [schedule()],
        "exceptions": [],
    }


def payload(organization, **overrides):
    data = {
        "name": "Migrationsberatung Altmarkt",
        "description": "Beratung für Erwachsene",
        "offer_type": "mbe",
        "organization": organization.pk,
        "languages": ["de", "ar"],
        "target_groups": ["adults"],
        "status": "active",
        "is_free": True,
        "locations": [site(DRESDEN_POINTS[0])],
        "service_area": [],
        "fundings": [
            {"funder_level": "bund", "programme": "MBE", "start": "2025-01-01", "end": "2027-12-31"}
        ],
    }
    data.update(overrides)
    return data


def _user(username, role=None, **membership):
    # An e-mail address, so notifications (tests/notifications) can reach every user.
    user = get_user_model().objects.create_user(
        username, email=f"{username}@example.org", password="pw-Registry-2026"
    )
    if role:
        Membership.objects.create(user=user, role=role, **membership)
    return user


@pytest.fixture
def org_a(db):
    return Organization.objects.create(name="Träger A")


@pytest.fixture
def org_b(db):
    return Organization.objects.create(name="Träger B")


@pytest.fixture
def provider_a(org_a):
    return _user("anna", Membership.Role.PROVIDER, organization=org_a)


@pytest.fixture
def provider_b(org_b):
    return _user("bert", Membership.Role.PROVIDER, organization=org_b)


@pytest.fixture
def coordinator_dresden(db):
    return _user("dora", Membership.Role.COORDINATOR, region_id="14612")


@pytest.fixture
def coordinator_leipzig(db):
    return _user("lena", Membership.Role.COORDINATOR, region_id="14713")


@pytest.fixture
def admin_user(db):
    return _user("admina", Membership.Role.STATE_ADMIN)
