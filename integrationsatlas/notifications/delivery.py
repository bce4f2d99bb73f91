"""Creating notifications and e-mailing them: at once, as a daily digest, or not at all."""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
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


def _summary(rows: list[Notification]) -> tuple[str, str]:
    subject = ngettext(
        "[Integrationsatlas] %(count)d neue Benachrichtigung",
        "[Integrationsatlas] %(count)d neue Benachrichtigungen",
        len(rows),
    ) % {"count": len(rows)}
    text = "\n\n".join(f"* {row.subject}\n{row.body}\n{_link(row)}" for row in rows)
    text += "\n\n-- \n" + _("Ihre Benachrichtigungen und Einstellungen: %(url)s") % {
        "url": f"{settings.SITE_URL}/register/benachrichtigungen/"
    }
    return subject, text


def _mail(user, rows: list[Notification], now=None) -> bool:
    """One e-mail to `user` with these rows (one row: its own text; more: a list), then mark them.

    A failing mail server is logged and leaves `emailed_at` empty: the next notify run retries.
    """
    with translation.override(settings.LANGUAGE_CODE):
        if len(rows) == 1:
            subject = _("[Integrationsatlas] %(subject)s") % {"subject": rows[0].subject}
            text = _text(rows[0])
        else:
            subject, text = _summary(rows)
    try:
        send_mail(subject, text, None, [user.email])
    except Exception:  # noqa: BLE001 - any mail failure; the rows stay pending for a retry
        logger.exception("E-Mail an %s nicht gesendet", user.email)
        return False
    stamp = now or timezone.now()
    Notification.objects.filter(pk__in=[row.pk for row in rows]).update(emailed_at=stamp)
    return True


def send_immediate(notifications: Iterable[Notification]) -> int:
    """E-mail the unsent notifications of people who want e-mails at once; returns the count.

    Several for one person (e.g. an import submitting 200 offers) go out as one e-mail.
    """
    per_user: dict[int, list[Notification]] = defaultdict(list)
    users = {}
    for notification in notifications:
        user = notification.user
        if user.email and user.is_active and notification.emailed_at is None:
            per_user[user.pk].append(notification)
            users[user.pk] = user
    sent = 0
    for pk, rows in per_user.items():
        if frequency(users[pk]) == Preference.Frequency.IMMEDIATE and _mail(users[pk], rows):
            sent += 1
    return sent


# Notification ids waiting for the current transaction's commit, per thread.
_waiting = threading.local()


def _flush() -> None:
    ids = _waiting.__dict__.pop("ids", [])
    if ids:
        # Read back: rows of a rolled-back transaction are gone, and nobody is mailed for them.
        rows = Notification.objects.filter(pk__in=ids, emailed_at__isnull=True)
        send_immediate(rows.select_related("user").order_by("pk"))


def send_after_commit(notifications: list[Notification]) -> None:
    """Send once the workflow's transaction is committed: a rolled-back change mails nobody.

    Everything created in one transaction goes out together at its commit (the first callback
    sends all, later ones find nothing), so a bulk import mails each person once.
    """
    if notifications:
        _waiting.__dict__.setdefault("ids", []).extend(row.pk for row in notifications)
        transaction.on_commit(_flush)


def pending_immediate() -> int:
    """Retry immediate e-mails that failed before (called by the notify command)."""
    rows = Notification.objects.filter(emailed_at__isnull=True).select_related("user")
    return send_immediate(rows.order_by("pk"))


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
        if rows and _mail(user, rows, now):
            Preference.objects.filter(pk=preference.pk).update(last_digest_at=now)
            sent += 1
    return sent
