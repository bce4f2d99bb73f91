"""Statistics pages under /register/kennzahlen/: import a file as an edition, declare a code,
see, compare and withdraw editions. For state administrators and coordinators (Kreis admins).

The pages call the same services as the CLI (`regions.indicators_import`, `regions.editions`);
who may do what comes from `permissions.indicator_scope`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from integrationsatlas.regions import editions
from integrationsatlas.regions.indicator_files import IndicatorFileError, parse_mapping
from integrationsatlas.regions.indicators_import import IndicatorImportError, import_indicators
from integrationsatlas.regions.models import IndicatorEdition

from . import permissions

MAX_UPLOAD = 20 * 1024 * 1024
SHOWN_VALUES = 200


def _scope(request: HttpRequest) -> set[str] | None:
    """The person's region keys (None: all); 403 for everyone without a statistics role."""
    scope = permissions.indicator_scope(request.user)
    if scope is not None and not scope:
        raise PermissionDenied(
            _("Kennzahlen laden dürfen Landes-Administratoren und Koordinatoren.")
        )
    return scope


def _who(request: HttpRequest) -> str:
    return request.user.get_username()


@login_required
def indicator_home(request: HttpRequest) -> HttpResponse:
    """The editions, the upload form and the form to declare a code; POST imports a file."""
    scope = _scope(request)
    problems: list[str] = []
    if request.method == "POST":
        problems = _upload(request, scope)
        if not problems:
            return redirect("registry:indicators")
    rows = editions.edition_rows()
    by_pk = {e.pk: e for e in IndicatorEdition.objects.all()}
    for row in rows:
        row["may_withdraw"] = not by_pk[row["edition"]].is_withdrawn and editions.may_withdraw(
            by_pk[row["edition"]], scope
        )
    return render(
        request,
        "registry/indicators.html",
        {
            "editions": rows,
            "definitions": editions.definition_rows(),
            "problems": problems,
            "form": request.POST if problems else {},
            "scope": sorted(scope) if scope is not None else None,
        },
        status=400 if problems else 200,
    )


def _upload(request: HttpRequest, scope: set[str] | None) -> list[str]:
    upload = request.FILES.get("file")
    if upload is None:
        return [_("Bitte eine Datei wählen (CSV oder XLSX).")]
    if upload.size > MAX_UPLOAD:
        return [_("Die Datei ist größer als 20 MB.")]
    try:
        mapping = parse_mapping(request.POST.get("mapping", "").splitlines())
        result = import_indicators(
            upload.read(),
            upload.name,
            _who(request),
            source=request.POST.get("source", ""),
            licence=request.POST.get("licence", ""),
            mapping=mapping,
            allowed=scope,
            user=request.user,
        )
    except IndicatorFileError as exc:
        return [str(exc)]
    except IndicatorImportError as exc:
        return exc.problems
    messages.success(request, result.summary())
    return []


@login_required
@require_POST
def indicator_declare(request: HttpRequest) -> HttpResponse:
    _scope(request)
    post = request.POST
    try:
        definition = editions.declare(
            post.get("code", ""),
            post.get("name", ""),
            post.get("unit", ""),
            post.get("description", ""),
            _who(request),
        )
    except IndicatorImportError as exc:
        for problem in exc.problems:
            messages.error(request, problem)
    else:
        messages.success(request, _("Kennzahl %(code)s angelegt.") % {"code": definition.code})
    return redirect("registry:indicators")


@login_required
def edition_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One edition: its line, its figures (the first 200), and a comparison with another."""
    scope = _scope(request)
    edition = get_object_or_404(IndicatorEdition, pk=pk)
    values = editions.edition_values(edition)
    wanted = request.GET.get("vergleich", "")
    other = IndicatorEdition.objects.filter(pk=int(wanted)).first() if wanted.isdigit() else None
    return render(
        request,
        "registry/indicator_edition.html",
        {
            "edition": editions.edition_row(edition),
            "withdrawn": edition.is_withdrawn,
            "may_withdraw": not edition.is_withdrawn and editions.may_withdraw(edition, scope),
            "values": values[:SHOWN_VALUES],
            "value_count": len(values),
            "others": IndicatorEdition.objects.exclude(pk=pk),
            "other": other,
            "comparison": editions.compare(edition, other) if other else None,
        },
    )


@login_required
@require_POST
def edition_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _scope(request)
    try:
        done = editions.withdraw(pk, _who(request), request.POST.get("reason", ""), scope)
    except IndicatorImportError as exc:
        for problem in exc.problems:
            messages.error(request, problem)
        return redirect("registry:indicator_edition", pk=pk)
    messages.success(
        request,
        ngettext(
            "Ausgabe #%(pk)s zurückgezogen: %(n)s Wert nicht mehr in Gebrauch.",
            "Ausgabe #%(pk)s zurückgezogen: %(n)s Werte nicht mehr in Gebrauch.",
            len(done.archived),
        )
        % {"pk": done.pk, "n": len(done.archived)},
    )
    return redirect("registry:indicators")
