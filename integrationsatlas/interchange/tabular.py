"""Read and write a table as CSV or XLSX: strings in, strings out, byte-identical for equal input."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from datetime import date, datetime, time

from django.utils.translation import gettext as _

from .problems import ImportRefused, Problem

SHEET = "Angebote"
NOTES_SHEET = "Erläuterung"
# Fixed timestamps make two exports of the same data byte-identical.
_FIXED = datetime(2000, 1, 1)


def read_table(data: bytes, fmt: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """(header, [(spreadsheet row number, {column: text})]); the header is row 1."""
    matrix = _xlsx_matrix(data) if fmt == "xlsx" else _csv_matrix(data)
    if not matrix or not any(matrix[0]):
        raise ImportRefused([Problem(None, "-", _("Die Datei ist leer oder hat keine Kopfzeile."))])
    header = [h.strip() for h in matrix[0]]
    rows = []
    for number, values in enumerate(matrix[1:], start=2):
        if not any(v.strip() for v in values):
            continue  # blank lines are not rows
        if len(values) > len(header):
            raise ImportRefused(
                [Problem(number, "-", _("Die Zeile hat mehr Zellen als die Kopfzeile Spalten."))]
            )
        rows.append((number, dict(zip(header, values, strict=False))))
    return header, rows


def _csv_matrix(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRefused(
            [
                Problem(
                    None,
                    "-",
                    _(
                        "Die CSV-Datei ist nicht UTF-8-kodiert (Byte %(pos)s). In Excel: "
                        "„CSV UTF-8“ wählen."
                    )
                    % {"pos": exc.start},
                )
            ]
        ) from exc
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return str(value)


def _xlsx_matrix(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportRefused(
            [Problem(None, "-", _("Die Datei ist keine lesbare XLSX-Datei (%(e)s).") % {"e": exc})]
        ) from exc
    sheet = workbook[SHEET] if SHEET in workbook.sheetnames else workbook.worksheets[0]
    matrix = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    # Trailing empty cells of the header (formatting only) are not columns.
    if matrix:
        while matrix[0] and not matrix[0][-1]:
            matrix[0].pop()
        width = len(matrix[0])
        matrix = [row[:width] if not any(row[width:]) else row for row in matrix]
    return matrix


def write_csv(columns: Sequence[str], rows: Sequence[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def write_xlsx(
    columns: Sequence[str],
    rows: Sequence[dict[str, str]],
    notes: Sequence[tuple[str, str]] = (),
) -> bytes:
    """One sheet of text cells (so IDs and postal codes keep leading zeros) and an explanation."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append(list(columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([row.get(c, "") or None for c in columns])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.number_format = "@"
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, also when it starts with "=" (never a formula)
    sheet.freeze_panes = "A2"
    if notes:
        info = workbook.create_sheet(NOTES_SHEET)
        info.append([_("Spalte"), _("Bedeutung und Format")])
        for cell in info[1]:
            cell.font = Font(bold=True)
        for column, meaning in notes:
            info.append([column, meaning])
        info.column_dimensions["A"].width = 28
        info.column_dimensions["B"].width = 110
    workbook.properties.created = _FIXED
    workbook.properties.modified = _FIXED
    raw = io.BytesIO()
    workbook.save(raw)
    return _normalise_zip(raw.getvalue())


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite the archive with fixed entry dates (openpyxl stamps the current time)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _fixed_core(body)
            entry = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, body)
    return out.getvalue()


def _fixed_core(body: bytes) -> bytes:
    # openpyxl sets `modified` to now on save regardless of the property.
    import re

    return re.sub(
        rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
        rb"\g<1>2000-01-01T00:00:00Z\g<2>",
        body,
    )
