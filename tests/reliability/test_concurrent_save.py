"""No lost update under a real race: two writes of one service at the same moment.

`test_lost_update.py` saves one after the other. Here two threads, each with its own database
connection, meet at a barrier and call `workflow.save_service` together with the same
`base_version`, round after round. Exactly one save may win; the other must get the same
`ConflictError` as the sequential case (400 on the page, 409 in the API), never a raw
database error, and none of its rows (sites, hours, funding, history) may be left behind.

The other workflow writes meet a save (or each other) the same way: approve, send back,
delete and restore. Each round must end as if the two had run one after the other, the
loser with the workflow's own refusal and the history naming exactly what was written.

The threads need committed data, so the test runs outside the per-test transaction
(`transaction=True`); see `_database_for_threads` for what that means on each database.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing

import pytest
from django.db import connection

from integrationsatlas.registry import workflow
from integrationsatlas.registry.models import ChangeRequest, Funding, Location, Schedule, Service
from tests.shared_data import ensure_shared_data, load_shared_data

from .conftest import PIRNA, World

ROUNDS = 20
TIME_BUDGET = 20.0  # seconds, a safety net: a round takes ~0.15 s (20 rounds ~3 s)
MIN_ROUNDS = 5
PAIR_ROUNDS = 10  # the other pairs: a round sets up and races, ~0.2 s
PAIR_TIME_BUDGET = 10.0

# An action runs in its own thread: called before the barrier it loads what a request would
# load, and returns the call to make at the barrier.
Action = Callable[[], Callable[[], object]]

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module", autouse=True)
def _database_for_threads(django_db_setup, django_db_blocker, tmp_path_factory):
    """A test database that behaves like the production one when two connections write.

    SQLite: the in-memory test database is shared between connections through SQLite's shared
    cache, whose table locks fail at once ("database table is locked") instead of waiting for
    the busy timeout like the database file the registry runs on. So this module works on a
    file copy, and the in-memory database (which closing would destroy) waits untouched.
    PostgreSQL: the test database itself; emptied by the transactional tests, it gets the
    regions and offer types back afterwards for the modules that follow.
    """
    if connection.vendor != "sqlite":
        yield
        with django_db_blocker.unblock():
            load_shared_data()
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


@pytest.fixture(autouse=True)
def _reference_data(django_db_blocker):
    """The regions and offer types, back for every test after the first: the transactional
    test before it ended by emptying every table (on both databases)."""
    with django_db_blocker.unblock():
        ensure_shared_data()


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


def _together(actions: dict[str, Action]) -> dict[str, object]:
    """Run both actions in their own threads, meeting at a barrier; each name's result or exception."""
    barrier = threading.Barrier(len(actions), timeout=30)
    outcome: dict[str, object] = {}

    def run(name: str, action: Action) -> None:
        try:
            call = action()
            barrier.wait()
            outcome[name] = call()
        except Exception as error:  # noqa: BLE001 - any failure is reported by the test
            outcome[name] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in actions.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
        assert not thread.is_alive(), "a write hangs"
    return outcome


def _save(world, role: str, base_version: int, mark: str) -> Action:
    """An editor's save: load the service, build the form's payload, then save."""

    def load():
        service = Service.objects.get(pk=world.service.pk)
        payload = _edit(service, base_version, mark)
        user = world.users[role]
        return lambda: workflow.save_service(user, service, payload, reason=f"Grund {mark}")

    return load


def _race(world, base_version: int, marks: tuple[str, str]) -> dict[str, object]:
    """Both editors save at the same moment; returns each mark's result or exception."""
    roles = ("coordinator_x", "state_admin")
    return _together(
        {
            mark: _save(world, role, base_version, mark)
            for role, mark in zip(roles, marks, strict=True)
        }
    )


