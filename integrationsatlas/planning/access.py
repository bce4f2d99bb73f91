"""Who may read which stored assessment: planners everything, everyone else only published ones."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from integrationsatlas.assessments.models import Assessment
from integrationsatlas.registry.permissions import is_planner, is_state_admin

__all__ = ["is_planner", "is_state_admin", "visible_assessments", "assessment_or_deny"]


class LoginNeeded(Exception):
    """Raised when an anonymous visitor asks for a page only signed-in planners may see."""


def visible_assessments(user) -> QuerySet[Assessment]:
    """Assessments this user may read: all for planners, else only published non-scenarios."""
    assessments = Assessment.objects.select_related("standard_set")
    if is_planner(user):
        return assessments
    return assessments.filter(is_published=True, is_scenario=False)


def require_planner(request: HttpRequest) -> None:
    """Anonymous visitors are sent to the login page; signed-in non-planners get 403."""
    if not request.user.is_authenticated:
        raise LoginNeeded
    if not is_planner(request.user):
        raise PermissionDenied(_("Nur für Planung, Koordination und Administration."))


def assessment_or_deny(request: HttpRequest, pk: int) -> Assessment:
    assessment = Assessment.objects.select_related("standard_set").filter(pk=pk).first()
    if assessment is None:
        raise Http404(_("Bewertung nicht gefunden."))
    if not visible_assessments(request.user).filter(pk=pk).exists():
        require_planner(request)
    return assessment


def login_redirect(request: HttpRequest) -> HttpResponse:
    return redirect_to_login(request.get_full_path())
