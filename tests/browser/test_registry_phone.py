"""Registry pages on a phone: no sideways scrolling at 320 px and 390x844, right-to-left and German.

A coordinator and a provider work on their phones too: the list of services, the edit page,
the review queue and a change request, the history, the stale list and the import page must
fit the screen. Wide tables scroll inside their own box, forms wrap.
"""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from integrationsatlas.registry import workflow
from integrationsatlas.registry.models import ImportBatch, Membership, Organization
from tests.shared_data import ensure_shared_data

from .conftest import check_axe, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONES = {"390x844": {"width": 390, "height": 844}, "320": {"width": 320, "height": 640}}

# How far the page reaches past the viewport (> 0: the page scrolls sideways), and which
# elements stick out, so a failure names them.
OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"
WIDEST = """() => {
    const limit = window.innerWidth;
    const out = [];
    for (const el of document.querySelectorAll('main *, header *')) {
        const box = el.getBoundingClientRect();
        if (box.right > limit + 1 || box.left < -1) {
            out.push(`${el.tagName.toLowerCase()}.${el.className} ${Math.round(box.left)}..${Math.round(box.right)}`);
        }
    }
    return out.slice(0, 8);
}"""

A_LONG_NAME = "Migrationsberatung für Erwachsene Dresden-Gorbitz Amalie-Dietrich-Platz"


def _user(username, role, **membership):
    user = get_user_model().objects.create_user(username, password="pw-Telefon-2026")
    Membership.objects.create(user=user, role=role, **membership)
    return user


def _payload(organization, name):
    site = {
        "address": "Amalie-Dietrich-Platz 3",
        "postal_code": "01169",
        "city": "Dresden",
        "longitude": 13.6706,
        "latitude": 51.0378,
        "schedules": [{"weekday": 1, "opens_at": "09:00", "closes_at": "12:00"}],
        "exceptions": [],
    }
    return {
        "name": name,
        "description": "Beratung zu Aufenthalt, Arbeit, Sprache und Familie",
        "offer_type": "mbe",
        "organization": organization.pk,
        "languages": ["de", "ar", "fa", "prs"],
        "target_groups": ["adults"],
        "status": "active",
        "is_free": True,
        "locations": [site],
        "service_area": [],
        "fundings": [
            {"funder_level": "bund", "programme": "MBE", "start": "2025-01-01", "end": "2027-12-31"}
        ],
    }


@pytest.fixture
def registry_pages(live_server):
    """A published service with a provider's pending change, an import, and both users."""
    ensure_shared_data()
    organization = Organization.objects.create(name="Ausländerrat Dresden e. V. (Beratungsstelle)")
    coordinator = _user("dora-telefon", Membership.Role.COORDINATOR, region_id="14612")
    provider = _user("anna-telefon", Membership.Role.PROVIDER, organization=organization)
    service, _ = workflow.save_service(coordinator, None, _payload(organization, A_LONG_NAME))
    changed = _payload(organization, A_LONG_NAME + " (neue Adresse ab Januar)")
    changed["locations"][0]["address"] = "Leutewitzer Ring 5, Hinterhaus, 2. Obergeschoss"
    _, change = workflow.save_service(
        provider, service, changed, reason="Umzug in neue Räume im Stadtteil Gorbitz"
    )
    ImportBatch.objects.create(
        file_name="angebote-auslaenderrat-dresden-2026-vollstaendige-liste.xlsx",
        file_format="xlsx",
        created_by=coordinator,
        summary={"created": [service.pk], "updated": []},
    )
    return {
        "coordinator": coordinator,
        "provider": provider,
        "pages": {
            "list": "/register/",
            "new": "/register/neu/",
            "edit": f"/register/angebot/{service.pk}/",
            "history": f"/register/angebot/{service.pk}/verlauf/",
            "review-queue": "/register/pruefung/",
            "change-request": f"/register/pruefung/{change.pk}/",
            "stale": "/register/veraltet/",
            "import": "/austausch/import/",
        },
    }


def _signed_in_page(browser, live_server, user, language: str, viewport: dict):
    client = Client()
    client.force_login(user)
    context = browser.new_context(
        viewport=viewport, locale=language, extra_http_headers={"Accept-Language": language}
    )
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    context.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith("http://127.0.0.1") else route.abort()
        ),
    )
    return context, context.new_page()


@pytest.mark.parametrize("phone", sorted(PHONES))
@pytest.mark.parametrize("language", ["ar", "fa", "de"])
def test_registry_pages_fit_a_phone(browser, live_server, registry_pages, language, phone):
    context, page = _signed_in_page(
        browser, live_server, registry_pages["coordinator"], language, PHONES[phone]
    )
    wide = {}
    for name, path in registry_pages["pages"].items():
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 200, f"{name}: {response}"
        expected = "ltr" if language == "de" else "rtl"
        assert page.locator("html").get_attribute("dir") == expected
        if page.evaluate(OVERFLOW) > 0:
            wide[name] = (page.evaluate(OVERFLOW), page.evaluate(WIDEST))
        if language != "de":
            screenshot(page, f"registry-{name}-{language}-{phone}")
    context.close()
    assert wide == {}, f"pages scroll sideways ({language}, {phone}): {wide}"


@pytest.mark.parametrize("language", ["ar", "fa"])
def test_provider_edit_page_fits_320_px(browser, live_server, registry_pages, language):
    """The provider's own edit page (a pending change shown as a notice) and list."""
    context, page = _signed_in_page(
        browser, live_server, registry_pages["provider"], language, PHONES["320"]
    )
    for name in ("list", "edit", "import"):
        page.goto(live_server.url + registry_pages["pages"][name])
        overflow = page.evaluate(OVERFLOW)
        assert overflow <= 0, f"{name} ({language}) scrolls {overflow} px: {page.evaluate(WIDEST)}"
        if name == "edit":  # the scrolling boxes are labelled regions a keyboard can reach
            check_axe(page, f"registry-edit-{language}-320")
    context.close()
