"""Security settings: deploy checks, CSP, password hashing, sign-in rate limit, privacy of logs."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import identify_hasher
from django.test import override_settings

from integrationsatlas import settings as project_settings


def test_production_settings_pass_check_deploy_without_warnings():
    env = {
        **os.environ,
        "INTEGRATIONSATLAS_PRODUCTION": "1",
        "INTEGRATIONSATLAS_HTTPS": "1",
        "SECRET_KEY": "k" * 20 + "Xy9-secret-for-the-deploy-check-only-" + "q" * 20,
        "ALLOWED_HOSTS": "atlas.example.org",
        "DEBUG": "0",
    }
    env.pop("DATABASE_URL", None)
    # The browser tests allow sync ORM calls in this process; a deployment never does.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "integrationsatlas.cli",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_secret_key():
    env = {**os.environ, "INTEGRATIONSATLAS_PRODUCTION": "1"}
    env.pop("SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "-m", "integrationsatlas.cli", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


GOOD_KEY = "k" * 20 + "Xy9-secret-for-the-deploy-check-only-" + "q" * 20


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"DEBUG": "1"}, "DEBUG is on in production mode"),
        ({"SECRET_KEY": "abc"}, "SECRET_KEY is too weak for production: at least 50"),
        ({"SECRET_KEY": "a" * 80}, "SECRET_KEY is too weak"),
        ({"SECRET_KEY": "django-insecure-" + GOOD_KEY}, "SECRET_KEY is too weak"),
    ],
)
def test_production_refuses_to_start_with_debug_or_a_weak_key(overrides, message):
    env = {
        **os.environ,
        "INTEGRATIONSATLAS_PRODUCTION": "1",
        "SECRET_KEY": GOOD_KEY,
        "DEBUG": "0",
        **overrides,
    }
    result = subprocess.run(
        [sys.executable, "-m", "integrationsatlas.cli", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.django_db
def test_csp_forbids_inline_scripts(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    script_src = next(p for p in policy.split(";") if p.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src
    assert "'self'" in script_src
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_passwords_are_hashed_with_argon2():
    """The product's setting (the test run itself hashes with MD5, see tests/conftest.py)."""
    with override_settings(PASSWORD_HASHERS=project_settings.PASSWORD_HASHERS):
        user = get_user_model().objects.create_user("anna", password="ein-langes-passwort-42")
        assert identify_hasher(user.password).algorithm == "argon2"
        assert user.check_password("ein-langes-passwort-42")


@pytest.mark.django_db
def test_sign_in_is_rate_limited(client):
    get_user_model().objects.create_user("bernd", password="richtiges-passwort-42")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/anmelden/", {"username": "bernd", "password": "falsch"})
    locked = client.post("/anmelden/", {"username": "bernd", "password": "richtiges-passwort-42"})
    assert locked.status_code == 429
    assert not locked.wsgi_request.user.is_authenticated


@pytest.mark.django_db
def test_every_post_form_carries_a_csrf_token(client):
    for url in ["/", "/anmelden/", "/regionen/14625/", "/suche/"]:
        html = client.get(url).content.decode()
        posts = len(re.findall(r'<form[^>]*method="post"', html))
        assert posts == html.count('name="csrfmiddlewaretoken"'), url


def test_access_log_format_has_no_query_string():
    from integrationsatlas.core.management.commands import serve

    source = Path(serve.__file__).read_text(encoding="utf-8")
    assert "%(U)s" in source  # path only
    assert "%(q)s" not in source and "%(r)s" not in source
