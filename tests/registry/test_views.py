"""End to end through the registry pages: submit, approve, publish, history, restore, permissions."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from integrationsatlas.registry import workflow
from integrationsatlas.registry.models import ChangeRequest, Funding, Service

from .conftest import DRESDEN_POINTS, payload

PASSWORD = "pw-Registry-2026"


def form_data(**overrides) -> dict[str, str]:
    """What a provider types: one service with two Dresden sites and weekly hours."""
    data = {
        "name": "Migrationsberatung Neustadt",
        "description": "Beratung zu Aufenthalt und Arbeit",
        "offer_type": "mbe",
        "status": "active",
        "is_free": "on",
        "languages": ["de", "ar", "prs"],
        "languages_other": "bs",
        "target_groups": ["adults", "women"],
        "loc_count": "3",
        "loc-0-address": "Altmarkt 1",
        "loc-0-postal_code": "01067",
        "loc-0-city": "Dresden",
        "loc-0-longitude": "13,7373",
        "loc-0-latitude": "51,0504",
        "loc-0-sched_count": "3",
        "loc-0-sched-0-weekday": "1",
        "loc-0-sched-0-opens_at": "09:00",
        "loc-0-sched-0-closes_at": "12:00",
        "loc-0-sched-1-weekday": "3",
        "loc-0-sched-1-opens_at": "13:00",
        "loc-0-sched-1-closes_at": "16:00",
        "loc-0-exc_count": "1",
        "loc-0-exc-0-date": "2026-12-24",
        "loc-1-address": "Wiener Platz 4",
        "loc-1-postal_code": "01069",
        "loc-1-city": "Dresden",
        "loc-1-longitude": str(DRESDEN_POINTS[1][0]),
        "loc-1-latitude": str(DRESDEN_POINTS[1][1]),
        "loc-1-sched_count": "2",
        "loc-1-sched-0-weekday": "2",
        "loc-1-sched-0-opens_at": "10:00",
        "loc-1-sched-0-closes_at": "14:30",
        "loc-2-sched_count": "2",
        "fund_count": "2",
        "fund-0-funder_level": "bund",
        "fund-0-programme": "MBE",
        "fund-0-amount_per_year": "65000",
        "fund-0-start": "2025-01-01",
        "fund-0-end": "2027-12-31",
        "reason": "Neues Angebot",
        "action": "submit",
    }
    data.update(overrides)
    return data


def shown_revision(page: str) -> str:
    """The change request revision a review page's decision forms carry."""
    found = set(re.findall(r'name="revision" value="(\d+)"', page))
    assert len(found) == 1, found
    return found.pop()


def login(client, user):
    """Sign in through the real sign-in page (django-axes needs the request)."""
    response = client.post(
        reverse("login"), {"username": user.username, "password": PASSWORD, "next": "/register/"}
    )
    assert response.status_code == 302 and response["Location"] == "/register/"
    return client


