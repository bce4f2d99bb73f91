"""Per-worker cache of rendered finder pages for anonymous visitors, answered early in the stack.

A view marks a page as shareable with `shareable(response, version, valid_until)`: the page then
depends only on its path, its query (parameters sorted), the interface language, the registry
version it was built from and the clock up to `valid_until`. `PageCacheMiddleware` stores such
pages and answers the next request for the same key itself, before sessions, CSRF, locale,
authentication and the view run: a hit costs a dictionary lookup, which is what lets one worker
answer hundreds of searches a second. An entry is used only while the registry version it was
built from is still current and its `valid_until` lies ahead; bounded LRU drops the rest.

Never stored: requests with a session cookie (signed-in people see their name) or pending
messages, anything but GET, responses other than 200, streaming responses and responses that
set a cookie (a page that sets one is per visitor by definition).
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language_from_request

_lock = threading.Lock()
_pages: OrderedDict[tuple, Entry] = OrderedDict()
_paths: set[str] = set()  # paths some view has marked shareable; only these are looked up


@dataclass(frozen=True)
class Entry:
    version: tuple
    valid_until: datetime
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


def capacity() -> int:
    """Setting FINDER_PAGE_CACHE_ENTRIES, else the environment variable, else 4000; 0 = off.

    A results page weighs about 13 KB, so 4,000 pages take about 50 MB per worker.
    """
    default = os.environ.get("FINDER_PAGE_CACHE_ENTRIES", "4000")
    return int(getattr(settings, "FINDER_PAGE_CACHE_ENTRIES", default))


def shareable(response: HttpResponse, version: tuple, valid_until: datetime) -> HttpResponse:
    """Mark a page as the same for every anonymous visitor until `valid_until`."""
    response._finder_shareable = (version, valid_until)  # type: ignore[attr-defined]
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


def lookup(key: tuple, version: tuple, moment: datetime) -> HttpResponse | None:
    with _lock:
        entry = _pages.get(key)
        if entry is None:
            return None
        if entry.version != version or moment >= entry.valid_until:
            del _pages[key]
            return None
        _pages.move_to_end(key)
    response = HttpResponse(entry.body, status=entry.status, headers=dict(entry.headers))
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
    version, valid_until = marked
    entry = Entry(
        version, valid_until, response.status_code, tuple(response.items()), response.content
    )
    limit = capacity()
    with _lock:
        _paths.add(key[0])
        _pages[key] = entry
        _pages.move_to_end(key)
        while len(_pages) > limit:
            _pages.popitem(last=False)


class PageCacheMiddleware:
    """Answers shareable finder pages from the cache; stores the pages views mark."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if capacity() <= 0 or not _anonymous_get(request):
            return self.get_response(request)
        key = None
        if request.path in _paths:
            from . import search  # search imports this module to clear it

            key = key_for(request)
            hit = lookup(key, search.current_version(), search.now())
            if hit is not None:
                return hit
        response = self.get_response(request)
        if getattr(response, "_finder_shareable", None) is not None:
            store(key or key_for(request), response)
        return response


def clear() -> None:
    with _lock:
        _pages.clear()


def size() -> int:
    return len(_pages)
