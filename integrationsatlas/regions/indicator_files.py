"""Read a statistics file (long-form CSV/XLSX or a GENESIS flat CSV) into checked rows.

Nothing here touches the database: it turns bytes into `FileRow`s and a list of problems,
each naming the row and column. `indicators_import` checks the rows against the regions
and indicators that are loaded and writes them.

Unknown figures are kept as unknown, never as 0: the symbols the statistical offices use
for missing or secret values (GENESIS: "-", ".", "x", "/", "...") become a row without a
value that remembers its symbol. GENESIS uses "-" for "nothing there"; it is still stored
as unknown, so that no figure is ever made up from a symbol.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from dataclasses import dataclass, field
from typing import Any

#: Symbols that stand for an unknown (missing, secret, not yet available) figure.
MISSING_SYMBOLS = {"-", ".", "x", "X", "/", "...", "…"}
#: GENESIS variables that hold the region (their attribute codes are AGS or ARS keys).
REGION_VARIABLES = {"DINSG", "DLAND", "REGBEZ", "KREISE", "GEMEIN", "GEMVB"}
LONG_COLUMNS = {
    "region": ("region", "ags", "ars", "regionalschlüssel", "regionalschluessel"),
    "indicator": ("indicator", "kennzahl", "code"),
    "reference_date": ("reference_date", "stichtag", "date"),
    "value": ("value", "wert"),
    "source": ("source", "quelle"),
    "licence": ("licence", "license", "lizenz"),
    "projection": ("projection", "vorausberechnung", "projektion"),
    "variant": ("variant", "variante"),
}
REQUIRED_LONG = ("region", "indicator", "reference_date", "value")
_GROUPED = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class IndicatorFileError(Exception):
    """The file cannot be read at all (encoding, format, header); one message."""


@dataclass
class FileRow:
    line: int
    region: str
    code: str
    reference_date: dt.date
    value: float | None
    missing: str
    source: str
    licence: str
    # Empty for an observed figure; the variant of a projection (Vorausberechnung).
    variant: str = ""


@dataclass
class ReadResult:
    rows: list[FileRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    file_format: str = ""
    encoding: str = ""
    # GENESIS: the series found, {series key: label}, for the mapping to indicator codes.
    series: dict[str, str] = field(default_factory=dict)
    skipped: int = 0


def decode(data: bytes) -> tuple[str, str]:
    """Text and the name of its encoding: UTF-8 (with or without BOM), UTF-16 or Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "UTF-8 mit BOM"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "UTF-16"
    try:
        text, encoding = data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        try:
            text, encoding = data.decode("cp1252"), "Windows-1252"
        except UnicodeDecodeError as exc:
            raise IndicatorFileError(
                f"Kodierung nicht erkannt: Byte {data[exc.start]:#04x} an Stelle {exc.start} passt "
                "weder zu UTF-8 noch zu Windows-1252. Bitte als CSV (UTF-8) speichern."
            ) from exc
    bad = _CONTROL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise IndicatorFileError(
            f"Kodierung nicht erkannt: Steuerzeichen {ord(bad.group()):#04x} in Zeile {line}; "
            "ist das eine Textdatei (CSV) oder eine Excel-Datei (.xlsx)?"
        )
    return text, encoding


def _csv_table(text: str) -> list[list[str]]:
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    try:
        return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter) if any(row)]
    except csv.Error as exc:
        raise IndicatorFileError(f"CSV nicht lesbar: {exc}.") from exc


