"""EMAIL_URL parsing: one URL from the environment becomes Django's e-mail settings.

Plain Python (settings.py imports it before Django is set up). Forms:

- ``console:``  mails printed to the server log (the default, for development);
- ``file:///var/mail/atlas``  one file per mail in that folder;
- ``locmem:``  kept in memory (tests);
- ``smtp://user:password@host:587``  SMTP with STARTTLS (``?starttls=off`` for a local relay
  that offers no TLS, e.g. ``smtp://127.0.0.1:25?starttls=off``);
- ``smtps://user:password@host:465``  SMTP over implicit TLS.

User name and password are percent-decoded, so ``%40`` in a user name is an ``@``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
SIMPLE_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}
DEFAULT_PORTS = {"smtp": 587, "smtps": 465}
OFF_WORDS = {"0", "false", "no", "off"}


class EmailUrlError(ValueError):
    """The EMAIL_URL cannot be used; the message says what is wrong (without the password)."""


def _smtp(parts: Any, scheme: str) -> dict[str, Any]:
    if not parts.hostname:
        raise EmailUrlError(f"EMAIL_URL: kein Server angegeben ({scheme}://host:port).")
    try:
        port = parts.port or DEFAULT_PORTS[scheme]
    except ValueError as error:
        raise EmailUrlError("EMAIL_URL: der Port ist keine Zahl zwischen 1 und 65535.") from error
    query = parse_qs(parts.query)
    starttls = query.get("starttls", ["on"])[-1].strip().lower() not in OFF_WORDS
    try:
        timeout = int(query.get("timeout", ["10"])[-1])
    except ValueError as error:
        raise EmailUrlError("EMAIL_URL: timeout muss eine ganze Zahl (Sekunden) sein.") from error
    return {
        "EMAIL_BACKEND": SMTP_BACKEND,
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": scheme == "smtp" and starttls,
        "EMAIL_USE_SSL": scheme == "smtps",
        # A dead mail server must not hold a web request (or the notify run) for minutes.
        "EMAIL_TIMEOUT": timeout,
    }


def parse_email_url(url: str) -> dict[str, Any]:
    """Django settings (EMAIL_BACKEND, EMAIL_HOST, ...) for one EMAIL_URL; see the module doc."""
    url = (url or "").strip() or "console:"
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme in SIMPLE_BACKENDS:
        return {"EMAIL_BACKEND": SIMPLE_BACKENDS[scheme]}
    if scheme == "file":
        path = unquote(parts.path)
        if not path.startswith("/"):
            raise EmailUrlError("EMAIL_URL: file:// braucht einen absoluten Pfad (file:///pfad).")
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": path,
        }
    if scheme in DEFAULT_PORTS:
        return _smtp(parts, scheme)
    shown = scheme or url.split(":", 1)[0]
    raise EmailUrlError(
        f"EMAIL_URL: unbekannte Art {shown!r}; erlaubt sind console:, file:///pfad, locmem:, "
        "smtp://… (STARTTLS) und smtps://… (TLS)."
    )
