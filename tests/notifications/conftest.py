"""Notification fixtures: the registry's providers, coordinators and payloads (one home)."""

from tests.registry.conftest import (  # noqa: F401 (fixtures are found by name)
    DRESDEN,
    DRESDEN_POINTS,
    LEIPZIG,
    LEIPZIG_POINT,
    admin_user,
    coordinator_dresden,
    coordinator_leipzig,
    org_a,
    org_b,
    payload,
    provider_a,
    provider_b,
    schedule,
    site,
)
