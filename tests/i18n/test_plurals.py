"""Counts read right in every language: each plural entry has all the forms its language needs.

Arabic has six forms (zero, one, two, few 3–10, many 11–99, other 100+), Russian and Ukrainian
three (one: 1, 21; few: 2–4, 22–24; many: 0, 5–20, 25–30), German, English, Persian and Turkish
two. A plural entry with a missing or copied form makes "3 services" read "3 service".
"""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings

from .test_catalogues_current import LOCALE, parse_po

LANGUAGES = [code for code, _ in settings.LANGUAGES]
NPLURALS = {"de": 2, "en": 2, "ar": 6, "ru": 3, "uk": 3, "fa": 2, "tr": 2}
# Which form each number takes (the Unicode CLDR plural categories, as gettext indexes them).
FORM_OF = {
    "ar": {0: 0, 1: 1, 2: 2, 3: 3, 10: 3, 11: 4, 99: 4, 100: 5, 101: 5, 102: 5, 103: 3, 111: 4},
    "ru": {1: 0, 21: 0, 101: 0, 2: 1, 4: 1, 22: 1, 0: 2, 5: 2, 11: 2, 12: 2, 14: 2, 111: 2},
    "uk": {1: 0, 21: 0, 101: 0, 2: 1, 4: 1, 22: 1, 0: 2, 5: 2, 11: 2, 12: 2, 14: 2, 111: 2},
    "de": {1: 0, 0: 1, 2: 1, 21: 1},
    "en": {1: 0, 0: 1, 2: 1, 21: 1},
    "fa": {0: 0, 1: 0, 2: 1, 21: 1},
    "tr": {0: 0, 1: 0, 2: 1, 21: 1},
}
# Forms that must differ in every entry: the noun changes between them in these languages.
DISTINCT = {"ar": [(1, 2), (1, 3)], "ru": [(0, 2)], "uk": [(0, 2)]}
# Words whose forms coincide: Russian counts people as "1 человек", "5 человек".
SAME_BY_NATURE = {("ru", "Person")}


def _po(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "django.po"


def plural_header(language: str) -> tuple[int, str]:
    header = _po(language).read_text(encoding="utf-8").split("\n\n", 1)[0]
    found = re.search(r"Plural-Forms: nplurals=(\d+); plural=(.*?);?\\n", header)
    assert found, f"{language}: no Plural-Forms header"
    return int(found.group(1)), found.group(2)


def plural_entries(language: str) -> list[dict]:
    return [e for e in parse_po(_po(language)) if e["msgid_plural"]]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_plural_rule_is_the_languages_own(language):
    nplurals, expression = plural_header(language)
    assert nplurals == NPLURALS[language]
    form = gettext.c2py(expression)
    assert {n: form(n) for n in FORM_OF[language]} == FORM_OF[language]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_plural_entry_has_exactly_its_languages_forms(language):
    nplurals, _ = plural_header(language)
    entries = plural_entries(language)
    assert len(entries) >= 20  # finder, registry, import, notifications, planning units
    wrong = [
        f"{e['msgid']} ({e['refs']}): {len(e['msgstr'])} forms, "
        f"{sum(1 for s in e['msgstr'] if s)} filled"
        for e in entries
        if e["fuzzy"] or len(e["msgstr"]) != nplurals or not all(e["msgstr"])
    ]
    assert wrong == []


@pytest.mark.parametrize("language", sorted(DISTINCT))
def test_plural_forms_are_not_copies_of_the_singular(language):
    copied = [
        f"{e['msgid']}: msgstr[{a}] == msgstr[{b}]"
        for e in plural_entries(language)
        for a, b in DISTINCT[language]
        if e["msgstr"][a] == e["msgstr"][b] and (language, e["msgid"]) not in SAME_BY_NATURE
    ]
    assert copied == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_form_keeps_the_placeholders(language):
    """A form without its number ("%(counter)s") would hide the count; a new one would crash."""
    placeholder = re.compile(r"%\((\w+)\)[sd]")
    broken = []
    for entry in plural_entries(language):
        wanted = set(placeholder.findall(entry["msgid_plural"]))
        for i, text in enumerate(entry["msgstr"]):
            if set(placeholder.findall(text)) != wanted:
                broken.append(f"{entry['msgid']}: msgstr[{i}]")
    assert broken == []
