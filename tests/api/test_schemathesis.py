"""Property-based checks of both OpenAPI descriptions: no server error, every response as described."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from integrationsatlas.wsgi import application

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
HYPOTHESIS = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(autouse=True)
def keep_test_connection():
    """The raw WSGI app closes DB connections after each request; Django's test client does not.

    Inside a test transaction a closed connection would lose the fixtures (PostgreSQL), so the
    signal handlers are detached for these tests exactly as `django.test.Client` does.
    """
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# Loaded in-process through the WSGI app: the descriptions are generated from the code.
v1 = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
hsds_api = schemathesis.openapi.from_wsgi("/hsds/openapi.json", application)


@pytest.mark.slow
@pytest.mark.django_db
@v1.parametrize()
@HYPOTHESIS
def test_rest_api_v1(case, published, demo_service):
    case.call_and_validate(checks=CHECKS)


@pytest.mark.slow
@pytest.mark.django_db
@hsds_api.parametrize()
@HYPOTHESIS
def test_hsds_api(case, published, demo_service):
    case.call_and_validate(checks=CHECKS)
