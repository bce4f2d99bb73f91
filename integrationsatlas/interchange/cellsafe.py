"""Formulas in spreadsheets: exported text never becomes a formula, imported formulas need their value.

CSV: a cell that a spreadsheet would read as a formula gets a leading apostrophe, as the OWASP
"CSV Injection" page recommends (cells starting with =, +, -, @, tab or carriage return; the
full-width forms too, which some spreadsheets also evaluate). The import removes exactly that
apostrophe again, so an export imports back unchanged; a cell that merely starts with an
apostrophe gets a second one, so it survives as well.
XLSX: text is written as text cells (never as a formula); a formula cell in an imported file
counts only with the value the spreadsheet stored for it.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.utils.translation import gettext as _

from .problems import ImportRefused, Problem

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
QUOTE = "'"


def neutralise(value: str) -> str:
    """The CSV text of a cell: a leading apostrophe where a spreadsheet would see a formula."""
    if value.startswith(FORMULA_STARTS) or value.startswith(QUOTE):
        return QUOTE + value
    return value


def restore(value: str) -> str:
    """`neutralise` undone: only an apostrophe that `neutralise` can have added goes."""
    if value.startswith(QUOTE) and value[1:].startswith((*FORMULA_STARTS, QUOTE)):
        return value[1:]
    return value


def neutralise_rows(rows: Iterable[dict[str, str]]) -> list[dict[str, str]]:
    return [{k: neutralise(v) if isinstance(v, str) else v for k, v in r.items()} for r in rows]


def restore_rows(rows: list[tuple[int, dict[str, str]]]) -> list[tuple[int, dict[str, str]]]:
    return [(number, {k: restore(v) for k, v in row.items()}) for number, row in rows]


def refuse_formulas_without_value(data: bytes, sheet_name: str) -> None:
    """Refuse an XLSX file with formula cells whose value the spreadsheet did not store.

    openpyxl reads such a cell as empty, which would drop an optional value silently. Files
    written by a program (not saved by Excel or LibreOffice) often have no stored values.
    """
    from openpyxl import load_workbook

    formulas = _formula_cells(load_workbook(io.BytesIO(data), read_only=True), sheet_name)
    if not formulas:
        return
    values = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    sheet = values[sheet_name] if sheet_name in values.sheetnames else values.worksheets[0]
    header = [c.value for c in next(sheet.iter_rows(min_row=1, max_row=1))]
    problems = []
    for row, column in formulas:
        if sheet.cell(row=row, column=column).value in (None, ""):
            name = header[column - 1] if column <= len(header) and header[column - 1] else column
            problems.append(
                Problem(
                    row,
                    str(name),
                    _(
                        "Formel ohne gespeicherten Wert. Bitte die Datei in Excel oder "
                        "LibreOffice öffnen und speichern, oder den Wert statt der Formel "
                        "eintragen."
                    ),
                )
            )
    values.close()
    if problems:
        raise ImportRefused(problems)


def _formula_cells(workbook, sheet_name: str) -> list[tuple[int, int]]:
    sheet = workbook[sheet_name] if sheet_name in workbook.sheetnames else workbook.worksheets[0]
    found = [
        (cell.row, cell.column)
        for row in sheet.iter_rows()
        for cell in row
        if getattr(cell, "data_type", None) == "f"
    ]
    workbook.close()
    return found
