"""Which text encoding and delimiter a CSV file uses: UTF-8 (with or without BOM) or Windows-1252."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .problems import ImportRefused, Problem

# Names as the summary shows them (what Excel calls the choice that writes such a file).
UTF8 = "UTF-8"
UTF8_BOM = "UTF-8 mit BOM"
CP1252 = "Windows-1252 (cp1252)"

# Bytes that Windows-1252 leaves undefined: a file with one is in none of the three encodings.
_UNDEFINED_IN_CP1252 = frozenset(b"\x81\x8d\x8f\x90\x9d")


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str  # one of UTF8, UTF8_BOM, CP1252


def _refuse(message: str) -> ImportRefused:
    return ImportRefused([Problem(None, "-", message)])


def decode(data: bytes) -> DecodedText:
    """Decode a CSV file's bytes; UTF-8 wins when the bytes are valid UTF-8.

    German Excel saves "CSV (Trennzeichen-getrennt)" as Windows-1252, "CSV UTF-8" as UTF-8
    with a byte order mark. Windows-1252 text with umlauts is (almost) never valid UTF-8, so
    trying UTF-8 first and falling back is safe. UTF-16 ("Unicode-Text") and anything with
    bytes Windows-1252 does not define is refused with a message saying what to choose.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _refuse(
            _(
                "Die Datei ist UTF-16-kodiert („Unicode-Text“). Bitte in Excel als "
                "„CSV UTF-8“ oder „CSV (Trennzeichen-getrennt)“ speichern."
            )
        )
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return DecodedText(data[3:].decode("utf-8"), UTF8_BOM)
        except UnicodeDecodeError as exc:
            raise _unknown(exc.start + 3) from exc
    try:
        return DecodedText(data.decode("utf-8"), UTF8)
    except UnicodeDecodeError:
        pass
    bad = next((i for i, byte in enumerate(data) if byte in _UNDEFINED_IN_CP1252), None)
    if bad is not None or b"\x00" in data:
        raise _unknown(bad if bad is not None else data.index(b"\x00"))
    return DecodedText(data.decode("cp1252"), CP1252)


def _unknown(position: int) -> ImportRefused:
    return _refuse(
        _(
            "Unbekannte Zeichenkodierung (Byte %(pos)s passt weder zu UTF-8 noch zu "
            "Windows-1252). Bitte in Excel als „CSV UTF-8“ speichern."
        )
        % {"pos": position}
    )


def delimiter_of(text: str) -> str:
    """`;` (German Excel) or `,`: whichever occurs more often in the header line."""
    first = text.split("\n", 1)[0]
    return ";" if first.count(";") > first.count(",") else ","
