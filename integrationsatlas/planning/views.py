"""Planning pages: state view, region reports (HTML/PDF), costs, equity, exports, scenarios."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from integrationsatlas.assessments import provenance
from integrationsatlas.assessments.costs import plausibility_notes, rule_costs
from integrationsatlas.assessments.models import Assessment
from integrationsatlas.assessments.run import AssessmentError, run_assessment
from integrationsatlas.regions.models import Region
from integrationsatlas.regions.svgmap import region_map
from integrationsatlas.regions.views import AGS_PATTERN
from integrationsatlas.standards.models import StandardSet
from integrationsatlas.taxonomy.models import Level

from . import charts, exports, future, reach, target_groups
from .access import (
    LoginNeeded,
    assessment_or_deny,
    is_planner,
    is_state_admin,
    login_redirect,
    require_planner,
    visible_assessments,
)
from .compare import comparison
from .fairness import equity_table, level_label
from .overview import count_sentence, overview_class, overview_legend, rule_counts
from .queries import (
    PAYERS,
    cost_summary,
    default_assessment,
    levels_with_rows,
    rows_of,
    rule_codes,
    rules_by_code,
    sort_rows,
    status_by_region,
    status_counts,
)
from .report import report_context
from .scenarios import (
    ScenarioError,
    add_planned_service,
    change_rule,
    copy_standard_set,
    planned_services,
    run_scenario,
)


def planning_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Turn LoginNeeded into a redirect to the login page."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except LoginNeeded:
            return login_redirect(request)

    return wrapper


def _today() -> dt.date:
    return timezone.localdate()


@planning_view
def index(request: HttpRequest) -> HttpResponse:
    assessments = visible_assessments(request.user).order_by("-reference_date", "-created_at")
    if not assessments.exists() and not request.user.is_authenticated:
        require_planner(request)
    return render(
        request,
        "planning/index.html",
        {
            "assessments": assessments,
            "kreise": Region.objects.filter(level=Region.Level.KREIS),
            "can_publish": is_state_admin(request.user),
            "can_assess": is_planner(request.user),
            "standard_sets": StandardSet.objects.filter(is_scenario=False).order_by("name"),
            "today": _today(),
        },
    )


@require_POST
@planning_view
def new_assessment(request: HttpRequest) -> HttpResponse:
    """A planner runs the engine from the start page: standard set, level, reference date."""
    require_planner(request)
    standard_set = StandardSet.objects.filter(
        pk=request.POST.get("standard_set") or None, is_scenario=False
    ).first()
    raw_date = request.POST.get("reference_date", "").strip()
    try:
        date = dt.date.fromisoformat(raw_date) if raw_date else _today()
    except ValueError:
        messages.error(
            request, _("Stichtag: „%(d)s“ ist kein Datum (JJJJ-MM-TT).") % {"d": raw_date}
        )
        return redirect("planning:index")
    if standard_set is None:
        messages.error(request, _("Standardsatz: Bitte einen Standardsatz wählen."))
        return redirect("planning:index")
    try:
        assessment = run_assessment(
            standard_set, request.POST.get("level", ""), date, user=request.user
        )
    except AssessmentError as error:
        messages.error(request, str(error))
        return redirect("planning:index")
    messages.success(request, _("Bewertung berechnet."))
    return redirect("planning:state", pk=assessment.pk)


@planning_view
def state_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Overview of all rules (rules met per region) or one rule's status, on one level."""
    assessment = assessment_or_deny(request, pk)
    levels = levels_with_rows(assessment) or [Region.Level.KREIS]
    default_level = assessment.level if assessment.level in levels else levels[0]
    level = request.GET.get("ebene") if request.GET.get("ebene") in levels else default_level
    codes = rule_codes(assessment)
    rules = rules_by_code(assessment)
    rule = request.GET.get("regel") if request.GET.get("regel") in codes else ""
    rows = rows_of(assessment, level=level, rule_code=rule or None)
    sort = request.GET.get("sortierung", "ags")
    descending = request.GET.get("richtung") == "ab"
    page = Paginator(sort_rows(rows, sort, descending), 200).get_page(request.GET.get("seite"))
    names = {r.region_id: r.region.name for r in rows}
    rule_title = _rule_title(rules, rule)
    if rule:
        title = _("Status je %(level)s: %(rule)s") % {
            "level": level_label(level),
            "rule": rule_title,
        }
    else:
        title = _("Erfüllte Regeln je %(level)s") % {"level": level_label(level)}
    statuses, titles, legend = _map_inputs(rows, bool(rule), names)
    choropleth = charts.choropleth(
        region_map(level),
        statuses,
        title,
        link=lambda ags: reverse("planning:region", args=[ags]) + f"?bewertung={assessment.pk}",
        marks=level == Region.Level.KREIS,
        titles=titles,
    )
    return render(
        request,
        "planning/state.html",
        {
            "assessment": assessment,
            "levels": [(lv, level_label(lv)) for lv in levels],
            "level": level,
            "rule_choices": [(code, _rule_title(rules, code)) for code in codes],
            "rule": rule,
            "rule_title": rule_title,
            "basis_note": _basis_note(rows, rules.get(rule)) if rule else "",
            "page": page,
            "sort": sort,
            "descending": descending,
            "map": choropleth,
            "map_title": title,
            "legend": legend,
            "counts": status_counts(rows),
            "region_counts": sorted(rule_counts(rows).items()) if not rule else [],
            "region_status": sorted(statuses.items()),
            "region_names": names,
            "can_publish": is_state_admin(request.user),
            "target_groups": target_groups.state_view(assessment, level),
            "transit_reach": reach.section(assessment, request.GET.get("minuten")),
            "can_assess_reach": is_planner(request.user),
            "future_pair": future.pair_for(visible_assessments(request.user), assessment, _today()),
            "level_name": level_label(level),
            "columns": [
                ("region", _("Region")),
                ("rule", _("Regel")),
                ("value", _("Wert")),
                ("target", _("Ziel")),
                ("status", _("Status")),
                ("deficit", _("Fehlbedarf")),
                ("cost", _("Kosten/Jahr (EUR)")),
            ],
        },
    )