def test_done_when_end_to_end(client, provider_a, org_a, coordinator_dresden):
    # The provider signs in and creates a service with two sites and hours.
    login(client, provider_a)
    response = client.post(reverse("registry:new"), form_data(organization=str(org_a.pk)))
    assert response.status_code == 302, response.content.decode()[:3000]
    service = Service.objects.get(name="Migrationsberatung Neustadt")
    assert not service.is_published
    assert service.service_at_locations.count() == 2
    assert sorted(service.languages) == ["ar", "bs", "de", "prs"]
    snap = workflow.service_snapshot(service)
    assert [len(loc["schedules"]) for loc in snap["locations"]] == [2, 1]
    assert snap["locations"][0]["exceptions"][0]["closed"] is True
    # Not public yet, and the list says "in Prüfung".
    assert not Service.public.filter(pk=service.pk).exists()
    assert "in Prüfung" in client.get(reverse("registry:mine")).content.decode()

    # The coordinator of Dresden sees it in the queue and approves.
    client.logout()
    login(client, coordinator_dresden)
    change = ChangeRequest.objects.get(service=service)
    queue = client.get(reverse("registry:review_queue")).content.decode()
    assert reverse("registry:review_detail", args=[change.pk]) in queue
    detail = client.get(reverse("registry:review_detail", args=[change.pk])).content.decode()
    assert "Wiener Platz 4" in detail and "Montag 09:00–12:00" in detail
    response = client.post(
        reverse("registry:approve", args=[change.pk]),
        {"comment": "ok", "revision": shown_revision(detail)},
    )
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.is_published and Service.public.filter(pk=service.pk).exists()

    # The history shows both steps, by whom and why.
    history = client.get(reverse("registry:history", args=[service.pk])).content.decode()
    assert "anna" in history and "dora" in history
    assert "Neues Angebot" in history and "Freigegeben" in history

    # The coordinator changes the name directly; a restore brings back the approved version.
    edit = client.get(reverse("registry:edit", args=[service.pk])).content.decode()
    version = re.search(r'name="base_version" value="(\d+)"', edit).group(1)
    changed = form_data(
        organization=str(org_a.pk), name="Umbenannt", base_version=version, reason="Tippfehler"
    )
    assert client.post(reverse("registry:edit", args=[service.pk]), changed).status_code == 302
    service.refresh_from_db()
    assert service.name == "Umbenannt" and service.is_published
    approved = service.history.filter(history_change_reason__startswith="Freigegeben").get()
    response = client.post(reverse("registry:restore", args=[service.pk, approved.history_id]))
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.name == "Migrationsberatung Neustadt"
    assert service.history.first().history_change_reason.startswith("Wiederhergestellt")


def test_provider_cannot_see_or_change_other_organizations_drafts(
    client, provider_a, provider_b, org_a, org_b
):
    service, _change = workflow.save_service(provider_a, None, payload(org_a, name="Geheim A"))
    login(client, provider_b)
    assert "Geheim A" not in client.get(reverse("registry:mine")).content.decode()
    for name in ("registry:edit", "registry:history"):
        assert client.get(reverse(name, args=[service.pk])).status_code == 404
    change = ChangeRequest.objects.get(service=service)
    assert client.get(reverse("registry:review_detail", args=[change.pk])).status_code == 404
    response = client.post(
        reverse("registry:edit", args=[service.pk]), form_data(organization=str(org_a.pk))
    )
    assert response.status_code == 404
    assert (
        client.post(reverse("registry:delete", args=[service.pk]), {"reason": "x"}).status_code
        == 404
    )
    # Nor can b create a service for a's organization.
    response = client.post(reverse("registry:new"), form_data(organization=str(org_a.pk)))
    assert response.status_code == 400
    assert not Service.objects.filter(name="Migrationsberatung Neustadt").exists()
    service.refresh_from_db()
    assert service.name == "Geheim A"


def test_coordinator_cannot_approve_outside_region(client, provider_a, org_a, coordinator_leipzig):
    service, change = workflow.save_service(provider_a, None, payload(org_a))
    login(client, coordinator_leipzig)
    assert (
        reverse("registry:review_detail", args=[change.pk])
        not in client.get(reverse("registry:review_queue")).content.decode()
    )
    assert client.post(reverse("registry:approve", args=[change.pk])).status_code == 404
    change.refresh_from_db()
    assert change.state == ChangeRequest.State.SUBMITTED
    service.refresh_from_db()
    assert not service.is_published


def test_send_back_shows_comment_to_provider(client, provider_a, org_a, coordinator_dresden):
    service, change = workflow.save_service(provider_a, None, payload(org_a))
    login(client, coordinator_dresden)
    url = reverse("registry:send_back", args=[change.pk])
    client.post(url, {"comment": "Bitte Öffnungszeiten am Freitag ergänzen", "revision": "1"})
    change.refresh_from_db()
    assert change.state == ChangeRequest.State.RETURNED
    client.logout()
    login(client, provider_a)
    mine = client.get(reverse("registry:mine")).content.decode()
    assert "zurückgegeben" in mine and "Bitte Öffnungszeiten am Freitag ergänzen" in mine
    edit = client.get(reverse("registry:edit", args=[service.pk])).content.decode()
    assert "Bitte Öffnungszeiten am Freitag ergänzen" in edit


