"""The standard-sets command: import, export round trip, list, copy, and refusals that change nothing."""

from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from integrationsatlas.standards import document as doc_module
from integrationsatlas.standards.models import Rule, StandardSet

EXAMPLE = doc_module.SCHEMA_FILE.parent.parent / "data" / "beispielstandard-sachsen-2030.yaml"
SLUG = "beispielstandard-sachsen-2030"

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("standard_sets", *args, stdout=out)
    return out.getvalue()


def test_import_export_round_trip(tmp_path: Path):
    assert "16 Regeln" in run("import", str(EXAMPLE))
    exported = tmp_path / "export.yaml"
    run("export", SLUG, "--out", str(exported))
    original = doc_module.normalized(doc_module.read_file(EXAMPLE))
    again = doc_module.read_file(exported)
    assert again == original
    # Re-importing the export into a fresh slug gives the same rules.
    again["slug"] = "wieder"
    path = tmp_path / "wieder.yaml"
    path.write_text(yaml.safe_dump(again, allow_unicode=True), encoding="utf-8")
    run("import", str(path))
    first = list(Rule.objects.filter(standard_set__slug=SLUG).values_list("code", "target"))
    second = list(Rule.objects.filter(standard_set__slug="wieder").values_list("code", "target"))
    assert first == second


def test_import_twice_is_refused_or_skipped():
    run("import", str(EXAMPLE))
    with pytest.raises(CommandError, match="existiert bereits"):
        run("import", str(EXAMPLE))
    assert "nichts geändert" in run("import", str(EXAMPLE), "--if-missing")
    assert StandardSet.objects.count() == 1


def test_broken_file_changes_nothing(tmp_path: Path):
    run("import", str(EXAMPLE))
    document = doc_module.read_file(EXAMPLE)
    document["rules"][2]["target"] = -5
    document["rules"][0]["title"] = "geändert"
    path = tmp_path / "kaputt.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        run("import", str(path), "--replace")
    assert "Regel „mbe-sprachen“ (Nr. 3), Feld „target“" in str(caught.value)
    assert Rule.objects.get(code="mbe-beratung").title != "geändert"


def test_list_and_copy():
    run("import", str(EXAMPLE))
    run("copy", SLUG, "ministerium-entwurf", "--name", "Entwurf des Ministeriums")
    copied = StandardSet.objects.get(slug="ministerium-entwurf")
    assert copied.copied_from.slug == SLUG
    assert copied.status == "draft"
    assert copied.rules.count() == 16
    listing = run("list", "--format", "csv").splitlines()
    assert listing[0] == "slug,name,version,status,rules,assessments,copied_from,label"
    assert any(
        line.startswith(f"ministerium-entwurf,Entwurf des Ministeriums,5,draft,16,0,{SLUG}")
        for line in listing
    )


def test_export_unknown_slug_names_the_known_ones():
    run("import", str(EXAMPLE))
    with pytest.raises(CommandError, match=f"Kein Standardsatz 'gibtsnicht'. Vorhanden: {SLUG}"):
        run("export", "gibtsnicht")
