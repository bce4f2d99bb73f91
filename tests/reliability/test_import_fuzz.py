"""Fuzz the CSV, XLSX and HSDS importers: no crash, and no write unless the import succeeds.

Two kinds of input: (a) generated files (valid-shaped rows or services with hostile values)
and (b) exports of a small demo registry, mutated at byte and cell level. Every outcome must be
a success or a reported error (ImportRefused, or problems naming a row and a column), never
another exception; after a refused import, a dry run or an all-or-nothing import with
problems, the database fingerprint (row counts, history counts, import batches, a hash of the
export) is unchanged. `HYPOTHESIS_PROFILE=long` runs many more examples; the number of cases
and outcomes is printed at the end (`pytest -s`) and written to test-artifacts/fuzz-summary.json.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import zipfile
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from integrationsatlas.interchange.exporter import export_services
from integrationsatlas.interchange.flat import COLUMNS
from integrationsatlas.interchange.importer import import_file
from integrationsatlas.interchange.problems import ImportRefused, Problem
from integrationsatlas.registry import models as registry

LONG = os.environ.get("HYPOTHESIS_PROFILE") == "long"
# Examples per test: CI keeps the suite fast, `long` is for a deliberate fuzzing session.
GENERATED_EXAMPLES = 1000 if LONG else 60
MUTATED_EXAMPLES = 600 if LONG else 25
FUZZ = settings(
    max_examples=GENERATED_EXAMPLES,
    deadline=None,
    derandomize=not LONG,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
FUZZ_MUTATED = settings(FUZZ, max_examples=MUTATED_EXAMPLES)

pytestmark = pytest.mark.django_db

SUMMARY_FILE = Path(django_settings.BASE_DIR) / "test-artifacts" / "fuzz-summary.json"
OUTCOMES: dict[str, Counter] = {}


class _Undo(Exception):
    """Raised to roll back what a successful import wrote, so every example starts the same."""


# --- the properties ----------------------------------------------------------------------------


def fingerprint() -> dict:
    """Row counts of every registry table and its history, import batches, and an export hash."""
    counts = {}
    for model in (
        registry.Organization,
        registry.Service,
        registry.Location,
        registry.ServiceAtLocation,
        registry.Schedule,
        registry.ScheduleException,
        registry.Funding,
    ):
        counts[model.__name__] = model.objects.count()
        counts[f"{model.__name__}.history"] = model.history.count()
    counts["ImportBatch"] = registry.ImportBatch.objects.count()
    counts["export"] = hashlib.sha256(export_services("csv")).hexdigest()
    return counts


def check_problem(problem: Problem) -> None:
    assert isinstance(problem, Problem)
    assert problem.row is None or (isinstance(problem.row, int) and problem.row >= 1)
    assert isinstance(problem.column, str) and problem.column
    assert isinstance(problem.message, str) and problem.message
    str(problem)  # renders without error


def run_import(test: str, data: bytes, file_name: str, fmt: str, **options) -> str:
    """Import, check both properties, undo any write; the outcome's name for the summary."""
    before = fingerprint()
    outcome = "crash"
    try:
        with transaction.atomic():
            try:
                result = import_file(data, file_name, fmt, **options)
            except ImportRefused as refused:
                assert refused.problems, "ImportRefused without a problem"
                for problem in refused.problems:
                    check_problem(problem)
                outcome = "refused"
            else:
                for problem in result.problems + result.warnings:
                    check_problem(problem)
                if result.written:
                    assert not options.get("dry_run")
                    assert options.get("skip_invalid") or not result.problems
                    outcome = "written"
                    raise _Undo
                outcome = "dry_run" if options.get("dry_run") else "problems"
                if not result.problems and not options.get("dry_run"):
                    outcome = "nothing_valid"
            after = fingerprint()
            assert after == before, f"{outcome}: database changed without a write"
    except _Undo:
        pass
    finally:
        OUTCOMES.setdefault(test, Counter())[outcome] += 1
    if outcome == "written":
        assert fingerprint() == before, "the undo of a successful import left rows behind"
    return outcome


