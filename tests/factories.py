"""Test-data builders shared by every test folder: users with a role, service payloads, sites.

One home, so a new required field of a service is added here once. A folder's conftest
only says what it wants (which organization, which place), not how a service is built.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from integrationsatlas.registry.models import Membership

#: The password of users made with `password=PASSWORD` (tests that log in through the form).
PASSWORD = "pw-Registry-2026"


def make_user(
    username: str,
    role: str | None = None,
    *,
    password: str | None = None,
    superuser: bool = False,
    **membership: Any,
):
    """A user with an e-mail address (notifications reach every user) and, with `role`, a
    membership scoped by `organization=` or `region_id=`. No password: no hashing, fast."""
    user = get_user_model().objects.create_user(
        username, email=f"{username}@example.org", password=password, is_superuser=superuser
    )
    if role:
        Membership.objects.create(user=user, role=role, **membership)
    return user


def schedule(weekday: int = 1, opens: str = "09:00", closes: str = "12:00", **extra: Any) -> dict:
    return {"weekday": weekday, "opens_at": opens, "closes_at": closes, **extra}


def site(
    point: tuple[float, float],
    address: str = "Altmarkt 1",
    postal_code: str = "01067",
    city: str = "Dresden",
    schedules: list[dict] | None = None,
    **extra: Any,
) -> dict:
    """A site of a service payload at `point` (lon, lat) with weekly hours (Monday 9-12)."""
    return {
        "address": address,
        "postal_code": postal_code,
        "city": city,
        "longitude": point[0],
        "latitude": point[1],
        "schedules": schedules if schedules is not None else [schedule()],
        **extra,
    }


def service_payload(organization, **fields: Any) -> dict:
    """A complete, valid service as the registry's forms and API take it (a counselling
    office for adults in German and Arabic, free, active); `fields` replace any part."""
    data = {
        "name": "Migrationsberatung Altmarkt",
        "description": "Beratung für Erwachsene",
        "offer_type": "mbe",
        "organization": organization.pk,
        "languages": ["de", "ar"],
        "target_groups": ["adults"],
        "status": "active",
        "is_free": True,
        "locations": [site((13.7373, 51.0504), exceptions=[])],
        "service_area": [],
        "fundings": [{"funder_level": "bund", "programme": "MBE", "start": "2025-01-01"}],
    }
    data.update(fields)
    return data
