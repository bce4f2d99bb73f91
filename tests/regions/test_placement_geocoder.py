"""Placement by postal code, refined by a geocoder: tested against a tiny HTTP server on 127.0.0.1."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.cache import cache

from integrationsatlas.regions import geocoder
from integrationsatlas.regions.models import PostalCode, Region
from integrationsatlas.regions.placement import PlacementError, place, place_many

pytestmark = pytest.mark.django_db


class _Geocoder(BaseHTTPRequestHandler):
    answers: dict = {}
    asked: list = []

    def do_GET(self):  # noqa: N802 (http.server's name)
        query = parse_qs(urlparse(self.path).query)
        type(self).asked.append(query)
        answer = self.answers.get(query["q"][0])
        if answer == "boom":
            self.send_response(500)
            self.end_headers()
            return
        body = json.dumps(answer if answer is not None else []).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def local_geocoder(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Geocoder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Geocoder.answers, _Geocoder.asked = {}, []
    settings.GEOCODER_URL = f"http://127.0.0.1:{server.server_port}/search"
    settings.GEOCODER_ATTRIBUTION = "Daten © Test-Geocoder"
    settings.GEOCODER_MIN_INTERVAL_SECONDS = 0.0
    cache.clear()
    yield _Geocoder
    server.shutdown()
    server.server_close()
    cache.clear()


def test_offline_placement_lies_in_the_gemeinde_of_plz_and_place():
    # 01796 is shared by Pirna and Dohma; the place names the Gemeinde.
    code = PostalCode.objects.get(code="01796")
    names = {g.ags: g.name for g in code.gemeinden.all()}
    assert len(names) > 1
    for ags, name in names.items():
        placed = place("Markt 1", "01796", name, use_geocoder=False)
        assert placed.gemeinde == ags and placed.method == "postal_code"
    with pytest.raises(PlacementError, match="80331"):
        place("Marienplatz 1", "80331", "München")


def test_geocoder_refines_inside_the_same_gemeinde_with_cache_and_attribution(local_geocoder):
    pirna = Region.objects.get(name="Pirna", level="gemeinde")
    query = "Dohnaische Straße 10, 01796 Pirna"
    local_geocoder.answers[query] = [{"lon": str(pirna.point_lon), "lat": str(pirna.point_lat)}]
    placed = place("Dohnaische Straße 10", "01796", "Pirna")
    assert placed.method == "geocoder" and placed.gemeinde == pirna.ags
    assert (placed.lon, placed.lat) == (pirna.point_lon, pirna.point_lat)
    assert placed.attribution == "Daten © Test-Geocoder"
    asked = local_geocoder.asked[0]
    assert asked["format"] == ["jsonv2"] and asked["limit"] == ["1"]
    place("Dohnaische Straße 10", "01796", "Pirna")
    assert len(local_geocoder.asked) == 1  # the second answer came from the cache


def test_geocoder_answers_outside_the_gemeinde_or_failing_keep_the_estimate(local_geocoder):
    leipzig = Region.objects.get(ags="14713000")
    local_geocoder.answers["Markt 1, 01855 Sebnitz"] = {
        "type": "FeatureCollection",  # Photon's form
        "features": [{"geometry": {"coordinates": [leipzig.point_lon, leipzig.point_lat]}}],
    }
    local_geocoder.answers["Markt 2, 01855 Sebnitz"] = "boom"
    wrong, failed, unknown = place_many(
        [
            ("Markt 1", "01855", "Sebnitz"),
            ("Markt 2", "01855", "Sebnitz"),
            ("Markt 3", "01855", "Sebnitz"),
        ]
    )
    for result in (wrong, failed, unknown):
        assert result.method == "postal_code" and result.gemeinde.startswith("14628")
    assert len(local_geocoder.asked) == 3


def test_geocoder_keeps_its_rate_limit(local_geocoder, settings):
    settings.GEOCODER_MIN_INTERVAL_SECONDS = 0.3
    started = time.monotonic()
    geocoder.search("Erste Straße 1, 01067 Dresden")
    geocoder.search("Zweite Straße 2, 01067 Dresden")
    geocoder.search("Dritte Straße 3, 01067 Dresden")
    assert time.monotonic() - started >= 0.6
    assert len(local_geocoder.asked) == 3


def test_geocoder_is_off_without_an_http_url(settings):
    settings.GEOCODER_URL = "file:///etc/passwd"
    assert not geocoder.is_configured()
    assert geocoder.search("Altmarkt 1, 01067 Dresden") is None
