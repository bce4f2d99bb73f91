"""Issue 16: statistics import as editions (GENESIS flat CSV and long form), bad input, withdrawal,
and the shipped Zensus 2022 figures cited in Gemeinde-level explanations."""

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from integrationsatlas.regions import editions
from integrationsatlas.regions.indicators_import import IndicatorImportError, import_indicators
from integrationsatlas.regions.models import IndicatorEdition, IndicatorValue

pytestmark = pytest.mark.django_db

HEADER = (
    "statistics_code;statistics_label;time_code;time_label;time;1_variable_code;1_variable_label;"
    "1_variable_attribute_code;1_variable_attribute_label;2_variable_code;2_variable_label;"
    "2_variable_attribute_code;2_variable_attribute_label;value;value_unit;value_variable_code;"
    "value_variable_label;value_q"
)
ROW = "12411-0015;Bevölkerung;STAG;Stichtag;{date};GEMEIN;Gemeinden;{ags};Ort;NAT;Nationalität;{nat};{label};{value};Personen;BEVSTD;Bevölkerungsstand;e"
SOURCE = "© Statistisches Landesamt Sachsen, GENESIS 12411-0015"


def genesis(rows: list[tuple[str, str, str, str]]) -> bytes:
    lines = [HEADER]
    for ags, nat, value, date in rows:
        label = "Ausländer" if nat == "NATA" else "Deutsche"
        lines.append(ROW.format(ags=ags, nat=nat, label=label, value=value, date=date))
    return ("\n".join(lines) + "\n").encode("utf-8")


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("indicators", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_genesis_flat_csv_loads_with_source_and_date_and_secret_values_stay_unknown(tmp_path):
    data = genesis(
        [
            ("14625020", "NATA", "1.234", "2024-12-31"),
            ("14625020", "NATD", "35000", "2024-12-31"),
            ("14625030", "NATA", "x", "2024-12-31"),
            ("14625040", "NATA", ".", "31.12.2024"),
        ]
    )
    path = write(tmp_path, "12411-0015_flat.csv", data)
    args = ["--source", SOURCE, "--licence", "dl-de/by-2-0", "--by", "Statistikstelle Bautzen"]
    summary = run(
        "import", path, *args, "--map", "BEVSTD:NATA=foreign_population", "--map", "BEVSTD:NATD=-"
    )
    assert "3 neue Werte" in summary and "davon 2 unbekannt" in summary
    assert "1 Zeilen nicht zugeordneter Reihen ausgelassen" in summary
    rows = list(
        csv.DictReader(io.StringIO(run("list", "--code", "foreign_population", "--format", "csv")))
    )
    mine = {r["region"]: r for r in rows if r["reference_date"] == "2024-12-31"}
    assert mine["14625020"]["value"] == "1234.0"  # "." groups thousands in a German GENESIS file
    assert mine["14625020"]["source"] == SOURCE and mine["14625020"]["licence"] == "dl-de/by-2-0"
    assert (mine["14625030"]["value"], mine["14625030"]["status"]) == ("", "unbekannt (x)")
    assert mine["14625040"]["status"] == "unbekannt (.)"
    edition = IndicatorEdition.objects.get()
    assert mine["14625020"]["edition"] == str(edition.pk)
    assert edition.loaded_by_name == "Statistikstelle Bautzen" and edition.file_format == "genesis"
    stored = IndicatorValue.objects.get(
        region_id="14625030", code="foreign_population", edition=edition
    )
    assert stored.value is None and stored.missing == "x"


def test_genesis_file_with_several_series_asks_which_indicator_is_meant(tmp_path):
    path = write(
        tmp_path,
        "t.csv",
        genesis([("14625020", "NATA", "5", "2024-12-31"), ("14625020", "NATD", "6", "2024-12-31")]),
    )
    with pytest.raises(CommandError, match=r"BEVSTD:NATA \(Bevölkerungsstand, Ausländer\)"):
        run("import", path, "--source", SOURCE, "--licence", "dl-de/by-2-0")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "99999,population,2024-12-31,5",
            "Zeile 3, Spalte region: Regionalschlüssel 99999 ist nicht geladen",
        ),
        (
            "14625,kita_plaetze,2024-12-31,5",
            "Zeile 3, Spalte indicator: Kennzahl 'kita_plaetze' ist nicht angelegt",
        ),
        (
            "14625,population,2099-12-31,5",
            "Zeile 3, Spalte reference_date: Stichtag 31.12.2099 liegt in der Zukunft",
        ),
        ("14625,population,2024-12-31,7", "Zeile 3: widerspricht Zeile 2"),
        ("14625,population,2024-12-31,viele", "Zeile 3, Spalte value: 'viele' ist keine Zahl"),
        (
            "14625,population,2024-13-40,5",
            "Zeile 3, Spalte reference_date: '2024-13-40' ist kein Datum",
        ),
        ("14625,population,2024-12-31,-5", "Zeile 3, Spalte value: negative Anzahl"),
    ],
)
def test_bad_rows_are_named_and_nothing_is_stored(tmp_path, body, message):
    before = IndicatorValue.objects.count()
    text = f"region,indicator,reference_date,value\n14625,population,2024-12-31,6\n{body}\n"
    path = write(tmp_path, "bad.csv", text.encode())
    with pytest.raises(CommandError, match=message):
        run("import", path, "--source", "Kreis Bautzen", "--licence", "dl-de/by-2-0")
    assert IndicatorValue.objects.count() == before and not IndicatorEdition.objects.exists()


