"""What an import found out about its file, in sentences the page and the command line both show."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .importer import ImportResult


def describe_file(result: ImportResult) -> list[str]:
    """Encoding and delimiter, the column mapping used, and how many sites were estimated."""
    lines = []
    if result.encoding:
        lines.append(
            _("Zeichenkodierung: %(encoding)s, Trennzeichen „%(delimiter)s“.")
            % {"encoding": result.encoding, "delimiter": result.delimiter}
        )
    if result.mapped is not None:
        pairs = sorted(result.mapped.sources.items(), key=lambda item: item[1])
        lines.append(
            _("Spalten zugeordnet: %(pairs)s.")
            % {"pairs": ", ".join(f"{source} → {target}" for target, source in pairs)}
        )
    if result.estimated:
        count = len(result.estimated)
        lines.append(
            ngettext(
                "%(n)s Standort ohne Koordinaten: Lage geschätzt (Postleitzahl).",
                "%(n)s Standorte ohne Koordinaten: Lage geschätzt (Postleitzahl).",
                count,
            )
            % {"n": count}
        )
    return lines
