"""Uploaded files waiting between the steps of the import page (mapping, preview, import).

Kept as files under VAR_DIR/import-staging, named by a random token that only the
uploader's session knows; removed after the import, and after a day in any case.
"""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

from django.conf import settings

MAX_AGE_SECONDS = 24 * 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,60}$")


def _folder() -> Path:
    folder = Path(settings.VAR_DIR) / "import-staging"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _sweep(folder: Path) -> None:
    limit = time.time() - MAX_AGE_SECONDS
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except OSError:
            continue  # another worker removed it first


def keep(data: bytes) -> str:
    """Store the bytes; return the token that names them."""
    folder = _folder()
    _sweep(folder)
    token = secrets.token_urlsafe(24)
    (folder / token).write_bytes(data)
    return token


def read(token: str) -> bytes | None:
    if not _TOKEN.match(token or ""):
        return None
    try:
        return (_folder() / token).read_bytes()
    except OSError:
        return None


def discard(token: str) -> None:
    if _TOKEN.match(token or ""):
        (_folder() / token).unlink(missing_ok=True)