def test_unknown_encoding_is_refused(tmp_path):
    path = write(
        tmp_path,
        "x.csv",
        b"region,indicator,reference_date,value\n14625,population,2024-12-31,\x81\n",
    )
    with pytest.raises(CommandError, match="Kodierung nicht erkannt: Byte 0x81"):
        run("import", path, "--source", "s", "--licence", "l")


def test_cp1252_long_form_with_per_row_source_and_german_numbers(tmp_path):
    text = "Region;Kennzahl;Stichtag;Wert;Quelle;Lizenz\n14625;population;31.12.2024;1.234,5;Landratsamt Bautzen, Ausländerbehörde;dl-de/by-2-0\n"
    path = write(tmp_path, "kreis.csv", text.encode("cp1252"))
    assert "Kodierung Windows-1252" in run("import", path)
    value = IndicatorValue.objects.get(
        region_id="14625", code="population", reference_date=dt.date(2024, 12, 31)
    )
    assert value.value == 1234.5 and value.source == "Landratsamt Bautzen, Ausländerbehörde"


def test_conflict_with_a_stored_edition_then_withdraw_compare_and_reload(tmp_path):
    first = b"region,indicator,reference_date,value\n14625,population,2024-12-31,100\n14626,population,2024-12-31,50\n"
    second = b"region,indicator,reference_date,value\n14625,population,2024-12-31,120\n"
    one = import_indicators(first, "a.csv", "test", source="A", licence="L").edition
    with pytest.raises(IndicatorImportError, match=rf"schon 100 gespeichert \(Ausgabe #{one.pk}\)"):
        import_indicators(second, "b.csv", "test", source="B", licence="L")
    again = import_indicators(first, "a.csv", "test", source="A", licence="L")
    assert again.edition is None and again.unchanged == 2
    editions.withdraw(one.pk, "test", "Melderegister korrigiert")
    assert not IndicatorValue.objects.filter(edition_id=one.pk).exists()
    two = import_indicators(second, "b.csv", "test", source="B", licence="L").edition
    rows = {r["region"]: r for r in editions.compare(IndicatorEdition.objects.get(pk=one.pk), two)}
    assert (
        rows["14625"]["value_a"],
        rows["14625"]["value_b"],
        rows["14625"]["change_percent"],
    ) == (100, 120, 20.0)
    assert rows["14626"]["value_b"] is None
    with pytest.raises(IndicatorImportError, match="schon zurückgezogen"):
        editions.withdraw(one.pk, "test", "nochmal")


def test_a_kreis_may_load_only_its_own_regions():
    data = b"region,indicator,reference_date,value\n14626,population,2024-12-31,50\n"
    with pytest.raises(IndicatorImportError, match="außerhalb Ihres Zuständigkeitsbereichs"):
        import_indicators(data, "a.csv", "test", source="A", licence="L", allowed={"14625"})


def test_declared_indicator_can_be_loaded(tmp_path):
    run(
        "declare",
        "kita_waiting_list",
        "--name",
        "Kinder auf der Kita-Warteliste",
        "--unit",
        "Personen",
    )
    path = write(
        tmp_path,
        "k.csv",
        b"region,indicator,reference_date,value\n14625020,kita_waiting_list,2024-12-31,310\n",
    )
    run("import", path, "--source", "Kreis", "--licence", "dl-de/by-2-0")
    assert IndicatorValue.objects.get(code="kita_waiting_list").value == 310
    with pytest.raises(CommandError, match="schon angelegt"):
        run("declare", "kita_waiting_list", "--name", "x", "--unit", "Personen")


