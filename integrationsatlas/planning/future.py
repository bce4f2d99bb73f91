"""Today and 2030 side by side: two stored assessments of one standard set, per region and rule.

The pair is the assessment shown and the newest readable one of the same set and level on the
other side of today (a run with `--date 2030-12-31` and one for today). Per region and rule:
both results, the change of status, deficit and cost, and whether the 2030 demand comes from
a projection or, where none is loaded, is today's (the engine says which in every row's
explanation; these are its words).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from integrationsatlas.assessments.models import Assessment, AssessmentRow
from integrationsatlas.regions.models import IndicatorValue

from .names import Names
from .queries import STATUS_ORDER
from .target_groups import figures, used_variants

#: The engine's words in a future row's explanation (assessments/run.py, _Trace.demand).
PROJECTED = "Nachfrage: Vorausberechnung"
TODAY_DEMAND = "Keine Vorausberechnung geladen"


@dataclass(frozen=True)
class Pair:
    today: Assessment
    future: Assessment


@dataclass
class Line:
    """One region and rule today and at the future date."""

    ags: str
    region: str
    rule: str
    title: str
    now: AssessmentRow | None
    then: AssessmentRow | None
    projected: bool

    @property
    def status_change(self) -> str:
        """better, worse, same or "" (one side missing or not judged)."""
        if self.now is None or self.then is None:
            return ""
        a, b = (STATUS_ORDER.get(r.status, 9) for r in (self.now, self.then))
        if self.now.status == "no_data" or self.then.status == "no_data":
            return "" if a == b else "unknown"
        return "same" if a == b else ("better" if b > a else "worse")

    def _change(self, name: str) -> float | None:
        a = getattr(self.now, name, None) if self.now else None
        b = getattr(self.then, name, None) if self.then else None
        return None if a is None or b is None else b - a

    @property
    def deficit_change(self) -> float | None:
        return self._change("deficit")

    @property
    def cost_change(self) -> float | None:
        return self._change("cost_total")


def pair_for(readable: QuerySet[Assessment], shown: Assessment, today: dt.date) -> Pair | None:
    """`shown` and the newest readable non-scenario assessment of the same set and level on
    the other side of `today`; None when there is none."""
    if shown.is_scenario:
        return None
    others = readable.filter(
        is_scenario=False, standard_set__slug=shown.standard_set.slug, level=shown.level
    ).exclude(pk=shown.pk)
    if shown.reference_date > today:
        other = others.filter(reference_date__lte=today).order_by("-reference_date", "-created_at")
        found = other.first()
        return Pair(found, shown) if found else None
    other = others.filter(reference_date__gt=today).order_by("-reference_date", "-created_at")
    found = other.first()
    return Pair(shown, found) if found else None


def is_projected(row: AssessmentRow | None) -> bool:
    return row is not None and PROJECTED in row.explanation


def lines(pair: Pair, ags: str | None = None, level: str | None = None) -> list[Line]:
    """Every (region, rule) of either side, in rule order then region key; one region
    (`ags`) or one level."""

    def rows(assessment: Assessment) -> dict[tuple[str, str], AssessmentRow]:
        query = assessment.rows.with_region()
        if ags:
            query = query.filter(region_id=ags)
        if level:
            query = query.filter(region__level=level)
        return {(r.region_id, r.rule_code): r for r in query}

    now, then = rows(pair.today), rows(pair.future)
    names = Names(pair.future)
    order = {
        code: i
        for i, code in enumerate(
            pair.future.standard_set.rules.order_by("position", "code").values_list(
                "code", flat=True
            )
        )
    }
    out = []
    for key in sorted(now.keys() | then.keys(), key=lambda k: (order.get(k[1], 999), k[1], k[0])):
        a, b = now.get(key), then.get(key)
        region = (b or a).region.name if (b or a) is not None else key[0]  # type: ignore[union-attr]
        out.append(Line(key[0], region, key[1], names.rule(key[1]), a, b, is_projected(b)))
    return out


def summary(items: list[Line]) -> dict[str, Any]:
    """Counts for the page: rows met today and then, rows better or worse, rows projected."""
    return {
        "met_today": sum(1 for ln in items if ln.now is not None and ln.now.status == "met"),
        "met_then": sum(1 for ln in items if ln.then is not None and ln.then.status == "met"),
        "better": sum(1 for ln in items if ln.status_change == "better"),
        "worse": sum(1 for ln in items if ln.status_change == "worse"),
        "projected": sum(1 for ln in items if ln.projected),
        "rows": len(items),
    }


def projection_figures(pair: Pair, codes: list[str], keys: list[str]) -> list[IndicatorValue]:
    """The projected figures the future run used for these demand indicators and regions."""
    if not used_variants(pair.future):
        return []
    found = figures(pair.future, codes, keys)
    return sorted(
        (v for v in found.values() if v.projection_variant),
        key=lambda v: (v.code, v.region_id),
    )
