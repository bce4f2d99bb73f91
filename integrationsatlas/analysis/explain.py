"""German explanation sentences for assessment rows, with German number formatting.

The engine returns one German sentence per row (German is the primary
language). All wording sits here, so the Django side can swap it for gettext later.
"""

from __future__ import annotations

import datetime as dt
import math

#: German names of supply units (offer type ``unit of supply``) and of the derived units.
UNIT_DE = {
    "fte": "VZÄ",
    "places": "Plätze",
    "sites": "Standorte",
    "hours_per_week": "Wochenstunden",
    "bodies": "Gremien",
    "services": "Angebote",
    "persons": "Personen",
    "languages": "Sprachen",
}
#: German names of demand indicators; an unknown code is shown as it is.
INDICATOR_DE = {
    "population": "Einwohner",
    "foreign_population": "ausländische Einwohner",
    "foreign_eu27": "EU-Bürgerinnen und -Bürger",
    "foreign_third_country": "Drittstaatsangehörige",
    "foreign_employees": "ausländische sozialversicherungspflichtig Beschäftigte",
    "protection_seekers": "Schutzsuchende",
    "children_under_6": "Kinder unter 6 Jahren",
    "fsa_target_group": "Personen der Zielgruppe der Flüchtlingssozialarbeit",
}


_SWAP_SEPARATORS = str.maketrans(",.", ".,")


def format_de(x: float, decimals: int | None = None) -> str:
    """German number: '.' groups thousands, ',' marks decimals; trailing zeros dropped.

    ``decimals`` defaults to 2, or more for small numbers so two significant digits show
    (0,0012). 13460 -> "13.460", 0.26 -> "0,26", 3.5 -> "3,5". NaN -> "unbekannt".
    """
    if not math.isfinite(x):
        return "unbekannt"
    if decimals is None:
        decimals = 2 if x == 0 or abs(x) >= 0.1 else 1 - math.floor(math.log10(abs(x)))
    text = f"{x:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    text = text.translate(_SWAP_SEPARATORS)
    return "0" if text == "-0" else text


def percent_de(share: float) -> str:
    """Share 0..1 as a German percentage with at most one decimal: 0.905 -> "90,5 %"."""
    return f"{format_de(share * 100.0, 1)} %"


def indicator_de(code: str) -> str:
    """German name of a demand indicator code."""
    return INDICATOR_DE.get(code, code)


def unit_de(code: str) -> str:
    """German name of a unit code."""
    return UNIT_DE.get(code, code)


def ratio_sentence(
    supply: float, label: str, demand: float, indicator: str, value: float, target: float
) -> str:
    """'3,5 Beratungs-VZÄ für 13.460 ausländische Einwohner ergeben 0,26 je 1.000; Ziel 0,5.'"""
    return (
        f"{format_de(supply)} {label} für {format_de(demand, 0)} {indicator_de(indicator)} "
        f"ergeben {format_de(value)} je 1.000; Ziel {format_de(target)}."
    )


def catchment_sentence(
    supply: float, label: str, demand: float, indicator: str, value: float, target: float, km: float
) -> str:
    """Spatial ratio (2SFCA) sentence."""
    return (
        f"Im Einzugsbereich von {format_de(km)} km erreichen {format_de(demand, 0)} "
        f"{indicator_de(indicator)} zusammen {format_de(supply)} {label} (2SFCA), "
        f"{format_de(value)} je 1.000; Ziel {format_de(target)}."
    )


def catchment_transit_sentence(
    supply: float,
    label: str,
    demand: float,
    indicator: str,
    value: float,
    target: float,
    minutes: float,
    basis: str,
) -> str:
    """Spatial ratio (2SFCA) by travel time with bus and train."""
    return (
        f"Erreichbar in höchstens {format_de(minutes)} Minuten {basis}: "
        f"{format_de(demand, 0)} {indicator_de(indicator)} erreichen zusammen "
        f"{format_de(supply)} {label} (2SFCA), {format_de(value)} je 1.000; "
        f"Ziel {format_de(target)}."
    )


def hours_sentence(hours: float, demand: float, indicator: str, value: float, target: float) -> str:
    """Opening hours per 1,000 demand."""
    return (
        f"{format_de(hours)} Öffnungsstunden pro Woche für {format_de(demand, 0)} "
        f"{indicator_de(indicator)} ergeben {format_de(value)} je 1.000; Ziel {format_de(target)}."
    )


def presence_sentence(count: float, target: float) -> str:
    """Number of active services in or serving the region."""
    noun = "aktives Angebot" if count == 1 else "aktive Angebote"
    return f"{format_de(count, 0)} {noun} im Gebiet oder für das Gebiet; Ziel {format_de(target)}."


