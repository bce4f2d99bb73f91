"""Indicator editions and definitions: declare a code, list figures and editions, compare, withdraw.

The one home of these rules for the CLI, the page and the API. A withdrawn edition's figures
leave use (the engine, pages and exports no longer see them) and are archived on the edition.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from .indicator_catalogue import BUILT_IN, BUILT_IN_CODES
from .indicators_import import CODE_PATTERN, IndicatorImportError, known_codes
from .models import IndicatorDefinition, IndicatorEdition, IndicatorValue

VALUE_COLUMNS = [
    "region",
    "region_name",
    "indicator",
    "reference_date",
    "projection_variant",
    "value",
    "unit",
    "status",
    "source",
    "licence",
    "edition",
    "loaded_at",
]
EDITION_COLUMNS = [
    "edition",
    "file",
    "format",
    "source",
    "licence",
    "loaded_at",
    "loaded_by",
    "values",
    "unknown",
    "unchanged",
    "withdrawn_at",
    "withdrawal_reason",
]
COMPARE_COLUMNS = [
    "region",
    "indicator",
    "date_a",
    "value_a",
    "date_b",
    "value_b",
    "change",
    "change_percent",
]


def declare(
    code: str, name: str, unit: str, description: str = "", by: str = ""
) -> IndicatorDefinition:
    """Declare a new indicator code; an existing one keeps its meaning (error)."""
    code = code.strip()
    problems = []
    if not CODE_PATTERN.match(code):
        problems.append(
            f"Kennzahl '{code[:60]}': nur Kleinbuchstaben, Ziffern und _, mit Buchstaben am Anfang, "
            "2 bis 60 Zeichen (z. B. children_under_3)."
        )
    if not name.strip():
        problems.append("Name fehlt.")
    if not unit.strip():
        problems.append("Einheit fehlt (z. B. Personen, %, Plätze).")
    if code in BUILT_IN_CODES or IndicatorDefinition.objects.filter(code=code).exists():
        problems.append(f"Kennzahl '{code}' ist schon angelegt.")
    if problems:
        raise IndicatorImportError(problems)
    return IndicatorDefinition.objects.create(
        code=code,
        name=name.strip()[:200],
        unit=unit.strip()[:40],
        description=description.strip(),
        created_by=by[:150],
    )


def definition_rows() -> list[dict[str, str]]:
    """Built-in codes first, then the declared ones: code, name, unit, description."""
    rows = [
        {"code": c, "name": n, "unit": u, "description": d, "origin": "eingebaut"}
        for c, n, u, d in BUILT_IN
    ]
    for definition in IndicatorDefinition.objects.order_by("code"):
        rows.append(
            {
                "code": definition.code,
                "name": definition.name,
                "unit": definition.unit,
                "description": definition.description,
                "origin": f"angelegt von {definition.created_by}".strip(),
            }
        )
    return rows


def _status(value: float | None, missing: str, is_demo: bool) -> str:
    if value is None:
        return f"unbekannt ({missing})" if missing else "unbekannt"
    return "Demo" if is_demo else "bekannt"


def value_rows(
    code: str | None = None, region: str | None = None, edition: int | None = None
) -> list[dict[str, Any]]:
    """Stored figures with their source, unit and edition on every row (labels survive a copy)."""
    values = IndicatorValue.objects.select_related("region", "edition").order_by(
        "region_id", "code", "reference_date"
    )
    if code:
        values = values.filter(code=code)
    if region:
        values = values.filter(region_id=region)
    if edition is not None:
        values = values.filter(edition_id=edition)
    units = known_codes()
    return [
        {
            "region": v.region_id,
            "region_name": v.region.name,
            "indicator": v.code,
            "reference_date": v.reference_date.isoformat(),
            # Empty for an observed figure: a projection names its variant on every row.
            "projection_variant": v.projection_variant,
            "value": v.value,
            "unit": units.get(v.code, ""),
            "status": _status(v.value, v.missing, v.is_demo),
            "source": v.source,
            "licence": v.edition.licence if v.edition else "",
            "edition": v.edition_id or "",
            "loaded_at": _when(v.edition.loaded_at) if v.edition else "",
        }
        for v in values
    ]


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def edition_row(edition: IndicatorEdition) -> dict[str, Any]:
    return {
        "edition": edition.pk,
        "file": edition.file_name,
        "format": edition.file_format,
        "source": edition.source,
        "licence": edition.licence,
        "loaded_at": _when(edition.loaded_at),
        "loaded_by": edition.loaded_by_name,
        "values": edition.values_new,
        "unknown": edition.values_unknown,
        "unchanged": edition.values_unchanged,
        "withdrawn_at": _when(edition.withdrawn_at) if edition.withdrawn_at else "",
        "withdrawal_reason": edition.withdrawal_reason,
    }


def edition_rows() -> list[dict[str, Any]]:
    return [edition_row(e) for e in IndicatorEdition.objects.order_by("-loaded_at", "-pk")]


def edition_values(edition: IndicatorEdition) -> list[tuple[str, str, str, float | None, str]]:
    """(region, code, ISO date, value, missing) of an edition, archived ones included."""
    if edition.is_withdrawn:
        return [(r, c, d, v, m) for r, c, d, v, m, *_rest in edition.archived]
    return [
        (r, c, d.isoformat(), v, m)
        for r, c, d, v, m in edition.values.values_list(
            "region_id", "code", "reference_date", "value", "missing"
        )
    ]


def compare(a: IndicatorEdition, b: IndicatorEdition) -> list[dict[str, Any]]:
    """Per region and indicator, each edition's newest figure and the change from A to B."""
    newest: list[dict[tuple[str, str], tuple[str, float | None]]] = [{}, {}]
    for side, edition in enumerate((a, b)):
        for region, code, date, value, _missing in edition_values(edition):
            old = newest[side].get((region, code))
            if old is None or old[0] < date:
                newest[side][(region, code)] = (date, value)
    rows = []
    for region, code in sorted(newest[0].keys() | newest[1].keys()):
        date_a, value_a = newest[0].get((region, code), ("", None))
        date_b, value_b = newest[1].get((region, code), ("", None))
        change = None if value_a is None or value_b is None else value_b - value_a
        percent = round(100 * change / value_a, 2) if change is not None and value_a else None
        rows.append(
            {
                "region": region,
                "indicator": code,
                "date_a": date_a,
                "value_a": value_a,
                "date_b": date_b,
                "value_b": value_b,
                "change": change,
                "change_percent": percent,
            }
        )
    return rows


