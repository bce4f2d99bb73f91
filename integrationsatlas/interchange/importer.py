"""Import services from CSV, XLSX or HSDS JSON: check everything, then write all or nothing.

`import_file` is what the command line and the import page call. Every write of one import
carries the history reason "Import #<batch>", and the batch keeps the state before it, so
`rollback` can restore it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from integrationsatlas.registry import permissions
from integrationsatlas.registry.history import history_reason, history_user, mark
from integrationsatlas.registry.models import (
    ChangeRequest,
    Funding,
    ImportBatch,
    Location,
    Organization,
    Service,
)
from integrationsatlas.registry.workflow import save_service

from .bulk import NewService, create_services
from .cellsafe import refuse_formulas_without_value, restore_rows
from .checks import Checker
from .deletion import delete_all, delete_services, service_ids
from .drafts import Draft
from .flat_reader import check_header, read_drafts
from .mapping import Mapped, Profile, read_rows
from .payload import export_payload
from .problems import ImportRefused, Problem
from .site_ownership import check_sites
from .sites import name_columns, place_drafts
from .tabular import SHEET
from .writer import apply_payload, find_organizations, find_service, find_services, is_unchanged

FORMATS = ("csv", "xlsx", "hsds")


@dataclass
class ImportResult:
    file_name: str
    file_format: str
    dry_run: bool
    services: int = 0  # services in the file
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    submitted: list[str] = field(default_factory=list)  # change requests awaiting review
    matched_locations: list[str] = field(default_factory=list)  # own stored sites reused
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    batch: ImportBatch | None = None
    encoding: str = ""  # CSV: the encoding detected (encodings.py)
    delimiter: str = ""
    mapped: Mapped | None = None  # set when the file's columns were mapped (mapping.py)
    estimated: list[str] = field(default_factory=list)  # sites placed at their PLZ (placement)

    @property
    def written(self) -> bool:
        return self.batch is not None

    def summary(self) -> dict[str, Any]:
        return {
            "services": self.services,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "submitted": self.submitted,
            "matched_locations": self.matched_locations,
            "problems": [p.as_dict() for p in self.problems],
            "warnings": [p.as_dict() for p in self.warnings],
            "encoding": self.encoding,
            "estimated_locations": self.estimated,
        }


def guess_format(file_name: str) -> str:
    name = file_name.lower()
    if name.endswith(".xlsx"):
        return "xlsx"
    if name.endswith(".json"):
        return "hsds"
    return "csv"


def read_drafts_from(
    data: bytes,
    fmt: str,
    checker: Checker,
    default_offer_type: str = "",
    profile: Profile | None = None,
    info: ImportResult | None = None,
):
    """The drafts of a file; `info` (if given) learns the encoding and the column mapping."""
    if fmt not in FORMATS:
        raise ImportRefused(
            [Problem(None, "-", _("unbekanntes Format „%(f)s“ (csv, xlsx, hsds).") % {"f": fmt})]
        )
    if fmt == "hsds":
        from .hsds.read import read_hsds

        return read_hsds(data, checker, default_offer_type)
    table = read_rows(data, fmt, profile, default_offer_type)
    if info is not None:
        info.encoding, info.delimiter, info.mapped = table.encoding, table.delimiter, table.mapped
    rows = table.rows
    if fmt == "xlsx":
        refuse_formulas_without_value(data, SHEET)
    else:
        rows = restore_rows(rows)  # the apostrophe an export put before formula characters
    check_header(table.header)
    return read_drafts(rows, checker)


def _check_points(drafts: list[Draft], checker: Checker) -> None:
    points = [(d, p) for d in drafts for p in d.points]
    outside = checker.outside([(p[2], p[3]) for _, p in points])
    for (draft, (row, column, lon, lat)), is_outside in zip(points, outside, strict=True):
        if is_outside:
            draft.problems.append(Problem(row, column, checker.outside_message(lon, lat)))


def _check_duplicates(drafts: list[Draft]) -> None:
    seen: dict[str, int] = {}
    for draft in drafts:
        if not draft.key:
            continue
        if draft.key in seen:
            draft.problems.append(
                Problem(
                    draft.row,
                    "id",
                    _("doppelte ID „%(id)s“ (schon an Position %(pos)s).")
                    % {"id": draft.key, "pos": seen[draft.key]},
                )
            )
        seen.setdefault(draft.key, draft.row)


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def _check_text(draft: Draft) -> None:
    """Text longer than its database column, or with a NUL character, is a problem.

    PostgreSQL refuses both at write time; found by fuzzing (tests/reliability).
    """
    payload = draft.payload
    organization = {"external_id": draft.organization_key, "name": draft.organization_name}
    checks: list[tuple[Any, dict, dict[str, str]]] = [
        (Service, payload, {"external_id": "service_id"}),
        (
            Organization,
            organization,
            {"external_id": "organization_id", "name": "organization_name"},
        ),
    ]
    checks += [
        (Location, loc, {"external_id": "location_id", "name": "location_name"})
        for loc in payload.get("locations") or []
    ]
    checks += [
        (Funding, f, {"funder_name": "funding_funder", "programme": "funding_programme"})
        for f in payload.get("fundings") or []
    ]
    for model, values, columns in checks:
        for key, value in values.items():
            column = columns.get(key, key)
            if _has_nul(value):
                draft.problems.append(
                    Problem(draft.row, column, _("enthält ein unzulässiges NUL-Zeichen."))
                )
                continue
            if not isinstance(value, str):
                continue
            try:
                limit = getattr(model._meta.get_field(key), "max_length", None)
            except FieldDoesNotExist:
                limit = None
            if limit and len(value) > limit:
                draft.problems.append(
                    Problem(
                        draft.row,
                        column,
                        _("Text ist %(n)s Zeichen lang, erlaubt sind %(max)s.")
                        % {"n": len(value), "max": limit},
                    )
                )


def _resolve_organization(
    draft: Draft, forced: Organization | None, column: str, known: dict[str, Organization]
) -> Organization | None:
    """The provider for a draft: --organization, an existing one by id, or a new one (None)."""
    if forced is not None:
        return forced
    if not draft.organization_key:
        draft.problems.append(
            Problem(
                draft.row,
                column,
                _("Pflichtfeld ist leer (oder beim Import einen Träger auswählen)."),
            )
        )
        return None
    found = known.get(draft.organization_key)
    if found is None and not draft.organization_name:
        draft.problems.append(
            Problem(
                draft.row,
                column.replace("_id", "_name") if column.endswith("_id") else column,
                _("Träger „%(id)s“ ist unbekannt; für einen neuen Träger den Namen angeben.")
                % {"id": draft.organization_key},
            )
        )
    return found


def _refuse(draft: Draft, message: str) -> None:
    draft.problems.append(Problem(draft.row, "service_id", message))


def _permitted_services(user, services: list[Service], mode: str) -> set[int]:
    """The ids among `services` this user may import into, in one query for all of them:
    what providers may edit, what coordinators may review (`_check_permission` uses it)."""
    if mode == DIRECT_ALL or not services:
        return set()
    allowed = (
        permissions.editable_services(user)
        if mode == VIA_REVIEW
        else permissions.reviewable_services(user)
    )
    return set(allowed.filter(pk__in=[s.pk for s in services]).values_list("pk", flat=True))


def _check_permission(
    user, draft: Draft, existing: Service | None, mode: str, permitted: set[int]
) -> None:
    """Admins import anything; coordinators what lies in or serves their regions; providers
    their own organization's services (as change requests, see `import_file`).

    `permitted` holds the existing services' ids the user may touch (`_permitted_services`).
    """
    if mode == DIRECT_ALL:
        return
    if mode == VIA_REVIEW:
        if existing is not None and existing.pk not in permitted:
            _refuse(
                draft,
                _("keine Berechtigung: „%(id)s“ gehört nicht zu Ihrem Träger.") % {"id": draft.key},
            )
        return
    regions = permissions.coordinator_region_keys(user)
    if existing is not None:
        allowed = existing.pk in permitted
    else:
        import numpy as np

        from integrationsatlas.regions.locate import gemeinde_keys_at

        keys = (
            gemeinde_keys_at(
                np.array([p[2] for p in draft.points]), np.array([p[3] for p in draft.points])
            )
            if draft.points
            else []
        )
        places = [k for k in keys if k] + list(draft.payload.get("service_area") or [])
        allowed = any(
            place.startswith(r) or r.startswith(place) for place in places for r in regions
        )
    if not allowed:
        _refuse(
            draft,
            _("keine Berechtigung: „%(id)s“ liegt nicht in Ihren Regionen.") % {"id": draft.key},
        )


# How an import writes: everything directly (state admins, command line), directly within the
# coordinator's regions, or as change requests a coordinator reviews (providers).
DIRECT_ALL = "direct"
DIRECT_REGIONS = "regions"
VIA_REVIEW = "review"


def import_mode(user) -> str | None:
    """How this user's imports are written (see above), or None if they may not import."""
    if user is None or permissions.is_state_admin(user):
        return DIRECT_ALL
    if permissions.coordinator_region_keys(user):
        return DIRECT_REGIONS
    if permissions.organization_ids(user):
        return VIA_REVIEW
    return None


