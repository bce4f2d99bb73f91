"""Reach by bus and train in Chromium: the state view's section (map by minute band, shares
per Kreis, the minute choice) and the single-offer map with its window form; axe passes."""

from __future__ import annotations

import pytest

from integrationsatlas.assessments.run import run_assessment
from integrationsatlas.standards.sets import import_document
from integrationsatlas.transit.editions import import_feed
from tests.shared_data import ensure_shared_data
from tests.standards.test_assess import make_service
from tests.transit.feeds import write_feed
from tests.transit.test_transit_rules import BAUTZEN, STOP_D, transit_set

from .conftest import check_axe, screenshot
from .test_planning_browser import _planner_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sample_run(tmp_path, settings):
    """The sample feed, one MBE at its Großpostwitz stop, a Kreis assessment of one rule."""
    ensure_shared_data()
    settings.VAR_DIR = tmp_path / "var"
    import_feed(write_feed(tmp_path / "bautzen.zip"), source="Handgemacht, Tests", licence="CC0")
    service = make_service("mbe", STOP_D)
    standard_set, _ = import_document(transit_set())
    return run_assessment(standard_set, "kreis"), service


def test_state_section_and_offer_map(browser, live_server, sample_run):
    run, service = sample_run
    context = _planner_context(browser, live_server)
    page = context.new_page()
    page.goto(f"{live_server.url}/planung/bewertungen/{run.pk}/")
    section = page.locator("#erreichbarkeit")
    assert "Erreichbarkeit mit Bus und Bahn" in section.inner_text()
    figure = page.locator("#erreichbarkeit-mbe-oepnv")
    assert figure.locator("svg.minute-map path.band-shape").count() == 418
    # Bautzen: 90 minutes, the last band (60-90) of a rule with max_minutes 90.
    assert figure.locator(f"path#mbe-oepnv-r{BAUTZEN}.band-4").count() == 1
    assert figure.locator("svg.minute-map path.band-beyond").count() == 417
    caption = figure.locator("figcaption").inner_text()
    assert "Fahrplan bautzen, Stand 01.01.2026" in caption and "werktags 7–8 Uhr" in caption
    assert "Einwohner innerhalb von 90 Minuten" in figure.locator(".reach-table").inner_text()
    check_axe(page, "transit-section")
    screenshot(page, "transit-section")

    page.select_option("#minuten", "60")
    page.locator("#erreichbarkeit form button[type=submit]").click()
    page.wait_for_url("**minuten=60**")
    table = page.locator("#erreichbarkeit-mbe-oepnv .reach-table")
    assert "Einwohner innerhalb von 60 Minuten" in table.inner_text()
    assert "0,0 %" in table.locator("tfoot").inner_text()

    page.goto(f"{live_server.url}/planung/erreichbarkeit/angebot/{service.pk}/")
    page.fill("#von", "07:00")
    page.fill("#bis", "08:00")
    page.locator("#fenster button[type=submit]").click()
    page.wait_for_url("**bis=08%3A00**")
    assert page.locator("svg.minute-map path.band-shape").count() == 418
    assert "Bautzen: 90 Min." in (page.locator(f"path#offer-r{BAUTZEN} title").text_content() or "")
    csv_link = page.locator("#csv")
    assert "von=07%3A00" in (csv_link.get_attribute("href") or "")
    with page.expect_download() as download:
        csv_link.click()
    text = download.value.path().read_text(encoding="utf-8")
    assert text.splitlines()[0].endswith("offer,source,window,feed,stand,demo")
    assert "werktags 7–8 Uhr" in text
    check_axe(page, "transit-offer")
    screenshot(page, "transit-offer")
    context.close()
