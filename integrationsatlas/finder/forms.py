"""The finder's search form (GET): every field checked, so bad input becomes a message, not an error."""

from django import forms
from django.utils.translation import gettext_lazy as _

from integrationsatlas.registry.models import Service

from .languages import LANGUAGE_NAMES
from .places import MAX_QUERY_LENGTH
from .search import DEFAULT_RADIUS, RADIUS_CHOICES

MAX_PAGE = 1000


class _FixedChoices:
    """Choices that are the same for every request: shared by the form copies, not deep-copied.

    Django deep-copies every field for each form; for a choice field that means copying its
    list of (lazily translated) labels, a fifth of what building the finder's form costs.
    """

    def __deepcopy__(self, memo):
        result = forms.Field.__deepcopy__(self, memo)
        result._choices = self._choices
        return result


class FixedChoiceField(_FixedChoices, forms.ChoiceField):
    pass


class FixedTypedChoiceField(_FixedChoices, forms.TypedChoiceField):
    pass


class SearchForm(forms.Form):
    art = forms.SlugField(label=_("Was suchen Sie?"), max_length=60)
    ort = forms.CharField(
        label=_("Ort oder Postleitzahl"), max_length=MAX_QUERY_LENGTH, required=False
    )
    ags = forms.RegexField(regex=r"^\d{8}$", required=False, widget=forms.HiddenInput)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput)
    umkreis = FixedTypedChoiceField(
        label=_("Umkreis"),
        choices=[(r, _("%(km)s km") % {"km": r}) for r in RADIUS_CHOICES],
        coerce=int,
        required=False,
        empty_value=DEFAULT_RADIUS,
    )
    sprache = FixedChoiceField(
        label=_("Sprache des Angebots"),
        choices=[("", _("alle Sprachen"))] + [(k, v) for k, v in LANGUAGE_NAMES.items()],
        required=False,
    )
    gruppe = FixedChoiceField(
        label=_("Für wen"),
        choices=[("", _("alle"))] + list(Service.TargetGroup.choices),
        required=False,
    )
    offen = forms.BooleanField(label=_("jetzt geöffnet"), required=False)
    kostenlos = forms.BooleanField(label=_("kostenlos"), required=False)
    barrierefrei = forms.BooleanField(label=_("barrierefreier Zugang"), required=False)
    seite = forms.IntegerField(min_value=1, max_value=MAX_PAGE, required=False)
    ansicht = FixedChoiceField(choices=[("liste", "liste"), ("karte", "karte")], required=False)

    def clean(self):
        data = super().clean()
        lat, lon = data.get("lat"), data.get("lon")
        if (lat is None) != (lon is None):
            raise forms.ValidationError(_("Bitte beide Koordinaten angeben."))
        if not (data.get("ort") or data.get("ags") or lat is not None):
            self.add_error("ort", _("Bitte geben Sie einen Ort oder eine Postleitzahl ein."))
        return data
