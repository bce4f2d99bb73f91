"""Server-side SVG charts: status choropleth with patterns, bar and line charts; no script, no service.

Colours are the Okabe-Ito palette (safe for the common colour-vision deficiencies), and each
status also has its own fill pattern and a letter mark, so the map and legend read in greyscale.
Only presentation attributes are used (no style attributes): the CSP forbids inline styles,
and WeasyPrint, which lays out the PDF, ignores stylesheet rules for SVG strokes.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from integrationsatlas.regions.svgmap import SvgMap

STATUSES = ("met", "partial", "gap", "no_data")
COLOURS = {"met": "#0072B2", "partial": "#E69F00", "gap": "#D55E00", "no_data": "#FFFFFF"}
MARKS = {"met": "✓", "partial": "~", "gap": "✗", "no_data": "?"}


def status_label(status: str) -> str:
    return {
        "met": _("erfüllt"),
        "partial": _("teilweise"),
        "gap": _("Lücke"),
        "no_data": _("keine Daten"),
    }.get(status, status)


#: Hatch spacing in map units: a map is 1000 units wide, so about 1.7 mm apart on a 120 mm
#: print and a dozen pixels on screen; finer hatching merges with the colour into a blur.
PATTERN_SIZE = 14
BORDER_HALO = ("#fff", 6.0)  # colour, width: a white band that parts any two fills
BORDER_CORE = ("#000", 2.2)  # a black line inside it, visible on white "no data" too
HIGHLIGHT = (("#000", 12.0), ("#fff", 3.5))  # a thick black outline with a white core


def _pattern_defs(prefix: str) -> str:
    """One overlay per status on top of its solid colour: none, diagonal hatch, cross-hatch,
    dots (distinct in greyscale). The overlays have no background of their own: a pattern
    tile with a filled rectangle leaves hairline seams between tiles in PDF viewers."""
    s = PATTERN_SIZE
    # Each diagonal plus its two corner stubs, so lines run on across tiles.
    rising = f"M0,{s} L{s},0 M-2,2 L2,-2 M{s - 2},{s + 2} L{s + 2},{s - 2}"
    falling = f"M0,0 L{s},{s} M{s - 2},-2 L{s + 2},2 M-2,{s - 2} L2,{s + 2}"
    shapes = {
        "partial": f'<path d="{rising}" stroke="#000" stroke-width="1.3" fill="none"/>',
        "gap": f'<path d="{rising} {falling}" stroke="#000" stroke-width="1.3" fill="none"/>',
        "no_data": f'<circle cx="{s / 2}" cy="{s / 2}" r="1.8" fill="#333"/>',
    }
    return "".join(
        f'<pattern id="{prefix}-{status}" width="{s}" height="{s}" '
        f'patternUnits="userSpaceOnUse">{shape}</pattern>'
        for status, shape in shapes.items()
    )


def _layer(uses: Sequence[str], colour: str, width: float) -> str:
    """Outlines only: the presentation attributes sit on each <use> because WeasyPrint (the
    PDF) ignores the stylesheet's stroke and fill for SVG."""
    return "".join(
        f'<use href="#{ref}" fill="none" stroke="{colour}" stroke-width="{width}" '
        'stroke-linejoin="round"/>'
        for ref in uses
    )


def _mark(x: float, y: float, status: str) -> str:
    """The status letter on a white disc with a black ring: legible on any fill and in print."""
    return (
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="14" fill="#fff" stroke="#000" stroke-width="1.5"/>'
        f'<text x="{x:.1f}" y="{y + 6.5:.1f}" font-size="19" font-weight="bold" '
        f'text-anchor="middle" fill="#000">{MARKS[status]}</text>'
    )


