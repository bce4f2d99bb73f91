"""Rules with mode transit: the standard-set document, and an assessment on the sample feed."""

from __future__ import annotations

import copy
from io import StringIO

import numpy as np
import pytest
from django.core.management import call_command

from integrationsatlas.assessments.run import run_assessment
from integrationsatlas.standards import document as doc_module
from integrationsatlas.standards.document import DocumentError
from integrationsatlas.standards.sets import (
    check_document,
    export_yaml,
    import_document,
    transit_notices,
)
from integrationsatlas.transit.editions import import_feed
from integrationsatlas.transit.matrix import Window, service_day
from integrationsatlas.transit.models import FeedEdition
from tests.standards.test_assess import make_service
from tests.transit.feeds import write_feed

pytestmark = pytest.mark.django_db

BAUTZEN, GROSSPOSTWITZ = "14625020", "14625190"
STOP_D = (14.44, 51.12)  # Großpostwitz stop of the sample feed
WINDOW = {"days": "werktags", "from": "07:00", "to": "08:00", "every_minutes": 20}


def transit_set(slug: str = "oepnv", **params) -> dict:
    """One rule: share of inhabitants reaching an MBE within 90 minutes by bus and train."""
    params = {"distance_km": 10, "mode": "transit", "max_minutes": 90, "window": WINDOW} | params
    params = {k: v for k, v in params.items() if v is not None}
    sources = {
        "target": doc_module.ILLUSTRATIVE,
        "financing": doc_module.ILLUSTRATIVE,
        "unit_cost": doc_module.ILLUSTRATIVE,
        **{
            f"params.{k}": doc_module.ILLUSTRATIVE
            for k in params
            if k not in doc_module.UNSOURCED_PARAMS
        },
    }
    return {
        "format": doc_module.FORMAT,
        "slug": slug,
        "name": f"ÖPNV {slug}",
        "version": "1",
        "rules": [
            {
                "id": "mbe-oepnv",
                "offer_type": "mbe",
                "kind": "reach",
                "level": "gemeinde",
                "target": 0.9,
                "params": params,
                "demand_indicator": "population",
                "responsible_level": "land",
                "financing": {"land": 1.0},
                "unit_cost": 50000,
                "sources": sources,
            }
        ],
    }


def problems_of(document: dict) -> list[str]:
    with pytest.raises(DocumentError) as caught:
        check_document(document)
    return [str(p) for p in caught.value.problems]


RULE = "Regel „mbe-oepnv“ (Nr. 1), Feld"


def test_transit_params_validate_and_survive_export():
    standard_set, _ = import_document(transit_set())
    exported = doc_module.parse_yaml(export_yaml(standard_set))
    assert exported["rules"][0]["params"] == {
        "distance_km": 10,
        "mode": "transit",
        "max_minutes": 90,
        "window": WINDOW,
    }
    check_document(exported)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"window": None}, f"{RULE} „params.window“: mode: transit braucht window."),
        ({"max_minutes": None}, f"{RULE} „params.max_minutes“: mode: transit braucht max_minutes."),
        (
            {"mode": None},
            f"{RULE} „params.max_minutes“: max_minutes gilt nur mit mode: transit.",
        ),
        (
            {"window": WINDOW | {"from": "09:00"}},
            f"{RULE} „params.window.to“: das Fenster endet vor seinem Beginn.",
        ),
    ],
)
def test_missing_or_contradicting_transit_fields_name_rule_and_field(params, expected):
    assert expected in problems_of(transit_set(**params))


def test_schema_refuses_a_bad_window_and_decay_with_transit():
    bad_day = problems_of(transit_set(window=WINDOW | {"days": "feiertags"}))
    assert any("params.window.days" in p for p in bad_day)
    bad_clock = problems_of(transit_set(window=WINDOW | {"from": "7 Uhr"}))
    assert any("params.window.from" in p for p in bad_clock)
    doc = transit_set()
    rule = doc["rules"][0]
    rule.update(kind="ratio", level="kreis", target=0.05)
    rule["params"] = {"catchment_km": 30, "sigma_km": 10, "mode": "transit", "max_minutes": 45}
    rule["params"]["window"] = WINDOW
    rule["sources"] |= {"params.catchment_km": "x", "params.sigma_km": "x"}
    rule["sources"].pop("params.distance_km")
    assert any("ohne Distanzabfall (sigma_km)" in p for p in problems_of(doc))
    del rule["params"]["catchment_km"], rule["sources"]["params.catchment_km"]
    assert any("braucht bei der Art 'ratio' catchment_km" in p for p in problems_of(doc))


@pytest.fixture
def feed_edition(tmp_path, settings):
    settings.VAR_DIR = tmp_path / "var"
    path = write_feed(tmp_path / "bautzen.zip")
    return import_feed(path, source="Handgemacht, Tests", licence="CC0 1.0")


