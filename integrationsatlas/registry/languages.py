"""The language codes a service may list (ISO 639-1, plus the ISO 639-3 codes we need), with German names."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

DATA_FILE = Path(__file__).parent / "data" / "languages.yaml"


@cache
def _load() -> tuple[dict[str, str], tuple[str, ...]]:
    document = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    names: dict[str, str] = {}
    common: list[str] = []
    for section in ("iso639_1", "iso639_3"):
        for code, entry in document[section].items():
            if isinstance(entry, dict):
                names[str(code)] = entry["name"]
                if entry.get("common"):
                    common.append(str(code))
            else:
                names[str(code)] = str(entry)
    return names, tuple(common)


def language_names() -> dict[str, str]:
    """Every accepted code -> German name."""
    return _load()[0]


def is_known(code: str) -> bool:
    return code in _load()[0]


def language_name(code: str) -> str:
    return _load()[0].get(code, code)


def common_languages() -> list[tuple[str, str]]:
    """The languages offered as checkboxes, sorted by German name."""
    names, common = _load()
    return sorted(((code, names[code]) for code in common), key=lambda item: item[1])
