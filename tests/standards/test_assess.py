"""assess on a small fixture registry: 13 rows per rule at Kreis level, no data, demo label, compare."""

import csv
import datetime as dt
import io
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from integrationsatlas.assessments import provenance
from integrationsatlas.assessments.compare import compare_assessments
from integrationsatlas.assessments.models import Assessment
from integrationsatlas.assessments.run import COLUMNS
from integrationsatlas.regions.models import IndicatorValue, Region
from integrationsatlas.registry.models import (
    Funding,
    Location,
    Organization,
    Schedule,
    Service,
    ServiceAtLocation,
)
from integrationsatlas.standards import document as doc_module
from integrationsatlas.standards.sets import import_document
from integrationsatlas.taxonomy.models import OfferType

EXAMPLE = doc_module.SCHEMA_FILE.parent.parent / "data" / "beispielstandard-sachsen-2030.yaml"
SLUG = "beispielstandard-sachsen-2030"
DATE = "2026-06-30"
# Dresden city centre and Leipzig city centre (WGS84).
DRESDEN = (13.7373, 51.0504)
LEIPZIG = (12.3731, 51.3397)

pytestmark = pytest.mark.django_db


def make_service(code, where, capacity=1.0, hours=((1, 9, 17),), end=None, languages=("de",)):
    org = Organization.objects.get_or_create(name="Testträger")[0]
    service = Service.objects.create(
        organization=org,
        offer_type=OfferType.objects.get(code=code),
        name=f"{code} Test",
        capacity=capacity,
        languages=list(languages),
        is_published=True,
    )
    location = Location.objects.create(
        address="Teststraße 1",
        postal_code="01067",
        city="Test",
        longitude=where[0],
        latitude=where[1],
    )
    sal = ServiceAtLocation.objects.create(service=service, location=location)
    for weekday, opens, closes in hours:
        Schedule.objects.create(
            service_at_location=sal,
            weekday=weekday,
            opens_at=dt.time(opens),
            closes_at=dt.time(closes),
        )
    Funding.objects.create(service=service, funder_level="bund", share=1.0, end=end)
    return service


@pytest.fixture
def standard_set():
    return import_document(doc_module.read_file(EXAMPLE))[0]


def assess_csv(*extra) -> list[dict]:
    out = StringIO()
    args = ["--standard-set", SLUG, "--level", "kreis", "--date", DATE, "--format", "csv"]
    call_command("assess", *args, *extra, stdout=out, stderr=StringIO())
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def test_kreis_level_gives_13_rows_per_rule_with_every_column(standard_set):
    make_service("mbe", DRESDEN, capacity=30.0, languages=("de", "ar"))
    make_service("jmd", LEIPZIG, capacity=2.0, end=dt.date(2027, 1, 31))
    rows = assess_csv()
    # The engine's columns, then names and labels for people (issue 13).
    assert list(rows[0]) == [*COLUMNS, *provenance.NAME_COLUMNS, *provenance.COLUMNS]
    per_rule = {}
    for row in rows:
        per_rule.setdefault(row["rule"], []).append(row["ags"])
    assert len(per_rule) == 16
    kreise = sorted(Region.objects.filter(level="kreis").values_list("ags", flat=True))
    assert all(sorted(keys) == kreise for keys in per_rule.values())
    dresden = {r["rule"]: r for r in rows if r["ags"] == "14612"}
    # Hand-computed: 30 VZÄ for 74,850 foreign residents = 0.4008 per 1,000 >= 0.3: met.
    mbe = dresden["mbe-beratung"]
    assert mbe["status"] == "met"
    assert float(mbe["value"]) == pytest.approx(30 / 74850 * 1000, abs=1e-4)
    assert mbe["deficit"] == "0.0" and mbe["cost_total"] == "0.0"
    ratio_rows = [r for r in rows if r["kind"] in {"ratio", "presence", "hours"}]
    # Kita: Gemeinde rule; recognition counselling: its demand (foreign_employees) is imported
    # by `make run`, not loaded here (tests/standards/test_group_rules_example.py loads it).
    ratio_rows = [
        r for r in ratio_rows if r["offer_type"] not in {"kita", "recognition_counselling"}
    ]
    for row in ratio_rows:
        assert all(row[c] != "" for c in COLUMNS), row
    # 14 Kreise minus Dresden have no MBE: gap, deficit = 0.3 * D / 1000, cost at the Bund.
    chemnitz = next(r for r in rows if r["ags"] == "14511" and r["rule"] == "mbe-beratung")
    assert chemnitz["status"] == "gap"
    assert float(chemnitz["deficit"]) == pytest.approx(0.3 * 38730 / 1000, abs=1e-3)
    assert float(chemnitz["cost_bund"]) == pytest.approx(0.3 * 38730 / 1000 * 75000, abs=0.01)
    # JMD in Leipzig is funded until 2027-01-31: not secured for 24 months -> gap.
    assert (
        next(r for r in rows if r["ags"] == "14713" and r["rule"] == "jmd-verlaesslichkeit")[
            "status"
        ]
        == "gap"
    )
    assessment = Assessment.objects.get()
    assert assessment.rows.count() == 16 * 13
    assert assessment.standard_set_version == "5"
    assert assessment.data_reference["indicators"]["foreign_population"]["reference_dates"]


