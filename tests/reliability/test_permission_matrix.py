"""Every role on every write view and API write: the outcome in the database is exactly the matrix.

Each (action, role) pair starts from the same world (a published service of organization A in
Kreis X, see conftest), performs the request as that role, and reads the outcome back from
the database ("nein" means: nothing changed). The URL resolver and the API's operations are
walked so that a new write view without a matrix entry fails here.
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from integrationsatlas.api.hsds_api import api as hsds_api
from integrationsatlas.api.models import ApiToken
from integrationsatlas.api.v1 import api as v1_api
from integrationsatlas.assessments.models import Assessment
from integrationsatlas.interchange.importer import import_file
from integrationsatlas.planning.scenarios import copy_standard_set, planned_services
from integrationsatlas.regions.indicators_import import import_indicators
from integrationsatlas.regions.models import IndicatorDefinition, IndicatorEdition
from integrationsatlas.registry import workflow
from integrationsatlas.registry.models import (
    ActivityFigures,
    ChangeRequest,
    ImportBatch,
    Service,
)
from integrationsatlas.standards import document as doc_module
from integrationsatlas.standards.models import StandardSet
from integrationsatlas.standards.sets import copy_set, import_document

from ..interchange.conftest import make_csv, service_row
from .conftest import KREIS_X, PIRNA, ROLES, World, service_payload
from .htmlforms import read_form, with_values
from .permission_matrix import MATRIX, NOT_DATA_WRITES

pytestmark = pytest.mark.django_db

EXAMPLE = Path(doc_module.SCHEMA_FILE).parent.parent / "data" / "beispielstandard-sachsen-2030.yaml"
NO, OK, REVIEW, DRAFT = "nein", "direkt", "Prüfung", "Entwurf"


def _example_set() -> StandardSet:
    return import_document(doc_module.read_file(EXAMPLE))[0]


def _edit_form(world: World) -> dict[str, list[str]]:
    """The edit form as the administrator's browser would submit it."""
    page = world.client("state_admin").get(reverse("registry:edit", args=[world.service.pk]))
    return read_form(page.content.decode(), "service-form")[0]


def _service_outcome(world: World, new_name: str) -> str:
    service = world.refresh()
    if service.name == new_name:
        return OK
    change = workflow.open_change(service)
    if change is not None and change.payload.get("name") == new_name:
        return REVIEW if change.state == ChangeRequest.State.SUBMITTED else DRAFT
    return NO


def _created_outcome(name: str) -> str:
    service = Service.objects.filter(name=name).first()
    if service is None:
        return NO
    if service.is_published:
        return OK
    change = workflow.open_change(service)
    assert change is not None, "an unpublished new service must wait as a change request"
    return REVIEW if change.state == ChangeRequest.State.SUBMITTED else DRAFT


# --- the actions: each performs the request as `role` and returns (response, outcome) -----


def registry_new(world: World, role: str):
    data = with_values(_edit_form(world), name="Matrix Neu", base_version="")
    response = world.client(role).post(reverse("registry:new"), data)
    return response, _created_outcome("Matrix Neu")


def _registry_edit(action: str) -> Callable:
    def run(world: World, role: str):
        data = with_values(_edit_form(world), name="Matrix Geändert", action=action)
        url = reverse("registry:edit", args=[world.service.pk])
        return world.client(role).post(url, data), _service_outcome(world, "Matrix Geändert")

    return run


def registry_figures(world: World, role: str):
    url = reverse("registry:figures", args=[world.service.pk])
    response = world.client(role).post(url, {"year": "2025", "consultations_work": "7"})
    recorded = ActivityFigures.objects.filter(service=world.service, year=2025).exists()
    return response, OK if recorded else NO


def _submitted_change(world: World) -> ChangeRequest:
    payload = service_payload(world.org_a, name="Vorschlag A", base_version=world.service.version)
    _, change = workflow.save_service(world.users["provider_a"], world.service, payload)
    assert change is not None and change.state == ChangeRequest.State.SUBMITTED
    return change


