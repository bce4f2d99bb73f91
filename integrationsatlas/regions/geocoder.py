"""An optional geocoder: one address to one point over a Nominatim- or Photon-compatible HTTP API.

Off unless `GEOCODER_URL` is set (settings.py). Answers are cached (Django cache "default",
`GEOCODER_CACHE_SECONDS`; misses too, so a bad address is not asked again), requests are
spaced at least `GEOCODER_MIN_INTERVAL_SECONDS` apart within a process (the public Nominatim
asks for at most one per second), and every failure (timeout, HTTP error, odd JSON) counts as
"not found": the caller keeps its offline estimate.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

_lock = threading.Lock()
_last_request = 0.0
_MISS = "-"


@dataclass(frozen=True)
class Found:
    lon: float
    lat: float


def is_configured() -> bool:
    """A URL is set, and it is http(s): no file: or other schemes reach urlopen."""
    return settings.GEOCODER_URL.lower().startswith(("http://", "https://"))


def attribution() -> str:
    return settings.GEOCODER_ATTRIBUTION


def _cache_key(query: str) -> str:
    digest = hashlib.sha256(f"{settings.GEOCODER_URL}\n{query}".encode()).hexdigest()
    return f"geocoder:{digest}"


def _url(query: str) -> str:
    # Nominatim reads q/format/limit/countrycodes; Photon reads q/limit and ignores the rest.
    params = {"q": query, "format": "jsonv2", "limit": "1", "countrycodes": "de"}
    joiner = "&" if "?" in settings.GEOCODER_URL else "?"
    return settings.GEOCODER_URL + joiner + urllib.parse.urlencode(params)


def parse(document: object) -> Found | None:
    """The first hit of a Nominatim list (`[{"lat": "..", "lon": ".."}]`) or Photon FeatureCollection."""
    try:
        if isinstance(document, list) and document:
            return Found(float(document[0]["lon"]), float(document[0]["lat"]))
        if isinstance(document, dict) and document.get("features"):
            lon, lat = document["features"][0]["geometry"]["coordinates"][:2]
            return Found(float(lon), float(lat))
    except (KeyError, IndexError, TypeError, ValueError):
        return None
    return None


def _wait_turn() -> None:
    global _last_request
    with _lock:
        pause = _last_request + settings.GEOCODER_MIN_INTERVAL_SECONDS - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        _last_request = time.monotonic()


def _ask(query: str) -> Found | None:
    _wait_turn()
    request = urllib.request.Request(  # noqa: S310 (scheme checked in is_configured)
        _url(query),
        headers={"User-Agent": settings.GEOCODER_USER_AGENT, "Accept": "application/json"},
    )
    try:
        timeout = settings.GEOCODER_TIMEOUT_SECONDS
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310
            return parse(json.loads(answer.read(1_000_000)))
    except (OSError, urllib.error.URLError, ValueError):
        return None


def search(query: str) -> Found | None:
    """The point for an address, from the cache or the configured service; None if not found."""
    if not is_configured() or not query.strip():
        return None
    key = _cache_key(query.strip())
    cached = cache.get(key)
    if cached is not None:
        return None if cached == _MISS else Found(*cached)
    found = _ask(query.strip())
    cache.set(
        key, _MISS if found is None else (found.lon, found.lat), settings.GEOCODER_CACHE_SECONDS
    )
    return found
