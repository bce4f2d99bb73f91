"""Reminders for providers: funding ends within 90 days; offer not confirmed for 180 days.

Each reminder has a key naming the event (service and date), and `delivery.create` makes at
most one notification per person and key: running the notify command twice reminds once.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from integrationsatlas.registry import freshness
from integrationsatlas.registry.models import Funding, Service

from . import delivery, recipients
from .models import Notification

FUNDING_WARNING = timedelta(days=90)


def _day(value: date) -> str:
    return date_format(value, "d.m.Y")


def funding_reminders(today: date) -> list[Notification]:
    """Editors of published offers whose funding ends between today and 90 days from now."""
    created: list[Notification] = []
    fundings = (
        Funding.objects.filter(
            end__gte=today,
            end__lte=today + FUNDING_WARNING,
            service__is_published=True,
            service__is_deleted=False,
        )
        .select_related("service", "service__organization")
        .order_by("end", "pk")
    )
    for funding in fundings:
        service = funding.service
        assert funding.end is not None  # filtered above
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("Finanzierung endet am %(date)s: %(name)s") % {
                "date": _day(funding.end),
                "name": service.name,
            }
            body = _(
                "Die Finanzierung (%(programme)s) Ihres Angebots „%(name)s“ endet am %(date)s. "
                "Bitte tragen Sie eine Anschlussfinanzierung oder das Ende des Angebots ein."
            ) % {
                "programme": funding.programme or funding.get_funder_level_display(),
                "name": service.name,
                "date": _day(funding.end),
            }
        created += delivery.create(
            recipients.editors(service),
            Notification.Kind.FUNDING_ENDS,
            f"funding-end:{service.pk}:{funding.end.isoformat()}",
            subject,
            body,
            reverse("registry:edit", args=[service.pk]),
            service=service,
        )
    return created


def confirmation_reminders(now: datetime) -> list[Notification]:
    """Editors of published offers nobody confirmed or changed for 180 days."""
    created: list[Notification] = []
    services = freshness.stale_services(Service.objects.select_related("organization"), now)
    for service in services:
        checked = timezone.localdate(service.checked_at)
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("Bitte bestätigen: %(name)s") % {"name": service.name}
            body = _(
                "Ihr Angebot „%(name)s“ wurde zuletzt am %(date)s geprüft. Bitte sehen Sie es "
                "durch und bestätigen Sie es als aktuell oder ändern Sie es."
            ) % {"name": service.name, "date": _day(checked)}
        created += delivery.create(
            recipients.editors(service),
            Notification.Kind.NOT_CONFIRMED,
            f"not-confirmed:{service.pk}:{checked.isoformat()}",
            subject,
            body,
            reverse("registry:edit", args=[service.pk]),
            service=service,
        )
    return created
