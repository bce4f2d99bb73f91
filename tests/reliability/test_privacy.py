"""Privacy: searches store nothing and log no coordinates; personal data is purged after its period."""

from __future__ import annotations

import datetime as dt
import logging
import sys
from types import SimpleNamespace

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.utils import timezone

pytestmark = pytest.mark.django_db

LAT, LON = "51.0504123", "13.7373456"
SEARCH = f"/api/v1/services?lat={LAT}&lon={LON}&q=Beratung"


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def _access_log_format(monkeypatch) -> str:
    """The format `integrationsatlas serve` hands to gunicorn (the server is not started)."""
    from gunicorn.app.wsgiapp import WSGIApplication

    captured: list[list[str]] = []
    monkeypatch.setattr(WSGIApplication, "run", lambda self: captured.append(list(sys.argv)))
    monkeypatch.setattr(sys, "argv", list(sys.argv))
    call_command("serve", bind="127.0.0.1:0")
    argv = captured[0]
    return argv[argv.index("--access-logformat") + 1]


def test_access_log_holds_paths_only(monkeypatch):
    from gunicorn.config import Config
    from gunicorn.glogging import Logger, SafeAtoms

    log_format = _access_log_format(monkeypatch)
    cfg = Config()
    cfg.set("access_log_format", log_format)
    logger = Logger(cfg)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": SEARCH,
        "PATH_INFO": "/api/v1/services",
        "QUERY_STRING": SEARCH.split("?", 1)[1],
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_REFERER": f"http://127.0.0.1/suche/?lat={LAT}&lon={LON}",
        "HTTP_USER_AGENT": "Test",
    }
    response = SimpleNamespace(status="200 OK", sent=512, headers=[])
    request = SimpleNamespace(headers=[("HOST", "127.0.0.1")])
    atoms = logger.atoms(response, request, environ, dt.timedelta(milliseconds=12))
    line = cfg.access_log_format % SafeAtoms(atoms)
    assert "/api/v1/services" in line and "200" in line
    assert LAT not in line and LON not in line and "Beratung" not in line and "?" not in line


def test_a_search_with_coordinates_stores_and_logs_nothing(client, caplog):
    before = _row_counts()
    with caplog.at_level(logging.DEBUG):
        assert client.get(SEARCH).status_code == 200
        assert client.get(f"/gibt-es-nicht/?lat={LAT}&lon={LON}").status_code == 404
        assert client.get("/api/v1/services?lat=999&lon=13.7").status_code == 422
    assert _row_counts() == before
    assert not Session.objects.exists()  # no session, no cookie for people who search
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert LAT not in logged and LON not in logged


def _aged(model, days: int, **fields):
    row = model.objects.create(
        user_agent="Test", ip_address="192.0.2.1", username=f"anna-{days}", http_accept="*/*",
        path_info="/anmelden/", **fields,
    )  # fmt: skip
    model.objects.filter(pk=row.pk).update(attempt_time=timezone.now() - dt.timedelta(days=days))
    return row


def _session(expires_in_days: int) -> str:
    store = SessionStore()
    store["x"] = 1
    store.create()
    Session.objects.filter(pk=store.session_key).update(
        expire_date=timezone.now() + dt.timedelta(days=expires_in_days)
    )
    return store.session_key


def test_purge_personal_data_deletes_old_records_only(capsys):
    old = [
        _aged(AccessAttempt, 120, failures_since_start=3),
        _aged(AccessFailureLog, 120),
        _aged(AccessLog, 120),
    ]
    recent = [
        _aged(AccessAttempt, 10, failures_since_start=1),
        _aged(AccessFailureLog, 10),
        _aged(AccessLog, 10),
    ]
    expired, valid = _session(-1), _session(10)

    call_command("purge_personal_data")
    out = capsys.readouterr().out
    assert "1 Anmeldeversuche" in out and "1 abgelaufene Sitzungen" in out
    for row in old:
        assert not type(row).objects.filter(pk=row.pk).exists(), type(row).__name__
    for row in recent:
        assert type(row).objects.filter(pk=row.pk).exists(), type(row).__name__
    assert list(Session.objects.values_list("pk", flat=True)) == [valid]
    assert expired != valid

    call_command("purge_personal_data", days=5)
    assert not AccessAttempt.objects.exists() and not AccessLog.objects.exists()


def test_purge_refuses_negative_days():
    with pytest.raises(CommandError, match="--days"):
        call_command("purge_personal_data", days=-1)


def test_history_authorship_is_kept(world):
    """Who changed a record stays with the record (accountability); the purge leaves it alone."""
    call_command("purge_personal_data", days=0)
    record = world.service.history.latest("history_id")
    assert record.history_user == world.users["state_admin"]