def _rounds(count: int, budget: float) -> Iterator[int]:
    """Round numbers, up to `count`, fewer if the time budget runs out (never below MIN_ROUNDS)."""
    started = time.monotonic()
    done = 0
    for number in range(count):
        if number >= MIN_ROUNDS and time.monotonic() - started > budget:
            break
        yield number
        done += 1
    assert done >= MIN_ROUNDS


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
    for number in _rounds(ROUNDS, TIME_BUDGET):
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


# --- the other workflow writes: approve, send back, delete, restore -------------------------


def _submit(world, mark: str) -> ChangeRequest:
    """The provider proposes an edit of the current version; it waits for review."""
    service = world.refresh()
    payload = _edit(service, service.version, mark)
    user = world.users["provider_a"]
    _service, change = workflow.save_service(user, service, payload, reason=f"Grund {mark}")
    assert change is not None and change.state == ChangeRequest.State.SUBMITTED
    return change


def _decide(world, role: str, change: ChangeRequest, decision: str) -> Action:
    """A reviewer's approve or send back, from the review page's freshly loaded change: the
    decision names the revision that page showed, as the page's form does."""

    def load():
        loaded = ChangeRequest.objects.get(pk=change.pk)
        user = world.users[role]
        seen = loaded.revision
        if decision == "approve":
            return lambda: workflow.approve(user, loaded, "passt", revision=seen)
        return lambda: workflow.send_back(user, loaded, "Bitte die Zeiten prüfen", revision=seen)

    return load


def _after(seconds: float, action: Action) -> Action:
    """The same action, made that long after the barrier: lets the other side usually go first."""

    def load():
        call = action()

        def late():
            time.sleep(seconds)
            return call()

        return late

    return load


def _delete(world, role: str, mark: str) -> Action:
    def load():
        service = Service.objects.get(pk=world.service.pk)
        user = world.users[role]
        return lambda: workflow.delete_service(user, service, f"Grund {mark}")

    return load


def _restore(world, role: str, history_id: int) -> Action:
    def load():
        service = Service.objects.get(pk=world.service.pk)
        user = world.users[role]
        return lambda: workflow.restore(user, service, history_id)

    return load


def _split(number: int, outcome: dict[str, object]) -> tuple[list[str], list[str]]:
    """Who succeeded, who was refused; a refusal must be the workflow's, never a database error."""
    won = [name for name, result in outcome.items() if not isinstance(result, Exception)]
    lost = [name for name in outcome if name not in won]
    for name in lost:
        assert isinstance(outcome[name], workflow.WorkflowError), f"round {number}: {outcome!r}"
    return won, lost


def _written(world, number: int, base: int, history_before: int, writes: int) -> list:
    """The round's new history rows, after checking there is one per write and the live rows
    are exactly the state the last one carries."""
    service = world.refresh()
    assert service.version == base + writes, f"round {number}"
    records = list(service.history.order_by("history_id"))
    assert len(records) == history_before + writes, f"round {number}"
    assert workflow.service_snapshot(service) == service.snapshot
    assert records[-1].snapshot == service.snapshot and records[-1].version == service.version
    new = records[history_before:]
    assert [r.version for r in new] == list(range(base + 1, base + writes + 1))
    return new


def _approve_against_save(world: World, number: int) -> None:
    """A coordinator approves a provider's change while an admin saves an edit of the same version."""
    proposal, edit = f"P{number}", f"A{number}"
    change = _submit(world, proposal)
    service = world.refresh()
    base, history_before = service.version, service.history.count()
    outcome = _together(
        {
            proposal: _decide(world, "coordinator_x", change, "approve"),
            edit: _save(world, "state_admin", base, edit),
        }
    )
    won, lost = _split(number, outcome)
    assert len(won) == 1, f"round {number}: {outcome!r}"
    assert isinstance(outcome[lost[0]], workflow.ConflictError), f"round {number}: {outcome!r}"
    (record,) = _written(world, number, base, history_before, writes=1)
    change.refresh_from_db()
    if won == [proposal]:
        assert change.state == ChangeRequest.State.APPROVED
        assert record.history_change_reason == f"Freigegeben: Grund {proposal}"
    else:
        # The proposal still waits, now stale: approving it later is refused as a conflict.
        assert change.state == ChangeRequest.State.SUBMITTED and change.base_version == base
        assert record.history_change_reason == f"Grund {edit}"
    assert world.refresh().name == f"Fassung {won[0]}" == record.name
    assert _leftovers(lost[0]) == [], f"round {number}: {lost[0]} left rows behind"


