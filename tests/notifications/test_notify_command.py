"""`notify`: reminders for funding ending and unconfirmed offers go out once, digests once a day."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from integrationsatlas.notifications.models import Notification, Preference
from integrationsatlas.registry import freshness, workflow
from integrationsatlas.registry.models import Service

from .conftest import payload


def _published(coordinator, org, **overrides):
    service, change = workflow.save_service(coordinator, None, payload(org, **overrides))
    assert change is None and service.is_published
    return service


def _run() -> str:
    out = StringIO()
    call_command("notify", stdout=out)
    return out.getvalue()


def test_each_reminder_is_sent_once(provider_a, org_a, coordinator_dresden):
    soon = (timezone.localdate() + timedelta(days=30)).isoformat()
    funding = [{"funder_level": "land", "programme": "Richtlinie X", "end": soon}]
    ending = _published(coordinator_dresden, org_a, fundings=funding)
    old = _published(coordinator_dresden, org_a, name="Sprachcafé", fundings=[])
    Service.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=200))
    mail.outbox.clear()

    first = _run()
    assert "1 Finanzierungsende, 1 nicht bestätigt" in first
    # Both reminders for the same person in one run: one e-mail listing both.
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["anna@example.org"]
    body = mail.outbox[0].body
    end = timezone.localdate() + timedelta(days=30)
    assert "2 neue Benachrichtigungen" in mail.outbox[0].subject
    assert f"Finanzierung endet am {end:%d.%m.%Y}: {ending.name}" in body
    assert "Bitte bestätigen: Sprachcafé" in body

    second = _run()
    assert "0 Finanzierungsende, 0 nicht bestätigt" in second
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(user=provider_a).count() == 2


def test_confirming_ends_the_stale_reminders(provider_a, org_a, coordinator_dresden):
    old = _published(coordinator_dresden, org_a, fundings=[])
    Service.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=181))
    assert list(freshness.stale_services(Service.objects.all())) == [old]
    freshness.confirm(provider_a, old)
    assert not freshness.stale_services(Service.objects.all()).exists()
    _run()
    assert mail.outbox == []


def test_far_or_past_funding_ends_are_not_reminded(provider_a, org_a, coordinator_dresden):
    today = timezone.localdate()
    for days in (-1, 91):
        end = (today + timedelta(days=days)).isoformat()
        _published(
            coordinator_dresden,
            org_a,
            name=f"Angebot {days}",
            fundings=[
                {"funder_level": "bund", "programme": "P", "start": "2020-01-01", "end": end}
            ],
        )
    mail.outbox.clear()
    assert "0 Finanzierungsende" in _run()
    assert mail.outbox == []


def test_daily_digest_goes_out_once_a_day(provider_a, org_a, coordinator_dresden):
    Preference.objects.create(user=provider_a, frequency=Preference.Frequency.DAILY)
    for key in ("a", "b"):
        Notification.objects.create(
            user=provider_a, kind="approved", key=key, subject=f"Freigegeben {key}", body="…"
        )
    _run()
    assert len(mail.outbox) == 1
    assert "2 neue Benachrichtigungen" in mail.outbox[0].subject
    assert "Freigegeben a" in mail.outbox[0].body and "Freigegeben b" in mail.outbox[0].body
    Notification.objects.create(user=provider_a, kind="approved", key="c", subject="c", body="…")
    _run()
    assert len(mail.outbox) == 1  # the next digest waits a day
    Preference.objects.filter(user=provider_a).update(
        last_digest_at=timezone.now() - timedelta(hours=24)
    )
    _run()
    # A digest of one item reads as that item.
    assert len(mail.outbox) == 2 and mail.outbox[1].subject == "[Integrationsatlas] c"


def test_off_sends_nothing_but_keeps_the_inbox(provider_a, org_a, coordinator_dresden):
    Preference.objects.create(user=provider_a, frequency=Preference.Frequency.OFF)
    Notification.objects.create(user=provider_a, kind="approved", key="x", subject="x", body="…")
    _run()
    assert mail.outbox == []
