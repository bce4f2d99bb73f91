"""A GTFS feed edition: one imported timetable file with its source, licence and dates."""

from django.db import models


class FeedEdition(models.Model):
    """One imported GTFS feed; the zip itself is kept under var/transit/ by its checksum."""

    name = models.SlugField(max_length=100, unique=True)
    source = models.CharField(max_length=400)
    licence = models.CharField(max_length=200)
    reference_date = models.DateField()
    first_day = models.DateField()
    last_day = models.DateField()
    publisher = models.CharField(max_length=200, blank=True)
    stops = models.PositiveIntegerField()
    trips = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    file_name = models.CharField(max_length=200)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reference_date", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.source}, Stand {self.reference_date:%d.%m.%Y})"

    @property
    def label(self) -> str:
        """How figures name the timetable: "Fahrplan <name> vom <date>"."""
        return f"Fahrplan {self.name} vom {self.reference_date:%d.%m.%Y}"