def may_withdraw(edition: IndicatorEdition, allowed: set[str] | None) -> bool:
    """State administrators (allowed None) any edition; others only editions wholly in their regions."""
    if allowed is None:
        return True
    regions = {row[0] for row in edition_values(edition)}
    return bool(allowed) and all(any(r.startswith(k) for k in allowed) for r in regions)


@transaction.atomic
def withdraw(
    edition_id: int, by: str, reason: str, allowed: set[str] | None = None
) -> IndicatorEdition:
    """Take an edition's figures out of use, keeping them on the edition for comparison."""
    edition = IndicatorEdition.objects.select_for_update().filter(pk=edition_id).first()
    if edition is None:
        raise IndicatorImportError([f"Ausgabe #{edition_id} gibt es nicht."])
    if edition.is_withdrawn:
        raise IndicatorImportError([f"Ausgabe #{edition_id} ist schon zurückgezogen."])
    if not reason.strip():
        raise IndicatorImportError(["Grund fehlt: warum wird die Ausgabe zurückgezogen?"])
    if not may_withdraw(edition, allowed):
        raise IndicatorImportError(
            [f"Ausgabe #{edition_id} enthält Werte außerhalb Ihres Zuständigkeitsbereichs."]
        )
    # The variant last, so archives written before projections existed read the same.
    edition.archived = [
        [r, c, d.isoformat(), v, m, s, p]
        for r, c, d, v, m, s, p in edition.values.values_list(
            "region_id",
            "code",
            "reference_date",
            "value",
            "missing",
            "source",
            "projection_variant",
        )
    ]
    edition.values.all().delete()
    edition.withdrawn_at = timezone.now()
    edition.withdrawn_by_name = by[:150]
    edition.withdrawal_reason = reason.strip()
    edition.save()
    return edition