@pytest.fixture(scope="module", autouse=True)
def _summary():
    yield
    total = sum(sum(c.values()) for c in OUTCOMES.values())
    summary = {
        "profile": "long" if LONG else "ci",
        "total_cases": total,
        "tests": {name: dict(sorted(c.items())) for name, c in sorted(OUTCOMES.items())},
    }
    SUMMARY_FILE.parent.mkdir(exist_ok=True)
    SUMMARY_FILE.write_text(json.dumps(summary, indent=1) + "\n")
    print(f"\nimport fuzzing: {total} cases")
    for name, counts in summary["tests"].items():
        print(f"  {name}: {sum(counts.values())} {counts}")


# --- hostile values ---------------------------------------------------------------------------

HOSTILE_TEXT = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\u202e\u200fعربي\u200e",
    "\ufeff",
    "\r\n",
    '"',
    "'; DROP TABLE registry_service; --",
    "<script>alert(1)</script>",
    '=HYPERLINK("http://x")',
    "NaN",
    "nan",
    "inf",
    "-Infinity",
    "-1",
    "-0",
    "0",
    "1e999999",
    "-1e999999",
    "1e30",
    "99999999999999999999999999999999999999",
    "0.000000000000000000000001",
    "1,5",
    "1.000,50",
    "sNaN",
    "x" * 5000,
    "ü" * 400,
    "|",
    "||||",
    ";",
    "Mo",
    "Mo 25:00-26:00",
    "Mo 9-12",
    "Xx 09:00-10:00",
    "2024-02-30",
    "9999-12-31",
    "0001-01-01",
    "-2024-01-01",
    "ja",
    "nein",
    "vielleicht",
    "mbe",
    "14628",
    "14612000",
    "de|xx",
    "http://",
    "mailto:a@b",
    "a@b",
    "🙂" * 50,
    "\udcff".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
]
hostile_text = st.one_of(st.sampled_from(HOSTILE_TEXT), st.text(max_size=40))


def valid_row(n: int) -> dict[str, str]:
    """A row the importer accepts (so hostile values are the only thing wrong)."""
    return dict.fromkeys(COLUMNS, "") | {
        "service_id": f"fuzz-svc-{n}",
        "organization_id": "fuzz-org",
        "organization_name": "Fuzz-Träger e. V.",
        "offer_type": "mbe",
        "name": f"Beratung {n}",
        "languages": "de|ar",
        "status": "active",
        "capacity": "1.5",
        "is_free": "ja",
        "funding_level": "bund",
        "funding_funder": "BAMF",
        "funding_programme": "MBE",
        "funding_amount_per_year": "90000.00",
        "funding_share": "1",
        "funding_start": "2024-01-01",
        "funding_end": "2027-12-31",
        "location_id": f"fuzz-loc-{n}",
        "address": "Altmarkt 1",
        "postal_code": "01067",
        "city": "Dresden",
        "longitude": "13.7373",
        "latitude": "51.0504",
        "hours": "Mo 09:00-12:00; Di 13:00-16:00",
    }


@st.composite
def flat_rows(draw) -> list[dict[str, str]]:
    rows = []
    for _ in range(draw(st.integers(1, 3))):
        row = valid_row(draw(st.integers(1, 3)))  # ids may repeat on purpose
        for column in draw(st.lists(st.sampled_from(COLUMNS), max_size=6, unique=True)):
            row[column] = draw(hostile_text)
        rows.append(row)
    return rows


@st.composite
def flat_header(draw) -> list[str]:
    header = list(COLUMNS)
    change = draw(st.sampled_from(["keep", "keep", "keep", "drop", "duplicate", "unknown"]))
    if change == "drop":
        header.remove(draw(st.sampled_from(header)))
    elif change == "duplicate":
        header.append(draw(st.sampled_from(header)))
    elif change == "unknown":
        header.append(draw(hostile_text))
    return header


def csv_bytes(header: list[str], rows: list[dict], delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(c, "") for c in header])
    return buffer.getvalue().encode("utf-8", "surrogatepass")


def xlsx_bytes(header: list, rows: list[list]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Angebote"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _xlsx_safe(value):
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)[:32000]
    return value


# Typed cells only XLSX can hold: numbers of every size, booleans, dates.
xlsx_cell = st.one_of(
    hostile_text,
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=date(1900, 1, 1)),
    st.datetimes(min_value=datetime(1900, 1, 1)),
    st.none(),
)

