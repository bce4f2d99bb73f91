"""Standard-set pages: list, detail, schema, export (public); import, copy, edit (planners)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from integrationsatlas.registry.permissions import is_planner, is_state_admin
from integrationsatlas.standards import document as doc_module
from integrationsatlas.standards.models import StandardSet

from .document import DocumentError
from .forms import CopyForm, EditForm, ImportForm
from .indicators import indicator_name
from .sets import (
    copy_set,
    export_yaml,
    illustrative_rules,
    import_document,
    set_rows,
    update_document,
)


def _require_planner(request: HttpRequest) -> None:
    if not is_planner(request.user):
        raise PermissionDenied(_("Nur für Planung und Landesadministration."))


def _may_edit(user, standard_set: StandardSet) -> bool:
    """Planners edit drafts; a published set is changed by a state administrator only."""
    if standard_set.status == StandardSet.Status.PUBLISHED:
        return is_state_admin(user)
    return is_planner(user)


def _check_publish(user, document: dict) -> None:
    """Only a state administrator publishes; planners keep their sets as drafts."""
    if document.get("status") == StandardSet.Status.PUBLISHED and not is_state_admin(user):
        raise DocumentError(
            [
                doc_module.Problem(
                    _("veröffentlichen darf nur die Landesadministration; bitte „draft“."),
                    "status",
                )
            ]
        )


def set_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "standards/set_list.html",
        {"sets": set_rows(), "can_import": is_planner(request.user)},
    )


def set_detail(request: HttpRequest, slug: str) -> HttpResponse:
    standard_set = get_object_or_404(StandardSet, slug=slug)
    rules = list(standard_set.rules.select_related("offer_type").order_by("position", "code"))
    for rule in rules:
        rule.indicator_label = indicator_name(rule.demand_indicator)
    return render(
        request,
        "standards/set_detail.html",
        {
            "set": standard_set,
            "rules": rules,
            "label": (standard_set.document or {}).get("label", ""),
            "illustrative": illustrative_rules(standard_set),
            "can_copy": is_planner(request.user),
            "can_edit": _may_edit(request.user, standard_set),
            "copy_form": CopyForm(),
        },
    )


def schema_view(request: HttpRequest) -> FileResponse:
    return FileResponse(doc_module.SCHEMA_FILE.open("rb"), content_type="application/schema+json")


def set_export(request: HttpRequest, slug: str) -> HttpResponse:
    standard_set = get_object_or_404(StandardSet, slug=slug)
    response = HttpResponse(
        export_yaml(standard_set), content_type="application/yaml; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{standard_set.slug}.yaml"'
    return response


@require_http_methods(["GET", "POST"])
def set_import(request: HttpRequest) -> HttpResponse:
    _require_planner(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            document = doc_module.parse_yaml(form.cleaned_data["text"])
            _check_publish(request.user, document)
            replace = form.cleaned_data["replace"]
            slug = document.get("slug")
            existing = StandardSet.objects.filter(slug=slug).first() if slug else None
            if existing is not None and replace and not _may_edit(request.user, existing):
                raise PermissionDenied(_("Diesen Standardsatz dürfen Sie nicht ersetzen."))
            standard_set, _created = import_document(document, user=request.user, replace=replace)
        except DocumentError as exc:
            problems = [str(p) for p in exc.problems]
        else:
            messages.success(request, _("Standardsatz gespeichert."))
            return redirect("standards:detail", slug=standard_set.slug)
    return render(request, "standards/set_import.html", {"form": form, "problems": problems})


@require_http_methods(["POST"])
def set_copy(request: HttpRequest, slug: str) -> HttpResponse:
    _require_planner(request)
    standard_set = get_object_or_404(StandardSet, slug=slug)
    form = CopyForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("Bitte eine gültige Kennung angeben (Kleinbuchstaben, Ziffern, Bindestriche)."),
        )
        return redirect("standards:detail", slug=slug)
    try:
        copied = copy_set(
            standard_set,
            form.cleaned_data["new_slug"],
            form.cleaned_data["name"],
            user=request.user,
        )
    except DocumentError as exc:
        for problem in exc.problems:
            messages.error(request, str(problem))
        return redirect("standards:detail", slug=slug)
    messages.success(request, _("Kopie als Entwurf angelegt."))
    return redirect("standards:detail", slug=copied.slug)


@require_http_methods(["GET", "POST"])
def set_edit(request: HttpRequest, slug: str) -> HttpResponse:
    standard_set = get_object_or_404(StandardSet, slug=slug)
    if not _may_edit(request.user, standard_set):
        raise PermissionDenied(_("Diesen Standardsatz dürfen Sie nicht bearbeiten."))
    form = EditForm(request.POST or None, initial={"text": export_yaml(standard_set)})
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            document = doc_module.parse_yaml(form.cleaned_data["text"])
            _check_publish(request.user, document)
            update_document(standard_set, document, user=request.user)
        except DocumentError as exc:
            problems = [str(p) for p in exc.problems]
        else:
            messages.success(request, _("Änderungen gespeichert."))
            return redirect("standards:detail", slug=slug)
    return render(
        request,
        "standards/set_edit.html",
        {"form": form, "set": standard_set, "problems": problems},
    )
