"""Registry events turned into notifications: who is told what when a change moves on."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from integrationsatlas.registry import signals

from . import delivery, recipients
from .models import Notification


def _others(users: list, actor) -> list:
    """Nobody is told of their own action."""
    return [user for user in users if user.pk != getattr(actor, "pk", None)]


def _notify(users, kind, key, subject, body, url, service) -> None:
    rows = delivery.create(users, kind, key, subject, body, url, service=service)
    delivery.send_after_commit(rows)


def on_submitted(sender, service, change, actor, **kwargs) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Zur Prüfung eingereicht: %(name)s") % {"name": service.name}
        body = _(
            "%(who)s hat eine Änderung am Angebot „%(name)s“ (%(org)s) zur Prüfung eingereicht."
        ) % {"who": actor.get_username(), "name": service.name, "org": service.organization.name}
    _notify(
        _others(recipients.reviewers(change), actor),
        Notification.Kind.SUBMITTED,
        f"submitted:{change.pk}:{change.revision}:{change.submitted_at:%Y%m%d%H%M%S%f}",
        subject,
        body,
        reverse("registry:review_detail", args=[change.pk]),
        service,
    )


def on_sent_back(sender, service, change, actor, **kwargs) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Zurückgegeben: %(name)s") % {"name": service.name}
        body = _("Die Prüfung hat Ihre Änderung an „%(name)s“ zurückgegeben: %(comment)s") % {
            "name": service.name,
            "comment": change.review_comment,
        }
    _notify(
        _others(recipients.editors(service), actor),
        Notification.Kind.SENT_BACK,
        f"sent_back:{change.pk}:{change.revision}:{change.reviewed_at:%Y%m%d%H%M%S%f}",
        subject,
        body,
        reverse("registry:edit", args=[service.pk]),
        service,
    )


def on_approved(sender, service, change, actor, **kwargs) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Freigegeben: %(name)s") % {"name": service.name}
        body = _("Ihre Änderung an „%(name)s“ ist freigegeben und öffentlich sichtbar.") % {
            "name": service.name
        }
        if change.review_comment:
            body += " " + _("Kommentar: %(comment)s") % {"comment": change.review_comment}
    _notify(
        _others(recipients.editors(service), actor),
        Notification.Kind.APPROVED,
        f"approved:{change.pk}",
        subject,
        body,
        reverse("finder:detail", args=[service.pk]),
        service,
    )


def on_restored(sender, service, change, actor, **kwargs) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Frühere Fassung wiederhergestellt: %(name)s") % {"name": service.name}
        body = _(
            "Die Koordination hat eine frühere Fassung von „%(name)s“ wiederhergestellt "
            "und veröffentlicht (jetzt Version %(version)s)."
        ) % {"name": service.name, "version": service.version}
    _notify(
        _others(recipients.editors(service), actor),
        Notification.Kind.RESTORED,
        f"restored:{service.pk}:{service.version}",
        subject,
        body,
        reverse("registry:history", args=[service.pk]),
        service,
    )


def connect() -> None:
    signals.change_submitted.connect(on_submitted, dispatch_uid="notify-submitted")
    signals.change_sent_back.connect(on_sent_back, dispatch_uid="notify-sent-back")
    signals.change_approved.connect(on_approved, dispatch_uid="notify-approved")
    signals.service_restored.connect(on_restored, dispatch_uid="notify-restored")
