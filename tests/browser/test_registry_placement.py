"""Browser: a provider places a site by clicking on the map, and by typing an address the offline PLZ fallback resolves."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from integrationsatlas.regions.locate import gemeinde_keys_at
from integrationsatlas.regions.models import PostalCode
from integrationsatlas.registry.models import ChangeRequest, Membership, Organization
from tests.shared_data import ensure_shared_data

from .conftest import check_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def provider_page(browser, live_server):
    ensure_shared_data()
    organization = Organization.objects.create(name="Caritas Dresden (Test)")
    user = get_user_model().objects.create_user("anna-karte", password="pw-Karte-2026")
    Membership.objects.create(user=user, role=Membership.Role.PROVIDER, organization=organization)
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="de-DE")
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    context.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith("http://127.0.0.1") else route.abort()
        ),
    )
    page = context.new_page()
    yield page, organization
    context.close()


def _fill_service(page, organization):
    page.select_option("#id-organization", str(organization.pk))
    page.select_option("#id-offer_type", "mbe")
    page.fill("#id-name", "Migrationsberatung Prohlis")
    page.fill("#id-loc-0-address", "Prohliser Allee 10")
    page.fill("#id-loc-0-postal_code", "01239")
    page.fill("#id-loc-0-city", "Dresden")


def _submitted_site():
    change = ChangeRequest.objects.order_by("-pk").first()
    assert change is not None and change.state == ChangeRequest.State.SUBMITTED
    return change.payload["locations"][0]


def test_provider_places_a_site_by_typing_its_address(provider_page, live_server):
    page, organization = provider_page
    page.goto(f"{live_server.url}/register/neu/")
    _fill_service(page, organization)
    page.click("#id-loc-0 .site-locate")
    status = page.locator("#id-loc-0-placement-status")
    status.filter(has_text="Lage geschätzt (Postleitzahl)").wait_for()
    assert "Dresden" in status.inner_text()
    code = PostalCode.objects.get(code="01239")
    assert float(page.input_value("#id-loc-0-longitude")) == pytest.approx(code.lon, abs=1e-6)
    assert float(page.input_value("#id-loc-0-latitude")) == pytest.approx(code.lat, abs=1e-6)
    assert page.locator("#id-loc-0 .leaflet-marker-icon").count() == 1
    check_axe(page, "registry-edit-map")
    page.click("button[name=action][value=submit]")
    page.locator(".message-success, .messages").first.wait_for()
    site = _submitted_site()
    assert site["placement"] == "postal_code"
    assert (site["longitude"], site["latitude"]) == pytest.approx((code.lon, code.lat), abs=1e-6)


def test_provider_places_a_site_by_clicking_the_map(provider_page, live_server):
    page, organization = provider_page
    page.goto(f"{live_server.url}/register/neu/")
    _fill_service(page, organization)
    page.click("#id-loc-0 .site-locate")  # zooms the map to Dresden
    page.locator("#id-loc-0-placement-status").filter(has_text="geschätzt").wait_for()
    estimated = float(page.input_value("#id-loc-0-longitude"))
    box = page.locator("#id-loc-0 .site-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2 + 60, box["y"] + box["height"] / 2 + 20)
    page.locator("#id-loc-0-placement-status").filter(has_text="auf der Karte gesetzt").wait_for()
    lon = float(page.input_value("#id-loc-0-longitude"))
    lat = float(page.input_value("#id-loc-0-latitude"))
    assert lon > estimated  # clicked east of the centre
    page.click("button[name=action][value=submit]")
    page.locator(".message-success, .messages").first.wait_for()
    site = _submitted_site()
    assert site["placement"] == "map"
    assert (site["longitude"], site["latitude"]) == pytest.approx((lon, lat), abs=1e-6)
    assert gemeinde_keys_at([lon], [lat]) == ["14612000"]
