"""The one list of languages a service may list (ISO 639-1, plus the ISO 639-3 codes we need):
German names, names in the other interface languages, and which ones the forms offer."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml
from django.utils.functional import lazy
from django.utils.translation import get_language

DATA_FILE = Path(__file__).parent / "data" / "languages.yaml"
# Where an interface language has no name of its own for a language (see the data file).
FALLBACK = ("en", "de")


@dataclass(frozen=True)
class _Catalogue:
    names: dict[str, str]  # code -> German name
    common: tuple[str, ...]  # checkboxes of the registry form
    finder: tuple[str, ...]  # the finder's language filter, in order
    translated: dict[str, dict[str, str]] = field(default_factory=dict)  # code -> {ui: name}


@cache
def _load() -> _Catalogue:
    document = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    names: dict[str, str] = {}
    translated: dict[str, dict[str, str]] = {}
    common: list[str] = []
    finder: list[tuple[int, str]] = []
    for section in ("iso639_1", "iso639_3"):
        for key, entry in document[section].items():
            code = str(key)
            if not isinstance(entry, dict):
                names[code] = str(entry)
                continue
            names[code] = entry["name"]
            translated[code] = {"de": entry["name"], **(entry.get("names") or {})}
            if entry.get("common"):
                common.append(code)
            if entry.get("finder"):
                finder.append((int(entry["finder"]), code))
    return _Catalogue(names, tuple(common), tuple(c for _, c in sorted(finder)), translated)


def language_names() -> dict[str, str]:
    """Every accepted code -> German name."""
    return _load().names


def is_known(code: str) -> bool:
    return code in _load().names


def language_name(code: str) -> str:
    """The German name (the registry's interface language); the code when unknown."""
    return _load().names.get(code, code)


def common_languages() -> list[tuple[str, str]]:
    """The languages offered as checkboxes, sorted by German name."""
    catalogue = _load()
    return sorted(((code, catalogue.names[code]) for code in catalogue.common), key=lambda x: x[1])


@cache
def names_in(language: str) -> dict[str, str]:
    """Every accepted code -> its name in the interface language `language` ("ar", "uk", …),
    else in English, else in German."""
    catalogue = _load()
    wanted = (language[:2], *FALLBACK)
    result = {}
    for code, german in catalogue.names.items():
        own = catalogue.translated.get(code, {})
        result[code] = next((own[ui] for ui in wanted if own.get(ui)), german)
    return result


def name_in(code: str, language: str | None = None) -> str:
    """A language's name in the interface language (the active one by default); the code
    itself when it is not in the list."""
    return names_in(language or get_language() or "de").get(code, code)


# For choices built once and shown in whichever language a request has.
name_lazy = lazy(name_in, str)


def finder_languages() -> tuple[str, ...]:
    """The codes the finder's language filter offers, in the order the data file gives."""
    return _load().finder
