"""Every bad-input case of a service snapshot is refused with a message naming the field."""

from __future__ import annotations

import copy

import pytest

from integrationsatlas.registry import workflow
from integrationsatlas.registry.models import Service

from .conftest import payload, schedule, site

PRAGUE = (14.4378, 50.0755)


def _set(data: dict, path: tuple, value) -> dict:
    data = copy.deepcopy(data)
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


CASES = [
    ("unknown offer type", ("offer_type",), "gibt_es_nicht", "offer_type: Unbekannte Angebotsart"),
    ("missing name", ("name",), "  ", "name: Bitte einen Namen"),
    ("longitude not a number", ("locations", 0, "longitude"), "abc", "locations[0].longitude:"),
    ("latitude out of range", ("locations", 0, "latitude"), 123.0, "locations[0].latitude:"),
    ("latitude is a boolean", ("locations", 0, "latitude"), True, "locations[0].latitude:"),
    ("outside the Land", ("locations", 0), site(PRAGUE), "außerhalb von Sachsen"),
    ("bad postal code", ("locations", 0, "postal_code"), "1067", "locations[0].postal_code:"),
    ("unknown language", ("languages",), ["de", "xx"], "languages: Unbekannter Sprachcode „xx“"),
    ("language not a code", ("languages",), ["Arabisch"], "languages: Unbekannter Sprachcode"),
    (
        "malformed time",
        ("locations", 0, "schedules"),
        [schedule(opens="9 Uhr")],
        "locations[0].schedules[0].opens_at: „9 Uhr“ ist keine gültige Uhrzeit",
    ),
    (
        "hour 25",
        ("locations", 0, "schedules"),
        [schedule(closes="25:00")],
        "locations[0].schedules[0].closes_at:",
    ),
    (
        "closes before opens",
        ("locations", 0, "schedules"),
        [schedule(opens="14:00", closes="09:00")],
        "locations[0].schedules[0].closes_at: Das Ende muss nach dem Beginn liegen",
    ),
    (
        "weekday 8",
        ("locations", 0, "schedules"),
        [schedule(weekday=8)],
        "locations[0].schedules[0].weekday:",
    ),
    (
        "schedule validity ends before it starts",
        ("locations", 0, "schedules"),
        [schedule(valid_from="2026-05-01", valid_to="2026-04-01")],
        "locations[0].schedules[0].valid_to: Das Ende liegt vor dem Beginn",
    ),
    (
        "funding ends before it starts",
        ("fundings", 0, "end"),
        "2024-01-01",
        "fundings[0].end: Das Ende liegt vor dem Beginn",
    ),
    ("malformed funding date", ("fundings", 0, "start"), "01.01.2025", "fundings[0].start:"),
    ("unknown funder level", ("fundings", 0, "funder_level"), "mafia", "fundings[0].funder_level:"),
    ("share above one", ("fundings", 0, "share"), 1.5, "fundings[0].share:"),
    ("negative capacity", ("capacity",), -3, "capacity:"),
    ("unknown target group", ("target_groups",), ["aliens"], "target_groups:"),
    ("unknown region", ("service_area",), ["99999"], "service_area: Unbekannter Regionalschlüssel"),
    ("bad e-mail", ("email",), "nicht-mail", "email:"),
    ("bad website", ("website",), "javascript:alert(1)", "website:"),
    ("unknown status", ("status",), "forever", "status:"),
    ("no site and not remote", ("locations",), [], "locations: Bitte mindestens einen Standort"),
    (
        "special day with closing before opening",
        ("locations", 0, "exceptions"),
        [{"date": "2026-12-24", "closed": False, "opens_at": "12:00", "closes_at": "10:00"}],
        "locations[0].exceptions[0].closes_at:",
    ),
]


@pytest.mark.parametrize(("case", "path", "value", "expected"), CASES, ids=[c[0] for c in CASES])
def test_each_problem_names_its_field(org_a, case, path, value, expected):
    problems = workflow.validate_snapshot(_set(payload(org_a), path, value))
    assert any(expected in problem for problem in problems), problems


def test_valid_payload_has_no_problems(org_a):
    assert workflow.validate_snapshot(payload(org_a)) == []


def test_remote_only_needs_a_service_area(org_a):
    data = payload(org_a, locations=[], by_phone=True)
    assert any(p.startswith("service_area:") for p in workflow.validate_snapshot(data))
    assert workflow.validate_snapshot(data | {"service_area": ["14612"]}) == []


def test_not_a_dict_is_refused():
    assert workflow.validate_snapshot(["x"]) == ["service: muss ein Objekt sein."]


def test_invalid_save_changes_nothing(coordinator_dresden, org_a):
    service, _ = workflow.save_service(coordinator_dresden, None, payload(org_a))
    before = workflow.service_snapshot(service)
    history = service.history.count()
    broken = before | {"name": "Neu", "languages": ["zz"]}
    with pytest.raises(workflow.WorkflowError) as error:
        workflow.save_service(coordinator_dresden, service, broken)
    assert error.value.problems == [
        "languages: Unbekannter Sprachcode „zz“ (ISO 639 erwartet, z. B. ar, uk, prs)."
    ]
    service = Service.objects.get(pk=service.pk)
    assert workflow.service_snapshot(service) == before
    assert service.history.count() == history
