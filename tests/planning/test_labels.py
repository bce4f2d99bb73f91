"""Issue 13: every export format and every PDF page carries the demo marker, the standard
set's honesty label and the sources with reference dates; the labels survive copying a row."""

from __future__ import annotations

import csv
import io
import json
import random

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from integrationsatlas.assessments import provenance

pytestmark = pytest.mark.django_db

LABEL = "Testhinweis: Beispielzahlen, kein amtlicher Standard."
SOURCE = "Testamt, Tabelle 12521-0041"
USED = {
    "indicators": {
        "foreign_population": {
            "reference_dates": ["2024-12-31"],
            "sources": [SOURCE],
            "demo": False,
        },
        "children_under_6": {
            "reference_dates": ["2023-12-31"],
            "sources": ["Demo: geschätzt"],
            "demo": True,
        },
    }
}


@pytest.fixture
def labelled(assessment):
    """The planning test assessment with a declared honesty label and recorded data sources."""
    assessment.standard_set.document = {"label": LABEL}
    assessment.standard_set.save(update_fields=["document"])
    assessment.data_reference = USED
    assessment.save(update_fields=["data_reference"])
    return assessment


def assert_labelled(cells: dict, *, rule_cited: bool = True) -> None:
    """One row (or feature) by itself says demo, the set's label, the sources with dates."""
    assert cells["demo"] == provenance.DEMO_MARK
    assert cells["standard_set_label"] == LABEL
    assert cells["reference_date"] == "2025-01-01"
    assert "Standardsatz: Teststandard (Version 1)" in cells["sources"]
    assert "Angebote: Register Integrationsatlas, Stand 2025-01-01" in cells["sources"]
    if rule_cited:
        assert "Regeln (Ziel): illustrative example, not an official standard" in cells["sources"]


def test_assessment_csv_rows_keep_their_labels_when_copied(client, planner, labelled):
    client.force_login(planner)
    text = client.get(reverse("planning:export", args=[labelled.pk, "csv"])).content.decode()
    header, *lines = text.splitlines()
    # A copied row, without the header line, still names demo, label and source with date.
    copied = random.Random(13).choice([line for line in lines if "mbe-ratio" in line])
    assert provenance.DEMO_MARK in copied and LABEL in copied
    assert f"{SOURCE} (Stichtag 2024-12-31; für: ausländische Einwohner)" in copied
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == labelled.rows.count()
    for row in rows:
        assert_labelled(row)
    kita = next(r for r in rows if r["rule"] == "kita-ratio")
    assert "Demo: geschätzt (Stichtag 2023-12-31; für: Kinder unter 6 Jahren)" in kita["sources"]
    assert SOURCE not in kita["sources"]  # a row cites its own rule's data only
    assert kita["rule_title"] == "Kita-Plätze" and kita["offer_type_name"] != "kita"
    assert kita["unit_label"] == "Plätze"


def test_assessment_xlsx_and_geojson_carry_the_labels(client, planner, labelled):
    client.force_login(planner)
    xlsx = client.get(reverse("planning:export", args=[labelled.pk, "xlsx"])).content
    book = load_workbook(io.BytesIO(xlsx))
    sheet = book["bewertung"]
    header = [c.value for c in sheet[1]]
    for values in sheet.iter_rows(min_row=2, values_only=True):
        assert_labelled(dict(zip(header, values, strict=True)))
    about = {row[0]: row[1] for row in book["Quelle"].iter_rows(values_only=True)}
    assert about["Hinweis zum Standardsatz"] == LABEL
    assert about["Demodaten"] == provenance.DEMO_MARK
    quellen = [r[1] for r in book["Quelle"].iter_rows(values_only=True) if r[0] == "Quelle"]
    assert any(SOURCE in q and "2024-12-31" in q for q in quellen)

    geo = json.loads(client.get(reverse("planning:export", args=[labelled.pk, "geojson"])).content)
    assert geo["standard_set_label"] == LABEL and geo["demo"] is True
    assert geo["rules"]["mbe-ratio"] == "MBE je 1.000 Ausländer"
    assert len(geo["features"]) == 13 + labelled.rows.filter(region__level="gemeinde").count()
    for feature in geo["features"]:  # GIS programs keep only the properties
        assert_labelled(feature["properties"])
        assert SOURCE in feature["properties"]["sources"]


def test_cost_csv_and_xlsx_carry_the_labels(client, planner, labelled):
    client.force_login(planner)
    url = reverse("planning:costs_export", args=[labelled.pk, "csv"])
    rows = list(csv.DictReader(io.StringIO(client.get(url).content.decode())))
    assert {r["group"] for r in rows} == {"land", "region", "offer_type"}
    for row in rows:
        assert_labelled(row)
    mbe = next(r for r in rows if r["group"] == "offer_type" and r["key"] == "mbe")
    assert SOURCE in mbe["sources"] and "Demo: geschätzt" not in mbe["sources"]
    land = next(r for r in rows if r["group"] == "land")
    assert SOURCE in land["sources"] and "Demo: geschätzt" in land["sources"]
    xlsx = client.get(reverse("planning:costs_export", args=[labelled.pk, "xlsx"])).content
    sheet = load_workbook(io.BytesIO(xlsx))["kosten"]
    header = [c.value for c in sheet[1]]
    for values in sheet.iter_rows(min_row=2, values_only=True):
        assert_labelled(dict(zip(header, values, strict=True)))


def test_every_pdf_page_carries_demo_label_and_dated_sources(
    client, planner, labelled, bautzen_services
):
    client.force_login(planner)
    pdf = client.get(reverse("planning:region_pdf", args=["14625"]) + f"?bewertung={labelled.pk}")
    reader = PdfReader(io.BytesIO(pdf.content))
    assert len(reader.pages) >= 2
    for page in reader.pages:
        text = " ".join(page.extract_text().split())  # the footer wraps anywhere
        assert "Demo – dieser Bericht enthält Demodaten" in text
        assert f"Hinweis zum Standardsatz: {LABEL}" in text
        assert f"{SOURCE} (Stichtag 31.12.2024; für: ausländische Einwohner)" in text
        assert "Angebote: Register Integrationsatlas, Stand 01.01.2025" in text


def test_cost_page_and_state_view_show_the_honesty_label(client, planner, labelled):
    client.force_login(planner)
    for name in ("planning:costs", "planning:state"):
        page = client.get(reverse(name, args=[labelled.pk])).content.decode()
        assert LABEL in page and 'class="honesty-label"' in page, name


def test_a_set_without_label_but_with_illustrative_rules_still_says_so(assessment):
    assert provenance.honesty_label(assessment.standard_set) == provenance.ILLUSTRATIVE_FALLBACK
    assessment.standard_set.rules.update(sources={"target": "§ 45 AufenthG"})
    assert provenance.honesty_label(assessment.standard_set) == ""


def test_sources_say_where_gemeinde_figures_were_estimated(labelled):
    labelled.data_reference = USED | {
        "estimates": {
            "method": "geschätzt: Kreiswert anteilig nach Einwohnern",
            "rules": ["kita-ratio"],
        }
    }
    kita = labelled.standard_set.rules.filter(code="kita-ratio")
    mbe = labelled.standard_set.rules.filter(code="mbe-ratio")
    note = "Gemeindewerte geschätzt: Kreiswert anteilig nach Einwohnern"
    assert note in provenance.source_lines(labelled, kita)
    assert note not in provenance.source_lines(labelled, mbe)
