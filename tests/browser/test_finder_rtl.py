"""Right-to-left on a 390 px phone: no sideways scrolling, phone numbers and times keep their order."""

import pytest

from .conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_390 = {"width": 390, "height": 844}

# Widest element right edge vs. the viewport: > 0 means the page scrolls sideways.
OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
# Left edges of the first and last character of an element's text, as laid out on screen.
CHAR_EDGES = """(el) => {
    const text = el.firstChild;
    const range = document.createRange();
    const edge = (i) => { range.setStart(text, i); range.setEnd(text, i + 1);
                          return range.getBoundingClientRect().left; };
    return [edge(0), edge(text.length - 1)];
}"""


@pytest.mark.parametrize("language", ["ar", "fa"])
def test_rtl_pages_fit_390_px_and_keep_phone_numbers_in_order(
    browser, live_server, live_registry, language
):
    from integrationsatlas.registry.models import Service

    service = Service.objects.get(name="MBE Pirna Sonnenstein")
    service.phone = "+49 3501 101377"
    service.save()
    context = browser.new_context(
        viewport=PHONE_390, locale=language, extra_http_headers={"Accept-Language": language}
    )
    page = context.new_page()
    pages = {
        "start": "/suche/",
        "results": "/suche/ergebnisse/?art=mbe&ort=Pirna",
        "map": "/suche/ergebnisse/?art=mbe&ort=Pirna&ansicht=karte",
        "detail": f"/suche/angebot/{service.pk}/",
    }
    for name, path in pages.items():
        page.goto(live_server.url + path)
        assert page.locator("html").get_attribute("dir") == "rtl"
        assert page.evaluate(OVERFLOW) <= 0, f"{name} ({language}) scrolls sideways"
        screenshot(page, f"finder-{name}-{language}-390")
    phone = page.locator('a[href^="tel:"] bdi').first
    assert phone.inner_text() == "+49 3501 101377"
    first, last = phone.evaluate(CHAR_EDGES)
    assert first < last, "the number is laid out right-to-left"
    hours = page.locator(".hours-table bdi").first
    first, last = hours.evaluate(CHAR_EDGES)
    assert first < last, "opening times are laid out right-to-left"
    assert page.locator('a[href^="geo:"]').count() == 1
    context.close()
