"""Issue 13: German units and number formats for people ("6 Sprachen", not "6,00 languages")."""

from __future__ import annotations

import pytest
from django.utils import translation

from integrationsatlas.planning.names import german_number, quantity, unit_name


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (6.0, "languages", "6 Sprachen"),
        (1.0, "languages", "1 Sprache"),
        (1.0, "sites", "1 Standort"),
        (3.0, "services", "3 Angebote"),
        (2.0, "bodies", "2 Gremien"),
        (1234.0, "places", "1.234 Plätze"),
        (125.6, "places", "125,60 Plätze"),  # a ratio deficit is not a whole count
        (2.538, "fte", "2,54 Vollzeitstellen (VZÄ)"),
        (3.15, "hours_per_week", "3,15 Stunden pro Woche"),
        (None, "fte", "–"),
        (float("nan"), "sites", "–"),
    ],
)
def test_quantity_in_german(value, unit, text):
    with translation.override("de"):
        assert quantity(value, unit) == text


def test_numbers_and_unknown_units():
    assert german_number(1234567.891) == "1.234.567,89"
    assert german_number(-0.5, 1) == "-0,5"
    assert unit_name("furlongs") == "furlongs"  # an unknown code stays readable, not lost
    with translation.override("en"):
        assert quantity(6.0, "languages") == "6 languages"
        assert quantity(1.0, "languages") == "1 language"


@pytest.mark.django_db
def test_equity_page_and_row_detail_name_rules_and_offer_types(client, planner, assessment):
    from django.urls import reverse

    client.force_login(planner)
    equity = client.get(reverse("planning:equity", args=[assessment.pk])).content.decode()
    table = equity.split("<tbody>", 1)[1]
    assert "MBE je 1.000 Ausländer" in table and "Kita-Plätze" in table
    assert "<td>mbe-ratio</td>" not in table
    row = assessment.rows.get(region_id="14625", rule_code="mbe-ratio")
    detail = client.get(reverse("planning:row", args=[assessment.pk, row.pk])).content.decode()
    assert "Migrationsberatung für Erwachsene" in detail and "Vollzeitstellen (VZÄ)" in detail
    assert "Regel MBE je 1.000 Ausländer" in detail
