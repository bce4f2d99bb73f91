"""Read the children per Kreis (under 3, 3 to under 6) into indicator values, checking every row.

The figures are the Kita demand: `children_under_3`, `children_3_to_6` and their sum
`children_under_6` per Kreis, each summed to the Land. The file is optional in a data folder
(manifest key `children`); the loader passes what this module returns on to its one write.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from datetime import date
from pathlib import Path

#: CSV column -> indicator code.
CHILDREN_COLUMNS = {
    "children_under_3": "children_under_3",
    "children_3_to_6": "children_3_to_6",
}
UNDER_6 = "children_under_6"
REQUIRED = {"ags", "reference_date", *CHILDREN_COLUMNS}

Indicator = tuple[str, str, date, float, str]


def _row_problems(row: dict[str, str], where: str, kreise: set[str]) -> list[str]:
    problems = []
    ags = row.get("ags") or ""
    if not re.fullmatch(r"\d{5}", ags):
        problems.append(f"{where}: kein gültiger 5-stelliger Kreisschlüssel.")
    elif ags not in kreise:
        problems.append(f"{where}: Kreis {ags} ist kein Kreis der geladenen Gemeinden.")
    try:
        date.fromisoformat(row.get("reference_date") or "")
    except ValueError:
        problems.append(f"{where}: Stichtag ist kein Datum JJJJ-MM-TT.")
    for column in CHILDREN_COLUMNS:
        if not (row.get(column) or "").isdigit():
            problems.append(f"{where}, Spalte {column}: keine nicht-negative ganze Zahl.")
    return problems


def read_children(
    path: Path, kreise: set[str], land_ags: str, source: str
) -> tuple[list[Indicator], list[str]]:
    """Indicator tuples (ags, code, date, value, source) and every problem, row by row."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        return [], [f"{path}: keine lesbare CSV-Datei ({exc})."]
    if not rows:
        return [], [f"{path.name}: keine Zeilen."]
    missing = REQUIRED - set(rows[0])
    if missing:
        return [], [f"{path.name}: Spalten fehlen: {', '.join(sorted(missing))}."]
    problems: list[str] = []
    seen: dict[tuple[str, str], int] = {}
    for line, row in enumerate(rows, start=2):
        where = f"{path.name}, Zeile {line} (AGS {row.get('ags') or '–'})"
        problems += _row_problems(row, where, kreise)
        key = (row.get("ags") or "", row.get("reference_date") or "")
        if key in seen:  # would be summed twice into the Land
            problems.append(f"{where}: Kreis doppelt, schon in Zeile {seen[key]}.")
        seen.setdefault(key, line)
    if problems:
        return [], problems
    return _indicators(rows, land_ags, source), []


def _indicators(rows: list[dict[str, str]], land_ags: str, source: str) -> list[Indicator]:
    indicators: list[Indicator] = []
    land: dict[tuple[str, date], float] = defaultdict(float)
    for row in rows:
        day = date.fromisoformat(row["reference_date"])
        values = {code: float(row[column]) for column, code in CHILDREN_COLUMNS.items()}
        values[UNDER_6] = sum(values.values())
        for code, value in values.items():
            line = (
                f"{source}; Summe der Altersgruppen unter 3 und 3 bis unter 6"
                if code == UNDER_6
                else source
            )
            indicators.append((row["ags"], code, day, value, line))
            land[(code, day)] += value
    for (code, day), value in sorted(land.items()):
        indicators.append((land_ags, code, day, value, f"{source}; Summe der Kreise"))
    return indicators
