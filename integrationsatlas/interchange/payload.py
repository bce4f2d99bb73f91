"""The registry's service snapshot as the exchange formats write it (amounts as "0.00" text)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from integrationsatlas.registry.models import Service
from integrationsatlas.registry.snapshot import service_snapshot

__all__ = ["amount_text", "export_payload"]


def amount_text(value: Any) -> str | None:
    """A euro amount as the files carry it: two decimals, or None."""
    if value in (None, ""):
        return None
    return str(Decimal(str(value)).quantize(Decimal("0.01")))


def export_payload(service: Service) -> dict[str, Any]:
    """`registry.snapshot.service_snapshot` with amounts as text, as readers produce them."""
    payload = service_snapshot(service)
    for funding in payload["fundings"]:
        funding["amount_per_year"] = amount_text(funding["amount_per_year"])
    return payload
