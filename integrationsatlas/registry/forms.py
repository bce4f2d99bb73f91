"""The service edit form without JavaScript: POST fields <-> snapshot payload, plus readable field names.

Rows (sites, weekly hours, closed days, funding) are plain numbered inputs; the page always
offers a few empty rows, and a "more rows" button re-renders with more. Empty rows are ignored,
a ticked "remove" drops a row. Values that do not parse are kept as typed, so the validator
can name them and the page can show them again.
"""

from __future__ import annotations

import re
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _

from integrationsatlas.regions.models import Region

from .fields import FUNDING_FIELDS
from .languages import common_languages, language_name
from .models import Funding, Location, Schedule, Service
from .placing import point_text

SERVICE_TEXT_FIELDS = (
    "name",
    "description",
    "fee_description",
    "eligibility",
    "required_documents",
    "email",
    "phone",
    "website",
    "contact_name",
    "status",
    "offer_type",
)
SERVICE_BOOL_FIELDS = ("is_free", "by_phone", "online")
LOCATION_TEXT_FIELDS = (
    "name",
    "address",
    "postal_code",
    "city",
    "accessibility_notes",
    "transit_notes",
)
SCHEDULE_FIELDS = ("weekday", "opens_at", "closes_at", "valid_from", "valid_to", "note")
EXCEPTION_FIELDS = ("date", "opens_at", "closes_at", "note")
MAX_ROWS = 60  # per list: bounds the work one POST can cause


