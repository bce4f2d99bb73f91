"""End to end on the real pipeline: demo registry, example standard set, engine runs, pages, PDF,
and a scenario compared with its base (no hand-made assessment rows)."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from integrationsatlas.assessments.models import Assessment
from integrationsatlas.assessments.run import assessment_rows, run_assessment
from integrationsatlas.regions.models import Region
from integrationsatlas.standards.models import StandardSet

from .conftest import PIPELINE_DATE

pytestmark = pytest.mark.django_db

BANNER = '<p class="demo-banner" role="note"><strong>Demo</strong>'
RAISED_RULE = "sprachcafe-vorhanden"  # a Kreis presence rule, always known; 3 -> 9 cafés


def test_state_view_reports_and_bautzen_pdf(client, planner, pipeline, monkeypatch):
    from integrationsatlas.planning import views

    monkeypatch.setattr(views, "_today", lambda: PIPELINE_DATE)
    client.force_login(planner)
    # Reports name rules by their titles, not their slugs (issue 13).
    raised = pipeline.standard_set.rules.get(code=RAISED_RULE).title
    state = client.get(reverse("planning:state", args=[pipeline.pk]))
    assert state.status_code == 200 and BANNER in state.content.decode()
    assert 'class="choropleth"' in state.content.decode()
    for kreis in Region.objects.filter(level="kreis"):
        page = client.get(reverse("planning:region", args=[kreis.ags]), {"bewertung": pipeline.pk})
        html = page.content.decode()
        assert page.status_code == 200, kreis.ags
        assert kreis.name in html and BANNER in html and raised in html, kreis.ags
    gemeinde_run = run_assessment(pipeline.standard_set, "gemeinde", PIPELINE_DATE)
    gemeinde = Region.objects.get(ags="14625020")  # Bautzen, Stadt
    page = client.get(reverse("planning:region", args=[gemeinde.ags]))
    html = page.content.decode()
    assert page.status_code == 200 and page.context["assessment"] == gemeinde_run
    assert gemeinde.name in html and BANNER in html and raised in html

    response = client.get(
        reverse("planning:region_pdf", args=["14625"]), {"bewertung": pipeline.pk}
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    pages = len(reader.pages)
    texts = [p.extract_text() for p in reader.pages]
    text = "\n".join(texts)
    assert pages >= 2
    assert "Regionsbericht Landkreis Bautzen" in text
    flat = " ".join(text.split())
    assert raised in flat and "Finanzierungsklippe" in text
    # Offer types by name, units in German (issue 13: not "housing_support", "6,00 languages").
    assert "Migrationsberatung für Erwachsene" in flat and "housing_support" not in flat
    assert " languages" not in flat and " fte" not in flat
    assert re.search(r"\d,\d\d Vollzeitstellen \(VZÄ\)", flat)
    for number in range(1, pages + 1):
        assert re.search(rf"Seite\s+{number}\s+von\s+{pages}", texts[number - 1])
    assert all("Demo – dieser Bericht" in t for t in texts)


def _changed_regions(before: list[dict], after: list[dict]) -> set[str]:
    """Independent of the page code: regions where any rule's status differs."""
    old = {(r["ags"], r["rule"]): r["status"] for r in before}
    new = {(r["ags"], r["rule"]): r["status"] for r in after}
    return {
        ags for ags, rule in old.keys() | new.keys() if old.get((ags, rule)) != new.get((ags, rule))
    }


def test_raised_target_costs_more_has_more_gaps_and_lists_changed_regions(
    client, planner, pipeline
):
    client.force_login(planner)
    base_set = pipeline.standard_set
    client.post(reverse("planning:scenarios"), {"base": base_set.pk, "name": "MBE höher"})
    scenario = StandardSet.objects.get(is_scenario=True, copied_from=base_set)
    url = reverse("planning:scenario", args=[scenario.pk])
    base_rule = base_set.rules.get(code=RAISED_RULE)
    financing = {f"financing_{payer}": share for payer, share in base_rule.financing.items()}
    client.post(
        url,
        {"action": "rule", "code": RAISED_RULE, "target": str(base_rule.target * 3), **financing},
    )
    assert scenario.rules.get(code=RAISED_RULE).target == base_rule.target * 3
    response = client.post(url, {"action": "run", "base": pipeline.pk})
    result = Assessment.objects.get(standard_set=scenario)
    assert result.is_scenario and not result.is_published
    assert (result.level, result.reference_date) == (pipeline.level, pipeline.reference_date)
    assert response.url == reverse("planning:compare") + f"?a={pipeline.pk}&b={result.pk}"
    base_set.refresh_from_db()
    assert base_set.rules.get(code=RAISED_RULE).target == base_rule.target  # base untouched

    before, after = assessment_rows(pipeline), assessment_rows(result)
    cost = {n: sum(r["cost_total"] or 0 for r in rows) for n, rows in (("a", before), ("b", after))}
    gaps = {n: sum(r["status"] == "gap" for r in rows) for n, rows in (("a", before), ("b", after))}
    assert cost["b"] > cost["a"] and gaps["b"] > gaps["a"]
    expected = _changed_regions(before, after)
    assert expected  # the raised target moves at least one Kreis

    page = client.get(response.url)
    data = page.context["result"]
    assert data["total_b"] == pytest.approx(cost["b"]) and data["total_a"] == pytest.approx(
        cost["a"]
    )
    assert data["counts_b"]["gap"] == gaps["b"] and data["counts_a"]["gap"] == gaps["a"]
    assert {ags for ags, _ in data["changed_regions"]} == expected
    listed = page.content.decode().split('id="changed-regions"')[1].split("</ul>")[0]
    assert set(re.findall(r'data-ags="(\d+)"', listed)) == expected
