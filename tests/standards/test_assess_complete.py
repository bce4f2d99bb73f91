"""Issue 5 "done when": every column filled at both levels; estimates, demo languages, priced
reach/languages deficits and planned services, each with hand-computed numbers."""

import csv
import datetime as dt
import io
from io import StringIO

import numpy as np
import pytest
from django.core.management import call_command

from integrationsatlas.assessments.models import Assessment, AssessmentRow
from integrationsatlas.assessments.region_input import _apportion
from integrationsatlas.assessments.run import COLUMNS, AssessmentError, run_assessment
from integrationsatlas.regions.models import IndicatorValue, Region
from integrationsatlas.registry.demo import load_demo
from integrationsatlas.registry.models import Service
from integrationsatlas.standards import document as doc_module
from integrationsatlas.standards.sets import import_document

from .test_assess import DRESDEN, make_service
from .test_group_rules_example import load_workers

EXAMPLE = doc_module.SCHEMA_FILE.parent.parent / "data" / "beispielstandard-sachsen-2030.yaml"
SLUG = "beispielstandard-sachsen-2030"
DATE = dt.date(2026, 6, 30)
EMPTY_WHEN_NO_DATA = {"value", "ratio", "deficit"} | {c for c in COLUMNS if c.startswith("cost_")}

pytestmark = pytest.mark.django_db


@pytest.fixture
def standard_set():
    return import_document(doc_module.read_file(EXAMPLE))[0]


def assess_csv(level: str) -> list[dict]:
    out = StringIO()
    args = ["--standard-set", SLUG, "--level", level, "--date", DATE.isoformat()]
    call_command("assess", *args, "--format", "csv", stdout=out, stderr=StringIO())
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def test_done_when_every_column_is_filled_at_both_levels_on_a_small_demo(standard_set):
    load_demo(seed=11, target=150)
    load_workers()  # as `make run` does: the demand of the rule for international workers
    n_kreise = Region.objects.filter(level="kreis").count()
    n_gemeinden = Region.objects.filter(level="gemeinde").count()
    assert (n_kreise, n_gemeinden) == (13, 418)
    per_gemeinde = {"kita-plaetze", "sportverein-vorhanden"}
    totals = {}
    for level in ("kreis", "gemeinde"):
        rows = assess_csv(level)
        counts: dict[str, int] = {}
        for row in rows:
            counts[row["rule"]] = counts.get(row["rule"], 0) + 1
            empty = {c for c in COLUMNS if row[c] == ""}
            if row["status"] == "no_data":
                assert empty == EMPTY_WHEN_NO_DATA, row
            elif row["basis"] == "parent":
                # The Kreis's result shown per Gemeinde: its deficit and cost stay at the Kreis.
                assert empty == EMPTY_WHEN_NO_DATA - {"value", "ratio"}, row
            else:
                assert not empty, row
        # Per Kreis: one row per Kreis and rule (Gemeinde rules summarised). Per Gemeinde:
        # Gemeinde rules per Gemeinde; Kreis rules per Kreis plus each Gemeinde's copy.
        if level == "kreis":
            assert counts == dict.fromkeys(counts, 13) and len(counts) == 16
        else:
            assert counts == {c: 418 if c in per_gemeinde else 13 + 418 for c in counts}
        if level == "kreis":
            # With the demo registry and its demo figures nothing is unknown per Kreis.
            assert [r for r in rows if r["status"] == "no_data"] == []
        languages = [r for r in rows if r["kind"] == "languages"]
        assert all("Demodaten" in r["explanation"] for r in languages)
        assert all(r["unit"] == "languages" for r in languages)
        assert {r["unit"] for r in rows if r["kind"] == "reach"} == {"sites"}
        totals[level] = sum(float(r["cost_total"]) for r in rows if r["cost_total"])
    # Each deficit is counted once: both levels add up to the same yearly cost.
    assert totals["kreis"] == pytest.approx(totals["gemeinde"], rel=1e-9)
    gemeinde = Assessment.objects.get(level="gemeinde")
    # The CLI printed what it stored: same number of rows, and languages rows flagged demo.
    assert gemeinde.rows.count() == 2 * 418 + 14 * (13 + 418)
    assert gemeinde.rows.filter(kind="languages", uses_demo_data=False).count() == 0


