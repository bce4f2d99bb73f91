"""A readable diff of two service snapshots: (German field label, old text, new text) per change."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from integrationsatlas.regions.models import Region

from .fields import LOCATION_DIFF_FIELDS, SERVICE_DIFF_FIELDS
from .languages import language_name
from .models import Funding, Location, Organization, Placement, Schedule, Service


def _label(model, field: str) -> str:
    return str(model._meta.get_field(field).verbose_name)


def _yes_no(value) -> str:
    return _("ja") if value else _("nein")


def _text(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _yes_no(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _site_text(field: str, value) -> str:
    """A site's value as the diff shows it; snapshots from before `placement` count as given."""
    if field == "placement" and (value or Placement.GIVEN) in Placement.values:
        return str(Placement(value or Placement.GIVEN).label)
    return _text(value)


def _weekday(value) -> str:
    try:
        return str(Schedule.Weekday(int(value)).label)
    except (TypeError, ValueError):
        return str(value)


def schedule_lines(rows: list[dict] | None) -> str:
    """Weekly hours as one line per interval, e.g. 'Montag 09:00–12:00 (ab 2026-01-01)'."""
    lines = []
    for row in rows or []:
        line = f"{_weekday(row.get('weekday'))} {row.get('opens_at')}–{row.get('closes_at')}"
        if row.get("valid_from") or row.get("valid_to"):
            line += f" ({row.get('valid_from') or '…'} – {row.get('valid_to') or '…'})"
        if row.get("note"):
            line += f" · {row['note']}"
        lines.append(line)
    return "\n".join(lines) or "—"


def exception_lines(rows: list[dict] | None) -> str:
    lines = []
    for row in rows or []:
        if row.get("closed", True):
            line = f"{row.get('date')}: {_('geschlossen')}"
        else:
            line = f"{row.get('date')}: {row.get('opens_at')}–{row.get('closes_at')}"
        if row.get("note"):
            line += f" · {row['note']}"
        lines.append(line)
    return "\n".join(lines) or "—"


def funding_lines(rows: list[dict] | None) -> str:
    levels = dict(Funding.FunderLevel.choices)
    lines = []
    for row in rows or []:
        level = str(levels.get(row.get("funder_level"), row.get("funder_level")))
        parts = [level, row.get("funder_name") or "", row.get("programme") or ""]
        amount = row.get("amount_per_year")
        if amount not in (None, ""):
            parts.append(_("%(amount)s EUR/Jahr") % {"amount": _text(amount)})
        share = row.get("share")
        if share not in (None, "", 1, 1.0):
            parts.append(_("Anteil %(share)s") % {"share": _text(share)})
        parts.append(f"{row.get('start') or '…'} – {row.get('end') or _('unbefristet')}")
        lines.append(" · ".join(p for p in parts if p))
    return "\n".join(lines) or "—"


def _choice_list(values, choices) -> str:
    labels = dict(choices)
    return ", ".join(str(labels.get(v, v)) for v in values or []) or "—"


def _regions(keys) -> str:
    keys = [str(k) for k in keys or []]
    names = dict(Region.objects.filter(ags__in=keys).values_list("ags", "name"))
    return ", ".join(f"{names.get(k, k)} ({k})" for k in keys) or "—"


def _organization(pk) -> str:
    if pk in (None, ""):
        return "—"
    org = Organization.objects.filter(pk=pk).first()
    return org.name if org else str(pk)


def _offer_type(code) -> str:
    from integrationsatlas.taxonomy.models import OfferType

    offer_type = OfferType.objects.filter(code=code).first() if code else None
    return offer_type.name if offer_type else _text(code)


def _translations(value) -> str:
    lines = []
    for language, texts in sorted((value or {}).items()):
        for key, text in sorted((texts or {}).items()):
            lines.append(f"{language}/{key}: {text}")
    return "\n".join(lines) or "—"


def _location_title(index: int, row: dict) -> str:
    return _("Standort %(number)s") % {"number": index + 1} + (
        f" ({row.get('address')})" if row.get("address") else ""
    )


def _location_diff(old: list[dict], new: list[dict]) -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    for index in range(max(len(old), len(new))):
        before = old[index] if index < len(old) else None
        after = new[index] if index < len(new) else None
        title = _location_title(index, after or before or {})
        if before is None:
            rows.append((title, "—", _("neu: %(place)s") % {"place": _place(after)}))
            before = {}
        elif after is None:
            rows.append((title, _place(before), _("entfernt")))
            continue
        for field in LOCATION_DIFF_FIELDS:
            old_text, new_text = (
                _site_text(field, before.get(field)),
                _site_text(field, after.get(field)),
            )
            if before and old_text != new_text:
                rows.append((f"{title}: {_label(Location, field)}", old_text, new_text))
        old_hours = schedule_lines(before.get("schedules"))
        new_hours = schedule_lines(after.get("schedules"))
        if old_hours != new_hours:
            rows.append((f"{title}: {_('Öffnungszeiten')}", old_hours, new_hours))
        old_days = exception_lines(before.get("exceptions"))
        new_days = exception_lines(after.get("exceptions"))
        if old_days != new_days:
            rows.append((f"{title}: {_('Abweichende Tage')}", old_days, new_days))
    return rows


def _place(row: dict | None) -> str:
    if not row:
        return "—"
    return f"{row.get('address', '')}, {row.get('postal_code', '')} {row.get('city', '')}".strip()


def diff_snapshots(old: dict[str, Any] | None, new: dict[str, Any]) -> list[tuple[str, str, str]]:
    """What changed from `old` to `new`, as (German label, old text, new text); old None = new service."""
    old = old or {}
    rows: list[tuple[str, str, str]] = []

    def compare(label: str, before: str, after: str) -> None:
        if before != after:
            rows.append((label, before, after))

    statuses = dict(Service.Status.choices)
    for field in SERVICE_DIFF_FIELDS:
        before, after = old.get(field), new.get(field)
        if field == "status":
            compare(
                _label(Service, field),
                _text(statuses.get(before, before)),
                _text(statuses.get(after, after)),
            )
        else:
            compare(_label(Service, field), _text(before), _text(after))
    compare(
        _("Angebotsart"), _offer_type(old.get("offer_type")), _offer_type(new.get("offer_type"))
    )
    compare(
        _("Träger"), _organization(old.get("organization")), _organization(new.get("organization"))
    )
    compare(
        _label(Service, "target_groups"),
        _choice_list(old.get("target_groups"), Service.TargetGroup.choices),
        _choice_list(new.get("target_groups"), Service.TargetGroup.choices),
    )
    compare(
        _label(Service, "languages"),
        ", ".join(language_name(c) for c in old.get("languages") or []) or "—",
        ", ".join(language_name(c) for c in new.get("languages") or []) or "—",
    )
    compare(
        _label(Service, "translations"),
        _translations(old.get("translations")),
        _translations(new.get("translations")),
    )
    compare(
        _label(Service, "service_area"),
        _regions(sorted(old.get("service_area") or [])),
        _regions(sorted(new.get("service_area") or [])),
    )
    rows.extend(_location_diff(old.get("locations") or [], new.get("locations") or []))
    compare(
        _("Telefon-/Online-Zeiten"),
        schedule_lines(old.get("remote_schedules")),
        schedule_lines(new.get("remote_schedules")),
    )
    compare(
        _("Telefon-/Online-Zeiten: abweichende Tage"),
        exception_lines(old.get("remote_exceptions")),
        exception_lines(new.get("remote_exceptions")),
    )
    compare(
        _("Finanzierung"), funding_lines(old.get("fundings")), funding_lines(new.get("fundings"))
    )
    return rows