def test_assessment_names_the_zensus_edition_at_gemeinde_level(data_dir):
    from integrationsatlas.assessments.run import run_assessment
    from integrationsatlas.standards import document as doc_module
    from integrationsatlas.standards.sets import import_document

    summary = run("import", str(data_dir / "sachsen-zensus2022-gemeinden.csv"))
    assert "2090 neue Werte" in summary and "davon 4 unbekannt" in summary
    example = doc_module.SCHEMA_FILE.parent.parent / "data" / "beispielstandard-sachsen-2030.yaml"
    document = doc_module.read_file(example)
    # A rule judged per Gemeinde: only there do Gemeinde figures decide a row (a Kreis rule's
    # Gemeinde rows are copies of its Kreis result).
    for rule in document["rules"]:
        if rule["id"] == "mbe-beratung":
            rule["level"] = "gemeinde"
    standard_set = import_document(document)[0]
    assessment = run_assessment(standard_set, "gemeinde", dt.date(2026, 6, 30))
    rows = {(r["ags"], r["rule"]): r for r in assessment.listing}
    edition = IndicatorEdition.objects.get()
    bautzen = rows[("14625020", "mbe-beratung")]["explanation"]
    assert (
        "Nachfrage: Zensus 2022, © Statistische Ämter des Bundes und der Länder, dl-de/by-2-0, "
        f"Stichtag 15.05.2022, abgeleitet (Ausgabe #{edition.pk})."
    ) in bautzen
    assert "geschätzt" not in bautzen
    # Trebendorf's share of foreign nationals is not published: unknown, never 0.
    assert rows[("14626560", "mbe-beratung")]["status"] == "no_data"
    err = io.StringIO()
    call_command(
        "assess", "--standard-set", standard_set.slug, "--level", "gemeinde", "--date", "2026-06-30",
        "--format", "csv", stdout=io.StringIO(), stderr=err,
    )  # fmt: skip
    assert f"Kennzahlen-Ausgaben: #{edition.pk} sachsen-zensus2022-gemeinden.csv." in err.getvalue()
    used = assessment.data_reference["indicator_editions"]
    assert [e["edition"] for e in used] == [edition.pk]
    assert assessment.data_reference["indicators"]["foreign_population"]["editions"] == [edition.pk]


def test_unknown_figure_shows_as_empty_on_the_region_page_and_in_the_cli(client, data_dir):
    run("import", str(data_dir / "sachsen-zensus2022-gemeinden.csv"))
    rows = list(csv.DictReader(io.StringIO(run_regions("--parent", "14626", "--format", "csv"))))
    trebendorf = next(r for r in rows if r["ags"] == "14626560")
    assert trebendorf["population"] == "709"  # VG250 2023 is newer than the Zensus figure
    page = client.get("/regionen/14626560/")
    assert page.status_code == 200
    bautzen = client.get("/regionen/14625020/").content.decode()
    assert "Zensus 2022" in bautzen


def run_regions(*args: str) -> str:
    out = io.StringIO()
    call_command("regions", *args, stdout=out)
    return out.getvalue()


def test_xlsx_long_form_with_excel_numbers_and_dates(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["region", "indicator", "reference_date", "value", "source", "licence"])
    sheet.append(
        [14625020, "population", dt.datetime(2024, 12, 31), 38000, "Stadt Bautzen", "dl-de/by-2-0"]
    )
    sheet.append(
        [14625030, "population", dt.datetime(2024, 12, 31), "x", "Stadt Bernsdorf", "dl-de/by-2-0"]
    )
    path = tmp_path / "kreis.xlsx"
    book.save(path)
    assert "2 neue Werte" in run("import", str(path))
    stored = {
        v.region_id: v for v in IndicatorValue.objects.filter(reference_date=dt.date(2024, 12, 31))
    }
    assert stored["14625020"].value == 38000 and stored["14625030"].value is None


def test_a_declared_code_may_be_named_by_a_standard_and_is_shown_by_name():
    from integrationsatlas.standards.indicators import indicator_name, known_indicators

    run("declare", "children_under_3", "--name", "Kinder unter 3 Jahren", "--unit", "Personen")
    assert "children_under_3" in known_indicators()
    assert indicator_name("children_under_3") == "Kinder unter 3 Jahren"
    assert indicator_name("share_under_18") == "Anteil unter 18 Jahren"
