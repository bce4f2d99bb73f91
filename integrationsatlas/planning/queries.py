"""Read stored assessments for the planning pages: rows, combined status, totals by payer, sorting."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from integrationsatlas.assessments.models import Assessment, AssessmentRow
from integrationsatlas.regions.models import Region
from integrationsatlas.standards.models import Rule
from integrationsatlas.taxonomy.models import OfferType

from .overview import overview_classes

PAYERS = ("land", "kreis", "gemeinde", "bund")
STATUS_ORDER = {"gap": 0, "partial": 1, "met": 2, "no_data": 3}
SORT_KEYS = {
    "region": lambda r: (r.region.name, r.rule_code),
    "ags": lambda r: (r.region_id, r.rule_code),
    "rule": lambda r: (r.rule_code, r.region_id),
    "value": lambda r: (r.value is None, r.value or 0.0),
    "target": lambda r: r.target,
    "ratio": lambda r: (r.ratio is None, r.ratio or 0.0),
    "status": lambda r: (STATUS_ORDER.get(r.status, 9), r.region_id),
    "deficit": lambda r: (r.deficit is None, r.deficit or 0.0),
    "cost": lambda r: (r.cost_total is None, r.cost_total or 0.0),
}


def rows_of(
    assessment: Assessment, level: str | None = None, rule_code: str | None = None
) -> list[AssessmentRow]:
    rows = assessment.rows.with_region()
    if level:
        rows = rows.filter(region__level=level)
    if rule_code:
        rows = rows.filter(rule_code=rule_code)
    return list(rows)


def sort_rows(rows: list[AssessmentRow], key: str, descending: bool) -> list[AssessmentRow]:
    """Sort by a known column name; an unknown name falls back to the region key."""
    return sorted(rows, key=SORT_KEYS.get(key, SORT_KEYS["ags"]), reverse=descending)


def status_by_region(rows: Sequence[AssessmentRow]) -> dict[str, str]:
    """Each region's status when the rows hold one rule per region; with several rules the
    overview class (overview.overview_class: share of the judged rules met), never the
    worst status, which painted every region red."""
    grouped: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        grouped[row.region_id].append(row.status)
    if all(len(statuses) == 1 for statuses in grouped.values()):
        return {ags: statuses[0] for ags, statuses in grouped.items()}
    return overview_classes(rows)


def rule_codes(assessment: Assessment) -> list[str]:
    return list(
        assessment.rows.order_by("rule_code").values_list("rule_code", flat=True).distinct()
    )


def levels_with_rows(assessment: Assessment) -> list[str]:
    found = set(assessment.rows.values_list("region__level", flat=True).distinct())
    return [lvl for lvl in (Region.Level.KREIS, Region.Level.GEMEINDE) if lvl in found]


def rules_by_code(assessment: Assessment) -> dict[str, Rule]:
    return {rule.code: rule for rule in assessment.standard_set.rules.select_related("offer_type")}


def offer_type_names() -> dict[str, str]:
    return {t.code: t.name for t in OfferType.objects.all()}


@dataclass
class CostLine:
    """Yearly cost to close gaps, split by payer, for one group (a region, an offer type, all)."""

    key: str
    label: str
    gaps: int = 0
    total: float = 0.0
    payers: dict[str, float] = field(default_factory=lambda: dict.fromkeys(PAYERS, 0.0))

    def add(self, row: AssessmentRow) -> None:
        self.total += row.cost_total or 0.0
        for payer in PAYERS:
            self.payers[payer] += getattr(row, f"cost_{payer}") or 0.0
        # A Gemeinde showing its Kreis's result is not a gap of its own (counted at the Kreis).
        if row.status in ("gap", "partial") and row.basis != "parent":
            self.gaps += 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "gaps": self.gaps,
            "total": round(self.total, 2),
            **{payer: round(v, 2) for payer, v in self.payers.items()},
        }


def cost_summary(rows: Sequence[AssessmentRow]) -> dict[str, Any]:
    """Totals for the whole state, per region and per offer type; "gaps" counts gap + partial."""
    names = offer_type_names()
    total = CostLine("all", "Sachsen")
    regions: dict[str, CostLine] = {}
    types: dict[str, CostLine] = {}
    for row in rows:
        total.add(row)
        regions.setdefault(row.region_id, CostLine(row.region_id, row.region.name)).add(row)
        code = row.offer_type_code
        types.setdefault(code, CostLine(code, names.get(code, code))).add(row)
    return {
        "total": total,
        "regions": sorted(regions.values(), key=lambda c: c.key),
        "offer_types": sorted(types.values(), key=lambda c: -c.total),
    }


def status_counts(rows: Sequence[AssessmentRow]) -> dict[str, int]:
    counts = dict.fromkeys(STATUS_ORDER, 0)
    for row in rows:
        counts[row.status] = counts.get(row.status, 0) + 1
    return counts


def default_assessment(
    user_assessments, ags: str | None = None, today: dt.date | None = None
) -> Assessment | None:
    """The newest non-scenario assessment the user may read (with rows for the region, if
    given) for today or earlier; one for a future date (2030) only when there is no other:
    the future one stands beside it in the report's 2030 column."""
    candidates = user_assessments.filter(is_scenario=False)
    if ags:
        candidates = candidates.filter(rows__region_id=ags).distinct()
    newest = candidates.order_by("-reference_date", "-created_at")
    day = today or timezone.localdate()
    return newest.filter(reference_date__lte=day).first() or newest.first()


def trend(user_assessments, assessment: Assessment, ags: str) -> list[dict[str, Any]]:
    """Fulfilment of one region across stored assessments of the same standard set, oldest first."""
    runs = (
        user_assessments.filter(
            is_scenario=False, standard_set__slug=assessment.standard_set.slug, rows__region_id=ags
        )
        .distinct()
        .order_by("reference_date", "created_at")
    )
    points = []
    for run in runs:
        rows = list(run.rows.filter(region_id=ags))
        judged = [r for r in rows if r.status != "no_data"]
        met = sum(1 for r in judged if r.status == "met")
        ratios = [min(r.ratio, 1.0) for r in judged if r.ratio is not None]
        points.append(
            {
                "assessment": run,
                "date": run.reference_date,
                "rules": len(rows),
                "met": met,
                "met_share": met / len(judged) if judged else None,
                "mean_fulfilment": sum(ratios) / len(ratios) if ratios else None,
                "cost_total": sum(r.cost_total or 0.0 for r in rows),
            }
        )
    return points


def peer_rank(assessment: Assessment, row: AssessmentRow) -> tuple[int | None, int]:
    """Rank of a row's fulfilment among the same rule's regions of the same level (1 = best)."""
    peers = assessment.rows.filter(
        rule_code=row.rule_code, region__level=row.region.level, ratio__isnull=False
    ).exclude(basis="parent")
    ratios = list(peers.values_list("ratio", flat=True))
    if row.ratio is None or row.basis == "parent":  # a copy of its Kreis: no rank of its own
        return None, len(ratios)
    return 1 + sum(1 for r in ratios if r > row.ratio), len(ratios)
