"""Region pages: every Gemeinde, Kreis and the Land answers with name, figures, parent and source."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.utils.html import escape

from integrationsatlas.regions.models import Region
from integrationsatlas.regions.queries import region_rows

from .datasets import good_features, good_foreign_rows, write_dataset

pytestmark = pytest.mark.django_db

BKG = "© GeoBasis-DE / BKG, VG250-EW"
DESTATIS = "GENESIS-Online 12521-0041"


def german(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def test_every_region_page_answers(client):
    rows = {row["ags"]: row for row in region_rows()}
    assert len(rows) == 432
    names = dict(Region.objects.values_list("ags", "name"))
    for ags, row in rows.items():
        response = client.get(f"/regionen/{ags}/")
        assert response.status_code == 200, ags
        html = response.content.decode()
        assert f"<h1>{escape(row['name'])}</h1>" in html, ags
        assert f"<dd>{german(row['population'])} " in html, ags
        assert BKG in html, ags
        if row["parent"]:
            parent = f'<a href="/regionen/{row["parent"]}/">{escape(names[row["parent"]])}</a>'
            assert f"<dt>Gehört zu</dt><dd>{parent}</dd>" in html, ags
        if row["level"] == "kreis":
            assert "<caption>Gemeinden</caption>" in html, ags
            linked = set(re.findall(r'<th scope="row"><a href="/regionen/(\d{8})/">', html))
            children = {a for a, r in rows.items() if r["parent"] == ags}
            assert linked == children, ags
            assert DESTATIS in html, ags


def test_kreis_page_shows_foreign_residents_with_split_and_date(client):
    html = client.get("/regionen/14625/").content.decode()
    assert "Landkreis Bautzen" in html
    assert "13.435" in html and "EU-27: 3.745" in html and "Drittstaaten: 9.690" in html
    assert "Stand 31.12.2025" in html and "Stand 31.12.2023" in html
    assert html.count('href="/regionen/14625') >= 2 * 57  # map and table link every Gemeinde


def test_land_page_lists_the_kreise_and_summed_foreign_residents(client):
    html = client.get("/regionen/14/").content.decode()
    assert "<h1>Sachsen</h1>" in html
    assert "<caption>Kreise</caption>" in html
    assert len(set(re.findall(r'<th scope="row"><a href="/regionen/(\d{5})/">', html))) == 13
    assert "4.089.467" in html and "371.050" in html
    assert "Summe der Kreise" in html


def test_gemeinde_page_shows_its_chain_of_parents(client):
    html = client.get("/regionen/14628270/").content.decode()
    assert "<h1>Pirna</h1>" in html
    crumbs = re.search(r'<nav aria-label="Brotkrumen".*?</nav>', html, re.S)
    assert crumbs is not None
    assert re.findall(r'href="/regionen/([^"]*)"', crumbs.group()) == ["", "14/", "14628/"]


def test_region_list(client):
    html = client.get("/regionen/").content.decode()
    assert len(set(re.findall(r'href="/regionen/(\d{2}|\d{5})/"', html))) == 14
    assert BKG in html


@pytest.mark.parametrize(
    ("url", "hint"),
    [
        ("/regionen/abc/", "Kein gültiger Regionalschlüssel: erwartet werden 2 (Land), 5"),
        ("/regionen/1462/", "Kein gültiger Regionalschlüssel"),
        ("/regionen/146250200/", "Kein gültiger Regionalschlüssel"),
        ("/regionen/99999/", "Zum Schlüssel"),
        ("/regionen/14625999/", "Zum Schlüssel"),
    ],
)
def test_unknown_or_invalid_key_is_a_helpful_404(client, url, hint):
    response = client.get(url)
    assert response.status_code == 404
    html = response.content.decode()
    assert "Diese Seite gibt es nicht" in html
    assert hint in html
    assert 'href="/regionen/"' in html


def test_names_are_escaped(client, tmp_path, fresh_cache):
    features = good_features()
    features[0]["properties"]["name"] = '<script>alert("x")</script> & Söhne'
    foreign = good_foreign_rows()
    foreign[1]["name"] = "<b>Fett</b>kreis, Landkreis"
    call_command("load_regions", data_dir=write_dataset(tmp_path / "d", features, foreign))

    for url in ("/regionen/14625010/", "/regionen/14625/", "/", "/regionen/"):
        html = client.get(url).content.decode()
        assert "<script>" not in html and "<b>Fett" not in html, url
    html = client.get("/regionen/14625/").content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Söhne" in html
    assert "<h1>Landkreis &lt;b&gt;Fett&lt;/b&gt;kreis</h1>" in html
    home = client.get("/").content.decode()
    assert 'aria-label="Landkreis &lt;b&gt;Fett&lt;/b&gt;kreis"' in home
