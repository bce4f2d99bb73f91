"""Scenarios: copy a standard set, change targets and financing, add planned services, re-assess.

A scenario is a StandardSet with ``is_scenario=True`` whose ``document["scenario"]`` holds the
planned services (never written to the registry, so the public never sees them). Running a
scenario re-evaluates a stored base assessment's demand and supply with the scenario's rules
and planned capacity through the engine's own status/deficit/cost functions, and stores the
result as a new Assessment with ``is_scenario=True``. Rules whose values depend on geography
(reach, languages) keep their base value and are judged against the new target.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np
from django.db import transaction
from django.utils.text import slugify

from integrationsatlas.analysis.assess import COSTED_KINDS
from integrationsatlas.analysis.rules import RuleValues
from integrationsatlas.analysis.status import check_financing, deficit, fulfilment, split_cost
from integrationsatlas.analysis.status import status as judge
from integrationsatlas.regions.models import Region
from integrationsatlas.standards.models import Assessment, AssessmentRow, OfferType, StandardSet

SUPPLY_KINDS = {"ratio", "hours", "presence"}


class ScenarioError(ValueError):
    """Bad scenario input; the message names the field."""


def planned_services(scenario: StandardSet) -> list[dict[str, Any]]:
    return list((scenario.document or {}).get("scenario", {}).get("planned_services", []))


@transaction.atomic
def copy_standard_set(user, base: StandardSet, name: str) -> StandardSet:
    """A scenario copy of `base` with all its rules; the base stays untouched."""
    name = name.strip()
    if not name:
        raise ScenarioError("name: Bitte einen Namen für das Szenario angeben.")
    slug_base = slugify(f"{base.slug}-szenario-{name}")[:90] or "szenario"
    slug, n = slug_base, 1
    while StandardSet.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{slug_base}-{n}"
    document = dict(base.document or {})
    document["scenario"] = {"base": base.slug, "planned_services": []}
    scenario = StandardSet.objects.create(
        slug=slug,
        name=name,
        version=base.version,
        description=base.description,
        is_scenario=True,
        copied_from=base,
        document=document,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    for rule in base.rules.all():
        rule.pk = None
        rule.standard_set = scenario
        rule.save()
    return scenario


@transaction.atomic
def change_rule(scenario: StandardSet, code: str, target: str, financing: dict[str, str]) -> None:
    """Set a scenario rule's target and financing shares (all or nothing)."""
    if not scenario.is_scenario:
        raise ScenarioError("Nur Szenarien können hier geändert werden.")
    rule = scenario.rules.filter(code=code).first()
    if rule is None:
        raise ScenarioError(f"{code}: Regel nicht im Szenario.")
    try:
        new_target = float(target)
    except ValueError:
        raise ScenarioError(f"{code}.target: '{target}' ist keine Zahl.") from None
    if not new_target > 0:
        raise ScenarioError(f"{code}.target: Das Ziel muss größer als 0 sein.")
    shares: dict[str, float] = {}
    for level, raw in financing.items():
        if str(raw).strip() == "":
            continue
        try:
            shares[level] = float(str(raw).replace(",", "."))
        except ValueError:
            raise ScenarioError(f"{code}.financing.{level}: '{raw}' ist keine Zahl.") from None
    shares = {k: v for k, v in shares.items() if v}
    try:
        check_financing(shares)
    except ValueError as error:
        raise ScenarioError(f"{code}.financing: {error}") from None
    rule.target = new_target
    rule.financing = shares
    rule.save(update_fields=["target", "financing"])


@transaction.atomic
def add_planned_service(scenario: StandardSet, data: dict[str, Any]) -> dict[str, Any]:
    """Store a planned service (offer type, Gemeinde or Kreis, capacity, start, funding) in the scenario."""
    problems = []
    offer_type = OfferType.objects.filter(code=data.get("offer_type")).first()
    if offer_type is None:
        problems.append(f"offer_type: unbekannte Angebotsart '{data.get('offer_type')}'.")
    region = Region.objects.filter(ags=str(data.get("region", "")).strip()).first()
    if region is None or region.level == Region.Level.LAND:
        problems.append(f"region: '{data.get('region')}' ist kein Kreis- oder Gemeindeschlüssel.")
    try:
        capacity = float(str(data.get("capacity", "")).replace(",", "."))
        if not capacity > 0:
            raise ValueError
    except ValueError:
        problems.append("capacity: Die Kapazität muss eine Zahl größer als 0 sein.")
        capacity = 0.0
    try:
        start = dt.date.fromisoformat(str(data.get("start")))
    except ValueError:
        problems.append("start: Startdatum im Format JJJJ-MM-TT angeben.")
        start = None
    amount = None
    if str(data.get("amount_per_year") or "").strip():
        try:
            amount = str(Decimal(str(data["amount_per_year"]).replace(",", ".")))
        except InvalidOperation:
            problems.append("amount_per_year: keine gültige Zahl.")
    if problems:
        raise ScenarioError(" ".join(problems))
    entry = {
        "name": str(data.get("name") or "").strip() or f"Geplant: {offer_type.code}",
        "offer_type": offer_type.code,
        "region": region.ags,
        "capacity": capacity,
        "start": start.isoformat(),
        "funder_level": data.get("funder_level") or "",
        "amount_per_year": amount,
        "funding_end": str(data.get("funding_end") or "") or None,
    }
    document = dict(scenario.document or {})
    section = dict(document.get("scenario", {}))
    section["planned_services"] = [*section.get("planned_services", []), entry]
    document["scenario"] = section
    scenario.document = document
    scenario.save(update_fields=["document", "updated_at"])
    return entry


