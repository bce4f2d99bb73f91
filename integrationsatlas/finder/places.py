"""Where the person is: Gemeinde names, postal codes and coordinates turned into one search point.

The Gemeinde list (about 420 rows) is kept in memory per process and rebuilt when the
regions' version changes (`regions.version`), so typing suggestions and searches need no
database query beyond that version check every few seconds.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from dataclasses import dataclass

import numpy as np

from integrationsatlas.regions.locate import gemeinde_keys_at
from integrationsatlas.regions.models import PostalCode, Region
from integrationsatlas.regions.version import current_version

MAX_QUERY_LENGTH = 100
_POSTAL = re.compile(r"^\d{5}$")
_LABEL = re.compile(r"^(?P<name>.+?)\s*\((?P<kreis>[^()]+)\)$")


@dataclass(frozen=True)
class Place:
    """A search point: the Gemeinde it lies in, its Kreis, and WGS84 coordinates."""

    ags: str
    name: str
    kreis_ags: str
    kreis_name: str
    lon: float
    lat: float
    postal_code: str = ""

    @property
    def label(self) -> str:
        """Unique display name: kreisfreie Städte alone, others with their Kreis."""
        if self.name == self.kreis_name:
            return self.name
        return f"{self.name} ({short_kreis(self.kreis_name)})"


@dataclass(frozen=True)
class Resolution:
    place: Place | None
    choices: tuple[Place, ...] = ()
    problem: str = ""  # "empty", "too_long", "unknown", "unknown_postal_code"


def short_kreis(name: str) -> str:
    return name.removeprefix("Landkreis ")


@functools.lru_cache(maxsize=8192)  # the ~800 place names and labels are asked on every search
def normalise(text: str) -> str:
    """Case- and accent-tolerant form for matching ("Goerlitz" is not handled, "görlitz" is)."""
    text = unicodedata.normalize("NFKC", text).casefold().strip()
    return re.sub(r"\s+", " ", text)


class _Gazetteer:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.count: str | None = None  # the regions' version the list was built from
        self.places: list[Place] = []
        self.by_ags: dict[str, Place] = {}
        self.by_name: dict[str, list[Place]] = {}  # normalised name or label -> places

    def get(self) -> list[Place]:
        # Regions change only when an administrator reloads them; their version says when.
        count = current_version()
        if self.places and count == self.count:
            return self.places
        with self.lock:
            if count != self.count:
                kreise = dict(
                    Region.objects.filter(level=Region.Level.KREIS).values_list("ags", "name")
                )
                places = [
                    Place(ags, name, ags[:5], kreise.get(ags[:5], ""), lon, lat)
                    for ags, name, lon, lat in Region.objects.filter(
                        level=Region.Level.GEMEINDE, point_lon__isnull=False
                    )
                    .order_by("name", "ags")
                    .values_list("ags", "name", "point_lon", "point_lat")
                ]
                self.places, self.count = places, count
                self.by_ags = {p.ags: p for p in places}
                by_name: dict[str, list[Place]] = {}
                for p in places:
                    for key in dict.fromkeys((normalise(p.label), normalise(p.name))):
                        by_name.setdefault(key, []).append(p)
                self.by_name = by_name
            return self.places


_gazetteer = _Gazetteer()


def all_places() -> list[Place]:
    return _gazetteer.get()


def place_by_ags(ags: str) -> Place | None:
    all_places()
    return _gazetteer.by_ags.get(ags)


def matches(text: str) -> list[Place]:
    """Gemeinden whose name or label matches: exact first, then prefix, then substring."""
    query = normalise(text)
    if not query:
        return []
    places = all_places()
    exact = _gazetteer.by_name.get(query)
    if exact:
        return list(exact)
    label = _LABEL.match(text.strip())
    if label:  # "Name (Kreis)" typed by hand with a different spelling of the Kreis
        name = normalise(label.group("name"))
        named = [p for p in places if normalise(p.name) == name]
        if named:
            return named
    prefix = [p for p in places if normalise(p.name).startswith(query)]
    return prefix or [p for p in places if query in normalise(p.name)]


def resolve(text: str) -> Resolution:
    """Turn what the person typed into one place, a list to choose from, or a named problem."""
    text = text.strip()
    if not text:
        return Resolution(None, problem="empty")
    if len(text) > MAX_QUERY_LENGTH:
        return Resolution(None, problem="too_long")
    if _POSTAL.match(text):
        postal = PostalCode.objects.filter(code=text).values_list("lon", "lat", "gemeinde_id")
        row = postal.first()
        gemeinde = place_by_ags(row[2]) if row else None
        if row is None or gemeinde is None:
            return Resolution(None, problem="unknown_postal_code")
        lon, lat, _ags = row
        return Resolution(
            Place(
                gemeinde.ags, gemeinde.name, gemeinde.kreis_ags, gemeinde.kreis_name, lon, lat, text
            )
        )
    found = matches(text)
    if len(found) == 1:
        return Resolution(found[0])
    if not found:
        return Resolution(None, problem="unknown")
    return Resolution(None, choices=tuple(found[:30]))


def place_at(lon: float, lat: float) -> Place | None:
    """The search point for coordinates (geolocation), or None outside the loaded Land."""
    key = gemeinde_keys_at(np.array([lon]), np.array([lat]))[0]
    gemeinde = place_by_ags(key) if key else None
    if gemeinde is None:
        return None
    return Place(gemeinde.ags, gemeinde.name, gemeinde.kreis_ags, gemeinde.kreis_name, lon, lat)


def suggest(text: str, limit: int = 8) -> list[dict[str, str]]:
    """Typing suggestions: labels of matching Gemeinden and postal codes starting with the digits."""
    text = text.strip()[:MAX_QUERY_LENGTH]
    if not text:
        return []
    if text.isdigit():
        rows = PostalCode.objects.filter(code__startswith=text[:5]).values_list(
            "code", "place_names"
        )[:limit]
        return [{"label": f"{code} {names}", "value": code} for code, names in rows]
    return [{"label": p.label, "value": p.label, "ags": p.ags} for p in matches(text)[:limit]]
