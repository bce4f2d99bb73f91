"""Notification rows (inbox and sent-log in one) and each person's e-mail preference."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from integrationsatlas.registry.models import Service


class Preference(models.Model):
    """How a person wants e-mails: each at once, one daily digest, or none (inbox only)."""

    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", _("sofort, eine E-Mail je Ereignis")
        DAILY = "daily", _("einmal täglich als Zusammenfassung")
        OFF = "off", _("keine E-Mails, nur im Posteingang")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    frequency = models.CharField(
        _("E-Mail-Benachrichtigungen"),
        max_length=10,
        choices=Frequency.choices,
        default=Frequency.IMMEDIATE,
    )
    # When the last digest went out: a notify run more often than daily sends none in between.
    last_digest_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Benachrichtigungseinstellung")
        verbose_name_plural = _("Benachrichtigungseinstellungen")

    def __str__(self) -> str:
        return f"{self.user} · {self.get_frequency_display()}"


class Notification(models.Model):
    """One event for one person: shown in the inbox, e-mailed once (`emailed_at`).

    `key` names the event (e.g. ``funding-end:12:2027-03-31``); unique per person, so creating
    the same reminder twice finds the first one and nothing is sent again.
    """

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("zur Prüfung eingereicht")
        SENT_BACK = "sent_back", _("zurückgegeben")
        APPROVED = "approved", _("freigegeben")
        RESTORED = "restored", _("frühere Fassung wiederhergestellt")
        FUNDING_ENDS = "funding_ends", _("Finanzierung endet bald")
        NOT_CONFIRMED = "not_confirmed", _("lange nicht bestätigt")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices)
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    key = models.CharField(max_length=200)
    subject = models.CharField(_("Betreff"), max_length=300)
    body = models.TextField(_("Text"))
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_event")
        ]
        indexes = [models.Index(fields=["user", "read_at"])]
        verbose_name = _("Benachrichtigung")
        verbose_name_plural = _("Benachrichtigungen")

    def __str__(self) -> str:
        return f"{self.user} · {self.subject}"
