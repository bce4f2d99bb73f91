"""Issue 17 in a real browser: the target-group view of the Görlitz report and of the state view;
axe finds no WCAG violation."""

import datetime as dt

import pytest

from integrationsatlas.registry.models import Service
from integrationsatlas.standards.assessing import run_assessment
from integrationsatlas.standards.sets import import_document
from tests.standards.test_assess import make_service
from tests.standards.test_target_group_rules import with_eu_rule

from .conftest import _load_shared_data, check_axe, screenshot
from .test_planning_browser import _planner_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_target_groups_in_region_report_and_state_view(browser, live_server):
    _load_shared_data()
    standard_set = import_document(with_eu_rule())[0]
    service = make_service("mbe", (14.9869, 51.1528), capacity=2.0)
    Service.objects.filter(pk=service.pk).update(target_groups=["eu_citizens"])
    run = run_assessment(standard_set, "kreis", dt.date(2026, 6, 30))
    context = _planner_context(browser, live_server)
    page = context.new_page()
    page.goto(f"{live_server.url}/planung/regionen/14626/?bewertung={run.pk}")
    table = page.locator("#zielgruppen-tabelle")
    assert table.locator("tbody tr").count() == 6
    eu = table.locator("tbody tr", has_text="EU-Bürgerinnen und -Bürger").inner_text()
    assert "10.100" in eu and "6.667" in eu and "3.433" in eu
    assert "Migrationsberatung für EU-Bürgerinnen" in page.inner_text("#zielgruppen-regeln")
    check_axe(page, "planning-region-target-groups")
    screenshot(page, "planning-region-target-groups")

    page.goto(f"{live_server.url}/planung/bewertungen/{run.pk}/")
    state = page.locator("#zielgruppen-land")
    assert state.locator("tbody tr").count() == 6
    assert "Görlitz" in state.locator("tbody tr", has_text="EU-Bürgerinnen").inner_text()
    with page.expect_download() as download:
        page.click("text=Zielgruppen als CSV")
    assert download.value.suggested_filename == f"zielgruppen-{run.pk}.csv"
    check_axe(page, "planning-state-target-groups")
    context.close()
