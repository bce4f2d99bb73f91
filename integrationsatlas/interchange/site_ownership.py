"""Which stored sites an import may reuse: only the importing provider's own, by external id.

A site id in a file that belongs to another provider's site is refused with its place in the
file: reusing it would attach the service to that site and overwrite its address. The sites
that are reused are listed in the import's summary.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from integrationsatlas.registry.models import Organization
from integrationsatlas.registry.site_lookup import SiteLookup

from .drafts import Draft
from .problems import Problem


def check_sites(draft: Draft, organization: Organization | None, column: str) -> list[str]:
    """Refuse other providers' site ids in `draft`; return the ids of own sites it reuses.

    Own means what the registry's writer may update (`registry.site_lookup`). A draft refused
    already (e.g. another provider's service) gets no second message about that provider's
    sites.
    """
    if not draft.is_valid:
        return []
    rows = draft.payload.get("locations") or []
    sites = SiteLookup({"external_id": row.get("external_id")} for row in rows)
    organization_id = organization.pk if organization is not None else None
    matched = []
    for row in rows:
        key = row.get("external_id") or ""
        location = sites.by_key(key)
        if location is None:
            continue
        if sites.may_update(location, organization_id):
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
