"""A scenario that raises one target costs more, has more gaps, and the comparison names
exactly the regions whose status changed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from integrationsatlas.standards.models import Assessment, StandardSet

pytestmark = pytest.mark.django_db


def _create_scenario(client, standard_set):
    response = client.post(
        reverse("planning:scenarios"), {"base": standard_set.pk, "name": "MBE höher"}
    )
    assert response.status_code == 302
    return StandardSet.objects.get(is_scenario=True, copied_from=standard_set)


def test_raised_target_costs_more_and_lists_changed_regions(client, planner, assessment):
    client.force_login(planner)
    scenario = _create_scenario(client, assessment.standard_set)
    url = reverse("planning:scenario", args=[scenario.pk])
    client.post(
        url,
        {
            "action": "rule",
            "code": "mbe-ratio",
            "target": "0.75",
            "financing_bund": "0.5",
            "financing_land": "0.5",
        },
    )
    assert scenario.rules.get(code="mbe-ratio").target == 0.75
    assert assessment.standard_set.rules.get(code="mbe-ratio").target == 0.5  # base untouched
    response = client.post(url, {"action": "run", "base": assessment.pk})
    result = Assessment.objects.get(standard_set=scenario)
    assert result.is_scenario and not result.is_published
    assert response.url == reverse("planning:compare") + f"?a={assessment.pk}&b={result.pk}"
    page = client.get(response.url)
    data = page.context["result"]
    assert data["total_b"] > data["total_a"]
    assert data["counts_b"]["gap"] > data["counts_a"]["gap"]
    # Supply (2 + i) per 10,000 over Kreise in key order: ratios 0.3 and 0.5..0.7 cross a
    # status boundary when the target moves from 0.5 to 0.75.
    assert [ags for ags, _ in data["changed_regions"]] == ["14521", "14523", "14524", "14612"]
    html = page.content.decode()
    listed = html.split('id="changed-regions"')[1].split("</ul>")[0]
    assert listed.count("<li") == 4 and "Erzgebirgskreis" in listed
    kita = data["payers"]
    assert next(p for p in kita if p["payer"] == "gemeinde")["change"] == pytest.approx(0)


def test_planned_service_closes_a_gap_without_publishing(client, planner, assessment):
    client.force_login(planner)
    scenario = _create_scenario(client, assessment.standard_set)
    url = reverse("planning:scenario", args=[scenario.pk])
    client.post(
        url,
        {
            "action": "planned",
            "name": "Neue MBE Chemnitz",
            "offer_type": "mbe",
            "region": "14511",
            "capacity": "3",
            "start": "2024-09-01",
            "funder_level": "bund",
        },
    )
    assert (
        scenario.__class__.objects.get(pk=scenario.pk).document["scenario"]["planned_services"][0][
            "region"
        ]
        == "14511"
    )
    from integrationsatlas.registry.models import Service

    assert not Service.objects.filter(name="Neue MBE Chemnitz").exists()
    client.post(url, {"action": "run", "base": assessment.pk})
    result = Assessment.objects.get(standard_set=scenario)
    row = result.rows.get(region_id="14511", rule_code="mbe-ratio")
    assert row.supply == 5.0 and row.status == "met" and row.cost_total == 0
    assert "Geplante Angebote" in row.explanation


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
