"""Run a standard set through the engine and store the result as an Assessment with its rows."""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from integrationsatlas.analysis.assess import assess
from integrationsatlas.assessments.engine_input import (
    EngineInput,
    build_engine_input,
    engine_rules,
)
from integrationsatlas.assessments.models import COST_FIELDS, Assessment, AssessmentRow
from integrationsatlas.assessments.region_input import APPORTION_NOTE, ProjectionChoiceError
from integrationsatlas.assessments.service_input import PlannedServiceError
from integrationsatlas.assessments.transit_reach import reach_rows, store_reach
from integrationsatlas.regions.models import IndicatorEdition
from integrationsatlas.standards.document import ILLUSTRATIVE
from integrationsatlas.standards.models import Rule, StandardSet
from integrationsatlas.taxonomy.target_groups import group_label

#: The columns of an assessment listing, in order (CLI, CSV, JSON, planning pages).
COLUMNS = [
    "ags",
    "region",
    "rule",
    "offer_type",
    "kind",
    "value",
    "target",
    "ratio",
    "status",
    "basis",
    "deficit",
    "unit",
    *COST_FIELDS,
    "explanation",
]
DEMO_SENTENCE = "Demodaten, keine amtliche Statistik."
#: Output precision: values and ratios to 4 decimals, deficits to 3, euros to the cent.
ROUNDING = {"value": 4, "ratio": 4, "deficit": 3} | dict.fromkeys(COST_FIELDS, 2)
STATUS_STORED = {"met": "met", "partial": "partial", "gap": "gap", "no_data": "no_data"}


def _known(x: float) -> float | None:
    return None if x is None or not math.isfinite(x) else float(x)


def _target_source(rule) -> str:
    """' Ziel nach <source>.' when the target rests on a law or statistic (the row names it),
    nothing for an illustrative example (the set's label says so)."""
    source = (rule.sources or {}).get("target", "")
    return "" if not source or ILLUSTRATIVE in source else f" Ziel nach {source}."


class AssessmentError(ValueError):
    """The run could not be made (e.g. a level with no regions); nothing was stored."""


_ROW_FIELDS = [
    "region_id",
    "rule_id",
    "rule_code",
    "offer_type_code",
    "kind",
    "responsible_level",
    "target",
    "status",
    "basis",
    "unit",
    "explanation",
    "uses_demo_data",
]


#: Numeric row fields, NULL when unknown (order of the tuples' tail in _insert_rows).
_VALUE_FIELDS = ["value", "ratio", "deficit", "demand", "supply", *COST_FIELDS]


def _insert_rows(assessment_id: int, rows: list[tuple]) -> None:
    """Store the rows with one executemany: thousands of rows without building model
    instances (bulk_create spends seconds preparing values; the engine rows are plain)."""
    table = AssessmentRow._meta.db_table
    names = ["assessment_id", *_ROW_FIELDS, *_VALUE_FIELDS]
    columns = [AssessmentRow._meta.get_field(n.removesuffix("_id")).column for n in names]
    quote = connection.ops.quote_name
    # Only quoted names from the model's metadata go into the text; values are parameters.
    names_sql = ", ".join(quote(c) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {quote(table)} ({names_sql}) VALUES ({marks})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(assessment_id, *row) for row in rows])


ESTIMATE_SENTENCE = "Nachfrage geschätzt: Kreiswert anteilig nach Einwohnern."


def edition_sentence(origin: tuple[str, dt.date, int]) -> str:
    """'Nachfrage: <source>, Stichtag <date> (Ausgabe #n).' for a figure from an indicator import;
    the source up to its first ';' (the rest names the copy), 'abgeleitet' kept."""
    source, date, edition = origin
    short = source.split(";", 1)[0].strip()
    derived = ", abgeleitet" if "abgeleitet" in source else ""
    # The date is said once: many source lines already name their Stichtag.
    stichtag = "" if f"{date:%d.%m.%Y}" in short else f", Stichtag {date:%d.%m.%Y}"
    return f"Nachfrage: {short}{derived}{stichtag} (Ausgabe #{edition})."


