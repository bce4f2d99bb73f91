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


@pytest.mark.parametrize(
    "language, plural, singular",
    [
        ("ar", "3 خدمات ضمن 25 كم", "3 خدمة"),
        ("ru", "3 услуги в радиусе 25 км", "3 услуга"),
        ("uk", "3 послуги в радіусі 25 км", "3 послуга"),
        ("de", "3 Angebote im Umkreis von 25 km", "3 Angebot "),
    ],
)
def test_results_page_counts_three_services_in_the_plural(
    client, registry, language, plural, singular
):
    """Pirna, 25 km: three services with sites (the phone one is listed apart)."""
    response = client.get(
        "/suche/ergebnisse/",
        {"art": "mbe", "ort": "Pirna", "umkreis": "25"},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    html = response.content.decode()
    summary = html[
        html.index('class="summary"') : html.index("</p>", html.index('class="summary"'))
    ]
    assert plural in summary
    assert singular not in summary


def test_a_page_beyond_the_last_says_one_page_in_the_singular(client, registry):
    response = client.get("/suche/ergebnisse/", {"art": "mbe", "ort": "Pirna", "seite": "2"})
    assert response.status_code == 404
    assert "Die Ergebnisliste hat nur 1 Seite." in response.content.decode()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_language_filter_names_every_language_in_every_interface_language(language):
    """The finder offers the languages of the one list (registry/data/languages.yaml), each
    named in the visitor's language, none left to the German or English stand-in."""
    from integrationsatlas.finder.forms import SearchForm
    from integrationsatlas.registry import languages

    codes = languages.finder_languages()
    assert len(codes) >= 20 and {"ar", "uk", "fa", "prs", "ti"} <= set(codes)
    offered = SearchForm.base_fields["sprache"].choices[1:]
    assert [code for code, _ in offered] == list(codes)
    own = languages._load().translated
    with translation.override(language):
        shown = {code: str(label) for code, label in offered}
    for code in codes:
        assert own[code].get(language), (code, language)
        assert shown[code] == own[code][language]


def test_a_language_without_a_name_of_its_own_falls_back_to_english_then_german():
    from integrationsatlas.registry.languages import name_in

    assert name_in("ar", "ar") == "العربية"
    assert name_in("ar", "uk") == "Арабська"
    assert name_in("ckb", "ar") == "Kurdisch (Sorani)"  # only the German name is in the list
    assert name_in("xx", "ar") == "xx"  # not a language code: shown as it came
