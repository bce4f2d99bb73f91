"""The project starts: settings load, migrations are complete, the start page renders."""

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_missing_migrations():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db
def test_start_page_lists_13_kreise(client):
    response = client.get("/")
    assert response.status_code == 200
    assert (
        response.content.decode().count('href="/regionen/145')
        + response.content.decode().count('href="/regionen/146')
        + response.content.decode().count('href="/regionen/147')
        >= 26
    )


@pytest.mark.django_db
def test_offer_types_seeded_in_seven_languages():
    from integrationsatlas.taxonomy.models import OfferType

    # 16 from the domain brief plus the four offers of kommunale Integrationsarbeit that the
    # Saxon law names (§§ 12, 13, 14, 19 SächsIntG).
    assert OfferType.objects.count() == 20
    law_types = {
        "integration_counselling_centre": "§ 14 SächsIntG",
        "integration_management": "§ 12 SächsIntG",
        "integration_commissioner": "§ 19 SächsIntG",
        "return_counselling": "§ 13 SächsIntG",
        "refugee_social_work": "§ 12 KomIntAVO",
    }
    for code, paragraph in law_types.items():
        assert paragraph in OfferType.objects.get(code=code).legal_basis
    for offer_type in OfferType.objects.all():
        assert set(offer_type.names) >= {"de", "en", "ar", "uk", "ru", "fa", "tr"}
