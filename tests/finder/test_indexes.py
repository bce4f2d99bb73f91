"""An edit updates only the index of the offer type it touches, in place of a rebuild of all."""

from __future__ import annotations

import threading
import time

import pytest

from integrationsatlas.finder import changes, index, search
from integrationsatlas.finder.indexes import Indexes, indexes
from integrationsatlas.finder.places import place_by_ags
from integrationsatlas.registry.models import (
    Location,
    Organization,
    Schedule,
    Service,
    ServiceAtLocation,
)
from integrationsatlas.taxonomy.models import OfferType

from .fixtures import add_service

pytestmark = pytest.mark.django_db
PIRNA = "14628310"


def pirna():
    return place_by_ags(PIRNA)


def offer(code):
    return OfferType.objects.get(code=code)


def names(code, radius=25):
    return [h.entry.name for h in search.search(offer(code), pirna(), radius).hits]


@pytest.fixture
def two_types(registry):
    """The Pirna registry (MBE) plus a youth service (JMD) nearby."""
    org = Organization.objects.get(name="Beratungsverein Elbtal")
    registry["youth"] = add_service(org, "JMD Pirna", 13.9450, 50.9600, offer="jmd")
    return registry


@pytest.fixture
def builds(monkeypatch):
    """Every whole-index read from now on, by offer-type code."""
    seen: list[str] = []
    original = index.build

    def counting(offer_type):
        seen.append(offer_type.code)
        return original(offer_type)

    monkeypatch.setattr(index, "build", counting)
    return seen


def test_an_edit_replaces_one_service_in_its_own_index_only(two_types, builds):
    assert "MBE Pirna Sonnenstein" in names("mbe") and names("jmd") == ["JMD Pirna"]
    youth_index = indexes._types["jmd"]
    builds.clear()
    service = two_types["open"]
    service.name = "MBE Pirna Sonnenstein (neu)"
    service.save()
    assert "MBE Pirna Sonnenstein (neu)" in names("mbe")
    assert builds == []  # nothing read whole again
    assert indexes._types["jmd"] is youth_index  # the other type untouched
    assert indexes.last_update is not None and indexes.last_update[1] == 1


def test_digest_of_an_updated_index_equals_a_fresh_build(two_types):
    search.search(offer("mbe"), pirna(), 25)
    before = indexes._types["mbe"].digest
    service = two_types["closed_nearby"]
    service.languages = ["de", "ru", "fa"]
    service.save()
    search.search(offer("mbe"), pirna(), 25)
    updated = indexes._types["mbe"]
    assert updated.digest != before
    assert updated.digest == index.build(offer("mbe")).digest
    # A change the finder does not show (the description) keeps the digest.
    service.description = "Neu beschrieben"
    service.save()
    search.search(offer("mbe"), pirna(), 25)
    assert indexes._types["mbe"].digest == updated.digest


def test_a_service_moving_to_another_offer_type_leaves_one_index_and_enters_the_other(
    two_types, builds
):
    names("mbe"), names("jmd")
    builds.clear()
    service = two_types["open"]
    service.offer_type = offer("jmd")
    service.save()
    assert "MBE Pirna Sonnenstein" not in names("mbe")
    assert "MBE Pirna Sonnenstein" in names("jmd")
    assert builds == []


def test_hours_sites_locations_and_providers_reach_their_services(two_types, builds):
    from datetime import time as clock_time

    open_now = search.Filters(open_now=True)
    found = search.search(offer("mbe"), pirna(), 25, open_now)
    assert {h.entry.name for h in found.hits} == {"MBE Heidenau Demo", "MBE Pirna Sonnenstein"}
    builds.clear()
    markt = two_types["closed_nearby"]
    sal = markt.service_at_locations.get()
    Schedule.objects.create(
        service_at_location=sal, weekday=1, opens_at=clock_time(9), closes_at=clock_time(11)
    )
    found = search.search(offer("mbe"), pirna(), 25, open_now)
    assert "MBE Pirna Markt" in [h.entry.name for h in found.hits]
    location = Location.objects.get(pk=sal.location_id)
    location.longitude, location.latitude = 12.3731, 51.3397  # moved to Leipzig
    location.save()
    assert "MBE Pirna Markt" not in names("mbe")
    organization = markt.organization
    organization.name = "Elbtal e. V."
    organization.save()
    hits = search.search(offer("mbe"), pirna(), 25).hits
    assert {h.entry.organization for h in hits} == {"Elbtal e. V."}
    ServiceAtLocation.objects.filter(service=two_types["demo"]).delete()
    assert "MBE Heidenau Demo" not in names("mbe")
    assert builds == []


