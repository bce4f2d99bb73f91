"""`integrationsatlas report teilhabebericht --region 14625 --year 2025 --out bericht.pdf`.

The file's ending picks the format (.pdf, .docx, .html). The file is written whole or not at
all: a bad region, a year without data or an unknown ending leave nothing behind.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from integrationsatlas.planning.teilhabebericht.build import build_report
from integrationsatlas.planning.teilhabebericht.document import ReportError
from integrationsatlas.planning.teilhabebericht.render import FORMATS, render_report


def _year(text: str) -> int:
    if not text.isdigit() or not 2015 <= int(text) <= 2100:
        raise CommandError(f"--year: '{text}' ist kein Kalenderjahr (2015 bis 2100).")
    return int(text)


def _write_whole(path: Path, content: bytes) -> None:
    """Write to a temporary file beside the target, then rename: no half-written report."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class Command(BaseCommand):
    help = "Berichte als Datei. teilhabebericht: kommunaler Integrations- und Teilhabebericht (KomIntAVO § 14)."

    def add_arguments(self, parser):
        kinds = parser.add_subparsers(dest="kind", required=True)
        thb = kinds.add_parser(
            "teilhabebericht",
            help="Integrations- und Teilhabebericht eines Kreises für ein Kalenderjahr",
        )
        thb.add_argument("--region", required=True, help="Kreisschlüssel, z. B. 14625")
        thb.add_argument("--year", required=True, help="Kalenderjahr, z. B. 2025")
        thb.add_argument("--out", required=True, help="Zieldatei: .pdf, .docx oder .html")

    def handle(self, *args, kind, region, year, out, **options):
        path = Path(out)
        fmt = path.suffix.lower().lstrip(".")
        if fmt not in FORMATS:
            raise CommandError(
                f"--out: Dateiendung '{path.suffix or '(keine)'}' unbekannt; "
                "erlaubt sind .pdf, .docx und .html."
            )
        if not path.parent.is_dir():
            raise CommandError(f"--out: Ordner {path.parent} gibt es nicht.")
        with translation.override("de"):
            try:
                report = build_report(region, _year(year), timezone.localdate())
            except ReportError as error:
                raise CommandError(str(error)) from error
            content = render_report(report, fmt)
        _write_whole(path, content)
        self.stdout.write(
            f"{path}: {report.title}, {len(report.figures()) - sum(f.is_gap for f in report.figures())} "
            f"Zahlen mit Quelle, {report.gaps()} offene Stellen markiert."
        )
