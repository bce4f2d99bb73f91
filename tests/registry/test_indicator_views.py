"""Issue 16: the statistics page for state administrators and Kreis coordinators."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from integrationsatlas.regions.models import IndicatorEdition, IndicatorValue

pytestmark = pytest.mark.django_db

DRESDEN_FILE = b"region,indicator,reference_date,value\n14612000,population,2024-12-31,570000\n14612000,foreign_population,2024-12-31,x\n"


def upload(client, data: bytes, name: str = "dresden.csv", **fields):
    form = {
        "source": "Landeshauptstadt Dresden, Kommunale Statistikstelle",
        "licence": "dl-de/by-2-0",
    }
    form.update(fields)
    return client.post(
        reverse("registry:indicators"), {**form, "file": SimpleUploadedFile(name, data)}
    )


@pytest.mark.parametrize("who", ["anonymous", "provider_a"])
def test_only_administrators_and_coordinators_see_the_page(client, request, who):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("registry:indicators"))
    assert response.status_code == (302 if who == "anonymous" else 403)


def test_coordinator_imports_for_their_kreis_and_sees_the_edition(client, coordinator_dresden):
    client.force_login(coordinator_dresden)
    response = upload(client, DRESDEN_FILE)
    assert response.status_code == 302
    edition = IndicatorEdition.objects.get()
    assert edition.loaded_by == coordinator_dresden and edition.values_unknown == 1
    page = client.get(reverse("registry:indicators")).content.decode()
    assert "2 neue Werte" in page and "davon 1 unbekannt" in page
    assert "Landeshauptstadt Dresden, Kommunale Statistikstelle" in page
    detail = client.get(reverse("registry:indicator_edition", args=[edition.pk])).content.decode()
    assert "unbekannt (x)" in detail and "Ausgabe zurückziehen" in detail


def test_a_row_outside_the_kreis_is_named_and_nothing_is_stored(client, coordinator_dresden):
    client.force_login(coordinator_dresden)
    data = DRESDEN_FILE + b"14713000,population,2024-12-31,600000\n"
    before = IndicatorValue.objects.count()
    response = upload(client, data)
    assert response.status_code == 400
    assert (
        "Zeile 4, Spalte region: 14713000 liegt außerhalb Ihres Zuständigkeitsbereichs"
        in response.content.decode()
    )
    assert IndicatorValue.objects.count() == before and not IndicatorEdition.objects.exists()


def test_coordinator_cannot_withdraw_another_kreis_edition_but_admin_can(
    client, coordinator_leipzig, admin_user
):
    client.force_login(admin_user)
    upload(client, DRESDEN_FILE)
    edition = IndicatorEdition.objects.get()
    client.force_login(coordinator_leipzig)
    url = reverse("registry:indicator_withdraw", args=[edition.pk])
    client.post(url, {"reason": "falsch"})
    assert not IndicatorEdition.objects.get().is_withdrawn
    client.force_login(admin_user)
    client.post(url, {"reason": "Stichtag falsch"})
    edition.refresh_from_db()
    assert edition.is_withdrawn and edition.withdrawal_reason == "Stichtag falsch"
    assert not IndicatorValue.objects.filter(edition=edition).exists()


def test_declare_a_code_on_the_page(client, admin_user):
    client.force_login(admin_user)
    client.post(
        reverse("registry:indicator_declare"),
        {"code": "children_under_3", "name": "Kinder unter 3", "unit": "Personen"},
    )
    page = client.get(reverse("registry:indicators")).content.decode()
    assert "children_under_3" in page


def test_compare_two_editions_on_the_page_and_a_hostile_parameter_is_ignored(client, admin_user):
    client.force_login(admin_user)
    upload(client, DRESDEN_FILE)
    upload(
        client,
        b"region,indicator,reference_date,value\n14612000,population,2025-12-31,575000\n",
        "neu.csv",
    )
    first, second = IndicatorEdition.objects.order_by("pk")
    url = reverse("registry:indicator_edition", args=[first.pk])
    page = client.get(url, {"vergleich": second.pk}).content.decode()
    assert "570000,0 (2024-12-31)" in page and "575000,0 (2025-12-31)" in page
    assert "5000,0 (0,88 %)" in page
    assert client.get(url, {"vergleich": "1 OR 1=1<script>"}).status_code == 200