def may_import(user) -> bool:
    """State administrators, coordinators and provider editors (for their own organization)."""
    return import_mode(user) is not None


def _provider_organization(user, organization: Organization | None) -> Organization:
    """A provider imports for one of their organizations: the chosen one, or their only one."""
    allowed = permissions.editable_organizations(user)
    if organization is not None:
        if not allowed.filter(pk=organization.pk).exists():
            raise ImportRefused(
                [
                    Problem(
                        None, "organization", _("Für diesen Träger dürfen Sie nicht importieren.")
                    )
                ]
            )
        return organization
    own = list(allowed[:2])
    if len(own) != 1:
        raise ImportRefused(
            [
                Problem(
                    None, "organization", _("Bitte wählen Sie den Träger, für den Sie importieren.")
                )
            ]
        )
    return own[0]


def _with_location_ids(payload: dict[str, Any], service: Service | None) -> dict[str, Any]:
    """The registry workflow identifies sites by row id: add the ids of the sites already linked."""
    linked = {}
    if service is not None:
        for link in service.service_at_locations.select_related("location"):
            location = link.location
            linked[location.external_id or f"ia-location-{location.pk}"] = location.pk
    payload = dict(payload)
    payload["locations"] = [
        dict(row) | {"id": linked.get(row.get("external_id") or "")}
        for row in payload.get("locations") or []
    ]
    return payload