# --- (a) generated files ----------------------------------------------------------------------


@FUZZ
@given(
    header=flat_header(),
    rows=flat_rows(),
    delimiter=st.sampled_from([",", ";"]),
    dry_run=st.booleans(),
    skip_invalid=st.booleans(),
)
def test_generated_csv(header, rows, delimiter, dry_run, skip_invalid):
    data = csv_bytes(header, rows, delimiter)
    run_import("generated_csv", data, "fuzz.csv", "csv", dry_run=dry_run, skip_invalid=skip_invalid)


@FUZZ
@given(
    header=flat_header(),
    rows=flat_rows(),
    typed=st.dictionaries(st.sampled_from(COLUMNS), xlsx_cell, max_size=5),
    dry_run=st.booleans(),
    skip_invalid=st.booleans(),
)
def test_generated_xlsx(header, rows, typed, dry_run, skip_invalid):
    matrix = [[_xlsx_safe((row | typed).get(c, "")) for c in header] for row in rows]
    data = xlsx_bytes(header, matrix)
    run_import(
        "generated_xlsx", data, "fuzz.xlsx", "xlsx", dry_run=dry_run, skip_invalid=skip_invalid
    )


json_junk = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**30), max_value=10**30),
        st.floats(allow_nan=True, allow_infinity=True),
        hostile_text,
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)


def valid_hsds(n: int) -> dict:
    sid = f"fuzz-svc-{n}"
    return {
        "id": sid,
        "name": f"Beratung {n}",
        "status": "active",
        "email": "a@example.org",
        "url": "https://example.org",
        "organization": {"id": "fuzz-org", "name": "Fuzz-Träger e. V.", "website": "https://x.de"},
        "languages": [{"code": "de"}, {"code": "ar"}],
        "phones": [{"number": "0351 1234"}],
        "required_documents": [{"document": "Pass"}],
        "schedules": [{"freq": "WEEKLY", "byday": "MO", "opens_at": "09:00", "closes_at": "12:00"}],
        "service_areas": [{"extent": "14628", "extent_type": "ags", "name": "Kreis"}],
        "attributes": [
            {"value": "mbe", "taxonomy_term": {"code": "mbe", "taxonomy": "x"}},
            {
                "value": "1.5",
                "taxonomy_term": {"code": "capacity", "taxonomy": "integrationsatlas-felder"},
            },
            {
                "value": '{"en": {"name": "Counselling"}}',
                "taxonomy_term": {"code": "translations", "taxonomy": "integrationsatlas-felder"},
            },
        ],
        "funding": [
            {
                "source": "BAMF",
                "attributes": [
                    {
                        "value": value,
                        "taxonomy_term": {"code": code, "taxonomy": "integrationsatlas-felder"},
                    }
                    for code, value in (
                        ("funder_level", "bund"),
                        ("amount_per_year", "90000"),
                        ("share", "1"),
                        ("start", "2024-01-01"),
                        ("end", "2027-12-31"),
                    )
                ],
            }
        ],
        "service_at_locations": [
            {
                "location_id": f"fuzz-loc-{n}",
                "schedules": [
                    {"freq": "WEEKLY", "byday": "TU,TH", "opens_at": "13:00", "closes_at": "16:00"}
                ],
                "location": {
                    "id": f"fuzz-loc-{n}",
                    "name": "Beratungsstelle",
                    "latitude": 51.0504,
                    "longitude": 13.7373,
                    "addresses": [
                        {"address_1": "Altmarkt 1", "city": "Dresden", "postal_code": "01067"}
                    ],
                    "accessibility": [{"description": "Rampe"}],
                    "attributes": [],
                },
            }
        ],
    }


def _paths(value, prefix=()) -> list[tuple]:
    """Every path into a JSON document (keys and list indexes)."""
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*prefix, index))
    return found


def _set(document, path: tuple, value, delete: bool = False):
    if not path:
        return value
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    if delete:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return document


@st.composite
def json_mutation(draw, document):
    """Replace or delete values at random paths of a JSON document."""
    for _ in range(draw(st.integers(1, 4))):
        paths = _paths(document)
        path = draw(st.sampled_from(paths))
        if path and draw(st.booleans()):
            document = _set(document, path, None, delete=True)
        else:
            document = _set(document, path, draw(json_junk))
    return document


