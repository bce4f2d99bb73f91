"""The allocation page in a real browser: a planner fills the form, reads need beside allocation, axe."""

import pytest

from integrationsatlas.standards import document as doc_module
from integrationsatlas.standards.sets import import_document
from tests.shared_data import ensure_shared_data

from .conftest import check_axe, phone_page, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAW_SET = doc_module.SCHEMA_FILE.parent.parent / "data" / "sachsen-saechsintg-komintavo.yaml"


def test_allocation_beside_need_with_sources_and_a_refused_amount(browser, live_server):
    ensure_shared_data()  # an earlier transactional test emptied the tables
    import_document(doc_module.read_file(LAW_SET))
    context, page = phone_page(browser, "de")
    page.goto(f"{live_server.url}/planung/zuweisung/")
    check_axe(page, "allocation-empty")

    page.get_by_label("Verteilungsmasse (Euro)").fill("-10")
    page.get_by_role("button", name="Zuweisung berechnen").click()
    page.wait_for_url("**amount=-10**")
    assert "Betrag -10 ist negativ" in page.locator(".field-error").inner_text()
    assert page.locator("#zuweisung").count() == 0

    page.get_by_label("Verteilungsmasse (Euro)").fill("10000000")
    page.get_by_label("Fördergegenstand").select_option("fluechtlingssozialarbeit")
    page.get_by_label("Bedarf nach Regel").select_option(
        "sachsen-saechsintg-komintavo/fsa-betreuungsschluessel"
    )
    page.get_by_role("button", name="Zuweisung berechnen").click()
    page.wait_for_selector("#zuweisung")
    assert page.locator("#zuweisung tbody tr").count() == 13
    bautzen = page.locator("#zuweisung tr[data-ags='14625']").inner_text()
    assert "725.048,03" in bautzen and "726.750,00" in bautzen and "unterfinanziert" in bautzen
    assert "10.000.000,00" in page.locator("#zuweisung tfoot").inner_text()
    assert "Demo" in page.locator(".demo-banner").inner_text()
    notes = page.locator(".notes").inner_text()
    assert "§ 12 Abs. 5 Satz 2 KomIntAVO" in notes and "31.12.2023" in notes
    check_axe(page, "allocation-result")
    screenshot(page, "planning-allocation")

    with page.expect_download() as download:
        page.get_by_role("link", name="Als CSV herunterladen").click()
    text = download.value.path().read_text(encoding="utf-8")
    assert text.startswith("ags,name,population,population_date,share,allocation,target_group")
    assert text.count("\n") == 14
    context.close()
