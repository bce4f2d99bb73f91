"""Read an HTML form the way a browser submits it: every named field with its current value."""

from __future__ import annotations

from html.parser import HTMLParser


class _FormParser(HTMLParser):
    def __init__(self, form_class: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_class = form_class
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self.text_fields: list[str] = []  # names a person types into (text inputs, textareas)
        self._textarea: str | None = None
        self._text = ""
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and self.form_class in a.get("class", "").split():
            self.inside = True
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields.append((name, a.get("value", "on")))
            elif kind not in ("submit", "button", "file"):
                self.fields.append((name, a.get("value", "")))
                if kind in ("text", "email", "url", "tel", "search"):
                    self.text_fields.append(name)
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value", "")))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, self._text.removeprefix("\n")))
            self.text_fields.append(self._textarea)
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form" and self.inside:
            self.inside = False


def read_form(html: str, form_class: str) -> tuple[dict[str, list[str]], list[str]]:
    """(field name -> values, names of the free-text fields) of the form with that CSS class."""
    parser = _FormParser(form_class)
    parser.feed(html)
    fields: dict[str, list[str]] = {}
    for name, value in parser.fields:
        fields.setdefault(name, []).append(value)
    if not fields:
        raise AssertionError(f"no form with class {form_class!r} on the page")
    return fields, parser.text_fields


def with_values(fields: dict[str, list[str]], **changes: str) -> dict[str, list[str]]:
    """A copy of the form data with some fields set to one value each."""
    data = {name: list(values) for name, values in fields.items()}
    for name, value in changes.items():
        data[name] = [value]
    return data
