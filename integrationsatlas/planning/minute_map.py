"""An SVG map of Gemeinden by minute band (reach by bus and train), with its legend.

Sequential colours from dark (near) to light (far), ColorBrewer YlGnBu, whose steps differ
in lightness and so read in greyscale and with the common colour-vision deficiencies.
"Beyond the last band or not reachable" is white with dots, "no figure" light grey with a
hatch; every Gemeinde has a tooltip with its minutes, and the page has the figures as a
table. Presentation attributes only (the CSP forbids inline styles), as planning.charts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

import numpy as np
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from integrationsatlas.analysis.reach_bands import band_index
from integrationsatlas.planning.charts import BORDER_CORE, PATTERN_SIZE
from integrationsatlas.regions.svgmap import SvgMap

#: Near to far; a map with fewer bands takes evenly spaced steps, always both ends.
PALETTE = ("#0c2c84", "#225ea8", "#1d91c0", "#41b6c4", "#7fcdbb", "#c7e9b4", "#ffffcc")
BEYOND, NO_FIGURE = "beyond", "none"
SPECIAL = {BEYOND: "#ffffff", NO_FIGURE: "#d9d9d9"}


def colours(n_bands: int) -> list[str]:
    """``n_bands`` colours of PALETTE from dark to light."""
    if n_bands <= 1:
        return [PALETTE[0]] * n_bands
    steps = np.rint(np.linspace(0, len(PALETTE) - 1, n_bands)).astype(int)
    return [PALETTE[i] for i in steps]


def band_labels(bands: Sequence[float]) -> list[str]:
    """'bis 15 Min.', '15–30 Min.', …, one per band."""
    out = []
    for k, upper in enumerate(bands):
        if k == 0:
            out.append(_("bis %(b)s Min.") % {"b": f"{upper:g}"})
        else:
            out.append(_("%(a)s–%(b)s Min.") % {"a": f"{bands[k - 1]:g}", "b": f"{upper:g}"})
    return out


def class_labels(bands: Sequence[float]) -> dict[str, str]:
    """Legend words by class: the bands ('0', '1', …), beyond the last, no figure."""
    labels = {str(k): text for k, text in enumerate(band_labels(bands))}
    labels[BEYOND] = _("mehr als %(b)s Min. oder nicht erreichbar") % {"b": f"{bands[-1]:g}"}
    labels[NO_FIGURE] = _("keine Daten")
    return labels


def _fills(bands: Sequence[float]) -> dict[str, str]:
    return {str(k): c for k, c in enumerate(colours(len(bands)))} | SPECIAL


def _patterns(prefix: str) -> str:
    s = PATTERN_SIZE
    return (
        f'<pattern id="{prefix}-{BEYOND}" width="{s}" height="{s}" patternUnits="userSpaceOnUse">'
        f'<circle cx="{s / 2}" cy="{s / 2}" r="1.6" fill="#333"/></pattern>'
        f'<pattern id="{prefix}-{NO_FIGURE}" width="{s}" height="{s}" '
        f'patternUnits="userSpaceOnUse"><path d="M0,{s} L{s},0" stroke="#555" '
        f'stroke-width="1.2" fill="none"/></pattern>'
    )


def minute_map(
    svg_map: SvgMap,
    class_by_ags: Mapping[str, str],
    titles: Mapping[str, str],
    bands: Sequence[float],
    title: str,
    prefix: str,
) -> SafeString:
    """Each Gemeinde filled by its class (see class_labels; missing = no figure), its
    tooltip from ``titles``; ``prefix`` keeps ids unique when a page has several maps."""
    fills = _fills(bands)
    height = max(svg_map.height, 1.0)
    parts, overlays, outlines = [], [], []
    for shape in svg_map.shapes:
        cls = class_by_ags.get(shape.ags, NO_FIGURE)
        ref = f"{prefix}-r{shape.ags}"
        label = titles.get(shape.ags) or f"{shape.name}: {_('keine Daten')}"
        parts.append(
            f'<path id="{ref}" d="{shape.path}" fill="{fills[cls]}" class="band-shape band-{cls}">'
            f"<title>{escape(label)}</title></path>"
        )
        if cls in SPECIAL:
            overlays.append(f'<use href="#{ref}" fill="url(#{prefix}-{cls})"/>')
        outlines.append(f'<use href="#{ref}"/>')
    colour, width = BORDER_CORE
    return mark_safe(
        f'<svg class="choropleth minute-map" viewBox="0 0 {svg_map.width:.0f} {height:.0f}" '
        f'role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title><defs>{_patterns(prefix)}</defs>"
        f'<g class="fills">{"".join(parts)}</g>'
        f'<g pointer-events="none" aria-hidden="true">{"".join(overlays)}</g>'
        f'<g pointer-events="none" aria-hidden="true" fill="none" stroke="{colour}" '
        f'stroke-width="{width / 3:.2f}" stroke-linejoin="round">{"".join(outlines)}</g></svg>'
    )


def minute_legend(bands: Sequence[float], prefix: str) -> SafeString:
    """Swatches with the map's colours and patterns, one per class."""
    fills = _fills(bands)
    items = []
    for cls, text in class_labels(bands).items():
        overlay = (
            f'<rect width="28" height="20" fill="url(#{prefix}-{cls})"/>' if cls in SPECIAL else ""
        )
        items.append(
            f'<li><svg width="28" height="20" viewBox="0 0 28 20" aria-hidden="true" '
            f'xmlns="http://www.w3.org/2000/svg"><defs>{_patterns(prefix)}</defs>'
            f'<rect width="28" height="20" fill="{fills[cls]}"/>{overlay}'
            f'<rect x="0.5" y="0.5" width="27" height="19" fill="none" stroke="#000"/></svg> '
            f"{escape(text)}</li>"
        )
    return mark_safe(f'<ul class="legend minute-legend">{"".join(items)}</ul>')


def classes_and_titles(
    minutes: Mapping[str, float | None],
    names: Mapping[str, str],
    bands: Sequence[float],
) -> tuple[dict[str, str], dict[str, str]]:
    """Class and tooltip per Gemeinde from its minutes (None = not reachable)."""
    classes, titles = {}, {}
    last = bands[-1]
    for ags, value in minutes.items():
        name = names.get(ags, ags)
        if value is None or value > last:
            classes[ags] = BEYOND
            titles[ags] = _("%(name)s: mehr als %(b)s Min. oder nicht erreichbar") % {
                "name": name,
                "b": f"{last:g}",
            }
            continue
        classes[ags] = str(int(band_index([value], tuple(bands))[0]))
        titles[ags] = _("%(name)s: %(m)s Min.") % {"name": name, "m": f"{value:.0f}"}
    return classes, titles