def _plan(result: ImportResult, items: list, mode: str) -> None:
    """What writing would do with each valid service (dry run), so the counts add up to the file's.

    Each service lands in exactly one of new, changed, unchanged or submitted for review; the
    invalid ones are already in `skipped`.
    """
    for draft, target, organization in items:
        if (
            target is not None
            and organization is not None
            and is_unchanged(target, draft.payload | {"organization": organization.pk})
        ):
            result.unchanged.append(draft.key)
        elif mode == VIA_REVIEW:
            result.submitted.append(draft.key)
        else:
            (result.created if target is None else result.updated).append(draft.key)


@dataclass
class _Checked:
    """A file's drafts, each one's provider (None: created by the import) and stored service."""

    drafts: list[Draft]
    organizations: dict[int, Organization | None]
    existing: dict[int, Service | None]


def _check_against_registry(
    drafts: list[Draft],
    fmt: str,
    user,
    mode: str,
    organization: Organization | None,
    result: ImportResult,
) -> _Checked:
    """Providers, stored services, permissions and sites of every draft, in a few queries."""
    org_column = "organization" if fmt == "hsds" else "organization_id"
    location_column = "service_at_locations" if fmt == "hsds" else "location_id"
    known_orgs = find_organizations([d.organization_key for d in drafts])
    known_services = find_services([d.key for d in drafts])
    permitted = _permitted_services(user, list(known_services.values()), mode)
    checked = _Checked(drafts, {}, {})
    for index, draft in enumerate(drafts):
        checked.organizations[index] = _resolve_organization(
            draft, organization, org_column, known_orgs
        )
        checked.existing[index] = known_services.get(draft.key)
        _check_permission(user, draft, checked.existing[index], mode, permitted)
        result.matched_locations += check_sites(
            draft, checked.organizations[index], location_column
        )
    return checked


def _check_file(
    data: bytes,
    fmt: str,
    user,
    mode: str,
    organization: Organization | None,
    options: dict[str, Any],
    result: ImportResult,
) -> _Checked:
    """Read the file into drafts and check each one; problems stay on the drafts."""
    progress = options["progress"]
    checker = Checker()
    progress(_("Datei lesen"))
    drafts = read_drafts_from(
        data, fmt, checker, options["default_offer_type"], options["profile"], result
    )
    progress(_("Standorte ohne Koordinaten verorten"))
    result.estimated = place_drafts(drafts)
    progress(_("Prüfen"))
    result.services = len(drafts)
    for draft in drafts:
        _check_text(draft)
    _check_duplicates(drafts)
    _check_points(drafts, checker)
    return _check_against_registry(drafts, fmt, user, mode, organization, result)