def _editions_used(origins: dict[tuple[str, str], tuple[str, dt.date, int]]) -> list[dict]:
    """The indicator editions whose figures went into the run, for the stored data reference."""
    ids = {edition for _s, _d, edition in origins.values()}
    return [
        {
            "edition": e.pk,
            "file": e.file_name,
            "source": e.source,
            "licence": e.licence,
            "loaded_at": e.loaded_at.isoformat(timespec="minutes"),
            "loaded_by": e.loaded_by_name,
        }
        for e in IndicatorEdition.objects.filter(pk__in=ids).order_by("pk")
    ]


def _rounded(item: dict[str, Any]) -> dict[str, Any]:
    for name, digits in ROUNDING.items():
        if item[name] is not None:
            item[name] = round(item[name], digits)
    return item


class _Trace:
    """Demo and estimate flags of a row: from its own region, and for a summary or a copied
    row from the regions it rests on (the Gemeinden of a summary, the Kreis of a copy)."""

    def __init__(self, data: EngineInput) -> None:
        self.data = data
        keys = data.regions.keys.tolist()
        parent = data.regions.parent.tolist()
        self.parent = {k: keys[p] if p >= 0 else "" for k, p in zip(keys, parent, strict=True)}
        self.children: dict[str, list[str]] = {}
        for key, up in self.parent.items():
            self.children.setdefault(up, []).append(key)

    def _one(self, rule: Rule, key: str) -> tuple[bool, bool]:
        data = self.data
        mark = "languages" if rule.kind == "languages" else rule.demand_indicator
        demo = (mark, key) in data.demo_indicators
        if rule.kind == "languages":
            demo = demo or (rule.demand_indicator, key) in data.demo_indicators
        return demo, (mark, key) in data.estimated_indicators

    def named(self, explanation: str, key: str, basis: str) -> str:
        """A copied row names its Kreis by name, not only by key ("Ergebnis für Kreis …")."""
        if basis != "parent":
            return explanation
        up = self.parent.get(key, "")
        name = self.data.names.get(up)
        return explanation.replace(f"Kreis {up} (", f"{name} ({up}; ", 1) if name else explanation

    def _keys(self, key: str, basis: str) -> list[str]:
        if basis == "parent":
            return [self.parent.get(key, "")]
        if basis.startswith("share_"):
            return self.children.get(key, [])
        return [key]

    def demand(self, rule: Rule, key: str, basis: str) -> str:
        """For a future date: the projection the demand comes from, or that there is none
        and today's demand is used. Empty for today or a past date."""
        if not self.data.future:
            return ""
        mark = "languages" if rule.kind == "languages" else rule.demand_indicator
        found = {
            self.data.projections[(mark, k)]
            for k in self._keys(key, basis)
            if (mark, k) in self.data.projections
        }
        if not found:
            return (
                "Keine Vorausberechnung geladen: Nachfrage von heute (letzter beobachteter Stand)."
            )
        texts = sorted(
            f"{source.split(';', 1)[0].strip()}, Variante {variant}, Stichtag {date:%d.%m.%Y}"
            for source, variant, date in found
        )
        return f"Nachfrage: Vorausberechnung {'; '.join(texts)}."

    def flags(self, rule: Rule, key: str, basis: str) -> tuple[bool, bool]:
        """(uses demo data, rests on an estimate) for the row of `rule` at region `key`."""
        keys = self._keys(key, basis)
        found = [self._one(rule, k) for k in keys]
        demo = rule.offer_type.code in self.data.demo_offer_types or any(d for d, _ in found)
        return demo, any(e for _, e in found)


