"""The finder's search form (GET): every field checked, so bad input becomes a message, not an error."""

from django import forms
from django.utils.translation import gettext_lazy as _

from integrationsatlas.registry.languages import finder_languages, name_lazy
from integrationsatlas.registry.models import Service

from .places import MAX_QUERY_LENGTH
from .search import DEFAULT_RADIUS, RADIUS_CHOICES

MAX_PAGE = 1000


class _SharedFields(dict):
    """The form's fields, shared by every form made from it instead of deep-copied.

    Django deep-copies each field (with its widget, validators and choices) for every form,
    so that a form may change its own fields; the finder's never does, and the copy was
    about half of what checking a search cost. Fields hold no state of a request.
    """

    def __deepcopy__(self, memo: dict) -> dict:
        return dict(self)


class SearchForm(forms.Form):
    art = forms.SlugField(label=_("Was suchen Sie?"), max_length=60)
    ort = forms.CharField(
        label=_("Ort oder Postleitzahl"), max_length=MAX_QUERY_LENGTH, required=False
    )
    ags = forms.RegexField(regex=r"^\d{8}$", required=False, widget=forms.HiddenInput)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput)
    umkreis = forms.TypedChoiceField(
        label=_("Umkreis"),
        choices=[(r, _("%(km)s km") % {"km": r}) for r in RADIUS_CHOICES],
        coerce=int,
        required=False,
        empty_value=DEFAULT_RADIUS,
    )
    sprache = forms.ChoiceField(
        label=_("Sprache des Angebots"),
        choices=[("", _("alle Sprachen"))] + [(c, name_lazy(c)) for c in finder_languages()],
        required=False,
    )
    gruppe = forms.ChoiceField(
        label=_("Für wen"),
        choices=[("", _("alle"))] + list(Service.TargetGroup.choices),
        required=False,
    )
    offen = forms.BooleanField(label=_("jetzt geöffnet"), required=False)
    kostenlos = forms.BooleanField(label=_("kostenlos"), required=False)
    barrierefrei = forms.BooleanField(label=_("barrierefreier Zugang"), required=False)
    seite = forms.IntegerField(min_value=1, max_value=MAX_PAGE, required=False)
    ansicht = forms.ChoiceField(choices=[("liste", "liste"), ("karte", "karte")], required=False)

    def clean(self):
        data = super().clean()
        lat, lon = data.get("lat"), data.get("lon")
        if (lat is None) != (lon is None):
            raise forms.ValidationError(_("Bitte beide Koordinaten angeben."))
        if not (data.get("ort") or data.get("ags") or lat is not None):
            self.add_error("ort", _("Bitte geben Sie einen Ort oder eine Postleitzahl ein."))
        return data


SearchForm.base_fields = _SharedFields(SearchForm.base_fields)  # type: ignore[misc]
