"""Values as Kreis lists write them (German language names, "Mo-Fr 9-12 Uhr", www.…) in the template's form.

Each function returns the template's notation where it understands the text, and the text
unchanged where it does not, so the template's own checks name the row, the column and the
value that could not be read.
"""

from __future__ import annotations

import re
from functools import cache

from integrationsatlas.registry.languages import language_names
from integrationsatlas.registry.models import Service

_LIST_SPLIT = re.compile(r"\s*(?:[,;/|+&]|\bund\b|\n)\s*", re.IGNORECASE)

# Names used in lists that are not the register's German names (see languages.yaml).
_LANGUAGE_ALIASES = {
    "farsi": "fa",
    "persisch": "fa",
    "kurdisch": "ku",
    "sorani": "ckb",
    "kurmandschi": "kmr",
    "kurmanci": "kmr",
    "gebärdensprache": "gsg",
    "dgs": "gsg",
    "tigrinja": "ti",
    "bosnisch": "bs",
    "serbokroatisch": "sh",
}

_TARGET_GROUP_ALIASES = {
    "alle": "all",
    "zugewanderte": "all",
    "migranten": "all",
    "migrantinnen": "all",
    "geflüchtete": "refugees",
    "flüchtlinge": "refugees",
    "asylsuchende": "refugees",
    "schutzsuchende": "refugees",
    "eu-bürger": "eu_citizens",
    "eu-bürgerinnen": "eu_citizens",
    "fachkräfte": "workers",
    "arbeitnehmer": "workers",
    "beschäftigte": "workers",
    "familien": "families",
    "eltern": "families",
    "kinder": "children",
    "jugendliche": "youth",
    "junge menschen": "youth",
    "erwachsene": "adults",
    "frauen": "women",
}


def split_list(text: str) -> list[str]:
    return [part.strip() for part in _LIST_SPLIT.split(text or "") if part.strip()]


@cache
def _language_lookup() -> dict[str, str]:
    lookup = {name.lower(): code for code, name in language_names().items()}
    lookup.update({code: code for code in language_names()})
    lookup.update(_LANGUAGE_ALIASES)
    return lookup


def languages(text: str) -> str:
    """`Deutsch, Arabisch und Farsi` -> `de|ar|fa`; an unknown name stays for the checker."""
    lookup = _language_lookup()
    return "|".join(lookup.get(part.lower(), part) for part in split_list(text))


def target_groups(text: str) -> str:
    """`Familien, Geflüchtete` -> `families|refugees`; German labels and codes are understood."""
    lookup = {str(label).lower(): value for value, label in Service.TargetGroup.choices}
    lookup.update({value: value for value in Service.TargetGroup.values})
    lookup.update(_TARGET_GROUP_ALIASES)
    return "|".join(lookup.get(part.lower(), part) for part in split_list(text))


def offer_type(text: str, names: dict[str, str]) -> str:
    """An offer type given by code or by German name (`names`: lower-case name -> code)."""
    value = (text or "").strip()
    return names.get(value.lower(), value)


def website(text: str) -> str:
    """`www.beispiel.de` -> `https://www.beispiel.de`; a written scheme is kept."""
    value = (text or "").strip()
    if value and "://" not in value and re.match(r"^[\w.-]+\.[a-z]{2,}(/\S*)?$", value, re.I):
        return f"https://{value}"
    return value


def postal_code(text: str) -> str:
    """Excel drops the leading zero of Saxon codes (01067 -> 1067): put it back."""
    value = (text or "").strip()
    if value.endswith(".0"):
        value = value[:-2]
    return value.zfill(5) if value.isdigit() and len(value) == 4 else value


def address(street: str, number: str) -> str:
    return " ".join(part.strip() for part in (street, number) if part and part.strip())


# --- opening hours ---------------------------------------------------------------------------

_DAYS = ("mo", "di", "mi", "do", "fr", "sa", "so")
_DAY = r"(?:mo|di|mi|do|fr|sa|so)[a-zäöü]*\.?"
_DAY_LIST = rf"{_DAY}(?:\s*(?:-|–|bis|,|/|und|\+|&)\s*{_DAY})*"
_TIME = r"\d{1,2}(?:[:.]\d{2})?"
_INTERVAL = rf"{_TIME}\s*(?:uhr)?\s*(?:-|–|bis)\s*{_TIME}\s*(?:uhr)?"
_BLOCK = re.compile(
    rf"({_DAY_LIST})\s*:?\s*({_INTERVAL}(?:\s*(?:,|und|&|/)\s*{_INTERVAL})*)", re.IGNORECASE
)
_INTERVAL_PARTS = re.compile(
    r"(\d{1,2})(?:[:.](\d{2}))?\s*(?:uhr)?\s*(?:-|–|bis)\s*(\d{1,2})(?:[:.](\d{2}))?",
    re.IGNORECASE,
)


def _day_index(word: str) -> int:
    word = word.lower().rstrip(".")
    return 5 if word.startswith("sonnab") else _DAYS.index(word[:2])


def _days(text: str) -> list[int]:
    """`Mo-Fr` -> 0..4, `Mo, Mi und Fr` -> 0, 2, 4 (Monday = 0)."""
    days: list[int] = []
    tokens = re.findall(rf"{_DAY}|-|–|bis", text, re.IGNORECASE)
    pending_range = False
    for token in tokens:
        if token.lower() in ("-", "–", "bis"):
            pending_range = bool(days)
            continue
        day = _day_index(token)
        if pending_range:
            days += range(days[-1] + 1, day + 1)
        else:
            days.append(day)
        pending_range = False
    return list(dict.fromkeys(days))


def hours(text: str) -> str:
    """`Mo-Fr 9-12 Uhr, Di 13.00-16.00` -> `Mo 09:00-12:00; Di 09:00-12:00; …; Di 13:00-16:00`.

    Returned unchanged when any part is left over that is neither a day nor a time (such as
    "nach Vereinbarung"): the import then reports the cell instead of dropping a part of it.
    """
    value = (text or "").strip()
    blocks = list(_BLOCK.finditer(value))
    rest = _BLOCK.sub(" ", value)
    if not blocks or re.search(r"[^\s,;/&+.]", re.sub(r"\bund\b", " ", rest, flags=re.I)):
        return value
    items = []
    for block in blocks:
        for day in _days(block.group(1)):
            for h1, m1, h2, m2 in _INTERVAL_PARTS.findall(block.group(2)):
                opens = f"{int(h1):02d}:{m1 or '00'}"
                closes = f"{int(h2):02d}:{m2 or '00'}"
                items.append(f"{_DAYS[day].capitalize()} {opens}-{closes}")
    return "; ".join(items)