def test_missing_demand_is_no_data_never_zero(standard_set):
    # The shipped children per Kreis are Kita's demand; without them it is unknown.
    IndicatorValue.objects.filter(code__startswith="children_").delete()
    rows = assess_csv()
    kita = [r for r in rows if r["rule"] == "kita-plaetze"]
    assert len(kita) == 13
    assert {r["status"] for r in kita} == {"no_data"}
    assert all(r["value"] == "" and r["deficit"] == "" for r in kita)
    assert all("keine Daten" in r["explanation"] or "unbekannt" in r["explanation"] for r in kita)


def test_demo_demand_is_labelled(standard_set):
    for gemeinde in Region.objects.filter(level="gemeinde", ags__startswith="14612"):
        IndicatorValue.objects.create(
            region=gemeinde,
            code="children_under_6",
            reference_date=dt.date(2025, 12, 31),
            value=1000,
            source="Demo: erfundene Zahl",
            is_demo=True,
        )
    make_service("kita", DRESDEN, capacity=500.0)
    rows = assess_csv("--level", "gemeinde")
    dresden = next(r for r in rows if r["rule"] == "kita-plaetze" and r["ags"] == "14612000")
    # Dresden is one Gemeinde: 500 places per 1,000 children = 500 per 1,000; target 800.
    assert float(dresden["value"]) == pytest.approx(500.0)
    assert dresden["status"] == "partial" and dresden["basis"] == "own"
    assert "Demodaten" in dresden["explanation"]
    assert Assessment.objects.get().includes_demo_data
    # Per Kreis the rule is summarised: no inhabitant lives where it is met -> share 0, the
    # summary rests on the same demo figures and says so.
    kreis = next(r for r in assess_csv() if r["rule"] == "kita-plaetze" and r["ags"] == "14612")
    assert kreis["basis"] == "share_population" and float(kreis["value"]) == 0.0
    assert kreis["status"] == "gap" and "Demodaten" in kreis["explanation"]


def test_compare_lists_exactly_the_changed_rows(standard_set):
    assess_csv()
    make_service("mbe", DRESDEN, capacity=30.0)
    assess_csv()
    first, second = Assessment.objects.order_by("pk")
    result = compare_assessments(first, second)
    changed = {(r["ags"], r["rule"]) for r in result["rows"]}
    # One MBE site in Dresden changes exactly Dresden's MBE ratio and MBE hours; the MBE
    # languages rule has no language data in either run and stays "no data".
    assert changed == {("14612", "mbe-beratung"), ("14612", "mbe-oeffnungszeiten")}
    ratio = next(r for r in result["rows"] if r["rule"] == "mbe-beratung")
    assert ratio["status_a"] == "gap" and ratio["status_b"] == "met"
    assert ratio["deficit_change"] == pytest.approx(-0.3 * 74850 / 1000)
    assert result["totals"]["bund"]["change"] == pytest.approx(
        ratio["cost_change"]
        + next(r for r in result["rows"] if r["rule"] != "mbe-beratung")["cost_change"]
    )
    out = StringIO()
    call_command(
        "assessments", "compare", str(first.pk), str(second.pk), "--format", "csv", stdout=out
    )
    assert len(out.getvalue().splitlines()) == 3
    # A copied row keeps both assessments' demo mark, honesty label and sources.
    row = next(csv.DictReader(StringIO(out.getvalue())))
    for side in ("a", "b"):
        assert row[f"standard_set_label_{side}"] and row[f"demo_{side}"]
        assert "Stichtag" in row[f"sources_{side}"] or "Quelle" in row[f"sources_{side}"]
    costs = StringIO()
    call_command("assessments", "costs", str(second.pk), "--format", "csv", stdout=costs)
    cost_row = next(csv.DictReader(StringIO(costs.getvalue())))
    assert cost_row["standard_set_label"] and cost_row["demo"] and cost_row["sources"]


def test_unknown_set_and_bad_date_are_refused(standard_set):
    with pytest.raises(CommandError, match="Kein Standardsatz 'nope'"):
        call_command("assess", "--standard-set", "nope", "--level", "kreis")
    with pytest.raises(CommandError, match="JJJJ-MM-TT"):
        call_command("assess", "--standard-set", SLUG, "--level", "kreis", "--date", "30.6.2026")
    assert not Assessment.objects.exists()