def registry_decide(name: str, final_state: str) -> Callable:
    def run(world: World, role: str):
        change = _submitted_change(world)
        data = {"comment": "Bitte", "revision": str(change.revision)}
        response = world.client(role).post(reverse(name, args=[change.pk]), data)
        change.refresh_from_db()
        return response, OK if change.state == final_state else NO

    return run


def registry_restore(world: World, role: str):
    first = world.service.history.filter(version=1).exclude(snapshot={}).get()
    admin = world.users["state_admin"]
    workflow.save_service(admin, world.service, service_payload(world.org_a, name="Zwischenstand"))
    url = reverse("registry:restore", args=[world.service.pk, first.history_id])
    response = world.client(role).post(url)
    return response, OK if world.refresh().name == "Migrationsberatung Pirna" else NO


def registry_delete(world: World, role: str):
    url = reverse("registry:delete", args=[world.service.pk])
    response = world.client(role).post(url, {"reason": "Angebot endet"})
    return response, OK if world.refresh().is_deleted else NO


def registry_undelete(world: World, role: str):
    workflow.delete_service(world.users["state_admin"], world.service, "Versehen")
    url = reverse("registry:undelete", args=[world.service.pk])
    response = world.client(role).post(url, {"reason": "Doch weiter"})
    return response, NO if world.refresh().is_deleted else OK


def registry_confirm(world: World, role: str):
    url = reverse("registry:confirm", args=[world.service.pk])
    response = world.client(role).post(url)
    return response, OK if world.refresh().confirmed_at is not None else NO


def _kreis_x_figures(value: int) -> bytes:
    return (
        f"region,indicator,reference_date,value\n{KREIS_X},population,2024-12-31,{value}\n".encode()
    )


def registry_indicators(world: World, role: str):
    upload = SimpleUploadedFile("kreis-x.csv", _kreis_x_figures(245000))
    data = {"source": "Statistisches Landesamt", "licence": "dl-de/by-2-0", "file": upload}
    response = world.client(role).post(reverse("registry:indicators"), data)
    loaded = IndicatorEdition.objects.filter(file_name="kreis-x.csv").exists()
    return response, OK if loaded else NO


def registry_indicator_declare(world: World, role: str):
    data = {"code": "matrix_code", "name": "Matrix-Kennzahl", "unit": "Personen"}
    response = world.client(role).post(reverse("registry:indicator_declare"), data)
    return response, OK if IndicatorDefinition.objects.filter(code="matrix_code").exists() else NO


def registry_indicator_withdraw(world: World, role: str):
    result = import_indicators(
        _kreis_x_figures(245001), "kreis-x.csv", "ada", source="Statistisches Landesamt",
        licence="dl-de/by-2-0", user=world.users["state_admin"],
    )  # fmt: skip
    assert result.edition is not None
    url = reverse("registry:indicator_withdraw", args=[result.edition.pk])
    response = world.client(role).post(url, {"reason": "Stichtag falsch"})
    result.edition.refresh_from_db()
    return response, OK if result.edition.is_withdrawn else NO


def _pirna_csv(name: str) -> bytes:
    row = service_row(
        7, name=name, longitude=str(PIRNA[0]), latitude=str(PIRNA[1]), postal_code="01796",
        city="Pirna", address="Markt 2",
    )  # fmt: skip
    return make_csv([row])


def interchange_import(world: World, role: str):
    upload = SimpleUploadedFile("angebote.csv", _pirna_csv("Matrix Import"))
    response = world.client(role).post(reverse("interchange:import"), {"file": upload})
    return response, _created_outcome("Matrix Import")


def interchange_mapping(world: World, role: str):
    """A list in another layout: uploaded (staged in the session), then mapped and imported."""
    client = world.client(role)
    text = (
        "Träger;Angebot;Straße;Hausnummer;PLZ;Ort\r\nTräger A;Matrix Liste;Markt;2;01796;Pirna\r\n"
    )
    upload = SimpleUploadedFile("liste.csv", text.encode("cp1252"), "text/csv")
    client.post(reverse("interchange:import"), {"file": upload})
    columns = ("organization_name", "name", "street", "house_number", "postal_code", "city")
    data = {f"column-{i}": column for i, column in enumerate(columns)} | {
        "offer_type": "mbe", "id_prefix": "matrix", "action": "import",
    }  # fmt: skip
    response = client.post(reverse("interchange:mapping"), data)
    return response, _created_outcome("Matrix Liste")