def _collect_problems(result: ImportResult, drafts: list[Draft]) -> list[int]:
    """Every draft's problems and warnings into the result; returns the valid drafts' indexes."""
    for draft in drafts:
        result.problems += draft.problems
        result.warnings += draft.warnings
    result.problems = name_columns(result.problems, result.mapped)
    result.problems.sort(key=lambda p: (p.row or 0, p.column))
    result.skipped = [d.key or f"#{d.row}" for d in drafts if not d.is_valid]
    return [i for i, d in enumerate(drafts) if d.is_valid]


def _new_organizations(checked: _Checked, valid: list[int], who, reason: str):
    """The providers the file names and the registry does not hold, created in one insert."""
    new_orgs: dict[str, Organization] = {}
    for i in valid:
        draft = checked.drafts[i]
        if checked.organizations[i] is None and draft.organization_key not in new_orgs:
            new_orgs[draft.organization_key] = Organization(
                external_id=draft.organization_key,
                name=draft.organization_name,
                description=draft.organization_description,
                email=draft.organization_email,
                website=draft.organization_website,
                phone=draft.organization_phone,
                is_demo=bool(draft.payload.get("is_demo")),
            )
    bulk_create_with_history(
        list(new_orgs.values()), Organization, default_user=who, default_change_reason=reason
    )
    return new_orgs


@dataclass
class _Written:
    """What the batch keeps for its rollback: states before, change requests it opened."""

    before: dict[str, Any] = field(default_factory=dict)
    changes: list[int] = field(default_factory=list)
    fresh: list[NewService] = field(default_factory=list)


def _write_service(
    result: ImportResult, written: _Written, draft: Draft, target, org, user, mode, reason
) -> None:
    """One valid draft: unchanged, a change request, a new service (bulk), or a direct update."""
    payload = draft.payload | {"organization": org.pk}
    current = None if target is None else export_payload(target)
    if target is not None and is_unchanged(target, payload, current):
        result.unchanged.append(draft.key)
        return
    if target is not None:
        # The rows prefetched for the comparison go stale once the writes start.
        target._prefetched_objects_cache = {}
    if mode == VIA_REVIEW:
        service, change = save_service(
            user, target, _with_location_ids(payload, target), reason, organization=org
        )
        if target is None:
            # The workflow's proposal already names the new (unpublished) sites' ids.
            written.before[draft.key] = None
        if change is not None:
            written.changes.append(change.pk)
            result.submitted.append(draft.key)
        else:
            (result.created if target is None else result.updated).append(draft.key)
        return
    if target is None:
        written.fresh.append(NewService(payload, org))
        written.before[draft.key] = None
        result.created.append(draft.key)
        return
    written.before[draft.key] = current | {"is_published": target.is_published}
    apply_payload(payload, org, history_user(user), reason, service=target)
    result.updated.append(draft.key)


def _write(
    result: ImportResult, checked: _Checked, valid: list[int], user, mode: str
) -> ImportBatch:
    """Write the valid drafts as one ImportBatch, in one transaction."""
    who = history_user(user)
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            file_name=result.file_name[:300], file_format=result.file_format, created_by=who
        )
        reason = history_reason(
            _("Import #%(id)s: %(name)s") % {"id": batch.pk, "name": result.file_name}
        )
        known_locations = set(Location.objects.values_list("pk", flat=True))
        new_orgs = _new_organizations(checked, valid, who, reason)
        written = _Written()
        for i in valid:
            draft = checked.drafts[i]
            org = checked.organizations[i] or new_orgs[draft.organization_key]
            _write_service(result, written, draft, checked.existing[i], org, user, mode, reason)
        create_services(written.fresh, who, reason)
        created_locations = list(
            Location.objects.exclude(pk__in=known_locations).values_list("pk", flat=True)
        )
        batch.summary = result.summary() | {
            "reason": reason,
            "before": written.before,
            "created_organizations": [org.pk for org in new_orgs.values()],
            "created_locations": created_locations,
            "change_requests": written.changes,
        }
        batch.save()
    return batch


def _mode_of(user) -> str:
    mode = import_mode(user)
    if mode is None:
        raise ImportRefused(
            [
                Problem(
                    None,
                    "-",
                    _(
                        "Importieren dürfen Landesadministration, kommunale Koordination und "
                        "Träger-Redaktionen (für den eigenen Träger)."
                    ),
                )
            ]
        )
    return mode


