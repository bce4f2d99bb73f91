"""Fixtures for region tests."""

import pytest
from django.core.cache import cache

from integrationsatlas.regions import version


@pytest.fixture
def fresh_cache():
    """Maps are cached; a test that loads other data must not leave its maps behind."""
    cache.clear()
    version.forget()
    yield
    cache.clear()
    version.forget()
