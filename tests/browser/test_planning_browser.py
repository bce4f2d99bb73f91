"""The planning overview in a real browser: rules met per Kreis, one rule on the Gemeinde map as
its Kreis's result, the cost breakdown with its notes; axe finds no WCAG violation."""

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from integrationsatlas.assessments.run import run_assessment
from integrationsatlas.standards import document as doc_module
from integrationsatlas.standards.sets import import_document
from tests.shared_data import ensure_shared_data
from tests.standards.test_assess import DRESDEN, LEIPZIG, make_service

from .conftest import check_axe, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
EXAMPLE = doc_module.SCHEMA_FILE.parent.parent / "data" / "beispielstandard-sachsen-2030.yaml"


def _planner_context(browser, live_server):
    user = get_user_model().objects.create_superuser("planerin-browser", password="x" * 20)
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    name = settings.SESSION_COOKIE_NAME
    context.add_cookies([{"name": name, "value": cookie, "url": live_server.url}])
    return context


def test_overview_rule_choice_and_costs(browser, live_server):
    ensure_shared_data()
    standard_set = import_document(doc_module.read_file(EXAMPLE))[0]
    make_service("mbe", DRESDEN, capacity=30.0, languages=("de", "ar"))
    make_service("mbe", LEIPZIG, capacity=0.5)
    run = run_assessment(standard_set, "gemeinde", dt.date(2026, 6, 30))
    context = _planner_context(browser, live_server)
    page = context.new_page()
    page.goto(f"{live_server.url}/planung/bewertungen/{run.pk}/?ebene=kreis")
    assert "mindestens zwei Drittel der bewerteten Regeln erfüllt" in page.inner_text(".legend")
    assert page.locator("#rule-counts tbody tr").count() == 13
    check_axe(page, "planning-overview")
    screenshot(page, "planning-overview")

    page.select_option("#ebene", "gemeinde")
    page.select_option("#regel", "mbe-beratung")
    page.locator(".filter-form button[type=submit]").click()
    page.wait_for_url("**regel=mbe-beratung**")
    assert "Diese Regel wird je Kreis bewertet" in page.inner_text("figcaption")
    # Dresden's one Gemeinde shows the met Kreis result, Leipzig's its partial one.
    assert page.locator("svg.choropleth .status-met").count() >= 1
    assert page.locator("svg.choropleth .status-gap").count() > 100
    screenshot(page, "planning-gemeinde-kreis-rule")

    page.goto(f"{live_server.url}/planung/bewertungen/{run.pk}/kosten/")
    notes = page.inner_text("#cost-notes")
    assert "Beispielzahlen des Standardsatzes" in notes and "der Gesamtkosten" in notes
    assert page.locator("#cost-by-rule tbody tr").count() == 16
    check_axe(page, "planning-costs")
    screenshot(page, "planning-costs")
    context.close()
