"""The Bautzen PDF renders with map, tables, cliff chart and page numbers; exports parse."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

pytestmark = pytest.mark.django_db


def test_bautzen_pdf(client, planner, assessment, bautzen_services, monkeypatch):
    from integrationsatlas.planning import views
    from tests.planning.conftest import TODAY

    monkeypatch.setattr(views, "_today", lambda: TODAY)
    client.force_login(planner)
    response = client.get(reverse("planning:region_pdf", args=["14625"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    pages = len(reader.pages)
    assert pages >= 1
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Regionsbericht Landkreis Bautzen" in text
    assert "MBE je 1.000 Ausländer" in " ".join(text.split())  # the rule table, by title
    row = assessment.rows.get(region_id="14625", rule_code="mbe-ratio")
    assert f"{row.value:.2f}".replace(".", ",") in text  # a table figure
    assert "Finanzierungsklippe" in text  # the cliff chart's title
    assert re.search(rf"Seite\s+1\s+von\s+{pages}", text)  # page numbers from @page CSS
    assert re.search(rf"Seite\s+{pages}\s+von\s+{pages}", text)
    assert all("Demo – dieser Bericht" in p.extract_text() for p in reader.pages)  # every page


def test_assessment_exports_parse(client, planner, assessment):
    client.force_login(planner)
    base = "planning:export"
    text = client.get(reverse(base, args=[assessment.pk, "csv"])).content.decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == assessment.rows.count()
    assert {r["demo"] for r in rows} == {"Demo – enthält Demodaten, keine echten Zahlen"}
    xlsx = client.get(reverse(base, args=[assessment.pk, "xlsx"])).content
    sheet = load_workbook(io.BytesIO(xlsx)).active
    assert sheet.max_row == assessment.rows.count() + 1
    geo = json.loads(client.get(reverse(base, args=[assessment.pk, "geojson"])).content)
    assert geo["type"] == "FeatureCollection" and geo["demo"] is True
    bautzen = next(f for f in geo["features"] if f["properties"]["ags"] == "14625")
    assert bautzen["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert bautzen["properties"]["status:mbe-ratio"] in ("met", "partial", "gap")
    assert client.get(reverse(base, args=[assessment.pk, "pdf"])).status_code == 404


def test_cost_downloads_parse(client, planner, assessment):
    client.force_login(planner)
    text = client.get(reverse("planning:costs_export", args=[assessment.pk, "csv"])).content
    rows = list(csv.DictReader(io.StringIO(text.decode())))
    land = next(r for r in rows if r["group"] == "land")
    total = sum(r.cost_total for r in assessment.rows.all())
    assert float(land["total"]) == pytest.approx(total, abs=0.01)
    assert float(land["bund"]) + float(land["land"]) + float(land["gemeinde"]) == pytest.approx(
        total, abs=0.05
    )
    assert any(r["group"] == "offer_type" and r["key"] == "kita" for r in rows)
    xlsx = client.get(reverse("planning:costs_export", args=[assessment.pk, "xlsx"])).content
    book = load_workbook(io.BytesIO(xlsx))
    assert book.sheetnames == ["kosten", "Quelle"]