@st.composite
def hsds_documents(draw):
    services = [valid_hsds(draw(st.integers(1, 3))) for _ in range(draw(st.integers(1, 3)))]
    shape = draw(st.sampled_from(["list", "list", "single", "page"]))
    document = {"list": services, "single": services[0], "page": {"contents": services}}[shape]
    return draw(json_mutation(document))


def duplicate_keys(text: str, key: str = "id") -> str:
    """The same key twice in every object that has it (JSON allows it; the last one wins)."""
    return text.replace(f'"{key}": ', f'"{key}": "dup", "{key}": ')


@FUZZ
@given(
    document=hsds_documents(),
    duplicate=st.booleans(),
    offer_type=st.sampled_from(["", "mbe", "astrologie"]),
    dry_run=st.booleans(),
    skip_invalid=st.booleans(),
)
def test_generated_hsds(document, duplicate, offer_type, dry_run, skip_invalid):
    text = json.dumps(document, ensure_ascii=False)  # NaN and Infinity stay as JS literals
    if duplicate:
        text = duplicate_keys(text)
    run_import(
        "generated_hsds",
        text.encode("utf-8", "surrogatepass"),
        "fuzz.json",
        "hsds",
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        default_offer_type=offer_type,
    )


# --- (b) mutated exports of a demo registry ----------------------------------------------------


@pytest.fixture
def demo_exports() -> dict[str, bytes]:
    """A small demo registry and its exports: the seeds the mutations start from."""
    from integrationsatlas.registry.demo import load_demo

    load_demo(seed=7, target=40)
    return {fmt: export_services(fmt) for fmt in ("csv", "xlsx", "hsds")}


@st.composite
def byte_mutation(draw, data: bytes) -> bytes:
    kind = draw(st.sampled_from(["flip", "truncate", "insert", "delete", "splice"]))
    at = draw(st.integers(0, max(len(data) - 1, 0)))
    if kind == "flip":
        for _ in range(draw(st.integers(1, 8))):
            at = draw(st.integers(0, len(data) - 1))
            data = data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1 :]
        return data
    if kind == "truncate":
        return data[:at]
    if kind == "insert":
        return data[:at] + draw(st.binary(min_size=1, max_size=16)) + data[at:]
    if kind == "delete":
        return data[:at] + data[at + draw(st.integers(1, 64)) :]
    end = draw(st.integers(at, len(data)))
    return data[:at] + data[at:end] * 2 + data[end:]


ENCODINGS = ["utf-16", "utf-16-le", "utf-8-sig", "latin-1", "cp1252", "utf-32"]


@st.composite
def csv_mutation(draw, data: bytes) -> bytes:
    kind = draw(
        st.sampled_from(
            ["bytes", "duplicate_row", "swap_columns", "drop_header", "encoding", "cell", "shuffle"]
        )
    )
    if kind == "bytes":
        return draw(byte_mutation(data))
    if kind == "encoding":
        return data.decode("utf-8").encode(draw(st.sampled_from(ENCODINGS)), "replace")
    matrix = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    header, rows = matrix[0], matrix[1:]
    if kind == "duplicate_row" and rows:
        rows.insert(draw(st.integers(0, len(rows))), list(draw(st.sampled_from(rows))))
    elif kind == "swap_columns":
        i, j = draw(st.integers(0, len(header) - 1)), draw(st.integers(0, len(header) - 1))
        target = header if draw(st.booleans()) else None
        for row in [target] if target else rows:
            row[i], row[j] = row[j], row[i]
    elif kind == "drop_header":
        header = rows.pop(0) if rows else []
    elif kind == "cell" and rows:
        for _ in range(draw(st.integers(1, 5))):
            row = draw(st.sampled_from(rows))
            row[draw(st.integers(0, len(row) - 1))] = draw(hostile_text)
    elif kind == "shuffle":
        rows = draw(st.permutations(rows))
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([header, *rows])
    return buffer.getvalue().encode("utf-8", "surrogatepass")