def test_writes_without_history_make_every_index_read_again(two_types, builds):
    names("mbe"), names("jmd")
    builds.clear()
    org = Organization.objects.get(name="Beratungsverein Elbtal")
    # bulk_create writes no history row: only the row counts show it.
    created = Service.objects.bulk_create(
        [
            Service(
                organization=org,
                offer_type=offer("mbe"),
                name="MBE ohne Verlauf",
                is_published=True,
                languages=["de"],
            )
        ]
    )
    location = Location.objects.create(
        organization=org,
        address="Markt 2",
        postal_code="01796",
        city="Pirna",
        longitude=13.94,
        latitude=50.962,
    )
    ServiceAtLocation.objects.bulk_create(
        [ServiceAtLocation(service=created[0], location=location)]
    )
    assert "MBE ohne Verlauf" in names("mbe")
    assert "mbe" in builds


def test_a_late_history_row_below_the_highest_seen_is_still_applied(two_types):
    """PostgreSQL hands out ids when a row is inserted: a transaction committing late leaves
    a row below ids already processed. Simulated: the row is there but counts as unseen."""
    names("mbe")
    watch = indexes._watch
    assert watch is not None
    late, other = two_types["open"], two_types["far"]
    late.name = "MBE Pirna Sonnenstein (spät)"
    late.save()
    other.name = "MBE Leipzig (neu)"
    other.save()
    assert watch.poll() == changes.Changes(frozenset({late.pk, other.pk}))
    history_id = Service.history.filter(id=late.pk).latest("history_id").history_id
    watch.seen[changes.SERVICE].discard(history_id)  # as if it had committed only now
    assert watch.poll() == changes.Changes(frozenset({late.pk}))
    assert watch.poll() is None


def test_concurrent_requests_build_a_missing_index_once(two_types, monkeypatch, settings):
    settings.FINDER_VERSION_CHECK_SECONDS = 3600
    fresh = Indexes()
    fresh.refresh()  # the watch starts in this thread
    built = index.build(offer("mbe"))
    calls: list[str] = []

    def slow_build(offer_type):
        calls.append(offer_type.code)
        time.sleep(0.2)
        return built

    monkeypatch.setattr(index, "build", slow_build)
    mbe = offer("mbe")
    results = []
    threads = [threading.Thread(target=lambda: results.append(fresh.get(mbe))) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert calls == ["mbe"]
    assert len(results) == 6 and all(r is built for r in results)


def test_a_page_of_one_offer_type_stays_cached_when_another_is_edited(client, two_types):
    query = {"art": "jmd", "ort": "Pirna"}
    client.get("/suche/ergebnisse/", query)
    assert client.get("/suche/ergebnisse/", query)["X-Finder-Cache"] == "hit"
    service = two_types["open"]  # an MBE service
    service.name = "MBE Pirna Sonnenstein (neu)"
    service.save()
    assert client.get("/suche/ergebnisse/", query)["X-Finder-Cache"] == "hit"
    youth = two_types["youth"]
    youth.name = "JMD Pirna (neu)"
    youth.save()
    response = client.get("/suche/ergebnisse/", query)
    assert response.get("X-Finder-Cache") != "hit"
    assert "JMD Pirna (neu)" in response.content.decode()


def test_open_now_follows_the_minutes_like_a_full_computation(two_types, settings):
    """Minute after minute only the sites due to open or close are asked again; at every
    minute of a Monday the arrays equal those of an index that computes them whole."""
    from datetime import datetime, timedelta

    import numpy as np

    from integrationsatlas.registry.opening_hours import BERLIN

    mbe = index.build(offer("mbe"))
    start = datetime(2026, 6, 1, 7, 0, tzinfo=BERLIN)
    for minutes in range(0, 12 * 60, 7):
        moment = start + timedelta(minutes=minutes)
        is_open, change = mbe.open_at(moment)
        whole_open, whole_change = index.build(offer("mbe")).open_at(moment)
        assert np.array_equal(is_open, whole_open), moment
        assert np.array_equal(change, whole_change), moment
    kept = [key for key in mbe.masks if key[0] == "open"]
    assert len(kept) <= 2  # old minutes are dropped, not piled up
