"""Yearly activity figures of one service (KomIntAVO § 14): the form, its page and saving.

Who may record them is `permissions.can_record_figures`; every save is one history record
(django-simple-history) with the person and the reason, like every other registry edit.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import permissions
from .history import mark
from .models import ActivityFigures, Service

FIGURE_FIELDS = [
    "fte",
    *(f"consultations_{topic}" for topic in ActivityFigures.TOPICS),
    "orientation_measures",
    "language_mediation_missions",
    "community_interpreter_missions",
    "voluntary_departures",
    "note",
]


class CommaDecimalField(forms.DecimalField):
    """Accepts "1,5" as well as "1.5": German users type the comma, and "1.5" must never be
    read as 15 (as a thousands separator would)."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        return super().to_python(value)


class ActivityFiguresForm(forms.ModelForm):
    """One year's figures; the year is part of the form so one page serves every year."""

    reason = forms.CharField(
        label=gettext_lazy("Grund der Änderung"), required=False, max_length=300
    )
    # The stored state the form was opened on ("year:updated_at", empty for a new year): a save
    # over figures someone stored meanwhile, or over another year's, is refused, not merged.
    stand = forms.CharField(widget=forms.HiddenInput, required=False, max_length=80)

    class Meta:
        model = ActivityFigures
        fields = ["year", *FIGURE_FIELDS]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"fte": CommaDecimalField}

    def __init__(self, *args, service: Service, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.service = service
        for name, field in self.fields.items():
            if isinstance(field, forms.IntegerField | forms.DecimalField):
                # A text field: a number field would refuse the German comma in "1,5".
                mode = "decimal" if name == "fte" else "numeric"
                field.widget = forms.TextInput(attrs={"inputmode": mode, "size": 8})
                # Shown as "1,25" in German; parsing stays CommaDecimalField's own.
                field.widget.is_localized = name == "fte"
                field.error_messages["invalid"] = _("Bitte eine Zahl eingeben.")
                field.error_messages["min_value"] = _(
                    "Bitte eine Zahl ab %(limit_value)s eingeben."
                )
                field.error_messages["max_value"] = _(
                    "Bitte eine Zahl bis %(limit_value)s eingeben."
                )
        self.fields["year"].error_messages["required"] = _("Bitte ein Kalenderjahr angeben.")

    def clean(self) -> dict:
        data = super().clean()
        figures = [data.get(name) for name in FIGURE_FIELDS if name != "note"]
        if not self._errors and all(value is None for value in figures):
            raise forms.ValidationError(
                _("Bitte mindestens eine Zahl eintragen; leere Felder gelten als „nicht erfasst“.")
            )
        return data

    def validate_unique(self) -> None:
        # The (service, year) pair is unique; saving updates the existing year instead.
        pass

    def problems(self) -> list[dict[str, str]]:
        """Every error with the label of its field, for the summary above the form."""
        found = []
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else _("Formular")
            anchor = f"id_{name}" if name in self.fields else ""
            found += [{"label": str(label), "anchor": anchor, "message": e} for e in errors]
        return found


def stand_of(row: ActivityFigures | None) -> str:
    return f"{row.year}:{row.updated_at.isoformat()}" if row is not None and row.pk else ""


class FiguresConflict(Exception):
    """The year's stored figures are not the ones the form was opened on."""


def save_figures(user, service: Service, form: ActivityFiguresForm) -> ActivityFigures:
    """Create or update the service's row for the form's year; one history record per save.

    Raises FiguresConflict (nothing saved) when the year has figures the form did not show.
    """
    year = form.cleaned_data["year"]
    with transaction.atomic():
        row = ActivityFigures.objects.select_for_update().filter(service=service, year=year).first()
        if row is not None and stand_of(row) != form.cleaned_data.get("stand"):
            raise FiguresConflict(row)
        row = row or ActivityFigures(service=service, year=year)
        for name in FIGURE_FIELDS:
            setattr(row, name, form.cleaned_data.get(name))
        row.is_demo = service.is_demo
        row.updated_by = user
        mark(row, user, form.cleaned_data.get("reason") or "")
        row.save()
    return row


def _conflict_message(row: ActivityFigures) -> str:
    return _(
        "Für %(year)s sind Zahlen gespeichert, die dieses Formular nicht zeigt (zuletzt "
        "%(date)s von %(user)s). Nichts wurde gespeichert: bitte das Jahr %(year)s neu öffnen."
    ) % {
        "year": row.year,
        "date": timezone.localtime(row.updated_at).strftime("%d.%m.%Y %H:%M"),
        "user": row.updated_by.get_username() if row.updated_by else _("System"),
    }


def _service(request: HttpRequest, pk: int) -> Service:
    service = Service.objects.select_related("organization", "offer_type").filter(pk=pk).first()
    if service is None or not permissions.can_record_figures(request.user, service):
        raise Http404(_("Angebot nicht gefunden."))
    return service


def _initial_year(request: HttpRequest) -> int:
    raw = request.GET.get("jahr", "")
    this_year = timezone.localdate().year
    return int(raw) if raw.isdigit() and 2015 <= int(raw) <= this_year else this_year - 1


@login_required
def activity_figures(request: HttpRequest, pk: int) -> HttpResponse:
    """The service's recorded years, the form for one year, and the history of the figures."""
    service = _service(request, pk)
    if request.method == "POST":
        form = ActivityFiguresForm(request.POST, service=service)
        if form.is_valid():
            try:
                row = save_figures(request.user, service, form)
            except FiguresConflict as conflict:
                form.add_error("year", _conflict_message(conflict.args[0]))
            else:
                messages.success(
                    request, _("Jahreszahlen %(year)s gespeichert.") % {"year": row.year}
                )
                return redirect(f"{request.path}?jahr={row.year}")
        status = 400
    else:
        year = _initial_year(request)
        existing = ActivityFigures.objects.filter(service=service, year=year).first()
        form = ActivityFiguresForm(
            instance=existing,
            initial={"year": year, "stand": stand_of(existing)},
            service=service,
        )
        status = 200
    rows = list(service.activity_figures.order_by("-year"))
    history = (
        ActivityFigures.history.filter(service_id=service.pk)
        .select_related("history_user")
        .order_by("-history_date")[:30]
    )
    context = {
        "service": service,
        "form": form,
        "problems": form.problems() if form.is_bound else [],
        "rows": rows,
        "history": history,
        "topic_fields": [f"consultations_{t}" for t in ActivityFigures.TOPICS],
    }
    return render(request, "registry/figures.html", context, status=status)