def test_kreis_rules_on_gemeinde_level_carry_their_kreis_status(standard_set):
    """Done when (issue 13): for every Kreis rule, the Gemeinde rows' status is the Kreis's,
    and the cost is counted once, at the Kreis."""
    make_service("mbe", DRESDEN, capacity=30.0)
    make_service("mbe", (13.35, 51.16), capacity=0.5)  # Meißen: 0.5 VZÄ, a partial Kreis
    rows = assess_csv("gemeinde")
    kreis_rules = {r["rule"] for r in rows if len(r["ags"]) == 5}
    assert "mbe-beratung" in kreis_rules and "kita-plaetze" not in kreis_rules
    kreis = {(r["ags"], r["rule"]): r for r in rows if len(r["ags"]) == 5}
    parent_of = dict(Region.objects.filter(level="gemeinde").values_list("ags", "parent_id"))
    for row in rows:
        if row["rule"] in kreis_rules and len(row["ags"]) == 8:
            own = kreis[(parent_of[row["ags"]], row["rule"])]
            assert row["basis"] == "parent" and row["status"] == own["status"]
            assert row["explanation"].startswith(f"Ergebnis für {own['region']} ({own['ags']}; ")
            assert row["cost_total"] == "" and row["deficit"] == ""
    statuses = {r["status"] for r in rows if r["rule"] == "mbe-beratung"}
    assert {"met", "gap"} <= statuses
    meissen = kreis[("14627", "mbe-beratung")]
    assert float(meissen["cost_total"]) > 0
    assert sum(float(r["cost_total"] or 0) for r in rows if r["rule"] == "mbe-beratung") == (
        pytest.approx(
            sum(float(r["cost_total"]) for (_, c), r in kreis.items() if c == "mbe-beratung")
        )
    )


def test_demo_language_figures_come_from_foreign_population_with_fixed_shares():
    load_demo(seed=11, target=150)
    foreign = IndicatorValue.objects.filter(code="foreign_population", region_id="14612")
    newest = foreign.order_by("-reference_date").first()
    uk = IndicatorValue.objects.get(code="foreign_language_uk", region_id="14612")
    assert uk.value == round(newest.value * 0.20)
    assert uk.is_demo and uk.source.startswith("Demo:") and "uk 20%" in uk.source
    assert uk.reference_date == newest.reference_date
    assert not IndicatorValue.objects.filter(
        code__startswith="foreign_language_", region__level="gemeinde"
    ).exists()


def test_apportion_kreis_value_by_population_share():
    # 0 Land; 1, 2 Kreise; 3, 4 Gemeinden of Kreis 1 (population 300, 100); 5, 6 of Kreis 2,
    # where Gemeinde 5 has its own figure, so Kreis 2 is not apportioned.
    parent = np.array([-1, 0, 0, 1, 1, 2, 2])
    levels = np.array(["land", "kreis", "kreis", "gemeinde", "gemeinde", "gemeinde", "gemeinde"])
    population = np.array([np.nan, 400, 300, 300, 100, 150, 150], dtype=float)
    column = np.array([np.nan, 1000, 500, np.nan, np.nan, 200, np.nan])
    filled = _apportion(column, parent, levels, population)
    assert filled.tolist() == [3, 4]
    assert column[3] == 750.0 and column[4] == 250.0  # 1000 x 300/400, 1000 x 100/400
    assert np.isnan(column[6]) and column[5] == 200.0


