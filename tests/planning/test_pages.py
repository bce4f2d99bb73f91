"""Planning pages render for planners, from stored assessment rows; access rules hold."""

from __future__ import annotations

import pytest
from django.urls import reverse

from integrationsatlas.regions.models import Region

pytestmark = pytest.mark.django_db


def test_state_view_kreis_and_gemeinde(client, planner, assessment):
    client.force_login(planner)
    url = reverse("planning:state", args=[assessment.pk])
    page = client.get(url).content.decode()
    assert "<svg" in page and 'class="choropleth"' in page
    assert "Bautzen" in page and "Demo" in page
    # The legend carries patterns and marks, not colour alone.
    assert "url(#lg-gap-gap)" in page and "✗" in page
    gemeinden = client.get(url, {"ebene": "gemeinde", "regel": "kita-ratio"}).content.decode()
    assert "kita-ratio" in gemeinden and "Demitz-Thumitz" in gemeinden


def test_table_sorts_server_side_by_cost(client, planner, assessment):
    client.force_login(planner)
    url = reverse("planning:state", args=[assessment.pk])
    page = client.get(url, {"regel": "mbe-ratio", "sortierung": "cost", "richtung": "ab"})
    rows = page.context["page"].object_list
    costs = [r.cost_total for r in rows]
    assert costs == sorted(costs, reverse=True) and costs[0] > 0
    assert rows[0].region_id == "14511"  # the least supply, the largest deficit


def test_every_figure_links_to_its_explanation(client, planner, assessment):
    client.force_login(planner)
    row = assessment.rows.get(region_id="14625", rule_code="mbe-ratio")
    page = client.get(reverse("planning:state", args=[assessment.pk])).content.decode()
    assert reverse("planning:row", args=[assessment.pk, row.pk]) in page
    detail = client.get(reverse("planning:row", args=[assessment.pk, row.pk])).content.decode()
    assert "Testzeile" in detail and "01.01.2025" in detail
    assert "illustrative example" in detail


def test_all_kreis_reports_and_a_gemeinde_report_render(client, planner, assessment):
    client.force_login(planner)
    for kreis in Region.objects.filter(level="kreis"):
        response = client.get(reverse("planning:region", args=[kreis.ags]))
        assert response.status_code == 200, kreis.ags
        assert kreis.name in response.content.decode()
        # Rules by their titles, not their slugs (issue 13).
        assert "MBE je 1.000 Ausländer" in response.content.decode()
        assert "mbe-ratio" not in response.content.decode()
    gemeinde = Region.objects.filter(parent_id="14625").order_by("ags").first()
    page = client.get(reverse("planning:region", args=[gemeinde.ags])).content.decode()
    assert gemeinde.name in page and "Kita-Plätze" in page and "kita-ratio" not in page


def test_region_report_shows_cliff_ending_funding_and_trend(
    client, planner, assessment, bautzen_services, monkeypatch
):
    from integrationsatlas.planning import views
    from tests.planning.conftest import TODAY

    monkeypatch.setattr(views, "_today", lambda: TODAY)
    client.force_login(planner)
    page = client.get(reverse("planning:region", args=["14625"])).content.decode()
    assert "Finanzierungsklippe" in page and 'class="line-chart"' in page
    assert "Demo-Migrationsberatung 0" in page  # ends 2025-12-31, within 12 months
    assert "Demo-Migrationsberatung 1" not in page.split("nächsten 12 Monaten endet")[1]
    assert "Demo: Testwert" in page


def test_costs_and_equity_pages(client, planner, assessment):
    client.force_login(planner)
    costs = client.get(reverse("planning:costs", args=[assessment.pk]))
    assert costs.status_code == 200
    total = costs.context["summary"]["total"]
    assert total.total == pytest.approx(sum(r.cost_total for r in assessment.rows.all()))
    assert total.payers["bund"] > 0 and total.payers["gemeinde"] > 0
    equity = client.get(reverse("planning:equity", args=[assessment.pk]))
    table = {(e.rule_code, e.level): e.result for e in equity.context["table"]}
    mbe = table[("mbe-ratio", "kreis")]
    assert mbe.n_regions == 13 and mbe.minimum == pytest.approx(0.4)
    assert 0 < mbe.gini < 1 and 0 < mbe.gap_population_share < 1


def test_anonymous_redirected_until_published(client, assessment):
    state = reverse("planning:state", args=[assessment.pk])
    region = reverse("planning:region", args=["14625"])
    assert client.get(state).status_code == 302
    assert client.get(region).status_code == 302
    assessment.is_published = True
    assessment.save()
    assert client.get(state).status_code == 200
    assert client.get(region).status_code == 200


def test_signed_in_non_planner_forbidden(client, provider, assessment):
    client.force_login(provider)
    assert client.get(reverse("planning:state", args=[assessment.pk])).status_code == 403
    assert client.get(reverse("planning:scenarios")).status_code == 403


def test_only_admin_publishes(client, planner, admin_user, assessment):
    url = reverse("planning:publish", args=[assessment.pk])
    client.force_login(planner)
    assert client.post(url, {"publish": "1"}).status_code == 403
    assessment.refresh_from_db()
    assert not assessment.is_published
    client.force_login(admin_user)
    client.post(url, {"publish": "1"})
    assessment.refresh_from_db()
    assert assessment.is_published


def test_nav_links_to_planning(client):
    assert reverse("planning:index") in client.get("/").content.decode()


def test_planner_computes_an_assessment_from_the_start_page(client, planner, standard_set):
    client.force_login(planner)
    index = client.get(reverse("planning:index")).content.decode()
    assert reverse("planning:new_assessment") in index and "Neue Bewertung berechnen" in index
    url = reverse("planning:new_assessment")
    bad = client.post(
        url, {"standard_set": standard_set.pk, "level": "kreis", "reference_date": "x"}
    )
    assert bad.url == reverse("planning:index") and not standard_set.assessments.exists()
    response = client.post(
        url, {"standard_set": standard_set.pk, "level": "kreis", "reference_date": "2025-01-01"}
    )
    run = standard_set.assessments.get()
    assert response.url == reverse("planning:state", args=[run.pk])
    assert run.level == "kreis" and run.rows.count() == 13 * 2 and not run.is_scenario


def test_non_planner_cannot_compute(client, provider, standard_set):
    client.force_login(provider)
    assert "Neue Bewertung" not in client.get(reverse("planning:index")).content.decode()
    url = reverse("planning:new_assessment")
    response = client.post(url, {"standard_set": standard_set.pk, "level": "kreis"})
    assert response.status_code == 403 and not standard_set.assessments.exists()
