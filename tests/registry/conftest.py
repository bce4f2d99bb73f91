"""Registry fixtures: two providers, coordinators of Dresden and Leipzig, an administrator.

Builders come from tests/factories.py; `site` here adds the empty exception list the
registry's forms send."""

from __future__ import annotations

import pytest

from integrationsatlas.registry.models import Membership, Organization
from tests.factories import PASSWORD, make_user, schedule, service_payload
from tests.factories import site as any_site

__all__ = ["schedule"]

DRESDEN = "14612000"  # kreisfreie Stadt Dresden (Kreis 14612)
LEIPZIG = "14713000"
DRESDEN_POINTS = [(13.7373, 51.0504), (13.7283, 51.0400)]  # Altmarkt, Hauptbahnhof area
LEIPZIG_POINT = (12.3731, 51.3397)


def site(point, *place, **fields):
    return any_site(point, *place, **{"exceptions": [], **fields})


def payload(organization, **overrides):
    data = service_payload(
        organization,
        locations=[site(DRESDEN_POINTS[0])],
        fundings=[
            {"funder_level": "bund", "programme": "MBE", "start": "2025-01-01", "end": "2027-12-31"}
        ],
    )
    data.update(overrides)
    return data


def _user(username, role=None, **membership):
    return make_user(username, role, password=PASSWORD, **membership)


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
