"""Stored assessments: one engine run of a standard set on the data of a reference date, row by row."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from integrationsatlas.analysis.cost_levels import COST_LEVELS
from integrationsatlas.regions.models import Region
from integrationsatlas.standards.models import Rule, StandardSet
from integrationsatlas.taxonomy.models import Level, Unit

# Units of an assessment row's deficit: the offer types' units plus those of counting rules.
ROW_UNIT_LABELS = {
    **dict(Unit.choices),
    "services": _("Angebote"),
    "persons": _("Personen"),
    "languages": _("Sprachen"),
}


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
        # The tables keep the names they had when assessments lived in `standards`.
        db_table = "standards_assessment"
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


class AssessmentRowQuerySet(models.QuerySet):
    def with_region(self) -> AssessmentRowQuerySet:
        """Rows with their region's name and level, without its boundary: the GeoJSON of a
        Kreis is large, and decoding it for each of a thousand rows took seconds a page."""
        return self.select_related("region").defer("region__boundary")


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

    objects = AssessmentRowQuerySet.as_manager()

    class Meta:
        db_table = "standards_assessmentrow"
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


class TransitReach(models.Model):
    """Minutes by bus and train from one Gemeinde's demand point to the nearest offer counting
    for one transit rule of an assessment (analysis.assess.nearest_minutes), with the
    population the point carries; what the planning maps of reach by bus and train show.

    ``minutes`` NULL = not reachable within the router's search horizon (twice the rule's
    max_minutes); above max_minutes a value is not exact and pages show no band beyond it.
    """

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="transit_reach"
    )
    rule_code = models.CharField(max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    population = models.FloatField(null=True)
    minutes = models.FloatField(null=True)

    class Meta:
        ordering = ["assessment", "rule_code", "region"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "rule_code", "region"], name="unique_reach_per_region_rule"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.rule_code}: {self.minutes} min"
