"""Store, with an assessment, the minutes by bus and train from every Gemeinde to the nearest offer.

For each rule with ``mode: transit`` that had travel times (a feed was loaded): one
TransitReach row per demand point (a Gemeinde's point) with its population and the minutes
to the nearest offer counting for the rule (analysis.assess.nearest_minutes). Rules judged
by the straight line get no rows; the planning pages say why (data_reference["transit"]).
"""

from __future__ import annotations

import datetime as dt
import math
import time

from integrationsatlas.analysis.assess import EngineRule, nearest_minutes
from integrationsatlas.assessments.engine_input import EngineInput
from integrationsatlas.assessments.models import TransitReach


def reach_rows(
    data: EngineInput, rules: list[EngineRule], date: dt.date, started: float = 0.0
) -> list[tuple[str, str, float | None, float | None]]:
    """(rule code, Gemeinde key, population or None, minutes or None) per transit rule and
    demand point; None minutes = not reachable within the search horizon. The seconds since
    ``started`` (perf_counter) go into the run's transit reference as ``reach_seconds``."""
    travel = data.transit.travel
    if not travel:
        return []
    nearest = nearest_minutes(data.services, rules, date, data.points, travel, data.regions)
    keys = data.regions.keys[data.points.region].tolist()
    population = data.points.weights["population"].tolist()
    out = []
    for code, minutes in nearest.items():
        for key, people, value in zip(keys, population, minutes.tolist(), strict=True):
            out.append(
                (
                    code,
                    key,
                    people if math.isfinite(people) else None,
                    value if math.isfinite(value) else None,
                )
            )
    if "transit" in data.reference:
        data.reference["transit"]["reach_seconds"] = round(time.perf_counter() - started, 4)
    return out


def store_reach(assessment_id: int, rows: list[tuple[str, str, float | None, float | None]]):
    """Insert the rows of :func:`reach_rows` for the assessment (inside its transaction)."""
    TransitReach.objects.bulk_create(
        [
            TransitReach(
                assessment_id=assessment_id,
                rule_code=code,
                region_id=key,
                population=people,
                minutes=minutes,
            )
            for code, key, people, minutes in rows
        ],
        batch_size=2000,
    )
