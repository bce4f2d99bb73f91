"""What the comparison page adds on top of standards.compare: regions whose status changed, counts.

The row-by-row diff and the payer totals come from `standards.compare.compare_assessments`
(one comparison for CLI, API and page); this module only groups its rows for the page.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count

from integrationsatlas.assessments.compare import PAYERS, compare_assessments
from integrationsatlas.assessments.models import Assessment

from .queries import STATUS_ORDER


def status_counts_of(assessment: Assessment) -> dict[str, int]:
    """Rows per status, counted by the database (every status present, 0 when absent)."""
    counts = dict.fromkeys(STATUS_ORDER, 0)
    for item in assessment.rows.values("status").annotate(n=Count("id")):
        counts[item["status"]] = item["n"]
    return counts


def comparison(a: Assessment, b: Assessment) -> dict[str, Any]:
    """`compare_assessments(a, b)` plus what the page shows: status-changed rows and regions,
    rows per status in A and B, and payer totals as a list in a fixed order.

    A region counts as changed when any of its rules has another status in B than in A
    (a rule present on one side only counts as a change)."""
    result = compare_assessments(a, b)
    rows = result["rows"]
    status_changes = [r for r in rows if r["status_a"] != r["status_b"]]
    totals = result["totals"]
    return {
        **result,
        "changes": rows,
        "status_changes": status_changes,
        "changed_regions": sorted({(r["ags"], r["region"]) for r in status_changes}),
        "total_a": totals["total"]["a"],
        "total_b": totals["total"]["b"],
        "payers": [{"payer": p, **totals[p]} for p in PAYERS],
        "counts_a": status_counts_of(a),
        "counts_b": status_counts_of(b),
    }
