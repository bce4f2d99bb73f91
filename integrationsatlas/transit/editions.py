"""Keep GTFS feed editions: import a checked zip under var/transit/, find one by name or file."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
from pathlib import Path

from django.conf import settings
from django.db import transaction

from integrationsatlas.transit.errors import FeedError
from integrationsatlas.transit.models import FeedEdition


def feed_dir() -> Path:
    return Path(settings.VAR_DIR) / "transit"


def import_feed(
    path: Path,
    *,
    source: str,
    licence: str,
    reference_date: dt.date | None = None,
    name: str | None = None,
) -> FeedEdition:
    """Check the feed, copy it under var/transit/ and record the edition.

    Nothing is stored unless the whole feed passes :func:`check_feed`; an existing edition
    of the same name is refused rather than replaced, so earlier figures keep their source.
    The reference date (Stand) defaults to the first day with service.
    """
    if not source.strip() or not licence.strip():
        raise FeedError("Quelle und Lizenz des Feeds angeben (--source, --licence).")
    name = name or re.sub(r"[^a-z0-9-]+", "-", path.stem.lower()).strip("-") or "feed"
    if FeedEdition.objects.filter(name=name).exists():
        raise FeedError(f"Eine Fahrplan-Ausgabe '{name}' gibt es schon; anderen --name wählen.")
    # Here, not at the top: the finder's pages import this module, and every command's
    # system checks load those pages; checking a feed is the only use of pandas here.
    from integrationsatlas.transit.gtfs import check_feed

    summary = check_feed(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    target = feed_dir() / f"{digest}.zip"
    target.parent.mkdir(parents=True, exist_ok=True)
    copied = not target.exists()
    if copied:
        shutil.copyfile(path, target)
    try:
        with transaction.atomic():
            return FeedEdition.objects.create(
                name=name,
                source=source.strip(),
                licence=licence.strip(),
                reference_date=reference_date or summary.first_day,
                first_day=summary.first_day,
                last_day=summary.last_day,
                publisher=summary.publisher,
                stops=summary.stops,
                trips=summary.trips,
                sha256=digest,
                file_name=target.name,
            )
    except Exception:
        if copied:
            target.unlink(missing_ok=True)
        raise


def resolve_feed(value: str) -> tuple[Path, str]:
    """A GTFS zip by path, or a feed edition by name: (file, label for output).

    A path is tried first, so a file can be used without a database.
    """
    path = Path(value)
    if path.is_file():
        return path, f"Fahrplan-Datei {path.name} (nicht importiert)"
    edition = FeedEdition.objects.filter(name=value).first()
    if edition is not None:
        path = feed_dir() / edition.file_name
        if not path.exists():
            raise FeedError(f"Datei der Fahrplan-Ausgabe '{value}' fehlt: {path}.")
        return path, edition.label
    known = ", ".join(FeedEdition.objects.values_list("name", flat=True)) or "keine"
    raise FeedError(f"Kein Fahrplan '{value}': weder Ausgabe (vorhanden: {known}) noch Datei.")
