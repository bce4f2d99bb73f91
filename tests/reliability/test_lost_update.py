"""No lost update: two people edit the same service at once; the second save is refused with a diff.

Runs on SQLite and on PostgreSQL (the workflow locks the service row with SELECT ... FOR
UPDATE and compares the version the form was loaded with).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from integrationsatlas.registry import workflow
from integrationsatlas.registry.models import ChangeRequest

from .htmlforms import read_form, with_values

pytestmark = pytest.mark.django_db


def _load(client, service):
    page = client.get(reverse("registry:edit", args=[service.pk]))
    assert page.status_code == 200
    fields, _ = read_form(page.content.decode(), "service-form")
    return fields


def test_edit_form_carries_the_version(world):
    fields = _load(world.client("coordinator_x"), world.service)
    assert fields["base_version"] == [str(world.service.version)]


@pytest.mark.parametrize("second", ["state_admin", "provider_a"])
def test_second_save_is_refused_with_message_and_diff(world, second):
    first_client, second_client = world.client("coordinator_x"), world.client(second)
    url = reverse("registry:edit", args=[world.service.pk])
    first_form, second_form = (
        _load(first_client, world.service),
        _load(second_client, world.service),
    )
    version = world.service.version

    saved = first_client.post(url, with_values(first_form, name="Fassung Xaver"))
    assert saved.status_code == 302
    assert world.refresh().version == version + 1

    refused = second_client.post(
        url, with_values(second_form, name="Fassung Zwei", description="Ganz neu")
    )
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "wurde inzwischen geändert" in text
    assert f"Version {version}" in text and f"Version {version + 1}" in text
    # The diff shows what the first person changed, so the second can redo their edit.
    assert "Was andere inzwischen geändert haben" in text
    assert "Fassung Xaver" in text and "Migrationsberatung Pirna" in text
    # The typed values are kept on the page, nothing of them was stored.
    assert "Fassung Zwei" in text
    service = world.refresh()
    assert service.name == "Fassung Xaver" and service.description == "Beratung für Erwachsene"
    assert service.version == version + 1
    assert not ChangeRequest.objects.filter(service=service, payload__name="Fassung Zwei").exists()

    # Reloading gives the current version; then the save goes through.
    fresh = _load(second_client, world.service)
    assert fresh["base_version"] == [str(version + 1)]
    retried = second_client.post(url, with_values(fresh, name="Fassung Zwei"))
    assert retried.status_code == 302


def test_approving_a_stale_change_is_refused(world):
    """A provider's change based on version 1 cannot overwrite a later coordinator edit."""
    coordinator = world.users["coordinator_x"]
    form = _load(world.client("provider_a"), world.service)
    world.client("provider_a").post(
        reverse("registry:edit", args=[world.service.pk]), with_values(form, name="Vorschlag")
    )
    change = workflow.open_change(world.refresh())
    assert change is not None and change.state == ChangeRequest.State.SUBMITTED
    fresh = _load(world.client("coordinator_x"), world.service)
    world.client("coordinator_x").post(
        reverse("registry:edit", args=[world.service.pk]), with_values(fresh, phone="0351 9")
    )
    service = world.refresh()
    assert service.phone == "0351 9"
    with pytest.raises(workflow.ConflictError):
        workflow.approve(coordinator, change)
    service = world.refresh()
    assert service.phone == "0351 9" and service.name == "Migrationsberatung Pirna"
