"""The finder's page cache: hits for repeated anonymous searches, misses after any change."""

import re
from datetime import datetime

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from integrationsatlas.finder import pagecache, search
from integrationsatlas.finder.hours import BERLIN
from tests.finder.fixtures import MONDAY_10, build_registry

pytestmark = pytest.mark.django_db
RESULTS = "/suche/ergebnisse/"
QUERY = {"art": "mbe", "ort": "Pirna", "offen": "1"}


@pytest.fixture(autouse=True)
def clock(monkeypatch, settings):
    """A clock the test can move; version checked on every request; empty caches."""
    settings.FINDER_VERSION_CHECK_SECONDS = 0
    moment = {"now": MONDAY_10}
    monkeypatch.setattr(search, "now", lambda: moment["now"])
    search.clear_cache()
    yield moment
    search.clear_cache()


@pytest.fixture
def registry(db):
    return build_registry()


def cached(response) -> bool:
    return response.get("X-Finder-Cache") == "hit"


def test_repeated_search_is_served_from_cache_with_the_same_page(client, registry):
    first = client.get(RESULTS, QUERY)
    second = Client().get(RESULTS, dict(reversed(list(QUERY.items()))))  # order does not matter
    assert first.status_code == second.status_code == 200
    assert not cached(first) and cached(second)
    strip = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')
    assert strip.sub(b"", first.content) == strip.sub(b"", second.content)
    assert b"MBE Pirna Sonnenstein" in second.content and b"Demo" in second.content


def test_registry_edit_invalidates_the_cached_page(client, registry):
    assert b"MBE Pirna Sonnenstein" in client.get(RESULTS, QUERY).content
    service = registry["open"]
    service.name = "MBE Pirna Sonnenstein (neu)"
    service.save()
    response = client.get(RESULTS, QUERY)
    assert not cached(response)
    assert b"MBE Pirna Sonnenstein (neu)" in response.content


def test_next_minute_invalidates_open_now(client, registry, clock):
    # Sonnenstein is open on Mondays 9-16: open at 15:59, closed at 16:00.
    clock["now"] = datetime(2026, 6, 1, 15, 59, tzinfo=BERLIN)
    assert b"MBE Pirna Sonnenstein" in client.get(RESULTS, QUERY).content
    assert cached(client.get(RESULTS, QUERY))
    clock["now"] = datetime(2026, 6, 1, 16, 0, 5, tzinfo=BERLIN)
    response = client.get(RESULTS, QUERY)
    assert not cached(response)
    assert b"MBE Pirna Sonnenstein" not in response.content


def test_each_language_has_its_own_entry(client, registry):
    german = client.get(RESULTS, QUERY, HTTP_ACCEPT_LANGUAGE="de")
    arabic = client.get(RESULTS, QUERY, HTTP_ACCEPT_LANGUAGE="ar")
    assert not cached(arabic)
    assert 'lang="ar"' in arabic.content.decode() and 'lang="de"' in german.content.decode()
    assert "استشارة الهجرة بيرنا" in arabic.content.decode()


def test_signed_in_users_get_their_own_page(client, registry):
    client.get(RESULTS, QUERY)  # fills the cache for anonymous visitors
    user = get_user_model().objects.create_user("koordination", password=None)
    client.force_login(user)
    response = client.get(RESULTS, QUERY)
    assert not cached(response)
    assert "koordination" in response.content.decode()


def test_cached_page_carries_a_working_csrf_token_for_each_visitor(registry):
    Client().get(RESULTS, QUERY)
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(RESULTS, QUERY)
    assert cached(page)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
    switched = visitor.post("/i18n/setlang/", {"language": "ar", "csrfmiddlewaretoken": token})
    assert switched.status_code == 302


def test_cache_is_bounded(client, registry, settings):
    settings.FINDER_PAGE_CACHE_ENTRIES = 2
    for radius in (5, 10, 25):
        client.get(RESULTS, {**QUERY, "umkreis": radius})
    assert pagecache.size() == 2
    settings.FINDER_PAGE_CACHE_ENTRIES = 0
    client.get(RESULTS, QUERY)
    assert not cached(client.get(RESULTS, QUERY))
