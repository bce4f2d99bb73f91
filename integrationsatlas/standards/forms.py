"""Forms of the standard-set pages: import, copy and edit (the YAML document as text)."""

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD = 1_000_000


class ImportForm(forms.Form):
    file = forms.FileField(label=_("YAML-Datei"), required=False)
    text = forms.CharField(
        label=_("oder YAML-Text einfügen"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    replace = forms.BooleanField(
        label=_("vorhandenen Satz gleicher Kennung ersetzen"), required=False
    )

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload is not None:
            if upload.size > MAX_UPLOAD:
                raise forms.ValidationError(_("Die Datei ist größer als 1 MB."))
            try:
                data["text"] = upload.read().decode("utf-8")
            except UnicodeDecodeError as exc:
                raise forms.ValidationError(_("Die Datei ist nicht UTF-8-kodiert.")) from exc
        if not (data.get("text") or "").strip():
            raise forms.ValidationError(_("Bitte eine Datei wählen oder YAML-Text einfügen."))
        return data


class CopyForm(forms.Form):
    new_slug = forms.SlugField(label=_("Kennung der Kopie"), max_length=100)
    name = forms.CharField(label=_("Name der Kopie"), max_length=200, required=False)


class EditForm(forms.Form):
    text = forms.CharField(
        label=_("Dokument (YAML)"), widget=forms.Textarea(attrs={"rows": 30, "spellcheck": "false"})
    )
