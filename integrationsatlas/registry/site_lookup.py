"""Which stored site a payload's site row names, and whether that service may update it.

A row names a site by its row id (`id`, as the edit form and stored snapshots carry it) or by
its external id (as files do; `ia-location-<pk>` is the id exports give a site without one).
A service may update a named site when the site is linked to it, belongs to the service's
provider, or belongs to nobody and no other provider's service uses it (older rows). Anything
else is not its site: the row then becomes a new site, so a payload can never change
another provider's rows. The workflow, the direct import, the bulk import and the import's
site check all ask this one rule.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Q

from .models import Location, ServiceAtLocation

EXPORT_PREFIX = "ia-location-"


def _row_id(value: Any) -> int | None:
    if value in (None, "") or isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _numbered(key: str) -> int | None:
    number = key.removeprefix(EXPORT_PREFIX)
    return int(number) if key.startswith(EXPORT_PREFIX) and number.isdigit() else None


class SiteLookup:
    """The stored sites that `rows` name, with their users, loaded in two queries for all rows."""

    def __init__(self, rows: Iterable[dict[str, Any]]):
        ids: set[int] = set()
        keys: set[str] = set()
        for row in rows:
            if (pk := _row_id(row.get("id"))) is not None:
                ids.add(pk)
            if key := row.get("external_id") or "":
                keys.add(key)
                if (number := _numbered(key)) is not None:
                    ids.add(number)
        found = (
            Location.objects.filter(Q(pk__in=ids) | Q(external_id__in=keys)) if ids or keys else []
        )
        self._by_pk = {location.pk: location for location in found}
        self._by_key = {loc.external_id: loc for loc in self._by_pk.values() if loc.external_id}
        # Per site: the services using it and their providers.
        self._users: dict[int, list[tuple[int, int]]] = defaultdict(list)
        links = ServiceAtLocation.objects.filter(location_id__in=list(self._by_pk))
        for location_id, service_id, organization_id in links.values_list(
            "location_id", "service_id", "service__organization_id"
        ):
            self._users[location_id].append((service_id, organization_id))

    def by_key(self, key: str | None) -> Location | None:
        """The site with this external id (or export id `ia-location-<pk>`), whoever owns it."""
        if not key:
            return None
        found = self._by_key.get(key)
        if found is None and (number := _numbered(key)) is not None:
            candidate = self._by_pk.get(number)
            if candidate is not None and candidate.external_id is None:
                found = candidate
        return found

    def may_update(
        self, location: Location, organization_id: int | None, service_id: int | None = None
    ) -> bool:
        """Whether the service (`service_id`, None while new) of this provider may update it."""
        users = self._users.get(location.pk, [])
        if service_id is not None and any(used_by == service_id for used_by, _org in users):
            return True
        if organization_id is None:
            return False  # a provider that does not exist yet owns no site
        if location.organization_id is not None:
            return location.organization_id == organization_id
        return all(org == organization_id for _service, org in users)

    def updatable(
        self, row: dict[str, Any], organization_id: int | None, service_id: int | None = None
    ) -> Location | None:
        """The stored site `row` names that this service may update, or None (a new site)."""
        by_id = self._by_pk.get(_row_id(row.get("id")))  # type: ignore[arg-type]
        for candidate in (by_id, self.by_key(row.get("external_id"))):
            if candidate is not None and self.may_update(candidate, organization_id, service_id):
                return candidate
        return None
