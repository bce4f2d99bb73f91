"""Complete history: the state a service was loaded or imported with is its first version,
shown as such and restorable like any other."""

import re

import pytest
from django.urls import reverse

from integrationsatlas.interchange.importer import import_file
from integrationsatlas.registry import workflow
from integrationsatlas.registry.demo import load_demo
from integrationsatlas.registry.models import Service
from tests.interchange.conftest import make_csv, service_row

pytestmark = pytest.mark.django_db


def _loaded(source: str) -> Service:
    if source == "demo":
        load_demo(seed=4, target=20)
        return Service.objects.filter(is_demo=True, service_at_locations__isnull=False).first()
    assert not import_file(make_csv([service_row(1)]), "a.csv", "csv").problems
    return Service.objects.get(external_id="test-svc-1")


@pytest.mark.parametrize("source", ["demo", "import"])
def test_the_loaded_state_is_a_complete_first_version(source):
    service = _loaded(source)
    first = service.history.order_by("history_id").first()
    current = workflow.service_snapshot(
        workflow.with_snapshot_rows(Service.objects).get(pk=service.pk)
    )
    assert first.snapshot == current
    assert service.snapshot == current


@pytest.mark.parametrize("source", ["demo", "import"])
def test_the_first_version_can_be_restored_after_changes(source, admin_user):
    service = _loaded(source)
    loaded = workflow.service_snapshot(service)
    first = service.history.order_by("history_id").first()
    changed = loaded | {"name": "Umbenannt", "locations": [], "by_phone": True}
    changed["service_area"] = ["14612"]
    workflow.save_service(admin_user, service, changed, reason="Test")
    assert Service.objects.get(pk=service.pk).name == "Umbenannt"

    workflow.restore(admin_user, Service.objects.get(pk=service.pk), first.history_id)
    restored = workflow.service_snapshot(Service.objects.get(pk=service.pk))
    for field in ("name", "by_phone", "service_area", "fundings", "remote_schedules"):
        assert restored[field] == loaded[field], field
    assert [{k: v for k, v in row.items() if k != "id"} for row in restored["locations"]] == [
        {k: v for k, v in row.items() if k != "id"} for row in loaded["locations"]
    ]


def test_the_history_page_shows_the_first_version_as_such(client, admin_user):
    service = _loaded("import")
    first = service.history.order_by("history_id").first()
    workflow.save_service(
        admin_user, service, workflow.service_snapshot(service) | {"name": "Umbenannt"}
    )
    client.force_login(admin_user)
    page = client.get(reverse("registry:history", args=[service.pk])).content.decode()
    sections = re.findall(r'<section class="history-entry".*?</section>', page, re.S)
    newest, oldest = sections[0], sections[-1]
    assert "Was sich geändert hat" in newest and "Umbenannt" in newest
    assert "Erste Fassung: so wurde das Angebot angelegt oder importiert" in oldest
    assert "Beratung 1" in oldest and "Altmarkt 1" in oldest
    assert "bisher" not in oldest  # not a change from nothing
    assert reverse("registry:restore", args=[service.pk, first.history_id]) in oldest
