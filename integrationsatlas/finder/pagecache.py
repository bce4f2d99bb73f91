"""Per-worker cache of rendered finder result pages for anonymous visitors.

A results page depends only on its query, the language, the minute ("open now", "opens
today at") and the registry's content. The key holds exactly these, so an edit in the
registry or the next minute makes every older entry unreachable; old entries then fall out
of the bounded LRU. Pages for signed-in users (their name is in the page) or for requests
with pending messages are never cached. The CSRF token of the language switcher differs per
visitor: it is stored as a marker and filled in with the visitor's own token on the way out.
"""

from __future__ import annotations

import os
import re
import threading
from collections import OrderedDict

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token

CSRF_FIELD = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
MARKER = b"\x00csrf\x00"  # cannot occur in rendered HTML: templates escape nothing into NUL

_lock = threading.Lock()
_pages: OrderedDict[tuple, tuple[int, str, bytes]] = OrderedDict()


def capacity() -> int:
    """Setting FINDER_PAGE_CACHE_ENTRIES, else the environment variable, else 1000; 0 = off."""
    default = os.environ.get("FINDER_PAGE_CACHE_ENTRIES", "1000")
    return int(getattr(settings, "FINDER_PAGE_CACHE_ENTRIES", default))


def cacheable(request: HttpRequest) -> bool:
    """Anonymous GETs only: no session cookie (no user, nothing to write) and no messages."""
    return (
        capacity() > 0
        and request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def key_for(request: HttpRequest, *parts) -> tuple:
    """The path, the query with its parameters sorted, and what else the page depends on."""
    query = tuple(sorted((k, tuple(v)) for k, v in request.GET.lists()))
    return (request.path, query, *parts)


def get(request: HttpRequest, key: tuple) -> HttpResponse | None:
    with _lock:
        found = _pages.get(key)
        if found is not None:
            _pages.move_to_end(key)
    if found is None:
        return None
    status, content_type, body = found
    token = get_token(request).encode("ascii")  # also sets the visitor's CSRF cookie
    response = HttpResponse(body.replace(MARKER, token), content_type=content_type, status=status)
    response["X-Finder-Cache"] = "hit"
    return response


def put(key: tuple, response: HttpResponse) -> None:
    if response.status_code != 200 or response.streaming:
        return
    body = CSRF_FIELD.sub(rb"\g<1>" + MARKER + rb"\g<2>", response.content)
    with _lock:
        _pages[key] = (response.status_code, response["Content-Type"], body)
        _pages.move_to_end(key)
        while len(_pages) > capacity():
            _pages.popitem(last=False)


def clear() -> None:
    with _lock:
        _pages.clear()


def size() -> int:
    return len(_pages)
