"""Load the offer-type taxonomy from its YAML data file (idempotent upsert by code)."""

from __future__ import annotations

from pathlib import Path

import yaml
from django.db import transaction

from integrationsatlas.taxonomy.families import FAMILIES
from integrationsatlas.taxonomy.models import OfferType, Unit

SEED_FILE = Path(__file__).resolve().parent / "data" / "offer_types.yaml"
REQUIRED_LANGUAGES = ("de", "en", "ar", "uk", "ru", "fa", "tr")


class SeedError(ValueError):
    pass


def read_offer_types(path: Path = SEED_FILE) -> list[dict]:
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(entries, list):
        raise SeedError(f"{path}: eine Liste von Angebotsarten erwartet.")
    units = {u.value for u in Unit}
    for index, entry in enumerate(entries):
        where = f"{path.name}, Eintrag {index} ({entry.get('code', '–')})"
        missing = [lang for lang in REQUIRED_LANGUAGES if not (entry.get("names") or {}).get(lang)]
        if missing:
            raise SeedError(f"{where}: Namen fehlen für {', '.join(missing)}.")
        if entry.get("unit") not in units:
            raise SeedError(f"{where}: unbekannte Einheit {entry.get('unit')!r}.")
        if entry.get("family", "") not in {"", *FAMILIES}:
            raise SeedError(
                f"{where}: unbekannte Gruppe {entry.get('family')!r}; "
                f"bekannt sind {', '.join(FAMILIES)}."
            )
    return entries


@transaction.atomic
def load_offer_types(path: Path = SEED_FILE) -> int:
    entries = read_offer_types(path)
    for position, entry in enumerate(entries):
        OfferType.objects.update_or_create(
            code=entry["code"],
            defaults={
                "names": entry["names"],
                "descriptions": entry.get("descriptions") or {},
                "icon": entry.get("icon", ""),
                "family": entry.get("family", ""),
                "unit": entry["unit"],
                "default_demand_indicator": entry.get(
                    "default_demand_indicator", "foreign_population"
                ),
                "legal_basis": entry.get("legal_basis", ""),
                "typical_funders": entry.get("typical_funders", ""),
                "sort_order": (position + 1) * 10,
            },
        )
    return len(entries)