def test_gemeinde_rules_use_apportioned_kreis_figures_and_say_so(standard_set):
    IndicatorValue.objects.create(
        region_id="14627",
        code="children_under_6",
        reference_date=dt.date(2025, 12, 31),
        value=10000,
        source="Test: Kreiswert",
    )
    make_service("mbe", DRESDEN, capacity=30.0)
    assessment = run_assessment(standard_set, "gemeinde", DATE)
    rows = {(r["ags"], r["rule"]): r for r in assessment.listing}
    population = {
        v.region_id: v.value
        for v in IndicatorValue.objects.filter(
            code="population", region__parent_id="14627"
        ).order_by("reference_date")
    }
    gemeinde = sorted(population)[0]
    share = 10000 * population[gemeinde] / sum(population.values())
    row = rows[(gemeinde, "kita-plaetze")]
    # No Kita in Meißen: value 0, gap, deficit 800 x estimated children / 1000.
    assert (row["value"], row["status"]) == (0.0, "gap")
    assert row["deficit"] == pytest.approx(round(0.8 * share, 3))
    assert row["explanation"].endswith("Nachfrage geschätzt: Kreiswert anteilig nach Einwohnern.")
    stored = AssessmentRow.objects.get(region_id=gemeinde, rule_code="kita-plaetze")
    assert stored.demand == pytest.approx(share) and stored.supply == 0.0
    estimates = Assessment.objects.get().data_reference["estimates"]
    assert estimates["method"] == "geschätzt: Kreiswert anteilig nach Einwohnern"
    assert estimates["rules"] == ["kita-plaetze"]
    # A Kreis rule is not apportioned: judged per Kreis on the Kreis figure, never estimated.
    mbe = rows[(gemeinde, "mbe-beratung")]
    assert mbe["basis"] == "parent" and "geschätzt" not in mbe["explanation"]
    assert rows[("14627", "mbe-beratung")]["basis"] == "own"


def test_languages_deficit_is_missing_languages_times_unit_cost(standard_set):
    for code, value in (("ar", 600), ("uk", 300), ("fa", 100)):
        IndicatorValue.objects.create(
            region_id="14612",
            code=f"foreign_language_{code}",
            reference_date=dt.date(2025, 12, 31),
            value=value,
            source="Test: Sprachzahlen",
        )
    make_service("mbe", DRESDEN, capacity=30.0, languages=("de", "ar"))
    assessment = run_assessment(standard_set, "kreis", DATE)
    rows = {(r["ags"], r["rule"]): r for r in assessment.listing}
    row = rows[("14612", "mbe-sprachen")]
    # ar spoken: 600 of 1,000 = 0.6 < 0.8 -> partial; 200 missing: uk (300) closes it ->
    # 1 language x 25,000 EUR, all Bund.
    assert (row["value"], row["status"]) == (0.6, "partial")
    assert (row["deficit"], row["unit"], row["cost_bund"]) == (1.0, "languages", 25000.0)
    assert "dafür 1 weitere Sprache" in row["explanation"]
    assert not row["uses_demo_data"]
    # Without language figures the rule stays "no data" elsewhere.
    assert rows[("14511", "mbe-sprachen")]["status"] == "no_data"


def test_reach_deficit_is_sites_needed_times_unit_cost(standard_set):
    assessment = run_assessment(standard_set, "gemeinde", DATE)
    row = next(
        r
        for r in assessment.listing
        if r["ags"] == "14612" and r["rule"] == "bibliothek-erreichbarkeit"
    )
    assert row["basis"] == "own"  # a Kreis rule, judged per Kreis even in this assessment
    # No library anywhere: Dresden's one demand point is unreached; 90 % missing -> 1 site
    # x 120,000 EUR, 80 % Gemeinde and 20 % Land.
    assert (row["value"], row["deficit"], row["unit"]) == (0.0, 1.0, "sites")
    assert (row["cost_total"], row["cost_gemeinde"], row["cost_land"]) == (
        120000.0,
        96000.0,
        24000.0,
    )


