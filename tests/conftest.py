"""Shared fixtures: the real Saxony regions are loaded once per test database."""

from pathlib import Path

import pytest
from django.conf import settings

DATA_DIR = Path(settings.BASE_DIR) / "data"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load Saxony's 418 Gemeinden, 13 Kreise and the Land into the test database once."""
    from integrationsatlas.regions.loader import load_regions

    with django_db_blocker.unblock():
        load_regions(DATA_DIR)


@pytest.fixture
def data_dir() -> Path:
    return DATA_DIR
