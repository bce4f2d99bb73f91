"""The three demo accounts (provider, coordinator, state administrator) and their memberships."""

from __future__ import annotations

import os
import secrets

from django.contrib.auth import get_user_model
from django.db import transaction

from ..models import Membership, Organization

COORDINATOR_KREIS = "14628"  # Sächsische Schweiz-Osterzgebirge: the coordinator's region
DEMO_USERS = {
    "demo-traeger": Membership.Role.PROVIDER,
    "demo-koordination": Membership.Role.COORDINATOR,
    "demo-admin": Membership.Role.STATE_ADMIN,
}


@transaction.atomic
def create_demo_users(password: str | None = None) -> dict[str, str]:
    """The three demo accounts with their roles; returns {username: password}.

    The password comes from the argument, else env DEMO_PASSWORD, else is generated.
    """
    password = password or os.environ.get("DEMO_PASSWORD") or secrets.token_urlsafe(12)
    user_model = get_user_model()
    organization = (
        Organization.objects.filter(
            is_demo=True, external_id__startswith=f"demo-org-{COORDINATOR_KREIS}"
        )
        .order_by("external_id")
        .first()
    )
    if organization is None:
        raise ValueError("Keine Demo-Träger vorhanden: zuerst `integrationsatlas load-demo`.")
    result = {}
    for username, role in DEMO_USERS.items():
        user, _ = user_model.objects.get_or_create(username=username)
        user.set_password(password)
        user.is_staff = role == Membership.Role.STATE_ADMIN
        user.save()
        Membership.objects.filter(user=user).delete()
        Membership.objects.create(
            user=user,
            role=role,
            organization=organization if role == Membership.Role.PROVIDER else None,
            region_id=COORDINATOR_KREIS if role == Membership.Role.COORDINATOR else None,
        )
        result[username] = password
    return result
