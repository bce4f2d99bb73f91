"""Yearly activity figures (KomIntAVO § 14) in the registry: who may record, history, bad input."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from integrationsatlas.registry import workflow
from integrationsatlas.registry.figures import stand_of
from integrationsatlas.registry.models import ActivityFigures

from .conftest import payload


@pytest.fixture
def service(org_a, admin_user):
    saved, _ = workflow.save_service(admin_user, None, payload(org_a), organization=org_a)
    return saved


def _post(client, user, service, **data):
    """Post as a browser that opened the form for the year just before (with its `stand`)."""
    client.force_login(user)
    url = reverse("registry:figures", args=[service.pk])
    year = int(data.get("year", "2025")) if str(data.get("year", "2025")).isdigit() else 0
    opened = ActivityFigures.objects.filter(service=service, year=year).first()
    return client.post(url, {"year": "2025", "stand": stand_of(opened), **data})


GOOD = {
    "fte": "1,5",
    "consultations_work": "120",
    "consultations_education": "80",
    "consultations_housing": "64",
    "consultations_health": "",
    "consultations_culture": "12",
    "consultations_other": "30",
    "language_mediation_missions": "41",
    "reason": "Jahresmeldung",
}


def test_provider_records_a_year_and_the_history_keeps_who_and_why(client, provider_a, service):
    response = _post(client, provider_a, service, **GOOD)
    assert response.status_code == 302
    row = ActivityFigures.objects.get(service=service, year=2025)
    assert row.fte == Decimal("1.5")
    assert row.consultations_health is None  # empty = not recorded, never 0
    assert row.consultations_total == 120 + 80 + 64 + 12 + 30
    assert row.updated_by == provider_a
    # A correction updates the same year and adds a second history record.
    _post(
        client, provider_a, service, **(GOOD | {"consultations_work": "125", "reason": "Korrektur"})
    )
    assert ActivityFigures.objects.filter(service=service).count() == 1
    records = list(ActivityFigures.history.filter(service_id=service.pk).order_by("history_date"))
    assert [r.consultations_work for r in records] == [120, 125]
    assert [r.history_user for r in records] == [provider_a, provider_a]
    assert [r.history_change_reason for r in records] == ["Jahresmeldung", "Korrektur"]
    page = client.get(reverse("registry:figures", args=[service.pk]) + "?jahr=2025")
    text = page.content.decode()
    assert "Korrektur" in text and 'value="125"' in text


def test_coordinator_of_the_region_may_record(client, coordinator_dresden, service):
    assert _post(client, coordinator_dresden, service, **GOOD).status_code == 302
    assert ActivityFigures.objects.filter(service=service).exists()


@pytest.mark.parametrize("who", ["provider_b", "coordinator_leipzig"])
def test_others_get_404_and_nothing_is_stored(client, request, service, who):
    user = request.getfixturevalue(who)
    assert _post(client, user, service, **GOOD).status_code == 404
    client.force_login(user)
    assert client.get(reverse("registry:figures", args=[service.pk])).status_code == 404
    assert not ActivityFigures.objects.exists()


def test_anonymous_is_sent_to_sign_in(client, service):
    response = client.post(reverse("registry:figures", args=[service.pk]), GOOD | {"year": "2025"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not ActivityFigures.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "label", "message"),
    [
        ("consultations_work", "-3", "Beratungen: Arbeit", "ab 0"),
        ("consultations_culture", "zwölf", "Beratungen: Kultur", "Zahl"),
        ("fte", "900", "Stellen (VZÄ)", "500"),
        ("year", "1999", "Kalenderjahr", "2015"),
        (
            "language_mediation_missions",
            "<script>",
            "Einsätze der Sprach- und Kulturmittlung",
            "Zahl",
        ),
    ],
)
def test_bad_input_names_the_field_and_keeps_the_stored_year(
    client, provider_a, service, field, value, label, message
):
    _post(client, provider_a, service, **GOOD)
    # The bad field plus a change of another field: nothing of the attempt may be stored.
    changed = {"consultations_work": "999"} if field != "consultations_work" else {}
    response = _post(client, provider_a, service, **(GOOD | changed | {field: value}))
    assert response.status_code == 400
    summary = response.content.decode().split('class="error-summary"')[1].split("</div>")[0]
    assert label in summary and message in summary
    assert "<script>" not in response.content.decode().split("<main")[-1].replace(
        "&lt;script&gt;", ""
    )
    row = ActivityFigures.objects.get(service=service, year=2025)
    assert row.consultations_work == 120  # unchanged


def test_future_year_and_empty_form_are_refused(client, provider_a, service):
    next_year = str(timezone.localdate().year + 1)
    response = _post(client, provider_a, service, **(GOOD | {"year": next_year}))
    assert response.status_code == 400
    assert "hat noch nicht begonnen" in response.content.decode()
    response = _post(client, provider_a, service, year="2025", reason="leer")
    assert response.status_code == 400
    assert "mindestens eine Zahl" in response.content.decode()
    assert not ActivityFigures.objects.exists()


def test_hostile_note_and_reason_are_stored_as_text_and_shown_escaped(client, provider_a, service):
    hostile = '<script>alert(1)</script> "><img src=x onerror=alert(1)>'
    assert (
        _post(
            client, provider_a, service, **(GOOD | {"note": hostile, "reason": hostile})
        ).status_code
        == 302
    )
    assert ActivityFigures.objects.get(service=service).note == hostile
    page = client.get(reverse("registry:figures", args=[service.pk]) + "?jahr=2025")
    text = page.content.decode()
    assert "<script>alert(1)</script>" not in text and "<img src=x" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_a_save_over_figures_stored_meanwhile_is_refused(
    client, provider_a, coordinator_dresden, service
):
    _post(client, provider_a, service, **GOOD)
    page = client.get(reverse("registry:figures", args=[service.pk]) + "?jahr=2025")
    stale = stand_of(ActivityFigures.objects.get(service=service))
    assert f'value="{stale}"' in page.content.decode()
    _post(client, coordinator_dresden, service, **(GOOD | {"consultations_work": "130"}))
    # The provider still has the page with the old state open and saves over it.
    response = _post(
        client, provider_a, service, **(GOOD | {"stand": stale, "consultations_work": "1"})
    )
    assert response.status_code == 400
    assert "nicht zeigt" in response.content.decode() and "dora" in response.content.decode()
    assert ActivityFigures.objects.get(service=service).consultations_work == 130


def test_typing_another_year_does_not_overwrite_that_year(client, provider_a, service):
    _post(client, provider_a, service, **(GOOD | {"year": "2024"}))
    opened_2025 = ""  # the form was opened for 2025, which has no figures yet
    response = _post(
        client,
        provider_a,
        service,
        **(GOOD | {"year": "2024", "stand": opened_2025, "consultations_work": "5"}),
    )
    assert response.status_code == 400
    assert ActivityFigures.objects.get(service=service, year=2024).consultations_work == 120
