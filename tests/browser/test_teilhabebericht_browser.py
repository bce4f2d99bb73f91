"""A coordinator records 2025 figures in a real browser, is told which field is wrong, then reads
them in the Teilhabebericht; axe finds no WCAG violation on either page."""

import pytest
from django.contrib.auth import get_user_model

from integrationsatlas.registry.models import ActivityFigures, Membership
from tests.planning.teilhabe_fixtures import bautzen_2025
from tests.shared_data import ensure_shared_data

from .conftest import check_axe, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-Browser-2026"


def _sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/anmelden/?next=/register/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url("**/register/")


def test_coordinator_records_figures_and_reads_them_in_the_report(browser, live_server):
    ensure_shared_data()
    services = bautzen_2025()
    user = get_user_model().objects.create_user("koord-bautzen", password=PASSWORD)
    Membership.objects.create(user=user, role=Membership.Role.COORDINATOR, region_id="14625")
    hoyerswerda = services["ibz2"]
    context = browser.new_context(locale="de", extra_http_headers={"Accept-Language": "de"})
    page = context.new_page()
    _sign_in(page, live_server.url, "koord-bautzen")

    page.goto(f"{live_server.url}/register/angebot/{hoyerswerda.pk}/jahreszahlen/?jahr=2025")
    page.get_by_label("Beratungen: Arbeit").fill("40")
    page.get_by_label("Beratungen: Wohnen").fill("-2")
    page.get_by_role("button", name="Jahreszahlen speichern").click()
    summary = page.locator(".error-summary")
    assert "Beratungen: Wohnen" in summary.inner_text() and "ab 0" in summary.inner_text()
    assert not ActivityFigures.objects.filter(service=hoyerswerda).exists()
    check_axe(page, "figures-error")

    page.get_by_label("Beratungen: Wohnen").fill("25")
    page.get_by_label("Stellen (VZÄ)").fill("1,25")
    page.get_by_label("Grund der Änderung").fill("Jahresmeldung 2025")
    page.get_by_role("button", name="Jahreszahlen speichern").click()
    page.wait_for_url("**jahr=2025")
    assert "Jahreszahlen 2025 gespeichert" in page.locator("body").inner_text()
    assert "Jahresmeldung 2025" in page.locator(".figures-history").inner_text()
    check_axe(page, "figures-saved")
    screenshot(page, "registry-figures")

    page.goto(f"{live_server.url}/planung/teilhabebericht/")
    page.locator("#thb-region").select_option("14625")
    page.locator("#thb-year").fill("2025")
    page.get_by_role("button", name="Bericht anzeigen").click()
    page.wait_for_url("**/teilhabebericht/14625/2025/")
    row = page.locator("tr", has_text="Nr. 2 c")
    assert "365" in row.inner_text()  # 300 (IBZ Bautzen) + 40 + 25 (IBZ Hoyerswerda)
    assert "unvollständig" not in row.inner_text()
    assert page.locator("mark.gap").count() > 15
    check_axe(page, "teilhabebericht")
    screenshot(page, "planning-teilhabebericht")
    context.close()
