"""The demand indicators a rule may name: a fixed catalogue, declared codes and every code in the data."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from integrationsatlas.regions.indicator_catalogue import BUILT_IN
from integrationsatlas.regions.models import IndicatorDefinition, IndicatorValue

_BUILT_IN_NAMES = {code: name for code, name, _unit, _text in BUILT_IN}

#: Codes a standard may use even before data for them is loaded (German names for the UI).
CATALOGUE = {
    "population": _("Einwohner"),
    "foreign_population": _("ausländische Einwohner"),
    "foreign_eu27": _("EU-Bürgerinnen und -Bürger (EU-27)"),
    "foreign_third_country": _("Drittstaatsangehörige"),
    "protection_seekers": _("Schutzsuchende"),
    "foreign_employees": _("ausländische sozialversicherungspflichtig Beschäftigte"),
    "children_under_6": _("Kinder unter 6 Jahren"),
    # § 12 Abs. 1 KomIntAVO: aufzunehmende Ausländer (§ 5 SächsFlüAG) and Geduldete.
    "fsa_target_group": _("Zielgruppe der Flüchtlingssozialarbeit"),
}


def known_indicators() -> set[str]:
    """Catalogue codes, declared codes (`indicators declare`) and every code stored for any region."""
    stored = IndicatorValue.objects.values_list("code", flat=True).distinct()
    declared = IndicatorDefinition.objects.values_list("code", flat=True)
    return set(CATALOGUE) | set(stored) | set(declared)


def indicator_name(code: str) -> str:
    if code in CATALOGUE:
        return str(CATALOGUE[code])
    if code in _BUILT_IN_NAMES:
        return _BUILT_IN_NAMES[code]
    declared = IndicatorDefinition.objects.filter(code=code).values_list("name", flat=True).first()
    return declared or code
