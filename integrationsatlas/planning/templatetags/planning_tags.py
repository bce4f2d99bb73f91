"""Template helpers for planning pages: sort links, status words, German number formats."""

from __future__ import annotations

from django import template
from django.http import QueryDict

from integrationsatlas.assessments import provenance
from integrationsatlas.planning.charts import MARKS, status_label
from integrationsatlas.planning.names import Names, german_number
from integrationsatlas.planning.names import quantity as quantity_text
from integrationsatlas.standards.indicators import indicator_name

register = template.Library()


@register.simple_tag(takes_context=True)
def sort_url(context, column: str) -> str:
    """The current query with `sortierung=column`, flipping the direction on the active column."""
    params: QueryDict = context["request"].GET.copy()
    active = params.get("sortierung", "ags") == column
    descending = params.get("richtung") == "ab"
    params["sortierung"] = column
    params["richtung"] = "auf" if active and descending else ("ab" if active else "auf")
    params.pop("seite", None)
    return "?" + params.urlencode()


@register.simple_tag(takes_context=True)
def page_url(context, number: int) -> str:
    params: QueryDict = context["request"].GET.copy()
    params["seite"] = str(number)
    return "?" + params.urlencode()


@register.filter
def status_word(status: str | None) -> str:
    return "–" if not status else status_label(status)


@register.filter
def status_mark(status: str | None) -> str:
    return MARKS.get(status or "", "")


@register.filter
def num(value, digits: int = 2) -> str:
    """German number format; None and NaN as a dash."""
    return german_number(value, digits)


@register.filter
def quantity(value, unit: str) -> str:
    """An amount with its German unit: `{{ row.deficit|quantity:row.unit }}` -> "6 Sprachen"."""
    return quantity_text(value, unit)


@register.filter
def percent(value) -> str:
    if value is None or value != value:
        return "–"
    return num(float(value) * 100, 1) + " %"


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def cost_of(obj, payer: str) -> float:
    return getattr(obj, f"cost_{payer}", 0.0)


@register.filter
def indicator_label(code: str) -> str:
    """A demand indicator's name in the reader's language; unknown codes stay as they are."""
    return indicator_name(code)


@register.filter
def honesty_label(standard_set) -> str:
    """What a standard set says about itself, e.g. that its numbers are illustrative."""
    return provenance.honesty_label(standard_set) if standard_set else ""


@register.filter
def rule_title(code: str, assessment) -> str:
    """A rule's title in the assessment's standard set (its code when it has none); the
    titles are read once per assessment object, i.e. once per page."""
    if assessment is None:
        return code
    names = getattr(assessment, "_rule_titles", None)
    if names is None:
        names = Names(assessment)
        assessment._rule_titles = names
    return names.rule(code)
