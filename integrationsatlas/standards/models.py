"""Offer types (the taxonomy), standard sets with their rules, and stored assessments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from integrationsatlas.analysis.status import COST_LEVELS
from integrationsatlas.regions.models import Region


class Unit(models.TextChoices):
    FTE = "fte", _("Vollzeitstellen (VZÄ)")
    PLACES = "places", _("Plätze")
    SITES = "sites", _("Standorte")
    HOURS_PER_WEEK = "hours_per_week", _("Stunden pro Woche")
    BODIES = "bodies", _("Gremien")


# Units of an assessment row's deficit: the offer types' units plus those of counting rules.
ROW_UNIT_LABELS = {
    **dict(Unit.choices),
    "services": _("Angebote"),
    "persons": _("Personen"),
    "languages": _("Sprachen"),
}


class Level(models.TextChoices):
    """Government levels that can be responsible for or pay for an offer."""

    BUND = "bund", _("Bund")
    LAND = "land", _("Land")
    KREIS = "kreis", _("Kreis")
    GEMEINDE = "gemeinde", _("Gemeinde")


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


class StandardSet(models.Model):
    """A named, versioned catalogue of rules; the whole YAML document is kept as it was imported."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Entwurf")
        PUBLISHED = "published", _("veröffentlicht")

    slug = models.SlugField(_("Kennung"), max_length=100, unique=True)
    name = models.CharField(_("Name"), max_length=200)
    version = models.CharField(_("Version"), max_length=40)
    description = models.TextField(_("Beschreibung"), blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    is_scenario = models.BooleanField(_("Szenario"), default=False)
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    document = models.JSONField(_("Dokument"), default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["name", "version"]
        verbose_name = _("Standardsatz")
        verbose_name_plural = _("Standardsätze")

    def __str__(self) -> str:
        return f"{self.name} ({self.version})"


class Rule(models.Model):
    class Kind(models.TextChoices):
        RATIO = "ratio", _("Versorgungsquote")
        PRESENCE = "presence", _("Vorhandensein")
        REACH = "reach", _("Erreichbarkeit")
        LANGUAGES = "languages", _("Sprachen")
        HOURS = "hours", _("Öffnungszeiten")
        RELIABILITY = "reliability", _("Verlässliche Finanzierung")

    class RegionLevel(models.TextChoices):
        KREIS = "kreis", _("Kreis")
        GEMEINDE = "gemeinde", _("Gemeinde")

    standard_set = models.ForeignKey(StandardSet, on_delete=models.CASCADE, related_name="rules")
    code = models.SlugField(_("Regel-ID"), max_length=100)
    title = models.CharField(_("Titel"), max_length=300, blank=True)
    offer_type = models.ForeignKey(OfferType, on_delete=models.PROTECT, related_name="rules")
    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices)
    level = models.CharField(_("Regionsebene"), max_length=10, choices=RegionLevel.choices)
    target = models.FloatField(_("Ziel"))
    params = models.JSONField(_("Parameter"), default=dict, blank=True)
    demand_indicator = models.CharField(_("Bedarfskennzahl"), max_length=60)
    # Empty: every service of the offer type counts. Otherwise a Service.TargetGroup code
    # (standards/target_groups.py): only services serving it or all count.
    target_group = models.CharField(_("Zielgruppe"), max_length=20, blank=True)
    responsible_level = models.CharField(_("Zuständig"), max_length=10, choices=Level.choices)
    # {level: share}, shares sum to 1.
    financing = models.JSONField(_("Finanzierungsanteile"), default=dict)
    unit_cost = models.DecimalField(
        _("Kosten je Einheit und Jahr (EUR)"), max_digits=14, decimal_places=2
    )
    # {field name: citation, or "illustrative example, not an official standard"}.
    sources = models.JSONField(_("Quellen"), default=dict)
    # Gemeinde rules only: how a Kreis is judged from its Gemeinden, {"by": "regions" |
    # "population", "target": share}; empty = every Gemeinde must meet the rule.
    summary = models.JSONField(_("Zusammenfassung je Kreis"), default=dict, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["standard_set", "position", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["standard_set", "code"], name="unique_rule_code_per_set"
            )
        ]
        verbose_name = _("Regel")
        verbose_name_plural = _("Regeln")

    def __str__(self) -> str:
        return f"{self.standard_set.slug}:{self.code}"


class Assessment(models.Model):
    """One run of the engine for a standard set on the data as of a reference date; kept for trends."""

    standard_set = models.ForeignKey(
        StandardSet, on_delete=models.PROTECT, related_name="assessments"
    )
    standard_set_version = models.CharField(max_length=40)
    level = models.CharField(max_length=10, choices=Rule.RegionLevel.choices)
    reference_date = models.DateField(_("Stichtag"))
    label = models.CharField(_("Bezeichnung"), max_length=200, blank=True)
    # Which indicator editions and registry state fed the run, for traceability.
    data_reference = models.JSONField(default=dict, blank=True)
    includes_demo_data = models.BooleanField(_("enthält Demodaten"), default=False)
    is_published = models.BooleanField(_("öffentlich"), default=False)
    is_scenario = models.BooleanField(_("Szenario"), default=False)
    # Planned services added for a scenario, not published in the registry.
    scenario = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("Bewertung")
        verbose_name_plural = _("Bewertungen")

    def __str__(self) -> str:
        return f"{self.standard_set} · {self.level} · {self.reference_date}"


#: An assessment row's measurement against its rule's target, as the model orders it; the
#: listings and the API that show the full row name these together.
MEASURE_FIELDS = (
    "value",
    "target",
    "ratio",
    "status",
    "basis",
    "demand",
    "supply",
    "deficit",
    "unit",
)
#: An assessment row's cost columns: the total, then one per level the engine splits it into.
COST_FIELDS = ("cost_total", *(f"cost_{level}" for level in COST_LEVELS))


class AssessmentRow(models.Model):
    class Status(models.TextChoices):
        MET = "met", _("erfüllt")
        PARTIAL = "partial", _("teilweise")
        GAP = "gap", _("Lücke")
        NO_DATA = "no_data", _("keine Daten")

    class Basis(models.TextChoices):
        """What the row is; the engine's analysis.model.BASES (analysis/levels.py)."""

        OWN = "own", _("eigene Bewertung")
        PARENT = "parent", _("Ergebnis des Kreises")
        SHARE_REGIONS = "share_regions", _("Anteil der Gemeinden")
        SHARE_POPULATION = "share_population", _("Anteil der Einwohner")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="rows")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="assessment_rows")
    rule = models.ForeignKey(Rule, null=True, on_delete=models.SET_NULL, related_name="+")
    # Copies of the rule's identity: the row stays readable after the rule is edited.
    rule_code = models.CharField(max_length=100)
    offer_type_code = models.CharField(max_length=60)
    kind = models.CharField(max_length=20, choices=Rule.Kind.choices)
    responsible_level = models.CharField(max_length=10, choices=Level.choices)
    value = models.FloatField(null=True)
    target = models.FloatField()
    ratio = models.FloatField(null=True)
    status = models.CharField(max_length=10, choices=Status.choices)
    # "own": judged on this region; "parent": its Kreis's result shown here (no deficit or
    # cost of its own); "share_*": a Kreis summary of a rule judged per Gemeinde.
    basis = models.CharField(_("Grundlage"), max_length=20, choices=Basis.choices, default="own")
    demand = models.FloatField(null=True)
    supply = models.FloatField(null=True)
    # Empty (NULL) = not known: no data, or no cost defined for the kind (reach, languages).
    deficit = models.FloatField(null=True)
    unit = models.CharField(max_length=20)
    cost_total = models.FloatField(null=True)
    cost_land = models.FloatField(null=True)
    cost_kreis = models.FloatField(null=True)
    cost_gemeinde = models.FloatField(null=True)
    cost_bund = models.FloatField(null=True)
    explanation = models.TextField()
    # The row rests on demo figures (demand indicator or services): shown as "Demo".
    uses_demo_data = models.BooleanField(_("Demodaten"), default=False)

    class Meta:
        ordering = ["assessment", "rule_code", "region"]
        indexes = [models.Index(fields=["assessment", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "region", "rule_code"], name="unique_row_per_region_rule"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.rule_code}: {self.status}"

    @property
    def unit_label(self) -> str:
        """The deficit's unit for people (the stored code, e.g. "fte", is for machines)."""
        return str(ROW_UNIT_LABELS.get(self.unit, self.unit))
