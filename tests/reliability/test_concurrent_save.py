"""No lost update under a real race: two saves of one service, same base version, same moment.

`test_lost_update.py` saves one after the other. Here two threads, each with its own database
connection, meet at a barrier and call `workflow.save_service` together with the same
`base_version`, round after round. Exactly one save may win; the other must get the same
`ConflictError` as the sequential case (400 on the page, 409 in the API), never a raw
database error, and none of its rows (sites, hours, funding, history) may be left behind.

The threads need committed data, so the test runs outside the per-test transaction
(`transaction=True`); see `_database_for_threads` for what that means on each database.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from contextlib import closing
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from integrationsatlas.regions.loader import load_regions
from integrationsatlas.registry import workflow
from integrationsatlas.registry.models import Funding, Location, Schedule, Service
from integrationsatlas.standards.seed import load_offer_types

from .conftest import PIRNA

ROUNDS = 20
TIME_BUDGET = 20.0  # seconds, a safety net: a round takes ~0.15 s (20 rounds ~3 s)
MIN_ROUNDS = 5

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module", autouse=True)
def _database_for_threads(django_db_setup, django_db_blocker, tmp_path_factory):
    """A test database that behaves like the production one when two connections write.

    SQLite: the in-memory test database is shared between connections through SQLite's shared
    cache, whose table locks fail at once ("database table is locked") instead of waiting for
    the busy timeout like the database file the registry runs on. So this module works on a
    file copy, and the in-memory database (which closing would destroy) waits untouched.
    PostgreSQL: the test database itself; emptied by the transactional test, it gets the
    regions and offer types back afterwards for the modules that follow.
    """
    if connection.vendor != "sqlite":
        yield
        with django_db_blocker.unblock():
            load_regions(Path(settings.BASE_DIR) / "data")
            load_offer_types()
        return
    path = tmp_path_factory.mktemp("race") / "race.sqlite3"
    with django_db_blocker.unblock():
        connection.ensure_connection()
        memory = connection.connection
        with closing(sqlite3.connect(path)) as copy:
            memory.backup(copy)
        name = connection.settings_dict["NAME"]
        # Every thread's connection is built from this settings dict, so all of them get the file.
        connection.settings_dict["NAME"] = str(path)
        connection.connection = None  # detached, not closed
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            connection.close()
            connection.settings_dict["NAME"] = name
            connection.connection = memory


def _edit(service: Service, base_version: int, mark: str) -> dict:
    """The current state with this editor's changes everywhere: name, hours, a new site, funding."""
    payload = workflow.service_snapshot(service)
    payload["base_version"] = base_version
    payload["name"] = f"Fassung {mark}"
    site = payload["locations"][0]
    site["schedules"] = [{"weekday": 3, "opens_at": "10:00", "closes_at": "14:00", "note": mark}]
    payload["locations"] = [
        site,
        {
            "address": f"{mark}-Gasse 1",
            "postal_code": "01796",
            "city": "Pirna",
            "longitude": PIRNA[0],
            "latitude": PIRNA[1],
            "schedules": [{"weekday": 4, "opens_at": "08:00", "closes_at": "09:00", "note": mark}],
            "exceptions": [],
        },
    ]
    payload["fundings"] = [{"funder_level": "land", "programme": mark, "start": "2026-01-01"}]
    return payload


def _race(world, base_version: int, marks: tuple[str, str]) -> dict[str, object]:
    """Both editors save at the same moment; returns each mark's result or exception."""
    users = (world.users["coordinator_x"], world.users["state_admin"])
    barrier = threading.Barrier(2, timeout=30)
    outcome: dict[str, object] = {}

    def editor(user, mark: str) -> None:
        try:
            # Like a request: load the service, build the form's payload, then save.
            service = Service.objects.get(pk=world.service.pk)
            payload = _edit(service, base_version, mark)
            barrier.wait()
            outcome[mark] = workflow.save_service(user, service, payload, reason=f"Grund {mark}")
        except Exception as error:  # noqa: BLE001 - any failure is reported by the test
            outcome[mark] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=editor, args=pair) for pair in zip(users, marks, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
        assert not thread.is_alive(), "a save hangs"
    return outcome


def _leftovers(mark: str) -> list[str]:
    """Every stored or historical row that carries this editor's mark."""
    found = []
    checks = {
        "Service": Service.objects.filter(name=f"Fassung {mark}"),
        "Service history": Service.history.filter(name=f"Fassung {mark}"),
        "Location": Location.objects.filter(address=f"{mark}-Gasse 1"),
        "Location history": Location.history.filter(address=f"{mark}-Gasse 1"),
        "Schedule": Schedule.objects.filter(note=mark),
        "Schedule history": Schedule.history.filter(note=mark),
        "Funding": Funding.objects.filter(programme=mark),
        "Funding history": Funding.history.filter(programme=mark),
    }
    for label, queryset in checks.items():
        if queryset.exists():
            found.append(label)
    return found


def test_simultaneous_saves_on_the_same_version_one_wins_one_conflicts(world):
    started = time.monotonic()
    rounds = 0
    for number in range(ROUNDS):
        if number >= MIN_ROUNDS and time.monotonic() - started > TIME_BUDGET:
            break
        rounds += 1
        base = world.refresh().version
        history_before = world.service.history.count()
        marks = (f"X{number}", f"A{number}")
        outcome = _race(world, base, marks)

        won = [m for m in marks if isinstance(outcome[m], tuple)]
        lost = [m for m in marks if isinstance(outcome[m], workflow.ConflictError)]
        assert len(won) == 1 and len(lost) == 1, f"round {number}: {outcome!r}"
        winner, loser = won[0], lost[0]
        saved, change = outcome[winner]
        assert change is None and saved.version == base + 1

        # The same refusal as in the sequential case: message with both versions and the diff.
        error = outcome[loser]
        assert "wurde inzwischen geändert" in error.problems[0]
        assert f"Version {base}" in error.problems[0]
        assert f"Version {base + 1}" in error.problems[0]
        assert any(f"Fassung {winner}" in str(now) for _label, _then, now in error.diff)

        # Stored: exactly the winner's state, one new history row carrying it.
        service = world.refresh()
        assert service.version == base + 1 and service.name == f"Fassung {winner}"
        state = workflow.service_snapshot(service)
        assert state == service.snapshot
        assert [site["address"] for site in state["locations"]] == ["Markt 1", f"{winner}-Gasse 1"]
        assert {s["note"] for site in state["locations"] for s in site["schedules"]} == {winner}
        assert [f["programme"] for f in state["fundings"]] == [winner]
        assert service.history.count() == history_before + 1
        record = service.history.get(version=base + 1)
        assert record.history_change_reason == f"Grund {winner}"
        assert record.snapshot == state

        # Nothing of the loser, live or in any history table.
        assert _leftovers(loser) == [], f"round {number}: loser {loser} left rows behind"
    assert rounds >= MIN_ROUNDS
