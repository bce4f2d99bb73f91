"""A result row is HTML made in Python: every value escaped, the markup the page expects."""

from datetime import datetime, time

from django.utils import translation
from django.utils.formats import number_format

from integrationsatlas.finder import rows
from integrationsatlas.finder.index import Entry, Site
from integrationsatlas.finder.search import Hit
from integrationsatlas.registry.opening_hours import BERLIN, OpenState, WeeklyHours

EVIL = '"><img src=x onerror=alert(1)> & <b>'


def entry(name=EVIL):
    return Entry(
        id=7, name=name, translations={}, organization=EVIL, languages=("de", "ar", "xx<y"),
        target_groups=frozenset(), is_free=False, is_demo=True, by_phone=True, online=True,
        phone='0351 "1" <2>', website="", area=frozenset(),
    )  # fmt: skip


SITE = Site(
    id=1, location_id=2, name="", address=EVIL, postal_code="01796", city="Pirna",
    lon=13.9, lat=50.9, gemeinde_ags="14628310", wheelchair=True,
    weekly=(WeeklyHours(1, time(9), time(16)),), exceptions=(),
)  # fmt: skip
OPEN = OpenState(True, datetime(2026, 6, 1, 16, 0, tzinfo=BERLIN), None, True)


def test_every_value_of_a_row_is_escaped():
    with translation.override("de"):
        labels = rows.Labels.translated()
        on_site = rows.row_html(Hit(entry(), SITE, 1.25, OPEN), labels, back="zurueck=/x?a=1&b=<")
        remote = rows.row_html(Hit(entry(), None, None, OPEN), labels)
    for html in (on_site, remote):
        assert "<img" not in html and "<b>" not in html
        assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt; &amp; &lt;b&gt;" in html
        assert "xx&lt;y" in html and "Arabisch" in html
    assert 'data-lat="50.90000" data-lon="13.90000"' in on_site
    assert "1,2 km Luftlinie" in on_site  # the German decimal comma
    assert "barrierefreier Zugang" in on_site and "Demo" in on_site
    assert "Jetzt geöffnet, bis 16:00 Uhr" in on_site
    assert "?zurueck=/x?a=1&amp;b=&lt;" in on_site
    assert '<a href="tel:0351 &quot;1&quot; &lt;2&gt;">' in remote and "online" in remote


def test_a_row_speaks_the_visitors_language():
    with translation.override("ar"):
        labels = rows.Labels.translated()
        html = rows.row_html(Hit(entry(name="Beratung"), SITE, 0.5, OPEN), labels)
        distance = number_format(0.5, 1)  # as Django writes numbers in Arabic
    assert f"<dd>{distance} " in html and "العربية" in html  # names of languages in Arabic
    assert '<p class="note" lang="de">' in html  # the name is German only
