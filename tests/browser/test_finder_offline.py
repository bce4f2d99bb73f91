"""The finder offline: opened pages stay readable with the network off, dated, without "open now"."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_opened_offer_and_search_readable_offline(browser, live_server, live_registry):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="de")
    page = context.new_page()
    page.goto(f"{live_server.url}/suche/")
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    results = f"{live_server.url}/suche/ergebnisse/?art=mbe&ort=Pirna"
    page.goto(results)  # now controlled by the worker, which keeps a copy
    detail = live_registry["open"].pk
    page.goto(f"{live_server.url}/suche/angebot/{detail}/")
    assert page.locator(".is-open").first.is_visible()  # online: the live opening state
    assert not page.locator(".offline-note").is_visible()

    context.set_offline(True)
    page.goto(f"{live_server.url}/suche/angebot/{detail}/")
    assert "MBE Pirna Sonnenstein" in page.locator("h1").inner_text()
    note = page.locator(".offline-note")
    assert note.is_visible() and "Offline-Kopie" in note.inner_text()
    assert page.locator("[data-offline-date]").inner_text().strip() != ""
    assert not page.locator(".is-open").first.is_visible()  # a copy never says "open now"
    page.goto(results)
    assert "MBE Pirna Sonnenstein" in page.content()
    assert page.locator("[data-offline-date]").inner_text().strip() != ""
    page.goto(f"{live_server.url}/suche/")  # the start page was kept at install
    assert page.locator(".finder-form").count() == 1
    context.close()


def test_manifest_and_worker_are_served(client):
    manifest = client.get("/suche/manifest.webmanifest")
    assert manifest["Content-Type"] == "application/manifest+json"
    assert manifest.json()["scope"] == "/suche/"
    worker = client.get("/suche/sw.js")
    assert worker["Content-Type"].startswith("application/javascript")
    assert 'const SCOPE = "/suche/"' in worker.content.decode()
