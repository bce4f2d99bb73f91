"""load-regions and the target group of Flüchtlingssozialarbeit: a real file replaces the demo; bad rows refused."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from integrationsatlas.regions.models import IndicatorValue

from .datasets import snapshot, write_dataset

pytestmark = pytest.mark.django_db


def row(ags: str, value: str, is_demo: str = "no", when: str = "2025-12-31") -> dict:
    return {"ags": ags, "reference_date": when, "fsa_target_group": value, "is_demo": is_demo}


def test_a_real_figure_is_loaded_without_the_demo_mark(tmp_path):
    folder = write_dataset(
        tmp_path / "real", target_rows=[row("14612", "700"), row("14625", "300", "yes")]
    )
    call_command("load_regions", data_dir=folder, stdout=io.StringIO())
    dresden = IndicatorValue.objects.get(region_id="14612", code="fsa_target_group")
    assert (dresden.value, dresden.is_demo) == (700, False)
    assert IndicatorValue.objects.get(region_id="14625", code="fsa_target_group").is_demo
    land = IndicatorValue.objects.get(region_id="14", code="fsa_target_group")
    # The Land is the sum of its Kreise, demo because one part is.
    assert (land.value, land.is_demo) == (1000, True)
    assert "Summe der Kreise" in land.source


def test_bad_rows_are_named_and_nothing_is_loaded(tmp_path):
    folder = write_dataset(
        tmp_path / "bad",
        target_rows=[
            row("14625020", "5"),
            row("14612", "-3"),
            row("14625", "4", "vielleicht"),
            row("14625", "4", when="31.12.2025"),
        ],
    )
    before = snapshot()
    with pytest.raises(CommandError) as caught:
        call_command("load_regions", data_dir=folder, stdout=io.StringIO())
    assert snapshot() == before
    message = str(caught.value)
    name = "sachsen-fsa-zielgruppe-kreise.csv"
    assert f"{name}, Zeile 2 (AGS 14625020): kein geladener Kreis." in message
    assert f"{name}, Zeile 3 (AGS 14612), Spalte fsa_target_group: keine nicht-negative" in message
    assert f"{name}, Zeile 4 (AGS 14625), Spalte is_demo: yes oder no erwartet." in message
    assert f"{name}, Zeile 5 (AGS 14625): Stichtag ist kein Datum JJJJ-MM-TT." in message