def import_file(
    data: bytes,
    file_name: str,
    fmt: str | None = None,
    *,
    user=None,
    dry_run: bool = False,
    organization: Organization | None = None,
    skip_invalid: bool = False,
    default_offer_type: str = "",
    profile: Profile | None = None,
    progress: Callable[[str], None] = lambda step: None,
) -> ImportResult:
    """Check a file and, unless `dry_run` or a problem stops it, write it as one ImportBatch.

    Raises ImportRefused when the file cannot be read at all or the user may not import.
    Without `skip_invalid` nothing is written if any service has a problem; with it the valid
    services are written. Providers' rows become change requests (state submitted) through
    `registry.workflow.save_service`: public only after a coordinator approves them.
    A file in another layout is read through `profile` (see `mapping`); sites without
    coordinates are placed from postal code and place (`sites.place_drafts`).
    """
    fmt = fmt or guess_format(file_name)
    result = ImportResult(file_name=file_name, file_format=fmt, dry_run=dry_run)
    mode = _mode_of(user)
    if mode == VIA_REVIEW:
        organization = _provider_organization(user, organization)
    options = {"default_offer_type": default_offer_type, "profile": profile, "progress": progress}
    checked = _check_file(data, fmt, user, mode, organization, options, result)
    valid = _collect_problems(result, checked.drafts)
    if dry_run or (result.problems and not skip_invalid) or not valid:
        if result.problems and not skip_invalid:
            result.skipped = [d.key or f"#{d.row}" for d in checked.drafts]
        else:
            items = [
                (checked.drafts[i], checked.existing[i], checked.organizations[i]) for i in valid
            ]
            _plan(result, items, mode)
        return result
    progress(_("Schreiben"))
    result.batch = _write(result, checked, valid, user, mode)
    return result


class RollbackError(ValueError):
    pass


def _restore(before: dict[str, Any], who, reason: str) -> int:
    """Put the services an import changed back to their state before it.

    Services and providers are fetched in a few queries for all (as the import does); a
    service already back in that state is left alone and gets no history row.
    """
    states = {key: state for key, state in before.items() if state is not None}
    services = find_services(list(states))
    organizations = Organization.objects.in_bulk({s["organization"] for s in states.values()})
    for key, state in sorted(states.items()):
        service = services.get(key) or find_service(key)
        as_before = (
            service is not None
            and service.is_published == state.get("is_published", True)
            and not service.is_deleted
            and is_unchanged(service, state)
        )
        if as_before:
            continue
        if service is not None:
            service._prefetched_objects_cache = {}  # stale once the writes start
        organization = organizations.get(state["organization"]) or Organization.objects.get(
            pk=state["organization"]
        )
        apply_payload(state, organization, who, reason, service=service)
    return len(states)


def rollback(batch: ImportBatch, user=None) -> dict[str, int]:
    """Restore every service the batch touched to its state before; remove what it created."""
    if batch.rolled_back_at is not None:
        raise RollbackError(
            _("Import #%(id)s wurde schon am %(when)s zurückgenommen.")
            % {"id": batch.pk, "when": f"{batch.rolled_back_at:%d.%m.%Y %H:%M}"}
        )
    if user is not None and not permissions.is_state_admin(user):
        mine = batch.created_by_id == getattr(user, "pk", None)
        if not (mine and may_import(user)):
            raise RollbackError(
                _("Zurücknehmen dürfen die Landesadministration und wer den Import ausgeführt hat.")
            )
    who = history_user(user)
    reason = history_reason(_("Rücknahme von Import #%(id)s") % {"id": batch.pk})
    summary = batch.summary or {}
    counts = {"restored": 0, "deleted": 0}
    before = summary.get("before") or {}
    with transaction.atomic():
        # What the import created goes in one delete (see deletion.py: history rows keep
        # who and why); what it changed is restored service by service.
        created = service_ids([key for key, state in before.items() if state is None])
        counts["deleted"] = delete_services(created, who, reason)
        counts["restored"] = _restore(before, who, reason)
        # A provider's changes still waiting for review are withdrawn.
        for change in ChangeRequest.objects.filter(
            pk__in=summary.get("change_requests") or [],
            state__in=[ChangeRequest.State.DRAFT, ChangeRequest.State.SUBMITTED],
        ):
            change.state = ChangeRequest.State.WITHDRAWN
            mark(change, who, reason)
            change.save()
        unused_locations = Location.objects.filter(
            pk__in=summary.get("created_locations") or [], service_at_locations__isnull=True
        )
        delete_all(unused_locations, who, reason)
        unused_organizations = Organization.objects.filter(
            pk__in=summary.get("created_organizations") or [],
            services__isnull=True,
            locations__isnull=True,
        )
        delete_all(unused_organizations, who, reason)
        batch.rolled_back_at = timezone.now()
        batch.save(update_fields=["rolled_back_at"])
    return counts
