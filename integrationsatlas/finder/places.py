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
from anyascii import anyascii
from rapidfuzz import fuzz, process

from integrationsatlas.regions.locate import gemeinde_keys_at
from integrationsatlas.regions.models import PostalCode, Region
from integrationsatlas.regions.version import current_version

MAX_QUERY_LENGTH = 100
_POSTAL = re.compile(r"^\d{5}$")
_LABEL = re.compile(r"^(?P<name>.+?)\s*\((?P<kreis>[^()]+)\)$")
# Spellings that sound alike in German, in transliterated Cyrillic and in English typing,
# applied in this order to both the query and the place names ("Görlitz", "Goerlitz",
# "Gorlitz" and "Горліц" all become "gorlits").
_SOUND_ALIKE = (
    ("tsch", "ch"),
    ("sch", "sh"),
    ("kh", "ch"),
    ("ck", "k"),
    ("tz", "ts"),
    ("z", "ts"),
    ("w", "v"),
    ("ph", "f"),
    ("y", "i"),
    ("j", "i"),
    ("ae", "a"),
    ("oe", "o"),
    ("ue", "u"),
)
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_DOUBLED = re.compile(r"([a-z])\1+")
# Scores (0-100, rapidfuzz ratio of the folded forms): from SURE on, one place is taken as
# meant when no other comes within MARGIN; from SIMILAR on, places are offered as
# "did you mean".
SURE, MARGIN, SIMILAR = 85.0, 5.0, 70.0


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
    # "empty", "too_long", "unknown", "unknown_postal_code"; "did_you_mean" with choices
    # that are only similar to what was typed.
    problem: str = ""


def short_kreis(name: str) -> str:
    return name.removeprefix("Landkreis ")


@functools.lru_cache(maxsize=8192)  # the ~800 place names and labels are asked on every search
def normalise(text: str) -> str:
    """Case-tolerant form for exact matching; `fold` is the forgiving one."""
    text = unicodedata.normalize("NFKC", text).casefold().strip()
    return re.sub(r"\s+", " ", text)


@functools.lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """A spelling-tolerant key: Latin letters (any script transliterated), umlauts and
    sound-alike spellings folded, punctuation dropped, doubled letters single."""
    key = anyascii(unicodedata.normalize("NFKC", text)).casefold()
    for written, said in _SOUND_ALIKE:
        key = key.replace(written, said)
    key = _NOT_ALNUM.sub(" ", key)
    return _DOUBLED.sub(r"\1", key).strip()


class _Gazetteer:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.count: str | None = None  # the regions' version the list was built from
        self.places: list[Place] = []
        self.by_ags: dict[str, Place] = {}
        self.by_name: dict[str, list[Place]] = {}  # normalised name or label -> places
        self.by_key: dict[str, list[Place]] = {}  # folded name or label -> places

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
                by_key: dict[str, list[Place]] = {}
                for p in places:
                    for key in dict.fromkeys((fold(p.label), fold(p.name))):
                        by_key.setdefault(key, []).append(p)
                self.by_key = by_key
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
    found = prefix or [p for p in places if query in normalise(p.name)]
    if found:
        return found
    key = fold(text)
    if not key:
        return []
    folded = _gazetteer.by_key.get(key)
    if folded:
        return list(folded)
    return [p for p in places if fold(p.name).startswith(key)]


def similar(text: str, limit: int = 5) -> list[tuple[Place, float]]:
    """Places whose folded name is close to the folded text (rapidfuzz ratio), best first."""
    key = fold(text[:MAX_QUERY_LENGTH])
    if len(key) < 3:
        return []
    all_places()
    keys = _gazetteer.by_key
    ranked = process.extract(key, keys.keys(), scorer=fuzz.ratio, score_cutoff=SIMILAR, limit=20)
    seen: dict[str, tuple[Place, float]] = {}
    for name, score, _index in ranked:
        for place in keys[name]:
            if place.ags not in seen:
                seen[place.ags] = (place, float(score))
    return list(seen.values())[:limit]


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
    if found:
        return Resolution(None, choices=tuple(found[:30]))
    close = similar(text)
    if not close:
        return Resolution(None, problem="unknown")
    best_score = close[0][1]
    if best_score >= SURE and (len(close) == 1 or close[1][1] < best_score - MARGIN):
        return Resolution(close[0][0])
    return Resolution(None, choices=tuple(p for p, _score in close), problem="did_you_mean")


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
    found = matches(text)[:limit] or [p for p, _score in similar(text, limit)]
    return [{"label": p.label, "value": p.label, "ags": p.ags} for p in found]
