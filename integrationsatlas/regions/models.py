"""Regions of a Land (Land, Kreise, Gemeinden), indicator values, their editions and postal codes."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    class Level(models.TextChoices):
        LAND = "land", _("Land")
        KREIS = "kreis", _("Kreis")
        GEMEINDE = "gemeinde", _("Gemeinde")

    # Official AGS/ARS key as a string: leading zeros matter, so never an integer.
    ags = models.CharField(_("Regionalschlüssel"), max_length=12, primary_key=True)
    name = models.CharField(_("Name"), max_length=200)
    level = models.CharField(_("Ebene"), max_length=10, choices=Level.choices, db_index=True)
    kind = models.CharField(_("Art"), max_length=60, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("übergeordnete Region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    boundary = models.JSONField(_("Grenze (GeoJSON, WGS84)"), null=True, blank=True)
    area_km2 = models.FloatField(_("Fläche (km²)"), null=True, blank=True)
    point_lon = models.FloatField(_("Repräsentativer Punkt, Länge"), null=True, blank=True)
    point_lat = models.FloatField(_("Repräsentativer Punkt, Breite"), null=True, blank=True)
    source = models.CharField(_("Quelle"), max_length=300, blank=True)
    # Every load writes it; the newest one tells caches of drawn maps which edition they show.
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["ags"]
        verbose_name = _("Region")
        verbose_name_plural = _("Regionen")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("regions:detail", args=[self.ags])

    @property
    def kreis_ags(self) -> str:
        return self.ags[:5]


class IndicatorDefinition(models.Model):
    """An indicator code that figures may be loaded for: its name, unit and meaning."""

    code = models.CharField(_("Kennzahl"), max_length=60, primary_key=True)
    name = models.CharField(_("Name"), max_length=200)
    unit = models.CharField(_("Einheit"), max_length=40)
    description = models.TextField(_("Beschreibung"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(_("angelegt von"), max_length=150, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("Kennzahl-Definition")
        verbose_name_plural = _("Kennzahl-Definitionen")

    def __str__(self) -> str:
        return f"{self.code} ({self.name})"


class IndicatorEdition(models.Model):
    """One import of indicator figures: its file, source, licence and who loaded it.

    Withdrawing an edition removes its figures from use; they are kept in `archived`
    ([region, code, date, value, missing, source] lists), so it can still be compared.
    """

    file_name = models.CharField(_("Datei"), max_length=255)
    file_format = models.CharField(_("Format"), max_length=20)
    encoding = models.CharField(_("Kodierung"), max_length=20, blank=True)
    sha256 = models.CharField(max_length=64)
    source = models.CharField(_("Quelle"), max_length=400)
    licence = models.CharField(_("Lizenz"), max_length=200)
    loaded_at = models.DateTimeField(_("geladen am"), auto_now_add=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept as text: the edition stays readable after the account is deleted, and the CLI
    # records the operating-system user.
    loaded_by_name = models.CharField(_("geladen von"), max_length=150)
    values_new = models.PositiveIntegerField(default=0)
    values_unchanged = models.PositiveIntegerField(default=0)
    values_unknown = models.PositiveIntegerField(default=0)
    withdrawn_at = models.DateTimeField(_("zurückgezogen am"), null=True, blank=True)
    withdrawn_by_name = models.CharField(max_length=150, blank=True)
    withdrawal_reason = models.TextField(_("Grund"), blank=True)
    archived = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-loaded_at", "-pk"]
        verbose_name = _("Ausgabe")
        verbose_name_plural = _("Ausgaben")

    def __str__(self) -> str:
        return f"#{self.pk} {self.file_name}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class IndicatorValue(models.Model):
    """One figure for one region at one reference date, with the line that says where it is from.

    `value` is empty when the figure is unknown (secret, not available): `missing` then
    holds the statistical office's symbol. Unknown is never stored as 0.

    A projection (Vorausberechnung) carries its variant in `projection_variant`; its
    `reference_date` is the date projected (e.g. 31.12.2030). Observed figures have no
    variant: the loader never mixes the two (assessments/engine_input.py).
    """

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("Kennzahl"), max_length=60, db_index=True)
    reference_date = models.DateField(_("Stichtag"))
    value = models.FloatField(_("Wert"), null=True, blank=True)
    missing = models.CharField(_("Zeichen für unbekannt"), max_length=3, blank=True)
    source = models.CharField(_("Quelle"), max_length=400)
    is_demo = models.BooleanField(_("Demo"), default=False)
    # Empty: an observed figure. Otherwise the variant of a projection, e.g. "V1" or
    # "W2 (moderate Entwicklung)"; several variants of one year live side by side.
    projection_variant = models.CharField(
        _("Variante der Vorausberechnung"), max_length=80, blank=True
    )
    edition = models.ForeignKey(
        IndicatorEdition,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="values",
    )

    class Meta:
        ordering = ["region", "code", "-reference_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "code", "reference_date", "projection_variant"],
                name="unique_indicator_value",
            )
        ]
        verbose_name = _("Kennzahl")
        verbose_name_plural = _("Kennzahlen")

    def __str__(self) -> str:
        return f"{self.region_id} {self.code} {self.reference_date}: {self.value}"


class PostalCode(models.Model):
    """A postal code with its centroid, for the finder's place search."""

    code = models.CharField(_("Postleitzahl"), max_length=5, primary_key=True)
    lon = models.FloatField(_("Länge"))
    lat = models.FloatField(_("Breite"))
    gemeinde = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="postal_codes_centroid"
    )
    gemeinden = models.ManyToManyField(Region, related_name="postal_codes")
    place_names = models.CharField(_("Orte"), max_length=500)
    source = models.CharField(_("Quelle"), max_length=400)

    class Meta:
        ordering = ["code"]
        verbose_name = _("Postleitzahl")
        verbose_name_plural = _("Postleitzahlen")

    def __str__(self) -> str:
        return f"{self.code} {self.place_names}"
