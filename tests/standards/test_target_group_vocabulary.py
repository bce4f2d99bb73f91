"""Issue 17: the finder's target-group filter and the rules of a standard set share one vocabulary
and one rule of who a service serves (taxonomy/target_groups.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from integrationsatlas.assessments.run import run_assessment
from integrationsatlas.finder import places, search
from integrationsatlas.registry.models import Service
from integrationsatlas.standards.sets import import_document
from integrationsatlas.taxonomy.models import OfferType, TargetGroup
from integrationsatlas.taxonomy.target_groups import VIEW_GROUPS, serves

from .test_assess import DRESDEN, make_service
from .test_target_group_rules import with_eu_rule

pytestmark = pytest.mark.django_db

#: Groups a service names -> (serves EU citizens, serves refugees, serves children).
CASES = [
    ([], (True, True, True)),  # no group named: everyone
    (["all"], (True, True, True)),
    (["adults"], (True, True, False)),  # adults of every origin
    (["refugees"], (False, True, True)),  # refugees of every age
    (["eu_citizens", "youth"], (True, False, False)),
    (["women", "families"], (True, True, False)),
]


@pytest.mark.parametrize(("groups", "expected"), CASES)
def test_who_a_service_serves(groups, expected):
    asked = ("eu_citizens", "refugees", "children")
    assert tuple(serves(groups, g) for g in asked) == expected
    assert serves(groups, "")  # no group asked: anyone


def test_every_planning_group_is_a_finder_choice():
    assert set(VIEW_GROUPS) <= set(TargetGroup.values)
    from integrationsatlas.finder.forms import SearchForm

    choices = dict(SearchForm().fields["gruppe"].choices)
    assert all(g in choices for g in VIEW_GROUPS)
    assert str(choices["third_country"]) == "Drittstaatsangehörige"


def test_finder_filter_and_eu_rule_count_the_same_services():
    standard_set = import_document(with_eu_rule())[0]
    capacities = [1.0, 2.0, 4.0, 8.0, 16.0, 32.0]  # distinct bits: the sum says which counted
    made = []
    for (groups, _expected), capacity in zip(CASES, capacities, strict=True):
        service = make_service("mbe", DRESDEN, capacity=capacity)
        name = f"MBE {capacity:g}"
        Service.objects.filter(pk=service.pk).update(target_groups=groups, name=name)
        made.append((name, capacity, serves(groups, "eu_citizens")))
    run = run_assessment(standard_set, "kreis", dt.date(2026, 6, 30))
    supply = run.rows.get(region_id="14612").supply
    counted = {name for name, capacity, _ok in made if int(supply) & int(capacity)}
    expected = {name for name, _capacity, ok in made if ok}
    assert counted == expected == {"MBE 1", "MBE 2", "MBE 4", "MBE 16", "MBE 32"}
    search.clear_cache()
    dresden = places.resolve("Dresden").place
    found = search.search(
        OfferType.objects.get(code="mbe"),
        dresden,
        25,
        search.Filters(target_group="eu_citizens"),
    )
    assert {h.entry.name for h in found.hits} == expected