def choropleth(
    svg_map: SvgMap,
    status_by_ags: Mapping[str, str],
    title: str,
    link: Callable[[str], str] | None = None,
    prefix: str = "st",
    marks: bool = True,
    highlight: str | None = None,
    titles: Mapping[str, str] | None = None,
) -> SafeString:
    """The map with each region filled by its status colour and pattern; regions without a
    row are no data. Every border is drawn after all fills (white band, black line), so no
    neighbour paints over it; the highlighted region's outline comes last of all.

    ``titles``: tooltip text per region key in place of "name: status" (e.g. rule counts)."""
    height = max(svg_map.height, 1.0)
    ids = {shape.ags: f"{prefix}-r{shape.ags}" for shape in svg_map.shapes}
    status = {shape.ags: status_by_ags.get(shape.ags, "no_data") for shape in svg_map.shapes}
    shapes_defs = "".join(f'<path id="{ids[s.ags]}" d="{s.path}"/>' for s in svg_map.shapes)
    fills = []
    for shape in svg_map.shapes:
        label = (titles or {}).get(shape.ags) or f"{shape.name}: {status_label(status[shape.ags])}"
        extra = " highlight" if shape.ags == highlight else ""
        fill = (
            f'<use href="#{ids[shape.ags]}" fill="{COLOURS[status[shape.ags]]}" '
            f'class="status-shape status-{status[shape.ags]}{extra}">'
            f"<title>{escape(label)}</title></use>"
        )
        if link:
            fill = f'<a href="{escape(link(shape.ags))}" aria-label="{escape(label)}">{fill}</a>'
        fills.append(fill)
    overlays = "".join(
        f'<use href="#{ids[ags]}" fill="url(#{prefix}-{st})"/>'
        for ags, st in status.items()
        if st != "met"
    )
    every = list(ids.values())
    top = [ids[highlight]] if highlight in ids else []
    lines = _layer(every, *BORDER_HALO) + _layer(every, *BORDER_CORE)
    lines += "".join(_layer(top, *pen) for pen in HIGHLIGHT)
    badges = (
        "".join(_mark(s.label_x, s.label_y, status[s.ags]) for s in svg_map.shapes) if marks else ""
    )
    # With links the map is a group of them; an "img" would hide them from screen readers.
    role = "group" if link else "img"
    return mark_safe(
        f'<svg class="choropleth" viewBox="0 0 {svg_map.width:.0f} {height:.0f}" '
        f'role="{role}" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title><defs>{_pattern_defs(prefix)}{shapes_defs}</defs>"
        f'<g class="fills">{"".join(fills)}</g>'
        f'<g class="overlays" pointer-events="none" aria-hidden="true">'
        f"{overlays}{lines}{badges}</g></svg>"
    )


def legend(prefix: str = "lg", labels: Mapping[str, str] | None = None) -> SafeString:
    """The legend as a list of swatches with the same colours, patterns, marks and words.

    ``labels``: words per status in place of the status names (e.g. the overview classes)."""
    items = []
    for status in STATUSES:
        ids = f"{prefix}-{status}"  # each swatch its own patterns: ids stay unique on the page
        overlay = f'<rect width="28" height="20" fill="url(#{ids}-{status})"/>'
        swatch = (
            f'<svg width="28" height="20" viewBox="0 0 28 20" aria-hidden="true" '
            f'xmlns="http://www.w3.org/2000/svg"><defs>{_pattern_defs(ids)}</defs>'
            f'<rect width="28" height="20" fill="{COLOURS[status]}"/>'
            f"{'' if status == 'met' else overlay}"
            f'<rect x="0.5" y="0.5" width="27" height="19" fill="none" stroke="#000"/></svg>'
        )
        items.append(
            f'<li>{swatch} <span class="mark">{MARKS[status]}</span> {escape((labels or {}).get(status) or status_label(status))}</li>'
        )
    return mark_safe(f'<ul class="legend">{"".join(items)}</ul>')


