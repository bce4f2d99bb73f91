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


class FinderTimesRun(models.Model):
    """The finder's travel minutes of one feed edition: how they were computed, and a lease.

    ``finished_at`` is set once every site has minutes; the finder reads the newest edition
    with a finished run. ``locked_until``/``lock_token`` is the lease of the command computing
    now: a second run finds it held and stops instead of writing the same rows.
    """

    edition = models.OneToOneField(
        FeedEdition, on_delete=models.CASCADE, related_name="finder_times_run"
    )
    window_days = models.CharField(max_length=10)
    window_start = models.PositiveIntegerField()  # seconds after midnight
    window_end = models.PositiveIntegerField()
    window_every = models.PositiveIntegerField()  # seconds between departures
    max_minutes = models.PositiveSmallIntegerField()
    day = models.DateField(null=True)
    # Checksum of what every minute depends on besides the sites: feed, day, window, limit,
    # walking and the origins' coordinates. When it changes, every site is computed anew.
    basis = models.CharField(max_length=64, blank=True)
    finished_at = models.DateTimeField(null=True)
    locked_until = models.DateTimeField(null=True)
    lock_token = models.CharField(max_length=32, blank=True)

    def __str__(self) -> str:
        return f"Reisezeiten der Suche, {self.edition}"


class FinderTimesSite(models.Model):
    """A location computed in a run, with the coordinates it was computed for: when the
    location has moved since, its minutes are stale and the finder shows none."""

    run = models.ForeignKey(FinderTimesRun, on_delete=models.CASCADE, related_name="sites")
    location = models.ForeignKey("registry.Location", on_delete=models.CASCADE, related_name="+")
    lon = models.FloatField()
    lat = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "location"], name="finder_times_site_unique")
        ]

    def __str__(self) -> str:
        return f"Standort {self.location_id} ({self.lon:.5f}, {self.lat:.5f})"


class FinderTime(models.Model):
    """Median minutes by bus and train from one origin (a Gemeinde's AGS or a postal code)
    to one computed location; only pairs within the run's limit have a row."""

    site = models.ForeignKey(FinderTimesSite, on_delete=models.CASCADE, related_name="times")
    origin = models.CharField(max_length=8)
    minutes = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["site", "origin"], name="finder_time_unique")
        ]

    def __str__(self) -> str:
        return f"{self.origin} -> {self.site}: {self.minutes} Minuten"