def _xlsx_table(data: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for a broken archive
        raise IndicatorFileError(f"Excel-Datei nicht lesbar ({exc}).") from exc
    sheet = book.worksheets[0]
    table = [list(row) for row in sheet.iter_rows(values_only=True)]
    book.close()
    return [row for row in table if any(cell not in (None, "") for cell in row)]


def read_table(data: bytes, file_name: str) -> tuple[list[list[Any]], str]:
    """Rows of cells (the header first) and the encoding read ("" for XLSX)."""
    if data.startswith(b"PK\x03\x04") or file_name.lower().endswith(".xlsx"):
        return _xlsx_table(data), ""
    text, encoding = decode(data)
    return _csv_table(text), encoding


def parse_number(raw: Any, decimal_comma: bool) -> float:
    """A cell as a float: '1.234,5' and '1234,5' (German) or '1234.5'. Raises ValueError."""
    if isinstance(raw, bool):
        raise ValueError(raw)
    if isinstance(raw, int | float):
        value = float(raw)
    else:
        text = str(raw).strip().replace("\u00a0", "").replace(" ", "")
        if "," in text or (decimal_comma and _GROUPED.match(text)):
            text = text.replace(".", "").replace(",", ".")
        value = float(text)
    if not math.isfinite(value):
        raise ValueError(raw)
    return value


def parse_date(raw: Any) -> dt.date:
    """ISO date, TT.MM.JJJJ, a datetime from Excel, or a year (read as 31 December)."""
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = str(raw).strip()
    if re.fullmatch(r"\d{4}", text):
        return dt.date(int(text), 12, 31)
    if re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{4}", text):
        day, month, year = (int(p) for p in text.split("."))
        return dt.date(year, month, day)
    return dt.date.fromisoformat(text)


def region_key(raw: Any) -> str:
    """An AGS as text; a 12-digit ARS becomes its AGS; Excel numbers get their leading zero."""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    key = str(raw if raw is not None else "").strip()
    if isinstance(raw, int) and len(key) in (1, 4, 7):
        key = "0" + key
    if re.fullmatch(r"\d{12}", key):
        key = key[:5] + key[9:]
    return key


def _cell(row: list[Any], index: int | None) -> Any:
    if index is None or index >= len(row):
        return None
    return row[index]


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _value(raw: Any, decimal_comma: bool, where: str, problems: list[str]):
    """(value, missing symbol) or None after adding a problem."""
    text = _text(raw)
    if text in MISSING_SYMBOLS:
        return None, text
    if text == "":
        problems.append(
            f"{where}: Wert fehlt. Für einen unbekannten oder geheimen Wert '.' oder 'x' eintragen."
        )
        return None
    try:
        return parse_number(raw, decimal_comma), ""
    except ValueError:
        problems.append(f"{where}: '{text[:40]}' ist keine Zahl.")
        return None


def _date(raw: Any, where: str, problems: list[str]) -> dt.date | None:
    try:
        return parse_date(raw)
    except (TypeError, ValueError):
        problems.append(
            f"{where}: '{_text(raw)[:40]}' ist kein Datum (JJJJ-MM-TT oder TT.MM.JJJJ)."
        )
        return None


def _header_index(header: list[Any]) -> dict[str, int]:
    names = [_text(cell).lower() for cell in header]
    index: dict[str, int] = {}
    for column, aliases in LONG_COLUMNS.items():
        for alias in aliases:
            if alias in names:
                index[column] = names.index(alias)
                break
    return index


def read_long(table: list[list[Any]], source: str, licence: str, result: ReadResult) -> ReadResult:
    """Long form: one figure per row in columns region, indicator, reference_date, value."""
    result.file_format = "long"
    columns = _header_index(table[0])
    missing = [c for c in REQUIRED_LONG if c not in columns]
    if missing:
        raise IndicatorFileError(
            f"Zeile 1: Spalten fehlen: {', '.join(missing)}. Erwartet: region, indicator, "
            "reference_date, value (dazu source und licence, falls nicht für die Datei angegeben)."
        )
    for line, row in enumerate(table[1:], start=2):
        if len(row) > len(table[0]):
            result.problems.append(
                f"Zeile {line}: mehr Zellen ({len(row)}) als Spalten ({len(table[0])})."
            )
            continue
        where = f"Zeile {line}, Spalte {{}}"
        key = region_key(_cell(row, columns["region"]))
        code = _text(_cell(row, columns["indicator"]))
        date = _date(
            _cell(row, columns["reference_date"]), where.format("reference_date"), result.problems
        )
        value = _value(_cell(row, columns["value"]), False, where.format("value"), result.problems)
        row_source = _text(_cell(row, columns.get("source"))) or source
        row_licence = _text(_cell(row, columns.get("licence"))) or licence
        if not key:
            result.problems.append(f"{where.format('region')}: Regionalschlüssel fehlt.")
        if not code:
            result.problems.append(f"{where.format('indicator')}: Kennzahl fehlt.")
        if not row_source:
            result.problems.append(
                f"{where.format('source')}: Quelle fehlt (Spalte source oder Angabe für die Datei)."
            )
        if not row_licence:
            result.problems.append(
                f"{where.format('licence')}: Lizenz fehlt (Spalte licence oder Angabe für die Datei)."
            )
        variant = _projection(row, columns, date, where, result.problems)
        if date is None or value is None or variant is None:
            continue
        if not (key and code and row_source and row_licence):
            continue
        result.rows.append(
            FileRow(line, key, code, date, value[0], value[1], row_source, row_licence, variant)
        )
    return result


def _projection(
    row: list[Any], columns: dict[str, int], date: dt.date | None, where: str, problems: list[str]
) -> str | None:
    """The row's projection variant ("" for an observed figure), or None after a problem.

    A projection needs both its year (column projection, JJJJ, the year of reference_date)
    and its variant: a figure of unknown variant cannot be told apart from another one.
    """
    year = _text(_cell(row, columns.get("projection")))
    variant = _text(_cell(row, columns.get("variant")))[:80]
    if not year and not variant:
        return ""
    if not year:
        problems.append(
            f"{where.format('projection')}: Jahr der Vorausberechnung fehlt "
            f"(Variante '{variant[:40]}' angegeben)."
        )
        return None
    if not re.fullmatch(r"\d{4}", year):
        problems.append(f"{where.format('projection')}: '{year[:40]}' ist kein Jahr (JJJJ).")
        return None
    if not variant:
        problems.append(f"{where.format('variant')}: Variante der Vorausberechnung {year} fehlt.")
        return None
    if date is not None and date.year != int(year):
        problems.append(
            f"{where.format('reference_date')}: Stichtag {date:%d.%m.%Y} liegt nicht im Jahr "
            f"der Vorausberechnung {year}."
        )
        return None
    return variant


def _genesis_columns(header: list[Any]) -> tuple[dict[str, int], list[int]]:
    names = [_text(cell) for cell in header]
    needed = ("time", "value", "value_variable_code")
    missing = [n for n in needed if n not in names]
    if missing:
        raise IndicatorFileError(f"Zeile 1: GENESIS-Spalten fehlen: {', '.join(missing)}.")
    columns = {n: names.index(n) for n in names if n}
    variables = sorted(
        int(n.split("_", 1)[0]) for n in names if re.fullmatch(r"\d+_variable_code", n)
    )
    return columns, variables


def _series(row: list[Any], columns: dict[str, int], others: list[int]) -> tuple[str, str]:
    """The series key (value variable, then each non-region attribute) and its label."""
    key = [_text(_cell(row, columns["value_variable_code"]))]
    label = [_text(_cell(row, columns.get("value_variable_label")))]
    for n in others:
        key.append(_text(_cell(row, columns.get(f"{n}_variable_attribute_code"))))
        label.append(_text(_cell(row, columns.get(f"{n}_variable_attribute_label"))))
    return ":".join(key), ", ".join(part for part in label if part)


def _region_variable(table: list[list[Any]], columns: dict[str, int], variables: list[int]) -> int:
    first = table[1] if len(table) > 1 else []
    for n in variables:
        if _text(_cell(first, columns.get(f"{n}_variable_code"))) in REGION_VARIABLES:
            return n
    raise IndicatorFileError(
        "Keine Regionsspalte gefunden: eine der GENESIS-Variablen "
        f"{', '.join(sorted(REGION_VARIABLES))} muss in N_variable_code stehen."
    )


def read_genesis(
    table: list[list[Any]],
    source: str,
    licence: str,
    mapping: dict[str, str | None],
    result: ReadResult,
) -> ReadResult:
    """GENESIS flat CSV (ffcsv): one figure per row; regions from DLAND/KREISE/GEMEIN.

    `mapping` names the indicator code for each series ("BEVSTD" or "BEVSTD:GESM" with a
    breakdown); None skips a series on purpose. With one series, the key "" maps it.
    """
    result.file_format = "genesis"
    columns, variables = _genesis_columns(table[0])
    region_n = _region_variable(table, columns, variables)
    others = [n for n in variables if n != region_n]
    keys = []
    for row in table[1:]:
        key, label = _series(row, columns, others)
        result.series.setdefault(key, label)
        keys.append(key)
    if not source or not licence:
        statistic = _text(_cell(table[1], columns.get("statistics_code"))) if len(table) > 1 else ""
        raise IndicatorFileError(
            "Quelle und Lizenz der Datei fehlen, z. B. Quelle '© Statistisches Bundesamt "
            f"(Destatis), GENESIS-Online {statistic or 'Tabelle'}' und Lizenz 'dl-de/by-2-0'."
        )
    codes = _series_codes(result.series, mapping)
    attribute = columns.get(f"{region_n}_variable_attribute_code")
    for line, (row, key) in enumerate(zip(table[1:], keys, strict=True), start=2):
        code = codes[key]
        if code is None:
            result.skipped += 1
            continue
        date = _date(_cell(row, columns["time"]), f"Zeile {line}, Spalte time", result.problems)
        value = _value(
            _cell(row, columns["value"]), True, f"Zeile {line}, Spalte value", result.problems
        )
        region = region_key(_text(_cell(row, attribute)))
        if not region:
            result.problems.append(
                f"Zeile {line}, Spalte {region_n}_variable_attribute_code: Regionalschlüssel fehlt."
            )
            continue
        if date is None or value is None:
            continue
        result.rows.append(FileRow(line, region, code, date, value[0], value[1], source, licence))
    return result


def _series_codes(series: dict[str, str], mapping: dict[str, str | None]) -> dict[str, str | None]:
    if len(series) == 1 and "" in mapping:
        return {next(iter(series)): mapping[""]}
    unmapped = [key for key in series if key not in mapping]
    if unmapped:
        listed = "; ".join(f"{key} ({series[key]})" for key in unmapped)
        raise IndicatorFileError(
            f"Welche Kennzahl ist gemeint? Die Datei hat die Reihen {listed}. Jede Reihe einer "
            "Kennzahl zuordnen (REIHE=kennzahl) oder mit REIHE=- auslassen."
        )
    return {key: mapping[key] for key in series}


def read_file(
    data: bytes,
    file_name: str,
    source: str = "",
    licence: str = "",
    mapping: dict[str, str | None] | None = None,
) -> ReadResult:
    """Read long form or GENESIS flat CSV (detected by its header). Raises IndicatorFileError
    when the file as a whole is unreadable; row problems are in the result."""
    table, encoding = read_table(data, file_name)
    if len(table) < 2:
        raise IndicatorFileError("Die Datei hat keine Datenzeilen.")
    result = ReadResult(encoding=encoding)
    header = {_text(cell) for cell in table[0]}
    if {"statistics_code", "value_variable_code"} & header:
        return read_genesis(table, source.strip(), licence.strip(), mapping or {}, result)
    return read_long(table, source.strip(), licence.strip(), result)


def parse_mapping(lines: list[str]) -> dict[str, str | None]:
    """'BEVSTD=population' and 'BEVSTD:GESM=-' (skip) lines as a mapping; a bare code maps
    the only series. Raises IndicatorFileError naming a broken line."""
    mapping: dict[str, str | None] = {}
    for line in (part.strip() for part in lines):
        if not line:
            continue
        series, sep, code = line.partition("=")
        if not sep:
            series, code = "", line
        code = code.strip()
        if not code:
            raise IndicatorFileError(f"Zuordnung '{line}': Kennzahl fehlt (REIHE=kennzahl).")
        mapping[series.strip()] = None if code == "-" else code
    return mapping
