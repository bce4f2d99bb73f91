"""The allocation page under planning: the Land's Zuweisung per Kreis (§§ 1-2 KomIntAVO) beside need."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from integrationsatlas.core.tables import format_rows
from integrationsatlas.registry.permissions import is_planner
from integrationsatlas.standards.law import PURPOSES
from integrationsatlas.standards.models import Rule

from .allocation import AllocationError, AllocationResult, allocation


def _rule_choices(user) -> list[tuple[str, str]]:
    """Ratio rules of the sets this user may see: published sets for all, drafts for planners."""
    rules = Rule.objects.filter(kind=Rule.Kind.RATIO, standard_set__is_scenario=False)
    if not is_planner(user):
        rules = rules.filter(standard_set__status="published")
    rules = rules.select_related("standard_set").order_by("standard_set__name", "position")
    return [("", _("ohne Bedarf"))] + [
        (f"{r.standard_set.slug}/{r.code}", f"{r.standard_set.name}: {r.title or r.code}")
        for r in rules
    ]


class AllocationForm(forms.Form):
    amount = forms.CharField(label=_("Verteilungsmasse (Euro)"), max_length=30)
    year = forms.IntegerField(
        label=_("Haushaltsjahr"),
        required=False,
        min_value=1990,
        max_value=2100,
        help_text=_("leer: die neuesten geladenen Einwohnerzahlen"),
    )
    purpose = forms.ChoiceField(label=_("Fördergegenstand"), required=False)
    need = forms.ChoiceField(label=_("Bedarf nach Regel"), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["purpose"].choices = [("", "–")] + [
            (p.code, f"{p.name} ({p.citation})") for p in PURPOSES.values()
        ]
        self.fields["need"].choices = _rule_choices(user)


def _result(form: AllocationForm) -> AllocationResult | None:
    """The allocation for a valid form; its errors go onto the form's fields."""
    if not form.is_valid():
        return None
    data = form.cleaned_data
    standard_set, _slash, rule = (data.get("need") or "").partition("/")
    try:
        return allocation(
            data["amount"],
            year=data.get("year"),
            purpose=data.get("purpose") or None,
            standard_set=standard_set or None,
            rule=rule or None,
        )
    except AllocationError as error:
        field = {"standard_set": "need", "rule": "need"}.get(error.field, error.field)
        form.add_error(field if field in form.fields else None, str(error))
        return None


def _csv_columns(result: AllocationResult) -> list[str]:
    """The download keeps its sources: the allocation columns gain the source column."""
    return result.columns if "source" in result.columns else [*result.columns, "source"]


def allocation_page(request: HttpRequest) -> HttpResponse:
    """Form and table; `?format=csv` downloads the same rows (sources in their own column)."""
    form = AllocationForm(request.GET or None, user=request.user)
    result = _result(form) if request.GET else None
    if result is not None and request.GET.get("format") == "csv":
        response = HttpResponse(
            format_rows(result.rows, _csv_columns(result), "csv"),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="zuweisung.csv"'
        return response
    totals = None
    if result is not None:
        totals = {
            "population": sum(r["population"] for r in result.rows),
            "allocation": sum(r["allocation"] for r in result.rows),
            "share": sum(r["share"] for r in result.rows),
        }
    return render(
        request,
        "planning/allocation.html",
        {
            "form": form,
            "result": result,
            "totals": totals,
            "is_demo": bool(result and result.includes_demo_data),
            "csv_query": request.GET.urlencode(),
        },
    )
