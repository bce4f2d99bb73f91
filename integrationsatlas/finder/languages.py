"""Languages a service can be offered in: ISO 639 codes with names shown in the finder's filter."""

from django.utils.translation import gettext_lazy as _

# ISO 639-1 where it exists, else ISO 639-3 (prs = Dari), as Service.languages stores them.
LANGUAGE_NAMES = {
    "de": _("Deutsch"),
    "en": _("Englisch"),
    "ar": _("Arabisch"),
    "uk": _("Ukrainisch"),
    "ru": _("Russisch"),
    "fa": _("Persisch (Farsi)"),
    "prs": _("Dari"),
    "ps": _("Paschtu"),
    "tr": _("Türkisch"),
    "ku": _("Kurdisch"),
    "ti": _("Tigrinya"),
    "so": _("Somali"),
    "fr": _("Französisch"),
    "es": _("Spanisch"),
    "pl": _("Polnisch"),
    "ro": _("Rumänisch"),
    "vi": _("Vietnamesisch"),
    "zh": _("Chinesisch"),
    "cs": _("Tschechisch"),
    "sq": _("Albanisch"),
    "sr": _("Serbisch"),
    "hi": _("Hindi"),
    "ur": _("Urdu"),
    "it": _("Italienisch"),
}


def language_name(code: str) -> str:
    return str(LANGUAGE_NAMES.get(code, code))
