"""The section "Erreichbarkeit mit Bus und Bahn" of the state view, from stored reach rows.

Reads what the assessment stored (assessments.TransitReach: minutes from each Gemeinde to
the nearest offer per transit rule, and data_reference["transit"]: feed, window, day) and
turns it into a map by minute band and shares of people within N minutes per Kreis and for
the Land (analysis.reach_bands). Nothing is recomputed here; data flows engine -> stored
assessment -> page. Each figure carries its source sentence (feed and Stand, window,
standard set, demo or not).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from integrationsatlas.analysis.reach_bands import bands_for, share_within, shares_by_band
from integrationsatlas.assessments.models import Assessment, TransitReach
from integrationsatlas.regions.models import Region
from integrationsatlas.regions.svgmap import region_map
from integrationsatlas.transit.matrix import Window

from .minute_map import classes_and_titles, minute_legend, minute_map
from .queries import rules_by_code


@dataclass
class ShareLine:
    """People within the limit in one Kreis or the Land."""

    ags: str
    name: str
    people: float
    within: float
    share: float


@dataclass
class ReachFigure:
    """One transit rule: its map, shares and source."""

    code: str
    title: str
    max_minutes: float
    limit: float
    #: The minutes asked for lie beyond the rule's limit: the limit is shown instead.
    limited: bool
    map: SafeString
    legend: SafeString
    kreise: list[ShareLine]
    land: ShareLine
    #: ("bis N Min.", Land share within N minutes) per band limit N, cumulative.
    bands: list[tuple[str, float]]
    source: str
    demo: bool


@dataclass
class ReachSection:
    figures: list[ReachFigure] = field(default_factory=list)
    #: No feed was loaded when the assessment was computed: straight line throughout.
    no_feed: bool = False
    #: What the run said about its transit rules (German data text, e.g. no day of the kind).
    notes: list[str] = field(default_factory=list)
    choices: list[float] = field(default_factory=list)
    selected: float | None = None


def _requested(value: str | None) -> float | None:
    try:
        minutes = float(str(value).replace(",", "."))
    except (TypeError, ValueError):
        return None
    return minutes if math.isfinite(minutes) and minutes > 0 else None


def _stand(reference: dict[str, Any]) -> str:
    raw = reference.get("reference_date")
    if raw:
        return f"{dt.date.fromisoformat(raw):%d.%m.%Y}"
    return str(reference.get("label", "")).rsplit(" vom ", 1)[-1]


def source_sentence(
    assessment: Assessment, reference: dict[str, Any], rule: dict[str, Any], demo: bool
) -> str:
    """Where a figure comes from: feed and Stand, its source and licence, the window and
    service day, the standard set, and whether it rests on demo data."""
    window = Window.from_params(rule["window"])
    day = dt.date.fromisoformat(rule["day"])
    text = _(
        "Quelle: Fahrplan %(feed)s, Stand %(stand)s (%(source)s, Lizenz %(licence)s); "
        "Fenster %(window)s, Median der Abfahrten alle %(every)s Minuten am %(day)s; "
        "Fußwege bis 1.000 m; Standardsatz %(set)s, Stichtag %(date)s."
    ) % {
        "feed": reference.get("name", ""),
        "stand": _stand(reference),
        "source": reference.get("source", ""),
        "licence": reference.get("licence", ""),
        "window": window.text(),
        "every": window.every // 60,
        "day": f"{day:%d.%m.%Y}",
        "set": str(assessment.standard_set),
        "date": f"{assessment.reference_date:%d.%m.%Y}",
    }
    demo_text = _("Demodaten: keine echten Zahlen.") if demo else _("keine Demodaten")
    return f"{text} {demo_text}"


class _Regions:
    """Names and Kreis of every Gemeinde and Kreis, read once per page."""

    def __init__(self) -> None:
        rows = Region.objects.values_list("ags", "name", "level", "parent_id")
        self.names = {ags: name for ags, name, _level, _parent in rows}
        lands = [(ags, name) for ags, name, level, _p in rows if level == Region.Level.LAND]
        self.land = lands[0] if lands else ("", _("Land"))
        self.kreis_of = {ags: p for ags, _n, level, p in rows if level == Region.Level.GEMEINDE}
        self.kreise = sorted(ags for ags, _n, level, _p in rows if level == Region.Level.KREIS)


def _shares(
    rows: list[tuple[str, float | None, float | None]], regions: _Regions, limit: float
) -> tuple[list[ShareLine], ShareLine, np.ndarray, np.ndarray]:
    """Kreis lines, the Land line, and the minutes and population arrays (inf, NaN unknown)."""
    minutes = np.array([np.inf if m is None else m for _a, _p, m in rows], dtype=np.float64)
    people = np.array([np.nan if p is None else p for _a, p, _m in rows], dtype=np.float64)
    column = {ags: k for k, ags in enumerate(regions.kreise)}
    group = np.array([column.get(regions.kreis_of.get(a, ""), -1) for a, _p, _m in rows])
    share, within, total = share_within(minutes, people, limit, group, len(regions.kreise))
    kreise = [
        ShareLine(ags, regions.names[ags], float(total[k]), float(within[k]), float(share[k]))
        for k, ags in enumerate(regions.kreise)
        if total[k] > 0
    ]
    s, w, t = share_within(minutes, people, limit)
    land = ShareLine(*regions.land, float(t[0]), float(w[0]), float(s[0]))
    return kreise, land, minutes, people


def _figure(
    assessment: Assessment,
    code: str,
    rows: list[tuple[str, float | None, float | None]],
    context: dict[str, Any],
) -> ReachFigure:
    reference, regions, selected = context["reference"], context["regions"], context["selected"]
    rule_ref = reference["rules"][code]
    max_minutes = float(rule_ref["max_minutes"])
    bands = bands_for(max_minutes)
    limit = selected if selected is not None and selected <= max_minutes else max_minutes
    kreise, land, minutes, people = _shares(rows, regions, limit)
    rule = context["rules"].get(code)
    title = f"{rule.title} ({code})" if rule is not None and rule.title else code
    classes, titles = classes_and_titles(
        {a: m for a, _p, m in rows}, regions.names, [float(b) for b in bands]
    )
    map_title = _("Minuten mit Bus und Bahn zum nächsten Angebot: %(rule)s") % {"rule": title}
    cumulative = shares_by_band(minutes, people, bands)[0]
    # Demo as the whole run: the shares weigh every Gemeinde by population, whatever the
    # rule's own demand figure, so any demo figure of the run may be in them.
    demo = assessment.includes_demo_data
    return ReachFigure(
        code=code,
        title=title,
        max_minutes=max_minutes,
        limit=limit,
        limited=selected is not None and selected > max_minutes,
        map=minute_map(region_map(Region.Level.GEMEINDE), classes, titles, bands, map_title, code),
        legend=minute_legend(bands, f"lg-{code}"),
        kreise=kreise,
        land=land,
        bands=[
            (_("bis %(b)s Min.") % {"b": f"{b:g}"}, share)
            for b, share in zip(bands, cumulative.tolist(), strict=True)
        ],
        source=source_sentence(assessment, reference, rule_ref, demo),
        demo=demo,
    )


def section(assessment: Assessment, requested: str | None = None) -> ReachSection | None:
    """The section for an assessment whose standard set has transit rules; None without any.

    ``requested``: the ``?minuten=`` value; a number among the bands of some rule, else
    each rule shows the share within its own max_minutes."""
    reference = (assessment.data_reference or {}).get("transit")
    if not reference:
        return None
    out = ReachSection(notes=list(reference.get("notes", [])))
    if reference.get("edition") is None:
        out.no_feed = True
        return out
    stored: dict[str, list[tuple[str, float | None, float | None]]] = {}
    for code, ags, people, minutes in (
        TransitReach.objects.filter(assessment=assessment)
        .order_by("rule_code", "region_id")
        .values_list("rule_code", "region_id", "population", "minutes")
    ):
        stored.setdefault(code, []).append((ags, people, minutes))
    rules = reference.get("rules", {})
    codes = [code for code in rules if code in stored]
    out.choices = sorted({b for code in codes for b in bands_for(rules[code]["max_minutes"])})
    wanted = _requested(requested)
    out.selected = wanted if wanted in out.choices else None
    context = {
        "reference": reference,
        "regions": _Regions(),
        "selected": out.selected,
        "rules": rules_by_code(assessment),
    }
    out.figures = [_figure(assessment, code, stored[code], context) for code in codes]
    return out