def test_approve_refuses_an_edit_the_reviewer_has_not_seen(
    client, provider_a, org_a, coordinator_dresden
):
    """The page shows version A, the provider edits to B; approving A must not publish B."""
    service, _ = workflow.save_service(coordinator_dresden, None, payload(org_a))
    edit_a = workflow.service_snapshot(service) | {"name": "Fassung A"}
    workflow.save_service(provider_a, service, edit_a | {"base_version": service.version})
    change = ChangeRequest.objects.get(service=service, state=ChangeRequest.State.SUBMITTED)
    login(client, coordinator_dresden)
    detail_url = reverse("registry:review_detail", args=[change.pk])
    page_a = client.get(detail_url).content.decode()
    assert "Fassung A" in page_a
    seen_a = shown_revision(page_a)

    # Meanwhile the provider edits the pending request again.
    edit_b = edit_a | {"name": "Fassung B", "base_version": service.version}
    _, again = workflow.save_service(provider_a, service, edit_b)
    assert again.pk == change.pk

    history_before = service.history.count()
    approve_url = reverse("registry:approve", args=[change.pk])
    for decision, data in (
        (approve_url, {"comment": "ok", "revision": seen_a}),
        (approve_url, {"comment": "ok"}),  # a form without the revision says nothing seen
        (reverse("registry:send_back", args=[change.pk]), {"comment": "x", "revision": seen_a}),
    ):
        response = client.post(decision, data, follow=True)
        assert response.redirect_chain == [(detail_url, 302)]
        text = response.content.decode()
        assert "wurde inzwischen geändert" in text and "nichts freigegeben" in text
        # Back on the review page, which now shows the current edit.
        assert "Fassung B" in text
        change.refresh_from_db()
        assert change.state == ChangeRequest.State.SUBMITTED
        service.refresh_from_db()
        assert service.name != "Fassung B" and service.history.count() == history_before

    # Approving what the page now shows publishes B.
    seen_b = shown_revision(client.get(detail_url).content.decode())
    assert seen_b != seen_a
    response = client.post(approve_url, {"comment": "ok", "revision": seen_b})
    assert response.status_code == 302 and response["Location"] == reverse("registry:review_queue")
    change.refresh_from_db()
    service.refresh_from_db()
    assert change.state == ChangeRequest.State.APPROVED
    assert service.name == "Fassung B" and service.is_published


