"""What both APIs share: JSON errors that name the field, pagination, conditional GET."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date
from django.views.decorators.http import conditional_page
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError, ValidationError

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 25
# Writes carry one service; anything larger is a mistake or an attack.
MAX_BODY_BYTES = int(getattr(settings, "API_MAX_BODY_BYTES", 256 * 1024))


class FieldError(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    """Every API error: a summary and, where it is about input, one entry per field."""

    detail: str
    errors: list[FieldError] = []


class ApiError(HttpError):
    """An HTTP error that names the field it is about."""

    def __init__(self, status_code: int, message: str, field: str | None = None) -> None:
        super().__init__(status_code, message)
        self.field = field


def error_response(status: int, detail: str, errors: list[dict] | None = None) -> JsonResponse:
    return JsonResponse({"detail": detail, "errors": errors or []}, status=status)


def _field_of(loc: list[Any]) -> str:
    """('query', 'page_size') -> 'page_size'; ('body', 'payload', 'locations', 0, 'x') -> 'locations[0].x'."""
    parts = list(loc)
    if parts and parts[0] in {"query", "path", "body", "header", "cookie", "form"}:
        parts = parts[1:]
    if parts and parts[0] in {"payload", "body"}:
        parts = parts[1:]
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text or "body"


# Pydantic's English messages in the API's German, with the limit the input broke.
_MESSAGES = {
    "string_too_long": "zu lang: höchstens {max_length} Zeichen erlaubt.",
    "string_too_short": "zu kurz: mindestens {min_length} Zeichen.",
    "too_long": "zu viele Einträge: höchstens {max_length}.",
    "missing": "Pflichtangabe fehlt.",
    "extra_forbidden": "unbekanntes Feld.",
    "int_parsing": "muss eine ganze Zahl sein.",
    "int_type": "muss eine ganze Zahl sein.",
    "float_parsing": "muss eine Zahl sein.",
    "float_type": "muss eine Zahl sein.",
    "bool_parsing": "muss true oder false sein.",
    "bool_type": "muss true oder false sein.",
    "string_type": "muss ein Text sein.",
    "list_type": "muss eine Liste sein.",
    "dict_type": "muss ein Objekt sein.",
    "model_type": "muss ein Objekt sein.",
    "greater_than_equal": "muss mindestens {ge} sein.",
    "greater_than": "muss größer als {gt} sein.",
    "less_than_equal": "darf höchstens {le} sein.",
    "literal_error": "erlaubt: {expected}.",
    "string_pattern_mismatch": "hat nicht das erwartete Format ({pattern}).",
    "date_parsing": "kein gültiges Datum (JJJJ-MM-TT).",
    "date_from_datetime_parsing": "kein gültiges Datum (JJJJ-MM-TT).",
    "date_type": "kein gültiges Datum (JJJJ-MM-TT).",
}


def _message(error: dict[str, Any]) -> str:
    template = _MESSAGES.get(str(error.get("type", "")))
    if template is None:
        return str(error.get("msg", ""))
    try:
        return template.format(**(error.get("ctx") or {}))
    except (KeyError, IndexError):
        return str(error.get("msg", ""))


class JsonErrorAPI(NinjaAPI):
    """A NinjaAPI whose every error is `ErrorOut` JSON, never HTML or a bare traceback."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_exception_handler(ValidationError, self._validation_error)
        self.add_exception_handler(HttpError, self._http_error)
        self.add_exception_handler(Http404, self._not_found)
        self.add_exception_handler(PermissionDenied, self._forbidden)

    def _validation_error(self, request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = [
            {"field": _field_of(err.get("loc", [])), "message": _message(err)} for err in exc.errors
        ]
        fields = ", ".join(dict.fromkeys(e["field"] for e in errors))
        return error_response(422, f"Ungültige Eingabe: {fields}", errors)

    def _http_error(self, request: HttpRequest, exc: HttpError) -> HttpResponse:
        message = str(exc)
        field = getattr(exc, "field", None)
        if field is None and message.startswith("Cannot parse request body"):
            field, message = "body", "Der Inhalt ist kein gültiges JSON."
        errors = [{"field": field, "message": message}] if field else []
        response = error_response(exc.status_code, message, errors)
        if exc.status_code == 401:
            response["WWW-Authenticate"] = "Bearer"
        return response

    def _not_found(self, request: HttpRequest, exc: Exception) -> HttpResponse:
        return error_response(404, str(exc) or "Nicht gefunden.")

    def _forbidden(self, request: HttpRequest, exc: Exception) -> HttpResponse:
        return error_response(403, str(exc) or "Keine Berechtigung.")


def paginate(queryset: QuerySet | list, page: int, page_size: int) -> tuple[list, int, int]:
    """(items of the page, total count, number of pages); a page past the end is empty."""
    total = queryset.count() if isinstance(queryset, QuerySet) else len(queryset)
    pages = max(1, math.ceil(total / page_size))
    start = (page - 1) * page_size
    return list(queryset[start : start + page_size]), total, pages


def set_last_modified(response: HttpResponse, moment) -> None:
    if moment is not None:
        response["Last-Modified"] = http_date(moment.timestamp())


def _guard(view: Callable) -> Callable:
    """Refuse oversized bodies before they are read; add ETag/304 handling to every GET."""
    conditional = conditional_page(view)

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # PostgreSQL cannot store or compare NUL characters: refuse them as bad input.
        for name, values in request.GET.lists():
            if any("\x00" in value for value in values) or "\x00" in name:
                return error_response(
                    422, f"{name}: NUL-Zeichen sind nicht erlaubt.",
                    [{"field": name, "message": "NUL-Zeichen sind nicht erlaubt."}],
                )  # fmt: skip
        if request.method in {"POST", "PUT", "PATCH"}:
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > MAX_BODY_BYTES:
                return error_response(
                    413,
                    f"Der Inhalt ist zu groß (höchstens {MAX_BODY_BYTES} Bytes).",
                    [{"field": "body", "message": f"höchstens {MAX_BODY_BYTES} Bytes"}],
                )
            return view(request, *args, **kwargs)
        response = conditional(request, *args, **kwargs)
        patch_vary_headers(response, ["Authorization"])
        return response

    for attribute in ("csrf_exempt", "__name__", "__doc__"):
        if hasattr(view, attribute):
            setattr(wrapped, attribute, getattr(view, attribute))
    return wrapped


def guarded_urls(api: NinjaAPI) -> tuple[list, str, str]:
    """The API's URL patterns with `_guard` around each view."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        if hasattr(pattern, "callback"):
            pattern.callback = _guard(pattern.callback)
    return patterns, app_name, namespace
