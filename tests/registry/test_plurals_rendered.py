"""Counts on the registry pages take their language's plural form (Arabic: 3 = "خدمات", not "خدمة")."""

import pytest

from integrationsatlas.registry import workflow

from .conftest import payload


@pytest.fixture
def three_services(coordinator_dresden, org_a):
    for name in ("Beratung Altmarkt", "Beratung Neustadt", "Beratung Prohlis"):
        workflow.save_service(coordinator_dresden, None, payload(org_a, name=name))
    return coordinator_dresden


@pytest.mark.parametrize(
    "language, plural, singular",
    [
        ("ar", "3 خدمات", "3 خدمة"),  # 3–10: the plural, never the singular
        ("ru", "3 услуги", "3 услуга"),  # 2–4: the "few" form
        ("uk", "3 послуги", "3 послуга"),
        ("de", "3 Angebote", "3 Angebot<"),
    ],
)
def test_my_services_counts_in_the_plural(client, three_services, language, plural, singular):
    client.force_login(three_services)
    html = client.get("/register/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    caption = html[html.index("<caption") : html.index("</caption>") + 1]
    assert plural in caption
    assert singular not in caption


def test_one_service_is_singular_in_arabic(client, coordinator_dresden, org_a):
    workflow.save_service(coordinator_dresden, None, payload(org_a))
    client.force_login(coordinator_dresden)
    html = client.get("/register/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert "1 خدمة</caption>" in html


@pytest.mark.parametrize(
    "language, text",
    [
        ("ru", "более 180 дней"),
        ("uk", "понад 180 днів"),
        ("ar", "منذ أكثر من 180 يومًا."),  # 180 ends in 80: the accusative singular
    ],
)
def test_stale_list_counts_its_180_days(client, coordinator_dresden, language, text):
    client.force_login(coordinator_dresden)
    html = client.get("/register/veraltet/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert text in html