def _approve_against_provider_save(world: World, number: int) -> None:
    """A coordinator approves a provider's change while the provider edits it again.

    Both lock the service, then the change (the save rewrites the pending change): in the
    opposite order PostgreSQL would end one of them with a deadlock error. Either the edit comes
    too late (a conflict), or it is in the change before the approval, which is then refused:
    the reviewer saw the first revision, never the edit, so nothing is published.
    The approval is nearly always quicker (the save validates before it locks), so every
    other round it starts a little late, and the refusal is raced too, not only the conflict.
    """
    first, second = f"P{number}", f"Q{number}"
    change = _submit(world, first)
    service = world.refresh()
    base, history_before = service.version, service.history.count()
    decide = _decide(world, "coordinator_x", change, "approve")
    outcome = _together(
        {
            "approve": _after(0.2, decide) if number % 2 else decide,
            second: _save(world, "provider_a", base, second),
        }
    )
    won, lost = _split(number, outcome)
    assert len(won) == 1, f"round {number}: {outcome!r}"
    change.refresh_from_db()
    if won == ["approve"]:
        # Approved before the edit: the edit is a conflict, the first proposal is published.
        assert isinstance(outcome[second], workflow.ConflictError), f"round {number}"
        (record,) = _written(world, number, base, history_before, writes=1)
        assert change.state == ChangeRequest.State.APPROVED
        assert record.name == f"Fassung {first}" == world.refresh().name
        assert record.history_change_reason == f"Freigegeben: Grund {first}"
        assert _leftovers(second) == [], f"round {number}: {second} left rows behind"
    else:
        # Edited first: the approval of the unseen edit is refused and nothing is written.
        error = outcome["approve"]
        assert isinstance(error, workflow.StaleReviewError), f"round {number}: {error!r}"
        assert "wurde inzwischen geändert" in error.problems[0]
        _service, resubmitted = outcome[second]
        assert resubmitted.pk == change.pk == error.change.pk
        assert change.state == ChangeRequest.State.SUBMITTED
        assert change.payload["name"] == f"Fassung {second}"
        _written(world, number, base, history_before, writes=0)
        assert _leftovers(second) == [], f"round {number}: {second} published unseen"
        # The next round starts from an approved state, as after the other outcome.
        workflow.approve(world.users["coordinator_x"], change, revision=change.revision)


def _approve_twice(world: World, number: int) -> None:
    """Two reviewers approve the same change at once: one approves, the other is told it is done."""
    proposal = f"P{number}"
    change = _submit(world, proposal)
    service = world.refresh()
    base, history_before = service.version, service.history.count()
    roles = ("coordinator_x", "state_admin")
    outcome = _together({role: _decide(world, role, change, "approve") for role in roles})
    won, lost = _split(number, outcome)
    assert len(won) == 1, f"round {number}: {outcome!r}"
    error = outcome[lost[0]]
    assert not isinstance(error, workflow.ConflictError), f"round {number}: {error!r}"
    assert error.problems == ["Diese Änderung wartet nicht auf eine Prüfung."]
    (record,) = _written(world, number, base, history_before, writes=1)
    change.refresh_from_db()
    winner = world.users[won[0]]
    assert change.state == ChangeRequest.State.APPROVED and change.reviewed_by == winner
    assert record.history_user == winner and record.name == f"Fassung {proposal}"


