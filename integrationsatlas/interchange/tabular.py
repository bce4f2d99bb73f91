"""Read and write a table as CSV or XLSX: strings in, strings out, byte-identical for equal input."""

from __future__ import annotations

import csv
import io
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from django.utils.translation import gettext as _

from .encodings import decode, delimiter_of
from .problems import ImportRefused, Problem

SHEET = "Angebote"
NOTES_SHEET = "Erläuterung"
# Fixed timestamps make two exports of the same data byte-identical.
_FIXED = datetime(2000, 1, 1)


@dataclass
class Table:
    """A read table: its header, its rows and, for CSV, the encoding and delimiter detected."""

    header: list[str]
    rows: list[tuple[int, dict[str, str]]]
    encoding: str = ""
    delimiter: str = ""


def read_table(data: bytes, fmt: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """(header, [(spreadsheet row number, {column: text})]); the header is row 1."""
    table = read_table_info(data, fmt)
    return table.header, table.rows


def read_table_info(data: bytes, fmt: str) -> Table:
    """The table with what was detected about it (see `encodings.decode`)."""
    if fmt == "xlsx":
        matrix, encoding, delimiter = _xlsx_matrix(data), "", ""
    else:
        decoded = decode(data)
        encoding, delimiter = decoded.encoding, delimiter_of(decoded.text)
        matrix = list(csv.reader(io.StringIO(decoded.text), delimiter=delimiter))
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
    return Table(header, rows, encoding, delimiter)


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
        sheet = workbook[SHEET] if SHEET in workbook.sheetnames else workbook.worksheets[0]
        matrix = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        workbook.close()
    # A damaged archive fails while inflating (zlib.error, EOFError) or parsing its XML
    # (SyntaxError covers ElementTree's and lxml's parse errors), also while reading rows.
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        SyntaxError,
        KeyError,
        OSError,
        ValueError,
    ) as exc:
        raise ImportRefused(
            [Problem(None, "-", _("Die Datei ist keine lesbare XLSX-Datei (%(e)s).") % {"e": exc})]
        ) from exc
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
