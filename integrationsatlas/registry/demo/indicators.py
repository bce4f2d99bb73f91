"""Demo indicator values, written only where no real figure exists: children and main languages.

Real `children_under_6` per Kreis ship with the region data (data/sachsen-kinder-kreise.csv);
then nothing is written here and the engine apportions the Kreis figures to Gemeinden. The
main languages of the foreign population have no open official source per Kreis, so their
demo values stay. Every row written here has `is_demo=True` and a source starting "Demo:".
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import numpy as np

from integrationsatlas.regions.models import IndicatorValue, Region

DEMO_SOURCE_PREFIX = "Demo:"
LANGUAGE_PREFIX = "foreign_language_"
#: Illustrative main-language shares of the foreign population for the demo `languages`
#: figures (not measured; the rest, about 15 %, stands for languages not listed).
DEMO_LANGUAGE_SHARES = {
    "uk": 0.20,
    "ar": 0.10,
    "ru": 0.08,
    "pl": 0.07,
    "ro": 0.06,
    "vi": 0.06,
    "tr": 0.05,
    "fa": 0.05,
    "en": 0.04,
    "cs": 0.04,
    "ku": 0.03,
    "prs": 0.03,
    "ti": 0.02,
    "fr": 0.02,
}


def demo_children(population_by_ags: dict[str, float], rng: np.random.Generator) -> int:
    """Demo `children_under_6` per Gemeinde, Kreis and Land, only if no real value is loaded."""
    IndicatorValue.objects.filter(code="children_under_6", is_demo=True).delete()
    if IndicatorValue.objects.filter(code="children_under_6", is_demo=False).exists():
        return 0
    reference = IndicatorValue.objects.filter(code="population").order_by("-reference_date").first()
    reference_date = reference.reference_date if reference else date(2023, 12, 31)
    source = (
        f"{DEMO_SOURCE_PREFIX} geschätzt als rund 5 % der Einwohnerzahl, "
        "keine amtliche Zahl (Integrationsatlas load-demo)"
    )
    values: dict[str, float] = defaultdict(float)
    for ags in sorted(a for a in population_by_ags if len(a) == 8):
        value = round(population_by_ags[ags] * float(rng.uniform(0.042, 0.058)))
        values[ags] = value
        values[ags[:5]] += value
        values[ags[:2]] += value
    known = set(Region.objects.values_list("ags", flat=True))
    rows = [
        IndicatorValue(
            region_id=ags,
            code="children_under_6",
            reference_date=reference_date,
            value=float(value),
            source=source,
            is_demo=True,
        )
        for ags, value in sorted(values.items())
        if ags in known
    ]
    IndicatorValue.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def demo_languages() -> int:
    """Demo `foreign_language_<iso>` per Kreis: the real foreign population times fixed shares.

    There is no open official figure of the foreign population by main language per Kreis;
    these stand in so the `languages` rule can be shown. Real figures (is_demo=False) for a
    code leave that code alone; loading again replaces only demo rows.
    """
    real = set(
        IndicatorValue.objects.filter(code__startswith=LANGUAGE_PREFIX, is_demo=False)
        .values_list("code", flat=True)
        .distinct()
    )
    newest: dict[str, IndicatorValue] = {}
    for value in IndicatorValue.objects.filter(
        code="foreign_population", region__level=Region.Level.KREIS
    ).order_by("reference_date"):
        newest[value.region_id] = value
    shares = ", ".join(f"{code} {share:.0%}" for code, share in DEMO_LANGUAGE_SHARES.items())
    source = (
        f"{DEMO_SOURCE_PREFIX} ausländische Einwohner (foreign_population) mal feste "
        f"Beispielanteile je Hauptsprache ({shares}; übrige Sprachen nicht aufgeführt), "
        "keine amtliche Zahl (Integrationsatlas load-demo)"
    )
    rows = [
        IndicatorValue(
            region_id=ags,
            code=f"{LANGUAGE_PREFIX}{code}",
            reference_date=foreign.reference_date,
            value=float(round(foreign.value * share)),
            source=source,
            is_demo=True,
        )
        for ags, foreign in sorted(newest.items())
        for code, share in DEMO_LANGUAGE_SHARES.items()
        if f"{LANGUAGE_PREFIX}{code}" not in real
    ]
    IndicatorValue.objects.filter(code__startswith=LANGUAGE_PREFIX, is_demo=True).delete()
    IndicatorValue.objects.bulk_create(rows, batch_size=500)
    return len(rows)
