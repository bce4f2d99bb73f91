"""Column mapping for lists kept in other layouts: German headers recognised, the rest mapped once.

A file whose header is the template's is read as it is. Any other header goes through a
mapping: each column is mapped to a template column (or to `street`/`house_number`, joined
into `address`), or ignored. Common German headers (Träger, Einrichtung, Angebot, Straße,
Hausnummer, PLZ, Ort, Telefon, E-Mail, Internet, Sprachen, Öffnungszeiten, Zielgruppe, …) are
recognised; a saved profile (JSON or YAML, `--mapping FILE`, or the mapping step of the import
page) names the others. The rows are then rewritten into template rows, so every check of
the template applies unchanged; messages name the file's own column.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from typing import Any

import yaml
from django.utils.translation import gettext as _

from . import list_values
from .flat import COLUMNS, LOCATION_COLUMN_NAMES
from .problems import ImportRefused, Problem
from .tabular import read_table_info

STREET = "street"
HOUSE_NUMBER = "house_number"
IGNORE = ""
# What a column can be mapped to, besides the template's columns.
EXTRA_TARGETS = (STREET, HOUSE_NUMBER)

# Normalised header (see `normalise`) -> target.
KNOWN_HEADERS: dict[str, str] = {
    "trager": "organization_name",
    "tragername": "organization_name",
    "anbieter": "organization_name",
    "organisation": "organization_name",
    "tragerid": "organization_id",
    "einrichtung": "location_name",
    "einrichtungsname": "location_name",
    "standort": "location_name",
    "standortid": "location_id",
    "angebot": "name",
    "angebotsname": "name",
    "bezeichnung": "name",
    "angebotsid": "service_id",
    "beschreibung": "description",
    "angebotsart": "offer_type",
    "kategorie": "offer_type",
    "strasse": STREET,
    "str": STREET,
    "hausnummer": HOUSE_NUMBER,
    "hausnr": HOUSE_NUMBER,
    "hnr": HOUSE_NUMBER,
    "adresse": "address",
    "anschrift": "address",
    "strasseundhausnummer": "address",
    "plz": "postal_code",
    "postleitzahl": "postal_code",
    "ort": "city",
    "stadt": "city",
    "telefon": "phone",
    "tel": "phone",
    "telefonnummer": "phone",
    "email": "email",
    "mail": "email",
    "emailadresse": "email",
    "internet": "website",
    "website": "website",
    "webseite": "website",
    "homepage": "website",
    "internetadresse": "website",
    "sprachen": "languages",
    "sprache": "languages",
    "beratungssprachen": "languages",
    "offnungszeiten": "hours",
    "sprechzeiten": "hours",
    "beratungszeiten": "hours",
    "zielgruppe": "target_groups",
    "zielgruppen": "target_groups",
    "ansprechpartner": "contact_name",
    "ansprechpartnerin": "contact_name",
    "ansprechperson": "contact_name",
    "kosten": "fee_description",
    "kostenlos": "is_free",
    "barrierefrei": "wheelchair_accessible",
    "langengrad": "longitude",
    "lange": "longitude",
    "lon": "longitude",
    "lng": "longitude",
    "breitengrad": "latitude",
    "breite": "latitude",
    "lat": "latitude",
}


def normalise(header: str) -> str:
    """`Straße` -> `strasse`, `E-Mail` -> `email`, `Öffnungszeiten:` -> `offnungszeiten`."""
    text = header.strip().lower().replace("ß", "ss")
    text = text.translate(str.maketrans("äöü", "aou"))
    return re.sub(r"[^a-z0-9]", "", text)


_NORMALISED_COLUMNS = {normalise(c): c for c in COLUMNS}


def targets() -> list[str]:
    """Everything a column can be mapped to, in the template's order."""
    return [*COLUMNS, *EXTRA_TARGETS]


