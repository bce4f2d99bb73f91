"""The Saxon integration law as data: its paragraphs, the Fördergegenstände, citation checks.

Texts: Sächsisches Integrations- und Teilhabegesetz (SächsIntG, 2024), Kommunalintegrations-
arbeitsverordnung (KomIntAVO) and Sächsisches Flüchtlingsaufnahmegesetz (SächsFlüAG), as
published on REVOSax (snapshot May 2025). A standard set or an allocation that cites a
paragraph these laws do not have is refused with a message naming it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Paragraph number -> heading, per law (abbreviation as the law itself uses it).
PARAGRAPHS: dict[str, dict[str, str]] = {
    "SächsIntG": {
        "1": "Gesetzesziel",
        "2": "Geltungsbereich",
        "3": "Sprache, Bildung und Teilhabe",
        "4": "Anspruchsausschluss",
        "5": "Begriffsbestimmungen",
        "6": "Integrationsbehörden",
        "7": "Stärkung migrationsgesellschaftlicher Kompetenz",
        "8": "Repräsentanz von Menschen mit Migrationshintergrund",
        "9": "Maßnahmen zur Unterstützung der beruflichen Integration",
        "10": "Maßnahmen zur Unterstützung der gesellschaftlichen Integration",
        "11": "Kommunale Integrationsarbeit",
        "12": "Kommunales Integrationsmanagement",
        "13": "Flüchtlingssozialarbeit und Rückkehrberatung",
        "14": "Kommunale Integrationsberatung",
        "15": "Einbeziehung der freien Träger",
        "16": "Beteiligung in Gremien",
        "17": "Landesbeirat für Integration und Teilhabe",
        "18": "Kommunale Beiräte für Integration und Teilhabe",
        "19": "Hauptamtliche kommunale Beauftragte für Integration und Teilhabe",
        "20": "Grundsatz",
        "21": "Wahl",
        "22": "Aufgaben und Befugnisse",
        "23": "Rechtsstellung",
        "24": "Geschäftsstelle",
        "25": "Sächsischer Integrations- und Teilhabebericht",
        "26": "Kommunale Integrations- und Teilhabeberichte",
        "27": "Übergangsvorschrift",
        "28": "Evaluation",
    },
    "KomIntAVO": {
        "1": "Zuweisung für die kommunale Integrationsarbeit",
        "2": "Begriffsbestimmungen",
        "3": "Förderfähige Ausgaben",
        "4": "Berechnung der Zuweisung, Zuweisungsverfahren",
        "5": "Auszahlung und Verwendung",
        "6": "Weiterleitung der Zuweisung",
        "7": "Verwendungsnachweis",
        "8": "Aufhebung der Bewilligung",
        "9": "Kommunales Integrationsmanagement",
        "10": "Kommunales Integrationskonzept",
        "11": "Kommunale Integrationsberatung",
        "12": "Flüchtlingssozialarbeit",
        "13": "Rückkehrberatung",
        "14": "Kommunale Integrations- und Teilhabeberichte",
    },
    "SächsFlüAG": {
        "1": "Anwendungsbereich",
        "2": "Unterbringungsbehörden",
        "3": "Einrichtungen der Unterbringung",
        "4": "Ausreiseeinrichtungen",
        "5": "Aufzunehmende Ausländer",
        "6": "Aufnahme und Verteilung",
        "7": "Zuweisungen",
        "8": "Länderübergreifende Verteilungen",
        "10": "Kostenerstattung bis 2018",
        "10a": "Kostenerstattung ab 2019",
        "11": "Datenverarbeitung",
        "12": "Verordnungsermächtigungen",
        "13": "Einschränkung eines Grundrechts",
        "14": "Sonderpauschale für das Jahr 2016",
    },
}


@dataclass(frozen=True)
class Purpose:
    """A Fördergegenstand of § 1 Abs. 1 KomIntAVO: what one Verteilungsmasse pays for."""

    code: str
    number: int
    name: str
    offer_types: tuple[str, ...]

    @property
    def citation(self) -> str:
        return f"§ 1 Abs. 1 Nr. {self.number} KomIntAVO"


#: The five Fördergegenstände, each allocated by the same population key (§ 1 Abs. 2).
PURPOSES: dict[str, Purpose] = {
    p.code: p
    for p in (
        Purpose("integrationsmanagement", 1, "Kommunales Integrationsmanagement",
                ("integration_management",)),
        Purpose("integrationsberatung", 2, "Kommunale Integrationsberatung",
                ("integration_counselling_centre",)),
        Purpose("teilhabeberichte", 3, "Kommunale Integrations- und Teilhabeberichte", ()),
        Purpose("beauftragte", 4, "Beauftragte für Integration und Teilhabe",
                ("integration_commissioner",)),
        Purpose("fluechtlingssozialarbeit", 5,
                "Flüchtlingssozialarbeit einschließlich Rückkehrberatung",
                ("refugee_social_work", "return_counselling")),
    )
}  # fmt: skip

_LAW = "|".join(re.escape(name) for name in PARAGRAPHS)
_PARAGRAPH = r"(\d+[a-z]?)"
# "§ 12 Abs. 5 KomIntAVO", "§§ 17-18 SächsIntG" (first number checked), "KomIntAVO § 12".
_DETAIL = r"(?:\s*(?:Abs\.|Absatz|Satz|S\.|Nr\.|Nummer)\s*\d+[a-z]?)*"
_BEFORE = re.compile(rf"§§?\s*{_PARAGRAPH}(?:\s*[-–,]\s*\d+[a-z]?)*{_DETAIL}\s+({_LAW})\b")
_AFTER = re.compile(rf"\b({_LAW})\s*§§?\s*{_PARAGRAPH}")
_RANGE = re.compile(rf"§§\s*{_PARAGRAPH}\s*[-–]\s*{_PARAGRAPH}{_DETAIL}\s+({_LAW})\b")


def citations(text: str) -> list[tuple[str, str]]:
    """(law, paragraph) for every citation of SächsIntG, KomIntAVO or SächsFlüAG in `text`."""
    found = [(law, number) for number, law in _BEFORE.findall(text)]
    found += [(law, number) for law, number in _AFTER.findall(text)]
    found += [(law, last) for _first, last, law in _RANGE.findall(text)]
    return found


def unknown_citations(text: str) -> list[str]:
    """Citations in `text` of a paragraph the law does not have, as German phrases."""
    return [
        f"§ {number} {law} gibt es nicht ({law} hat §§ {_span(law)})"
        for law, number in citations(text)
        if number not in PARAGRAPHS[law]
    ]


def _span(law: str) -> str:
    numbers = list(PARAGRAPHS[law])
    return f"{numbers[0]}–{numbers[-1]}"


def purpose(code: str) -> Purpose:
    """The Fördergegenstand by code; ValueError naming the known ones otherwise."""
    try:
        return PURPOSES[code]
    except KeyError:
        known = ", ".join(f"{p.code} ({p.citation})" for p in PURPOSES.values())
        raise ValueError(f"Unbekannter Fördergegenstand {code!r}; bekannt: {known}.") from None
