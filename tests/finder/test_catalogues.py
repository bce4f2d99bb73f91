"""Every string the finder, start page and region pages show is translated into all seven languages."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from integrationsatlas.registry.models import Schedule, Service
from integrationsatlas.taxonomy.models import OfferType

LOCALE = Path(settings.BASE_DIR) / "integrationsatlas" / "locale"
LANGUAGES = [code for code, _ in settings.LANGUAGES]
# Sources whose strings reach the public: base.html and the start page, finder, region pages,
# and what anonymous visitors see of a published assessment (planning views and the state view,
# region report, legends) with the status, kind, unit and target-group labels.
PUBLIC = re.compile(
    r"\b(finder/|core/templates/|regions/templates/|settings\.py"
    r"|planning/templates/planning/(index|state|row|costs|equity|region|region_pdf|_region_body"
    r"|_assessment_facts|base_planning)\.html"
    r"|planning/(views|report|charts|access|fairness|cliffs|exports)\.py"
    r"|(standards|assessments|taxonomy)/models\.py)"
)


def entries(language: str):
    text = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    for block in text.split("\n\n")[1:]:
        refs = " ".join(line for line in block.splitlines() if line.startswith("#:"))
        msgid = re.search(r'^msgid "(.*)"$', block, re.M)
        strs = re.findall(r'^msgstr(?:\[\d\])? "(.*)"$', block, re.M)
        if msgid:
            yield refs, msgid.group(1), strs, "#, fuzzy" in block


@pytest.mark.parametrize("language", LANGUAGES)
def test_public_strings_are_translated(language):
    public = [(m, s, f) for refs, m, s, f in entries(language) if PUBLIC.search(refs)]
    assert len(public) > 150
    missing = [m for m, strs, fuzzy in public if fuzzy or not all(strs)]
    assert missing == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_is_current(language):
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    mo = po.with_suffix(".mo")
    assert mo.exists() and mo.stat().st_size > 1000


@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != "de"])
def test_choice_labels_and_weekdays_are_translated(language):
    with translation.override(language):
        labels = [str(label) for label in Service.TargetGroup.labels]
        labels += [str(label) for label in Schedule.Weekday.labels]
        labels += [str(translation.gettext("Angebote finden"))]
    with translation.override("de"):
        german = [str(label) for label in Service.TargetGroup.labels]
        german += [str(label) for label in Schedule.Weekday.labels]
        german += ["Angebote finden"]
    assert all(a != b for a, b in zip(labels, german, strict=True))


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_offer_type_names_exist_in_every_language(language):
    for offer_type in OfferType.objects.all():
        assert offer_type.names.get(language), (offer_type.code, language)


def test_arabic_result_counts_use_the_dual_and_the_plural():
    from django.utils import translation

    with translation.override("ar"):
        words = {
            n: translation.ngettext(
                "%(total)s Angebot im Umkreis von %(radius)s km",
                "%(total)s Angebote im Umkreis von %(radius)s km",
                n,
            )
            % {"total": n, "radius": 25}
            for n in (1, 2, 3, 11)
        }
    assert "خدمتان" in words[2]  # dual
    assert "خدمات" in words[3]  # plural for 3-10
    assert "خدمة" in words[11] and "خدمات" not in words[11]  # singular after 11-99