def run_assessment(
    standard_set: StandardSet,
    level: str,
    reference_date: dt.date | None = None,
    user=None,
    label: str = "",
    step: Callable[[str], None] | None = None,
    *,
    extra_services: list[dict[str, Any]] | None = None,
    is_scenario: bool = False,
    variant: str | None = None,
) -> Assessment:
    """Load the data as of `reference_date`, run every rule, store and return the Assessment.

    Every rule is judged on its own level; `level` (kreis or gemeinde) is the level shown
    (analysis.levels): a Gemeinde rule is summarised per Kreis in a Kreis assessment, a
    Kreis rule keeps its Kreis rows in a Gemeinde assessment and adds each Gemeinde's copy
    of its Kreis's result (basis "parent", no deficit or cost). Costs count once. `step` is
    called with a German label before each phase (progress bar).
    `extra_services`: planned services (dicts, see service_input._append_planned) added to the
    registry's for this run only; the registry is not touched. They are stored in
    `Assessment.scenario`; `is_scenario` marks the result as a scenario.
    For a date after today, demand comes from the projections loaded for it (`variant`
    chooses when several are loaded) and supply from the services active then.
    The returned assessment carries `listing`: the rows as COLUMNS dicts (plus
    uses_demo_data), in output order, built from the engine result without reading back.
    """
    step = step or (lambda label: None)
    date = reference_date or timezone.localdate()
    rules = list(standard_set.rules.select_related("offer_type").order_by("position", "code"))
    if level not in {"kreis", "gemeinde"}:
        raise AssessmentError(f"Unbekannte Ebene {level!r}: kreis oder gemeinde.")
    if not rules:
        raise AssessmentError(f"Der Standardsatz {standard_set.slug} hat keine Regeln.")
    step("Daten laden")
    try:
        data = build_engine_input(rules, date, extra_services, variant)
    except (PlannedServiceError, ProjectionChoiceError) as exc:
        raise AssessmentError(str(exc)) from exc
    step("Regeln bewerten")
    started = time.perf_counter()
    try:
        engine = engine_rules(rules)
        results = assess(
            data.regions,
            data.services,
            engine,
            date,
            data.points,
            level=level,
            travel=data.transit.travel,
        )
        engine_seconds = time.perf_counter() - started
        reach = reach_rows(data, engine, date, started=time.perf_counter())
    except ValueError as exc:
        raise AssessmentError(f"Bewertung nicht möglich: {exc}") from exc
    step("Ergebnis speichern")
    by_code = {rule.code: rule for rule in rules}
    rows, listing = [], []
    estimated_rules: set[str] = set()
    traced = _Trace(data)
    for result in results:
        rule = by_code[result.rule_id]
        explanation, demo, estimated = _explained(rule, result, traced, data)
        if estimated:
            estimated_rules.add(rule.code)
        row, item = _stored_row(rule, result, explanation, demo, data.names)
        rows.append(row)
        listing.append(item)
    reference = _data_reference(data, engine_seconds, estimated_rules)
    with transaction.atomic():
        assessment = Assessment.objects.create(
            standard_set=standard_set,
            standard_set_version=standard_set.version,
            level=level,
            reference_date=date,
            label=label,
            data_reference=reference,
            includes_demo_data=data.includes_demo_data,
            is_scenario=is_scenario,
            scenario={"planned_services": reference["registry"].get("planned_services", [])}
            if extra_services
            else {},
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )
        _insert_rows(assessment.pk, rows)
        store_reach(assessment.pk, reach)
    assessment.region_names = data.names  # type: ignore[attr-defined]
    assessment.listing = listing  # type: ignore[attr-defined]
    return assessment


def _explained(
    rule: Rule, result: Any, traced: _Trace, data: EngineInput
) -> tuple[str, bool, bool]:
    """The row's explanation with its target's source, target group, estimate, edition or
    projection and demo sentences; and whether it uses demo data and rests on an estimate."""
    mark = "languages" if rule.kind == "languages" else rule.demand_indicator
    demo, estimated = traced.flags(rule, result.region_key, result.basis)
    explanation = traced.named(result.explanation, result.region_key, result.basis)
    explanation += _target_source(rule)
    if rule.target_group:
        explanation += (
            f" Zielgruppe: {group_label(rule.target_group)}; gezählt nur Angebote für "
            "diese Zielgruppe oder für alle."
        )
    projection = traced.demand(rule, result.region_key, result.basis)
    if estimated:
        explanation = f"{explanation} {ESTIMATE_SENTENCE}"
    if projection.startswith("Nachfrage:"):
        explanation = f"{explanation} {projection}"
    elif not estimated and (mark, result.region_key) in data.edition_origins:
        explanation = (
            f"{explanation} {edition_sentence(data.edition_origins[(mark, result.region_key)])}"
        )
    if projection and not projection.startswith("Nachfrage:"):
        explanation = f"{explanation} {projection}"
    if demo:
        explanation = f"{explanation} {DEMO_SENTENCE}"
    return explanation, demo, estimated


