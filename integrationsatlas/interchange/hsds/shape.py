"""The JSON types an HSDS service entry must have where the import reads it, checked with JSON paths.

The reader (`read.py`) expects objects, lists and single values at known places. A value of
another JSON type there (a text where a list of languages belongs, a number where an object
belongs) is named here by its path, e.g. `service_at_locations[0].location.addresses`,
before the reader runs, so no Python error text ever reaches a user. Keys the import does not
read are not checked; `null` is accepted wherever the reader treats it as absent.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

VALUE = "value"  # text, number, true/false or null: never an object or a list

ATTRIBUTE = {"value": VALUE, "taxonomy_term": {"taxonomy": VALUE, "code": VALUE}}
ATTRIBUTES = [ATTRIBUTE]
SCHEDULE = dict.fromkeys(
    ("opens_at", "closes_at", "byday", "freq", "valid_from", "valid_to"), VALUE
) | {"notes": VALUE}
LOCATION = {
    **dict.fromkeys(("id", "name", "location_type", "longitude", "latitude"), VALUE),
    "transportation": VALUE,
    "addresses": [{"address_1": VALUE, "postal_code": VALUE, "city": VALUE}],
    "attributes": ATTRIBUTES,
    "schedules": [SCHEDULE],
    "accessibility": [{"details": VALUE, "description": VALUE}],
}
ORGANIZATION = {
    **dict.fromkeys(("id", "name", "description", "email", "website"), VALUE),
    "phones": [{"number": VALUE}],
    "attributes": ATTRIBUTES,
}
SERVICE: dict[str, Any] = {
    **dict.fromkeys(
        (
            "id",
            "name",
            "description",
            "email",
            "url",
            "status",
            "fees_description",
            "eligibility_description",
            "organization_id",
        ),
        VALUE,
    ),
    "attributes": ATTRIBUTES,
    "languages": [{"code": VALUE}],
    "service_areas": [{"extent": VALUE, "name": VALUE}],
    "service_at_locations": [{"location_id": VALUE, "schedules": [SCHEDULE], "location": LOCATION}],
    "funding": [{"attributes": ATTRIBUTES, "source": VALUE}],
    "organization": ORGANIZATION,
    "phones": [{"number": VALUE}],
    "required_documents": [{"document": VALUE}],
    "contacts": [{"name": VALUE}],
    "schedules": [SCHEDULE],
}


def _type_name(value: Any) -> str:
    if isinstance(value, dict):
        return _("ein Objekt")
    if isinstance(value, list):
        return _("eine Liste")
    if isinstance(value, str):
        return _("ein Text")
    if isinstance(value, bool):
        return _("ein Wahrheitswert")
    return _("eine Zahl")


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def shape_problems(value: Any, shape: Any = None, path: str = "") -> list[tuple[str, str]]:
    """(JSON path, German message) for every place where `value` has the wrong JSON type."""
    shape = SERVICE if shape is None else shape
    if value is None:
        return []
    found = _type_name(value)
    if shape == VALUE:
        if isinstance(value, dict | list):
            return [(path, _("erwartet ein einzelner Wert (Text oder Zahl), gefunden %(t)s.")
                     % {"t": found})]  # fmt: skip
        return []
    if isinstance(shape, list):
        if not isinstance(value, list):
            return [(path, _("erwartet eine Liste, gefunden %(t)s.") % {"t": found})]
        problems = []
        for index, item in enumerate(value):
            problems += shape_problems(item, shape[0], f"{path}[{index}]")
        return problems
    if not isinstance(value, dict):
        return [(path or "-", _("erwartet ein Objekt, gefunden %(t)s.") % {"t": found})]
    problems = []
    for key, inner in shape.items():
        if key in value:
            problems += shape_problems(value[key], inner, _join(path, key))
    return problems
