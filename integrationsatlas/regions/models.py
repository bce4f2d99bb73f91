"""Regions of a Land (Land, Kreise, Gemeinden), indicator values and postal codes."""

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


class IndicatorValue(models.Model):
    """One figure for one region at one reference date, with the line that says where it is from."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("Kennzahl"), max_length=60, db_index=True)
    reference_date = models.DateField(_("Stichtag"))
    value = models.FloatField(_("Wert"))
    source = models.CharField(_("Quelle"), max_length=400)
    is_demo = models.BooleanField(_("Demo"), default=False)

    class Meta:
        ordering = ["region", "code", "-reference_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "code", "reference_date"], name="unique_indicator_value"
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
