"""Compare two stored assessments: what changed per region and rule, and totals per payer."""

from __future__ import annotations

import math
from typing import Any

from integrationsatlas.assessments.models import COST_FIELDS, Assessment

PAYERS = ("land", "kreis", "gemeinde", "bund")
COMPARE_COLUMNS = [
    "ags",
    "region",
    "rule",
    "status_a",
    "status_b",
    "deficit_a",
    "deficit_b",
    "deficit_change",
    "cost_a",
    "cost_b",
    "cost_change",
]
_FIELDS = ("region_id", "region__name", "rule_code", "status", "deficit", *COST_FIELDS)


def _differs(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return (a is None) != (b is None)
    return not math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def _minus(b: float | None, a: float | None) -> float | None:
    return None if a is None or b is None else b - a


def compare_assessments(a: Assessment, b: Assessment) -> dict[str, Any]:
    """Rows that differ between `a` (before) and `b` (after), and cost totals per payer.

    A row differs when its status, deficit or total cost changed, or when the (region, rule)
    pair exists in only one of the two (then the missing side's status is empty). Unknown
    (empty) values count as different from known ones. Returns {"rows": [...] with
    COMPARE_COLUMNS, "totals": {payer or "total": {"a", "b", "change"}}, "a": id, "b": id}.
    """
    before = {(r["region_id"], r["rule_code"]): r for r in a.rows.values(*_FIELDS)}
    after = {(r["region_id"], r["rule_code"]): r for r in b.rows.values(*_FIELDS)}
    rows = []
    for key in sorted(before.keys() | after.keys(), key=lambda k: (k[1], k[0])):
        old, new = before.get(key), after.get(key)
        old_status = old["status"] if old else ""
        new_status = new["status"] if new else ""
        old_deficit, new_deficit = (old or {}).get("deficit"), (new or {}).get("deficit")
        old_cost, new_cost = (old or {}).get("cost_total"), (new or {}).get("cost_total")
        changed = (
            old is None
            or new is None
            or old_status != new_status
            or _differs(old_deficit, new_deficit)
            or _differs(old_cost, new_cost)
        )
        if not changed:
            continue
        rows.append(
            {
                "ags": key[0],
                "region": (new or old)["region__name"],
                "rule": key[1],
                "status_a": old_status,
                "status_b": new_status,
                "deficit_a": old_deficit,
                "deficit_b": new_deficit,
                "deficit_change": _minus(new_deficit, old_deficit),
                "cost_a": old_cost,
                "cost_b": new_cost,
                "cost_change": _minus(new_cost, old_cost),
            }
        )
    totals = {}
    for payer in ("total", *PAYERS):
        field = f"cost_{payer}"
        sum_a = sum(r[field] or 0.0 for r in before.values())
        sum_b = sum(r[field] or 0.0 for r in after.values())
        totals[payer] = {"a": sum_a, "b": sum_b, "change": sum_b - sum_a}
    return {"a": a.pk, "b": b.pk, "rows": rows, "totals": totals}