def _map_inputs(rows: list, one_rule: bool, names: dict[str, str]) -> tuple[dict, dict, str]:
    """Map classes, tooltips and legend: one rule's status, or the overview of all rules."""
    if one_rule:
        titles = {r.region_id: _row_title(r) for r in rows}
        return status_by_region(rows), titles, charts.legend()
    counts = rule_counts(rows)
    statuses = {ags: overview_class(c) for ags, c in counts.items()}
    titles = {ags: count_sentence(names.get(ags, ags), c) for ags, c in counts.items()}
    return statuses, titles, overview_legend()


def _rule_title(rules: dict, code: str) -> str:
    rule = rules.get(code)
    return f"{rule.title} ({code})" if rule is not None and rule.title else code


def _row_title(row) -> str:
    """Map tooltip of one rule's row: region, status and, if not judged here, on what basis."""
    text = f"{row.region.name}: {charts.status_label(row.status)}"
    return text if row.basis == "own" else f"{text} ({row.get_basis_display()})"


def _basis_note(rows: list, rule) -> str:
    """What the selected rule's rows on this level are, when the rule is judged elsewhere."""
    bases = {r.basis for r in rows}
    if "parent" in bases:
        return _(
            "Diese Regel wird je Kreis bewertet. Jede Gemeinde zeigt das Ergebnis ihres "
            "Kreises; es wird nicht je Gemeinde neu berechnet. Fehlbedarf und Kosten zählen "
            "einmal, beim Kreis."
        )
    share = (rule.summary or {}).get("target", 1.0) if rule is not None else 1.0
    if "share_population" in bases:
        return _(
            "Diese Regel wird je Gemeinde bewertet. Je Kreis steht der Anteil der Einwohner, "
            "die in Gemeinden leben, in denen sie erfüllt ist; erfüllt ab %(share)s %%. "
            "Fehlbedarf und Kosten: Summe der Gemeinden."
        ) % {"share": f"{share * 100:g}"}
    if "share_regions" in bases:
        return _(
            "Diese Regel wird je Gemeinde bewertet. Je Kreis steht der Anteil seiner Gemeinden, "
            "in denen sie erfüllt ist; erfüllt ab %(share)s %%. Fehlbedarf und Kosten: Summe "
            "der Gemeinden."
        ) % {"share": f"{share * 100:g}"}
    return ""


