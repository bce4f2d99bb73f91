"""The workflow, the import's direct writer and its bulk writer turn one snapshot into the same
live rows and the same history (registry/applying.py is the one writer behind all three)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction

from integrationsatlas.interchange.bulk import NewService, create_services
from integrationsatlas.interchange.writer import apply_payload
from integrationsatlas.registry import workflow
from integrationsatlas.registry.history import REASON_LENGTH
from integrationsatlas.registry.models import (
    Funding,
    Location,
    Schedule,
    ScheduleException,
    Service,
    ServiceAtLocation,
)

from .conftest import DRESDEN_POINTS, payload, schedule, site

# Longer than the history's reason column: every path must fit it the same way.
REASON = "Import #7: " + "angebote-landkreis-meissen-2026-mit-allen-standorten-" * 3
MODELS = (Service, Location, ServiceAtLocation, Schedule, ScheduleException, Funding)
# Values that differ between two runs by nature, not by what was written.
VOLATILE = {"id", "history_id", "history_date", "created_at", "updated_at", "confirmed_at"}


def _rich_payload(org) -> dict[str, Any]:
    """A snapshot with everything a service can carry, rows in no particular order."""
    first = site(
        DRESDEN_POINTS[0],
        schedules=[schedule(3, "13:00", "16:00"), schedule(1, "09:00", "12:00", note="Termin")],
    )
    first["external_id"] = "site-altmarkt"
    first["name"] = "Beratungsstelle Altmarkt"
    first["wheelchair_accessible"] = True
    first["exceptions"] = [
        # A closed day given with times: none of the paths may keep them.
        {"date": "2026-12-24", "closed": True, "opens_at": "09:00", "closes_at": "10:00"},
        {"date": "2026-12-31", "closed": False, "opens_at": "09:00", "closes_at": "11:00"},
    ]
    second = site(DRESDEN_POINTS[1], address="Wiener Platz 4", schedules=[schedule(5)])
    second["external_id"] = "site-hauptbahnhof"
    second["placement"] = "map"
    return payload(
        org,
        external_id="svc-altmarkt",
        translations={"en": {"name": "Migration counselling"}},
        capacity=40,
        by_phone=True,
        phone="0351 1234567",
        service_area=["14612"],
        locations=[first, second],
        remote_schedules=[schedule(2, "10:00", "12:00")],
        remote_exceptions=[{"date": "2026-10-03", "closed": True}],
        fundings=[
            {"funder_level": "land", "programme": "WIR", "amount_per_year": "12500.50"},
            {
                "funder_level": "bund",
                "programme": "MBE",
                "amount_per_year": 30000,
                "share": 0.5,
                "start": "2025-01-01",
                "end": "2027-12-31",
            },
        ],
    )


def _labels() -> dict[str, dict[int, str]]:
    """Run-independent names for services and sites (their external ids) and site links
    (service@site), per id column; taken from the history, so deleted rows are named too."""
    services = {record.id: record.external_id for record in Service.history.all()}
    sites = {record.id: record.external_id for record in Location.history.all()}
    links = {
        record.id: f"{services[record.service_id]}@{sites[record.location_id]}"
        for record in ServiceAtLocation.history.all()
    }
    return {"service_id": services, "location_id": sites, "service_at_location_id": links}


def _values(row, labels: dict[str, dict[int, str]], fields) -> tuple:
    values = []
    for field in fields:
        if field.attname in VOLATILE:
            continue
        value = getattr(row, field.attname)
        if field.attname in labels and value is not None:
            value = labels[field.attname][value]
        elif field.attname == "snapshot":
            value = copy.deepcopy(value)
            for location in value.get("locations") or []:
                location["id"] = labels["location_id"][location["id"]]
        values.append((field.attname, repr(value)))
    return tuple(values)


def _state() -> dict[str, Any]:
    """Every live row and history row the writers touch, without ids and times."""
    labels = _labels()
    state: dict[str, Any] = {}
    for model in MODELS:
        state[model.__name__] = sorted(
            _values(row, labels, model._meta.concrete_fields) for row in model.objects.all()
        )
        history = model.history.model  # type: ignore[attr-defined]
        state[f"{model.__name__} history"] = sorted(
            (row.history_type, row.history_change_reason, row.history_user_id)
            + _values(row, labels, history.tracked_fields)
            for row in history.objects.all()
        )
    state["service area"] = sorted(
        (labels["service_id"][service_id], region)
        for service_id, region in Service.service_area.through.objects.values_list(
            "service_id", "region_id"
        )
    )
    area_history = Service.history.model.service_area.model  # type: ignore[attr-defined]
    state["service area history"] = sorted(
        area_history.objects.values_list("history__history_type", "region_id")
    )
    return state


def _written_by(write: Callable[[], Service]) -> tuple[dict[str, Any], str]:
    """The state `write` leaves, and its first history reason; then the write is undone."""
    with transaction.atomic():
        service = write()
        state = _state()
        reason = Service.history.filter(id=service.pk).latest("history_id").history_change_reason
        transaction.set_rollback(True)
    return state, reason


@pytest.mark.django_db
def test_a_new_service_is_written_alike_by_workflow_import_and_bulk_import(org_a, admin_user):
    data = _rich_payload(org_a)
    by_workflow, reason = _written_by(
        lambda: workflow.save_service(admin_user, None, copy.deepcopy(data), reason=REASON)[0]
    )
    by_import, _ = _written_by(
        lambda: apply_payload(copy.deepcopy(data), org_a, admin_user, REASON)
    )
    by_bulk, _ = _written_by(
        lambda: create_services([NewService(copy.deepcopy(data), org_a)], admin_user, REASON)[0]
    )
    assert by_import == by_workflow
    assert by_bulk == by_workflow
    assert len(reason) == REASON_LENGTH and reason.endswith("…")
    # The closed days keep no opening times.
    closed = [row for row in by_workflow["ScheduleException"] if ("closed", "True") in row]
    assert len(closed) == 2 and all(("opens_at", "None") in row for row in closed)


@pytest.mark.django_db
def test_a_changed_service_is_written_alike_by_workflow_and_import(org_a, admin_user):
    service, _ = workflow.save_service(admin_user, None, _rich_payload(org_a), reason="neu")
    changed = workflow.service_snapshot(service)
    changed["name"] = "Migrationsberatung am Altmarkt"
    changed["service_area"] = []
    first, second = changed["locations"]
    first["schedules"] = [schedule(4, "08:00", "10:00")]
    first["transit_notes"] = "Straßenbahn 1, 2, 4"
    new_site = site((13.7470, 51.0510), address="Pirnaischer Platz 1")
    new_site["external_id"] = "site-pirnaischer-platz"
    changed["locations"] = [first, new_site]  # the second site goes
    changed["fundings"] = changed["fundings"][:1]
    for row in changed["locations"]:
        row["id"] = None  # as files name sites: by external id only

    by_workflow, _ = _written_by(
        lambda: workflow.save_service(
            admin_user, Service.objects.get(pk=service.pk), copy.deepcopy(changed), reason=REASON
        )[0]
    )
    by_import, _ = _written_by(
        lambda: apply_payload(
            copy.deepcopy(changed), org_a, admin_user, REASON, Service.objects.get(pk=service.pk)
        )
    )
    assert by_import == by_workflow
    # The unchanged second site's link, hours and the site itself went with it; the first
    # site kept its row (one change, no delete).
    sites = [
        row for row in by_workflow["Location history"] if ("external_id", "'site-altmarkt'") in row
    ]
    assert [row[0] for row in sites] == ["+", "~"]
    assert ("-", "site-hauptbahnhof") in {
        (row[0], dict(row[3:])["external_id"].strip("'")) for row in by_workflow["Location history"]
    }
