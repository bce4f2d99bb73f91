"""Standard-set documents: the example set is valid, and each broken rule is named with its field."""

import copy

import pytest

from integrationsatlas.standards import document as doc_module
from integrationsatlas.standards.document import DocumentError
from integrationsatlas.standards.sets import check_document

EXAMPLE = doc_module.SCHEMA_FILE.parent.parent / "data" / "beispielstandard-sachsen-2030.yaml"

pytestmark = pytest.mark.django_db


@pytest.fixture
def example() -> dict:
    return doc_module.read_file(EXAMPLE)


def problems_of(document: dict) -> list[str]:
    with pytest.raises(DocumentError) as caught:
        check_document(document)
    return [str(p) for p in caught.value.problems]


def test_example_set_is_valid_and_covers_every_kind_and_seed_offer(example):
    doc = check_document(example)
    assert doc["slug"] == "beispielstandard-sachsen-2030"
    assert {r["kind"] for r in doc["rules"]} == set(doc_module.ALLOWED_PARAMS)
    wanted = {
        "mbe", "jmd", "integration_course", "language_cafe", "housing_support", "kita",
        "library", "sports_club", "volunteering", "participation",
    }  # fmt: skip
    assert wanted <= {r["offer_type"] for r in doc["rules"]}


def test_every_number_of_the_example_is_labelled_illustrative(example):
    for rule in example["rules"]:
        numbers = ["target", "financing", "unit_cost"] + [
            f"params.{p}" for p in rule.get("params", {})
        ]
        if "target" in rule.get("summary", {}):
            numbers.append("summary.target")
        assert set(rule["sources"]) == set(numbers), rule["id"]
        assert all(rule["sources"][n] == doc_module.ILLUSTRATIVE for n in numbers), rule["id"]


def test_schema_is_valid_json_schema():
    import jsonschema

    jsonschema.Draft202012Validator.check_schema(doc_module.schema())


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (lambda r: r.update(offer_type="astrology"), "offer_type", "unbekannte Angebotsart"),
        (lambda r: r.update(financing={"bund": 0.7}), "financing", "ergeben 0.7 statt 1"),
        (lambda r: r.update(target=-1), "target", "größer als 0"),
        (lambda r: r.update(kind="magic"), "kind", "unbekannter Wert 'magic'"),
        (lambda r: r["sources"].pop("unit_cost"), "sources.unit_cost", "Quelle fehlt"),
        (lambda r: r.update(level="bezirk"), "level", "unbekannter Wert 'bezirk'"),
        (
            lambda r: r.update(demand_indicator="cats"),
            "demand_indicator",
            "unbekannte Bedarfskennzahl",
        ),
        (lambda r: r.update(financing={"eu": 1.0}), "financing.eu", "unbekannte Ebene"),
        (lambda r: r.update(responsible_level="eu"), "responsible_level", "unbekannter Wert 'eu'"),
        (lambda r: r.update(target="viel"), "target", "muss eine Zahl sein"),
        (lambda r: r.pop("target"), "target", "Pflichtfeld fehlt"),
        (lambda r: r.update(summary={"by": "regions"}), "summary", "nur für Regeln der Ebene"),
        (
            lambda r: r.update(level="gemeinde", summary={"by": "kreise"}),
            "summary.by",
            "unbekannter Wert 'kreise'",
        ),
        (
            lambda r: r.update(level="gemeinde", summary={"by": "population", "target": 0.9}),
            "sources.summary.target",
            "Quelle fehlt",
        ),
    ],
)
def test_broken_rule_is_refused_naming_rule_and_field(example, change, field, words):
    broken = copy.deepcopy(example)
    change(broken["rules"][0])
    problems = problems_of(broken)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"Regel „mbe-beratung“ (Nr. 1), Feld „{field}“:")
    assert words in problems[0]


def test_kind_specific_checks(example):
    broken = copy.deepcopy(example)
    reach = next(r for r in broken["rules"] if r["kind"] == "reach")
    reach["params"] = {}
    reach["sources"].pop("params.distance_km")
    share = next(r for r in broken["rules"] if r["kind"] == "reliability")
    share["target"] = 80
    problems = problems_of(broken)
    assert any(f"„{reach['id']}“" in p and "params.distance_km" in p for p in problems)
    assert any(f"„{share['id']}“" in p and "Anteil (0 bis 1)" in p for p in problems)


def test_parameter_without_source_and_duplicate_ids(example):
    broken = copy.deepcopy(example)
    broken["rules"][0]["params"] = {"catchment_km": 20}
    broken["rules"][1]["id"] = broken["rules"][0]["id"]
    problems = problems_of(broken)
    assert any("sources.params.catchment_km" in p and "Quelle fehlt" in p for p in problems)
    assert any("kommt mehrfach vor" in p for p in problems)


def test_every_problem_is_reported_at_once(example):
    broken = copy.deepcopy(example)
    broken["rules"][0]["kind"] = "magic"
    broken["rules"][3]["financing"] = {"bund": 0.5}
    broken["unknown"] = 1
    problems = problems_of(broken)
    assert len(problems) == 3
    assert problems[0].startswith("Feld „unknown“")


def test_yaml_syntax_error_names_the_line():
    with pytest.raises(DocumentError) as caught:
        doc_module.parse_yaml("name: x\nrules: [\n  - a: b\n", origin="satz.yaml")
    assert "satz.yaml: kein gültiges YAML in Zeile" in str(caught.value)
