"""The target-group view of a stored assessment: per group its rules, status, demand and who is served.

For each group of `VIEW_GROUPS` (EU citizens, third-country citizens, refugees,
international workers, children, youth) and each region: the group's demand figure (the
first of its indicators known there, as of the assessment's reference date, with source,
date and whether it is demo, a projection or an estimate), the rules of the set that name
the group, how many are met, partial or a gap, and how many of the group are served.

"Served" is arithmetic, not a head count: group figure x fulfilment of the rule (at most
100 %); "not served" is the rest. With several rules the least fulfilled one counts, since a
group is only served as far as its weakest standard is met.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from integrationsatlas.assessments import provenance
from integrationsatlas.assessments.models import Assessment, AssessmentRow
from integrationsatlas.regions.models import IndicatorValue, Region
from integrationsatlas.standards.models import Rule
from integrationsatlas.taxonomy.target_groups import (
    GROUP_INDICATORS,
    VIEW_GROUPS,
    group_label,
    serves,
)

from .names import Names
from .overview import STATUSES

#: Words that mark a figure's source as an estimate rather than a count.
ESTIMATE_WORDS = ("Schätzung", "geschätzt")
#: The columns of the target-group export (CSV, XLSX), labels last.
GROUP_COLUMNS = [
    "ags",
    "region",
    "level",
    "target_group",
    "target_group_name",
    "demand_indicator",
    "demand",
    "demand_reference_date",
    "demand_kind",
    "demand_source",
    "rules",
    *STATUSES,
    "served",
    "not_served",
    *provenance.COLUMNS,
]


def used_variants(assessment: Assessment) -> set[str]:
    """The projection variants the assessment's run used (none for today's)."""
    return {
        variant
        for item in (assessment.data_reference or {}).get("indicators", {}).values()
        for variant in item.get("projection_variants", [])
    }


def figures(
    assessment: Assessment, codes: Iterable[str], keys: Iterable[str]
) -> dict[tuple[str, str], IndicatorValue]:
    """{(code, region key): figure} newest on or before the reference date, observed or of
    a projection variant the run used (the figures its result was computed from)."""
    values = IndicatorValue.objects.filter(
        code__in=list(codes),
        region_id__in=list(keys),
        reference_date__lte=assessment.reference_date,
        projection_variant__in=["", *used_variants(assessment)],
    ).order_by("reference_date", "projection_variant")
    return {(v.code, v.region_id): v for v in values}  # later dates overwrite


def figure_kind(value: IndicatorValue) -> str:
    """Whether a figure is demo, a projection, an estimate or a statistic (shown beside it)."""
    if value.is_demo:
        return _("Demo")
    if value.projection_variant:
        return _("Vorausberechnung, Variante %(variant)s") % {"variant": value.projection_variant}
    if any(word in value.source for word in ESTIMATE_WORDS):
        return _("Schätzung")
    return _("Statistik, keine Schätzung")


@dataclass
class RuleLine:
    """One rule of a group in one region: its stored row and the group served by it."""

    row: AssessmentRow
    title: str
    served: float | None
    not_served: float | None


@dataclass
class GroupLine:
    """One group in one region (or, for the state, summed over the regions of a level)."""

    group: str
    label: str
    indicators: tuple[str, ...]
    demand: IndicatorValue | None = None
    demand_total: float | None = None
    demand_kind: str = ""
    rules: list[RuleLine] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    served: float | None = None
    not_served: float | None = None
    offers: int | None = None
    offers_all: int | None = None
    gap_regions: list[str] = field(default_factory=list)

    @property
    def has_indicator(self) -> bool:
        return bool(self.indicators)


def _served(figure: float | None, row: AssessmentRow) -> tuple[float | None, float | None]:
    if figure is None or row.ratio is None or row.status == "no_data":
        return None, None
    served = figure * max(0.0, min(row.ratio, 1.0))
    return served, figure - served


def group_rules(assessment: Assessment) -> dict[str, list[Rule]]:
    """{group: the set's rules that name it}, in the set's order."""
    out: dict[str, list[Rule]] = {g: [] for g in VIEW_GROUPS}
    for rule in assessment.standard_set.rules.order_by("position", "code"):
        if rule.target_group in out:
            out[rule.target_group].append(rule)
    return out


def _line(
    group: str,
    key: str,
    found: dict[tuple[str, str], IndicatorValue],
    rows: Sequence[AssessmentRow],
    names: Names,
) -> GroupLine:
    """The line of one group in region `key` from its rows and figures."""
    indicators = GROUP_INDICATORS.get(group, ())
    line = GroupLine(group, group_label(group), indicators)
    for code in indicators:
        value = found.get((code, key))
        if value is not None and value.value is not None:
            line.demand, line.demand_total = value, value.value
            line.demand_kind = figure_kind(value)
            break
    for row in rows:
        served, rest = _served(line.demand_total, row)
        line.rules.append(RuleLine(row, names.rule(row.rule_code), served, rest))
        line.counts[row.status] += 1
    judged = [r for r in line.rules if r.served is not None]
    if judged:
        weakest = min(judged, key=lambda r: r.served or 0.0)
        line.served, line.not_served = weakest.served, weakest.not_served
    return line


def region_view(
    assessment: Assessment, region: Region, services: Iterable[Any] = ()
) -> list[GroupLine]:
    """Every view group for one region; `services` (the region's active offers) give how
    many serve the group (those naming it, or no group or "all")."""
    rules = group_rules(assessment)
    codes = {c for g in VIEW_GROUPS for c in GROUP_INDICATORS.get(g, ())}
    found = figures(assessment, codes, [region.ags])
    names = Names(assessment)
    rows = [
        r
        for r in assessment.rows.filter(region_id=region.ags).with_region()
        if r.rule_code in {rule.code for group in rules.values() for rule in group}
    ]
    offered = list(services)
    lines = []
    for group in VIEW_GROUPS:
        codes_of = {rule.code for rule in rules[group]}
        line = _line(group, region.ags, found, [r for r in rows if r.rule_code in codes_of], names)
        line.offers = sum(1 for s in offered if serves(s.target_groups, group))
        line.offers_all = len(offered)
        lines.append(line)
    return lines


def _per_region(assessment: Assessment, level: str) -> dict[str, dict[str, GroupLine]]:
    """{group: {region key: line}} for every region of `level` with rows."""
    rules = group_rules(assessment)
    codes = {c for g in VIEW_GROUPS for c in GROUP_INDICATORS.get(g, ())}
    regions = dict(
        assessment.rows.filter(region__level=level)
        .values_list("region_id", "region__name")
        .distinct()
    )
    found = figures(assessment, codes, regions)
    names = Names(assessment)
    group_of = {rule.code: g for g, group in rules.items() for rule in group}
    rows_by: dict[tuple[str, str], list[AssessmentRow]] = {}
    for row in (
        assessment.rows.filter(region__level=level, rule_code__in=group_of)
        .with_region()
        .order_by("region_id", "rule_code")
    ):
        rows_by.setdefault((group_of[row.rule_code], row.region_id), []).append(row)
    return {
        group: {
            key: _line(group, key, found, rows_by.get((group, key), []), names)
            for key in sorted(regions)
        }
        for group in VIEW_GROUPS
    }


def state_view(assessment: Assessment, level: str) -> list[GroupLine]:
    """Every view group summed over the regions of `level`: demand, rule statuses (one per
    region and rule), served and not served, and the regions with a gap."""
    out = []
    for group, lines in _per_region(assessment, level).items():
        total = GroupLine(group, group_label(group), GROUP_INDICATORS.get(group, ()))
        known = [ln for ln in lines.values() if ln.demand_total is not None]
        if known:
            total.demand_total = sum(ln.demand_total or 0.0 for ln in known)
            total.demand = known[0].demand
            total.demand_kind = ", ".join(sorted({ln.demand_kind for ln in known}))
        judged = [ln for ln in lines.values() if ln.served is not None]
        if judged:
            total.served = sum(ln.served or 0.0 for ln in judged)
            total.not_served = sum(ln.not_served or 0.0 for ln in judged)
        for key, line in lines.items():
            for status, n in line.counts.items():
                total.counts[status] += n
            if line.counts["gap"] or line.counts["partial"]:
                total.gap_regions.append(line.rules[0].row.region.name if line.rules else key)
            total.rules += line.rules
        out.append(total)
    return out


def group_sources(lines: Iterable[GroupLine]) -> list[IndicatorValue]:
    """The figures a view shows, for the sources block."""
    return [ln.demand for ln in lines if ln.demand is not None]


def export_rows(assessment: Assessment) -> list[dict[str, Any]]:
    """GROUP_COLUMNS per region (of the assessment's level) and group; every row labelled
    with the sources of the group's rules and demand figure."""
    labels = provenance.Labeller(assessment)
    rules = group_rules(assessment)
    names = dict(assessment.rows.values_list("region_id", "region__name").distinct())
    out = []
    for group, lines in _per_region(assessment, assessment.level).items():
        codes = [rule.code for rule in rules[group]]
        for key, line in lines.items():
            figure = line.demand
            out.append(
                {
                    "ags": key,
                    "region": names.get(key, key),
                    "level": assessment.level,
                    "target_group": group,
                    "target_group_name": line.label,
                    "demand_indicator": figure.code if figure else "",
                    "demand": line.demand_total,
                    "demand_reference_date": figure.reference_date.isoformat() if figure else "",
                    "demand_kind": line.demand_kind,
                    "demand_source": figure.source if figure else "",
                    "rules": len(line.rules),
                    **line.counts,
                    "served": None if line.served is None else round(line.served),
                    "not_served": None if line.not_served is None else round(line.not_served),
                    **labels.columns(codes),
                }
            )
    return out


def combined_status(line: GroupLine) -> str:
    """One status of a group in a region: gap if any rule has one, else partial, else met;
    no_data when none of its rules is judged (or it has none)."""
    counts = line.counts
    if counts["gap"]:
        return "gap"
    if counts["partial"]:
        return "partial"
    return "met" if counts["met"] else "no_data"


def geojson_properties(assessment: Assessment) -> dict[str, dict[str, Any]]:
    """{region key: properties} per group with rules: `group_status:<g>`, `group_demand:<g>`
    and `group_not_served:<g>` (GIS layers keep only feature properties)."""
    rules = group_rules(assessment)
    props: dict[str, dict[str, Any]] = {}
    for level in {assessment.level, Region.Level.KREIS}:
        for group, lines in _per_region(assessment, level).items():
            if not rules[group]:
                continue
            for key, line in lines.items():
                item = props.setdefault(key, {})
                item[f"group_status:{group}"] = combined_status(line)
                item[f"group_demand:{group}"] = line.demand_total
                item[f"group_not_served:{group}"] = (
                    None if line.not_served is None else round(line.not_served)
                )
    return props
