"""Registry events notify the right people once: coordinators of the Kreis, the provider's editors."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.test import override_settings

from integrationsatlas.core.email_url import parse_email_url
from integrationsatlas.notifications.models import Notification, Preference
from integrationsatlas.registry import workflow

from .conftest import payload


def _submit(provider, org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return workflow.save_service(provider, None, payload(org))


def test_submission_mails_the_kreis_coordinators_only(
    provider_a, org_a, coordinator_dresden, coordinator_leipzig, django_capture_on_commit_callbacks
):
    service, change = _submit(provider_a, org_a, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["dora@example.org"]
    assert "Migrationsberatung Altmarkt" in message.subject
    assert f"/register/pruefung/{change.pk}/" in message.body
    inbox = Notification.objects.get(user=coordinator_dresden)
    assert inbox.kind == Notification.Kind.SUBMITTED and inbox.emailed_at is not None
    assert not Notification.objects.filter(user=coordinator_leipzig).exists()
    assert not Notification.objects.filter(user=provider_a).exists()


def test_decisions_and_restore_tell_the_providers_editors(
    provider_a, provider_b, org_a, coordinator_dresden, django_capture_on_commit_callbacks
):
    service, change = _submit(provider_a, org_a, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.send_back(coordinator_dresden, change, "Bitte Öffnungszeiten ergänzen")
    assert [m.to for m in mail.outbox] == [["anna@example.org"]]
    assert "Bitte Öffnungszeiten ergänzen" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        service, change = workflow.save_service(
            provider_a, service, dict(payload(org_a), base_version=service.version)
        )
        workflow.approve(coordinator_dresden, change)
    kinds = list(
        Notification.objects.filter(user=provider_a).values_list("kind", flat=True).order_by("pk")
    )
    assert kinds == ["sent_back", "approved"]
    first = service.history.order_by("history_id").filter(snapshot__isnull=False).last()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.restore(coordinator_dresden, service, first.history_id)
    assert Notification.objects.filter(user=provider_a, kind="restored").count() == 1
    assert not Notification.objects.filter(user=provider_b).exists()


def test_preference_daily_or_off_sends_no_immediate_mail(
    provider_a, org_a, coordinator_dresden, django_capture_on_commit_callbacks
):
    Preference.objects.create(user=coordinator_dresden, frequency=Preference.Frequency.OFF)
    _submit(provider_a, org_a, django_capture_on_commit_callbacks)
    assert mail.outbox == []
    # Still in the inbox.
    assert Notification.objects.filter(user=coordinator_dresden, emailed_at=None).count() == 1


def test_a_rolled_back_submission_mails_nobody(provider_a, org_a, coordinator_dresden):
    with pytest.raises(workflow.WorkflowError):
        workflow.save_service(provider_a, None, payload(org_a, name=""))
    assert mail.outbox == [] and not Notification.objects.exists()


class _Collector:
    """aiosmtpd handler keeping every received message."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    handler = _Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield handler, controller.port
    finally:
        controller.stop()
        asyncio.set_event_loop(None)


def test_submission_goes_through_a_real_smtp_server(
    smtp_server, provider_a, org_a, coordinator_dresden, django_capture_on_commit_callbacks
):
    handler, port = smtp_server
    config = parse_email_url(f"smtp://127.0.0.1:{port}?starttls=off&timeout=5")
    with override_settings(**config, DEFAULT_FROM_EMAIL="atlas@example.org"):
        _submit(provider_a, org_a, django_capture_on_commit_callbacks)
    assert len(handler.messages) == 1
    envelope = handler.messages[0]
    assert envelope.mail_from == "atlas@example.org"
    assert envelope.rcpt_tos == ["dora@example.org"]
    message = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert "Migrationsberatung Altmarkt" in message["Subject"]
    assert "/register/pruefung/" in message.get_content()


def test_many_submissions_in_one_transaction_make_one_mail(
    provider_a, org_a, coordinator_dresden, django_capture_on_commit_callbacks
):
    """An import submitting several offers at once mails each coordinator once, with a list."""
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for name in ("Kurs A", "Kurs B", "Kurs C"):
            workflow.save_service(provider_a, None, payload(org_a, name=name))
    assert len(mail.outbox) == 1
    assert "3 neue Benachrichtigungen" in mail.outbox[0].subject
    assert all(name in mail.outbox[0].body for name in ("Kurs A", "Kurs B", "Kurs C"))
    assert not Notification.objects.filter(emailed_at=None).exists()
