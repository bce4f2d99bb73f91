"""EMAIL_URL: every documented form gives the right Django settings; bad URLs are refused."""

from __future__ import annotations

import pytest

from integrationsatlas.core.email_url import EmailUrlError, parse_email_url


def test_default_is_console():
    assert parse_email_url("")["EMAIL_BACKEND"].endswith("console.EmailBackend")
    assert parse_email_url("console:")["EMAIL_BACKEND"].endswith("console.EmailBackend")


def test_smtp_uses_starttls_and_decodes_credentials():
    config = parse_email_url("smtp://atlas%40kreis.de:p%3Ass@mail.example:587")
    assert config["EMAIL_HOST"] == "mail.example"
    assert config["EMAIL_PORT"] == 587
    assert config["EMAIL_HOST_USER"] == "atlas@kreis.de"
    assert config["EMAIL_HOST_PASSWORD"] == "p:ss"
    assert config["EMAIL_USE_TLS"] is True
    assert config["EMAIL_USE_SSL"] is False


def test_smtps_is_implicit_tls_on_465():
    config = parse_email_url("smtps://u:p@mail.example")
    assert (config["EMAIL_PORT"], config["EMAIL_USE_SSL"], config["EMAIL_USE_TLS"]) == (
        465,
        True,
        False,
    )


def test_local_relay_without_tls():
    config = parse_email_url("smtp://127.0.0.1:2525?starttls=off&timeout=3")
    assert (config["EMAIL_USE_TLS"], config["EMAIL_USE_SSL"]) == (False, False)
    assert (config["EMAIL_PORT"], config["EMAIL_TIMEOUT"]) == (2525, 3)


def test_file_needs_an_absolute_path():
    assert parse_email_url("file:///var/mail/atlas")["EMAIL_FILE_PATH"] == "/var/mail/atlas"
    with pytest.raises(EmailUrlError, match="absoluten Pfad"):
        parse_email_url("file://relative")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("imap://mail.example", "unbekannte Art 'imap'"),
        ("smtp://", "kein Server"),
        ("smtp://mail.example:99999", "Port"),
        ("smtp://mail.example?timeout=soon", "timeout"),
    ],
)
def test_bad_urls_are_refused_with_a_german_message(url, message):
    with pytest.raises(EmailUrlError, match=message):
        parse_email_url(url)


def test_password_never_appears_in_the_message():
    with pytest.raises(EmailUrlError) as caught:
        parse_email_url("smtp://user:geheim@mail.example:notaport")
    assert "geheim" not in str(caught.value)
