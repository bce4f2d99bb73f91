"""The finder's page cache: hits for repeated anonymous searches, misses after any change."""

import os
import uuid
from datetime import datetime

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from integrationsatlas.finder import clock as finder_clock
from integrationsatlas.finder import pagecache, search
from integrationsatlas.registry.opening_hours import BERLIN
from tests.finder.fixtures import MONDAY_10, build_registry

pytestmark = pytest.mark.django_db
RESULTS = "/suche/ergebnisse/"
QUERY = {"art": "mbe", "ort": "Pirna", "offen": "1"}


@pytest.fixture(autouse=True)
def clock(monkeypatch, settings):
    """A clock the test can move; version checked on every request; empty caches."""
    settings.FINDER_VERSION_CHECK_SECONDS = 0
    moment = {"now": MONDAY_10}
    monkeypatch.setattr(finder_clock, "now", lambda: moment["now"])
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
    assert first.content == second.content
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


def test_cached_page_is_the_same_for_everyone_and_sets_no_cookie(registry):
    first = Client().get(RESULTS, QUERY)
    assert not first.cookies and "csrfmiddlewaretoken" not in first.content.decode()
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(RESULTS, QUERY)
    assert cached(page) and page.content == first.content and not page.cookies
    switched = visitor.get("/sprache/", {"language": "ar", "next": RESULTS})
    assert switched.status_code == 302
    arabic = visitor.get(RESULTS, QUERY)
    assert not cached(arabic) and 'lang="ar"' in arabic.content.decode()


def test_a_hit_keeps_the_security_headers_and_skips_the_view(
    registry, django_assert_max_num_queries
):
    first = Client().get(RESULTS, QUERY)
    with django_assert_max_num_queries(1):  # at most the registry version check
        second = Client().get(RESULTS, QUERY)
    assert cached(second)
    for header in ("Content-Security-Policy", "X-Frame-Options", "Content-Language", "Vary"):
        assert second[header] == first[header], header


def test_pages_that_set_a_cookie_are_never_shared(registry):
    from django.http import HttpResponse

    response = pagecache.shareable(HttpResponse(b"x"), {}, MONDAY_10)
    response.set_cookie("something", "per-visitor")
    key = ("/x/", (), "de", ("http", "testserver"))
    pagecache.store(key, response)
    assert pagecache.lookup(key, datetime(2026, 6, 1, 9, 0, tzinfo=BERLIN)) is None


def test_cache_is_bounded_and_can_be_switched_off(client, registry, settings):
    from django.core.cache import caches

    assert caches["finder_pages"]._max_entries == settings.FINDER_PAGE_CACHE_ENTRIES
    settings.FINDER_PAGE_CACHE_ENTRIES = 0
    client.get(RESULTS, QUERY)
    assert not cached(client.get(RESULTS, QUERY))


def test_page_without_open_now_is_kept_until_a_shown_service_opens_or_closes(
    client, registry, clock, settings
):
    settings.FINDER_PAGE_MAX_AGE_SECONDS = 24 * 3600  # this test is about the services alone
    query = {"art": "mbe", "ort": "Pirna"}
    first = client.get(RESULTS, query).content.decode()
    assert "bis 12:00 Uhr" in first and "bis 16:00 Uhr" in first  # Heidenau 9-12, Sonnenstein 9-16
    clock["now"] = datetime(2026, 6, 1, 11, 59, 59, tzinfo=BERLIN)  # two hours on, nothing changed
    assert cached(client.get(RESULTS, query))
    clock["now"] = datetime(2026, 6, 1, 12, 0, tzinfo=BERLIN)  # Heidenau closes
    after = client.get(RESULTS, query)
    assert not cached(after)
    assert (
        "bis 12:00 Uhr" not in after.content.decode() and "bis 16:00 Uhr" in after.content.decode()
    )


def test_pages_are_kept_apart_per_host_and_unknown_hosts_get_nothing(registry, settings):
    settings.ALLOWED_HOSTS = ["testserver", "atlas.example"]
    Client().get(RESULTS, QUERY)
    other = Client().get(RESULTS, QUERY, HTTP_HOST="atlas.example")
    assert not cached(other) and other.status_code == 200
    assert cached(Client().get(RESULTS, QUERY, HTTP_HOST="atlas.example"))
    assert Client().get(RESULTS, QUERY, HTTP_HOST="evil.example").status_code == 400


def test_a_page_is_shared_at_most_the_maximum_age(client, registry, clock, settings):
    settings.FINDER_PAGE_MAX_AGE_SECONDS = 60
    query = {"art": "mbe", "ort": "Pirna"}  # its services change only at 12:00
    client.get(RESULTS, query)
    clock["now"] = datetime(2026, 6, 1, 10, 0, 59, tzinfo=BERLIN)
    assert cached(client.get(RESULTS, query))
    clock["now"] = datetime(2026, 6, 1, 10, 1, 0, tzinfo=BERLIN)
    assert not cached(client.get(RESULTS, query))


def _redis_url() -> str | None:
    """A local Redis for the shared-cache test (machine and CI have one on 6379), or None."""
    import redis

    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return None
    return url


def test_with_redis_every_worker_shares_the_pages(client, registry, settings):
    url = _redis_url()
    if url is None:
        pytest.skip("no Redis reachable at TEST_REDIS_URL or redis://127.0.0.1:6379/15")
    import redis
    from django.test import override_settings

    prefix = f"test-finder-{uuid.uuid4().hex}"
    shared = {
        **settings.CACHES,
        "finder_pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": prefix,
        },
    }
    server = redis.Redis.from_url(url)
    try:
        with override_settings(CACHES=shared):
            first = client.get(RESULTS, QUERY)
            assert server.keys(f"{prefix}:*"), "the page is stored in Redis"
            second = Client().get(RESULTS, QUERY)
            assert cached(second) and second.content == first.content
            pagecache.clear()  # must not empty the Redis database
            assert server.keys(f"{prefix}:*")
            assert not cached(Client().get(RESULTS, QUERY))
    finally:
        for key in server.scan_iter(f"{prefix}:*"):
            server.delete(key)
