"""Scenarios: copy a standard set, change targets and financing, add planned services, re-assess.

A scenario is a StandardSet with ``is_scenario=True`` whose ``document["scenario"]`` holds the
planned services (never written to the registry, so the public never sees them). Running a
scenario runs the engine (`assessments.run.run_assessment`) for the scenario's rules at the
base assessment's level and reference date and stores the result with ``is_scenario=True``.
Planned services that have started by the reference date go to the engine as
``extra_services``, so every rule judges them like registered services.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.text import slugify

from integrationsatlas.analysis.status import check_financing
from integrationsatlas.assessments.models import Assessment
from integrationsatlas.assessments.run import AssessmentError, run_assessment
from integrationsatlas.regions.models import Region
from integrationsatlas.standards.models import StandardSet
from integrationsatlas.taxonomy.models import OfferType


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
    hours = None
    if str(data.get("weekly_hours") or "").strip():
        try:
            hours = float(str(data["weekly_hours"]).replace(",", "."))
            if not 0 <= hours <= 168:
                raise ValueError
        except ValueError:
            problems.append("weekly_hours: Wochenstunden als Zahl von 0 bis 168 angeben.")
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
        "weekly_hours": hours,
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


def engine_service(entry: dict[str, Any]) -> dict[str, Any]:
    """A stored planned service as `run_assessment(extra_services=...)` expects it."""
    region = Region.objects.get(ags=entry["region"])
    # One funding of the whole service by the named level; none named = funding unknown
    # (the reliability rules then leave the planned service out, see rules.reliability).
    level = entry.get("funder_level") or ""
    fundings = [{"share": 1.0, "end": entry.get("funding_end"), "level": level}] if level else []
    item: dict[str, Any] = {
        "name": entry["name"],
        "offer_type": entry["offer_type"],
        "capacity": entry["capacity"],
        "weekly_hours": entry.get("weekly_hours"),
        "languages": entry.get("languages") or [],
        "start": entry["start"],
        "fundings": fundings,
    }
    if region.level == Region.Level.GEMEINDE:
        item["gemeinde"] = region.ags
    item["lon"], item["lat"] = region.point_lon, region.point_lat
    return item


@transaction.atomic
def run_scenario(
    user, scenario: StandardSet, base: Assessment, reference_date: dt.date | None = None
) -> Assessment:
    """Run the engine (`run_assessment`) for the scenario's rules at `base`'s level and date
    (or a later `reference_date`), with the planned services; store it as a scenario."""
    if not scenario.is_scenario:
        raise ScenarioError("Kein Szenario.")
    on = reference_date or base.reference_date
    if on < base.reference_date:
        raise ScenarioError("reference_date: Der Stichtag darf nicht vor dem der Basis liegen.")
    planned = planned_services(scenario)
    started = [p for p in planned if dt.date.fromisoformat(p["start"]) <= on]
    label = f"Szenario {scenario.name} (Basis: Bewertung {base.pk})"
    try:
        result = run_assessment(
            scenario,
            base.level,
            on,
            user=user,
            label=label,
            extra_services=[engine_service(p) for p in started],
            is_scenario=True,
        )
    except AssessmentError as error:
        raise ScenarioError(str(error)) from None
    result.is_scenario = True
    result.scenario = {"standard_set": scenario.slug, "planned_services": planned}
    result.data_reference = {**(result.data_reference or {}), "base_assessment": base.pk}
    result.save(update_fields=["is_scenario", "scenario", "data_reference"])
    return result
