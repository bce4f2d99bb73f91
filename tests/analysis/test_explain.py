"""German number formatting and explanation sentences."""

from __future__ import annotations

import pytest

from integrationsatlas.analysis.explain import format_de, percent_de, ratio_sentence


@pytest.mark.parametrize(
    ("x", "text"),
    [
        (13_460, "13.460"),
        (0.26, "0,26"),
        (3.5, "3,5"),
        (0.0012, "0,0012"),
        (1_234_567.891, "1.234.567,89"),
        (-0.0, "0"),
        (float("nan"), "unbekannt"),
    ],
)
def test_format_de(x: float, text: str) -> None:
    assert format_de(x) == text


def test_percent_de() -> None:
    assert percent_de(0.905) == "90,5 %"


def test_ratio_sentence_example_from_the_brief() -> None:
    got = ratio_sentence(3.5, "Beratungs-VZÄ", 13_460, "foreign_population", 3.5 / 13.46, 0.5)
    assert (
        got
        == "3,5 Beratungs-VZÄ für 13.460 ausländische Einwohner ergeben 0,26 je 1.000; Ziel 0,5."
    )