@planning_view
def future_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Today and the future date (2030) side by side for every region and rule of a level."""
    assessment = assessment_or_deny(request, pk)
    pair = future.pair_for(visible_assessments(request.user), assessment, _today())
    if pair is None:
        raise Http404(_("Keine zweite Bewertung dieses Standardsatzes für einen anderen Stichtag."))
    levels = levels_with_rows(pair.future) or [Region.Level.KREIS]
    level = request.GET.get("ebene") if request.GET.get("ebene") in levels else levels[0]
    items = future.lines(pair, level=level)
    return render(
        request,
        "planning/future.html",
        {
            "assessment": assessment,
            "pair": pair,
            "levels": [(lv, level_label(lv)) for lv in levels],
            "level": level,
            "lines": items,
            "summary": future.summary(items),
            "sources": list(
                dict.fromkeys(
                    provenance.source_lines(pair.today) + provenance.source_lines(pair.future)
                )
            ),
        },
    )


@planning_view
def row_detail(request: HttpRequest, pk: int, row_id: int) -> HttpResponse:
    assessment = assessment_or_deny(request, pk)
    row = get_object_or_404(assessment.rows.select_related("region", "rule"), pk=row_id)
    return render(request, "planning/row.html", {"assessment": assessment, "row": row})


@planning_view
def costs(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_or_deny(request, pk)
    rows = rows_of(assessment)
    summary = cost_summary(rows)
    by_rule = rule_costs(assessment, rows)
    payer_names = dict(Level.choices)
    chart = charts.bar_chart(
        [(str(payer_names[p]), summary["total"].payers[p]) for p in PAYERS],
        _("Kosten je Jahr nach Kostenträger"),
        "EUR",
    )
    return render(
        request,
        "planning/costs.html",
        {
            "assessment": assessment,
            "summary": summary,
            "by_rule": by_rule,
            "notes": plausibility_notes(assessment, by_rule),
            "payers": [(p, payer_names[p]) for p in PAYERS],
            "chart": chart,
        },
    )


@planning_view
def costs_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    assessment = assessment_or_deny(request, pk)
    rows = exports.cost_rows(assessment)
    return _download(assessment, rows, exports.COST_COLUMNS, fmt, "kosten")


@planning_view
def group_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The target-group view of an assessment as CSV or XLSX, one row per region and group."""
    assessment = assessment_or_deny(request, pk)
    rows = target_groups.export_rows(assessment)
    return _download(assessment, rows, target_groups.GROUP_COLUMNS, fmt, "zielgruppen")


@planning_view
def export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    assessment = assessment_or_deny(request, pk)
    if fmt == "geojson":
        response = HttpResponse(exports.to_geojson(assessment), content_type="application/geo+json")
        response["Content-Disposition"] = f'attachment; filename="bewertung-{pk}.geojson"'
        return response
    return _download(
        assessment, exports.assessment_rows(assessment), exports.ROW_COLUMNS, fmt, "bewertung"
    )


