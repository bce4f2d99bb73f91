"""Registry pages under /register/: my offers, edit, review queue, history with restore, delete.

Every view asks `permissions` (and the workflow re-checks): others' services and drafts are
404, a review outside one's regions is 403.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from integrationsatlas.regions.placement import PlacementError, place

from . import permissions, workflow
from .diff import diff_snapshots
from .forms import choice_context, form_rows, payload_from_post, readable_problems
from .models import ChangeRequest, Location, Placement, Service
from .placing import place_form_sites, point_text

PAGE_SIZE = 50


def _state(service: Service, change: ChangeRequest | None) -> tuple[str, str]:
    """(css key, German label) of a service as its editors see it."""
    if service.is_deleted:
        return "deleted", _("gelöscht")
    if change is not None:
        if change.state == ChangeRequest.State.SUBMITTED:
            return "pending", _("in Prüfung")
        if change.state == ChangeRequest.State.RETURNED:
            return "returned", _("zurückgegeben")
        return "draft", _("Entwurf")
    if service.is_published:
        return "published", _("veröffentlicht")
    return "draft", _("Entwurf")


@login_required
def my_services(request: HttpRequest) -> HttpResponse:
    """'Meine Angebote': every service the user may edit, with its state."""
    services = (
        permissions.editable_services(request.user)
        .select_related("organization", "offer_type")
        .prefetch_related(
            Prefetch(
                "change_requests",
                queryset=ChangeRequest.objects.filter(state__in=workflow.OPEN_STATES).order_by(
                    "-created_at"
                ),
                to_attr="open_changes",
            ),
            "locations",
        )
        .order_by("name", "pk")
    )
    query = request.GET.get("q", "").strip()[:100]
    if query:
        services = services.filter(
            Q(name__icontains=query) | Q(organization__name__icontains=query)
        )
    page = Paginator(services, PAGE_SIZE).get_page(request.GET.get("seite"))
    rows = []
    for service in page:
        change = service.open_changes[0] if service.open_changes else None
        key, label = _state(service, change)
        rows.append({"service": service, "change": change, "state": key, "state_label": label})
    return render(
        request,
        "registry/my_services.html",
        {
            "rows": rows,
            "page": page,
            "query": query,
            "can_create": permissions.editable_organizations(request.user).exists(),
            "estimated_sites": Location.objects.filter(
                placement=Placement.POSTAL_CODE,
                service_at_locations__service__in=permissions.editable_services(request.user),
            )
            .distinct()
            .count(),
            "is_reviewer": permissions.is_state_admin(request.user)
            or bool(permissions.coordinator_region_keys(request.user)),
        },
    )


def _editable(request: HttpRequest, pk: int) -> Service:
    service = permissions.editable_services(request.user).filter(pk=pk).first()
    if service is None:
        raise Http404(_("Angebot nicht gefunden."))
    return service


def _needs_review(user, service: Service | None) -> bool:
    if service is not None:
        return permissions.needs_review(user, service)
    return not (permissions.is_state_admin(user) or permissions.coordinator_region_keys(user))


def _render_edit(request, service, payload, *, problems=(), conflict=None, change=None, extra=2):
    organizations = permissions.editable_organizations(request.user)
    context = {
        "service": service,
        "payload": payload,
        "rows": form_rows(payload, extra=extra),
        "extra": extra,
        "organizations": organizations,
        "problems": readable_problems(list(problems)),
        "conflict": conflict,
        "change": change,
        "reason": request.POST.get("reason", "") if request.method == "POST" else "",
        "needs_review": _needs_review(request.user, service),
        "may_delete": service is not None and workflow.may_delete(request.user, service),
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        **choice_context(payload),
    }
    status = 400 if problems or conflict else 200
    return render(request, "registry/edit.html", context, status=status)


def _handle_post(request: HttpRequest, service: Service | None, base: dict) -> HttpResponse:
    payload = payload_from_post(request.POST, base)
    place_form_sites(payload)
    action = request.POST.get("action", "submit")
    try:
        extra = max(2, min(20, int(request.POST.get("extra", "2"))))
    except ValueError:
        extra = 2
    if action == "more":
        return _render_edit(request, service, payload, extra=extra + 2)
    organization = None
    if payload.get("organization"):
        key = str(payload["organization"])
        allowed = permissions.editable_organizations(request.user)
        organization = allowed.filter(pk=key).first() if key.isdigit() else None
        if organization is None:
            return _render_edit(
                request, service, payload, problems=[_("organization: Bitte einen Träger wählen.")]
            )
    try:
        saved, change = workflow.save_service(
            request.user,
            service,
            payload,
            reason=request.POST.get("reason", ""),
            organization=organization,
            submit=action != "draft",
        )
    except workflow.ConflictError as error:
        return _render_edit(request, service, payload, problems=error.problems, conflict=error.diff)
    except workflow.WorkflowError as error:
        return _render_edit(request, service, payload, problems=error.problems, extra=extra)
    if change is None:
        messages.success(request, _("Gespeichert und veröffentlicht."))
    elif change.state == ChangeRequest.State.DRAFT:
        messages.success(request, _("Als Entwurf gespeichert. Noch nicht zur Prüfung eingereicht."))
    else:
        messages.success(
            request,
            _(
                "Zur Prüfung eingereicht. Bis zur Freigabe sieht die Öffentlichkeit den alten Stand."
            ),
        )
    return redirect("registry:edit", pk=saved.pk)


@login_required
def service_new(request: HttpRequest) -> HttpResponse:
    organizations = permissions.editable_organizations(request.user)
    if not organizations.exists():
        raise PermissionDenied(_("Sie sind keinem Träger und keiner Region zugeordnet."))
    base: dict = {}
    if request.method == "POST":
        return _handle_post(request, None, base)
    first = organizations.first()
    payload = {
        "status": Service.Status.ACTIVE,
        "is_free": True,
        "organization": first.pk if organizations.count() == 1 and first else None,
        "languages": ["de"],
    }
    return _render_edit(request, None, payload)


@login_required
def service_edit(request: HttpRequest, pk: int) -> HttpResponse:
    service = _editable(request, pk)
    change = workflow.open_change(service)
    own_change = change is not None and (
        change.created_by_id == request.user.pk
        or service.organization_id in permissions.organization_ids(request.user)
    )
    if own_change and change is not None:
        base = dict(change.payload, base_version=change.base_version)
    else:
        base = dict(workflow.service_snapshot(service), base_version=service.version)
    if request.method == "POST":
        return _handle_post(request, service, base)
    return _render_edit(request, service, base, change=change)


def _service_action(
    request: HttpRequest, pk: int, action, done: str, *, done_at: str, failed_at: str
) -> HttpResponse:
    """Run a workflow action (delete, undelete) with the form's reason on an editable service;
    say what came of it on the page the outcome belongs on."""
    service = _editable(request, pk)
    try:
        action(request.user, service, request.POST.get("reason", ""))
    except workflow.WorkflowError as error:
        messages.error(request, " ".join(error.problems))
        return redirect(failed_at)
    messages.success(request, done)
    return redirect(done_at)


@login_required
@require_POST
def service_delete(request: HttpRequest, pk: int) -> HttpResponse:
    return _service_action(
        request,
        pk,
        workflow.delete_service,
        _("Das Angebot ist gelöscht. Sie können das rückgängig machen."),
        done_at=reverse("registry:mine"),
        failed_at=reverse("registry:edit", kwargs={"pk": pk}),
    )


@login_required
@require_POST
def service_undelete(request: HttpRequest, pk: int) -> HttpResponse:
    return _service_action(
        request,
        pk,
        workflow.undelete_service,
        _("Das Angebot ist wiederhergestellt."),
        done_at=reverse("registry:edit", kwargs={"pk": pk}),
        failed_at=reverse("registry:mine"),
    )


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    """Changes waiting for this coordinator (their regions) or administrator."""
    changes = [
        change
        for change in ChangeRequest.objects.filter(state=ChangeRequest.State.SUBMITTED)
        .select_related("service", "service__organization", "created_by")
        .order_by("submitted_at", "pk")
        if workflow.can_approve(request.user, change)
    ]
    return render(request, "registry/review_queue.html", {"changes": changes})


def _reviewable_change(request: HttpRequest, pk: int) -> ChangeRequest:
    change = get_object_or_404(
        ChangeRequest.objects.select_related("service", "service__organization", "created_by"),
        pk=pk,
    )
    service = change.service
    if permissions.can_edit_service(request.user, service) or workflow.can_approve(
        request.user, change
    ):
        return change
    raise Http404(_("Änderung nicht gefunden."))


@login_required
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    change = _reviewable_change(request, pk)
    service = change.service
    old = None
    if service.is_published:
        old = service.snapshot or workflow.service_snapshot(service)
    context = {
        "change": change,
        "service": service,
        "diff": diff_snapshots(old, change.payload),
        "is_new": not service.is_published,
        "can_approve": workflow.can_approve(request.user, change)
        and change.state == ChangeRequest.State.SUBMITTED,
    }
    return render(request, "registry/review_detail.html", context)


@login_required
@require_POST
def review_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    change = _reviewable_change(request, pk)
    comment = request.POST.get("comment", "")
    # The revision the page showed; a form without it cannot say what the reviewer saw, and
    # "" never matches, so such a decision is refused like a stale one.
    revision = request.POST.get("revision", "")
    try:
        if decision == "approve":
            workflow.approve(request.user, change, comment, revision=revision)
            messages.success(request, _("Freigegeben und veröffentlicht."))
        else:
            workflow.send_back(request.user, change, comment, revision=revision)
            messages.success(request, _("Mit Kommentar zurückgegeben."))
    except workflow.WorkflowError as error:
        # Back to the review page, which shows the change's current diff (also after a
        # StaleReviewError: the newer edit is what the reviewer decides on next).
        messages.error(request, " ".join(error.problems))
        return redirect("registry:review_detail", pk=pk)
    return redirect("registry:review_queue")


@login_required
def service_history(request: HttpRequest, pk: int) -> HttpResponse:
    """Who changed what, when and why, with 'restore this version' for coordinators and admins."""
    service = _editable(request, pk)
    records = list(service.history.select_related("history_user").order_by("history_id"))
    entries = []
    previous: dict | None = None
    for record in records:
        snapshot = record.snapshot or None
        diff = diff_snapshots(previous, snapshot) if snapshot else []
        first = snapshot is not None and previous is None
        entries.append(
            {
                "record": record,
                # The first version is shown as what it held, not as a change from nothing.
                "diff": diff,
                "values": [(label, new) for label, _old, new in diff] if first else [],
                "first": first,
                "restorable": bool(snapshot),
                "has_snapshot": bool(snapshot),
            }
        )
        if snapshot:
            previous = snapshot
    entries.reverse()
    if entries:
        entries[0]["restorable"] = False  # the current state
    changes = service.change_requests.select_related("created_by", "reviewed_by").order_by(
        "-created_at"
    )
    return render(
        request,
        "registry/history.html",
        {
            "service": service,
            "entries": entries,
            "changes": changes,
            "can_restore": permissions.can_restore(request.user, service),
        },
    )


@login_required
@require_POST
def service_restore(request: HttpRequest, pk: int, history_id: int) -> HttpResponse:
    service = _editable(request, pk)
    try:
        workflow.restore(request.user, service, history_id)
    except workflow.WorkflowError as error:
        messages.error(request, " ".join(error.problems))
        return redirect("registry:history", pk=pk)
    messages.success(request, _("Die frühere Fassung ist wiederhergestellt und veröffentlicht."))
    return redirect("registry:history", pk=pk)


@login_required
def locate(request: HttpRequest) -> JsonResponse:
    """Where an address lies, for the map in the edit form: the same rule a save without
    coordinates applies (`regions.placement`): postal code centroid in the Gemeinde of
    PLZ/Ort, refined by the geocoder when one is configured."""
    if not permissions.editable_organizations(request.user).exists():
        raise PermissionDenied(_("Sie sind keinem Träger und keiner Region zugeordnet."))
    postal_code = request.GET.get("postal_code", "").strip()[:5]
    try:
        placed = place(
            request.GET.get("address", "")[:300], postal_code, request.GET.get("city", "")[:200]
        )
    except PlacementError as error:
        return JsonResponse({"error": str(error)}, status=404)
    return JsonResponse(
        {
            "longitude": round(placed.lon, 6),
            "latitude": round(placed.lat, 6),
            "placed_at": point_text(round(placed.lon, 6), round(placed.lat, 6)),
            "placement": placed.method,
            "label": str(Placement(placed.method).label),
            "gemeinde": placed.gemeinde,
            "gemeinde_name": placed.gemeinde_name,
            "attribution": placed.attribution,
        }
    )
