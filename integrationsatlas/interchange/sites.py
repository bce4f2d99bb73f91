"""Sites of an import file that came without coordinates: placed from postal code and place.

The rule lives in `regions.placement`; this module applies it to the drafts of one file at
once (one query for all postal codes), and reports a postal code it cannot place as a
problem of that row.
"""

from __future__ import annotations

from integrationsatlas.regions.placement import place_many

from .drafts import Draft
from .mapping import Mapped
from .problems import Problem


def place_drafts(drafts: list[Draft]) -> list[str]:
    """Fill in coordinates and `placement` of every unplaced site; return the sites' ids."""
    waiting = [
        (draft, number, site)
        for draft in drafts
        for number, site in draft.unplaced
        if len(site["postal_code"]) == 5 and site["postal_code"].isdigit()
    ]
    places = place_many([(s["address"], s["postal_code"], s["city"]) for _d, _n, s in waiting])
    estimated = []
    for (draft, number, site), placed in zip(waiting, places, strict=True):
        if isinstance(placed, str):
            draft.problems.append(Problem(number, "postal_code", placed))
            continue
        site.update(longitude=placed.lon, latitude=placed.lat, placement=placed.method)
        draft.points.append((number, "postal_code", placed.lon, placed.lat))
        if placed.method == "postal_code":
            estimated.append(site["external_id"])
    return estimated


def name_columns(problems: list[Problem], mapped: Mapped | None) -> list[Problem]:
    """Problems of a mapped file name the file's own column (`Straße + Hausnummer`)."""
    if mapped is None:
        return problems
    return [Problem(p.row, mapped.source_of(p.column), p.message) for p in problems]
