"""Standard sets and their rules: what a region should offer, as the planners wrote it down."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from integrationsatlas.taxonomy.models import Level, OfferType


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
    # (taxonomy/target_groups.py): only services serving it or all count.
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