def _download(assessment, rows, columns, fmt: str, stem: str) -> HttpResponse:
    name = f"{stem}-{assessment.pk}"
    if fmt == "csv":
        response = HttpResponse(exports.to_csv(rows, columns), content_type="text/csv")
    elif fmt == "xlsx":
        response = HttpResponse(
            exports.to_xlsx(rows, columns, assessment, stem),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404("Unbekanntes Format.")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@planning_view
def equity_view(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_or_deny(request, pk)
    table = equity_table(assessment)
    chart = charts.bar_chart(
        [
            (f"{e.rule_code} ({level_label(e.level)})", e.result.gini)
            for e in table
            if e.result.gini == e.result.gini
        ],
        _("Gini-Koeffizient der Erfüllung je Regel (0 = gleich verteilt)"),
    )
    return render(
        request,
        "planning/equity.html",
        {"assessment": assessment, "table": table, "chart": chart, "level_label": level_label},
    )


@require_POST
@planning_view
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    require_planner(request)
    if not is_state_admin(request.user):
        raise PermissionDenied("Nur die Landesadministration kann Bewertungen veröffentlichen.")
    assessment = get_object_or_404(Assessment, pk=pk)
    if assessment.is_scenario:
        messages.error(request, _("Szenarien werden nicht veröffentlicht."))
    else:
        assessment.is_published = request.POST.get("publish") == "1"
        assessment.save(update_fields=["is_published"])
        messages.success(
            request,
            _("Bewertung ist jetzt öffentlich.")
            if assessment.is_published
            else _("Bewertung ist nicht mehr öffentlich."),
        )
    return redirect("planning:state", pk=pk)


def _region_and_assessment(request: HttpRequest, ags: str) -> tuple[Region, Assessment | None]:
    if not AGS_PATTERN.match(ags):
        raise Http404("Kein gültiger Regionalschlüssel.")
    region = Region.objects.select_related("parent").filter(ags=ags).first()
    if region is None or region.level == Region.Level.LAND:
        raise Http404("Region nicht gefunden.")
    chosen = request.GET.get("bewertung")
    if chosen and chosen.isdigit():
        return region, assessment_or_deny(request, int(chosen))
    assessment = default_assessment(visible_assessments(request.user), ags, _today())
    if assessment is None:
        require_planner(request)
    return region, assessment


@planning_view
def region_report(request: HttpRequest, ags: str) -> HttpResponse:
    region, assessment = _region_and_assessment(request, ags)
    context = report_context(region, assessment, visible_assessments(request.user), _today())
    context["payers"] = [(p, dict(Level.choices)[p]) for p in PAYERS]
    return render(request, "planning/region.html", context)


@planning_view
def region_pdf(request: HttpRequest, ags: str) -> HttpResponse:
    from . import pdfcache
    from .pdf import render_pdf

    region, assessment = _region_and_assessment(request, ags)
    refused = pdfcache.too_many(request)
    if refused is not None:
        return refused
    readable, today = visible_assessments(request.user), _today()

    def render() -> bytes:
        context = report_context(region, assessment, readable, today)
        context["payers"] = [(p, dict(Level.choices)[p]) for p in PAYERS]
        return render_pdf("planning/region_pdf.html", context, request)

    pdf = pdfcache.cached_pdf(pdfcache.pdf_key(region, assessment, readable, today), render)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bericht-{ags}.pdf"'
    return response


@planning_view
def scenario_list(request: HttpRequest) -> HttpResponse:
    require_planner(request)
    if request.method == "POST":
        base = StandardSet.objects.filter(pk=request.POST.get("base")).first()
        if base is None:
            messages.error(request, _("base: Bitte einen Standardsatz wählen."))
        else:
            try:
                scenario = copy_standard_set(request.user, base, request.POST.get("name", ""))
            except ScenarioError as error:
                messages.error(request, str(error))
            else:
                return redirect("planning:scenario", pk=scenario.pk)
    return render(
        request,
        "planning/scenarios.html",
        {
            "scenarios": StandardSet.objects.filter(is_scenario=True).order_by("-created_at"),
            "bases": StandardSet.objects.filter(is_scenario=False),
            "assessments": Assessment.objects.select_related("standard_set").order_by(
                "-created_at"
            )[:50],
        },
    )


@planning_view
def scenario_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_planner(request)
    scenario = get_object_or_404(StandardSet, pk=pk, is_scenario=True)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "rule":
                change_rule(
                    scenario,
                    request.POST.get("code", ""),
                    request.POST.get("target", ""),
                    {p: request.POST.get(f"financing_{p}", "") for p in PAYERS},
                )
                messages.success(request, _("Regel geändert."))
            elif action == "planned":
                add_planned_service(scenario, request.POST.dict())
                messages.success(
                    request, _("Geplantes Angebot gespeichert (nicht veröffentlicht).")
                )
            elif action == "run":
                base = get_object_or_404(Assessment, pk=request.POST.get("base"))
                date = request.POST.get("reference_date") or ""
                result = run_scenario(
                    request.user, scenario, base, dt.date.fromisoformat(date) if date else None
                )
                url = reverse("planning:compare") + f"?a={base.pk}&b={result.pk}"
                return redirect(url)
        except (ScenarioError, ValueError) as error:
            messages.error(request, str(error))
        return redirect("planning:scenario", pk=pk)
    base_sets = [scenario.copied_from_id, scenario.pk]
    # (code, name) pairs: people choose offer types by name, the form sends the code.
    offer_types = sorted(
        {
            (r.offer_type.code, r.offer_type.name)
            for r in scenario.rules.select_related("offer_type")
        },
        key=lambda pair: pair[1],
    )
    return render(
        request,
        "planning/scenario.html",
        {
            "scenario": scenario,
            "rules": scenario.rules.select_related("offer_type"),
            "planned": planned_services(scenario),
            "payers": PAYERS,
            "bases": Assessment.objects.filter(
                standard_set_id__in=base_sets, is_scenario=False
            ).order_by("-reference_date"),
            "runs": Assessment.objects.filter(standard_set=scenario).order_by("-created_at"),
            "offer_types": offer_types,
            "offer_type_names": dict(offer_types),
        },
    )


@planning_view
def compare_view(request: HttpRequest) -> HttpResponse:
    require_planner(request)
    a_id, b_id = request.GET.get("a", ""), request.GET.get("b", "")
    if not (a_id.isdigit() and b_id.isdigit()):
        raise Http404("Zwei Bewertungen (a, b) angeben.")
    a = get_object_or_404(Assessment.objects.select_related("standard_set"), pk=a_id)
    b = get_object_or_404(Assessment.objects.select_related("standard_set"), pk=b_id)
    result = comparison(a, b)
    show_all = request.GET.get("alle") == "1"
    return render(
        request,
        "planning/compare.html",
        {
            "a": a,
            "b": b,
            "result": result,
            "rows": result["changes"] if show_all else result["status_changes"],
            "show_all": show_all,
            "payer_names": dict(Level.choices),
        },
    )