def _stored_row(
    rule: Rule, result: Any, explanation: str, demo: bool, names: dict[str, str]
) -> tuple[tuple, dict[str, Any]]:
    """The row as inserted (`_insert_rows`) and as listed (COLUMNS), from one engine result."""
    known = {name: _known(getattr(result, name)) for name in _VALUE_FIELDS}
    row = (
        result.region_key,
        rule.pk,
        rule.code,
        rule.offer_type.code,
        rule.kind,
        rule.responsible_level,
        result.target,
        STATUS_STORED[result.status],
        result.basis,
        result.unit,
        explanation,
        demo,
        *known.values(),
    )
    item = {
        "ags": result.region_key,
        "region": names.get(result.region_key, ""),
        "rule": rule.code,
        "offer_type": rule.offer_type.code,
        "kind": rule.kind,
        "value": known["value"],
        "target": result.target,
        "ratio": known["ratio"],
        "status": STATUS_STORED[result.status],
        "basis": result.basis,
        "deficit": known["deficit"],
        "unit": result.unit,
        **{name: known[name] for name in COST_FIELDS},
        "explanation": explanation,
        "uses_demo_data": demo,
    }
    return row, _rounded(item)


def _data_reference(
    data: EngineInput, engine_seconds: float, estimated_rules: set[str]
) -> dict[str, Any]:
    """What the run rested on, stored with the assessment (Assessment.data_reference)."""
    reference: dict[str, Any] = {**data.reference, "engine_seconds": round(engine_seconds, 4)}
    if data.edition_origins:
        reference["indicator_editions"] = _editions_used(data.edition_origins)
    if estimated_rules:
        reference["estimates"] = {
            "method": APPORTION_NOTE,
            "rules": sorted(estimated_rules),
            "indicators": sorted({code for code, _ in data.estimated_indicators}),
        }
    return reference


#: Listing columns that a stored row holds under another name.
_STORED_AS = {
    "ags": "region_id",
    "region": "region__name",
    "rule": "rule_code",
    "offer_type": "offer_type_code",
}


def assessment_rows(assessment: Assessment) -> list[dict[str, Any]]:
    """The stored rows as dicts with the listing COLUMNS, ordered by rule then region key."""
    rows = (
        assessment.rows.with_region()
        .order_by("rule_code", "region_id")
        .values(*(_STORED_AS.get(column, column) for column in COLUMNS), "uses_demo_data")
    )
    order = {
        code: i
        for i, code in enumerate(
            assessment.standard_set.rules.order_by("position", "code").values_list(
                "code", flat=True
            )
        )
    }
    out = []
    for row in rows:
        item = {column: row.pop(stored) for column, stored in _STORED_AS.items()}
        item.update(row)
        out.append(_rounded(item))
    out.sort(key=lambda r: (order.get(r["rule"], len(order)), r["rule"], r["ags"]))
    return out


def assessment_summary(assessment: Assessment) -> dict[str, Any]:
    """One listing row: id, set, version, level, date, rows, status counts, demo flag."""
    counts = dict.fromkeys(STATUS_STORED.values(), 0)
    for status in assessment.rows.values_list("status", flat=True):
        counts[status] += 1
    return {
        "id": assessment.pk,
        "standard_set": assessment.standard_set.slug,
        "version": assessment.standard_set_version,
        "level": assessment.level,
        "reference_date": assessment.reference_date.isoformat(),
        "created_at": timezone.localtime(assessment.created_at).strftime("%Y-%m-%d %H:%M"),
        "rows": sum(counts.values()),
        **counts,
        "demo": "Demo" if assessment.includes_demo_data else "",
        "label": assessment.label,
    }
