"""Who may see, edit, review and restore which registry objects: the one place the rules live.

Roles come from `Membership` rows:
- provider editor: the services of their own organizations;
- municipal coordinator: the services located in or serving their region (a Kreis covers
  its Gemeinden);
- state administrator (or a Django superuser): everything.
Anonymous users see only published, undeleted data.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import Membership, Organization, Service


def _memberships(user) -> list[Membership]:
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_integrationsatlas_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).select_related("region"))
        user._integrationsatlas_memberships = cached
    return cached


def is_state_admin(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or any(
        m.role == Membership.Role.STATE_ADMIN for m in _memberships(user)
    )


def is_planner(user) -> bool:
    """Planning pages: planners, coordinators and administrators."""
    roles = {m.role for m in _memberships(user)}
    return is_state_admin(user) or bool(
        roles & {Membership.Role.PLANNER, Membership.Role.COORDINATOR}
    )


def organization_ids(user) -> set[int]:
    return {
        m.organization_id
        for m in _memberships(user)
        if m.role == Membership.Role.PROVIDER and m.organization_id
    }


def coordinator_region_keys(user) -> set[str]:
    return {
        m.region_id
        for m in _memberships(user)
        if m.role == Membership.Role.COORDINATOR and m.region_id
    }


def _region_filter(keys: set[str], prefix: str = "") -> Q:
    """Services located in or serving any region whose key starts with one of `keys`.

    AGS keys nest (Kreis 14625 is the prefix of its Gemeinden 14625xxx), so a prefix match
    on the Gemeinde key covers a Kreis and its Gemeinden at once.
    """
    query = Q(pk__in=[])
    for key in keys:
        query |= Q(**{f"{prefix}locations__gemeinde__ags__startswith": key})
        query |= Q(**{f"{prefix}service_area__ags__startswith": key})
        # A service area may name the Kreis itself, or the Land that contains the key.
        query |= Q(**{f"{prefix}service_area__ags": key[:5]})
    return query


def editable_services(user) -> QuerySet[Service]:
    """Services this user may edit (providers: drafts that need review)."""
    if is_state_admin(user):
        return Service.objects.all()
    if not getattr(user, "is_authenticated", False):
        return Service.objects.none()
    query = Q(organization_id__in=organization_ids(user))
    regions = coordinator_region_keys(user)
    if regions:
        query |= _region_filter(regions)
    return Service.objects.filter(query).distinct()


def reviewable_services(user) -> QuerySet[Service]:
    """Services whose changes this user may approve: coordinators' regions, or everything for admins."""
    if is_state_admin(user):
        return Service.objects.all()
    regions = coordinator_region_keys(user)
    if not regions:
        return Service.objects.none()
    return Service.objects.filter(_region_filter(regions)).distinct()


def can_edit_service(user, service: Service) -> bool:
    return editable_services(user).filter(pk=service.pk).exists()


def can_review_service(user, service: Service) -> bool:
    return reviewable_services(user).filter(pk=service.pk).exists()


def can_record_figures(user, service: Service) -> bool:
    """Yearly activity figures (KomIntAVO § 14) are kept by whoever may edit the service: its
    provider's editors, the coordinators of its region and administrators. They are reporting
    data, not public content, so they apply at once (the history keeps every edit)."""
    return can_edit_service(user, service)


def can_restore(user, service: Service) -> bool:
    """Restoring an earlier state is for coordinators of the region and administrators."""
    return can_review_service(user, service)


def can_create_for(user, organization: Organization) -> bool:
    if is_state_admin(user):
        return True
    return organization.pk in organization_ids(user) or bool(coordinator_region_keys(user))


def editable_organizations(user) -> QuerySet[Organization]:
    if is_state_admin(user) or coordinator_region_keys(user):
        return Organization.objects.filter(is_deleted=False)
    return Organization.objects.filter(pk__in=organization_ids(user), is_deleted=False)


def needs_review(user, service: Service) -> bool:
    """A provider's change waits for a coordinator; a coordinator's or admin's applies at once."""
    return not can_review_service(user, service)


def _covers(keys: set[str], ags: str | None) -> bool:
    """Same rule as `_region_filter`, for one region key of a proposed state."""
    if not ags:
        return False
    return any(ags.startswith(key) or ags == key[:5] for key in keys)


def can_review_snapshot(user, payload: dict) -> bool:
    """May this user review the PROPOSED state: a site or a served region inside their regions?

    Judged on the proposal too, so nobody approves (or directly applies) a move of a service
    into a region they do not coordinate.
    """
    if is_state_admin(user):
        return True
    keys = coordinator_region_keys(user)
    if not keys:
        return False
    from .validation import proposed_gemeinden

    regions = list(payload.get("service_area") or []) + proposed_gemeinden(payload)
    return any(_covers(keys, str(ags)) for ags in regions)


def can_apply_directly(user, service: Service | None, payload: dict) -> bool:
    """Reviewers apply a proposed state at once if they may review both the current and the
    proposed one; everyone else's change waits for review."""
    if is_state_admin(user):
        return True
    if not can_review_snapshot(user, payload):
        return False
    if service is None or not service.is_published:
        return True
    return can_review_service(user, service)


def indicator_scope(user) -> set[str] | None:
    """Region keys whose statistics a person may import or withdraw: None means every region
    (state administrators); coordinators their regions (a Kreis covers its Gemeinden);
    an empty set means none."""
    if is_state_admin(user):
        return None
    return coordinator_region_keys(user)
