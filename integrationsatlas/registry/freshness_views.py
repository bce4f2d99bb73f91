"""Registry pages for freshness: 'still current' confirmation and the coordinators' stale list."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from integrationsatlas.regions.models import Region

from . import freshness, permissions, workflow
from .views import _editable


@login_required
@require_POST
def service_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """One click: the editor says the published offer is still current (kept in the history)."""
    service = _editable(request, pk)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("registry:edit", kwargs={"pk": pk})
    try:
        freshness.confirm(request.user, service)
    except workflow.WorkflowError as error:
        messages.error(request, " ".join(error.problems))
        return redirect(target)
    messages.success(request, _("„%(name)s“ ist als aktuell bestätigt.") % {"name": service.name})
    return redirect(target)


def _kreise(service) -> set[str]:
    """The Kreis keys a service belongs to: its sites' Kreise and the areas it serves."""
    keys = {
        location.gemeinde_id[:5] for location in service.locations.all() if location.gemeinde_id
    }
    keys |= {region.ags[:5] for region in service.service_area.all() if len(region.ags) >= 5}
    return keys


@login_required
def stale_list(request: HttpRequest) -> HttpResponse:
    """Offers in the coordinator's regions nobody confirmed or changed for 180 days, per Kreis."""
    if not (
        permissions.is_state_admin(request.user)
        or permissions.coordinator_region_keys(request.user)
    ):
        raise PermissionDenied(_("Die Liste ist für die kommunale Koordination."))
    services = freshness.stale_services(
        permissions.reviewable_services(request.user)
        .select_related("organization", "offer_type")
        .prefetch_related("locations", "service_area")
    )
    groups: dict[str, list] = defaultdict(list)
    for service in services:
        for key in sorted(_kreise(service)) or [""]:
            groups[key].append(service)
    names = dict(Region.objects.filter(ags__in=groups).values_list("ags", "name"))
    rows = [
        {"key": key, "name": names.get(key) or _("ohne Kreis"), "services": groups[key]}
        for key in sorted(groups, key=lambda k: names.get(k, "~"))
    ]
    context = {"groups": rows, "days": freshness.STALE_AFTER.days, "count": len(services)}
    return render(request, "registry/stale.html", context)
