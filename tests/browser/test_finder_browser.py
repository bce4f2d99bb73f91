"""The finder in a real browser: Arabic search for open migration counselling near Pirna, keyboard use, axe."""

import pytest

from tests.finder.fixtures import add_service

from .conftest import check_axe, phone_page, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_arabic_nearest_open_mbe_near_pirna_map_and_detail(browser, live_server, live_registry):
    context, page = phone_page(browser, "ar")
    page.goto(f"{live_server.url}/suche/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    check_axe(page, "start-ar")
    screenshot(page, "finder-start-ar")

    page.get_by_label("استشارات الهجرة للبالغين").check()
    page.locator("#id_ort").fill("Pirna")
    page.locator(".finder-form button[type=submit]").click()
    page.wait_for_url("**/suche/ergebnisse/**")
    # Only what is open now: the nearest site (Markt) is closed on Mondays.
    page.locator("details.filters summary").click()
    page.locator("#f-offen").check()
    page.locator(".filter-form button[type=submit]").click()
    page.wait_for_url("**offen=1**")
    first = page.locator("ol.results > li").first
    assert "استشارة الهجرة بيرنا" in first.inner_text()
    assert first.locator(".is-open").count() == 1
    check_axe(page, "results-ar")
    screenshot(page, "finder-results-ar")

    page.locator(".view-switch a").click()
    page.wait_for_url("**ansicht=karte**")
    page.wait_for_selector("#results-map .leaflet-interactive")
    markers = page.locator("#results-map path.leaflet-interactive")
    assert markers.count() >= 2  # the search point and at least the open service
    # Without a tile server the background is the Kreis and Gemeinde boundaries.
    page.wait_for_selector("#results-map path:not(.leaflet-interactive)", state="attached")
    screenshot(page, "finder-map-ar")

    page.locator("ol.results > li").first.locator("h3 a").click()
    page.wait_for_url("**/suche/angebot/**")
    assert "استشارة الهجرة بيرنا" in page.locator("h1").inner_text()
    page.wait_for_selector(".finder-map-small .leaflet-interactive")
    check_axe(page, "detail-ar")
    screenshot(page, "finder-detail-ar")
    context.close()


def test_german_keyboard_only_search_and_axe(browser, live_server, live_registry):
    context, page = phone_page(browser, "de")
    page.goto(f"{live_server.url}/suche/")
    check_axe(page, "start-de")
    screenshot(page, "finder-start-de")
    radio = page.locator("#art-mbe")
    radio.focus()
    page.keyboard.press("Space")
    assert radio.is_checked()
    page.locator("#id_ort").focus()
    page.keyboard.type("Pirna")
    page.keyboard.press("Enter")
    page.wait_for_url("**/suche/ergebnisse/**")
    assert "MBE Pirna Markt" in page.locator("ol.results").inner_text()
    check_axe(page, "results-de")
    screenshot(page, "finder-results-de")

    # Tab to the first result's link and follow it with Enter.
    link = page.locator("ol.results > li").first.locator("h3 a")
    for _ in range(40):
        page.keyboard.press("Tab")
        if link.evaluate("el => el === document.activeElement"):
            break
    assert link.evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")
    page.wait_for_url("**/suche/angebot/**")
    assert page.locator("h1").inner_text().startswith("MBE Pirna Markt")
    check_axe(page, "detail-de")
    screenshot(page, "finder-detail-de")
    context.close()


def test_a_name_with_markup_is_text_in_the_map_tooltip(browser, live_server, live_registry):
    """Leaflet puts a string tooltip in as HTML: a provider's name must stay text."""
    name = '<img src=x onerror="window.owned=1"><b>Beratung</b>'
    service = add_service(live_registry["open"].organization, name, 13.9405, 50.9615)
    context, page = phone_page(browser, "de")
    page.goto(f"{live_server.url}/suche/angebot/{service.pk}/")
    marker = page.locator(".finder-map-small path.leaflet-interactive").first
    marker.wait_for()
    marker.hover(force=True)
    tooltip = page.locator(".leaflet-tooltip")
    tooltip.wait_for()
    assert tooltip.inner_text() == name
    assert tooltip.locator("img, b").count() == 0
    assert page.locator(".finder-map-small img[src='x']").count() == 0
    context.close()
