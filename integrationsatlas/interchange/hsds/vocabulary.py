"""The words the HSDS writer and reader must agree on, defined once.

`write.py` writes services with these taxonomy names, term codes, values and texts;
`read.py` reads them back. Both import them from here, so an export and the import
of that export cannot spell a code differently. Words only one side needs (the demo alert,
link types, what older exports wrote) stay with that side or are marked as read-only here.
"""

from __future__ import annotations

# ---- taxonomies ------------------------------------------------------------------------------

OFFER_TYPE_TAXONOMY = "Integrationsatlas-Angebotsarten"
MARKER_TAXONOMY = "Integrationsatlas-Kennzeichen"  # data quality marks: the demo term
FIELD_TAXONOMY = "Integrationsatlas-Felder"  # fields HSDS has no column for
# Read only: the field taxonomy's name in exports before the shared mapping.
OLD_FIELD_TAXONOMY = "integrationsatlas-felder"

# The term of MARKER_TAXONOMY that marks demo data, and the value its attribute carries.
DEMO_CODE = "demo"
DEMO_VALUE = "true"


class Field:
    """Codes of the terms of FIELD_TAXONOMY: attribute values for what HSDS has no column for."""

    EXTERNAL_ID = "external_id"
    CAPACITY = "capacity"
    TARGET_GROUPS = "target_groups"
    IS_FREE = "is_free"
    BY_PHONE = "by_phone"
    ONLINE = "online"
    TRANSLATIONS = "translations"
    WHEELCHAIR_ACCESSIBLE = "wheelchair_accessible"
    # on funding
    FUNDER_LEVEL = "funder_level"
    FUNDER_NAME = "funder_name"
    PROGRAMME = "programme"
    AMOUNT_PER_YEAR = "amount_per_year"
    SHARE = "share"
    START = "start"
    END = "end"
    # Read only: exports before the shared mapping wrote these as fields.
    OLD_DEMO = "demo"
    OLD_CONTACT_NAME = "contact_name"


# The terms the writer publishes: code -> German description.
FIELD_TERMS = {
    Field.EXTERNAL_ID: "Externe ID im Integrationsatlas (wenn sie keine UUID ist)",
    Field.CAPACITY: "Kapazität in der Einheit der Angebotsart",
    Field.TARGET_GROUPS: "Zielgruppen (mit | getrennt)",
    Field.IS_FREE: "kostenlos (ja/nein)",
    Field.BY_PHONE: "telefonisch erreichbar (ja/nein)",
    Field.ONLINE: "online erreichbar (ja/nein)",
    Field.TRANSLATIONS: "Übersetzungen (JSON)",
    Field.WHEELCHAIR_ACCESSIBLE: "barrierefreier Zugang (ja/nein)",
    Field.FUNDER_LEVEL: "Geldgeber-Ebene",
    Field.FUNDER_NAME: "Geldgeber",
    Field.PROGRAMME: "Programm",
    Field.AMOUNT_PER_YEAR: "Betrag pro Jahr (EUR)",
    Field.SHARE: "Anteil am Angebot",
    Field.START: "Beginn",
    Field.END: "Ende",
}

# ---- values ----------------------------------------------------------------------------------

YES = "ja"
NO = "nein"
LIST_SEPARATOR = "|"  # between target groups in one attribute value

# Service status: ours -> HSDS, and back (HSDS's "temporarily closed" has no own status here).
STATUS_TO_HSDS = {"active": "active", "planned": "inactive", "ended": "defunct"}
STATUS_FROM_HSDS = {hsds: ours for ours, hsds in STATUS_TO_HSDS.items()} | {
    "temporarily closed": "planned"
}

# Weekly hours are iCal-style schedules: weekday number (1 = Monday) -> BYDAY code.
WEEKLY = "WEEKLY"
WEEKDAYS = {1: "MO", 2: "TU", 3: "WE", 4: "TH", 5: "FR", 6: "SA", 7: "SU"}

# Texts the writer puts where HSDS wants prose; the reader recognises them and keeps them out
# of the fields they stand in for.
FREE_TEXT = "kostenlos"  # fees_description of a free service without a fee text
ACCESSIBLE_TEXT = "barrierefreier Zugang"  # accessibility.description
NOT_ACCESSIBLE_TEXT = "kein barrierefreier Zugang angegeben"
