"""Import indicator figures from a file as one edition: check everything, then write it all.

The CLI (`integrationsatlas indicators import`), the page and the API call `import_indicators`.
Every row is checked against the loaded regions and declared indicators, the date, the rest
of the file and what is already stored; any problem refuses the whole file, naming row and
column, and the database stays as it was. Figures already stored with the same value are
counted as unchanged and keep their edition.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from .indicator_catalogue import BUILT_IN
from .indicator_files import FileRow, IndicatorFileError, ReadResult, read_file
from .models import IndicatorDefinition, IndicatorEdition, IndicatorValue, Region

#: Codes `foreign_language_<iso>` need no declaration (the `languages` rule kind reads them).
LANGUAGE_CODE = re.compile(r"^foreign_language_[a-z]{2,3}$")
CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,59}$")
#: Units of counts: a negative figure in them is a broken row.
COUNT_UNITS = {"Personen", "Anzahl", "Plätze"}
MAX_PROBLEMS = 100


class IndicatorImportError(Exception):
    """Raised with every problem found; nothing has been written when it is raised."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class ImportResult:
    edition: IndicatorEdition | None
    file_format: str
    encoding: str
    new: int = 0
    unchanged: int = 0
    unknown: int = 0
    duplicates: int = 0
    skipped: int = 0
    codes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One German line for the CLI and the page."""
        what = {"long": "Langform", "genesis": "GENESIS-Flat-CSV"}.get(self.file_format, "")
        parts = [f"{self.new} neue Werte", f"{self.unchanged} unverändert"]
        if self.unknown:
            parts.append(f"davon {self.unknown} unbekannt (geheim oder fehlend, nicht 0)")
        if self.duplicates:
            parts.append(f"{self.duplicates} doppelte Zeilen mit gleichem Wert übersprungen")
        if self.skipped:
            parts.append(f"{self.skipped} Zeilen nicht zugeordneter Reihen ausgelassen")
        encoding = f", Kodierung {self.encoding}" if self.encoding else ""
        edition = f"Ausgabe #{self.edition.pk}" if self.edition else "keine neue Ausgabe"
        return f"{edition} ({what}{encoding}): {', '.join(parts)}; Kennzahlen: {', '.join(self.codes)}."


def known_codes() -> dict[str, str]:
    """{code: unit} of every built-in and declared indicator."""
    declared = dict(IndicatorDefinition.objects.values_list("code", "unit"))
    return {code: unit for code, _name, unit, _text in BUILT_IN} | declared


def _check_rows(
    rows: list[FileRow], allowed: set[str] | None, today: dt.date
) -> tuple[list[FileRow], int, list[str]]:
    """Rows without in-file duplicates, their count, and the problems of each row."""
    regions = set(Region.objects.values_list("ags", flat=True))
    units = known_codes()
    problems: list[str] = []
    seen: dict[tuple[str, str, dt.date, str], FileRow] = {}
    duplicates = 0
    for row in rows:
        where = f"Zeile {row.line}"
        if row.region not in regions:
            problems.append(
                f"{where}, Spalte region: Regionalschlüssel {row.region} ist nicht geladen."
            )
        elif allowed is not None and not any(row.region.startswith(key) for key in allowed):
            problems.append(
                f"{where}, Spalte region: {row.region} liegt außerhalb Ihres Zuständigkeitsbereichs "
                f"({', '.join(sorted(allowed)) or '–'})."
            )
        if row.code not in units and not LANGUAGE_CODE.match(row.code):
            problems.append(
                f"{where}, Spalte indicator: Kennzahl '{row.code[:60]}' ist nicht angelegt "
                "(erst anlegen: Name, Einheit, Beschreibung)."
            )
        if row.reference_date > today and not row.variant:
            problems.append(
                f"{where}, Spalte reference_date: Stichtag {row.reference_date:%d.%m.%Y} liegt in "
                "der Zukunft. Eine Vorausberechnung braucht die Spalten projection (Jahr) und "
                "variant (Variante)."
            )
        if row.value is not None and row.value < 0 and units.get(row.code) in COUNT_UNITS:
            problems.append(f"{where}, Spalte value: negative Anzahl ({row.value:g}).")
        key = (row.region, row.code, row.reference_date, row.variant)
        first = seen.get(key)
        if first is None:
            seen[key] = row
        elif (first.value, first.missing) == (row.value, row.missing):
            duplicates += 1
        else:
            problems.append(
                f"{where}: widerspricht Zeile {first.line} (gleiche Region {row.region}, Kennzahl "
                f"{row.code}, Stichtag {row.reference_date:%d.%m.%Y}; Wert {_shown(row)} gegen {_shown(first)})."
            )
    return list(seen.values()), duplicates, problems


def _shown(row: FileRow) -> str:
    return f"unbekannt ({row.missing})" if row.value is None else f"{row.value:g}"


def _split_stored(rows: list[FileRow]) -> tuple[list[FileRow], int, list[str]]:
    """New rows, the count already stored with the same value, and conflicts with stored ones."""
    codes = {row.code for row in rows}
    dates = {row.reference_date for row in rows}
    stored = {
        (region, code, date, variant): rest
        for region, code, date, variant, *rest in IndicatorValue.objects.filter(
            code__in=codes, reference_date__in=dates
        ).values_list(
            "region_id",
            "code",
            "reference_date",
            "projection_variant",
            "value",
            "missing",
            "source",
            "edition_id",
        )
    }
    new, unchanged, problems = [], 0, []
    for row in rows:
        old = stored.get((row.region, row.code, row.reference_date, row.variant))
        if old is None:
            new.append(row)
            continue
        value, missing, source, edition = old
        if _same(value, row.value) and missing == row.missing:
            unchanged += 1
            continue
        held = f"Ausgabe #{edition}" if edition else f"Quelle: {source[:80]}"
        was = f"unbekannt ({missing})" if value is None else f"{value:g}"
        problems.append(
            f"Zeile {row.line}: für {row.region} {row.code} am {row.reference_date:%d.%m.%Y} ist "
            f"schon {was} gespeichert ({held}), die Datei sagt {_shown(row)}. "
            "Erst die alte Ausgabe zurückziehen."
        )
    return new, unchanged, problems


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def _refuse(problems: list[str]) -> None:
    if len(problems) > MAX_PROBLEMS:
        rest = len(problems) - MAX_PROBLEMS
        problems = [*problems[:MAX_PROBLEMS], f"… und {rest} weitere Probleme."]
    raise IndicatorImportError(problems)


def check_file(
    data: bytes,
    file_name: str,
    source: str = "",
    licence: str = "",
    mapping: dict[str, str | None] | None = None,
    allowed: set[str] | None = None,
) -> tuple[ReadResult, list[FileRow], ImportResult]:
    """Read and check without writing: the rows to store and the counts. Raises
    IndicatorImportError with every problem. `allowed`: region key prefixes the person
    may load figures for (None: all)."""
    try:
        read = read_file(data, file_name, source, licence, mapping)
    except IndicatorFileError as exc:
        raise IndicatorImportError([f"{file_name}: {exc}"]) from exc
    rows, duplicates, problems = _check_rows(read.rows, allowed, timezone.localdate())
    problems = read.problems + problems
    if problems:
        _refuse(problems)
    new, unchanged, problems = _split_stored(rows)
    if problems:
        _refuse(problems)
    result = ImportResult(
        edition=None,
        file_format=read.file_format,
        encoding=read.encoding,
        new=len(new),
        unchanged=unchanged,
        unknown=sum(1 for row in new if row.value is None),
        duplicates=duplicates,
        skipped=read.skipped,
        codes=sorted({row.code for row in rows}),
    )
    return read, new, result


def _insert_values(edition_id: int, rows: list[FileRow]) -> None:
    """One executemany for all new figures: bulk_create spends most of an import preparing
    50,000 model instances; the rows are plain and already checked."""
    meta = IndicatorValue._meta
    names = [
        "region",
        "code",
        "reference_date",
        "value",
        "missing",
        "source",
        "is_demo",
        "edition",
        "projection_variant",
    ]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(meta.get_field(n).column) for n in names)
    marks = ", ".join(["%s"] * len(names))
    # Only quoted names from the model's metadata go into the text; values are parameters.
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
    to_db = connection.ops.adapt_datefield_value
    with connection.cursor() as cursor:
        cursor.executemany(
            sql,
            [
                (
                    r.region,
                    r.code,
                    to_db(r.reference_date),
                    r.value,
                    r.missing,
                    r.source[:400],
                    False,
                    edition_id,
                    r.variant,
                )
                for r in rows
            ],
        )


def _joined(texts: list[str], what: str) -> str:
    """The edition's line: the first text, and how many others its rows carry."""
    return texts[0] + (f" (und {len(texts) - 1} weitere {what})" if len(texts) > 1 else "")


@transaction.atomic
def import_indicators(
    data: bytes,
    file_name: str,
    loaded_by_name: str,
    *,
    source: str = "",
    licence: str = "",
    mapping: dict[str, str | None] | None = None,
    allowed: set[str] | None = None,
    user=None,
) -> ImportResult:
    """Check the file and store its new figures as one edition (none when nothing is new)."""
    _read, new, result = check_file(data, file_name, source, licence, mapping, allowed)
    if not new:
        return result
    sources = sorted({row.source for row in new})
    licences = sorted({row.licence for row in new})
    edition = IndicatorEdition.objects.create(
        file_name=file_name[:255],
        file_format=result.file_format,
        encoding=result.encoding,
        sha256=hashlib.sha256(data).hexdigest(),
        source=_joined(sources, "Quellzeilen")[:400],
        licence=_joined(licences, "Lizenzen")[:200],
        loaded_by=user if getattr(user, "is_authenticated", False) else None,
        loaded_by_name=loaded_by_name[:150],
        values_new=result.new,
        values_unchanged=result.unchanged,
        values_unknown=result.unknown,
    )
    _insert_values(edition.pk, new)
    result.edition = edition
    return result
