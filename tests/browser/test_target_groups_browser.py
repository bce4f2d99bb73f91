"""Issue 17 in a real browser: the target-group view of the Görlitz report and of the state view;
axe finds no WCAG violation."""

import datetime as dt

import pytest

from integrationsatlas.assessments.run import run_assessment
from integrationsatlas.registry.models import Service
from integrationsatlas.standards.sets import import_document
from tests.shared_data import ensure_shared_data
from tests.standards.test_assess import make_service
from tests.standards.test_target_group_rules import with_eu_rule

from .conftest import check_axe, screenshot
from .test_planning_browser import _planner_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_target_groups_in_region_report_and_state_view(browser, live_server):
    ensure_shared_data()
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


def test_today_and_2030_in_region_report_and_for_the_land(browser, live_server):
    from integrationsatlas.standards import document as doc_module
    from tests.standards.test_assess import DRESDEN
    from tests.standards.test_future import project

    from .test_planning_browser import EXAMPLE

    ensure_shared_data()
    standard_set = import_document(doc_module.read_file(EXAMPLE))[0]
    make_service("mbe", DRESDEN, capacity=24.0)
    make_service("mbe", DRESDEN, capacity=6.0, end=dt.date(2028, 12, 31))
    project("14612", 100000.0)
    today = run_assessment(standard_set, "kreis", dt.date(2026, 6, 30))
    run_assessment(standard_set, "kreis", dt.date(2030, 12, 31))
    context = _planner_context(browser, live_server)
    page = context.new_page()
    page.goto(f"{live_server.url}/planung/regionen/14612/?bewertung={today.pk}")
    section = page.locator("#heute-und-2030")
    assert "Heute und 2030" in section.locator("h2").inner_text()
    row = page.locator("#heute-2030-tabelle tbody tr", has_text="Migrationsberatung für Erwachsene")
    assert "schlechter" in row.first.inner_text()
    check_axe(page, "planning-region-2030")
    page.goto(f"{live_server.url}/planung/bewertungen/{today.pk}/")
    page.click("text=Heute und später")
    page.wait_for_url("**/2030/**")
    assert page.locator("#heute-2030-land tbody tr").count() >= 13
    check_axe(page, "planning-2030")
    screenshot(page, "planning-2030")
    context.close()