def bar_chart(
    items: Sequence[tuple[str, float]], title: str, unit: str = "", width: int = 560
) -> SafeString:
    """Horizontal bars, one per (label, value); negative or NaN values are drawn as 0."""
    bar_h, gap, label_w = 18, 6, 190
    height = len(items) * (bar_h + gap) + 10
    top = max([v for _, v in items if v == v] + [0.0]) or 1.0
    out = [
        f'<svg class="bar-chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>"
    ]
    for i, (label, value) in enumerate(items):
        y = 5 + i * (bar_h + gap)
        v = value if value == value and value > 0 else 0.0
        w = (width - label_w - 110) * v / top
        out.append(
            f'<text x="{label_w - 6}" y="{y + 13}" font-size="12" text-anchor="end">'
            f"{escape(label[:30])}</text>"
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="#0072B2"/>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + 13}" font-size="12">'
            f"{escape(_number(value))} {escape(unit)}</text>"
        )
    out.append("</svg>")
    return mark_safe("".join(out))


def line_chart(
    dates: Sequence[dt.date],
    values: Sequence[float | None],
    title: str,
    width: int = 560,
    height: int = 180,
    y_label: str = "",
) -> SafeString:
    """A step line over dates with y from 0 to the maximum; None values break the line."""
    left, right, top_pad, bottom = 48, 12, 14, 26
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    known = [v for v in values if v is not None]
    top = max(known + [0.0]) or 1.0
    span = max((dates[-1] - dates[0]).days, 1) if dates else 1

    def x(d: dt.date) -> float:
        return left + plot_w * (d - dates[0]).days / span

    def y(v: float) -> float:
        return top_pad + plot_h * (1 - v / top)

    out = [
        f'<svg class="line-chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>",
        f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{width - right}" y2="{top_pad + plot_h}" '
        f'stroke="#000"/><line x1="{left}" y1="{top_pad}" x2="{left}" y2="{top_pad + plot_h}" '
        f'stroke="#000"/>',
        f'<text x="{left - 4}" y="{top_pad + 4}" font-size="11" text-anchor="end">'
        f"{escape(_number(top))}</text>"
        f'<text x="{left - 4}" y="{top_pad + plot_h}" font-size="11" text-anchor="end">0</text>',
    ]
    if y_label:
        out.append(
            f'<text x="{left + 4}" y="{top_pad - 3}" font-size="11">{escape(y_label)}</text>'
        )
    years = sorted({d.year for d in dates})
    last_label = -math.inf
    for year in years:
        first = next(d for d in dates if d.year == year)
        # A tick for every year, a label only where it does not run into the previous one
        # (the first year often starts in mid-year, a few pixels before the next January).
        out.append(
            f'<line x1="{x(first):.1f}" y1="{top_pad + plot_h}" x2="{x(first):.1f}" '
            f'y2="{top_pad + plot_h + 4}" stroke="#000"/>'
        )
        if x(first) - last_label < 34:
            continue
        last_label = x(first)
        out.append(
            f'<text x="{x(first):.1f}" y="{height - 8}" font-size="11" text-anchor="middle">'
            f"{year}</text>"
        )
    points: list[str] = []
    segments: list[list[str]] = []
    for i, (d, v) in enumerate(zip(dates, values, strict=True)):
        if v is None:
            if points:
                segments.append(points)
            points = []
            continue
        if points and i > 0:
            points.append(f"{x(d):.1f},{float(points[-1].split(',')[1]):.1f}")  # step
        points.append(f"{x(d):.1f},{y(v):.1f}")
    if points:
        segments.append(points)
    for seg in segments:
        out.append(
            f'<polyline points="{" ".join(seg)}" fill="none" stroke="#D55E00" stroke-width="2.5"/>'
        )
        if len(seg) == 1:
            cx, cy = seg[0].split(",")
            out.append(f'<circle cx="{cx}" cy="{cy}" r="4" fill="#D55E00"/>')
    out.append("</svg>")
    return mark_safe("".join(out))


def _number(value: float) -> str:
    if value != value:
        return "–"
    if abs(value) >= 100:
        return f"{value:,.0f}".replace(",", ".")
    return f"{value:.2f}".replace(".", ",")
