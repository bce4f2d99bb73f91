"""Families of offer types (all counselling, all language offers, …): the finder's "any kind" search."""

from django.utils.translation import gettext_lazy as _

# Code -> name of the family as the finder offers it ("Alle Beratungsangebote").
FAMILIES = {
    "beratung": _("Alle Beratungsangebote"),
    "sprache": _("Alle Angebote für Sprache und Verständigung"),
    "alltag": _("Alle Angebote für Alltag, Familie und Freizeit"),
    "mitwirken": _("Alle Angebote zum Mitmachen und Mitbestimmen"),
    "kommune": _("Alle Ansprechstellen der Kommune"),
}
# The icon a family is shown with (one of the offer types' icons).
FAMILY_ICONS = {
    "beratung": "counselling",
    "sprache": "course",
    "alltag": "child",
    "mitwirken": "hands",
    "kommune": "network",
}
