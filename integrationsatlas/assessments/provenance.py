"""The labels every exported figure carries: demo marker, the set's honesty label, sources with dates.

One home for the words that must not fall off a figure when it is copied: the CLI listing
(`assess`), the planning exports (CSV, XLSX, GeoJSON) and the PDF footer all call these
functions. The texts are German data text (like the engine's explanations), not UI strings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from integrationsatlas.assessments.models import ROW_UNIT_LABELS, Assessment
from integrationsatlas.assessments.region_input import LANGUAGE_PREFIX
from integrationsatlas.core.tables import format_rows
from integrationsatlas.regions.models import IndicatorValue
from integrationsatlas.standards.document import ILLUSTRATIVE
from integrationsatlas.standards.indicators import indicator_name
from integrationsatlas.standards.models import Rule, StandardSet
from integrationsatlas.taxonomy.models import OfferType

DEMO_MARK = "Demo – enthält Demodaten, keine echten Zahlen"
NO_DEMO_MARK = "keine Demodaten"
#: Said for a set that declares no label but has rules with illustrative numbers.
ILLUSTRATIVE_FALLBACK = (
    "Enthält Beispielzahlen, keinen amtlichen Standard (illustrative example, not an official "
    "standard)."
)
REGISTRY_SOURCE = "Angebote: Register Integrationsatlas"
#: The columns these labels add to a table; the same names in every CSV, XLSX and GeoJSON.
COLUMNS = ("reference_date", "standard_set", "demo", "standard_set_label", "sources")
#: Names for people next to a listing's codes (CLI CSV and JSON).
NAME_COLUMNS = ("rule_title", "offer_type_name", "unit_label")

FIELD_NAMES = {
    "target": "Ziel",
    "financing": "Finanzierungsanteile",
    "unit_cost": "Kosten je Einheit",
    "params": "Parameter",
    "summary.target": "Ziel je Kreis",
}
#: Rule parameters by name (sources are shown to people, not codes).
PARAM_NAMES = {
    "distance_km": "Entfernung in km",
    "months": "Monate gesichert",
    "catchment_km": "Einzugsbereich in km",
    "sigma_km": "Abnahme mit der Entfernung (sigma, km)",
    "bands_km": "Entfernungsstufen",
    "languages": "Sprachen",
}


def honesty_label(standard_set: StandardSet) -> str:
    """What the set declares about itself (its `label`); without one, a line saying that it
    has illustrative numbers when any rule cites "illustrative example"; else empty."""
    declared = str((standard_set.document or {}).get("label", "")).strip()
    if declared:
        return declared
    for rule in standard_set.rules.all():
        if any(ILLUSTRATIVE in str(text) for text in (rule.sources or {}).values()):
            return ILLUSTRATIVE_FALLBACK
    return ""


def demo_mark(assessment: Assessment) -> str:
    return DEMO_MARK if assessment.includes_demo_data else NO_DEMO_MARK


def _iso(date: dt.date) -> str:
    return date.isoformat()


#: {source text: (indicator names, reference dates)}: each source once, however many figures.
SourceDates = dict[str, tuple[set[str], set[dt.date]]]


def _name(code: str) -> str:
    return "Hauptsprachen" if code.startswith(LANGUAGE_PREFIX) else indicator_name(code)


def indicator_sources(assessment: Assessment | None, codes: Iterable[str]) -> SourceDates:
    """The sources and reference dates of the indicators the assessment's run used."""
    used = (assessment.data_reference or {}).get("indicators") if assessment else None
    found: SourceDates = {}
    if not isinstance(used, dict):
        return found
    for code in codes:
        about = used.get(code)
        if not isinstance(about, dict):
            continue
        dates = {dt.date.fromisoformat(d) for d in about.get("reference_dates", [])}
        for source in about.get("sources", []):
            names, seen = found.setdefault(str(source), (set(), set()))
            names.add(_name(code))
            seen |= dates
    return found


def add_values(found: SourceDates, values: Iterable[IndicatorValue]) -> SourceDates:
    """Add stored indicator figures (e.g. those a report shows) to `found`."""
    for value in values:
        names, dates = found.setdefault(value.source, (set(), set()))
        names.add(_name(value.code))
        dates.add(value.reference_date)
    return found


def indicator_lines(found: SourceDates, fmt: Callable[[dt.date], str] = _iso) -> list[str]:
    """One entry per source: "source (Stichtag d; für: names)"."""
    return [
        f"{source} (Stichtag {', '.join(fmt(d) for d in sorted(dates))}; "
        f"für: {', '.join(sorted(names))})"
        for source, (names, dates) in sorted(found.items())
        if source
    ]


