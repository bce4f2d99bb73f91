"""Children per Kreis (Kita demand): the shipped figures with source and date, and bad input refused."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from integrationsatlas.regions.models import IndicatorValue

from .datasets import good_children_rows, snapshot, write_dataset

pytestmark = pytest.mark.django_db

KREISE = ["14511", "14521", "14522", "14523", "14524", "14612", "14625", "14626", "14627"]
KREISE += ["14628", "14713", "14729", "14730"]


def value(ags: str, code: str) -> IndicatorValue:
    return IndicatorValue.objects.get(region_id=ags, code=code)


def test_shipped_children_per_kreis_with_source_and_date():
    under_3 = IndicatorValue.objects.filter(region_id__in=KREISE, code="children_under_3")
    assert under_3.count() == 13
    assert sum(v.value for v in under_3) == 80_804
    dresden = value("14612", "children_under_6")
    assert dresden.value == 12_681 + 15_318
    assert dresden.reference_date == date(2023, 12, 31)
    assert "12411-02-03-4" in dresden.source and "dl-de/by-2-0" in dresden.source
    assert "unter 3 und 3 bis unter 6" in dresden.source
    assert not dresden.is_demo
    land = value("14", "children_under_6")
    assert land.value == 80_804 + 102_586
    assert "Summe der Kreise" in land.source
    # Only Kreis figures are shipped; Gemeinden get estimates in the engine, marked there.
    assert not IndicatorValue.objects.filter(region_id="14625020", code="children_under_6")


def refused(folder) -> str:
    before = snapshot()
    with pytest.raises(CommandError) as caught:
        call_command("load_regions", data_dir=folder, stdout=io.StringIO())
    assert snapshot() == before
    return str(caught.value)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"children_under_3": "viele"}, "Zeile 2 (AGS 14612), Spalte children_under_3"),
        ({"children_3_to_6": "-5"}, "Spalte children_3_to_6: keine nicht-negative ganze Zahl"),
        ({"ags": "14999"}, "Kreis 14999 ist kein Kreis der geladenen Gemeinden"),
        ({"ags": "146"}, "kein gültiger 5-stelliger Kreisschlüssel"),
        ({"reference_date": "31.12.2023"}, "Stichtag ist kein Datum JJJJ-MM-TT"),
    ],
)
def test_bad_row_is_named_and_nothing_is_written(tmp_path, change, expected):
    rows = good_children_rows()
    rows[0] = {**rows[0], **change}
    message = refused(write_dataset(tmp_path / "bad", children_rows=rows))
    assert "sachsen-kinder-kreise.csv" in message and expected in message


def test_duplicate_kreis_and_missing_column(tmp_path):
    rows = good_children_rows()
    message = refused(write_dataset(tmp_path / "dup", children_rows=[*rows, rows[1]]))
    assert "Zeile 4 (AGS 14625): Kreis doppelt, schon in Zeile 3" in message
    folder = write_dataset(tmp_path / "col")
    (folder / "sachsen-kinder-kreise.csv").write_text("ags,reference_date\n14612,2023-12-31\n")
    assert "Spalten fehlen: children_3_to_6, children_under_3" in refused(folder)


def test_children_file_is_optional(tmp_path):
    folder = write_dataset(tmp_path / "without")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    del manifest["children"]
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    call_command("load_regions", data_dir=folder, stdout=io.StringIO())
    assert value("14612", "population").value == 50_000
