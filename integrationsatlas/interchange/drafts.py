"""A service read from a file, before it is written: its payload, provider and problems."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .problems import Problem


@dataclass
class Draft:
    key: str  # the service's external id
    row: int  # first row (flat) or list position (HSDS), for messages
    payload: dict[str, Any]
    organization_key: str = ""
    organization_name: str = ""
    organization_description: str = ""
    organization_email: str = ""
    organization_website: str = ""
    organization_phone: str = ""
    problems: list[Problem] = field(default_factory=list)
    # Parts that cannot be stored and are left out (do not block the import).
    warnings: list[Problem] = field(default_factory=list)
    # Sites to check against the Land: (row, column, lon, lat).
    points: list[tuple[int, str, float, float]] = field(default_factory=list)
    # Rows whose site has no coordinates, to be placed from postal code and place.
    unplaced: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    # Where each site id stands in the file, when not in the flat `location_id` column (HSDS).
    location_columns: dict[str, str] = field(default_factory=dict)

    @property
    def is_valid(self) -> bool:
        return not self.problems