def _rule_entries(rules: Iterable[Rule]) -> list[str]:
    """The rules' own sources grouped by text: "Ziel, Kosten je Einheit: citation"."""
    fields_by_text: dict[str, set[str]] = {}
    for rule in rules:
        for field, text in (rule.sources or {}).items():
            name = FIELD_NAMES.get(field, field)
            if field.startswith("params."):
                param = field.removeprefix("params.")
                name = f"Parameter {PARAM_NAMES.get(param, param)}"
            fields_by_text.setdefault(str(text), set()).add(name)
    return [
        f"Regeln ({', '.join(sorted(fields))}): {text}"
        for text, fields in sorted(fields_by_text.items())
    ]


def _indicator_codes(assessment: Assessment, rules: Iterable[Rule]) -> set[str]:
    codes: set[str] = set()
    used = (assessment.data_reference or {}).get("indicators")
    for rule in rules:
        codes.add(rule.demand_indicator)
        if rule.kind == Rule.Kind.LANGUAGES and isinstance(used, dict):
            codes |= {c for c in used if c.startswith(LANGUAGE_PREFIX)}
    return codes


def source_lines(
    assessment: Assessment,
    rules: Iterable[Rule] | None = None,
    fmt: Callable[[dt.date], str] = _iso,
    shown: Iterable[IndicatorValue] = (),
) -> list[str]:
    """The sources behind the figures of `rules` (all rules of the set when None): the
    standard set with its version, the rules' citations, each demand indicator's source
    with its reference dates (plus the `shown` figures), estimates, and the registry as of
    the reference date."""
    chosen = list(rules) if rules is not None else list(assessment.standard_set.rules.all())
    lines = [
        f"Standardsatz: {assessment.standard_set.name} (Version {assessment.standard_set_version})"
    ]
    lines += _rule_entries(chosen)
    found = indicator_sources(assessment, sorted(_indicator_codes(assessment, chosen)))
    lines += indicator_lines(add_values(found, shown), fmt)
    estimates = (assessment.data_reference or {}).get("estimates")
    if isinstance(estimates, dict) and set(estimates.get("rules", [])) & {r.code for r in chosen}:
        lines.append(f"Gemeindewerte {estimates.get('method', 'geschätzt')}")
    lines.append(f"{REGISTRY_SOURCE}, Stand {fmt(assessment.reference_date)}")
    return lines


def sources_text(assessment: Assessment, rules: Iterable[Rule] | None = None) -> str:
    """source_lines in one cell: entries separated by " | " (no line breaks, so a row stays
    one line in every CSV reader)."""
    return " | ".join(source_lines(assessment, rules))


class Labeller:
    """The COLUMNS of one assessment for any group of its rules; texts built once per group."""

    def __init__(self, assessment: Assessment) -> None:
        self.assessment = assessment
        self.rules = {r.code: r for r in assessment.standard_set.rules.all()}
        self.common = {
            "reference_date": assessment.reference_date.isoformat(),
            "standard_set": f"{assessment.standard_set.name} ({assessment.standard_set_version})",
            "demo": demo_mark(assessment),
            "standard_set_label": honesty_label(assessment.standard_set),
        }
        self._sources: dict[tuple[str, ...] | None, str] = {}

    def columns(self, rule_codes: Iterable[str] | None = None) -> dict[str, Any]:
        """The labels for figures from these rules (None: the whole assessment)."""
        key = None if rule_codes is None else tuple(sorted(set(rule_codes)))
        if key not in self._sources:
            rules = None if key is None else [self.rules[c] for c in key if c in self.rules]
            self._sources[key] = sources_text(self.assessment, rules)
        return {**self.common, "sources": self._sources[key]}


def listing_text(
    assessment: Assessment, rows: list[dict[str, Any]], columns: list[str], fmt: str
) -> str:
    """An assessment listing (`assess`, `assessments show`) in `fmt`. CSV and JSON carry
    names and the labels on every row, so a copied row keeps them; the text table for the
    terminal has the labels once, above the table."""
    labels = Labeller(assessment)
    if fmt == "table":
        head = labels.columns()
        lines = [
            f"Standardsatz: {head['standard_set']}; Stichtag {head['reference_date']}",
            f"Hinweis zum Standardsatz: {head['standard_set_label'] or '–'}",
            f"Demodaten: {head['demo']}",
            *(f"Quelle: {line}" for line in source_lines(assessment)),
        ]
        return "\n".join(lines) + "\n\n" + format_rows(rows, columns, fmt)
    titles = dict(assessment.standard_set.rules.values_list("code", "title"))
    types = {t.code: t.name for t in OfferType.objects.all()}
    named = [
        {
            **row,
            "rule_title": titles.get(row["rule"]) or row["rule"],
            "offer_type_name": types.get(row["offer_type"], row["offer_type"]),
            "unit_label": str(ROW_UNIT_LABELS.get(row["unit"], row["unit"])),
            **labels.columns([row["rule"]]),
        }
        for row in rows
    ]
    return format_rows(named, [*columns, *NAME_COLUMNS, *COLUMNS], fmt)
