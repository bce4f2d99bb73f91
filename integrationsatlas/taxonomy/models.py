"""The taxonomy every other app shares: offer types, their units, government levels, target groups."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Unit(models.TextChoices):
    FTE = "fte", _("Vollzeitstellen (VZÄ)")
    PLACES = "places", _("Plätze")
    SITES = "sites", _("Standorte")
    HOURS_PER_WEEK = "hours_per_week", _("Stunden pro Woche")
    BODIES = "bodies", _("Gremien")


class Level(models.TextChoices):
    """Government levels that can be responsible for or pay for an offer."""

    BUND = "bund", _("Bund")
    LAND = "land", _("Land")
    KREIS = "kreis", _("Kreis")
    GEMEINDE = "gemeinde", _("Gemeinde")


class TargetGroup(models.TextChoices):
    """Whom an offer serves; the finder's filter and the planning rules use these codes
    (who serves whom, and which figure counts a group: taxonomy/target_groups.py)."""

    ALL = "all", _("alle Zugewanderten")
    REFUGEES = "refugees", _("Geflüchtete")
    EU_CITIZENS = "eu_citizens", _("EU-Bürgerinnen und -Bürger")
    THIRD_COUNTRY = "third_country", _("Drittstaatsangehörige")
    WORKERS = "workers", _("internationale Fachkräfte")
    FAMILIES = "families", _("Familien")
    CHILDREN = "children", _("Kinder")
    YOUTH = "youth", _("Jugendliche (12–27)")
    ADULTS = "adults", _("Erwachsene (ab 27)")
    WOMEN = "women", _("Frauen")


class OfferType(models.Model):
    """A kind of integration offer (HSDS taxonomy term), e.g. migration counselling or Kita."""

    code = models.SlugField(_("Code"), max_length=60, unique=True)
    # {language code: text}; German ("de") is required and the fallback for every other language.
    names = models.JSONField(_("Namen"), default=dict)
    descriptions = models.JSONField(_("Kurzbeschreibungen"), default=dict, blank=True)
    icon = models.CharField(_("Symbol"), max_length=40, blank=True)
    family = models.CharField(_("Gruppe"), max_length=20, blank=True)
    unit = models.CharField(_("Einheit"), max_length=20, choices=Unit.choices)
    default_demand_indicator = models.CharField(
        _("Bedarfskennzahl (Standard)"), max_length=60, default="foreign_population"
    )
    legal_basis = models.CharField(_("Rechtsgrundlage"), max_length=300, blank=True)
    typical_funders = models.CharField(_("Übliche Finanzierung"), max_length=300, blank=True)
    sort_order = models.PositiveIntegerField(_("Reihenfolge"), default=100)
    is_active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        # The table keeps the name it had when offer types lived in `standards`.
        db_table = "standards_offertype"
        ordering = ["sort_order", "code"]
        verbose_name = _("Angebotsart")
        verbose_name_plural = _("Angebotsarten")

    def __str__(self) -> str:
        return self.name

    def name_in(self, language: str | None) -> str:
        names = self.names or {}
        return names.get((language or "de")[:2]) or names.get("de") or self.code

    @property
    def name(self) -> str:
        return self.name_in(get_language())
