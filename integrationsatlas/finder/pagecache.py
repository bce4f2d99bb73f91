"""Cache of rendered finder pages for anonymous visitors, answered early in the stack.

A view marks a page as shareable with `shareable(response, versions, valid_until)`: the page then
depends only on its address (scheme, host, path, query with parameters sorted), the interface
language, the content of the offer types it shows (`versions`: offer-type code -> the content
digest of its index, see `index.TypeIndex.digest`; and the travel minutes' version under
`transit_version.KEY`) and the clock up to `valid_until`.
`PageCacheMiddleware` stores such pages and answers the next request for the same key itself,
before sessions, CSRF, locale, authentication and the view run: a hit costs a cache lookup,
which is what lets a worker answer thousands of searches a second.

The pages live in Django's cache alias `finder_pages` (settings.py): in each worker's memory by
default, in Redis when `REDIS_URL` is set, where every worker and server shares them. A page
is served only while each offer type it shows still has the digest it was built from, so an
edit of one offer type leaves the pages of all others in use; `valid_until` is checked on
every hit against the finder's clock; the cache's own timeout is the maximum age.

Never stored: requests with a session cookie (signed-in people see their name) or pending
messages, anything but GET, responses other than 200, streaming responses and responses that
set a cookie (a page that sets one is per visitor by definition).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language_from_request

from . import clock, transit_version
from .indexes import indexes

ALIAS = "finder_pages"
_lock = threading.Lock()
_paths: set[str] = set()  # paths a view has marked shareable; only these are looked up
_generation = 0  # raised by clear()


def capacity() -> int:
    """Setting FINDER_PAGE_CACHE_ENTRIES (environment, default 4000); 0 = off.

    A results page weighs about 13 KB, so 4,000 pages take about 50 MB per worker (in Redis:
    once for all workers). settings.py gives the in-memory cache this bound.
    """
    return settings.FINDER_PAGE_CACHE_ENTRIES


def max_age() -> int:
    """How long a page is shared at most (offer-type names and catalogues have no version)."""
    return settings.FINDER_PAGE_MAX_AGE_SECONDS


def shareable(
    response: HttpResponse, versions: dict[str, int | str], valid_until: datetime
) -> HttpResponse:
    """Mark a page as the same for every anonymous visitor until `valid_until`, as long as
    the offer types it shows keep their content (`versions`: code -> index digest)."""
    response._finder_shareable = (versions, valid_until)  # type: ignore[attr-defined]
    return response


def _anonymous_get(request: HttpRequest) -> bool:
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def key_for(request: HttpRequest) -> tuple:
    """The path, the query with its parameters sorted, and the language LocaleMiddleware will pick.

    Scheme and host are part of it too: a page must never reach a visitor of another address
    of the site, and `get_host()` refuses a host not in ALLOWED_HOSTS before anything is served.
    """
    query = tuple(sorted((k, tuple(v)) for k, v in request.GET.lists()))
    host = (request.scheme, request.get_host())
    return (request.path, query, get_language_from_request(request), host)


def _cache_key(key: tuple) -> str:
    # Cache keys must be short and plain (memcached: 250 characters); the tuple is neither.
    digest = hashlib.blake2b(repr((_generation, key)).encode(), digest_size=20)
    return "page:" + digest.hexdigest()


def current(versions: dict[str, int | str]) -> bool:
    """Do these offer types (and the travel minutes, `transit_version.KEY`) still have the
    content the page was built from?"""
    return all(
        (transit_version.current_version() if code == transit_version.KEY else indexes.digest(code))
        == digest
        for code, digest in versions.items()
    )


def lookup(key: tuple, moment: datetime) -> HttpResponse | None:
    found = caches[ALIAS].get(_cache_key(key))
    if found is None:
        return None
    versions, valid_until, status, headers, body = found
    if moment >= valid_until or not current(versions):
        return None
    response = HttpResponse(body, status=status, headers=dict(headers))
    response["X-Finder-Cache"] = "hit"
    return response


def store(key: tuple, response: HttpResponse) -> None:
    marked = getattr(response, "_finder_shareable", None)
    if (
        marked is None
        or response.status_code != 200
        or response.streaming
        or response.cookies
        or response.has_header("Set-Cookie")
    ):
        return
    versions, valid_until = marked
    entry = (versions, valid_until, response.status_code, tuple(response.items()), response.content)
    caches[ALIAS].set(_cache_key(key), entry, timeout=max_age())
    with _lock:
        _paths.add(key[0])


class PageCacheMiddleware:
    """Answers shareable finder pages from the cache; stores the pages views mark."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if capacity() <= 0 or not _anonymous_get(request):
            return self.get_response(request)
        key = None
        if request.path in _paths:
            key = key_for(request)
            hit = lookup(key, clock.now())
            if hit is not None:
                return hit
        response = self.get_response(request)
        if getattr(response, "_finder_shareable", None) is not None:
            store(key or key_for(request), response)
        return response


def clear() -> None:
    """Make every stored page unreachable for this process (tests; in use the digests do it).

    A new generation in the key, not the cache's own clear(): in Redis that would empty the
    whole database, which may hold more than this site's pages.
    """
    global _generation
    with _lock:
        _generation += 1
        _paths.clear()
    cache = caches[ALIAS]
    if isinstance(cache, LocMemCache):  # this process's memory: nobody else's data in it
        cache.clear()
