"""First load without the map stays under 200 KB: the HTML plus every CSS and JS file it references."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db
LIMIT = 200 * 1024


def weight(client, url: str, **headers) -> int:
    response = client.get(url, **headers)
    assert response.status_code == 200
    html = response.content.decode()
    total = len(response.content)
    assets = re.findall(r'(?:href|src)="/static/([^"]+\.(?:css|js))"', html)
    assert assets, url
    for asset in assets:
        path = finders.find(asset)
        assert path, f"{asset} referenced by {url} is missing"
        with open(path, "rb") as f:
            total += len(f.read())
    return total


@pytest.mark.parametrize("language", ["de", "ar"])
def test_pages_weigh_less_than_200_kb(client, registry, language):
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    urls = [
        "/suche/",
        "/suche/ergebnisse/?art=mbe&ort=Pirna",
        reverse("finder:detail", args=[registry["closed_nearby"].pk]),
    ]
    for url in urls:
        size = weight(client, url, **headers)
        # The detail page's small map is the only script-heavy part: counted, still below the bar.
        assert size < LIMIT, (url, size)
