"""Fixtures for planning tests: a small standard set, a stored assessment, services and users."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from integrationsatlas.assessments.models import Assessment, AssessmentRow
from integrationsatlas.assessments.run import run_assessment
from integrationsatlas.regions.models import IndicatorValue, Region
from integrationsatlas.registry.demo import load_demo
from integrationsatlas.registry.models import (
    Funding,
    Location,
    Membership,
    Organization,
    Service,
    ServiceAtLocation,
)
from integrationsatlas.standards.models import Rule, StandardSet
from integrationsatlas.standards.sets import import_document
from integrationsatlas.taxonomy.models import OfferType
from tests.factories import make_user

TODAY = dt.date(2025, 6, 1)


def make_row(assessment, region, rule, supply, demand):
    """A row as the engine would store it for a ratio rule (per 1,000 of demand)."""
    value = supply / demand * 1000
    ratio = value / rule.target
    status = "met" if ratio >= 1 else "partial" if ratio >= 0.5 else "gap"
    deficit = max(0.0, rule.target * demand / 1000 - supply)
    cost = deficit * float(rule.unit_cost)
    return AssessmentRow(
        assessment=assessment,
        region=region,
        rule=rule,
        rule_code=rule.code,
        offer_type_code=rule.offer_type.code,
        kind=rule.kind,
        responsible_level=rule.responsible_level,
        value=value,
        target=rule.target,
        ratio=ratio,
        status=status,
        demand=demand,
        supply=supply,
        deficit=deficit,
        unit=rule.offer_type.unit,
        cost_total=cost,
        cost_land=cost * rule.financing.get("land", 0),
        cost_kreis=cost * rule.financing.get("kreis", 0),
        cost_gemeinde=cost * rule.financing.get("gemeinde", 0),
        cost_bund=cost * rule.financing.get("bund", 0),
        explanation=f"Testzeile: {supply} Einheiten für {demand} Personen Bedarf.",
    )


@pytest.fixture
def standard_set(db):
    sset = StandardSet.objects.create(slug="test-set", name="Teststandard", version="1")
    Rule.objects.create(
        standard_set=sset,
        code="mbe-ratio",
        title="MBE je 1.000 Ausländer",
        offer_type=OfferType.objects.get(code="mbe"),
        kind="ratio",
        level="kreis",
        target=0.5,
        demand_indicator="foreign_population",
        responsible_level="land",
        financing={"bund": 0.5, "land": 0.5},
        unit_cost="80000",
        sources={"target": "illustrative example, not an official standard"},
    )
    Rule.objects.create(
        standard_set=sset,
        code="kita-ratio",
        title="Kita-Plätze",
        position=1,
        offer_type=OfferType.objects.get(code="kita"),
        kind="ratio",
        level="gemeinde",
        target=300,
        demand_indicator="children_under_6",
        responsible_level="gemeinde",
        financing={"gemeinde": 0.6, "land": 0.4},
        unit_cost="12000",
        sources={"target": "illustrative example, not an official standard"},
    )
    return sset


@pytest.fixture
def assessment(standard_set):
    """Kreis rows for the MBE rule (supply varies by Kreis) and Gemeinde rows for Bautzen's Kita rule."""
    run = Assessment.objects.create(
        standard_set=standard_set,
        standard_set_version="1",
        level="kreis",
        reference_date=dt.date(2025, 1, 1),
        label="Testbewertung",
        includes_demo_data=True,
        data_reference={"foreign_population": "Test 2024-12-31"},
    )
    mbe = standard_set.rules.get(code="mbe-ratio")
    kita = standard_set.rules.get(code="kita-ratio")
    rows = []
    for i, kreis in enumerate(Region.objects.filter(level="kreis").order_by("ags")):
        rows.append(make_row(run, kreis, mbe, supply=2.0 + i, demand=10000.0))
    for j, gemeinde in enumerate(Region.objects.filter(level="gemeinde", parent_id="14625")):
        rows.append(make_row(run, gemeinde, kita, supply=50.0 + 10 * (j % 5), demand=200.0))
    AssessmentRow.objects.bulk_create(rows)
    return run


@pytest.fixture
def bautzen_services(db):
    org = Organization.objects.create(name="Demo-Träger Bautzen", is_demo=True)
    location = Location.objects.create(
        address="Hauptmarkt 1",
        postal_code="02625",
        city="Bautzen",
        longitude=14.4244,
        latitude=51.1814,
        is_demo=True,
    )
    assert location.gemeinde_id and location.gemeinde_id.startswith("14625")
    services = []
    for k, end in enumerate([dt.date(2025, 12, 31), dt.date(2027, 6, 30), None]):
        service = Service.objects.create(
            organization=org,
            offer_type=OfferType.objects.get(code="mbe"),
            name=f"Demo-Migrationsberatung {k}",
            capacity=1.5,
            is_demo=True,
            is_published=True,
        )
        ServiceAtLocation.objects.create(service=service, location=location)
        Funding.objects.create(service=service, funder_level="bund", programme="MBE", end=end)
        services.append(service)
    IndicatorValue.objects.create(
        region_id="14625",
        code="children_under_6",
        reference_date=dt.date(2024, 12, 31),
        value=15000,
        source="Demo: Testwert",
        is_demo=True,
    )
    return services


def _user(name, role=None, superuser=False):
    return make_user(name, role, password="x", superuser=superuser)


@pytest.fixture
def planner(db):
    return _user("planerin", Membership.Role.PLANNER)


@pytest.fixture
def admin_user(db):
    return _user("admin", superuser=True)


@pytest.fixture
def provider(db):
    org = Organization.objects.create(name="Träger")
    return make_user("traeger", Membership.Role.PROVIDER, password="x", organization=org)


EXAMPLE_SET = (
    Path(__file__).resolve().parents[2]
    / "integrationsatlas/standards/data/beispielstandard-sachsen-2030.yaml"
)
PIPELINE_DATE = dt.date(2025, 6, 1)


@pytest.fixture
def pipeline(db):
    """The real pipeline on a small demo registry: load_demo, the example set, a Kreis run."""
    load_demo(seed=2025, target=300)
    standard_set, _ = import_document(yaml.safe_load(EXAMPLE_SET.read_text(encoding="utf-8")))
    return run_assessment(standard_set, "kreis", PIPELINE_DATE, label="Demo-Bewertung")
