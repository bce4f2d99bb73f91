"""Finder test setup: a fixed clock, no cache between tests, and the small Pirna registry."""

import pytest

from integrationsatlas.finder import clock, search

from .fixtures import MONDAY_10, build_registry


@pytest.fixture(autouse=True)
def finder_clock(monkeypatch, settings):
    settings.FINDER_VERSION_CHECK_SECONDS = 0
    monkeypatch.setattr(clock, "now", lambda: MONDAY_10)
    search.clear_cache()
    yield MONDAY_10
    search.clear_cache()


@pytest.fixture
def registry(db):
    return build_registry()