def _scale(row: AssessmentRow) -> float:
    if row.kind in ("ratio", "hours"):
        return 1000.0
    if row.value and row.supply and row.demand:
        return row.value * row.demand / row.supply
    return 1.0


def _planned_supply(planned: list[dict[str, Any]], row: AssessmentRow, on: dt.date) -> float:
    """Planned capacity (presence: one per service) started by `on` in the row's region."""
    total = 0.0
    for entry in planned:
        if entry["offer_type"] != row.offer_type_code:
            continue
        if dt.date.fromisoformat(entry["start"]) > on:
            continue
        if not entry["region"].startswith(row.region_id):
            continue
        total += 1.0 if row.kind == "presence" else float(entry["capacity"])
    return total


@transaction.atomic
def run_scenario(
    user, scenario: StandardSet, base: Assessment, reference_date: dt.date | None = None
) -> Assessment:
    """Re-assess `base`'s stored demand and supply with the scenario's rules and planned services."""
    if not scenario.is_scenario:
        raise ScenarioError("Kein Szenario.")
    on = reference_date or base.reference_date
    rules = {rule.code: rule for rule in scenario.rules.all()}
    planned = planned_services(scenario)
    result = Assessment.objects.create(
        standard_set=scenario,
        standard_set_version=scenario.version,
        level=base.level,
        reference_date=on,
        label=f"Szenario {scenario.name} (Basis: Bewertung {base.pk})",
        data_reference={**(base.data_reference or {}), "base_assessment": base.pk},
        includes_demo_data=base.includes_demo_data,
        is_scenario=True,
        scenario={"standard_set": scenario.slug, "planned_services": planned},
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    new_rows = []
    for row in base.rows.select_related("region"):
        rule = rules.get(row.rule_code)
        if rule is None:
            continue
        new_rows.append(_reassessed(result, row, rule, planned, on))
    AssessmentRow.objects.bulk_create(new_rows)
    return result


def _reassessed(result, row, rule, planned, on) -> AssessmentRow:
    added = _planned_supply(planned, row, on) if row.kind in SUPPLY_KINDS else 0.0
    note = [f"Szenario: Ziel {rule.target:g} (Basis {row.target:g})."]
    if added:
        note.append(f"Geplante Angebote ab Stichtag {on}: +{added:g} {row.unit}.")
    if row.supply is not None and row.demand is not None:
        supply = row.supply + added
        scale = _scale(row)
        value = np.array([supply / row.demand * scale if row.demand > 0 else math.nan])
        values = RuleValues(value, np.array([supply]), np.array([row.demand]), scale)
        missing = float(deficit(values, rule.target)[0])
    else:
        supply = row.supply
        value = np.array([math.nan if row.value is None else row.value])
        missing = math.nan
    ratio = float(fulfilment(value, rule.target)[0])
    if math.isnan(missing):
        missing = 0.0
    cost = missing * float(rule.unit_cost) if rule.kind in COSTED_KINDS else 0.0
    split = split_cost(np.array([cost]), rule.financing)
    return AssessmentRow(
        assessment=result,
        region=row.region,
        rule=rule,
        rule_code=row.rule_code,
        offer_type_code=row.offer_type_code,
        kind=row.kind,
        responsible_level=rule.responsible_level,
        value=None if math.isnan(value[0]) else float(value[0]),
        target=rule.target,
        ratio=None if math.isnan(ratio) else ratio,
        status=str(judge(np.array([ratio]))[0]),
        demand=row.demand,
        supply=supply,
        deficit=missing,
        unit=row.unit,
        cost_total=cost,
        cost_land=float(split["land"][0]),
        cost_kreis=float(split["kreis"][0]),
        cost_gemeinde=float(split["gemeinde"][0]),
        cost_bund=float(split["bund"][0]),
        explanation=" ".join(note) + "\n" + row.explanation,
    )