def _send_back_against_approve(world: World, number: int) -> None:
    """Two reviewers decide the same change at once, one approves, one sends it back."""
    change = _submit(world, f"P{number}")
    service = world.refresh()
    base, history_before = service.version, service.history.count()
    outcome = _together(
        {
            "approve": _decide(world, "coordinator_x", change, "approve"),
            "send_back": _decide(world, "state_admin", change, "send_back"),
        }
    )
    won, lost = _split(number, outcome)
    assert len(won) == 1, f"round {number}: {outcome!r}"
    assert outcome[lost[0]].problems == ["Diese Änderung wartet nicht auf eine Prüfung."]
    change.refresh_from_db()
    if won == ["approve"]:
        assert change.state == ChangeRequest.State.APPROVED
        _written(world, number, base, history_before, writes=1)
    else:
        assert change.state == ChangeRequest.State.RETURNED
        assert change.review_comment == "Bitte die Zeiten prüfen"
        _written(world, number, base, history_before, writes=0)


def _delete_against_save(world: World, number: int) -> None:
    """A coordinator deletes the service while an admin saves an edit: save-then-delete, or the
    save is refused because the service is gone; never an edit written into a deleted service."""
    if world.refresh().is_deleted:
        workflow.undelete_service(world.users["state_admin"], world.refresh(), "Zurück")
    removal, edit = f"D{number}", f"A{number}"
    service = world.refresh()
    base, history_before, name = service.version, service.history.count(), service.name
    outcome = _together(
        {
            removal: _delete(world, "coordinator_x", removal),
            edit: _save(world, "state_admin", base, edit),
        }
    )
    won, lost = _split(number, outcome)
    assert removal in won, f"round {number}: {outcome!r}"
    if lost:
        assert outcome[edit].problems == [
            "Das Angebot ist gelöscht. Stellen Sie es zuerst wieder her."
        ]
        (deleted,) = _written(world, number, base, history_before, writes=1)
        assert deleted.name == name
        assert _leftovers(edit) == [], f"round {number}: {edit} left rows behind"
    else:
        saved, deleted = _written(world, number, base, history_before, writes=2)
        assert saved.history_change_reason == f"Grund {edit}" and not saved.is_deleted
        assert deleted.name == saved.name == f"Fassung {edit}"
    assert deleted.history_change_reason == f"Gelöscht: Grund {removal}" and deleted.is_deleted
    assert world.refresh().is_deleted


def _restore_against_save(world: World, number: int) -> None:
    """A coordinator restores the first version while an admin saves an edit: save-then-restore,
    or the save is refused as a conflict; either way the first version is what stays."""
    edit = f"A{number}"
    first = world.service.history.order_by("history_id").first()
    service = world.refresh()
    base, history_before = service.version, service.history.count()
    outcome = _together(
        {
            "restore": _restore(world, "coordinator_x", first.history_id),
            edit: _save(world, "state_admin", base, edit),
        }
    )
    won, lost = _split(number, outcome)
    assert "restore" in won, f"round {number}: {outcome!r}"
    if lost:
        assert isinstance(outcome[edit], workflow.ConflictError), f"round {number}: {outcome!r}"
        (restored,) = _written(world, number, base, history_before, writes=1)
        assert _leftovers(edit) == [], f"round {number}: {edit} left rows behind"
    else:
        saved, restored = _written(world, number, base, history_before, writes=2)
        assert saved.history_change_reason == f"Grund {edit}" and saved.name == f"Fassung {edit}"
    assert restored.history_change_reason.startswith("Wiederhergestellt: Stand vom")
    assert restored.snapshot == first.snapshot


PAIRS = {
    "approve_vs_save": _approve_against_save,
    "approve_vs_provider_save": _approve_against_provider_save,
    "approve_vs_approve": _approve_twice,
    "send_back_vs_approve": _send_back_against_approve,
    "delete_vs_save": _delete_against_save,
    "restore_vs_save": _restore_against_save,
}


@pytest.mark.parametrize("pair", list(PAIRS))
def test_simultaneous_workflow_writes_end_as_one_after_the_other(world, pair):
    for number in _rounds(PAIR_ROUNDS, PAIR_TIME_BUDGET):
        PAIRS[pair](world, number)