def _number(value: str):
    """A typed number ('13,7373' or '13.7373') as float; anything else is kept as typed."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return text


def _count(post: QueryDict, key: str) -> int:
    try:
        return max(0, min(MAX_ROWS, int(post.get(key, "0"))))
    except ValueError:
        return 0


def _schedules(post: QueryDict, prefix: str) -> list[dict]:
    rows = []
    for j in range(_count(post, f"{prefix}_count")):
        name = f"{prefix}-{j}"
        row = {field: post.get(f"{name}-{field}", "").strip() for field in SCHEDULE_FIELDS}
        if post.get(f"{name}-remove") or not any(
            row[f] for f in ("weekday", "opens_at", "closes_at")
        ):
            continue
        weekday = row["weekday"]
        row["weekday"] = int(weekday) if weekday.isdigit() else weekday
        rows.append(row)
    return rows


def _exceptions(post: QueryDict, prefix: str) -> list[dict]:
    rows = []
    for j in range(_count(post, f"{prefix}_count")):
        name = f"{prefix}-{j}"
        row: dict[str, Any] = {
            field: post.get(f"{name}-{field}", "").strip() for field in EXCEPTION_FIELDS
        }
        if post.get(f"{name}-remove") or not row["date"]:
            continue
        row["closed"] = not (row["opens_at"] or row["closes_at"])
        rows.append(row)
    return rows


def payload_from_post(post: QueryDict, base: dict[str, Any]) -> dict[str, Any]:
    """Build a snapshot payload from the edit form; fields the form does not show come from `base`."""
    data: dict[str, Any] = {
        "translations": base.get("translations") or {},
        "external_id": base.get("external_id"),
        "is_demo": base.get("is_demo", False),
        "organization": post.get("organization") or base.get("organization"),
        "base_version": post.get("base_version") or None,
    }
    for field in SERVICE_TEXT_FIELDS:
        data[field] = post.get(field, "").strip()
    for field in SERVICE_BOOL_FIELDS:
        data[field] = bool(post.get(field))
    data["capacity"] = _number(post.get("capacity", ""))
    data["target_groups"] = post.getlist("target_groups")
    other = re.split(r"[\s,;]+", post.get("languages_other", "").strip())
    languages = post.getlist("languages") + [code.lower() for code in other if code]
    data["languages"] = list(dict.fromkeys(languages))
    other_regions = re.split(r"[\s,;]+", post.get("service_area_other", "").strip())
    area = post.getlist("service_area") + [key for key in other_regions if key]
    data["service_area"] = list(dict.fromkeys(area))
    locations = []
    for i in range(_count(post, "loc_count")):
        name = f"loc-{i}"
        row: dict[str, Any] = {
            field: post.get(f"{name}-{field}", "").strip() for field in LOCATION_TEXT_FIELDS
        }
        row["longitude"] = _number(post.get(f"{name}-longitude", ""))
        row["latitude"] = _number(post.get(f"{name}-latitude", ""))
        row["wheelchair_accessible"] = bool(post.get(f"{name}-wheelchair_accessible"))
        # Set by the page's map script (clicked, or found from the address); see placing.py.
        row["placement"] = post.get(f"{name}-placement", "").strip()
        row["placed_at"] = post.get(f"{name}-placed_at", "").strip()
        location_id = post.get(f"{name}-id", "")
        row["id"] = int(location_id) if location_id.isdigit() else None
        row["external_id"] = _external_id(base, row["id"])
        row["schedules"] = _schedules(post, f"{name}-sched")
        row["exceptions"] = _exceptions(post, f"{name}-exc")
        empty = not any(row[f] for f in ("address", "city", "postal_code", "name")) and (
            row["longitude"] is None and row["latitude"] is None
        )
        if post.get(f"{name}-remove") or (empty and not row["schedules"]):
            continue
        locations.append(row)
    data["locations"] = locations
    data["remote_schedules"] = _schedules(post, "remote-sched")
    data["remote_exceptions"] = _exceptions(post, "remote-exc")
    fundings = []
    for j in range(_count(post, "fund_count")):
        name = f"fund-{j}"
        row = {field: post.get(f"{name}-{field}", "").strip() for field in FUNDING_FIELDS}
        if post.get(f"{name}-remove") or not row["funder_level"]:
            continue
        row["amount_per_year"] = _number(row["amount_per_year"])
        row["share"] = _number(row["share"]) if row["share"] else 1.0
        fundings.append(row)
    data["fundings"] = fundings
    return data


def _external_id(base: dict, location_id) -> str | None:
    for row in base.get("locations") or []:
        if location_id is not None and row.get("id") == location_id:
            return row.get("external_id")
    return None


# --- rendering ------------------------------------------------------------------------------


def _pad(rows: list[dict], empty: dict, extra: int) -> list[dict]:
    return list(rows) + [dict(empty) for _ in range(extra)]


EMPTY_SCHEDULE = dict.fromkeys(SCHEDULE_FIELDS, "")
EMPTY_EXCEPTION = dict.fromkeys(EXCEPTION_FIELDS, "")
EMPTY_FUNDING = dict.fromkeys(FUNDING_FIELDS, "")


def _blank(value) -> Any:
    return "" if value is None else value


def form_rows(payload: dict[str, Any], extra: int = 2) -> dict[str, Any]:
    """The payload with empty rows appended, ready for the edit template."""
    empty_location = {
        **dict.fromkeys(LOCATION_TEXT_FIELDS, ""),
        "id": "",
        "longitude": "",
        "latitude": "",
        "placement": "",
        "schedules": [],
        "exceptions": [],
    }
    locations = []
    padded = _pad(payload.get("locations") or [], empty_location, max(1, extra - 1))
    for index, row in enumerate(padded):
        row = {key: _blank(value) for key, value in row.items()}
        row["placed_at"] = point_text(row.get("longitude"), row.get("latitude"))
        row["sched_prefix"] = f"loc-{index}-sched"
        row["exc_prefix"] = f"loc-{index}-exc"
        row["schedules"] = _pad(row.get("schedules") or [], EMPTY_SCHEDULE, extra + 1)
        row["exceptions"] = _pad(row.get("exceptions") or [], EMPTY_EXCEPTION, extra - 1)
        locations.append(row)
    fundings = [
        {key: _blank(value) for key, value in row.items()}
        for row in _pad(payload.get("fundings") or [], EMPTY_FUNDING, max(1, extra - 1))
    ]
    return {
        "locations": locations,
        "remote_schedules": _pad(payload.get("remote_schedules") or [], EMPTY_SCHEDULE, extra),
        "remote_exceptions": _pad(
            payload.get("remote_exceptions") or [], EMPTY_EXCEPTION, extra - 1
        ),
        "fundings": fundings,
    }


def choice_context(payload: dict[str, Any]) -> dict[str, Any]:
    """Checkbox and select options for the edit form, with what is currently chosen."""
    from integrationsatlas.taxonomy.models import OfferType

    chosen_languages = list(payload.get("languages") or [])
    common = common_languages()
    common_codes = {code for code, _name in common}
    chosen_area = [str(key) for key in payload.get("service_area") or []]
    top_regions = list(
        Region.objects.filter(level__in=[Region.Level.LAND, Region.Level.KREIS])
        .order_by("level", "name")
        .values_list("ags", "name")
    )
    top_keys = {ags for ags, _name in top_regions}
    return {
        "offer_types": OfferType.objects.filter(is_active=True),
        "statuses": Service.Status.choices,
        "target_group_choices": Service.TargetGroup.choices,
        "language_choices": common,
        "languages_other": ", ".join(c for c in chosen_languages if c not in common_codes),
        "region_choices": top_regions,
        "service_area_other": ", ".join(k for k in chosen_area if k not in top_keys),
        "weekdays": Schedule.Weekday.choices,
        "funder_levels": Funding.FunderLevel.choices,
        "chosen_languages": chosen_languages,
        "chosen_area": chosen_area,
        "chosen_target_groups": list(payload.get("target_groups") or []),
    }


# --- readable problem messages ---------------------------------------------------------------

PATH_PART = re.compile(r"([a-z_]+)(?:\[(\d+)\])?")


def _part_label(name: str, index: str | None) -> str:
    number = int(index) + 1 if index else None
    labels = {
        "locations": _("Standort %(n)s"),
        "schedules": _("Öffnungszeit %(n)s"),
        "exceptions": _("Abweichender Tag %(n)s"),
        "remote_schedules": _("Telefon-/Online-Zeit %(n)s"),
        "remote_exceptions": _("Telefon-/Online-Ausnahme %(n)s"),
        "fundings": _("Finanzierung %(n)s"),
    }
    if name in labels:
        return labels[name] % {"n": number} if number else labels[name].replace(" %(n)s", "")
    for model in (Service, Location, Schedule, Funding):
        field_names = {field.name for field in model._meta.get_fields()}
        if name in field_names:
            return str(model._meta.get_field(name).verbose_name)
    extra = {"offer_type": _("Angebotsart"), "organization": _("Träger"), "reason": _("Grund")}
    return str(extra.get(name, name))


def input_id(path: str) -> str:
    """The form input a problem path points to, e.g. locations[1].longitude -> loc-1-longitude."""
    names = {
        "locations": "loc",
        "schedules": "sched",
        "exceptions": "exc",
        "fundings": "fund",
        "remote_schedules": "remote-sched",
        "remote_exceptions": "remote-exc",
    }
    pieces = []
    for name, index in PATH_PART.findall(path):
        pieces.append(names.get(name, name))
        if index:
            pieces.append(index)
    return "id-" + "-".join(pieces)


def readable_problems(problems: list[str]) -> list[dict[str, str]]:
    """Each problem as {label, message, anchor} for the error summary at the top of the form."""
    result = []
    for problem in problems:
        path, _sep, message = problem.partition(": ")
        if not message:
            result.append({"label": "", "message": problem, "anchor": ""})
            continue
        label = " · ".join(_part_label(n, i) for n, i in PATH_PART.findall(path))
        result.append({"label": label, "message": message, "anchor": input_id(path)})
    return result


def language_label(code: str) -> str:
    return language_name(code)
