"""Issue 13: the PDF's state map shows all 13 Kreis borders and the highlighted region in
print and in greyscale, even when every Kreis has the same status (once a "brown blob")."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image

from integrationsatlas.planning import charts
from integrationsatlas.regions.models import Region
from integrationsatlas.regions.svgmap import region_map

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"
BAUTZEN = "14625"


def kreis_map(status: str = "gap", highlight: str | None = BAUTZEN) -> tuple[str, list]:
    svg_map = region_map(Region.Level.KREIS)
    statuses = {shape.ags: status for shape in svg_map.shapes}
    return str(charts.choropleth(svg_map, statuses, "Karte", highlight=highlight)), svg_map.shapes


def test_svg_draws_every_border_after_every_fill_with_attributes_weasyprint_reads():
    svg, shapes = kreis_map()
    assert len(shapes) == 13
    root = ET.fromstring(svg)  # noqa: S314 (our own output, not untrusted data)
    fills = root.find(f"{SVG}g[@class='fills']").findall(f"{SVG}use")
    assert len(fills) == 13
    lines = [
        u
        for u in root.find(f"{SVG}g[@class='overlays']").findall(f"{SVG}use")
        if u.get("fill") == "none"
    ]
    halo = [u for u in lines if u.get("stroke") == "#fff" and float(u.get("stroke-width")) < 8]
    core = [u for u in lines if u.get("stroke") == "#000" and float(u.get("stroke-width")) < 8]
    ids = {f"#st-r{s.ags}" for s in shapes}
    assert {u.get("href") for u in halo} == ids and {u.get("href") for u in core} == ids
    # The highlighted Kreis: a wide black outline with a white core, drawn last of all.
    assert [(u.get("href"), u.get("stroke")) for u in lines[-2:]] == [
        (f"#st-r{BAUTZEN}", "#000"),
        (f"#st-r{BAUTZEN}", "#fff"),
    ]
    assert float(lines[-2].get("stroke-width")) > 3 * float(core[0].get("stroke-width"))
    assert "style=" not in svg  # the CSP forbids inline styles


def _points(path: str) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in re.findall(r"(-?\d+\.\d),(-?\d+\.\d)", path)]


def _render_grey(svg: str, tmp_path) -> np.ndarray:
    """The SVG laid out by WeasyPrint (as in the PDF) and rasterised in greyscale by
    pdftoppm, 1 px per map unit: an array of rows of 0 (black) to 255 (white)."""
    from weasyprint import HTML

    box = ET.fromstring(svg).get("viewBox")  # noqa: S314 (our own output)
    width, height = (int(float(v)) for v in box.split()[2:])
    html = (
        f"<html><head><style>@page {{ size: {width}px {height}px; margin: 0 }} body {{ margin: 0 }}"
        f" svg {{ display: block; width: {width}px; height: {height}px }}</style></head>"
        f"<body>{svg}</body></html>"
    )
    HTML(string=html).write_pdf(tmp_path / "map.pdf")
    subprocess.run(
        ["pdftoppm", "-r", "96", "-gray", "-png", "-singlefile", "map.pdf", "map"],
        cwd=tmp_path,
        check=True,
    )
    image = np.asarray(Image.open(tmp_path / "map.png").convert("L"))
    assert image.shape == (height, width)
    return image


def _window(image: np.ndarray, x: float, y: float, r: int) -> np.ndarray:
    return image[max(int(y) - r, 0) : int(y) + r + 1, max(int(x) - r, 0) : int(x) + r + 1]


def _border_share(image: np.ndarray, points) -> float:
    """Share of points with a border: a black line (dark pixel) beside a white band."""
    seen = [
        _window(image, x, y, 2).min() < 60 and _window(image, x, y, 4).max() > 215
        for x, y in points
    ]
    return sum(seen) / len(seen)


def _newly_dark(before: np.ndarray, after: np.ndarray, points) -> float:
    """Median count of pixels near each point that are dark after but were not before."""
    counts = [
        ((_window(after, x, y, 5) < 60) & (_window(before, x, y, 5) >= 60)).sum() for x, y in points
    ]
    return float(np.median(counts))


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs pdftoppm (poppler-utils)")
@pytest.mark.parametrize("status", ["gap", "met", "partial", "no_data"])
def test_rendered_greyscale_map_shows_all_13_borders(status, tmp_path):
    svg, shapes = kreis_map(status)
    image = _render_grey(svg, tmp_path)
    for shape in shapes:
        share = _border_share(image, _points(shape.path)[::7])
        assert share > 0.9, f"{shape.name}: border visible at {share:.0%} of its points"


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs pdftoppm (poppler-utils)")
def test_rendered_greyscale_highlight_stands_out(tmp_path):
    """The highlighted Kreis's outline adds a thick dark band along its whole border."""
    plain = _render_grey(kreis_map("gap", highlight=None)[0], tmp_path)
    svg, shapes = kreis_map("gap")
    marked = _render_grey(svg, tmp_path)
    bautzen = _points(next(s for s in shapes if s.ags == BAUTZEN).path)[::5]
    assert _newly_dark(plain, marked, bautzen) > 30
    far = _points(next(s for s in shapes if s.ags == "14523").path)[::5]  # Vogtlandkreis
    assert _newly_dark(plain, marked, far) < 5
    assert _border_share(marked, bautzen) > 0.9  # the white core inside the black band
