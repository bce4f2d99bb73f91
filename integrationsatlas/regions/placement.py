"""Where a site without coordinates lies: its postal code's centroid inside the Gemeinde its place names.

Offline, from the shipped postal codes (`PostalCode`, loaded from data/sachsen-plz.csv): the
Gemeinde is the one of the postal code's Gemeinden whose name matches the place (Ort), else
the Gemeinde that contains the centroid. The point is the centroid when it lies in that
Gemeinde, else the Gemeinde's representative point. Such a site is flagged "Lage geschätzt
(Postleitzahl)" (`Placement.POSTAL_CODE`). When an operator configures a geocoder
(`regions.geocoder`), its answer refines the point, but only inside that same Gemeinde.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext as _

from . import geocoder
from .locate import gemeinde_keys_at
from .models import PostalCode, Region

POSTAL_CODE = "postal_code"  # = registry.models.Placement.POSTAL_CODE (regions sits below registry)
GEOCODER = "geocoder"


@dataclass(frozen=True)
class Placed:
    lon: float
    lat: float
    gemeinde: str  # AGS of the Gemeinde the point lies in
    gemeinde_name: str
    method: str  # POSTAL_CODE or GEOCODER
    attribution: str = ""  # the geocoder's, to show next to its answer


class PlacementError(ValueError):
    """The address cannot be placed (unknown postal code); the message says what to do."""


def _name_key(name: str) -> str:
    text = name.casefold().replace("ß", "ss")
    text = re.sub(r"\b(stadt|gemeinde|große kreisstadt|grosse kreisstadt)\b", " ", text)
    return re.sub(r"[^\w]+", " ", text).strip()


def _matches(city: str, gemeinde: str) -> bool:
    """`Pirna` ~ `Pirna, Stadt`; `Bad Schandau` ~ `Bad Schandau`; `Dresden-Neustadt` ~ `Dresden`."""
    a, b = _name_key(city), _name_key(gemeinde)
    return bool(a and b) and (a == b or a.startswith(b + " ") or b.startswith(a + " "))


@dataclass
class _Code:
    lon: float
    lat: float
    centroid_gemeinde: str
    gemeinden: dict[str, Region]


def _codes(postal_codes: set[str]) -> dict[str, _Code]:
    found: dict[str, _Code] = {}
    rows = PostalCode.objects.filter(code__in=postal_codes).prefetch_related("gemeinden")
    for row in rows:
        gemeinden = {g.ags: g for g in row.gemeinden.all()}
        found[row.code] = _Code(row.lon, row.lat, row.gemeinde_id, gemeinden)
    return found


def _choose(code: _Code, city: str) -> Region | None:
    named = [g for g in code.gemeinden.values() if _matches(city, g.name)]
    if len(named) == 1:
        return named[0]
    return (
        code.gemeinden.get(code.centroid_gemeinde)
        or Region.objects.filter(pk=code.centroid_gemeinde).first()
    )


def unknown_message(postal_code: str) -> str:
    return _(
        "Postleitzahl %(plz)s ist keine sächsische Postleitzahl der mitgelieferten Liste: "
        "bitte Koordinaten angeben oder den Standort auf der Karte setzen."
    ) % {"plz": postal_code or "–"}


def place_many(
    sites: list[tuple[str, str, str]], *, use_geocoder: bool = True
) -> list[Placed | str]:
    """For each (address, postal code, place): where it lies, or a message why not."""
    codes = _codes({plz.strip() for _a, plz, _c in sites})
    chosen: list[tuple[_Code, Region] | str] = []
    for _address, plz, city in sites:
        code = codes.get(plz.strip())
        gemeinde = _choose(code, city) if code else None
        chosen.append((code, gemeinde) if code and gemeinde else unknown_message(plz))
    valid = [c for c in chosen if not isinstance(c, str)]
    inside = gemeinde_keys_at(
        np.array([c[0].lon for c in valid]), np.array([c[0].lat for c in valid])
    )
    centroid_in = iter(inside)
    placed: list[Placed | str] = []
    for site, choice in zip(sites, chosen, strict=True):
        if isinstance(choice, str):
            placed.append(choice)
            continue
        code, gemeinde = choice
        if next(centroid_in) == gemeinde.ags:
            lon, lat = code.lon, code.lat
        else:
            lon, lat = gemeinde.point_lon, gemeinde.point_lat
        estimate = Placed(lon, lat, gemeinde.ags, gemeinde.name, POSTAL_CODE)
        placed.append(_refine(site, estimate) if use_geocoder else estimate)
    return placed


def place(address: str, postal_code: str, city: str, *, use_geocoder: bool = True) -> Placed:
    """One site; raises PlacementError for a postal code outside the shipped list."""
    result = place_many([(address, postal_code, city)], use_geocoder=use_geocoder)[0]
    if isinstance(result, str):
        raise PlacementError(result)
    return result


def _refine(site: tuple[str, str, str], estimate: Placed) -> Placed:
    """The geocoder's point, if one is configured and its answer lies in the same Gemeinde."""
    if not geocoder.is_configured():
        return estimate
    found = geocoder.search(", ".join(part for part in (site[0], f"{site[1]} {site[2]}") if part))
    if found is None:
        return estimate
    key = gemeinde_keys_at(np.array([found.lon]), np.array([found.lat]))[0]
    if key != estimate.gemeinde:
        return estimate
    return Placed(
        found.lon, found.lat, key, estimate.gemeinde_name, GEOCODER, geocoder.attribution()
    )