PLANNED = {
    "offer_type": "mbe",
    "gemeinde": "14511000",
    "capacity": 12,
    "weekly_hours": 20,
    "languages": ["de", "ar"],
    "start": "2026-01-01",
    "fundings": [{"share": 1.0, "end": None, "level": "bund"}],
}


def test_planned_service_raises_the_gap_region_without_touching_the_registry(standard_set):
    base = run_assessment(standard_set, "kreis", DATE)
    scenario = run_assessment(
        standard_set, "kreis", DATE, label="Plan", extra_services=[PLANNED], is_scenario=True
    )
    before = {(r["ags"], r["rule"]): r for r in base.listing}
    after = {(r["ags"], r["rule"]): r for r in scenario.listing}
    chemnitz_foreign = (
        IndicatorValue.objects.filter(code="foreign_population", region_id="14511")
        .order_by("-reference_date")
        .first()
        .value
    )
    assert before[("14511", "mbe-beratung")]["value"] == 0.0
    # 12 VZÄ for Chemnitz's foreign population, per 1,000.
    assert after[("14511", "mbe-beratung")]["value"] == pytest.approx(
        round(12 / chemnitz_foreign * 1000, 4)
    )
    assert after[("14511", "mbe-oeffnungszeiten")]["value"] > 0
    assert after[("14612", "mbe-beratung")] == before[("14612", "mbe-beratung")]
    assert not Service.objects.exists()
    stored = Assessment.objects.get(pk=scenario.pk)
    assert stored.is_scenario and not Assessment.objects.get(pk=base.pk).is_scenario
    assert stored.scenario["planned_services"][0]["region"] == "14511000"
    # Planned to start after the reference date: not yet active, nothing changes.
    later = run_assessment(
        standard_set, "kreis", DATE, extra_services=[PLANNED | {"start": "2027-01-01"}]
    )
    assert {(r["ags"], r["rule"]): r["value"] for r in later.listing} == {
        k: r["value"] for k, r in before.items()
    }


def test_bad_planned_service_names_the_entry_and_field(standard_set):
    with pytest.raises(AssessmentError, match="Geplantes Angebot Nr. 1, Feld „gemeinde“"):
        run_assessment(standard_set, "kreis", DATE, extra_services=[PLANNED | {"gemeinde": "99"}])
    with pytest.raises(AssessmentError, match="Geplantes Angebot Nr. 1: unbrauchbare"):
        run_assessment(standard_set, "kreis", DATE, extra_services=[PLANNED | {"capacity": "x"}])
    assert not Assessment.objects.exists()


def test_assess_if_missing_and_publish(standard_set, tmp_path, capsys):
    base = ["--standard-set", SLUG, "--level", "kreis"]
    call_command("assess", *base, "--out", str(tmp_path / "a.csv"), "--publish")
    first = Assessment.objects.get()
    assert first.is_published
    call_command("assess", *base, "--if-missing", "--out", str(tmp_path / "b.csv"))
    assert Assessment.objects.count() == 1
    assert "nichts berechnet" in capsys.readouterr().err
    assert not (tmp_path / "b.csv").exists()
    # A run for 2030 is another assessment (make run keeps both): made once, then kept.
    later = [*base, "--date", "2030-12-31", "--if-missing"]
    call_command("assess", *later, "--out", str(tmp_path / "c.csv"))
    call_command("assess", *later, "--out", str(tmp_path / "d.csv"))
    assert sorted(Assessment.objects.values_list("reference_date", flat=True))[1:] == [
        dt.date(2030, 12, 31)
    ]
    assert (tmp_path / "c.csv").exists() and not (tmp_path / "d.csv").exists()
    call_command("assess", *base, "--if-missing", "--out", str(tmp_path / "e.csv"))
    assert Assessment.objects.count() == 2
