"""The workflow functions: direct apply, review, conflicts, restore, delete, permissions on proposals."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from integrationsatlas.registry import workflow
from integrationsatlas.registry.diff import diff_snapshots
from integrationsatlas.registry.models import ChangeRequest, Service

from .conftest import DRESDEN_POINTS, LEIPZIG_POINT, payload, schedule, site


def test_provider_submission_waits_for_review(provider_a, org_a, coordinator_dresden):
    service, change = workflow.save_service(provider_a, None, payload(org_a), reason="neu")
    assert change is not None and change.state == ChangeRequest.State.SUBMITTED
    assert not service.is_published
    assert not Service.public.filter(pk=service.pk).exists()
    assert service.service_at_locations.get().location.gemeinde_id == "14612000"
    published = workflow.approve(coordinator_dresden, change, "passt")
    assert published.is_published and Service.public.filter(pk=service.pk).exists()
    change.refresh_from_db()
    assert change.state == ChangeRequest.State.APPROVED
    reasons = list(
        service.history.order_by("history_id").values_list("history_change_reason", flat=True)
    )
    assert reasons == ["neu", "Freigegeben: neu"]


def test_snapshot_round_trip_is_stable(coordinator_dresden, org_a):
    data = payload(
        org_a,
        locations=[
            site(DRESDEN_POINTS[0], schedules=[schedule(1), schedule(3, "13:00", "16:30")]),
            site(DRESDEN_POINTS[1], address="Wiener Platz 4"),
        ],
        remote_schedules=[schedule(2, "10:00", "11:00")],
        by_phone=True,
        service_area=["14612"],
    )
    service, change = workflow.save_service(coordinator_dresden, None, data)
    assert change is None and service.is_published
    snap = workflow.service_snapshot(service)
    assert [len(loc["schedules"]) for loc in snap["locations"]] == [2, 1]
    assert snap["service_area"] == ["14612"]
    before = service.version
    again, _ = workflow.save_service(coordinator_dresden, service, snap)
    assert workflow.service_snapshot(again) == snap
    assert again.version == before + 1
    assert diff_snapshots(snap, workflow.service_snapshot(again)) == []


def test_coordinator_cannot_approve_outside_region(provider_a, org_a, coordinator_leipzig):
    _, change = workflow.save_service(provider_a, None, payload(org_a))
    with pytest.raises(PermissionDenied):
        workflow.approve(coordinator_leipzig, change)


def test_coordinator_move_into_foreign_region_needs_review(coordinator_dresden, org_a):
    service, _ = workflow.save_service(coordinator_dresden, None, payload(org_a))
    moved = workflow.service_snapshot(service)
    moved["locations"] = [site(LEIPZIG_POINT, postal_code="04109", city="Leipzig")]
    _, change = workflow.save_service(coordinator_dresden, service, moved)
    assert change is not None and change.state == ChangeRequest.State.SUBMITTED
    service.refresh_from_db()
    assert service.snapshot["locations"][0]["city"] == "Dresden"


def test_stale_version_is_a_conflict(coordinator_dresden, admin_user, org_a):
    service, _ = workflow.save_service(coordinator_dresden, None, payload(org_a))
    stale = workflow.service_snapshot(service) | {"base_version": service.version}
    workflow.save_service(admin_user, service, stale | {"name": "Neuer Name"})
    with pytest.raises(workflow.ConflictError) as error:
        workflow.save_service(coordinator_dresden, service, stale | {"name": "Anderer Name"})
    assert ("Name (Deutsch)", "Migrationsberatung Altmarkt", "Neuer Name") in error.value.diff
    assert "Version" in error.value.problems[0]


def test_restore_and_delete(coordinator_dresden, org_a):
    service, _ = workflow.save_service(coordinator_dresden, None, payload(org_a), reason="v1")
    first = service.history.order_by("history_id").first()
    changed = workflow.service_snapshot(service) | {"name": "Umbenannt", "locations": []}
    changed["by_phone"] = True
    changed["service_area"] = ["14612"]
    workflow.save_service(coordinator_dresden, service, changed)
    restored = workflow.restore(coordinator_dresden, service, first.history_id)
    assert restored.name == "Migrationsberatung Altmarkt"
    assert restored.service_at_locations.count() == 1
    workflow.delete_service(coordinator_dresden, restored, "doppelt")
    assert not Service.public.filter(pk=service.pk).exists()
    workflow.undelete_service(coordinator_dresden, restored, "doch nicht")
    assert Service.public.filter(pk=service.pk).exists()


def test_provider_cannot_approve_own_change(provider_a, org_a):
    _, change = workflow.save_service(provider_a, None, payload(org_a))
    with pytest.raises(PermissionDenied):
        workflow.approve(provider_a, change)


def test_send_back_needs_a_comment(provider_a, org_a, coordinator_dresden):
    _, change = workflow.save_service(provider_a, None, payload(org_a))
    with pytest.raises(workflow.WorkflowError) as error:
        workflow.send_back(coordinator_dresden, change, "  ")
    assert error.value.problems[0].startswith("review_comment:")


def test_resubmission_updates_the_one_open_change(provider_a, org_a, coordinator_dresden):
    service, _ = workflow.save_service(coordinator_dresden, None, payload(org_a))
    edit = workflow.service_snapshot(service) | {"name": "Erste Fassung"}
    _, first = workflow.save_service(provider_a, service, edit)
    workflow.send_back(coordinator_dresden, first, "Name zu lang")
    _, second = workflow.save_service(provider_a, service, edit | {"name": "Zweite Fassung"})
    assert first.pk == second.pk and second.state == ChangeRequest.State.SUBMITTED
    service.refresh_from_db()
    assert service.name == "Migrationsberatung Altmarkt"  # public keeps the approved state
    workflow.approve(coordinator_dresden, second)
    service.refresh_from_db()
    assert service.name == "Zweite Fassung"


def test_provider_cannot_delete_published_service(provider_a, org_a, coordinator_dresden):
    service, _ = workflow.save_service(coordinator_dresden, None, payload(org_a))
    with pytest.raises(PermissionDenied):
        workflow.delete_service(provider_a, service, "weg")


def test_payload_cannot_touch_another_providers_site(provider_a, org_a, org_b, admin_user):
    other, _ = workflow.save_service(admin_user, None, payload(org_b, name="B"))
    foreign = other.service_at_locations.get().location
    data = payload(org_a)
    data["locations"][0] |= {"id": foreign.pk, "address": "Gekapert 1"}
    service, _ = workflow.save_service(provider_a, None, data)
    foreign.refresh_from_db()
    assert foreign.address == "Altmarkt 1"
    assert service.service_at_locations.get().location.pk != foreign.pk


def test_provider_cannot_move_service_to_foreign_organization(provider_a, org_a, org_b):
    service, _ = workflow.save_service(provider_a, None, payload(org_a))
    with pytest.raises(PermissionDenied):
        workflow.save_service(
            provider_a, service, workflow.service_snapshot(service), organization=org_b
        )


def test_iso_639_3_codes_we_need_are_accepted(org_a):
    data = payload(org_a, languages=["prs", "ckb", "kmr", "ti", "uk", "fa"])
    assert workflow.validate_snapshot(data) == []


def test_every_history_row_names_user_and_reason(coordinator_dresden, org_a):
    from integrationsatlas.registry.models import Location, Schedule

    service, _ = workflow.save_service(coordinator_dresden, None, payload(org_a), reason="neu")
    snap = workflow.service_snapshot(service) | {"locations": [], "by_phone": True}
    snap["service_area"] = ["14612"]
    workflow.save_service(coordinator_dresden, service, snap, reason="nur noch Telefon")
    for model in (Service, Location, Schedule):
        rows = model.history.all()
        assert rows.exists()
        assert all(row.history_user_id == coordinator_dresden.pk for row in rows), model
        assert all(row.history_change_reason for row in rows), model
    deleted = Schedule.history.filter(history_type="-").get()
    assert deleted.history_change_reason == "nur noch Telefon"


def test_approving_a_new_service_publishes_its_sites_without_recreating_them(
    provider_a, org_a, coordinator_dresden
):
    from integrationsatlas.registry.models import Location

    data = payload(org_a, locations=[site(DRESDEN_POINTS[0]), site(DRESDEN_POINTS[1])])
    service, change = workflow.save_service(provider_a, None, data, reason="neu")
    before = sorted(service.service_at_locations.values_list("location_id", flat=True))
    assert len(before) == 2
    workflow.approve(coordinator_dresden, change, "passt")
    after = sorted(service.service_at_locations.values_list("location_id", flat=True))
    assert after == before
    assert Location.objects.filter(organization=org_a).count() == 2
    # One history row per site: created once, never deleted and made again.
    assert Location.history.filter(id__in=before).count() == 2


@pytest.mark.django_db
def test_snapshot_from_prefetched_rows_equals_the_queried_one(django_assert_max_num_queries):
    from integrationsatlas.registry.demo import load_demo

    load_demo(seed=3, target=40)
    queried = [workflow.service_snapshot(s) for s in Service.objects.order_by("pk")]
    with django_assert_max_num_queries(10):
        services = list(workflow.with_snapshot_rows(Service.objects.order_by("pk")))
        prefetched = [workflow.service_snapshot(s) for s in services]
    assert prefetched == queried
    assert any(s["locations"] and s["locations"][0]["schedules"] for s in queried)
    assert any(s["fundings"] for s in queried)