def interchange_rollback(world: World, role: str):
    result = import_file(
        _pirna_csv("Importiert von X"), "f.csv", "csv", user=world.users["coordinator_x"]
    )
    assert result.batch is not None, [str(p) for p in result.problems]
    response = world.client(role).post(reverse("interchange:rollback", args=[result.batch.pk]))
    batch = ImportBatch.objects.get(pk=result.batch.pk)
    return response, OK if batch.rolled_back_at is not None else NO


def standards_import(world: World, role: str):
    document = doc_module.read_file(EXAMPLE) | {"slug": "matrix-import", "status": "draft"}
    text = doc_module.dump_yaml(document)
    response = world.client(role).post(reverse("standards:import"), {"text": text})
    return response, OK if StandardSet.objects.filter(slug="matrix-import").exists() else NO


def standards_copy(world: World, role: str):
    example = _example_set()
    url = reverse("standards:copy", args=[example.slug])
    response = world.client(role).post(url, {"new_slug": "matrix-kopie", "name": "Kopie"})
    return response, OK if StandardSet.objects.filter(slug="matrix-kopie").exists() else NO


def _standards_edit(published: bool) -> Callable:
    def run(world: World, role: str):
        example = _example_set()
        target = example if published else copy_set(example, "matrix-entwurf", "Entwurf")
        document = doc_module.read_file(EXAMPLE) | {"slug": target.slug, "name": "Matrix Name"}
        if not published:
            document["status"] = "draft"
        url = reverse("standards:edit", args=[target.slug])
        response = world.client(role).post(url, {"text": doc_module.dump_yaml(document)})
        target.refresh_from_db()
        return response, OK if target.name == "Matrix Name" else NO

    return run


def _assessment(standard_set: StandardSet, published: bool = False) -> Assessment:
    return Assessment.objects.create(
        standard_set=standard_set, standard_set_version=standard_set.version, level="kreis",
        reference_date=dt.date(2025, 6, 1), label="Matrix", is_published=published,
    )  # fmt: skip


def planning_publish(world: World, role: str):
    assessment = _assessment(_example_set())
    url = reverse("planning:publish", args=[assessment.pk])
    response = world.client(role).post(url, {"publish": "1"})
    assessment.refresh_from_db()
    return response, OK if assessment.is_published else NO


def planning_new_assessment(world: World, role: str):
    example = _example_set()
    before = Assessment.objects.filter(standard_set=example).count()
    data = {"standard_set": example.pk, "level": "kreis", "reference_date": "2026-06-30"}
    response = world.client(role).post(reverse("planning:new_assessment"), data)
    created = Assessment.objects.filter(standard_set=example).count() > before
    return response, OK if created else NO


def planning_scenario_new(world: World, role: str):
    example = _example_set()
    data = {"base": example.pk, "name": "Matrix Szenario"}
    response = world.client(role).post(reverse("planning:scenarios"), data)
    return response, OK if StandardSet.objects.filter(name="Matrix Szenario").exists() else NO


def _scenario_action(action: str) -> Callable:
    def run(world: World, role: str):
        example = _example_set()
        scenario = copy_standard_set(world.users["state_admin"], example, "Matrix")
        rule = scenario.rules.order_by("code").first()
        base = _assessment(example, published=True)
        data = {
            "rule": {"action": "rule", "code": rule.code, "target": "123"}
            | {f"financing_{level}": str(share) for level, share in rule.financing.items()},
            "planned": {
                "action": "planned", "offer_type": "mbe", "region": "14628", "capacity": "1",
                "start": "2026-01-01",
            },
            "run": {"action": "run", "base": base.pk},
        }[action]  # fmt: skip
        url = reverse("planning:scenario", args=[scenario.pk])
        response = world.client(role).post(url, data)
        done = {
            "rule": lambda: scenario.rules.get(pk=rule.pk).target == 123,
            "planned": lambda: bool(planned_services(StandardSet.objects.get(pk=scenario.pk))),
            "run": lambda: Assessment.objects.filter(standard_set=scenario).exists(),
        }[action]()
        return response, OK if done else NO

    return run


