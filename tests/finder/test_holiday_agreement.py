"""The finder and the API answer "open now" from the same rule: a Saxon public holiday closes both."""

from datetime import datetime

import pytest
from django.utils import timezone

from integrationsatlas.finder import clock, search
from integrationsatlas.registry.opening_hours import BERLIN

from .fixtures import MONDAY_10

RESULTS = "/suche/ergebnisse/"
# Whit Monday 2026 (Easter 5 April + 50 days), 10:00: the Sonnenstein office's Monday hours
# (9-16) would hold on any other Monday.
WHIT_MONDAY_10 = datetime(2026, 5, 25, 10, 0, tzinfo=BERLIN)


def _both_open_now(client, monkeypatch, moment: datetime) -> tuple[bool, bool]:
    monkeypatch.setattr(clock, "now", lambda: moment)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    search.clear_cache()
    page = client.get(RESULTS, {"art": "mbe", "ort": "Pirna", "offen": "1"}).content.decode()
    api = client.get("/api/v1/services", {"offer_type": "mbe", "open_now": "true"}).json()
    names = {s["name"] for s in api["results"]}
    return "MBE Pirna Sonnenstein" in page, "MBE Pirna Sonnenstein" in names


@pytest.mark.django_db
def test_finder_and_api_agree_on_an_ordinary_monday_and_on_whit_monday(
    client, registry, monkeypatch
):
    assert _both_open_now(client, monkeypatch, MONDAY_10) == (True, True)
    assert _both_open_now(client, monkeypatch, WHIT_MONDAY_10) == (False, False)
