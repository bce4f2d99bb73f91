"""Sites typed in the edit form: coordinates optional, filled from postal code and place when left empty.

The rule itself lives in `regions.placement`; here it meets the form. A site without
coordinates is placed (flag "Lage geschätzt (Postleitzahl)", or "geocoder" when one is
configured). The page sends each site's flag with the point it belongs to (`placed_at`,
written by the page for stored sites and by the map script for clicks and address
searches); when the coordinates no longer are that point, someone typed them, and the flag
becomes "given".
"""

from __future__ import annotations

from typing import Any

from integrationsatlas.regions.placement import PlacementError, place

from .models import Placement


def point_text(lon: Any, lat: Any) -> str:
    """How the form carries the point a flag belongs to."""
    try:
        return f"{float(lon):.6f},{float(lat):.6f}"
    except (TypeError, ValueError):
        return ""


def place_form_sites(payload: dict[str, Any]) -> None:
    """Fill in empty coordinates from the address and settle each site's `placement`."""
    for row in payload.get("locations") or []:
        claimed = row.get("placement") or Placement.GIVEN
        placed_at = row.pop("placed_at", "")
        if row.get("longitude") is None and row.get("latitude") is None:
            try:
                placed = place(row.get("address", ""), row.get("postal_code", ""), row["city"])
            except (PlacementError, KeyError):
                row["placement"] = Placement.GIVEN  # validation names the missing coordinates
                continue
            row.update(longitude=placed.lon, latitude=placed.lat, placement=placed.method)
            continue
        if claimed not in Placement.values:
            claimed = Placement.GIVEN
        if claimed != Placement.GIVEN and placed_at != point_text(
            row["longitude"], row["latitude"]
        ):
            claimed = Placement.GIVEN
        row["placement"] = claimed
