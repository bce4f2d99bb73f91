"""Scenarios: the comparison names exactly the regions whose status changed; planned services
add capacity without entering the registry; bad input names the field and changes nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from integrationsatlas.assessments.models import Assessment, AssessmentRow
from integrationsatlas.regions.models import Region
from integrationsatlas.registry.models import Service
from integrationsatlas.standards.models import StandardSet
from integrationsatlas.taxonomy.models import OfferType

from .conftest import make_row

pytestmark = pytest.mark.django_db


def _create_scenario(client, standard_set):
    response = client.post(
        reverse("planning:scenarios"), {"base": standard_set.pk, "name": "MBE höher"}
    )
    assert response.status_code == 302
    return StandardSet.objects.get(is_scenario=True, copied_from=standard_set)


def test_comparison_lists_exactly_the_regions_whose_status_changed(client, planner, assessment):
    """Stored rows only: B raises the MBE target from 0.5 to 0.75 (same supply)."""
    mbe = assessment.standard_set.rules.get(code="mbe-ratio")
    mbe.target = 0.75
    later = Assessment.objects.create(
        standard_set=assessment.standard_set,
        standard_set_version="1",
        level="kreis",
        reference_date=assessment.reference_date,
        includes_demo_data=True,
    )
    kreise = Region.objects.filter(level="kreis").order_by("ags")
    rows = [make_row(later, k, mbe, supply=2.0 + i, demand=10000.0) for i, k in enumerate(kreise)]
    for row in assessment.rows.filter(rule_code="kita-ratio"):  # unchanged in B
        row.pk, row.assessment = None, later
        rows.append(row)
    AssessmentRow.objects.bulk_create(rows)
    client.force_login(planner)
    page = client.get(reverse("planning:compare"), {"a": assessment.pk, "b": later.pk})
    data = page.context["result"]
    assert data["total_b"] > data["total_a"]
    assert data["counts_b"]["gap"] > data["counts_a"]["gap"]
    # Supply (2 + i) per 10,000 over Kreise in key order: ratios 0.3 and 0.5..0.7 cross a
    # status boundary when the target moves from 0.5 to 0.75.
    expected = {"14521", "14523", "14524", "14612"}
    assert {ags for ags, _ in data["changed_regions"]} == expected
    listed = page.content.decode().split('id="changed-regions"')[1].split("</ul>")[0]
    assert listed.count("<li") == len(expected) and "Erzgebirgskreis" in listed
    gemeinde = next(p for p in data["payers"] if p["payer"] == "gemeinde")
    assert gemeinde["a"] > 0 and gemeinde["change"] == pytest.approx(0)  # MBE: Bund and Land


def test_planned_service_adds_capacity_without_publishing(client, planner, pipeline):
    client.force_login(planner)
    scenario = _create_scenario(client, pipeline.standard_set)
    url = reverse("planning:scenario", args=[scenario.pk])
    # The demo follows demand, so Chemnitz may meet the base target; a higher one makes sure
    # there is a deficit for the planned Kita to reduce.
    rule = {"action": "rule", "code": "kita-plaetze", "target": "3000"}
    financing = {"financing_land": "0.3", "financing_kreis": "0.2", "financing_gemeinde": "0.5"}
    client.post(url, {**rule, **financing})
    assert scenario.rules.get(code="kita-plaetze").target == 3000
    client.post(url, {"action": "run", "base": pipeline.pk})  # the higher target alone
    without = Assessment.objects.filter(standard_set=scenario).latest("pk")
    client.post(
        url,
        {
            "action": "planned",
            "name": "Neue Kita Chemnitz",
            "offer_type": "kita",
            "region": "14511",
            "capacity": "500",
            "start": "2024-09-01",
            "funder_level": "gemeinde",
        },
    )
    stored = StandardSet.objects.get(pk=scenario.pk).document["scenario"]["planned_services"]
    assert [p["region"] for p in stored] == ["14511"]
    assert not Service.objects.filter(name="Neue Kita Chemnitz").exists()
    page = client.get(url).content.decode()  # offer types by name, sent by code (issue 13)
    kita = OfferType.objects.get(code="kita").name
    assert f'<option value="kita">{kita}</option>' in page
    assert f"<td>Neue Kita Chemnitz</td><td>{kita}</td>" in page
    client.post(url, {"action": "run", "base": pipeline.pk})
    result = Assessment.objects.filter(standard_set=scenario).latest("pk")
    after = result.rows.get(region_id="14511", rule_code="kita-plaetze")
    # Kita is judged per Gemeinde and summarised per Kreis; Chemnitz is one Gemeinde, so its
    # deficit is the Gemeinde's: the 500 planned places close 500 of it.
    assert after.basis == "share_population"
    alone = without.rows.get(region_id="14511", rule_code="kita-plaetze")
    assert alone.deficit > 500
    assert after.deficit == pytest.approx(alone.deficit - 500, abs=1e-6)
    other = result.rows.get(region_id="14612", rule_code="kita-plaetze")
    assert other.value == without.rows.get(region_id="14612", rule_code="kita-plaetze").value


def test_bad_scenario_input_names_the_field_and_changes_nothing(client, planner, assessment):
    client.force_login(planner)
    scenario = _create_scenario(client, assessment.standard_set)
    url = reverse("planning:scenario", args=[scenario.pk])
    response = client.post(
        url,
        {
            "action": "rule",
            "code": "mbe-ratio",
            "target": "1",
            "financing_bund": "0.5",
            "financing_land": "0.7",
        },
        follow=True,
    )
    assert "mbe-ratio.financing" in response.content.decode()
    assert scenario.rules.get(code="mbe-ratio").target == 0.5
    response = client.post(
        url,
        {
            "action": "planned",
            "offer_type": "mbe",
            "region": "99999",
            "capacity": "x",
            "start": "bald",
        },
        follow=True,
    )
    text = response.content.decode()
    assert "region:" in text and "capacity:" in text and "start:" in text


def test_planned_service_never_turns_a_known_value_into_no_data(planner):
    """Issue 13, item 6: planned MBE capacity in Görlitz (no weekly hours given) turned
    mbe-oeffnungszeiten from met to "keine Daten". A plan adds what it states, 0 otherwise."""
    import datetime as dt

    from integrationsatlas.assessments.run import run_assessment
    from integrationsatlas.planning.scenarios import (
        add_planned_service,
        copy_standard_set,
        run_scenario,
    )
    from integrationsatlas.standards import document as doc_module
    from integrationsatlas.standards.sets import import_document

    from ..standards.test_assess import make_service

    example = doc_module.SCHEMA_FILE.parent.parent / "data" / "beispielstandard-sachsen-2030.yaml"
    standard_set = import_document(doc_module.read_file(example))[0]
    # One MBE site in Görlitz with 40 weekly hours: hours known, ratio known.
    make_service("mbe", (14.9872, 51.1529), capacity=2.0, hours=((1, 8, 16), (2, 8, 16)) * 2)
    date = dt.date(2026, 6, 30)
    base = run_assessment(standard_set, "kreis", date)
    scenario = copy_standard_set(planner, standard_set, "Mehr MBE Görlitz")
    add_planned_service(
        scenario,
        {"offer_type": "mbe", "region": "14626", "capacity": "3", "start": "2026-01-01"},
    )
    result = run_scenario(planner, scenario, base, date)
    before = {(r.region_id, r.rule_code): r for r in base.rows.all()}
    after = {(r.region_id, r.rule_code): r for r in result.rows.all()}
    hours_before = before[("14626", "mbe-oeffnungszeiten")]
    hours_after = after[("14626", "mbe-oeffnungszeiten")]
    assert hours_before.status != "no_data"
    assert (hours_after.status, hours_after.value) == (hours_before.status, hours_before.value)
    ratio_before, ratio_after = before[("14626", "mbe-beratung")], after[("14626", "mbe-beratung")]
    assert ratio_after.supply == pytest.approx(ratio_before.supply + 3)
    known = [key for key, row in before.items() if row.status != "no_data"]
    assert [key for key in known if after[key].status == "no_data"] == []
    # Stated weekly hours count: 20 more hours in Görlitz.
    add_planned_service(
        scenario,
        {
            "offer_type": "mbe",
            "region": "14626",
            "capacity": "1",
            "weekly_hours": "20",
            "start": "2026-01-01",
        },
    )
    second = run_scenario(planner, scenario, base, date)
    hours = second.rows.get(region_id="14626", rule_code="mbe-oeffnungszeiten")
    assert hours.supply == pytest.approx(hours_before.supply + 20)
