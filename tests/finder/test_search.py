"""The search service: nearest first, one row per service, filters, remote services, version cache."""

import pytest

from integrationsatlas.finder import places, search
from integrationsatlas.registry.models import Service
from integrationsatlas.taxonomy.models import OfferType

pytestmark = pytest.mark.django_db


def pirna():
    return places.resolve("Pirna").place


def mbe():
    return OfferType.objects.get(code="mbe")


def test_nearest_first_published_only(registry):
    found = search.search(mbe(), pirna(), 25)
    names = [h.entry.name for h in found.hits]
    assert names[0] == "MBE Pirna Markt"
    assert "MBE Entwurf" not in names and "MBE Leipzig Zentrum" not in names
    assert names == sorted(
        names, key=lambda n: [h for h in found.hits if h.entry.name == n][0].distance_km
    )
    assert found.total == 3


def test_open_now_filter_keeps_the_open_one(registry):
    found = search.search(mbe(), pirna(), 25, search.Filters(open_now=True))
    assert [h.entry.name for h in found.hits] == ["MBE Pirna Sonnenstein", "MBE Heidenau Demo"]
    assert found.hits[0].state.is_open


def test_language_free_accessible_filters(registry):
    ru = search.search(mbe(), pirna(), 25, search.Filters(language="ru"))
    assert [h.entry.name for h in ru.hits] == ["MBE Pirna Markt"]
    free = search.search(mbe(), pirna(), 25, search.Filters(free=True))
    assert "MBE Heidenau Demo" not in [h.entry.name for h in free.hits]


def test_phone_service_serving_the_kreis_is_listed(registry):
    found = search.search(mbe(), pirna(), 25)
    assert [h.entry.name for h in found.remote] == ["MBE Telefonberatung Sachsen"]
    leipzig = places.resolve("Leipzig").place
    assert search.search(mbe(), leipzig, 25).remote == []


def test_empty_result_names_the_nearest_beyond(registry):
    leipzig = places.resolve("Leipzig").place
    found = search.search(mbe(), leipzig, 5, search.Filters(language="ar"))
    assert found.total == 0
    assert found.nearest_beyond is not None
    assert found.nearest_beyond.distance_km > 5


def test_cache_sees_a_newly_published_service(registry):
    assert search.search(mbe(), pirna(), 25).total == 3
    hidden = registry["hidden"]
    hidden.is_published = True
    hidden.save()
    assert search.search(mbe(), pirna(), 25).total == 4
    Service.objects.filter(pk=hidden.pk).delete()
    assert search.search(mbe(), pirna(), 25).total == 3


def test_pagination(registry):
    found = search.search(mbe(), pirna(), 200, page=1)
    assert found.pages == 1 and len(found.hits) == 4


def test_cache_sees_new_hours(registry, finder_clock):
    from datetime import time

    from integrationsatlas.registry.models import Schedule

    assert not search.search(mbe(), pirna(), 25, search.Filters(open_now=True, language="ru")).hits
    sal = registry["closed_nearby"].service_at_locations.get()
    Schedule.objects.create(
        service_at_location=sal, weekday=1, opens_at=time(9), closes_at=time(11)
    )
    found = search.search(mbe(), pirna(), 25, search.Filters(open_now=True, language="ru"))
    assert [h.entry.name for h in found.hits] == ["MBE Pirna Markt"]


def test_results_say_until_when_they_stay_the_same(registry):
    """Hand-checked against the fixture: Heidenau 9-12, Sonnenstein 9-16 (Mon), Markt Tue 9-12,
    the phone service Mon 8-18; Monday 1 June 2026."""
    from datetime import datetime

    from integrationsatlas.registry.opening_hours import BERLIN

    mbe = OfferType.objects.get(code="mbe")
    pirna = places.resolve("Pirna").place

    def until(hour, minute=0, **filters):
        at = datetime(2026, 6, 1, hour, minute, tzinfo=BERLIN)
        found = search.search(mbe, pirna, 25, search.Filters(**filters), at=at)
        return found.stable_until.astimezone(BERLIN).strftime("%d. %H:%M")

    assert until(10) == "01. 12:00"  # Heidenau closes
    assert until(12, 30) == "01. 16:00"  # Sonnenstein closes
    assert until(12, 30, open_now=True) == "01. 16:00"
    assert until(18, 30) == "02. 00:00"  # nothing changes before "tomorrow" becomes "today"
    # Open now at 16:30: nobody in the radius is open, so any opening anywhere counts; the
    # phone service (open until 18:00) is listed and closes first.
    assert until(16, 30, open_now=True) == "01. 18:00"
