"""Issue 17: the target-group view in the region report (HTML, PDF), the state view and the exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from integrationsatlas.assessments.run import run_assessment
from integrationsatlas.registry.models import Service
from integrationsatlas.standards.sets import import_document
from tests.standards.test_assess import make_service
from tests.standards.test_target_group_rules import with_eu_rule

pytestmark = pytest.mark.django_db

GOERLITZ_TOWN = (14.9869, 51.1528)
EU_TITLE = "Migrationsberatung für EU-Bürgerinnen und -Bürger (Test)"
# Destatis 12521-0041, 31.12.2025 (data/sachsen-auslaender-kreise.csv).
EU_GOERLITZ, THIRD_GOERLITZ = 10100, 9870
EU_SAXONY = 8145 + 2870 + 5020 + 4420 + 6175 + 15955 + 3745 + 10100 + 4155 + 3750 + 23545
EU_SAXONY += 3450 + 5775
# Hand-computed: 2 VZÄ for EU citizens against a target of 0.3 per 1,000 serve 2 / 0.3 x 1,000
# = 6,666.7 EU citizens; of Görlitz's 10,100 that leaves 3,433.3 not served.
SERVED, NOT_SERVED = 2 / 0.3 * 1000, EU_GOERLITZ - 2 / 0.3 * 1000


@pytest.fixture
def eu_assessment(db):
    standard_set = import_document(with_eu_rule())[0]
    eu = make_service("mbe", GOERLITZ_TOWN, capacity=2.0)
    Service.objects.filter(pk=eu.pk).update(target_groups=["eu_citizens"])
    refugees = make_service("mbe", GOERLITZ_TOWN, capacity=5.0)
    Service.objects.filter(pk=refugees.pk).update(target_groups=["refugees"])
    return run_assessment(standard_set, "kreis", dt.date(2026, 6, 30))


def test_goerlitz_report_shows_each_group_with_demand_source_and_who_is_served(
    client, planner, eu_assessment
):
    client.force_login(planner)
    url = reverse("planning:region", args=["14626"])
    page = client.get(url, {"bewertung": eu_assessment.pk}).content.decode()
    section = page[page.index('id="zielgruppen"') :]
    section = section[: section.index("</section>")]
    eu = section[section.index("EU-Bürgerinnen und -Bürger</th>") :]
    eu = eu[: eu.index("</tr>")]
    assert "10.100" in eu and "Destatis" in eu and "31.12.2025" in eu
    assert "Statistik, keine Schätzung" in eu
    assert "6.667" in eu and "3.433" in eu  # served and not served, hand-computed above
    assert "1 / 2" in eu  # of the 2 MBE, only the one for EU citizens serves them
    third = section[section.index("Drittstaatsangehörige</th>") :]
    third = third[: third.index("</tr>")]
    assert "9.870" in third and "keine Regel für diese Zielgruppe" in third
    assert "0 / 2" in third  # one is for EU citizens, one for refugees only: neither for all
    youth = section[section.index("Jugendliche (12–27)</th>") :]
    assert "keine Bedarfskennzahl" in youth[: youth.index("</tr>")]
    rules = section[section.index('id="zielgruppen-regeln"') :]
    assert EU_TITLE in rules and "teilweise" in rules


def test_goerlitz_pdf_has_the_target_group_view(client, planner, eu_assessment):
    client.force_login(planner)
    url = reverse("planning:region_pdf", args=["14626"])
    response = client.get(url, {"bewertung": eu_assessment.pk})
    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages).split()
    )
    assert "Zielgruppen: Bedarf, Regeln und Versorgung" in text
    assert "10.100" in text and "6.667" in text and "3.433" in text


def test_state_view_sums_each_group_over_the_kreise(client, planner, eu_assessment):
    client.force_login(planner)
    page = client.get(reverse("planning:state", args=[eu_assessment.pk])).content.decode()
    table = page[page.index('id="zielgruppen-land"') :]
    eu = table[table.index("EU-Bürgerinnen und -Bürger</th>") :]
    eu = eu[: eu.index("</tr>")]
    assert f"{EU_SAXONY:,}".replace(",", ".") in eu
    # Görlitz partial, the 12 other Kreise a gap (no offer for EU citizens there).
    assert ">0</td>" in eu and ">1</td>" in eu and ">12</td>" in eu
    assert f"{SERVED:,.0f}".replace(",", ".") in eu
    assert f"{EU_SAXONY - SERVED:,.0f}".replace(",", ".") in eu
    assert "Görlitz" in eu


def test_group_export_csv_xlsx_and_geojson(client, planner, eu_assessment):
    client.force_login(planner)
    pk = eu_assessment.pk
    body = client.get(reverse("planning:group_export", args=[pk, "csv"])).content.decode()
    rows = {(r["ags"], r["target_group"]): r for r in csv.DictReader(io.StringIO(body))}
    row = rows[("14626", "eu_citizens")]
    assert float(row["demand"]) == EU_GOERLITZ and row["demand_reference_date"] == "2025-12-31"
    assert "Destatis" in row["demand_source"] and row["demand_kind"] == "Statistik, keine Schätzung"
    assert (row["rules"], row["partial"]) == ("1", "1")
    assert int(row["served"]) == round(SERVED) and int(row["not_served"]) == round(NOT_SERVED)
    assert row["demo"] and row["standard_set"] and row["sources"]  # labels on every row
    assert rows[("14626", "youth")]["demand"] == ""
    book = load_workbook(
        io.BytesIO(client.get(reverse("planning:group_export", args=[pk, "xlsx"])).content)
    )
    assert book["zielgruppen"].max_row == len(rows) + 1
    features = json.loads(client.get(reverse("planning:export", args=[pk, "geojson"])).content)
    assert features["target_groups"]["eu_citizens"]["rules"] == ["mbe-eu-test"]
    goerlitz = next(f for f in features["features"] if f["properties"]["ags"] == "14626")
    assert goerlitz["properties"]["group_status:eu_citizens"] == "partial"
    assert goerlitz["properties"]["group_not_served:eu_citizens"] == round(NOT_SERVED)
    rows_csv = client.get(reverse("planning:export", args=[pk, "csv"])).content.decode()
    first = next(csv.DictReader(io.StringIO(rows_csv)))
    assert first["target_group"] == "eu_citizens"
    assert first["target_group_name"] == "EU-Bürgerinnen und -Bürger"
