"""Section 1 of the report: population structure (KomIntAVO § 14 Abs. 2 Satz 1 Nr. 1).

The product holds population and foreign residents (Destatis, by sex, EU-27 / third
countries, continents); it does not hold the migration background (Mikrozensus), so those
figures are gaps and the foreign residents are shown beside them, marked as an approximation.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from integrationsatlas.regions.models import IndicatorValue, Region

from . import sources as src
from .document import Figure, Section, TextGap

TARGET_GROUP = "protection_seekers"  # the closest statistic to KomIntAVO § 12 Abs. 1 Nr. 1-2
CONTINENTS = (
    ("foreign_europe", gettext_noop("Europa")),
    ("foreign_africa", gettext_noop("Afrika")),
    ("foreign_america", gettext_noop("Amerika")),
    ("foreign_asia", gettext_noop("Asien")),
    ("foreign_oceania", gettext_noop("Australien und Ozeanien")),
)


def held(ref: str, label: str, value: IndicatorValue | None, **extra) -> Figure:
    """A figure from an indicator value; a gap when the value is missing."""
    if value is None:
        return Figure(ref, label, None, **extra)
    return Figure(
        ref,
        label,
        value.value,
        source=value.source,
        reference=value.reference_date.strftime("%d.%m.%Y"),
        is_demo=value.is_demo,
        **extra,
    )


def change(ref: str, label: str, region: Region, code: str, year: int, hint: str) -> Figure:
    """Change over the year: needs one value dated in the year and one in the year before."""
    now = src.indicator(region, code, dt.date(year, 12, 31))
    before = src.indicator(region, code, dt.date(year - 1, 12, 31))
    dated = (
        now is not None
        and before is not None
        and now.reference_date.year == year
        and before.reference_date.year == year - 1
    )
    if not dated or now is None or before is None:
        return Figure(ref, label, None, hint=hint)
    return Figure(
        ref,
        label,
        now.value - before.value,
        source=now.source,
        reference=f"{before.reference_date:%d.%m.%Y} – {now.reference_date:%d.%m.%Y}",
        is_demo=now.is_demo or before.is_demo,
    )


def population_section(region: Region, year: int) -> Section:
    end = dt.date(year, 12, 31)
    structure, target = _structure(region, year, end), _target_group(region, year, end)
    return Section(
        number="1",
        title=_("Bevölkerungsstruktur von Menschen mit Migrationshintergrund"),
        basis="KomIntAVO § 14 Abs. 2 Satz 1 Nr. 1",
        intro=_(
            "Das Register hält Einwohner- und Ausländerzahlen, aber keine Zahlen zum "
            "Migrationshintergrund. Ausländerinnen und Ausländer (ohne deutsche "
            "Staatsangehörigkeit) sind als Näherung angegeben; Menschen mit "
            "Migrationshintergrund umfassen auch Eingebürgerte und deren Kinder."
        ),
        figures=structure + target + _origins(region, end),
        texts=[_evaluation()],
        named={"foreign": structure[6], "target_group": target[0]},
    )


def _structure(region: Region, year: int, end: dt.date) -> list[Figure]:
    """Buchst. a: development, age and sex, with and without migration background."""
    ref = "Nr. 1 a"
    mikrozensus = _("aus Mikrozensus oder kommunaler Statistik eintragen")
    approx = {
        "approximate": True,
        "note": _("Ausländerinnen und Ausländer, nicht Migrationshintergrund"),
    }
    return [
        held(ref, _("Bevölkerung insgesamt"), src.indicator(region, "population", end)),
        change(ref, _("Veränderung der Bevölkerung im Berichtsjahr"), region, "population", year,
               _("Einwohnerzahl am 31.12. des Vorjahres und des Berichtsjahres eintragen")),
        Figure(ref, _("Menschen mit Migrationshintergrund"), None, hint=mikrozensus),
        Figure(ref, _("Menschen mit Migrationshintergrund nach Altersgruppen"), None, hint=mikrozensus),
        Figure(ref, _("Menschen mit Migrationshintergrund nach Geschlecht"), None, hint=mikrozensus),
        Figure(ref, _("Menschen ohne Migrationshintergrund nach Alter und Geschlecht (Vergleich)"),
               None, hint=mikrozensus),
        held(ref, _("Ausländerinnen und Ausländer insgesamt"),
             src.indicator(region, "foreign_population", end), **approx),
        change(ref, _("Veränderung der Zahl der Ausländerinnen und Ausländer im Berichtsjahr"),
               region, "foreign_population", year,
               _("Zahl am 31.12. des Vorjahres aus der Ausländerstatistik eintragen")),
        held(ref, _("Ausländerinnen und Ausländer: männlich"),
             src.indicator(region, "foreign_male", end), **approx),
        held(ref, _("Ausländerinnen und Ausländer: weiblich"),
             src.indicator(region, "foreign_female", end), **approx),
        held(ref, _("Ausländerinnen und Ausländer: Staatsangehörigkeit EU-27"),
             src.indicator(region, "foreign_eu27", end), **approx),
        held(ref, _("Ausländerinnen und Ausländer: Drittstaaten"),
             src.indicator(region, "foreign_third_country", end), **approx),
        Figure(ref, _("Ausländerinnen und Ausländer nach Altersgruppen"), None,
               hint=_("aus der Ausländerstatistik (Ausländerzentralregister) eintragen")),
    ]  # fmt: skip


def _target_group(region: Region, year: int, end: dt.date) -> list[Figure]:
    """Buchst. b: the target group of Flüchtlingssozialarbeit (KomIntAVO § 12 Abs. 1)."""
    ref = "Nr. 1 b"
    hint = _("aufzunehmende Ausländerinnen und Ausländer (SächsFlüAG § 5) und Geduldete "
             "(§§ 60a-60d AufenthG) aus der Statistik der Ausländerbehörde eintragen")  # fmt: skip
    value = src.indicator(region, TARGET_GROUP, end)
    note = _("Schutzsuchende (Näherung für den Personenkreis)")
    return [
        held(ref, _("Personenkreis nach § 12 Abs. 1 Nr. 1 und 2 KomIntAVO: Bestand"), value,
             hint=hint, note=note if value else "", approximate=value is not None),
        change(ref, _("Zu- oder Abnahme dieses Personenkreises im Berichtsjahr"), region,
               TARGET_GROUP, year, hint),
    ]  # fmt: skip


def _origins(region: Region, end: dt.date) -> list[Figure]:
    """Buchst. c: the ten most frequent countries of origin; continents as an approximation."""
    ref = "Nr. 1 c"
    figures = [
        Figure(ref, _("Die zehn häufigsten Herkunftsländer mit Anzahl"), None,
               hint=_("Länder und Zahlen aus der Ausländerstatistik oder dem Melderegister "
                      "eintragen"))
    ]  # fmt: skip
    note = _("Erdteil der Staatsangehörigkeit, keine Länder")
    for code, name in CONTINENTS:
        value = src.indicator(region, code, end)
        if value is not None:
            label = _("Ausländerinnen und Ausländer aus %(continent)s") % {"continent": _(name)}
            figures.append(held(ref, label, value, approximate=True, note=note))
    return figures


def _evaluation() -> TextGap:
    return TextGap(
        _("Auswertung der Bevölkerungsstruktur"),
        "KomIntAVO § 14 Abs. 2 Satz 2",
        _("Entwicklung im Berichtsjahr einordnen: Zuzug, Wegzug, Altersstruktur, Herkunft."),
    )
