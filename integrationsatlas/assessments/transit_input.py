"""Travel times by bus and train for the transit rules of a run (engine input, mode transit).

For each rule with ``params.mode: transit``: the median minutes from every demand point to
every site of the rule's offer type, over the departures of the rule's window on one day of
the newest feed edition (transit.matrix, cached per edition, window and point set). With no
feed imported, or none with a day of the window's kind, the rule has no travel times: the
engine judges it by the straight line and its rows say so; ``notes`` says it once per rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from integrationsatlas.analysis.assess import DemandPoints, Services, TravelTimes
from integrationsatlas.analysis.geo import to_metric
from integrationsatlas.standards.models import Rule
from integrationsatlas.transit.matrix import (
    Window,
    basis,
    newest_edition,
    service_day,
    travel_minutes,
)


@dataclass
class TransitInput:
    """Travel times by rule code, what could not be done, and what the run rested on."""

    travel: dict[str, TravelTimes] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    reference: dict[str, Any] = field(default_factory=dict)


def is_transit(rule: Rule) -> bool:
    return (rule.params or {}).get("mode") == "transit"


def _straight(rule: Rule) -> str:
    params = rule.params or {}
    km = params.get("distance_km", params.get("catchment_km"))
    return f"Luftlinie {km:g} km" if isinstance(km, int | float) else "Luftlinie"


def transit_input(rules: list[Rule], points: DemandPoints, services: Services) -> TransitInput:
    """Travel times for the transit rules among ``rules`` (empty when there are none)."""
    transit_rules = [rule for rule in rules if is_transit(rule)]
    out = TransitInput()
    if not transit_rules:
        return out
    edition = newest_edition()
    if edition is None:
        out.notes = [
            f"Regel {rule.code}: kein Fahrplan importiert; statt „höchstens "
            f"{rule.params['max_minutes']:g} Minuten mit Bus und Bahn“ gilt die "
            f"{_straight(rule)} (integrationsatlas transit import)."
            for rule in transit_rules
        ]
        out.reference = {"edition": None, "rules": sorted(r.code for r in transit_rules)}
        return out
    origin_xy = to_metric(points.lon, points.lat)
    used: dict[str, Any] = {}
    cached = computed = 0
    for rule in transit_rules:
        params = rule.params
        window = Window.from_params(params["window"])
        day = service_day(edition, window.days)
        if day is None:
            out.notes.append(
                f"Regel {rule.code}: {edition.label} hat keinen Verkehrstag „{window.days}“; "
                f"es gilt die {_straight(rule)}."
            )
            continue
        sited = np.isfinite(services.lon) & np.isfinite(services.lat)
        svc = np.flatnonzero((services.offer_type == rule.offer_type.code) & sited)
        site_xy = to_metric(services.lon[svc], services.lat[svc])
        # Many services share a site: route to each place once.
        places, column = np.unique(site_xy.reshape(-1, 2), axis=0, return_inverse=True)
        minutes, hit = travel_minutes(
            edition, window, day, float(params["max_minutes"]), origin_xy, places
        )
        cached, computed = cached + hit, computed + (not hit)
        out.travel[rule.code] = TravelTimes(
            minutes[:, np.asarray(column).ravel()], svc, basis(edition, window)
        )
        used[rule.code] = {
            "window": params["window"],
            "day": day.isoformat(),
            "max_minutes": params["max_minutes"],
            "sites": int(places.shape[0]),
        }
    out.reference = {
        "edition": edition.pk,
        "name": edition.name,
        "label": edition.label,
        "reference_date": edition.reference_date.isoformat(),
        "source": edition.source,
        "licence": edition.licence,
        "rules": used,
        "matrices": {"computed": computed, "from_cache": cached},
    }
    return out
