"""API for statistics editions: list them, and import a file as a new edition (token, role).

The same service as the CLI and the page (`regions.indicators_import`); who may load figures
for which regions comes from `registry.permissions.indicator_scope`.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from integrationsatlas.regions import editions
from integrationsatlas.regions.indicator_files import IndicatorFileError, parse_mapping
from integrationsatlas.regions.indicators_import import IndicatorImportError, import_indicators
from integrationsatlas.registry import permissions

from .auth import TokenAuth, optional_user
from .base import ErrorOut, error_response

MAX_UPLOAD = 20 * 1024 * 1024
router = Router(tags=["Kennzahlen"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 413: ErrorOut, 422: ErrorOut}


class EditionOut(Schema):
    edition: int
    file: str
    format: str
    source: str
    licence: str
    loaded_at: str
    loaded_by: str
    values: int
    unknown: int
    unchanged: int
    withdrawn_at: str
    withdrawal_reason: str


class ImportOut(Schema):
    edition: EditionOut | None
    summary: str
    new: int
    unchanged: int
    unknown: int


@router.get("/indicator-editions", response={200: list[EditionOut], **ERRORS})
def list_editions(request: HttpRequest):
    """Every statistics import with its source, licence, time, person and counts, newest first."""
    optional_user(request)
    return editions.edition_rows()


@router.post(
    "/indicator-editions", response={201: ImportOut, 200: ImportOut, **ERRORS}, auth=TokenAuth()
)
def import_edition(
    request: HttpRequest,
    file: File[UploadedFile],
    source: Form[str] = "",
    licence: Form[str] = "",
    mapping: Form[str] = "",
):
    """Import a long-form CSV/XLSX or GENESIS flat CSV as one edition (multipart form).

    `mapping`: GENESIS series to indicator codes, one `SERIES=code` per line (`SERIES=-`
    leaves one out). 201 with the new edition; 200 when every figure was already stored;
    422 with every problem (row and column named) and nothing stored.
    """
    scope = permissions.indicator_scope(request.user)
    if scope is not None and not scope:
        return error_response(
            403, "Kennzahlen laden dürfen Landes-Administratoren und Koordinatoren."
        )
    if file.size and file.size > MAX_UPLOAD:
        return error_response(
            413, "file: die Datei ist größer als 20 MB.", [{"field": "file", "message": "> 20 MB"}]
        )
    try:
        result = import_indicators(
            file.read(),
            file.name or "upload.csv",
            request.user.get_username(),
            source=source,
            licence=licence,
            mapping=parse_mapping(mapping.splitlines()),
            allowed=scope,
            user=request.user,
        )
    except IndicatorFileError as exc:
        return error_response(422, f"mapping: {exc}", [{"field": "mapping", "message": str(exc)}])
    except IndicatorImportError as exc:
        errors = [{"field": "file", "message": problem} for problem in exc.problems]
        return error_response(422, "; ".join(exc.problems[:5]), errors)
    body = {
        "edition": editions.edition_row(result.edition) if result.edition else None,
        "summary": result.summary(),
        "new": result.new,
        "unchanged": result.unchanged,
        "unknown": result.unknown,
    }
    return Status(201 if result.edition else 200, body)
