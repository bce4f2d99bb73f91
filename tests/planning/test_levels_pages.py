"""Issue 13 on the pages, API and CLI: the overview map informs (rules met per region), a
Kreis rule on the Gemeinde map is its Kreis's result, equity caps fulfilment at 100 %, and
the cost breakdown per rule names its sources and warns where one rule dominates."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from integrationsatlas.assessments.costs import rule_costs
from integrationsatlas.assessments.models import Assessment, AssessmentRow
from integrationsatlas.assessments.run import run_assessment
from integrationsatlas.planning.fairness import equity_table
from integrationsatlas.regions.models import Region
from integrationsatlas.standards import document as doc_module
from integrationsatlas.standards.models import Rule
from integrationsatlas.standards.sets import import_document
from integrationsatlas.taxonomy.models import OfferType

from ..standards.test_assess import DRESDEN, make_service
from .conftest import make_row

pytestmark = pytest.mark.django_db
EXAMPLE = doc_module.SCHEMA_FILE.parent.parent / "data" / "beispielstandard-sachsen-2030.yaml"
DATE = dt.date(2026, 6, 30)


def _map_classes(html: str) -> dict[str, str]:
    """Region name -> status class of its map shape, read from the SVG the page shows."""
    svg = html.split('class="choropleth"')[1].split("</svg>")[0]
    shapes = re.findall(r'class="status-shape status-(\w+)[^"]*"><title>([^<:]+):', svg)
    return {name: status for status, name in shapes}


@pytest.fixture
def three_rules(standard_set):
    """Three Kreis rules for Bautzen (2 of 3 met), Görlitz (1 of 3), Meißen (0 of 2 + no data)."""
    mbe = standard_set.rules.get(code="mbe-ratio")
    extra = []
    for n in (2, 3):
        rule = Rule.objects.get(pk=mbe.pk)
        rule.pk, rule.code, rule.position = None, f"mbe-ratio-{n}", n
        rule.save()
        extra.append(rule)
    run = Assessment.objects.create(
        standard_set=standard_set,
        standard_set_version="1",
        level="kreis",
        reference_date=dt.date(2025, 1, 1),
        includes_demo_data=True,
    )
    # Target 0.5 per 1,000: supply 10 met, 3 partial, 1 gap for a demand of 10,000.
    plan = {"14625": (10, 10, 1), "14626": (10, 3, 1), "14627": (1, 1, None)}
    rows = []
    for ags, supplies in plan.items():
        kreis = Region.objects.get(ags=ags)
        for rule, supply in zip([mbe, *extra], supplies, strict=True):
            row = make_row(run, kreis, rule, supply=supply or 0.0, demand=10000.0)
            if supply is None:
                row.status, row.value, row.ratio, row.deficit, row.cost_total = (
                    "no_data", None, None, None, None
                )  # fmt: skip
            rows.append(row)
    AssessmentRow.objects.bulk_create(rows)
    return run


def test_overview_map_colours_by_share_of_rules_met(client, planner, three_rules):
    client.force_login(planner)
    page = client.get(reverse("planning:state", args=[three_rules.pk]))
    html = page.content.decode()
    name = dict(Region.objects.filter(level="kreis").values_list("ags", "name"))
    classes = {ags: _map_classes(html)[n] for ags, n in name.items()}
    # 2 of 3 met -> "met" class; 1 of 3 -> "partial"; 0 of 2 judged -> "gap"; no rows: no data.
    assert classes["14625"] == "met"
    assert classes["14626"] == "partial"
    assert classes["14627"] == "gap"
    assert classes["14612"] == "no_data"
    meissen = name["14627"]
    assert f"{meissen}: 0 von 3 Regeln erfüllt, 0 teilweise, 2 Lücke, 1 ohne Daten" in html
    assert "mindestens zwei Drittel der bewerteten Regeln erfüllt" in html  # the legend
    counts = html.split('id="rule-counts"')[1].split("</table>")[0]
    goerlitz = re.escape(name["14626"])
    assert re.search(goerlitz + r"</a></td><td[^>]*>1</td><td[^>]*>1</td><td[^>]*>1</td>", counts)
    assert "das regionale Muster ist erfunden" in html  # demo rows
    # One rule selected: its own status, e.g. Görlitz partial on rule 2.
    one = client.get(reverse("planning:state", args=[three_rules.pk]), {"regel": "mbe-ratio-2"})
    assert _map_classes(one.content.decode())[name["14626"]] == "partial"


def test_demo_state_view_shows_more_than_one_colour(client, planner, pipeline):
    """Done when (issue 13): the default state view of the demo shows more than one colour."""
    client.force_login(planner)
    html = client.get(reverse("planning:state", args=[pipeline.pk])).content.decode()
    classes = _map_classes(html)
    assert len(classes) == 13
    assert len(set(classes.values())) > 1, classes


def test_equity_of_a_rule_every_region_meets_is_zero(client, planner, standard_set):
    """Done when (issue 13): over-fulfilment is not inequality; Gini and CV are 0."""
    rule = standard_set.rules.get(code="mbe-ratio")
    run = Assessment.objects.create(
        standard_set=standard_set, standard_set_version="1", level="kreis",
        reference_date=dt.date(2025, 1, 1),
    )  # fmt: skip
    kreise = Region.objects.filter(level="kreis").order_by("ags")
    # 300 % to 3,900 % of the target, all met.
    AssessmentRow.objects.bulk_create(
        [make_row(run, k, rule, supply=15.0 + 15 * i, demand=10000.0) for i, k in enumerate(kreise)]
    )
    (line,) = equity_table(run)
    assert line.result.gini == 0.0 and line.result.coefficient_of_variation == 0.0
    client.force_login(planner)
    html = client.get(reverse("planning:equity", args=[run.pk])).content.decode()
    assert "begrenzt auf 100 %" in html


@pytest.fixture
def example(db):
    return import_document(doc_module.read_file(EXAMPLE))[0]


def test_gemeinde_map_of_a_kreis_rule_shows_the_kreis_result(client, planner, example):
    make_service("mbe", DRESDEN, capacity=30.0)
    run = run_assessment(example, "gemeinde", DATE)
    client.force_login(planner)
    url = reverse("planning:state", args=[run.pk])
    html = client.get(url, {"ebene": "gemeinde", "regel": "mbe-beratung"}).content.decode()
    assert "Diese Regel wird je Kreis bewertet" in html
    kreis = {r.region_id: r.status for r in run.rows.filter(rule_code="mbe-beratung", basis="own")}
    parent = dict(Region.objects.filter(level="gemeinde").values_list("name", "parent_id"))
    for name, status in _map_classes(html).items():
        assert status == kreis[parent[name]], name
    assert "Ergebnis des Kreises" in html  # tooltip and table mark the copied rows
    # The Gemeinde assessment opens on its own level.
    assert client.get(url).context["level"] == "gemeinde"


def test_cost_breakdown_per_rule_counts_each_deficit_once(client, planner, example):
    make_service("mbe", DRESDEN, capacity=30.0)
    kreis_run = run_assessment(example, "kreis", DATE)
    gemeinde_run = run_assessment(example, "gemeinde", DATE)
    by_kreis = {c.code: c for c in rule_costs(kreis_run)}
    by_gemeinde = {c.code: c for c in rule_costs(gemeinde_run)}
    assert set(by_kreis) == set(by_gemeinde)
    for code, line in by_kreis.items():
        assert by_gemeinde[code].total == pytest.approx(line.total), code
        assert by_gemeinde[code].regions_short == line.regions_short or code in {
            "kita-plaetze",
            "sportverein-vorhanden",
        }
    mbe = by_kreis["mbe-beratung"]
    rows = kreis_run.rows.filter(rule_code="mbe-beratung")
    assert mbe.deficit == pytest.approx(sum(r.deficit for r in rows))
    assert mbe.payers["bund"] == pytest.approx(mbe.total) and mbe.unit_cost == 75000.0
    client.force_login(planner)
    html = client.get(reverse("planning:costs", args=[kreis_run.pk])).content.decode()
    table = html.split('id="cost-by-rule"')[1].split("</table>")[0]
    assert "Migrationsberatung für Erwachsene" in table and "75.000" in table
    assert "illustrative example, not an official standard" in table
    notes = html.split('id="cost-notes"')[1].split("</div>")[0]
    assert "Beispielzahlen des Standardsatzes" in notes
    assert "Illustratives Beispiel, kein amtlicher Standard" in html  # the set's label


def test_dominant_rule_gets_a_plausibility_note(client, planner, assessment):
    """The fixture's Kita rule holds most of the cost: the page says so, the other does not."""
    kita, mbe = rule_costs(assessment)
    assert kita.code == "kita-ratio" and kita.share > 0.5 > mbe.share
    assert kita.share + mbe.share == pytest.approx(1.0)
    client.force_login(planner)
    html = client.get(reverse("planning:costs", args=[assessment.pk])).content.decode()
    notes = html.split('id="cost-notes"')[1].split("</div>")[0]
    assert f"„Kita-Plätze“ macht {kita.share * 100:.0f} % der Gesamtkosten" in notes
    assert "MBE je 1.000" not in notes and "Demodaten" in notes


