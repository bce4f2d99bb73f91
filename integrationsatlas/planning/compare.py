"""Two stored assessments side by side: per region and rule the change, and new totals per payer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from integrationsatlas.standards.models import Assessment, AssessmentRow

from .queries import PAYERS, cost_summary, rows_of, status_counts


@dataclass(frozen=True)
class RowChange:
    ags: str
    region: str
    rule_code: str
    status_a: str | None
    status_b: str | None
    deficit_a: float
    deficit_b: float
    cost_a: float
    cost_b: float

    @property
    def status_changed(self) -> bool:
        return self.status_a != self.status_b

    @property
    def deficit_change(self) -> float:
        return self.deficit_b - self.deficit_a

    @property
    def cost_change(self) -> float:
        return self.cost_b - self.cost_a


def comparison(a: Assessment, b: Assessment) -> dict[str, Any]:
    """Row changes for every (region, rule) in either run; a region counts as changed when any
    of its rule statuses differs (a row present on one side only counts as a change)."""
    rows_a = rows_of(a)
    rows_b = rows_of(b)
    index_a = {(r.region_id, r.rule_code): r for r in rows_a}
    index_b = {(r.region_id, r.rule_code): r for r in rows_b}
    changes = []
    for key in sorted(index_a.keys() | index_b.keys()):
        ra: AssessmentRow | None = index_a.get(key)
        rb: AssessmentRow | None = index_b.get(key)
        region = (ra or rb).region  # type: ignore[union-attr]
        changes.append(
            RowChange(
                ags=key[0],
                region=region.name,
                rule_code=key[1],
                status_a=ra.status if ra else None,
                status_b=rb.status if rb else None,
                deficit_a=ra.deficit if ra else 0.0,
                deficit_b=rb.deficit if rb else 0.0,
                cost_a=ra.cost_total if ra else 0.0,
                cost_b=rb.cost_total if rb else 0.0,
            )
        )
    changed_regions = sorted({(c.ags, c.region) for c in changes if c.status_changed})
    cost_a, cost_b = cost_summary(rows_a)["total"], cost_summary(rows_b)["total"]
    payers = [
        {
            "payer": p,
            "a": cost_a.payers[p],
            "b": cost_b.payers[p],
            "change": cost_b.payers[p] - cost_a.payers[p],
        }
        for p in PAYERS
    ]
    return {
        "changes": changes,
        "status_changes": [c for c in changes if c.status_changed],
        "changed_regions": changed_regions,
        "total_a": cost_a.total,
        "total_b": cost_b.total,
        "payers": payers,
        "counts_a": status_counts(rows_a),
        "counts_b": status_counts(rows_b),
    }
