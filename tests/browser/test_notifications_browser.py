"""Issue 19 in a browser: a provider sees the approval in the inbox, opens the public page with
its 'zuletzt geprüft' date, sets a daily digest and confirms an offer as current; axe finds nothing."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from integrationsatlas.registry import workflow
from integrationsatlas.registry.models import Membership, Organization, Service
from tests.registry.conftest import payload
from tests.shared_data import ensure_shared_data

from .conftest import check_axe, phone_page, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _user(name, **membership):
    user = get_user_model().objects.create_user(
        name, email=f"{name}@example.org", password="pw-Notify-2026"
    )
    Membership.objects.create(user=user, **membership)
    return user


def test_provider_inbox_digest_setting_and_confirmation(browser, live_server):
    ensure_shared_data()
    org = Organization.objects.create(name="Träger Nord")
    provider = _user("traeger-nord", role=Membership.Role.PROVIDER, organization=org)
    coordinator = _user("kreis-dresden", role=Membership.Role.COORDINATOR, region_id="14612")
    service, change = workflow.save_service(provider, None, payload(org))
    workflow.approve(coordinator, change)
    Service.objects.filter(pk=service.pk).update(updated_at=timezone.now() - timedelta(days=200))

    context, page = phone_page(browser, "de")
    page.goto(f"{live_server.url}/anmelden/?next=/register/benachrichtigungen/")
    page.fill("#id_username", "traeger-nord")
    page.fill("#id_password", "pw-Notify-2026")
    page.locator("#id_password").press("Enter")
    page.wait_for_url(f"{live_server.url}/register/benachrichtigungen/")
    assert "1 ungelesene Benachrichtigung" in page.content()
    check_axe(page, "inbox")
    screenshot(page, "notifications-inbox")

    page.get_by_label("einmal täglich als Zusammenfassung").check()
    page.get_by_role("button", name="Einstellung speichern").click()
    page.wait_for_url(f"{live_server.url}/register/benachrichtigungen/")
    assert "Einstellung gespeichert" in page.content()
    assert page.get_by_label("einmal täglich als Zusammenfassung").is_checked()

    page.get_by_role("button", name="Öffnen").click()
    page.wait_for_url(f"{live_server.url}/suche/**")
    old = (timezone.localdate() - timedelta(days=200)).strftime("%d.%m.%Y")
    assert f"Zuletzt geprüft am {old}" in page.content()

    page.goto(f"{live_server.url}/register/")
    page.get_by_role("button", name="Als aktuell bestätigen").click()
    page.wait_for_url(f"{live_server.url}/register/")
    assert "ist als aktuell bestätigt" in page.content()
    today = timezone.localdate().strftime("%d.%m.%Y")
    assert f"geprüft am {today}" in page.content()
    check_axe(page, "my-offers-confirmed")
    service.refresh_from_db()
    assert service.confirmed_at is not None
    context.close()
