"""Shared fixtures: the real Saxony regions are loaded once per test database."""

import os
from pathlib import Path

import pytest
from django.conf import settings

from tests.shared_data import DATA_DIR


@pytest.hookimpl(trylast=True)
def pytest_configure(config):
    """Rendered PDFs in each test process's memory: the files under var/ would be shared by
    the parallel workers (pytest-xdist), whose databases reuse the same assessment ids.
    A fast password hasher."""
    settings.CACHES["reports"] = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "integrationsatlas-reports-tests",
    }
    # Argon2 takes 150 ms and 100 MB per hash by design, and the suite creates and signs in
    # hundreds of users. Tests hash with MD5; test_security checks the production setting.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


#: Fixtures through which a test reaches the database (pytest-django blocks every other way).
DATABASE_FIXTURES = frozenset(
    {
        "db",
        "transactional_db",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
        "live_server",
    }
)


def uses_database(item: pytest.Item) -> bool:
    """Whether a test touches the configured database: marked ``django_db`` or ``postgres``, or
    asking (directly or through its fixtures) for one of the database fixtures."""
    if item.get_closest_marker("django_db") or item.get_closest_marker("postgres"):
        return True
    return bool(DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())))


def pytest_collection_modifyitems(config, items):
    """On PostgreSQL, run only the tests that touch the database.

    `make test` runs the suite on SQLite first and then on PostgreSQL. A test that never
    reaches the database (the engine, parsers, templates without queries, subprocesses on
    their own SQLite file) runs the same code in both passes, so the second pass leaves it out
    and says so in pytest's "deselected" count.
    """
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return
    kept = [item for item in items if uses_database(item)]
    if len(kept) < len(items):
        config.hook.pytest_deselected(items=[item for item in items if not uses_database(item)])
        items[:] = kept


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load Saxony's regions (Land, 13 Kreise, 418 Gemeinden) and the offer types once per test DB."""
    from tests.shared_data import load_shared_data

    with django_db_blocker.unblock():
        load_shared_data()


@pytest.fixture
def data_dir() -> Path:
    return DATA_DIR


@pytest.fixture(autouse=True)
def _no_shared_finder_pages():
    """Each test starts without stored finder pages: two tests' registries can share a version
    (SQLite reuses ids after a rollback), and with REDIS_URL the pages would outlive the run."""
    from integrationsatlas.finder import pagecache

    pagecache.clear()


@pytest.fixture(autouse=True)
def _no_stored_report_pdfs():
    """A test never sees a region PDF another test rendered."""
    from django.core.cache import caches

    caches["reports"].clear()


@pytest.fixture(autouse=True)
def _regions_version_asked_anew():
    """Each test asks the database for the regions' version: a test that loaded other regions
    was rolled back, and a process caches the version for a few seconds (regions/version.py),
    so the Gemeinde index and the maps would otherwise be those of the previous test."""
    from integrationsatlas.regions import version

    version.forget()


@pytest.fixture(autouse=True)
def _german_to_begin_with():
    """Each test starts in the default language: a page fetched in Arabic by the previous test
    leaves Arabic active in the worker's thread (LocaleMiddleware activates, nothing resets),
    and a management command called next would then speak Arabic."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()
