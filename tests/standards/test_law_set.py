"""The standard set from Saxon law: imports, names its paragraphs, assesses FSA at 1 : 100 per Kreis."""

import csv
import io
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from integrationsatlas.regions.models import IndicatorValue, Region
from integrationsatlas.standards import document as doc_module
from integrationsatlas.standards.models import Rule, StandardSet

LAW_SET = doc_module.SCHEMA_FILE.parent.parent / "data" / "sachsen-saechsintg-komintavo.yaml"
SLUG = "sachsen-saechsintg-komintavo"
DATA = Path(__file__).resolve().parents[2] / "data" / "sachsen-fsa-zielgruppe-kreise.csv"

pytestmark = pytest.mark.django_db


def import_set(path: Path = LAW_SET) -> str:
    out = StringIO()
    call_command("standard_sets", "import", str(path), stdout=out)
    return out.getvalue()


def test_every_rule_names_its_paragraph_and_marks_assumptions():
    import_set()
    rules = list(Rule.objects.filter(standard_set__slug=SLUG))
    assert len(rules) == 6
    stored = StandardSet.objects.get(slug=SLUG).document["rules"]
    for rule in stored:
        assert "SächsIntG" in rule["legal_basis"] or "KomIntAVO" in rule["legal_basis"]
    for rule in rules:
        assert rule.level == "kreis" and rule.responsible_level == "kreis"
    fsa = next(r for r in rules if r.code == "fsa-betreuungsschluessel")
    # 1 : 100 is law: 10 posts per 1,000 of the target group, with the paragraph as source.
    assert fsa.target == 10 and fsa.demand_indicator == "fsa_target_group"
    assert "§ 12 Abs. 5" in fsa.sources["target"]
    assert doc_module.ILLUSTRATIVE not in fsa.sources["target"]
    # Every other target is a marked assumption ("soll", "gut erreichbar": no number in law).
    for rule in rules:
        if rule is not fsa:
            assert doc_module.ILLUSTRATIVE in rule.sources["target"], rule.code
        assert doc_module.ILLUSTRATIVE in rule.sources["unit_cost"], rule.code


def test_assess_gives_one_fsa_row_per_kreis_with_target_and_law():
    import_set()
    out = StringIO()
    call_command(
        "assess",
        *("--standard-set", SLUG, "--level", "kreis", "--date", "2026-06-30", "--format", "csv"),
        stdout=out,
        stderr=StringIO(),
    )
    rows = [r for r in csv.DictReader(io.StringIO(out.getvalue())) if r["rule"].startswith("fsa")]
    kreise = sorted(Region.objects.filter(level="kreis").values_list("ags", flat=True))
    assert sorted(r["ags"] for r in rows) == kreise
    with DATA.open(encoding="utf-8") as handle:
        shipped = {r["ags"]: int(r["fsa_target_group"]) for r in csv.DictReader(handle)}
    for row in rows:
        assert float(row["target"]) == 10
        assert "Ziel nach § 12 Abs. 5 Satz 2 KomIntAVO" in row["explanation"]
        # No service in this registry: a gap of exactly 1 post per 100 persons, marked demo.
        assert row["status"] == "gap"
        assert float(row["deficit"]) == pytest.approx(shipped[row["ags"]] / 100, abs=1e-3)
        assert "Demodaten" in row["explanation"]
    # Bautzen by hand: 969 persons / 100 = 9.69 posts x 75,000 EUR = 726,750 EUR, all Land.
    bautzen = next(r for r in rows if r["ags"] == "14625")
    assert float(bautzen["cost_land"]) == pytest.approx(726750.0, abs=0.01)


def test_target_group_is_loaded_as_demo_with_its_source():
    values = IndicatorValue.objects.filter(code="fsa_target_group", region__level="kreis")
    assert values.count() == 13
    assert all(v.is_demo for v in values)
    assert all("Demo-Schätzung" in v.source for v in values)
    land = IndicatorValue.objects.get(code="fsa_target_group", region_id="14")
    assert land.value == 27393 and land.is_demo


def test_unknown_paragraph_is_refused_and_nothing_stored(tmp_path: Path):
    document = yaml.safe_load(LAW_SET.read_text(encoding="utf-8"))
    document["rules"][0]["sources"]["target"] = "§ 99 Abs. 5 KomIntAVO"
    document["rules"][3]["legal_basis"] = "SächsIntG § 31"
    path = tmp_path / "falsch.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        import_set(path)
    message = str(caught.value)
    assert "Feld „sources.target“: § 99 KomIntAVO gibt es nicht (KomIntAVO hat §§ 1–14)" in message
    assert "Feld „legal_basis“: § 31 SächsIntG gibt es nicht" in message
    assert not StandardSet.objects.filter(slug=SLUG).exists()
