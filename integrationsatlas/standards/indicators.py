"""The demand indicators a rule may name: a fixed catalogue plus every code present in the data."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from integrationsatlas.regions.models import IndicatorValue

#: Codes a standard may use even before data for them is loaded (German names for the UI).
CATALOGUE = {
    "population": _("Einwohner"),
    "foreign_population": _("ausländische Einwohner"),
    "foreign_eu27": _("EU-Bürgerinnen und -Bürger (EU-27)"),
    "foreign_third_country": _("Drittstaatsangehörige"),
    "protection_seekers": _("Schutzsuchende"),
    "children_under_6": _("Kinder unter 6 Jahren"),
    # § 12 Abs. 1 KomIntAVO: aufzunehmende Ausländer (§ 5 SächsFlüAG) and Geduldete.
    "fsa_target_group": _("Zielgruppe der Flüchtlingssozialarbeit"),
}


def known_indicators() -> set[str]:
    """Catalogue codes plus every indicator code stored for any region."""
    stored = IndicatorValue.objects.values_list("code", flat=True).distinct()
    return set(CATALOGUE) | set(stored)


def indicator_name(code: str) -> str:
    return str(CATALOGUE.get(code, code))
