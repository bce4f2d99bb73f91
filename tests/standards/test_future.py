"""Issue 17: projections as indicator figures and an assessment for a future reference date."""

import csv
import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from integrationsatlas.assessments.models import Assessment
from integrationsatlas.regions.indicators_import import IndicatorImportError, import_indicators
from integrationsatlas.regions.models import IndicatorValue
from integrationsatlas.registry.models import Funding, Service

from .test_assess import DRESDEN, LEIPZIG, SLUG, make_service, standard_set  # noqa: F401

pytestmark = pytest.mark.django_db

FUTURE = "2030-12-31"
PAST = "2026-06-30"
PROJECTION_SOURCE = "Testvorausberechnung Landesamt; Kopie im Test"


def project(ags: str, value: float, variant: str = "V1", year: int = 2030) -> None:
    IndicatorValue.objects.create(
        region_id=ags,
        code="foreign_population",
        reference_date=dt.date(year, 12, 31),
        value=value,
        source=PROJECTION_SOURCE,
        projection_variant=variant,
    )


def assess(date: str, *extra: str) -> dict[tuple[str, str], dict]:
    out = io.StringIO()
    args = ["--standard-set", SLUG, "--level", "kreis", "--date", date, "--format", "csv"]
    call_command("assess", *args, *extra, stdout=out, stderr=io.StringIO())
    rows = csv.DictReader(io.StringIO(out.getvalue()))
    return {(r["ags"], r["rule"]): r for r in rows}


@pytest.mark.usefixtures("standard_set")
def test_future_date_uses_projection_and_only_services_active_then():
    make_service("mbe", DRESDEN, capacity=24.0)
    # Funding ends before 2030: counted today, not in 2030.
    make_service("mbe", DRESDEN, capacity=6.0, end=dt.date(2028, 12, 31))
    planned = make_service("mbe", LEIPZIG, capacity=10.0)
    Service.objects.filter(pk=planned.pk).update(status=Service.Status.PLANNED)
    Funding.objects.filter(service=planned).update(start=dt.date(2029, 1, 1))
    project("14612", 100000.0)

    past = assess(PAST)
    # Hand-computed: 30 VZÄ for 74,850 observed foreign residents; the planned one not counted.
    assert float(past[("14612", "mbe-beratung")]["value"]) == pytest.approx(
        30 / 74850 * 1000, abs=1e-4
    )
    assert past[("14713", "mbe-beratung")]["status"] == "gap"
    assert "Vorausberechnung" not in past[("14612", "mbe-beratung")]["explanation"]

    future = assess(FUTURE)
    dresden = future[("14612", "mbe-beratung")]
    # 24 VZÄ (the 6 lose their funding in 2028) for 100,000 projected = 0.24 per 1,000.
    assert float(dresden["value"]) == pytest.approx(24 / 100000 * 1000, abs=1e-4)
    assert (
        "Nachfrage: Vorausberechnung Testvorausberechnung Landesamt, Variante V1, "
        "Stichtag 31.12.2030." in dresden["explanation"]
    )
    leipzig = future[("14713", "mbe-beratung")]
    # The planned service starts 2029: counted in 2030. Leipzig has no projection.
    assert float(leipzig["value"]) > 0
    assert "Keine Vorausberechnung geladen: Nachfrage von heute" in leipzig["explanation"]
    stored = Assessment.objects.get(reference_date=dt.date(2030, 12, 31))
    assert stored.data_reference["registry"]["future"] == {
        "planned_counted": 1,
        "ended_by_funding": 1,
    }
    assert stored.data_reference["indicators"]["foreign_population"]["projection_variants"] == [
        "V1"
    ]


@pytest.mark.usefixtures("standard_set")
def test_several_variants_need_a_choice():
    project("14612", 100000.0, "V1")
    project("14612", 90000.0, "V2")
    with pytest.raises(CommandError, match=r"Mehrere Varianten .*V1, V2"):
        assess(FUTURE)
    chosen = assess(FUTURE, "--variant", "V2")
    assert "Variante V2" in chosen[("14612", "mbe-beratung")]["explanation"]


@pytest.mark.usefixtures("standard_set")
def test_a_projection_for_a_later_year_is_not_used_earlier():
    project("14612", 100000.0, year=2035)
    rows = assess(FUTURE)
    assert "Keine Vorausberechnung" in rows[("14612", "mbe-beratung")]["explanation"]


LONG = "region;indicator;reference_date;value;source;licence;projection;variant\n"


def test_projection_rows_load_beside_observed_figures():
    body = (
        LONG + "14612;foreign_population;2030-12-31;90000;Vorausberechnung X;dl-de/by-2-0;2030;V1\n"
    )
    body += "14612;foreign_population;2030-12-31;95000;Vorausberechnung X;dl-de/by-2-0;2030;V2\n"
    result = import_indicators(body.encode(), "vb.csv", "test")
    assert result.new == 2
    stored = IndicatorValue.objects.filter(region_id="14612", reference_date="2030-12-31")
    assert sorted(stored.values_list("projection_variant", "value")) == [
        ("V1", 90000.0),
        ("V2", 95000.0),
    ]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (";2030;", "Zeile 2, Spalte variant: Variante der Vorausberechnung 2030 fehlt"),
        (";;V1", "Zeile 2, Spalte projection: Jahr der Vorausberechnung fehlt"),
        (";dreißig;V1", "Zeile 2, Spalte projection: 'dreißig' ist kein Jahr"),
        (";2031;V1", "Zeile 2, Spalte reference_date: Stichtag 31.12.2030 liegt nicht im Jahr"),
        (";;", "Zeile 2, Spalte reference_date: Stichtag 31.12.2030 liegt in der Zukunft"),
    ],
)
def test_bad_projection_rows_are_refused_naming_row_and_column(row, message):
    before = IndicatorValue.objects.count()
    body = LONG + f"14612;foreign_population;2030-12-31;90000;Quelle;dl-de/by-2-0{row}\n"
    with pytest.raises(IndicatorImportError) as caught:
        import_indicators(body.encode(), "vb.csv", "test")
    assert message in str(caught.value)
    assert IndicatorValue.objects.count() == before