def test_costs_api_and_cli(client, planner, example):
    make_service("mbe", DRESDEN, capacity=30.0)
    run = run_assessment(example, "gemeinde", DATE)
    run.is_published = True
    run.save()
    data = client.get(f"/api/v1/assessments/{run.pk}/costs").json()
    assert data["label"].startswith("Illustratives Beispiel")
    assert data["total"] == pytest.approx(sum(r.cost_total or 0 for r in run.rows.all()))
    mbe = next(r for r in data["rules"] if r["rule"] == "mbe-beratung")
    assert mbe["unit"] == "Vollzeitstellen (VZÄ)" and mbe["source_unit_cost"]
    assert data["notes"]
    rows = client.get(f"/api/v1/assessments/{run.pk}/rows?region=14612000").json()["results"]
    assert {r["basis"] for r in rows} == {"own", "parent"}
    out = io.StringIO()
    call_command("assessments", "costs", str(run.pk), "--format", "csv", stdout=out,
                 stderr=io.StringIO())  # fmt: skip
    listed = {r["rule"]: r for r in csv.DictReader(io.StringIO(out.getvalue()))}
    assert float(listed["mbe-beratung"]["total"]) == pytest.approx(mbe["total"])
    assert listed["kita-plaetze"]["source_target"] == doc_module.ILLUSTRATIVE


def test_offer_type_fixture_units():
    # The deficit unit of a languages rule is shown in German, like every other unit.
    from integrationsatlas.assessments.models import ROW_UNIT_LABELS

    assert str(ROW_UNIT_LABELS["languages"]) == "Sprachen"
    assert OfferType  # imported for fixtures