def test_conflict_is_refused_with_message(client, coordinator_dresden, admin_user, org_a):
    service, _ = workflow.save_service(coordinator_dresden, None, payload(org_a))
    stale = str(service.version)
    workflow.save_service(admin_user, service, workflow.service_snapshot(service) | {"name": "Neu"})
    login(client, coordinator_dresden)
    response = client.post(
        reverse("registry:edit", args=[service.pk]),
        form_data(organization=str(org_a.pk), base_version=stale, name="Meins"),
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "inzwischen geändert" in text and "Was andere inzwischen geändert haben" in text
    service.refresh_from_db()
    assert service.name == "Neu"


def test_funding_cents_survive_the_form_and_an_unchanged_save_keeps_the_rows(
    client, coordinator_dresden, org_a
):
    # The form sends text with a German comma; the row must hold the exact cents as Decimal,
    # and saving the page again unchanged (amounts as the page shows them, e.g. "1234.5")
    # must not delete and re-create the funding rows.
    login(client, coordinator_dresden)
    amounts = {
        "fund-0-amount_per_year": "1234,56",
        "fund-1-funder_level": "land",
        "fund-1-amount_per_year": "1234,50",
        "fund-1-share": "0,25",
        "fund-1-start": "2026-01-01",  # after row 0's start, so the page keeps the row order
    }
    response = client.post(
        reverse("registry:new"), form_data(organization=str(org_a.pk), **amounts)
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    service = Service.objects.get(name="Migrationsberatung Neustadt")
    rows = {f.funder_level: f for f in Funding.objects.filter(service=service)}
    assert rows["bund"].amount_per_year == Decimal("1234.56")
    assert rows["land"].amount_per_year == Decimal("1234.50") and rows["land"].share == 0.25

    edit = client.get(reverse("registry:edit", args=[service.pk])).content.decode()
    shown = dict(re.findall(r'name="(fund-\d-amount_per_year)" value="([^"]*)"', edit))
    version = re.search(r'name="base_version" value="(\d+)"', edit).group(1)
    again = form_data(
        organization=str(org_a.pk), base_version=version, **(amounts | shown | {"reason": "gleich"})
    )
    history_before = Funding.history.count()
    assert client.post(reverse("registry:edit", args=[service.pk]), again).status_code == 302
    assert Funding.history.count() == history_before
    assert {f.pk for f in Funding.objects.filter(service=service)} == {f.pk for f in rows.values()}
    service.refresh_from_db()
    assert service.history.first().history_change_reason == "gleich"


def test_delete_is_reversible(client, coordinator_dresden, org_a):
    service, _ = workflow.save_service(coordinator_dresden, None, payload(org_a))
    login(client, coordinator_dresden)
    client.post(reverse("registry:delete", args=[service.pk]), {"reason": "doppelt"})
    assert not Service.public.filter(pk=service.pk).exists()
    assert "gelöscht" in client.get(reverse("registry:mine")).content.decode()
    client.post(reverse("registry:undelete", args=[service.pk]), {"reason": "doch nicht"})
    assert Service.public.filter(pk=service.pk).exists()
    history = client.get(reverse("registry:history", args=[service.pk])).content.decode()
    assert "Gelöscht: doppelt" in history and "Wiederhergestellt: doch nicht" in history


def test_hostile_strings_are_escaped(client, coordinator_dresden, org_a):
    hostile = '<script>alert("x")</script>'
    service, _ = workflow.save_service(
        coordinator_dresden, None, payload(org_a, name=hostile, description=hostile)
    )
    login(client, coordinator_dresden)
    for url in (
        reverse("registry:mine"),
        reverse("registry:edit", args=[service.pk]),
        reverse("registry:history", args=[service.pk]),
    ):
        text = client.get(url).content.decode()
        assert hostile not in text
        assert "&lt;script&gt;" in text


def test_validation_errors_are_shown_with_field_names(client, coordinator_dresden, org_a):
    login(client, coordinator_dresden)
    response = client.post(
        reverse("registry:new"),
        form_data(
            organization=str(org_a.pk), **{"loc-0-longitude": "abc", "languages_other": "xx"}
        ),
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Standort 1 · Länge (WGS84)" in text and 'href="#id-loc-0-longitude"' in text
    assert "Unbekannter Sprachcode „xx“" in text
    assert 'value="abc"' in text
    assert not Service.objects.exists()


def test_more_rows_without_javascript(client, provider_a, org_a):
    login(client, provider_a)
    response = client.post(
        reverse("registry:new"), form_data(organization=str(org_a.pk), action="more")
    )
    assert response.status_code == 200
    assert 'name="loc-0-sched-5-weekday"' in response.content.decode()
    assert not Service.objects.exists()


@pytest.mark.parametrize("name", ["registry:mine", "registry:new", "registry:review_queue"])
def test_anonymous_is_sent_to_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/anmelden/" in response["Location"]


def test_hostile_strings_are_escaped_in_review(client, provider_a, org_a, coordinator_dresden):
    hostile = '"><img src=x onerror=alert(1)>'
    _service, change = workflow.save_service(
        provider_a, None, payload(org_a, name=hostile), reason=hostile
    )
    client.force_login(coordinator_dresden)
    for url in (
        reverse("registry:review_queue"),
        reverse("registry:review_detail", args=[change.pk]),
    ):
        text = client.get(url).content.decode()
        assert hostile not in text and "&lt;img src=x" in text


def test_admin_lists_registry_models_with_history(client, admin_user, coordinator_dresden, org_a):
    service, _ = workflow.save_service(coordinator_dresden, None, payload(org_a))
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    for model in ("organization", "service", "location", "funding", "membership", "changerequest"):
        assert client.get(f"/admin/registry/{model}/").status_code == 200, model
    assert client.get(f"/admin/registry/service/{service.pk}/history/").status_code == 200
