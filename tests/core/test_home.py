"""The start page (German text, the map of the 13 Kreise, a source line) and the health check."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from integrationsatlas.regions.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def home(client) -> str:
    cache.clear()  # build the map from this database, not from an earlier test's
    response = client.get("/")
    assert response.status_code == 200
    return str(response.content.decode())


def svg_of(html: str) -> str:
    found = re.search(r"<svg\b.*?</svg>", html, re.S)
    assert found, "no inline SVG on the page"
    return found.group()


def test_german_with_two_sentences(home):
    assert '<html lang="de"' in home
    lead = re.search(r'<p class="lead">(.*?)</p>', home, re.S)
    assert lead is not None
    text = " ".join(lead.group(1).split())
    assert text.startswith("Der Integrationsatlas zeigt, welche Integrationsangebote")
    sentences = re.split(r"(?<=[.!?])\s+", text)
    assert len(sentences) == 2, sentences
    assert sentences[1].startswith("Er hilft Neuzugewanderten")
    assert text.endswith("wer zahlt.")


def test_map_links_each_of_the_13_kreise(home):
    svg = svg_of(home)
    links = re.findall(r'<a href="/regionen/(\d+)/" aria-label="([^"]+)">\s*<path d="M', svg)
    kreise = dict(Region.objects.filter(level="kreis").values_list("ags", "name"))
    assert len(links) == 13
    assert dict(links) == kreise
    assert 'role="img"' in svg and "<title" in svg
    assert "http" not in svg  # no tiles, no external asset


def test_map_paths_fit_the_view_box(home):
    svg = svg_of(home)
    width, height = map(float, re.search(r'viewBox="0 0 (\d+) (\d+)"', svg).groups())
    numbers = [
        float(n) for d in re.findall(r' d="([^"]+)"', svg) for n in re.findall(r"-?\d+\.\d", d)
    ]
    assert numbers and min(numbers) >= -1
    assert max(numbers) <= max(width, height) + 1


def test_kreise_table_and_land_total(home):
    assert "4.089.467" in home
    assert home.count('<th scope="row"><a href="/regionen/') == 13
    assert "Landkreis Sächsische Schweiz-Osterzgebirge" in home


def test_source_line(home):
    assert re.search(r'<p class="source">Quelle: © GeoBasis-DE / BKG, VG250-EW.*dl-de/by-2-0', home)


def test_empty_database_says_how_to_load(client):
    from integrationsatlas.regions.models import IndicatorValue, PostalCode

    PostalCode.objects.all().delete()
    IndicatorValue.objects.all().delete()
    for level in ("gemeinde", "kreis", "land"):
        Region.objects.filter(level=level).delete()
    cache.clear()
    html = client.get("/").content.decode()
    cache.clear()
    assert "integrationsatlas load-regions" in html
    assert "<svg" not in html
    assert 'class="source"' not in html  # no figures, so no source line


def test_health(client):
    response = client.get("/gesundheit/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "regions": 432}
