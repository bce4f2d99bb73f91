"""Everything a region report shows (HTML and PDF share it): rows, map, cliffs, peers, trend, sources."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from integrationsatlas.assessments import provenance
from integrationsatlas.assessments.models import Assessment
from integrationsatlas.regions.models import IndicatorValue, Region
from integrationsatlas.regions.queries import latest_indicators
from integrationsatlas.regions.svgmap import region_map
from integrationsatlas.standards.models import Rule

from . import charts, future
from .cliffs import ending_soon, region_cliffs, region_services
from .fairness import equity_table
from .names import Names
from .overview import overview_legend
from .queries import cost_summary, peer_rank, rows_of, rules_by_code, status_by_region, trend
from .target_groups import group_sources, region_view

BASE_INDICATORS = ("population", "foreign_population", "protection_seekers", "children_under_6")


def _indicators_as_of(
    codes: tuple[str, ...], region: Region, assessment: Assessment | None
) -> dict[str, IndicatorValue]:
    """The figures the engine used: newest on or before the assessment's reference date
    (a later edition would show numbers the result was not computed from)."""
    if assessment is None:
        return latest_indicators(codes, [region.ags]).get(region.ags, {})
    # A future assessment may rest on projections: only the variant it used, never another.
    used = {
        variant
        for item in (assessment.data_reference or {}).get("indicators", {}).values()
        for variant in item.get("projection_variants", [])
    }
    values = IndicatorValue.objects.filter(
        code__in=codes,
        region=region,
        reference_date__lte=assessment.reference_date,
        projection_variant__in=["", *used],
    ).order_by("code", "reference_date")
    return {v.code: v for v in values}  # later dates overwrite


def report_context(
    region: Region, assessment: Assessment | None, readable, today: dt.date
) -> dict[str, Any]:
    """`readable` is the queryset of assessments the viewer may read (for the trend)."""
    context: dict[str, Any] = {"region": region, "assessment": assessment, "today": today}
    rows = [r for r in rows_of(assessment) if r.region_id == region.ags] if assessment else []
    rules = rules_by_code(assessment) if assessment else {}
    demand_codes = tuple(
        sorted(set(BASE_INDICATORS) | {r.demand_indicator for r in rules.values()})
    )
    indicators = _indicators_as_of(demand_codes, region, assessment)
    context["indicators"] = sorted(indicators.values(), key=lambda v: v.code)
    services = region_services(region.ags)
    names = Names(assessment)
    context["rule_names"] = names.rules
    offers = (
        services.values("offer_type__code")
        .annotate(n=Count("id", distinct=True), demo=Count("id", filter=Q(is_demo=True)))
        .order_by("offer_type__code")
    )
    context["offers"] = sorted(
        ({**o, "name": names.offer_type(o["offer_type__code"])} for o in offers),
        key=lambda o: o["name"],
    )
    context["result_rows"] = [
        {"row": r, "rule": rules.get(r.rule_code), "rank": peer_rank(assessment, r)} for r in rows
    ]
    context["costs"] = cost_summary(rows)["total"]
    context["legend"] = overview_legend()
    context.update(_maps(region, assessment))
    context["cliffs"] = _cliff_charts(region, today)
    context["ending"] = ending_soon(region.ags, today)
    if assessment:
        context.update(_equity_and_trend(assessment, region, rows, readable))
    demo_sources = any(v.is_demo for v in indicators.values())
    demo_services = any(o["demo"] for o in context["offers"])
    context["is_demo"] = bool(
        (assessment and assessment.includes_demo_data) or demo_sources or demo_services
    )
    shown = list(indicators.values())
    if assessment:
        context["target_groups"] = region_view(assessment, region, services)
        context["target_group_rules"] = [
            (line.label, item) for line in context["target_groups"] for item in line.rules
        ]
        shown += [v for v in group_sources(context["target_groups"]) if v not in shown]
        context.update(future_context(readable, assessment, region, today, demand_codes))
        shown += [v for v in context.get("future_figures", []) if v not in shown]
    used = [rules[r.rule_code] for r in rows if r.rule_code in rules]
    context["sources"] = report_sources(region, shown, assessment, used)
    if assessment:
        context["honesty_label"] = provenance.honesty_label(assessment.standard_set)
    return context


def _maps(region: Region, assessment: Assessment | None) -> dict[str, Any]:
    """The Kreise of the Land with this region's Kreis outlined, coloured by combined status;
    for a Kreis also its Gemeinden."""
    found: dict[str, Any] = {}
    kreis_rows = rows_of(assessment, level=Region.Level.KREIS) if assessment else []
    found["map"] = charts.choropleth(
        region_map(Region.Level.KREIS),
        status_by_region(kreis_rows),
        _("Lage von %(name)s in Sachsen, Kreise nach Gesamtstatus") % {"name": region.name},
        link=lambda ags: reverse("planning:region", args=[ags]),
        prefix="rmap",
        highlight=region.ags[:5],
    )
    if region.level == Region.Level.KREIS and assessment:
        gemeinde_rows = [
            r
            for r in rows_of(assessment, level=Region.Level.GEMEINDE)
            if r.region_id.startswith(region.ags)
        ]
        if gemeinde_rows:
            found["gemeinde_map"] = charts.choropleth(
                region_map(Region.Level.GEMEINDE, parent=region.ags),
                status_by_region(gemeinde_rows),
                _("Gemeinden von %(name)s nach Gesamtstatus") % {"name": region.name},
                link=lambda ags: reverse("planning:region", args=[ags]),
                prefix="gmap",
                marks=False,
            )
    return found


def _cliff_charts(region: Region, today: dt.date) -> list[dict[str, Any]]:
    return [
        {
            "cliff": c,
            "chart": charts.line_chart(
                c.months,
                c.remaining,
                _("Finanzierungsklippe %(type)s bis 2030-12") % {"type": c.name},
                y_label=c.unit,
            ),
        }
        for c in region_cliffs(region.ags, today)
    ]


def _equity_and_trend(
    assessment: Assessment, region: Region, rows: list, readable
) -> dict[str, Any]:
    found: dict[str, Any] = {
        "equity": [
            e
            for e in equity_table(assessment)
            if e.level == region.level and e.rule_code in {r.rule_code for r in rows}
        ]
    }
    points = trend(readable, assessment, region.ags)
    found["trend"] = points
    if len(points) > 1:
        found["trend_chart"] = charts.line_chart(
            [p["date"] for p in points],
            [None if p["met_share"] is None else p["met_share"] * 100 for p in points],
            _("Anteil erfüllter Regeln je Bewertung (%)"),
            y_label="%",
        )
    return found


def future_context(
    readable, assessment: Assessment, region: Region, today: dt.date, codes: tuple[str, ...]
) -> dict[str, Any]:
    """The report's 2030 column: today's and the future assessment per rule, and the
    projected figures behind the future one (none: it uses today's demand)."""
    pair = future.pair_for(readable, assessment, today)
    if pair is None:
        return {"future_pair": None}
    items = future.lines(pair, ags=region.ags)
    return {
        "future_pair": pair,
        "future_lines": items,
        "future_summary": future.summary(items),
        "future_figures": future.projection_figures(pair, list(codes), [region.ags]),
    }


def _german_date(date: dt.date) -> str:
    return date.strftime("%d.%m.%Y")


def report_sources(
    region: Region,
    indicators: list[IndicatorValue],
    assessment: Assessment | None,
    rules: list[Rule],
) -> list[str]:
    """Each source once, with its reference dates: the indicators shown and used, the
    boundaries, and (with an assessment) its standard set, the rules' sources and registry."""
    if assessment:
        lines = provenance.source_lines(assessment, rules, fmt=_german_date, shown=indicators)
    else:
        lines = provenance.indicator_lines(provenance.add_values({}, indicators), _german_date)
    if region.source and not any(line.startswith(region.source) for line in lines):
        lines.insert(0, region.source)
    return list(dict.fromkeys(lines))  # each once, in order