@FUZZ_MUTATED
@given(data=st.data(), dry_run=st.booleans(), skip_invalid=st.booleans())
def test_mutated_csv(demo_exports, data, dry_run, skip_invalid):
    mutated = data.draw(csv_mutation(demo_exports["csv"]))
    run_import(
        "mutated_csv", mutated, "demo.csv", "csv", dry_run=dry_run, skip_invalid=skip_invalid
    )


@st.composite
def xlsx_mutation(draw, data: bytes) -> bytes:
    kind = draw(st.sampled_from(["bytes", "zip_member", "cells", "cells", "drop_member"]))
    if kind == "bytes":
        return draw(byte_mutation(data))
    source = zipfile.ZipFile(io.BytesIO(data))
    names = source.namelist()
    if kind in ("zip_member", "drop_member"):
        victim = draw(st.sampled_from(names))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for name in names:
                body = source.read(name)
                if name == victim:
                    if kind == "drop_member":
                        continue
                    body = draw(byte_mutation(body)) if body else b"<x"
                target.writestr(name, body)
        return out.getvalue()
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.active
    for _ in range(draw(st.integers(1, 6))):
        row = draw(st.integers(1, sheet.max_row + 2))
        column = draw(st.integers(1, sheet.max_column + 1))
        sheet.cell(row=row, column=column).value = _xlsx_safe(draw(xlsx_cell))
    if draw(st.booleans()):
        sheet.delete_rows(1)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@FUZZ_MUTATED
@given(data=st.data(), dry_run=st.booleans(), skip_invalid=st.booleans())
def test_mutated_xlsx(demo_exports, data, dry_run, skip_invalid):
    mutated = data.draw(xlsx_mutation(demo_exports["xlsx"]))
    run_import(
        "mutated_xlsx", mutated, "demo.xlsx", "xlsx", dry_run=dry_run, skip_invalid=skip_invalid
    )


@st.composite
def hsds_mutation(draw, data: bytes) -> bytes:
    kind = draw(st.sampled_from(["bytes", "json", "json", "duplicate", "encoding"]))
    if kind == "bytes":
        return draw(byte_mutation(data))
    if kind == "encoding":
        return data.decode("utf-8").encode(draw(st.sampled_from(ENCODINGS)), "replace")
    services = json.loads(data)
    if kind == "duplicate" and services:
        services.append(draw(st.sampled_from(services)))
        return json.dumps(services).encode()
    # Mutate a few services only: the paths of all 40 would make drawing slow.
    picked = draw(st.lists(st.integers(0, len(services) - 1), min_size=1, max_size=3))
    for index in picked:
        services[index] = draw(json_mutation(services[index]))
    return json.dumps(services, ensure_ascii=False).encode("utf-8", "surrogatepass")


@FUZZ_MUTATED
@given(data=st.data(), dry_run=st.booleans(), skip_invalid=st.booleans())
def test_mutated_hsds(demo_exports, data, dry_run, skip_invalid):
    mutated = data.draw(hsds_mutation(demo_exports["hsds"]))
    run_import(
        "mutated_hsds",
        mutated,
        "demo.json",
        "hsds",
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        default_offer_type="mbe",
    )


# --- regressions: crashes the fuzzer found, kept as plain examples -----------------------------


@pytest.mark.parametrize(
    "document",
    [
        [None],  # an entry that is not an object
        [["id", "x"]],
        [valid_hsds(1) | {"required_documents": [None]}],
        [valid_hsds(1) | {"service_at_locations": [None]}],
        [valid_hsds(1) | {"languages": "de"}],
        [valid_hsds(1) | {"organization": "fuzz-org"}],
        [valid_hsds(1) | {"funding": [{"attributes": [None]}]}],
    ],
)
def test_hsds_wrong_json_types_are_reported(document):
    data = json.dumps(document).encode()
    assert run_import("regressions", data, "x.json", "hsds") == "problems"


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("name", "x" * 5000),  # PostgreSQL: value too long for type character varying(300)
        ("organization_name", "x" * 301),
        ("phone", "1" * 100),
        ("funding_funder", "x" * 400),
        ("description", "a\x00b"),  # PostgreSQL refuses NUL in text
        ("location_name", "\x00"),
    ],
)
def test_too_long_or_nul_text_is_reported(column, value):
    data = csv_bytes(COLUMNS, [valid_row(1) | {column: value}])
    assert run_import("regressions", data, "x.csv", "csv") == "problems"
