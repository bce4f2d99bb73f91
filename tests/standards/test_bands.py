"""Distance bands (enhanced 2SFCA) in standard sets: validation, export and assessment."""

import copy
import math

import pytest

from integrationsatlas.assessments.run import AssessmentError, run_assessment
from integrationsatlas.standards import document as doc_module
from integrationsatlas.standards.document import DocumentError
from integrationsatlas.standards.sets import check_document, export_yaml, import_document
from tests.standards.test_assess import DRESDEN, LEIPZIG, make_service

pytestmark = pytest.mark.django_db

BANDS = [[10, 1], [20, 0.6], [30, 0.2]]


def band_set(slug: str, params: dict) -> dict:
    """A one-rule set: MBE per 1,000 inhabitants by 2SFCA with the given params."""
    sources = dict.fromkeys(
        ["target", "financing", "unit_cost", *(f"params.{p}" for p in params)],
        doc_module.ILLUSTRATIVE,
    )
    return {
        "format": doc_module.FORMAT,
        "slug": slug,
        "name": f"Bänder {slug}",
        "version": "1",
        "rules": [
            {
                "id": "mbe-e2sfca",
                "offer_type": "mbe",
                "kind": "ratio",
                "level": "kreis",
                "target": 0.05,
                "params": params,
                "demand_indicator": "population",
                "responsible_level": "bund",
                "financing": {"bund": 1.0},
                "unit_cost": 75000,
                "sources": sources,
            }
        ],
    }


def problems_of(document: dict) -> list[str]:
    with pytest.raises(DocumentError) as caught:
        check_document(document)
    return [str(p) for p in caught.value.problems]


def test_bands_validate_and_survive_export():
    doc = band_set("baender", {"catchment_km": 30, "bands_km": BANDS})
    assert check_document(doc)["rules"][0]["params"]["bands_km"] == BANDS
    # Bands ending before catchment_km are allowed (beyond them the weight is 0).
    check_document(band_set("kurz", {"catchment_km": 30, "bands_km": [[5, 1], [15, 0.5]]}))
    standard_set, _ = import_document(doc)
    exported = doc_module.parse_yaml(export_yaml(standard_set))
    assert exported["rules"][0]["params"] == {"catchment_km": 30, "bands_km": BANDS}
    check_document(exported)


FIELD = "Regel „mbe-e2sfca“ (Nr. 1), Feld „params.bands_km"


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        (
            {"catchment_km": 30, "bands_km": [[10, 1], [10, 0.5]]},
            "[1]",
            "die Obergrenzen müssen aufsteigen: 10 km folgt auf 10 km.",
        ),
        (
            {"catchment_km": 30, "bands_km": [[20, 1], [10, 0.5]]},
            "[1]",
            "müssen aufsteigen: 10 km folgt auf 20 km.",
        ),
        (
            {"catchment_km": 30, "bands_km": [[10, 1], [40, 0.5]]},
            "[1]",
            "das letzte Band endet bei 40 km, jenseits von catchment_km (30 km)",
        ),
        ({"catchment_km": 30, "bands_km": [[10, 0]]}, "[0][1]", "muss größer als 0 sein, ist 0"),
        (
            {"catchment_km": 30, "bands_km": [[10, 1.5]]},
            "[0][1]",
            "darf nicht größer als 1 sein, ist 1.5",
        ),
        ({"catchment_km": 30, "bands_km": [[0, 1]]}, "[0][0]", "muss größer als 0 sein, ist 0"),
        (
            {"catchment_km": 30, "bands_km": [[10]]},
            "[0]",
            "braucht mindestens 2 Einträge, hat 1. Ein Band ist ein Paar [Obergrenze in km,",
        ),
        (
            {"catchment_km": 30, "bands_km": [[10, 1, 5]]},
            "[0]",
            "darf höchstens 2 Einträge haben, hat 3.",
        ),
        ({"catchment_km": 30, "bands_km": [10, 1]}, "[0]", "muss eine Liste sein, ist 10."),
        ({"catchment_km": 30, "bands_km": []}, "", "darf nicht leer sein."),
        ({"catchment_km": 30, "bands_km": [[10, "viel"]]}, "[0][1]", "muss eine Zahl sein"),
        ({"bands_km": BANDS}, "", "bands_km braucht catchment_km."),
        (
            {"catchment_km": 30, "sigma_km": 10, "bands_km": BANDS},
            "",
            "bands_km und sigma_km schließen sich aus",
        ),
    ],
)
def test_bad_bands_are_refused_naming_the_field(params, field, words):
    problems = problems_of(band_set("schlecht", params))
    assert any(p.startswith(f"{FIELD}{field}“:") and words in p for p in problems), problems


def test_bands_only_fit_ratio_rules():
    doc = band_set("reichweite", {"distance_km": 10, "bands_km": BANDS})
    doc["rules"][0]["kind"] = "reach"
    problems = problems_of(doc)
    assert any("params.bands_km" in p and "passt nicht zur Art 'reach'" in p for p in problems)


def values_of(params: dict, slug: str) -> dict[str, float]:
    standard_set, _ = import_document(band_set(slug, params))
    return {row["ags"]: row["value"] for row in run_assessment(standard_set, "kreis").listing}


def test_a_set_with_bands_assesses_every_kreis():
    make_service("mbe", DRESDEN, capacity=30.0)
    make_service("mbe", LEIPZIG, capacity=20.0)
    stepped = values_of({"catchment_km": 30, "bands_km": BANDS}, "stufen")
    uniform = values_of({"catchment_km": 30}, "gleich")
    one_band = values_of({"catchment_km": 30, "bands_km": [[30, 1]]}, "ein-band")
    assert len(stepped) == 13
    # One band of weight 1 up to catchment_km is the plain 2SFCA (so the km reach the engine
    # in the same unit as catchment_km).
    assert one_band == uniform
    # Dresden's and Leipzig's Kreise reach supply; weighting by distance changes the values.
    for ags in ("14612", "14713"):
        assert stepped[ags] is not None and stepped[ags] > 0
    assert any(
        s is not None and u is not None and not math.isclose(s, u, rel_tol=1e-6)
        for s, u in zip(stepped.values(), uniform.values(), strict=True)
    )
    # Without sites in reach a Kreis gets value 0 either way.
    assert {k for k, v in stepped.items() if v == 0} == {k for k, v in uniform.items() if v == 0}


def test_bands_beyond_catchment_stored_directly_are_refused_by_the_engine():
    # A stored rule edited past the document checks still cannot reach the engine unnoticed.
    standard_set, _ = import_document(band_set("roh", {"catchment_km": 30, "bands_km": BANDS}))
    rule = standard_set.rules.get()
    rule.params = {"catchment_km": 30, "bands_km": [*copy.deepcopy(BANDS), [40, 0.1]]}
    rule.save()
    with pytest.raises(AssessmentError, match="beyond catchment_km"):
        run_assessment(standard_set, "kreis")
