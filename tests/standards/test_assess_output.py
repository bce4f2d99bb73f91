"""Issue 13: `assess --out` writes the format its name or --format says, and every CSV/JSON
row carries names, the demo marker, the set's honesty label and the sources with dates."""

from __future__ import annotations

import csv
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from integrationsatlas.assessments import provenance
from integrationsatlas.assessments.models import Assessment
from integrationsatlas.standards import document as doc_module
from integrationsatlas.standards.sets import import_document

EXAMPLE = doc_module.SCHEMA_FILE.parent.parent / "data" / "beispielstandard-sachsen-2030.yaml"
SLUG = "beispielstandard-sachsen-2030"
BASE = ["--standard-set", SLUG, "--level", "kreis", "--date", "2026-06-30"]

pytestmark = pytest.mark.django_db


@pytest.fixture
def standard_set():
    return import_document(doc_module.read_file(EXAMPLE))[0]


def run(*args: str) -> str:
    out = StringIO()
    call_command("assess", *BASE, *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_out_csv_is_csv_with_labels_on_every_row(standard_set, tmp_path):
    target = tmp_path / "bewertung-kreise.csv"
    run("--out", str(target))  # no --format: the name says CSV
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert len(rows) == 13 * standard_set.rules.count()
    label = standard_set.document["label"]
    assert label.startswith("Illustratives Beispiel, kein amtlicher Standard")
    for row in rows:
        assert row["standard_set_label"] == label
        assert row["demo"] == provenance.NO_DEMO_MARK  # no demo data loaded here
        assert row["reference_date"] == "2026-06-30"
        assert "Register Integrationsatlas, Stand 2026-06-30" in row["sources"]
        assert "Regeln (" in row["sources"] and "illustrative example" in row["sources"]
    mbe = next(r for r in rows if r["rule"] == "mbe-beratung")
    assert mbe["offer_type_name"] == "Migrationsberatung für Erwachsene"
    assert mbe["rule_title"].startswith("Migrationsberatung für Erwachsene je 1.000")
    assert mbe["unit_label"] == "Vollzeitstellen (VZÄ)"
    languages = next(r for r in rows if r["rule"] == "mbe-sprachen")
    assert languages["unit_label"] == "Sprachen"  # not "languages"
    # Stichtag of every indicator the rule used (loaded with the regions in conftest).
    assert "(Stichtag 20" in mbe["sources"] and "für: ausländische Einwohner" in mbe["sources"]


def test_out_json_and_format_flag(standard_set, tmp_path):
    target = tmp_path / "b.json"
    run("--out", str(target))
    rows = json.loads(target.read_text(encoding="utf-8"))
    assert rows and all(r["standard_set_label"] and r["sources"] for r in rows)
    text = tmp_path / "b"
    run("--out", str(text), "--format", "csv")  # no suffix: --format decides
    assert text.read_text(encoding="utf-8").startswith("ags,region,rule,")


def test_table_names_the_labels_above_the_rows(standard_set):
    text = run("--format", "table")
    head = text.split("\n\n", 1)[0]
    assert "Hinweis zum Standardsatz: Illustratives Beispiel" in head
    assert "Demodaten: keine Demodaten" in head
    assert "Quelle: Angebote: Register Integrationsatlas, Stand 2026-06-30" in head


@pytest.mark.parametrize(
    ("name", "flag", "message"),
    [
        ("x.csv", ["--format", "json"], "passt nicht zu --format json"),
        ("x.xlsx", [], "Endung '.xlsx' unbekannt"),
        ("x.xlsx", ["--format", "csv"], "passt nicht zu --format csv"),
    ],
)
def test_name_and_format_that_disagree_are_refused_before_any_run(
    standard_set, tmp_path, name, flag, message
):
    with pytest.raises(CommandError, match=message):
        run("--out", str(tmp_path / name), *flag)
    assert not Assessment.objects.exists() and not (tmp_path / name).exists()


def test_makefile_asks_for_csv():
    makefile = (EXAMPLE.parents[3] / "Makefile").read_text(encoding="utf-8")
    lines = [line for line in makefile.splitlines() if " assess " in line]
    assert len(lines) == 4 and all("--format csv --out var/" in line for line in lines)
    # The example set for 2030 at Kreis level, beside today's (the planning's 2030 column).
    assert any("--level kreis --date 2030-12-31 --if-missing" in line for line in lines)


def test_assessments_show_carries_the_same_labels(standard_set):
    run("--format", "csv")
    stored = Assessment.objects.get()
    out = StringIO()
    call_command("assessments", "show", str(stored.pk), "--format", "csv", stdout=out)
    rows = list(csv.DictReader(StringIO(out.getvalue())))
    assert len(rows) == 13 * standard_set.rules.count()
    label = standard_set.document["label"]
    assert all(r["standard_set_label"] == label for r in rows)
    assert all("Register Integrationsatlas, Stand 2026-06-30" in r["sources"] for r in rows)
    assert {r["demo"] for r in rows} == {provenance.NO_DEMO_MARK}
    table = StringIO()
    call_command("assessments", "show", str(stored.pk), stdout=table)
    assert table.getvalue().startswith("Standardsatz: Beispielstandard Sachsen 2030 (5)")
