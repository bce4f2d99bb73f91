"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server."""

import os
from pathlib import Path

import pytest
from django.conf import settings

from integrationsatlas.finder import clock, search
from tests.finder.fixtures import MONDAY_10, build_registry
from tests.shared_data import ensure_shared_data

# Playwright's sync API runs an event loop in this thread; the test's ORM calls are still sync.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
AXE = (
    Path(settings.BASE_DIR) / "integrationsatlas" / "static" / "vendor" / "axe-core" / "axe.min.js"
)
PHONE = {"width": 360, "height": 740}
# Pictures of the pages for a person to look at (`TEST_SCREENSHOTS=1 make test`); no test reads
# them, and a full-page PNG of every page in every language costs about a quarter of the
# browser tests' time.
SCREENSHOTS = os.environ.get("TEST_SCREENSHOTS") == "1"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium fehlt: scripts/install-browser.sh ausführen.")
    if not AXE.exists():
        pytest.fail("axe-core fehlt: scripts/build-static.sh ausführen.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture(scope="module", autouse=True)
def reload_regions_after(django_db_blocker):
    """Transactional tests empty every table afterwards; put the shared regions back."""
    yield
    with django_db_blocker.unblock():
        ensure_shared_data()


@pytest.fixture
def live_registry(live_server, monkeypatch, settings):
    settings.FINDER_VERSION_CHECK_SECONDS = 0
    monkeypatch.setattr(clock, "now", lambda: MONDAY_10)
    search.clear_cache()
    ensure_shared_data()  # an earlier transactional test emptied the tables
    data = build_registry()
    yield data
    search.clear_cache()


def phone_page(browser, language: str):
    context = browser.new_context(
        viewport=PHONE, locale=language, extra_http_headers={"Accept-Language": language}
    )
    # Nothing may be loaded from another host: fail any such request loudly.
    context.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith("http://127.0.0.1") else route.abort()
        ),
    )
    return context, context.new_page()


def check_axe(page, name: str) -> None:
    """Run axe-core (served from our own static files) for WCAG 2.1 A/AA; zero violations."""
    page.add_script_tag(url="/static/vendor/axe-core/axe.min.js")
    result = page.evaluate(
        """() => axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"""
    )
    violations = [
        f"{v['id']}: {v['help']} ({[n['target'] for n in v['nodes']][:3]})"
        for v in result["violations"]
    ]
    assert violations == [], f"{name}: {violations}"


def screenshot(page, name: str) -> None:
    """The whole page as test-artifacts/<name>.png, if TEST_SCREENSHOTS=1."""
    if not SCREENSHOTS:
        return
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
