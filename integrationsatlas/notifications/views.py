"""The inbox under /register/benachrichtigungen/: a person's notifications, read state, e-mail setting."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from .models import Notification, Preference

PAGE_SIZE = 50


def _preference(user) -> Preference:
    return Preference.objects.filter(user=user).first() or Preference(user=user)


@login_required
def inbox(request: HttpRequest, status: int = 200) -> HttpResponse:
    rows = Notification.objects.filter(user=request.user).select_related("service")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("seite"))
    context = {
        "page": page,
        "unread": rows.filter(read_at__isnull=True).count(),
        "preference": _preference(request.user),
        "frequencies": Preference.Frequency.choices,
    }
    return render(request, "notifications/inbox.html", context, status=status)


@login_required
@require_POST
def save_preference(request: HttpRequest) -> HttpResponse:
    value = request.POST.get("frequency", "")
    if value not in Preference.Frequency.values:
        messages.error(
            request,
            _("E-Mail-Benachrichtigungen: unbekannte Einstellung „%(value)s“. Nichts geändert.")
            % {"value": value[:40]},
        )
        return inbox(request, status=400)
    preference = _preference(request.user)
    preference.frequency = value
    preference.save()
    messages.success(
        request,
        _("Einstellung gespeichert: %(label)s.") % {"label": preference.get_frequency_display()},
    )
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read and go to what it is about (only the user's own: else 404)."""
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    target = notification.url
    if request.POST.get("stay") or not url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return redirect("notifications:inbox")
    return redirect(target)


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = Notification.objects.filter(user=request.user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    text = ngettext(
        "%(count)d Benachrichtigung als gelesen markiert.",
        "%(count)d Benachrichtigungen als gelesen markiert.",
        count,
    )
    messages.success(request, text % {"count": count})
    return redirect("notifications:inbox")
