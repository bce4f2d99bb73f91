"""Freshness: the confirm button, the coordinators' stale list, 'zuletzt geprüft' in finder and HSDS."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from integrationsatlas.interchange.hsds.ids import object_id
from integrationsatlas.registry import workflow
from integrationsatlas.registry.models import Service

from .conftest import LEIPZIG_POINT, payload, site

LONG_AGO = timedelta(days=200)


def _published(user, org, **overrides):
    service, change = workflow.save_service(user, None, payload(org, **overrides))
    assert change is None
    return service


def _age(service, delta=LONG_AGO):
    Service.objects.filter(pk=service.pk).update(updated_at=timezone.now() - delta)


def test_provider_confirms_with_one_click_and_history_keeps_it(
    client, provider_a, org_a, coordinator_dresden
):
    service = _published(coordinator_dresden, org_a)
    _age(service)
    client.force_login(provider_a)
    response = client.post(
        reverse("registry:confirm", args=[service.pk]), {"next": reverse("registry:mine")}
    )
    assert response.status_code == 302 and response["Location"] == reverse("registry:mine")
    service.refresh_from_db()
    assert service.confirmed_at is not None
    assert timezone.now() - service.checked_at < timedelta(minutes=1)
    record = service.history.order_by("-history_id").first()
    assert record.history_change_reason == "Als aktuell bestätigt"
    assert record.history_user == provider_a
    assert service.version == 1  # content unchanged: a pending change stays valid


def test_confirm_is_refused_for_others_unpublished_and_get(
    client, provider_a, provider_b, org_a, coordinator_dresden
):
    service = _published(coordinator_dresden, org_a)
    client.force_login(provider_b)
    assert client.post(reverse("registry:confirm", args=[service.pk])).status_code == 404
    client.force_login(provider_a)
    assert client.get(reverse("registry:confirm", args=[service.pk])).status_code == 405
    draft, _change = workflow.save_service(provider_a, None, payload(org_a, name="Neu"))
    response = client.post(reverse("registry:confirm", args=[draft.pk]), follow=True)
    assert "Nur veröffentlichte Angebote" in response.content.decode()
    draft.refresh_from_db()
    assert draft.confirmed_at is None
    # A hostile 'next' is not followed.
    response = client.post(
        reverse("registry:confirm", args=[service.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("registry:edit", args=[service.pk])


def test_stale_list_per_kreis_for_coordinators(
    client, provider_a, org_a, coordinator_dresden, coordinator_leipzig
):
    dresden = _published(coordinator_dresden, org_a, name="Alt in Dresden")
    fresh = _published(coordinator_dresden, org_a, name="Frisch in Dresden")
    leipzig = _published(
        coordinator_leipzig,
        org_a,
        name="Alt in Leipzig",
        locations=[site(LEIPZIG_POINT, "Markt 1", "04109", "Leipzig")],
    )
    _age(dresden), _age(leipzig)
    client.force_login(coordinator_dresden)
    text = client.get(reverse("registry:stale")).content.decode()
    assert "Alt in Dresden" in text and "Dresden (14612)" in text
    assert "Frisch in Dresden" not in text and "Alt in Leipzig" not in text
    assert fresh.pk
    client.force_login(provider_a)
    assert client.get(reverse("registry:stale")).status_code == 403


def test_finder_and_hsds_show_the_last_check(client, org_a, coordinator_dresden):
    service = _published(coordinator_dresden, org_a)
    _age(service, timedelta(days=10))
    service.refresh_from_db()
    day = timezone.localdate(service.checked_at)
    text = client.get(reverse("finder:detail", args=[service.pk])).content.decode()
    assert f"Zuletzt geprüft am {day:%d.%m.%Y}" in text
    data = client.get(f"/hsds/services/{object_id('service', service)}").json()
    assert data["assured_date"] == day.isoformat()
