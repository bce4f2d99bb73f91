"""Creating notifications and e-mailing them: at once, as a daily digest, or not at all."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Notification, Preference

logger = logging.getLogger(__name__)
# A digest at most this often, so a notify run every hour still sends one a day.
DIGEST_INTERVAL = timedelta(hours=23)


def frequency(user) -> str:
    preference = Preference.objects.filter(user=user).first()
    return preference.frequency if preference else Preference.Frequency.IMMEDIATE


def create(users: Iterable, kind: str, key: str, subject: str, body: str, url: str, service=None):
    """One notification per user for this event; a user who already has `key` gets none.

    Returns the new rows (the ones to e-mail). Runs in its own savepoint per row, so a
    duplicate never breaks the caller's transaction.
    """
    created = []
    for user in users:
        try:
            with transaction.atomic():
                created.append(
                    Notification.objects.create(
                        user=user,
                        kind=kind,
                        key=key[:200],
                        subject=subject[:300],
                        body=body,
                        url=url,
                        service=service,
                    )
                )
        except IntegrityError:
            continue  # this event was recorded (and sent) before
    return created


def _link(notification: Notification) -> str:
    return f"{settings.SITE_URL}{notification.url}" if notification.url else settings.SITE_URL


def _text(notification: Notification) -> str:
    footer = _("Ihre Benachrichtigungen und Einstellungen: %(url)s") % {
        "url": f"{settings.SITE_URL}/register/benachrichtigungen/"
    }
    return f"{notification.body}\n\n{_link(notification)}\n\n-- \n{footer}\n"


def send_immediate(notifications: Iterable[Notification]) -> int:
    """E-mail each notification whose user wants e-mails at once; returns how many went out.

    A failing mail server is logged and leaves `emailed_at` empty: the next notify run retries.
    """
    sent = 0
    for notification in notifications:
        user = notification.user
        if not user.email or notification.emailed_at is not None:
            continue
        if frequency(user) != Preference.Frequency.IMMEDIATE:
            continue
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("[Integrationsatlas] %(subject)s") % {"subject": notification.subject}
            text = _text(notification)
        try:
            send_mail(subject, text, None, [user.email])
        except Exception:  # noqa: BLE001 - any mail failure; the row stays pending for a retry
            logger.exception("E-Mail an %s nicht gesendet", user.email)
            continue
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent


def send_after_commit(notifications: list[Notification]) -> None:
    """Send once the workflow's transaction is committed: a rolled-back change mails nobody."""
    if notifications:
        transaction.on_commit(lambda: send_immediate(notifications))


def pending_immediate() -> int:
    """Retry immediate e-mails that failed before (called by the notify command)."""
    rows = Notification.objects.filter(emailed_at__isnull=True).select_related("user")
    return send_immediate(rows)


def send_digests(now=None) -> int:
    """One e-mail per daily-digest user with everything not yet e-mailed; returns the count."""
    now = now or timezone.now()
    sent = 0
    preferences = Preference.objects.filter(frequency=Preference.Frequency.DAILY).select_related(
        "user"
    )
    for preference in preferences:
        user = preference.user
        if not user.email or not user.is_active:
            continue
        if preference.last_digest_at and now - preference.last_digest_at < DIGEST_INTERVAL:
            continue
        rows = list(Notification.objects.filter(user=user, emailed_at__isnull=True).order_by("pk"))
        if not rows:
            continue
        with translation.override(settings.LANGUAGE_CODE):
            subject = ngettext(
                "[Integrationsatlas] %(count)d neue Benachrichtigung",
                "[Integrationsatlas] %(count)d neue Benachrichtigungen",
                len(rows),
            ) % {"count": len(rows)}
            text = "\n\n".join(f"* {row.subject}\n{row.body}\n{_link(row)}" for row in rows)
            text += "\n\n-- \n" + _("Ihre Benachrichtigungen und Einstellungen: %(url)s") % {
                "url": f"{settings.SITE_URL}/register/benachrichtigungen/"
            }
        try:
            send_mail(subject, text, None, [user.email])
        except Exception:  # noqa: BLE001 - retried on the next run
            logger.exception("Zusammenfassung an %s nicht gesendet", user.email)
            continue
        Notification.objects.filter(pk__in=[row.pk for row in rows]).update(emailed_at=now)
        Preference.objects.filter(pk=preference.pk).update(last_digest_at=now)
        sent += 1
    return sent
