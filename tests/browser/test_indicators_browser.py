"""Issue 16 in a browser: a Kreis coordinator loads a GENESIS flat CSV on the statistics page,
sees the edition with its unknown value, and withdraws it; axe finds nothing."""

import pytest
from django.contrib.auth import get_user_model

from integrationsatlas.registry.models import Membership
from tests.shared_data import ensure_shared_data

from .conftest import check_axe, phone_page, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GENESIS = (
    "statistics_code;statistics_label;time_code;time_label;time;1_variable_code;1_variable_label;"
    "1_variable_attribute_code;1_variable_attribute_label;value;value_unit;value_variable_code;"
    "value_variable_label;value_q\n"
    "12521-0040;Ausländer;STAG;Stichtag;31.12.2024;GEMEIN;Gemeinden;14625020;Bautzen, Stadt;1.234;Personen;BEVSTD;Ausländer;e\n"
    "12521-0040;Ausländer;STAG;Stichtag;31.12.2024;GEMEIN;Gemeinden;14625030;Bernsdorf, Stadt;x;Personen;BEVSTD;Ausländer;e\n"
)


def test_coordinator_loads_genesis_file_sees_edition_and_withdraws_it(
    browser, live_server, tmp_path
):
    ensure_shared_data()
    user = get_user_model().objects.create_user("kreis-bautzen", password="pw-Kennzahl-2026")
    Membership.objects.create(user=user, role=Membership.Role.COORDINATOR, region_id="14625")
    path = tmp_path / "12521-0040_flat.csv"
    path.write_text(GENESIS, encoding="utf-8")
    context, page = phone_page(browser, "de")
    page.goto(f"{live_server.url}/anmelden/?next=/register/kennzahlen/")
    page.fill("#id_username", "kreis-bautzen")
    page.fill("#id_password", "pw-Kennzahl-2026")
    page.locator("#id_password").press("Enter")
    page.wait_for_url(f"{live_server.url}/register/kennzahlen/")
    check_axe(page, "indicators-empty")

    page.set_input_files("#id_file", str(path))
    page.fill("#id_source", "© Statistisches Landesamt Sachsen, 12521-0040")
    page.fill("#id_licence", "dl-de/by-2-0")
    page.fill("#id_mapping", "foreign_population")
    page.get_by_role("button", name="Prüfen und laden").click()
    page.wait_for_load_state()
    assert "2 neue Werte" in page.locator(".messages").inner_text()
    assert "davon 1 unbekannt" in page.locator(".messages").inner_text()
    check_axe(page, "indicators-loaded")
    screenshot(page, "indicators-loaded")

    page.locator("table.data-table a").first.click()
    page.wait_for_url("**/register/kennzahlen/*/")
    assert "unbekannt (x)" in page.locator("main").inner_text()
    page.fill("#id_reason", "Probeimport")
    page.get_by_role("button", name="Ausgabe zurückziehen").click()
    page.wait_for_url(f"{live_server.url}/register/kennzahlen/")
    assert "zurückgezogen" in page.locator("table.data-table").first.inner_text()
    assert "Ausgabe #" in page.locator(".messages").inner_text()
    context.close()
