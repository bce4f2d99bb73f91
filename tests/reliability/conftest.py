"""Reliability fixtures: one service of organization A in Kreis X, and a user of every role."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.test import Client

from integrationsatlas.registry import workflow
from integrationsatlas.registry.models import Membership, Organization, Service
from tests.factories import make_user, schedule, site
from tests.factories import service_payload as any_service

KREIS_X = "14628"  # Sächsische Schweiz-Osterzgebirge
KREIS_Y = "14713"  # Leipzig
PIRNA = (13.9403, 50.9624)  # a site in Kreis X

ROLES = ("anonymous", "provider_a", "provider_b", "coordinator_x", "coordinator_y", "state_admin")


def service_payload(organization: Organization, **overrides) -> dict:
    """A complete service located in Pirna (Kreis X) with weekly hours and funding."""
    data = any_service(
        organization,
        name="Migrationsberatung Pirna",
        locations=[
            site(
                PIRNA,
                address="Markt 1",
                postal_code="01796",
                city="Pirna",
                schedules=[schedule(2)],
                exceptions=[],
            )
        ],
    )
    data.update(overrides)
    return data


@dataclass
class World:
    org_a: Organization
    org_b: Organization
    users: dict
    service: Service
    extra: dict = field(default_factory=dict)

    def client(self, role: str) -> Client:
        client = Client()
        if role != "anonymous":
            client.force_login(self.users[role])
        return client

    def refresh(self) -> Service:
        return Service.objects.get(pk=self.service.pk)


def _user(username: str, role: str | None = None, **scope):
    return make_user(username, role, **scope)


@pytest.fixture
def world(db) -> World:
    org_a = Organization.objects.create(name="Träger A")
    org_b = Organization.objects.create(name="Träger B")
    users = {
        "provider_a": _user("anna", Membership.Role.PROVIDER, organization=org_a),
        "provider_b": _user("bert", Membership.Role.PROVIDER, organization=org_b),
        "coordinator_x": _user("xaver", Membership.Role.COORDINATOR, region_id=KREIS_X),
        "coordinator_y": _user("yvonne", Membership.Role.COORDINATOR, region_id=KREIS_Y),
        "state_admin": _user("ada", Membership.Role.STATE_ADMIN),
    }
    service, change = workflow.save_service(
        users["state_admin"], None, service_payload(org_a), reason="Angelegt"
    )
    assert change is None and service.is_published
    return World(org_a, org_b, users, service)
