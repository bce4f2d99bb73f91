"""Planning pages of the Teilhabebericht: choose Kreis and year, read it, download PDF or DOCX."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from integrationsatlas.regions.models import Region

from ..access import require_planner
from ..views import planning_view
from .build import build_report
from .document import ReportError
from .render import FORMATS, render_report


def _chooser(request: HttpRequest, region: str, year: str, error: str = "", report=None):
    context = {
        "kreise": Region.objects.filter(level=Region.Level.KREIS).only("ags", "name"),
        "chosen_region": region,
        "chosen_year": year,
        "error": error,
        "report": report,
    }
    return render(request, "planning/teilhabebericht.html", context, status=400 if error else 200)


@planning_view
def chooser(request: HttpRequest) -> HttpResponse:
    """The form; a chosen Kreis and year lead to the report's own address."""
    require_planner(request)
    region, year = request.GET.get("region", "").strip(), request.GET.get("jahr", "").strip()
    default_year = str(timezone.localdate().year - 1)
    if not region or not year:
        return _chooser(request, region[:12], year[:20] or default_year)
    if not year.isdigit() or not 2015 <= int(year) <= 2100:
        return _chooser(
            request,
            region,
            year,
            _("Kalenderjahr: „%(year)s“ ist kein Jahr.") % {"year": year[:20]},
        )
    return redirect("planning:teilhabebericht_region", ags=region[:12], year=int(year))


@planning_view
def report_page(request: HttpRequest, ags: str, year: int) -> HttpResponse:
    require_planner(request)
    try:
        report = build_report(ags, year, timezone.localdate())
    except ReportError as error:
        return _chooser(request, ags, str(year), str(error))
    return _chooser(request, ags, str(year), report=report)


@planning_view
def report_file(request: HttpRequest, ags: str, year: int, fmt: str) -> HttpResponse:
    """PDF or DOCX, always German: the report is a document for the Land's authority."""
    require_planner(request)
    if fmt not in ("pdf", "docx"):
        raise Http404(_("Format nicht gefunden."))
    with translation.override("de"):
        try:
            report = build_report(ags, year, timezone.localdate())
        except ReportError as error:
            return _chooser(request, ags, str(year), str(error))
        content = render_report(report, fmt)
    response = HttpResponse(content, content_type=FORMATS[fmt])
    name = f"teilhabebericht-{report.region_ags}-{year}.{fmt}"
    disposition = "inline" if fmt == "pdf" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    return response
