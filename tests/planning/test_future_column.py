"""Issue 17: today and 2030 side by side in the region report and per region and rule for the Land."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from integrationsatlas.assessments.run import run_assessment
from integrationsatlas.planning import views
from tests.standards.test_assess import DRESDEN, LEIPZIG, make_service, standard_set  # noqa: F401
from tests.standards.test_future import PROJECTION_SOURCE, project

pytestmark = pytest.mark.django_db

TODAY, LATER = dt.date(2026, 6, 30), dt.date(2030, 12, 31)


@pytest.fixture
def pair(standard_set, monkeypatch):  # noqa: F811
    monkeypatch.setattr(views, "_today", lambda: dt.date(2026, 7, 1))
    make_service("mbe", DRESDEN, capacity=24.0)
    make_service("mbe", DRESDEN, capacity=6.0, end=dt.date(2028, 12, 31))
    make_service("mbe", LEIPZIG, capacity=10.0)
    project("14612", 100000.0)
    today = run_assessment(standard_set, "kreis", TODAY)
    later = run_assessment(standard_set, "kreis", LATER)
    return today, later


def _section(page: str, marker: str) -> str:
    part = page[page.index(marker) :]
    return part[: part.index("</section>")]


def _row(section: str, title: str) -> str:
    part = section[section.index(f"<td>{title}</td>") :]
    return part[: part.index("</tr>")]


def test_dresden_report_shows_today_and_2030_with_the_projection(client, planner, pair):
    today, later = pair
    client.force_login(planner)
    page = client.get(reverse("planning:region", args=["14612"])).content.decode()
    assert 'datetime="2026-06-30"' in page  # today's assessment is the default, not 2030's
    section = _section(page, 'id="heute-und-2030"')
    assert "Heute und 2030" in section
    assert PROJECTION_SOURCE in section and "Variante V1" in section and "100.000" in section
    row = _row(section, "Migrationsberatung für Erwachsene je 1.000 ausländische Einwohner")
    # Hand-computed: today 30 VZÄ for 74,850 = 0.40 per 1,000 (met); 2030 24 VZÄ (6 lose their
    # funding in 2028) for 100,000 projected = 0.24 (partial); deficit 0 -> 0.3 x 100 - 24 = 6.
    assert "0,40" in row and "0,24" in row
    assert "erfüllt" in row and "teilweise" in row and "(schlechter)" in row
    assert ">6,00<" in row and "Vorausberechnung" in row
    assert "Keine Vorausberechnung geladen" not in section


def test_a_region_without_projection_says_that_todays_demand_is_used(client, planner, pair):
    today, later = pair
    client.force_login(planner)
    url = reverse("planning:region", args=["14713"])
    section = _section(
        client.get(url, {"bewertung": later.pk}).content.decode(), 'id="heute-und-2030"'
    )
    assert "Keine Vorausberechnung geladen: die spätere Bewertung rechnet mit der Nachfrage" in (
        section
    )
    row = _row(section, "Migrationsberatung für Erwachsene je 1.000 ausländische Einwohner")
    assert "Nachfrage von heute" in row


def test_future_page_lists_every_kreis_and_rule(client, planner, pair):
    today, later = pair
    client.force_login(planner)
    state = client.get(reverse("planning:state", args=[today.pk])).content.decode()
    assert reverse("planning:future", args=[today.pk]) in state
    page = client.get(reverse("planning:future", args=[today.pk])).content.decode()
    table = page[page.index('id="heute-2030-land"') :]
    rules = today.standard_set.rules.filter(level="kreis").count()
    assert table.count("<tr>") - 1 >= 13 * rules  # header row plus one per Kreis and rule
    summary = page[page.index('id="heute-2030-summe"') :]
    assert "schlechter: " in summary[: summary.index("</p>")]
    assert PROJECTION_SOURCE in page  # the projection is among the sources


def test_without_a_second_assessment_the_report_says_how_to_make_one(
    client,
    planner,
    standard_set,  # noqa: F811
):
    run = run_assessment(standard_set, "kreis", TODAY)
    client.force_login(planner)
    url = reverse("planning:region", args=["14612"])
    section = _section(client.get(url, {"bewertung": run.pk}).content.decode(), "heute-und-2030")
    assert "--date 2030-12-31" in section
    assert client.get(reverse("planning:future", args=[run.pk])).status_code == 404