@dataclass
class Profile:
    """A saved mapping: file column -> target (IGNORE to leave it out), default offer type."""

    columns: dict[str, str] = field(default_factory=dict)
    offer_type: str = ""
    id_prefix: str = "liste"

    def as_dict(self) -> dict[str, Any]:
        return {"columns": self.columns, "offer_type": self.offer_type, "id_prefix": self.id_prefix}


def read_profile(text: str, source: str) -> Profile:
    """A profile from JSON or YAML text; `source` names it in messages."""

    def refuse(message: str) -> ImportRefused:
        return ImportRefused([Problem(None, source, message)])

    try:
        document = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise refuse(_("keine lesbare JSON- oder YAML-Datei (%(e)s).") % {"e": exc}) from exc
    if not isinstance(document, dict) or not isinstance(document.get("columns", {}), dict):
        raise refuse(
            _("erwartet ein Objekt mit „columns“: {Spalte der Datei: Spalte der Vorlage}.")
        )
    columns = {}
    for column, target in (document.get("columns") or {}).items():
        target = "" if target in (None, False, "ignore", "ignorieren") else str(target)
        if target and target not in targets():
            raise refuse(
                _("„%(column)s“ soll zu „%(target)s“, diese Spalte kennt die Vorlage nicht.")
                % {"column": column, "target": target}
            )
        columns[str(column).strip()] = target
    prefix = str(document.get("id_prefix") or "liste")
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,40}", prefix):
        raise refuse(
            _("„id_prefix“ darf nur Buchstaben, Ziffern, - und _ enthalten (höchstens 40).")
        )
    return Profile(columns, str(document.get("offer_type") or ""), prefix)


def is_template(header: list[str]) -> bool:
    return all(column in COLUMNS for column in header if column)


def propose(header: list[str], profile: Profile | None = None) -> dict[str, str | None]:
    """File column -> target: the profile's choice, else a recognised header, else None."""
    profile = profile or Profile()
    proposal: dict[str, str | None] = {}
    for column in header:
        if column in profile.columns:
            proposal[column] = profile.columns[column]
        elif column in COLUMNS:
            proposal[column] = column
        else:
            key = normalise(column)
            proposal[column] = KNOWN_HEADERS.get(key) or _NORMALISED_COLUMNS.get(key)
    return proposal


@dataclass
class Mapped:
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]
    sources: dict[str, str]  # template column -> the file's column(s), for messages

    def source_of(self, column: str) -> str:
        return self.sources.get(column, column)


def _check_proposal(header: list[str], proposal: dict[str, str | None]) -> list[Problem]:
    problems = [
        Problem(
            1,
            column or _("Spalte %(n)d (ohne Namen)") % {"n": position},
            _(
                "unbekannte Spalte: bitte einer Spalte der Vorlage zuordnen oder ignorieren "
                "(Zuordnung auf der Importseite oder mit --mapping)."
            ),
        )
        for position, column in enumerate(header, start=1)
        if proposal.get(column) is None
    ]
    chosen: dict[str, str] = {}
    for column in header:
        target = proposal.get(column)
        if target and target in chosen:
            problems.append(
                Problem(
                    1,
                    column,
                    _("„%(target)s“ ist schon der Spalte „%(other)s“ zugeordnet.")
                    % {"target": target, "other": chosen[target]},
                )
            )
        elif target:
            chosen[target] = column
    return problems


def _key(prefix: str, kind: str, *parts: str) -> str:
    """A stable id from the row's content, so a re-import finds the same service again."""
    digest = hashlib.sha1("\x1f".join(p.strip().lower() for p in parts).encode()).hexdigest()
    return f"{prefix}-{kind}-{digest[:12]}"


