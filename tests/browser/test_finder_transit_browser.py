"""The finder in a real browser with a feed loaded: minutes by bus and train beside the
distance, the window and feed in the tooltip, in German and Arabic, and axe on the page."""

import pytest

from integrationsatlas.registry.models import Organization
from integrationsatlas.transit import finder_times
from integrationsatlas.transit.editions import import_feed
from tests.finder.fixtures import add_service
from tests.finder.transit_feed import D, E, bautzen_feed

from .conftest import check_axe, phone_page, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def computed(live_registry, settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.FINDER_TRANSIT_CHECK_SECONDS = 0
    org = Organization.objects.create(name="Beratung Oberlausitz")
    add_service(org, "MBE Großpostwitz", *D)
    add_service(org, "MBE Ostrand", *E)
    import_feed(bautzen_feed(tmp_path / "oberlausitz.zip"), source="Test", licence="CC0 1.0")
    return finder_times.compute()


def search_postal_code(page, url: str) -> None:
    page.goto(f"{url}/suche/")
    page.locator("#art-mbe").check()
    page.locator("#id_ort").fill("02625")
    page.locator(".finder-form button[type=submit]").click()
    page.wait_for_url("**/suche/ergebnisse/**")


def test_german_results_show_minutes_with_window_and_feed(browser, live_server, computed):
    assert computed.pairs > 0
    context, page = phone_page(browser, "de")
    search_postal_code(page, live_server.url)
    first = page.locator("ol.results > li").first
    assert "MBE Großpostwitz" in first.inner_text()
    minutes = first.locator(".transit-time")
    assert minutes.inner_text() == "ca. 35 Min. mit Bus und Bahn"
    title = minutes.get_attribute("title")
    assert "werktags 7–9 Uhr" in title and "Fahrplan oberlausitz, Stand 01.01.2026" in title
    # The distance stays, the minutes stand beside it.
    assert "km Luftlinie · ca. 35 Min." in first.inner_text()
    far = page.locator("ol.results > li", has_text="MBE Ostrand").locator(".transit-time")
    assert far.inner_text() == "nicht in 90 Min. mit Bus und Bahn erreichbar"
    check_axe(page, "results-transit-de")
    screenshot(page, "finder-results-transit-de")
    context.close()


def test_arabic_results_translate_the_minutes(browser, live_server, computed):
    context, page = phone_page(browser, "ar")
    search_postal_code(page, live_server.url)
    assert page.locator("html").get_attribute("dir") == "rtl"
    minutes = page.locator("ol.results > li").first.locator(".transit-time")
    assert minutes.inner_text() == "حوالي 35 دقيقة بالحافلة والقطار"
    assert "أيام العمل" in minutes.get_attribute("title")
    check_axe(page, "results-transit-ar")
    screenshot(page, "finder-results-transit-ar")
    context.close()
