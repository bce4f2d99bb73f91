"""The import page (upload, check, write or roll back) and the template download."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from integrationsatlas.registry import permissions
from integrationsatlas.registry.models import ImportBatch

from .exporter import CONTENT_TYPES, template
from .importer import (
    FORMATS,
    VIA_REVIEW,
    RollbackError,
    guess_format,
    import_file,
    import_mode,
    may_import,
    rollback,
)
from .mapping_views import needs_mapping, stage
from .problems import ImportRefused

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def _recent_batches(user):
    batches = ImportBatch.objects.select_related("created_by")
    if not permissions.is_state_admin(user):
        batches = batches.filter(created_by=user)
    return batches[:20]


@login_required
def import_page(request):
    if not may_import(request.user):
        raise PermissionDenied(
            _(
                "Importieren dürfen Landesadministration, kommunale Koordination und "
                "Träger-Redaktionen."
            )
        )
    via_review = import_mode(request.user) == VIA_REVIEW
    context = {"formats": FORMATS, "result": None, "problems": [], "via_review": via_review}
    if request.method == "POST":
        upload = request.FILES.get("file")
        fmt = request.POST.get("format") or ""
        if upload is None:
            context["problems"] = [_("Bitte eine Datei auswählen.")]
        elif upload.size > MAX_UPLOAD_BYTES:
            context["problems"] = [_("Die Datei ist größer als 20 MB.")]
        else:
            organization = None
            org_id = request.POST.get("organization") or ""
            if org_id:
                organization = (
                    permissions.editable_organizations(request.user)
                    .filter(pk=org_id if org_id.isdigit() else -1)
                    .first()
                )
                if organization is None:
                    context["problems"] = [
                        _("Diesen Träger gibt es nicht oder Sie dürfen ihn nicht wählen.")
                    ]
            data = upload.read()
            fmt = fmt if fmt in FORMATS else guess_format(upload.name)
            if not context["problems"] and needs_mapping(data, fmt):
                options = {
                    "organization": organization.pk if organization else None,
                    "skip_invalid": bool(request.POST.get("skip_invalid")),
                    "offer_type": request.POST.get("offer_type") or "",
                }
                return stage(request, data, upload.name, fmt, options)
            if not context["problems"]:
                try:
                    result = import_file(
                        data,
                        upload.name,
                        fmt,
                        user=request.user,
                        dry_run=bool(request.POST.get("dry_run")),
                        organization=organization,
                        skip_invalid=bool(request.POST.get("skip_invalid")),
                        default_offer_type=request.POST.get("offer_type") or "",
                    )
                except ImportRefused as exc:
                    context["problems"] = [str(p) for p in exc.problems]
                else:
                    context["result"] = result
                    context["problems"] = [str(p) for p in result.problems]
                    context["warnings"] = [str(p) for p in result.warnings]
    context["organizations"] = permissions.editable_organizations(request.user).order_by("name")[
        :500
    ]
    context["batches"] = _recent_batches(request.user)
    return render(request, "interchange/import.html", context)


def template_download(request, fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise Http404(_("Die Vorlage gibt es als .csv oder .xlsx."))
    response = HttpResponse(template(fmt), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="integrationsatlas-vorlage.{fmt}"'
    return response


@login_required
@require_POST
def rollback_batch(request, batch_id: int):
    batch = get_object_or_404(ImportBatch, pk=batch_id)
    try:
        counts = rollback(batch, request.user)
    except RollbackError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Import #%(id)s zurückgenommen: %(restored)s, %(deleted)s.")
            % {
                "id": batch.pk,
                "restored": ngettext(
                    "%(n)s Angebot wiederhergestellt",
                    "%(n)s Angebote wiederhergestellt",
                    counts["restored"],
                )
                % {"n": counts["restored"]},
                "deleted": ngettext(
                    "%(n)s Angebot gelöscht", "%(n)s Angebote gelöscht", counts["deleted"]
                )
                % {"n": counts["deleted"]},
            },
        )
    return redirect("interchange:import")
