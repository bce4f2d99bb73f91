"""The catalogues keep up with the source: every msgid is in the English catalogue, translated.

Regenerate the catalogues after changing user-facing strings with:

    integrationsatlas makemessages -l de -l en -l ar -l uk -l ru -l fa -l tr --no-obsolete \
        --no-wrap --ignore=.venv --ignore=node_modules --ignore=var --ignore=test-artifacts \
        --ignore=tests --ignore=benchmarks
    integrationsatlas compilemessages --ignore=.venv
"""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

ROOT = Path(settings.BASE_DIR)
LOCALE = ROOT / "integrationsatlas" / "locale"
LANGUAGES = [code for code, _ in settings.LANGUAGES]
# The same folders the catalogues are generated without (see the module docstring).
IGNORE = [".venv", "node_modules", "var", "test-artifacts", "tests", "benchmarks"]

_STRING = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) "(.*)"$')


def parse_po(path: Path) -> list[dict]:
    """Entries of a .po file as dicts: msgctxt, msgid, msgid_plural, msgstr list, fuzzy, refs."""
    entries: list[dict] = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry: dict = {"msgctxt": None, "msgid_plural": None, "msgstr": [], "fuzzy": False}
        refs: list[str] = []
        key = None
        for line in block.splitlines():
            if line.startswith("#~"):
                key = None  # obsolete entries do not count
                entry = {}
                break
            if line.startswith("#,") and "fuzzy" in line:
                entry["fuzzy"] = True
            elif line.startswith("#:"):
                refs.append(line[2:].strip())
            elif match := _STRING.match(line):
                key, text = match.groups()
                if key.startswith("msgstr"):
                    entry["msgstr"].append(text)
                else:
                    entry[key] = text
            elif line.startswith('"') and key:
                if key.startswith("msgstr"):
                    entry["msgstr"][-1] += line[1:-1]
                else:
                    entry[key] += line[1:-1]
        if entry.get("msgid"):  # the header has an empty msgid
            entry["refs"] = " ".join(refs)
            entries.append(entry)
    return entries


def untranslated(entries: list[dict]) -> list[str]:
    return [
        f"{e['msgid']} ({e['refs']})"
        for e in entries
        if e["fuzzy"] or not e["msgstr"] or not all(e["msgstr"])
    ]


@pytest.fixture(scope="module")
def regenerated_en(tmp_path_factory) -> list[dict]:
    """Run makemessages for English over the project into a copy of the locale folder."""
    if shutil.which("xgettext") is None:
        pytest.fail("GNU gettext (xgettext, msgmerge) is needed: apt-get install gettext")
    copy = tmp_path_factory.mktemp("i18n") / "locale"
    shutil.copytree(LOCALE / "en", copy / "en", ignore=shutil.ignore_patterns("*.mo"))
    # makemessages walks the current directory and writes into LOCALE_PATHS[0].
    # The project's own locale folder is ignored, else makemessages would write into it.
    real = _po("en").read_bytes()
    with pytest.MonkeyPatch.context() as patch, override_settings(LOCALE_PATHS=[copy]):
        patch.chdir(ROOT)
        call_command(
            "makemessages",
            locale=["en"],
            no_obsolete=True,
            no_wrap=True,
            ignore_patterns=[*IGNORE, "locale"],
            verbosity=0,
        )
    assert _po("en").read_bytes() == real, "makemessages wrote into the real catalogue"
    return parse_po(copy / "en" / "LC_MESSAGES" / "django.po")


def test_every_source_string_is_in_the_english_catalogue(regenerated_en):
    committed = {(e["msgctxt"], e["msgid"]) for e in parse_po(_po("en"))}
    missing = [
        f"{e['msgid']} ({e['refs']})"
        for e in regenerated_en
        if (e["msgctxt"], e["msgid"]) not in committed
    ]
    assert missing == [], "run makemessages (see this module's docstring) and translate"


def test_every_source_string_is_translated_into_english(regenerated_en):
    assert len(regenerated_en) > 500
    assert untranslated(regenerated_en) == []


@pytest.mark.parametrize("language", ["en", "de"])
def test_committed_catalogue_is_complete(language):
    """English and German (the source language, msgstr = msgid) have no gaps and no fuzzies."""
    entries = parse_po(_po(language))
    assert len(entries) > 500
    assert untranslated(entries) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogues_have_no_fuzzy_or_obsolete_entries(language):
    text = _po(language).read_text(encoding="utf-8")
    assert "#, fuzzy" not in text.split("\n\n", 1)[1]
    assert "\n#~ " not in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_matches_its_source(language, tmp_path):
    """The committed .mo is the compiled .po (someone edited a .po and forgot to compile)."""
    fresh = tmp_path / "django.mo"
    subprocess.run(
        ["msgfmt", "--check", "-o", str(fresh), str(_po(language))],
        check=True,
        capture_output=True,
    )
    with fresh.open("rb") as new, _po(language).with_suffix(".mo").open("rb") as old:
        assert gettext.GNUTranslations(old)._catalog == gettext.GNUTranslations(new)._catalog


def _po(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "django.po"
