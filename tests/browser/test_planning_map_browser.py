"""Issue 13: the state map in Chromium, screenshot in greyscale: all 13 Kreis borders show even
when every Kreis has the same status; the region report outlines its Kreis; axe passes."""

from __future__ import annotations

import datetime as dt
import io
import re

import numpy as np
import pytest
from PIL import Image

from integrationsatlas.assessments.models import Assessment, AssessmentRow
from integrationsatlas.regions.models import Region
from integrationsatlas.regions.svgmap import region_map
from integrationsatlas.standards.models import StandardSet
from integrationsatlas.taxonomy.models import OfferType
from tests.browser.conftest import ARTIFACTS, check_axe
from tests.shared_data import ensure_shared_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _published_all_gap() -> Assessment:
    """One rule, every Kreis a gap: the case that once printed as one brown blob."""
    ensure_shared_data()
    sset = StandardSet.objects.create(slug="karte", name="Kartentest", version="1")
    rule = sset.rules.create(
        code="mbe-test",
        title="MBE-Test",
        offer_type=OfferType.objects.get(code="mbe"),
        kind="ratio",
        level="kreis",
        target=1.0,
        demand_indicator="foreign_population",
        responsible_level="bund",
        financing={"bund": 1.0},
        unit_cost="1000",
        sources={"target": "illustrative example, not an official standard"},
    )
    run = Assessment.objects.create(
        standard_set=sset,
        standard_set_version="1",
        level="kreis",
        reference_date=dt.date(2025, 1, 1),
        is_published=True,
        includes_demo_data=True,
    )
    AssessmentRow.objects.bulk_create(
        AssessmentRow(
            assessment=run,
            region=kreis,
            rule=rule,
            rule_code=rule.code,
            offer_type_code="mbe",
            kind="ratio",
            responsible_level="bund",
            value=0.1,
            target=1.0,
            ratio=0.1,
            status="gap",
            unit="fte",
            explanation="Test",
        )
        for kreis in Region.objects.filter(level="kreis")
    )
    return run


def _grey_map(page) -> tuple[np.ndarray, float]:
    """The map element's screenshot in greyscale and its pixels per map unit."""
    shot = page.locator("svg.choropleth").first.screenshot()
    image = np.asarray(Image.open(io.BytesIO(shot)).convert("L"))
    return image, image.shape[1] / 1000.0


def _has_border(image: np.ndarray, x: float, y: float) -> bool:
    """A dark line pixel beside a white band near (x, y)."""

    def window(r: int) -> np.ndarray:
        return image[max(int(y) - r, 0) : int(y) + r + 1, max(int(x) - r, 0) : int(x) + r + 1]

    return bool(window(2).min() < 70 and window(5).max() > 215)


def test_state_map_shows_all_13_borders_in_greyscale(browser, live_server):
    run = _published_all_gap()
    context = browser.new_context(
        viewport={"width": 1280, "height": 900},
        device_scale_factor=2,
        locale="de",
        extra_http_headers={"Accept-Language": "de"},
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/planung/bewertungen/{run.pk}/?regel=mbe-test")
    image, scale = _grey_map(page)
    ARTIFACTS.mkdir(exist_ok=True)
    Image.fromarray(image).save(ARTIFACTS / "planning-state-map-grey.png")
    shapes = region_map(Region.Level.KREIS).shapes
    assert len(shapes) == 13
    for shape in shapes:
        points = re.findall(r"(-?\d+\.\d),(-?\d+\.\d)", shape.path)[::7]
        seen = [_has_border(image, float(x) * scale, float(y) * scale) for x, y in points]
        assert sum(seen) / len(seen) > 0.9, f"{shape.name}: {sum(seen)}/{len(seen)}"
    assert "Hinweis zum Standardsatz" in page.content()  # the set's honesty label
    check_axe(page, "Landesansicht")
    page.goto(f"{live_server.url}/planung/regionen/14625/?bewertung={run.pk}")
    assert page.locator("svg.choropleth use[href='#rmap-r14625'][stroke-width='12.0']").count()
    context.close()
