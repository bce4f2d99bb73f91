"""The data every test database holds: Saxony's regions (Land, 13 Kreise, 418 Gemeinden) and
the offer types.

A transactional test (browser tests, concurrent saves) ends by emptying every table, so the
tests after it put this data back. Reading and checking the files (`plan_load`, about half a
second) gives the same plan every time within a run: it is read once per process and only
written again (`write_plan`).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.conf import settings

DATA_DIR = Path(settings.BASE_DIR) / "data"


@cache
def _region_plan():
    from integrationsatlas.regions.loader import plan_load

    return plan_load(DATA_DIR)


def load_shared_data() -> None:
    """Write the regions and offer types (an upsert: also right on a database that has them)."""
    from integrationsatlas.regions.loader import write_plan
    from integrationsatlas.taxonomy.seed import load_offer_types

    write_plan(_region_plan())
    load_offer_types()


def ensure_shared_data() -> None:
    """Put the regions and offer types back if an earlier transactional test emptied the tables."""
    from integrationsatlas.regions.models import Region

    if not Region.objects.exists():
        load_shared_data()