def reach_sentence(
    reached: float, total: float, indicator: str, value: float, target: float, km: float
) -> str:
    """Share of demand within d km of the nearest service."""
    return (
        f"{format_de(reached, 0)} von {format_de(total, 0)} {indicator_de(indicator)} "
        f"({percent_de(value)}) wohnen höchstens {format_de(km)} km Luftlinie vom nächsten "
        f"Angebot entfernt; Ziel {percent_de(target)}."
    )


def reach_transit_sentence(
    reached: float,
    total: float,
    indicator: str,
    value: float,
    target: float,
    minutes: float,
    basis: str,
) -> str:
    """Share of demand that reaches the nearest service within m minutes by bus and train."""
    return (
        f"{format_de(reached, 0)} von {format_de(total, 0)} {indicator_de(indicator)} "
        f"({percent_de(value)}): nächstes Angebot erreichbar in höchstens "
        f"{format_de(minutes)} Minuten {basis}; Ziel {percent_de(target)}."
    )


def no_timetable_sentence(minutes: float) -> str:
    """A transit rule judged by the straight line because no timetable is loaded."""
    return (
        f"Kein Fahrplan geladen: statt „erreichbar in höchstens {format_de(minutes)} Minuten "
        "mit Bus und Bahn“ gilt hier die Luftlinie."
    )


def transit_note(minutes: float, basis: str) -> str:
    """What a row without a value or a summary row of a transit rule was judged by."""
    return f"Maßstab: erreichbar in höchstens {format_de(minutes)} Minuten {basis}."


def languages_sentence(
    covered: float, total: float, value: float, target: float, languages: str = ""
) -> str:
    """Share of foreign population whose main language a service speaks; `languages` names
    the main languages the rule is limited to (empty: every language with a figure)."""
    who = f"mit Hauptsprache {languages}" if languages else "mit bekannter Sprache"
    return (
        f"Die Angebote sprechen die Hauptsprache von {format_de(covered, 0)} der "
        f"{format_de(total, 0)} ausländischen Einwohner {who} "
        f"({percent_de(value)}); Ziel {percent_de(target)}."
    )


def reliability_sentence(
    secured: float,
    total: float,
    label: str,
    value: float,
    target: float,
    months: int,
    reference: dt.date,
) -> str:
    """Share of supply funded at least m months past the reference date."""
    if total == 0:
        return f"Kein Angebot mit Finanzierungsdaten, also nichts gesichert; Ziel {percent_de(target)}."
    return (
        f"{format_de(secured)} von {format_de(total)} {label} ({percent_de(value)}) sind über "
        f"den {reference:%d.%m.%Y} hinaus mindestens {months} Monate finanziert; "
        f"Ziel {percent_de(target)}."
    )


def counted_gap_sentence(kind: str, persons: float, count: float) -> str:
    """What closing a reach or languages gap takes: persons missing and the priced count."""
    if kind == "reach":
        noun = "zusätzlicher Standort" if count == 1 else "zusätzliche Standorte"
        return (
            f"Bis zum Ziel fehlen {format_de(persons, 0)} Personen; dafür höchstens "
            f"{format_de(count, 0)} {noun} (je einer in einer unversorgten Gemeinde, "
            "größte zuerst)."
        )
    noun = "weitere Sprache" if count == 1 else "weitere Sprachen"
    return (
        f"Bis zum Ziel fehlen {format_de(persons, 0)} Personen; dafür {format_de(count, 0)} "
        f"{noun} im Angebot (größte Sprachgruppen zuerst)."
    )


def no_data_sentence(reason: str) -> str:
    """Row without a value: say what is missing."""
    return f"Keine Angabe: {reason}."


def summary_sentence(
    by: str, met: float, known: float, unknown: int, share: float, target: float
) -> str:
    """Summary row of a rule judged on finer regions (levels.summarise)."""
    if by == "population":
        text = (
            f"{percent_de(share)} der Einwohner ({format_de(met, 0)} von {format_de(known, 0)}) "
            "leben in Gemeinden, in denen die Regel erfüllt ist"
        )
    else:
        text = (
            f"In {format_de(met, 0)} von {format_de(known, 0)} Gemeinden ist die Regel erfüllt "
            f"({percent_de(share)})"
        )
    text += f"; Ziel: {percent_de(target)}. Die Regel wird je Gemeinde bewertet."
    if unknown:
        text += f" {unknown} Gemeinden ohne Daten sind nicht mitgezählt."
    return text + " Fehlbedarf und Kosten: Summe der Gemeinden."


def parent_sentence(key: str, level: str, text: str) -> str:
    """Row that shows the enclosing region's result (levels.inherit), not recomputed here."""
    level_de = {"kreis": "Kreis", "land": "Land", "gemeinde": "Gemeinde"}.get(level, level)
    return (
        f"Ergebnis für {level_de} {key} (die Regel wird je {level_de} bewertet, nicht hier "
        f"neu berechnet; Fehlbedarf und Kosten zählen einmal, beim {level_de}): {text}"
    )
