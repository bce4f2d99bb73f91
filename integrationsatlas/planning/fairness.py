"""Equity per rule across Kreise and Gemeinden of a stored assessment, via the engine's equity()."""

from __future__ import annotations

import math
from dataclasses import dataclass

from integrationsatlas.analysis.equity import Equity, equity
from integrationsatlas.assessments.models import Assessment
from integrationsatlas.regions.models import Region
from integrationsatlas.regions.queries import latest_indicators


@dataclass(frozen=True)
class RuleEquity:
    rule_code: str
    level: str
    result: Equity

    @property
    def gap_share_percent(self) -> float | None:
        share = self.result.gap_population_share
        return None if math.isnan(share) else share * 100


def equity_table(assessment: Assessment) -> list[RuleEquity]:
    """One line per (rule, region level) with rows: min/max/CV/Gini of the fulfilment capped
    at 100 % (analysis.equity), population in gap. Rows copied from the Kreis are left out."""
    rows = list(assessment.rows.with_region().order_by("rule_code", "region_id"))
    population = {
        ags: values["population"].value
        for ags, values in latest_indicators(("population",), None).items()
        if "population" in values
    }
    grouped: dict[tuple[str, str], list] = {}
    for row in rows:
        if row.basis == "parent":
            continue  # a Kreis's result copied to its Gemeinden is one region, not many
        grouped.setdefault((row.rule_code, row.region.level), []).append(row)
    out = []
    for (code, level), group in sorted(grouped.items()):
        ratios = [math.nan if r.ratio is None else r.ratio for r in group]
        pops = [population.get(r.region_id, math.nan) for r in group]
        out.append(RuleEquity(code, level, equity(ratios, pops, [r.status for r in group])))
    return out


def level_label(level: str) -> str:
    return str(dict(Region.Level.choices).get(level, level))