def token_create(world: World, role: str):
    response = world.client(role).post(reverse("api-tokens"), {"name": "Matrix-Token"})
    return response, OK if ApiToken.objects.filter(name="Matrix-Token").exists() else NO


def token_revoke(world: World, role: str):
    token, _ = ApiToken.issue(world.users["provider_a"], "Token von A")
    response = world.client(role).post(reverse("api-token-revoke", args=[token.pk]))
    token.refresh_from_db()
    return response, NO if token.revoked_at is None else OK


def _api_client(world: World, role: str):
    from django.test import Client

    if role == "anonymous":
        return Client()
    raw = ApiToken.issue(world.users[role], "Matrix")[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def api_create(world: World, role: str):
    body = service_payload(world.org_a, name="API Neu")
    response = _api_client(world, role).post(
        "/api/v1/services", json.dumps(body), content_type="application/json"
    )
    return response, _created_outcome("API Neu")


def api_replace(world: World, role: str):
    body = service_payload(world.org_a, name="API Geändert", base_version=world.service.version)
    response = _api_client(world, role).put(
        f"/api/v1/services/{world.service.pk}", json.dumps(body), content_type="application/json"
    )
    return response, _service_outcome(world, "API Geändert")


def api_delete(world: World, role: str):
    response = _api_client(world, role).delete(
        f"/api/v1/services/{world.service.pk}?reason=Angebot+endet"
    )
    return response, OK if world.refresh().is_deleted else NO


def api_indicator_import(world: World, role: str):
    upload = SimpleUploadedFile("api-kreis-x.csv", _kreis_x_figures(245002))
    response = _api_client(world, role).post(
        "/api/v1/indicator-editions",
        {"file": upload, "source": "Statistisches Landesamt", "licence": "dl-de/by-2-0"},
    )
    loaded = IndicatorEdition.objects.filter(file_name="api-kreis-x.csv").exists()
    return response, OK if loaded else NO


ACTIONS: dict[str, Callable] = {
    "registry:new": registry_new,
    "registry:edit#submit": _registry_edit("submit"),
    "registry:edit#draft": _registry_edit("draft"),
    "registry:figures": registry_figures,
    "registry:approve": registry_decide("registry:approve", ChangeRequest.State.APPROVED),
    "registry:send_back": registry_decide("registry:send_back", ChangeRequest.State.RETURNED),
    "registry:restore": registry_restore,
    "registry:delete": registry_delete,
    "registry:undelete": registry_undelete,
    "registry:confirm": registry_confirm,
    "registry:indicators": registry_indicators,
    "registry:indicator_declare": registry_indicator_declare,
    "registry:indicator_withdraw": registry_indicator_withdraw,
    "interchange:import": interchange_import,
    "interchange:mapping": interchange_mapping,
    "interchange:rollback": interchange_rollback,
    "standards:import": standards_import,
    "standards:copy": standards_copy,
    "standards:edit": _standards_edit(published=False),
    "standards:edit#published": _standards_edit(published=True),
    "planning:publish": planning_publish,
    "planning:new_assessment": planning_new_assessment,
    "planning:scenarios": planning_scenario_new,
    "planning:scenario#rule": _scenario_action("rule"),
    "planning:scenario#planned": _scenario_action("planned"),
    "planning:scenario#run": _scenario_action("run"),
    "api-tokens": token_create,
    "api-token-revoke": token_revoke,
    "POST /api/v1/services": api_create,
    "PUT /api/v1/services/{service_id}": api_replace,
    "DELETE /api/v1/services/{service_id}": api_delete,
    "POST /api/v1/indicator-editions": api_indicator_import,
}

REFUSED_STATUS = {200, 302, 400, 401, 403, 404, 422}  # a refusal is a page, never a 500
# The API refuses these by the file's content (rows outside the person's regions): 422 naming
# every such row, not 403.
REFUSED_BY_CONTENT = {("POST /api/v1/indicator-editions", "coordinator_y")}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(MATRIX))
def test_permission_matrix(world, action, role):
    expected = MATRIX[action][1][role]
    response, outcome = ACTIONS[action](world, role)
    assert outcome == expected, (
        f"{action} as {role}: expected {expected!r}, got {outcome!r} (HTTP {response.status_code})"
    )
    if outcome == NO:
        assert response.status_code in REFUSED_STATUS, response.status_code
        if role == "anonymous" and not action.startswith(("POST ", "PUT ", "DELETE ")):
            # Anonymous visitors are sent to sign in or refused, never shown a form.
            assert response.status_code in (302, 403), response.status_code
            if response.status_code == 302:
                assert response["Location"].startswith(reverse("login"))
        if action.split(" ")[0] in ("POST", "PUT", "DELETE"):
            refused = 422 if (action, role) in REFUSED_BY_CONTENT else 403
            assert response.status_code == (401 if role == "anonymous" else refused)


