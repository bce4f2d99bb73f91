"""Fixtures for import/export tests: a small CSV built from the template's columns."""

import csv
import io

import pytest

from integrationsatlas.interchange.flat import COLUMNS


def make_csv(rows: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(dict.fromkeys(COLUMNS, "") | row)
    return buffer.getvalue().encode()


def service_row(n: int = 1, **changes: str) -> dict[str, str]:
    row = {
        "service_id": f"test-svc-{n}",
        "organization_id": "test-org",
        "organization_name": "Testträger e. V.",
        "offer_type": "mbe",
        "name": f"Beratung {n}",
        "languages": "de|ar",
        "status": "active",
        "capacity": "1.5",
        "is_free": "ja",
        "funding_level": "bund",
        "funding_funder": "BAMF",
        "funding_programme": "MBE",
        "funding_amount_per_year": "90000.00",
        "funding_share": "1",
        "funding_start": "2024-01-01",
        "funding_end": "2027-12-31",
        "location_id": f"test-loc-{n}",
        "address": "Altmarkt 1",
        "postal_code": "01067",
        "city": "Dresden",
        "longitude": "13.7373",
        "latitude": "51.0504",
        "hours": "Mo 09:00-12:00; Di 13:00-16:00",
    }
    return row | changes


@pytest.fixture
def csv_of():
    return make_csv
