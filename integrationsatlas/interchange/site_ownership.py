"""Which stored sites an import may reuse: only the importing provider's own, by external id.

A site id in a file that belongs to another provider's site is refused with its place in the
file: reusing it would attach the service to that site and overwrite its address. The sites
that are reused are listed in the import's summary.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from integrationsatlas.registry.models import Location, Organization

from .drafts import Draft
from .problems import Problem
from .writer import find_location


def _is_own(location: Location, organization: Organization | None) -> bool:
    if organization is None or organization.pk is None:
        return False  # a provider the import creates owns no site yet
    if location.organization_id is not None:
        return location.organization_id == organization.pk
    # Sites without an owner (older rows): own if no other provider's service uses them.
    return not location.service_at_locations.exclude(
        service__organization_id=organization.pk
    ).exists()


def check_sites(draft: Draft, organization: Organization | None, column: str) -> list[str]:
    """Refuse other providers' site ids in `draft`; return the ids of own sites it reuses.

    A draft refused already (e.g. another provider's service) gets no second message about
    that provider's sites.
    """
    if not draft.is_valid:
        return []
    matched = []
    for row in draft.payload.get("locations") or []:
        key = row.get("external_id") or ""
        location = find_location(key)
        if location is None:
            continue
        if _is_own(location, organization):
            matched.append(key)
            continue
        draft.problems.append(
            Problem(
                draft.row,
                draft.location_columns.get(key, column),
                _(
                    "Die Standort-ID „%(id)s“ gehört zu einem Standort eines anderen Trägers; "
                    "bitte eine eigene ID verwenden."
                )
                % {"id": key},
            )
        )
    return matched
