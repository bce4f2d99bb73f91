"""Build the engine's input from the database: regions, indicators, services, rules.

Data flows one way: registry and indicator rows -> these arrays -> the pure engine
(`analysis`). Regions and indicator figures come from `region_input`, services from
`service_input`; this module joins them with the rules and keeps the trace together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from integrationsatlas.analysis.assess import DemandPoints, EngineRule, Regions, Services
from integrationsatlas.regions.models import Region
from integrationsatlas.registry.languages import language_name
from integrationsatlas.standards.models import Rule

from .region_input import region_arrays
from .service_input import service_arrays
from .transit_input import TransitInput, transit_input


@dataclass
class EngineInput:
    """Everything one engine run needs, plus what is needed to trace it afterwards."""

    regions: Regions
    points: DemandPoints
    services: Services
    names: dict[str, str]
    # (indicator code, region key) pairs whose figure is demo data; ("languages", key) for
    # the language figures of a region.
    demo_indicators: set[tuple[str, str]] = field(default_factory=set)
    demo_offer_types: set[str] = field(default_factory=set)
    # (indicator code, Gemeinde key) pairs apportioned from the Kreis value (APPORTION_NOTE).
    estimated_indicators: set[tuple[str, str]] = field(default_factory=set)
    # (indicator code, region key) -> (source, reference date, edition id) of a region's own
    # figure loaded by an indicator import: the explanation cites it.
    edition_origins: dict[tuple[str, str], tuple[str, dt.date, int]] = field(default_factory=dict)
    # (mark, region key) -> (source, variant, projected date) of demand from a projection.
    projections: dict[tuple[str, str], tuple[str, str, dt.date]] = field(default_factory=dict)
    # True when the reference date lies after today: demand without a projection is today's.
    future: bool = False
    reference: dict[str, Any] = field(default_factory=dict)
    # Travel times by bus and train for rules with mode transit (transit_input).
    transit: TransitInput = field(default_factory=TransitInput)

    @property
    def includes_demo_data(self) -> bool:
        return bool(self.demo_indicators or self.demo_offer_types)


def engine_rules(rules: list[Rule]) -> list[EngineRule]:
    """Engine rules from stored rules, each on the level it declares (never overridden)."""
    return [
        EngineRule(
            id=rule.code,
            offer_type=rule.offer_type.code,
            kind=rule.kind,
            level=rule.level,
            summary_by=(rule.summary or {}).get("by", "regions"),
            summary_target=float((rule.summary or {}).get("target", 1.0)),
            target=float(rule.target),
            demand_indicator=rule.demand_indicator,
            # bands_km and languages, the list-valued parameters, are fields of their own;
            # mode and window (transit) are settings, not numbers.
            params={
                k: float(v)
                for k, v in (rule.params or {}).items()
                if k not in {*LIST_PARAMS, "mode", "window"}
            },
            mode=(rule.params or {}).get("mode", "straight"),
            bands_km=tuple(
                (float(upper), float(w)) for upper, w in (rule.params or {}).get("bands_km", ())
            ),
            responsible_level=rule.responsible_level,
            financing={k: float(v) for k, v in (rule.financing or {}).items()},
            unit_cost=float(rule.unit_cost),
            unit=rule.offer_type.unit,
            sources=tuple(sorted(set((rule.sources or {}).values()))),
            target_group=rule.target_group,
            languages=tuple(str(c) for c in (rule.params or {}).get("languages", ())),
            language_names=_names_of((rule.params or {}).get("languages", ())),
        )
        for rule in rules
    ]


#: Rule parameters that are lists; the engine takes them as fields of their own.
LIST_PARAMS = ("bands_km", "languages")


def _names_of(codes: Iterable[object]) -> str:
    """German names of language codes, "Polnisch, Tschechisch oder Rumänisch"."""
    names = [language_name(str(c)) for c in codes]
    if len(names) < 2:
        return "".join(names)
    return f"{', '.join(names[:-1])} oder {names[-1]}"


def build_engine_input(
    rules: list[Rule],
    date: dt.date,
    extra_services: list[dict[str, Any]] | None = None,
    variant: str | None = None,
) -> EngineInput:
    """The registry and indicators as the engine sees them on `date`.

    For a date after today, demand comes from projections where loaded (`variant` chooses
    one when several are loaded) and supply from the services active then (`_active_at`).

    Kreis-only figures of rules judged per Gemeinde are apportioned by population (marked
    estimated); language figures are given on the levels of the `languages` rules.
    `extra_services`: planned services added to the registry's (see `_append_planned`).
    """
    codes = {rule.demand_indicator for rule in rules} | {"population"}
    per_gemeinde = {r.demand_indicator for r in rules if r.level == Region.Level.GEMEINDE}
    language_levels = {r.level for r in rules if r.kind == Rule.Kind.LANGUAGES}
    regions, points, names, trace = region_arrays(
        codes, date, per_gemeinde, language_levels or {Region.Level.KREIS}, variant
    )
    index = {key: i for i, key in enumerate(regions.keys.tolist())}
    services, demo_types, service_reference = service_arrays(
        index, date, {rule.offer_type.code for rule in rules}, extra_services
    )
    transit = transit_input(rules, points, services)
    reference = {"indicators": trace.reference, "registry": service_reference}
    if transit.reference:
        reference["transit"] = {**transit.reference, "notes": transit.notes}
    return EngineInput(
        regions=regions,
        points=points,
        services=services,
        names=names,
        demo_indicators=trace.demo,
        demo_offer_types=demo_types,
        estimated_indicators=trace.estimated,
        edition_origins=trace.origins,
        projections=trace.projections,
        future=date > timezone.localdate(),
        reference=reference,
        transit=transit,
    )
