"""Who hears of an event: the coordinators who review a service, or its provider's editors.

The rules themselves live in registry/permissions.py; this only asks them.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from integrationsatlas.registry import workflow
from integrationsatlas.registry.models import ChangeRequest, Membership, Service


def reviewers(change: ChangeRequest) -> list:
    """Coordinators who may approve this change (their Kreis or Gemeinde covers the service)."""
    users = (
        get_user_model()
        .objects.filter(is_active=True, memberships__role=Membership.Role.COORDINATOR)
        .distinct()
        .order_by("pk")
    )
    return [user for user in users if workflow.can_approve(user, change)]


def editors(service: Service) -> list:
    """The provider's editors: people with a provider role for the service's organization."""
    return list(
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__role=Membership.Role.PROVIDER,
            memberships__organization_id=service.organization_id,
        )
        .distinct()
        .order_by("pk")
    )
