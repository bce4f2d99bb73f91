"""Names for people instead of codes: rule titles, offer-type names, German units and numbers."""

from __future__ import annotations

from django.utils.translation import npgettext

from integrationsatlas.assessments.models import ROW_UNIT_LABELS, Assessment
from integrationsatlas.taxonomy.models import OfferType

#: Units counted in whole things: "1 Sprache", "6 Sprachen" rather than "6,00 languages".
COUNTED_UNITS = {"sites", "services", "bodies", "persons", "languages", "places"}


def german_number(value: float | None, digits: int = 2) -> str:
    """1234.5 -> "1.234,50"; None and NaN as a dash."""
    if value is None or value != value:
        return "–"
    text = f"{float(value):,.{int(digits)}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def unit_name(code: str, amount: float | None = None) -> str:
    """The unit in German, singular for exactly one counted thing (e.g. "Sprache")."""
    n = 1 if amount is not None and amount == 1 else 2
    # A context: "Sprache" and "Angebot" are also msgids without plural elsewhere.
    forms = {
        "languages": npgettext("Einheit", "Sprache", "Sprachen", n),
        "sites": npgettext("Einheit", "Standort", "Standorte", n),
        "services": npgettext("Einheit", "Angebot", "Angebote", n),
        "bodies": npgettext("Einheit", "Gremium", "Gremien", n),
        "persons": npgettext("Einheit", "Person", "Personen", n),
        "places": npgettext("Einheit", "Platz", "Plätze", n),
    }
    if code in forms:
        return forms[code]
    return str(ROW_UNIT_LABELS.get(code, code))


def quantity(value: float | None, unit: str) -> str:
    """A deficit with its unit: "6 Sprachen", "1,50 Vollzeitstellen (VZÄ)", "–" when unknown."""
    if value is None or value != value:
        return "–"
    if unit in COUNTED_UNITS and float(value).is_integer():
        return f"{german_number(value, 0)} {unit_name(unit, value)}"
    return f"{german_number(value)} {unit_name(unit)}"


class Names:
    """The people's names of one assessment's rules and offer types, read once."""

    def __init__(self, assessment: Assessment | None) -> None:
        self.rules: dict[str, str] = {}
        if assessment is not None:
            self.rules = {
                code: title or code
                for code, title in assessment.standard_set.rules.values_list("code", "title")
            }
        self.offer_types = {t.code: t.name for t in OfferType.objects.all()}

    def rule(self, code: str) -> str:
        """The rule's title; its code when it has none (or was deleted since)."""
        return self.rules.get(code) or code

    def rule_codes(self) -> list[str]:
        return list(self.rules)

    def offer_type(self, code: str) -> str:
        return self.offer_types.get(code) or code

    def unit(self, code: str) -> str:
        return unit_name(code)