def _convert(values: dict[str, str], profile: Profile, offer_names: dict[str, str]) -> dict:
    row = dict(values)
    if STREET in row or HOUSE_NUMBER in row:
        joined = list_values.address(row.pop(STREET, ""), row.pop(HOUSE_NUMBER, ""))
        row["address"] = row.get("address") or joined
    converters = {
        "languages": list_values.languages,
        "target_groups": list_values.target_groups,
        "hours": list_values.hours,
        "website": list_values.website,
        "postal_code": list_values.postal_code,
    }
    for column, convert in converters.items():
        if row.get(column):
            row[column] = convert(row[column])
    row["offer_type"] = list_values.offer_type(row.get("offer_type", ""), offer_names)
    row["offer_type"] = row["offer_type"] or profile.offer_type
    if not row.get("organization_id") and row.get("organization_name"):
        row["organization_id"] = _key(profile.id_prefix, "traeger", row["organization_name"])
    site = [row.get(c, "") for c in ("location_name", "address", "postal_code", "city")]
    if not row.get("location_id") and any(site):
        row["location_id"] = _key(
            profile.id_prefix, "standort", row.get("organization_id", ""), *site
        )
    if not row.get("service_id"):
        parts = (row.get("organization_id", ""), row.get("name", ""), *site)
        row["service_id"] = _key(profile.id_prefix, "angebot", *parts)
    return row


def apply(
    header: list[str],
    rows: list[tuple[int, dict[str, str]]],
    profile: Profile,
    offer_names: dict[str, str],
) -> Mapped:
    """Rewrite the rows into template rows; ImportRefused names every column left unmapped."""
    proposal = propose(header, profile)
    problems = _check_proposal(header, proposal)
    if problems:
        from .flat_reader import check_header

        try:
            given = [t for t in proposal.values() if t in COLUMNS] + ["service_id"]
            check_header(given + (["offer_type"] if profile.offer_type else []))
        except ImportRefused as refused:
            problems += [p for p in refused.problems if p.column != "service_id"]
        raise ImportRefused(problems)
    chosen = {column: target for column, target in proposal.items() if target}
    sources: dict[str, str] = {}
    for column, target in chosen.items():
        name = "address" if target in EXTRA_TARGETS else target
        sources[name] = f"{sources[name]} + {column}" if name in sources else column
    converted = []
    for number, values in rows:
        mapped = {target: values.get(column, "") for column, target in chosen.items()}
        converted.append((number, _convert(mapped, profile, offer_names)))
    out_header = [
        c for c in COLUMNS if any(c in row for _n, row in converted) or c in chosen.values()
    ]
    for column in ("service_id", "offer_type"):
        if column not in out_header:
            out_header.append(column)
    if any(c in out_header for c in LOCATION_COLUMN_NAMES) and "location_id" not in out_header:
        out_header.append("location_id")
    return Mapped(out_header, converted, sources)


@dataclass
class ReadRows:
    """The rows to read as template rows, and what was found out on the way (for the summary)."""

    header: list[str]
    rows: list[tuple[int, dict[str, str]]]
    encoding: str = ""
    delimiter: str = ""
    mapped: Mapped | None = None


def offer_type_names() -> dict[str, str]:
    from integrationsatlas.taxonomy.models import OfferType

    names: dict[str, str] = {}
    for code, translations in OfferType.objects.values_list("code", "names"):
        names.update({str(n).strip().lower(): code for n in (translations or {}).values()})
    return names


def read_rows(
    data: bytes, fmt: str, profile: Profile | None = None, default_offer_type: str = ""
) -> ReadRows:
    """Read a CSV/XLSX file; map it when its header is not the template's or a profile is given.

    `default_offer_type` is the offer type of mapped rows without one, unless the profile
    names its own.
    """
    table = read_table_info(data, fmt)
    result = ReadRows(table.header, table.rows, table.encoding, table.delimiter)
    if profile is None and is_template(table.header):
        return result
    profile = profile or Profile()
    if not profile.offer_type:
        profile = replace(profile, offer_type=default_offer_type)
    mapped = apply(table.header, table.rows, profile, offer_type_names())
    result.header, result.rows, result.mapped = mapped.header, mapped.rows, mapped
    return result
