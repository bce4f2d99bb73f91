"""Writing through the API: every change goes through the registry workflow (review, history)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Query, Router, Status

from integrationsatlas.registry import permissions, workflow
from integrationsatlas.registry.models import ChangeRequest, Organization, Service

from . import schemas as s
from .auth import TokenAuth
from .base import ApiError, ErrorOut, error_response
from .search import with_details
from .serialize import service_dict

WRITE = {"auth": TokenAuth(), "tags": ["Schreiben"]}
WRITE_ERRORS = {
    400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 413: ErrorOut,
    422: ErrorOut,
}  # fmt: skip


def _workflow_error(error: workflow.WorkflowError):
    """The workflow names each field as `field: message`; keep that as the error list."""
    errors = []
    for problem in error.problems:
        field, sep, message = str(problem).partition(": ")
        errors.append({"field": field if sep else "body", "message": message or str(problem)})
    conflict = (workflow.ConflictError, workflow.DuplicateIdError)
    status = 409 if isinstance(error, conflict) else 422
    return error_response(status, "; ".join(str(p) for p in error.problems), errors)


def _result(service: Service, change: ChangeRequest | None):
    service = with_details(Service.objects.filter(pk=service.pk)).get()
    change_out = None
    if change is not None:
        change_out = {
            "id": change.pk,
            "state": change.state,
            "service": change.service_id,
            "created_at": change.created_at,
            "reason": change.reason,
        }
    return {
        "service": service_dict(service),
        "published": change is None,
        "change_request": change_out,
    }


def _save(request: HttpRequest, service: Service | None, body: s.ServiceIn):
    payload = body.model_dump(mode="json", exclude={"reason"})
    if payload.get("base_version") is None:
        payload.pop("base_version", None)
    organization = Organization.objects.filter(pk=body.organization, is_deleted=False).first()
    if organization is None:
        raise ApiError(
            422, f"organization: kein Träger mit der ID {body.organization}.", "organization"
        )
    try:
        saved, change = workflow.save_service(
            request.user, service, payload, reason=body.reason, organization=organization
        )
    except PermissionDenied as error:
        return error_response(403, str(error) or "Keine Berechtigung.")
    except workflow.WorkflowError as error:
        return _workflow_error(error)
    return Status(202 if change is not None else 201, _result(saved, change))


def create_service(request: HttpRequest, body: s.ServiceIn):
    """Create a service. 201: published at once (coordinator, admin); 202: waiting for review."""
    return _save(request, None, body)


def _editable(request: HttpRequest, service_id: int) -> Service:
    service = Service.objects.filter(pk=service_id).first()
    if service is None or not (
        service.is_published or permissions.can_edit_service(request.user, service)
    ):
        raise ApiError(404, f"service_id: kein Angebot mit der ID {service_id}.", "service_id")
    return service


def replace_service(request: HttpRequest, service_id: int, body: s.ServiceIn):
    """Replace a service's whole state; send `base_version` to be warned of concurrent edits."""
    return _save(request, _editable(request, service_id), body)


def delete_service(request: HttpRequest, service_id: int, params: Query[s.DeleteIn]):
    """Soft delete with a reason (restorable); providers may delete only unpublished services."""
    service = _editable(request, service_id)
    try:
        workflow.delete_service(request.user, service, params.reason)
    except PermissionDenied as error:
        return error_response(403, str(error) or "Keine Berechtigung.")
    except workflow.WorkflowError as error:
        return _workflow_error(error)
    return Status(204, None)


def list_change_requests(request: HttpRequest):
    """Open change requests: your own, and those you may review."""
    reviewable = permissions.reviewable_services(request.user).values("pk")
    found = ChangeRequest.objects.filter(
        state__in=[ChangeRequest.State.SUBMITTED, ChangeRequest.State.DRAFT]
    ).filter(created_by=request.user) | ChangeRequest.objects.filter(
        state=ChangeRequest.State.SUBMITTED, service__in=reviewable
    )
    return [
        {"id": c.pk, "state": c.state, "service": c.service_id, "created_at": c.created_at,
         "reason": c.reason}
        for c in found.distinct().order_by("-created_at", "-pk")[:500]
    ]  # fmt: skip


def add_write_routes(services: Router) -> None:
    """Writes share the read router of /services so one path serves GET, PUT and DELETE."""
    written = {201: s.WriteResult, 202: s.WriteResult, **WRITE_ERRORS}
    services.post("/services", response=written, **WRITE)(create_service)
    services.put("/services/{service_id}", response=written, **WRITE)(replace_service)
    services.delete("/services/{service_id}", response={204: None, **WRITE_ERRORS}, **WRITE)(
        delete_service
    )
    services.get(
        "/change-requests", response={200: list[s.ChangeRequestOut], **WRITE_ERRORS}, **WRITE
    )(list_change_requests)