def test_werktags_skips_new_year(feed_edition):
    assert service_day(feed_edition, "werktags").isoformat() == "2026-01-02"
    # A Saturday is a Saturday even when no bus runs (then nothing is reachable).
    assert service_day(feed_edition, "samstags").isoformat() == "2026-01-03"
    feed_edition.first_day = feed_edition.last_day = feed_edition.reference_date
    assert service_day(feed_edition, "sonntags") is None  # valid on one Thursday only
    window = Window.from_params(WINDOW)
    assert window.text() == "werktags 7–8 Uhr"
    assert window.departures().tolist() == [25200, 26400, 27600, 28800]


def test_a_transit_reach_rule_assesses_on_the_sample_feed(feed_edition):
    make_service("mbe", STOP_D)
    standard_set, _ = import_document(transit_set())
    assert transit_notices(standard_set) == []
    assessment = run_assessment(standard_set, "gemeinde")
    rows = {row["ags"]: row for row in assessment.listing}
    assert len(rows) == 418
    # Bautzen's point is 669 m from stop A: departures 07:00, 07:20, 07:40, 08:00 reach the
    # MBE at stop D (A 08:00 -> B, walk to C, C 08:15 -> D 08:40) after 100, 80 and 60
    # minutes and not at all (08:00 from A missed): median (80 + 100) / 2 = 90 <= 90.
    assert rows[BAUTZEN]["value"] == 1.0
    # Großpostwitz lies 1.3 km from stop D: within 10 km by the straight line, but beyond
    # the 1,000 m walk to a stop, so not by bus and train.
    assert rows[GROSSPOSTWITZ]["value"] == 0.0
    for row in rows.values():
        text = row["explanation"]
        assert "höchstens 90 Minuten mit Bus und Bahn" in text
        assert "werktags 7–8 Uhr" in text
        assert "Fahrplan bautzen vom 01.01.2026" in text
    reference = assessment.data_reference["transit"]
    assert reference["name"] == "bautzen"
    assert reference["rules"]["mbe-oepnv"]["day"] == "2026-01-02"
    assert reference["matrices"] == {"computed": 1, "from_cache": 0}
    again = run_assessment(standard_set, "gemeinde")
    assert again.data_reference["transit"]["matrices"] == {"computed": 0, "from_cache": 1}
    assert [r["value"] for r in again.listing] == [r["value"] for r in assessment.listing]


def test_median_decides_not_the_best_departure(feed_edition):
    make_service("mbe", STOP_D)
    standard_set, _ = import_document(transit_set(slug="kurz", max_minutes=85))
    rows = {row["ags"]: row for row in run_assessment(standard_set, "gemeinde").listing}
    assert rows[BAUTZEN]["value"] == 0.0  # median 90 minutes, although 07:40 takes 60


def test_without_a_feed_the_straight_line_stays_and_every_row_says_so(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    assert not FeedEdition.objects.exists()
    make_service("mbe", STOP_D)
    standard_set, _ = import_document(transit_set())
    assert transit_notices(standard_set) == [
        "Regel mbe-oepnv: mode transit, aber kein Fahrplan importiert; bis dahin gilt die "
        "Luftlinie (10 km). Fahrplan laden: integrationsatlas transit import."
    ]
    assessment = run_assessment(standard_set, "gemeinde")
    rows = {row["ags"]: row for row in assessment.listing}
    assert rows[GROSSPOSTWITZ]["value"] == 1.0  # 1.3 km by the straight line
    assert all("Kein Fahrplan geladen" in r["explanation"] for r in rows.values())
    notes = assessment.data_reference["transit"]["notes"]
    assert notes == [
        "Regel mbe-oepnv: kein Fahrplan importiert; statt „höchstens 90 Minuten mit Bus und "
        "Bahn“ gilt die Luftlinie 10 km (integrationsatlas transit import)."
    ]


def test_commands_name_the_rule_without_a_feed(tmp_path, settings):
    settings.VAR_DIR = tmp_path / "var"
    path = tmp_path / "oepnv.yaml"
    path.write_text(doc_module.dump_yaml(copy.deepcopy(transit_set())), encoding="utf-8")
    err = StringIO()
    call_command("standard_sets", "import", str(path), stdout=StringIO(), stderr=err)
    assert "Regel mbe-oepnv: mode transit, aber kein Fahrplan importiert" in err.getvalue()
    err = StringIO()
    call_command(
        "assess", "--standard-set", "oepnv", "--level", "gemeinde", stdout=StringIO(), stderr=err
    )
    assert "Regel mbe-oepnv: kein Fahrplan importiert; statt „höchstens 90 Minuten" in (
        err.getvalue()
    )


def test_matrix_columns_follow_the_services(feed_edition):
    """Two MBE services at one stop share a column; a service without a site has none."""
    from integrationsatlas.assessments.engine_input import build_engine_input
    from integrationsatlas.standards.models import StandardSet

    make_service("mbe", STOP_D)
    make_service("mbe", STOP_D)
    import_document(transit_set())
    rules = list(StandardSet.objects.get(slug="oepnv").rules.select_related("offer_type"))
    data = build_engine_input(rules, feed_edition.first_day)
    travel = data.transit.travel["mbe-oepnv"]
    assert travel.service.size == 2 and data.transit.reference["rules"]["mbe-oepnv"]["sites"] == 1
    np.testing.assert_array_equal(travel.minutes[:, 0], travel.minutes[:, 1])