# --- coverage: every write endpoint has a matrix row -----------------------------------------


def _handles_post(callback) -> bool:
    """Does the view's code accept POST (require_POST, a method check, or request.POST)?"""
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        return any(hasattr(view_class, m) for m in ("post", "put", "patch", "delete"))
    function = inspect.unwrap(callback)
    try:
        source = inspect.getsource(function)
    except (OSError, TypeError):
        return True  # unknown: must be listed
    # Decorators are outside the unwrapped function; read them from the module source.
    module_source = inspect.getsource(inspect.getmodule(function))
    decorated = re.search(rf"((?:@.*\n)+)def {function.__name__}\(", module_source)
    decorators = decorated.group(1) if decorated else ""
    # A word, not a substring: `Placement.POSTAL_CODE` in a GET-only view is no POST.
    uses_post = re.search(r"\bPOST\b", source) is not None
    return uses_post or "POST" in decorators or "request.method" in source


def _web_write_views() -> set[str]:
    names: set[str] = set()

    def walk(patterns, namespace: str = "") -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                space = pattern.namespace or ""
                if space in ("api-v1", "hsds"):
                    continue  # API operations are checked from the ninja side
                prefix = f"{namespace}{space}:" if space else namespace
                walk(pattern.url_patterns, prefix)
            elif isinstance(pattern, URLPattern) and _handles_post(pattern.callback):
                names.add(f"{namespace}{pattern.name or pattern.callback.__name__}")

    walk(get_resolver().url_patterns)
    return names


def _api_write_operations() -> set[str]:
    found = set()
    for api, prefix in ((v1_api, "/api/v1"), (hsds_api, "/hsds")):
        for _prefix, router in api._routers:
            for path, view in router.path_operations.items():
                for operation in view.operations:
                    for method in operation.methods:
                        if method != "GET":
                            found.add(f"{method} {prefix}{path}")
    return found


def test_matrix_covers_every_write_endpoint():
    covered = {key.split("#")[0] for key in MATRIX}
    exempt = set(NOT_DATA_WRITES)
    web = {
        name for name in _web_write_views()
        if name not in exempt and not name.startswith("admin:")
    }  # fmt: skip
    missing = (web | _api_write_operations()) - covered
    assert not missing, f"write endpoints without a row in the permission matrix: {missing}"
    stale = covered - web - _api_write_operations()
    assert not stale, f"matrix rows for endpoints that no longer accept writes: {stale}"


def test_every_role_has_an_outcome_for_every_action():
    for key, (label, row) in MATRIX.items():
        assert label and set(row) == set(ROLES), key
        assert set(row.values()) <= {NO, OK, REVIEW, DRAFT}, key


def test_security_doc_shows_the_current_matrix():
    import importlib.util

    script = Path(__file__).resolve().parents[2] / "scripts" / "render_permission_matrix.py"
    spec = importlib.util.spec_from_file_location("render_permission_matrix", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text = module.DOC.read_text(encoding="utf-8")
    assert module.updated_document(text) == text, (
        "docs/security.md is out of date: run scripts/render_permission_matrix.py"
    )
    assert "| Veröffentlichten Standardsatz bearbeiten | `standards:edit` |" in text
