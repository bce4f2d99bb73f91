"""The registry: providers, services (Angebote), sites, opening hours, funding, roles and review.

Names follow Open Referral HSDS 3.0 where HSDS has the concept. The live rows are what
the public sees (the last approved state); a provider's pending edit lives in a
`ChangeRequest` as a full snapshot until a coordinator approves it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from integrationsatlas.regions.models import Region
from integrationsatlas.taxonomy.models import OfferType, TargetGroup


class PublicManager(models.Manager):
    """Only what the public may see: published, not deleted."""

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(is_published=True, is_deleted=False)


class Organization(models.Model):
    """A provider (Träger) of services."""

    external_id = models.CharField(
        _("Externe ID"), max_length=100, unique=True, null=True, blank=True
    )
    name = models.CharField(_("Name"), max_length=300)
    description = models.TextField(_("Beschreibung"), blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)
    phone = models.CharField(_("Telefon"), max_length=60, blank=True)
    website = models.URLField(_("Website"), blank=True)
    is_demo = models.BooleanField(_("Demo"), default=False)
    is_deleted = models.BooleanField(_("gelöscht"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("Träger")
        verbose_name_plural = _("Träger")

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    """An offer (Angebot): what a provider does, for whom, in which languages, with what capacity."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("aktiv")
        PLANNED = "planned", _("geplant")
        ENDED = "ended", _("beendet")

    # The shared vocabulary (taxonomy): the finder's filter and the planning rules use it.
    TargetGroup = TargetGroup

    external_id = models.CharField(
        _("Externe ID"), max_length=100, unique=True, null=True, blank=True
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="services", verbose_name=_("Träger")
    )
    offer_type = models.ForeignKey(
        OfferType, on_delete=models.PROTECT, related_name="services", verbose_name=_("Angebotsart")
    )
    name = models.CharField(_("Name (Deutsch)"), max_length=300)
    description = models.TextField(_("Beschreibung (Deutsch)"), blank=True)
    # {language: {"name": ..., "description": ..., "eligibility": ..., "documents": ...}}
    translations = models.JSONField(_("Übersetzungen"), default=dict, blank=True)
    target_groups = models.JSONField(_("Zielgruppen"), default=list, blank=True)
    # ISO 639-1 codes where one exists, else ISO 639-3 (e.g. "prs" for Dari).
    languages = models.JSONField(_("Sprachen"), default=list, blank=True)
    is_free = models.BooleanField(_("kostenlos"), default=True)
    fee_description = models.CharField(_("Kosten"), max_length=300, blank=True)
    eligibility = models.TextField(_("Voraussetzungen"), blank=True)
    required_documents = models.TextField(_("Mitzubringen"), blank=True)
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    capacity = models.FloatField(
        _("Kapazität"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    email = models.EmailField(_("E-Mail"), blank=True)
    phone = models.CharField(_("Telefon"), max_length=60, blank=True)
    website = models.URLField(_("Website"), blank=True)
    contact_name = models.CharField(_("Ansprechperson"), max_length=200, blank=True)
    by_phone = models.BooleanField(_("telefonisch erreichbar"), default=False)
    online = models.BooleanField(_("online"), default=False)
    service_area = models.ManyToManyField(
        Region, blank=True, related_name="served_by", verbose_name=_("Einzugsgebiet")
    )
    locations = models.ManyToManyField(
        "Location", through="ServiceAtLocation", related_name="services", blank=True
    )
    is_demo = models.BooleanField(_("Demo"), default=False)
    is_published = models.BooleanField(_("veröffentlicht"), default=False)
    is_deleted = models.BooleanField(_("gelöscht"), default=False)
    # Optimistic locking: every save that changes content increments it.
    version = models.PositiveIntegerField(default=1)
    # The full state (service, sites, hours, funding) as of this version, written by the
    # workflow; the history keeps one per version, which is what "restore" brings back.
    snapshot = models.JSONField(_("Stand"), default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # When an editor last confirmed the offer as current without changing it (freshness.py).
    confirmed_at = models.DateTimeField(_("als aktuell bestätigt am"), null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[service_area])

    objects = models.Manager()
    public = PublicManager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["offer_type", "is_published", "is_deleted", "status"])]
        verbose_name = _("Angebot")
        verbose_name_plural = _("Angebote")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("finder:detail", args=[self.pk])

    @property
    def checked_at(self):
        """When someone last looked at this offer: a confirmation or the last saved change.

        Every confirmation saves the row, so `updated_at` is never older than `confirmed_at`;
        both are named so the rule reads as it is meant.
        """
        return max(filter(None, [self.confirmed_at, self.updated_at]), default=None)

    def text(self, field: str, language: str | None) -> tuple[str, bool]:
        """The field in `language` if the provider wrote one, else German; (text, is_fallback)."""
        german = getattr(self, field if field != "documents" else "required_documents")
        if language and language[:2] != "de":
            translated = (self.translations or {}).get(language[:2], {}).get(field)
            if translated:
                return translated, False
            return german, bool(german)
        return german, False


class Placement(models.TextChoices):
    """How a site's coordinates were found; only `postal_code` is an estimate (see regions/placement)."""

    GIVEN = "given", _("Koordinaten angegeben")
    MAP = "map", _("auf der Karte gesetzt")
    GEOCODER = "geocoder", _("aus der Adresse bestimmt (Geocoder)")
    POSTAL_CODE = "postal_code", _("Lage geschätzt (Postleitzahl)")


class Location(models.Model):
    """A site: address and WGS84 coordinates; its Gemeinde is derived, never typed."""

    external_id = models.CharField(
        _("Externe ID"), max_length=100, unique=True, null=True, blank=True
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="locations", null=True, blank=True
    )
    name = models.CharField(_("Name des Standorts"), max_length=300, blank=True)
    address = models.CharField(_("Straße und Hausnummer"), max_length=300)
    postal_code = models.CharField(_("PLZ"), max_length=5)
    city = models.CharField(_("Ort"), max_length=200)
    longitude = models.FloatField(
        _("Länge (WGS84)"), validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    latitude = models.FloatField(
        _("Breite (WGS84)"), validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    gemeinde = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="locations", null=True, editable=False
    )
    placement = models.CharField(
        _("Lage bestimmt durch"),
        max_length=20,
        choices=Placement.choices,
        default=Placement.GIVEN,
        blank=True,
    )
    wheelchair_accessible = models.BooleanField(_("barrierefreier Zugang"), default=False)
    accessibility_notes = models.TextField(_("Hinweise zur Barrierefreiheit"), blank=True)
    transit_notes = models.CharField(_("Anfahrt"), max_length=300, blank=True)
    is_demo = models.BooleanField(_("Demo"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["city", "address"]
        indexes = [models.Index(fields=["latitude", "longitude"])]
        verbose_name = _("Standort")
        verbose_name_plural = _("Standorte")

    def __str__(self) -> str:
        return f"{self.address}, {self.postal_code} {self.city}"

    def save(self, *args, **kwargs) -> None:
        from integrationsatlas.regions.locate import gemeinde_at

        self.gemeinde = gemeinde_at(self.longitude, self.latitude)
        super().save(*args, **kwargs)

    @property
    def is_estimated(self) -> bool:
        """Placed at its postal code's centroid: the Gemeinde is sure, the point is not."""
        return self.placement == Placement.POSTAL_CODE


class ServiceAtLocation(models.Model):
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="service_at_locations"
    )
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="service_at_locations"
    )
    description = models.CharField(_("Hinweis"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "location"], name="unique_service_location")
        ]
        verbose_name = _("Angebot am Standort")
        verbose_name_plural = _("Angebote an Standorten")

    def __str__(self) -> str:
        return f"{self.service} @ {self.location}"


class Schedule(models.Model):
    """A weekly opening interval (HSDS schedule), valid between two optional dates."""

    class Weekday(models.IntegerChoices):
        MONDAY = 1, _("Montag")
        TUESDAY = 2, _("Dienstag")
        WEDNESDAY = 3, _("Mittwoch")
        THURSDAY = 4, _("Donnerstag")
        FRIDAY = 5, _("Freitag")
        SATURDAY = 6, _("Samstag")
        SUNDAY = 7, _("Sonntag")

    service_at_location = models.ForeignKey(
        ServiceAtLocation, on_delete=models.CASCADE, related_name="schedules", null=True, blank=True
    )
    # Phone and online services have hours too, without a site.
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="remote_schedules", null=True, blank=True
    )
    weekday = models.PositiveSmallIntegerField(_("Wochentag"), choices=Weekday.choices)
    opens_at = models.TimeField(_("von"))
    closes_at = models.TimeField(_("bis"))
    valid_from = models.DateField(_("gültig ab"), null=True, blank=True)
    valid_to = models.DateField(_("gültig bis"), null=True, blank=True)
    note = models.CharField(_("Hinweis"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["weekday", "opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="schedule_closes_after_opens",
            ),
            models.CheckConstraint(
                condition=models.Q(service_at_location__isnull=False)
                | models.Q(service__isnull=False),
                name="schedule_has_owner",
            ),
        ]
        verbose_name = _("Öffnungszeit")
        verbose_name_plural = _("Öffnungszeiten")

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"


class ScheduleException(models.Model):
    """A day that differs from the weekly hours: closed (holiday, vacation) or special hours."""

    service_at_location = models.ForeignKey(
        ServiceAtLocation,
        on_delete=models.CASCADE,
        related_name="exceptions",
        null=True,
        blank=True,
    )
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="remote_exceptions", null=True, blank=True
    )
    date = models.DateField(_("Datum"))
    closed = models.BooleanField(_("geschlossen"), default=True)
    opens_at = models.TimeField(_("von"), null=True, blank=True)
    closes_at = models.TimeField(_("bis"), null=True, blank=True)
    note = models.CharField(_("Hinweis"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]
        verbose_name = _("Abweichender Tag")
        verbose_name_plural = _("Abweichende Tage")

    def __str__(self) -> str:
        return f"{self.date}: {'geschlossen' if self.closed else 'geändert'}"


class Funding(models.Model):
    """Who pays for a service, how much, and until when; an empty end means regular funding."""

    class FunderLevel(models.TextChoices):
        BUND = "bund", _("Bund")
        LAND = "land", _("Land")
        KREIS = "kreis", _("Kreis")
        GEMEINDE = "gemeinde", _("Gemeinde")
        EU = "eu", _("EU")
        FOUNDATION = "foundation", _("Stiftung")
        OWN = "own", _("Eigenmittel")

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="fundings")
    funder_level = models.CharField(
        _("Geldgeber-Ebene"), max_length=12, choices=FunderLevel.choices
    )
    funder_name = models.CharField(_("Geldgeber"), max_length=300, blank=True)
    programme = models.CharField(_("Programm"), max_length=300, blank=True)
    amount_per_year = models.DecimalField(
        _("Betrag pro Jahr (EUR)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    share = models.FloatField(
        _("Anteil am Angebot"), default=1.0, validators=[MinValueValidator(0), MaxValueValidator(1)]
    )
    start = models.DateField(_("Beginn"), null=True, blank=True)
    end = models.DateField(_("Ende"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["service", "end"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True)
                | models.Q(start__isnull=True)
                | models.Q(end__gte=models.F("start")),
                name="funding_end_after_start",
            )
        ]
        verbose_name = _("Finanzierung")
        verbose_name_plural = _("Finanzierungen")

    def __str__(self) -> str:
        return f"{self.get_funder_level_display()} {self.programme} bis {self.end or 'unbefristet'}"


class Membership(models.Model):
    """A person's role: provider editor of an organization, coordinator of a region, or state admin.

    Roles are data, so the permission matrix can be read and tested from one place.
    """

    class Role(models.TextChoices):
        PROVIDER = "provider", _("Träger-Redaktion")
        COORDINATOR = "coordinator", _("Kommunale Koordination")
        PLANNER = "planner", _("Planung")
        STATE_ADMIN = "state_admin", _("Landesadministration")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("Rolle"), max_length=20, choices=Role.choices)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="members"
    )
    # A coordinator's Kreis or Gemeinde; a planner's region (empty = whole Land).
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="provider") | models.Q(organization__isnull=False),
                name="provider_has_organization",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="coordinator") | models.Q(region__isnull=False),
                name="coordinator_has_region",
            ),
        ]
        verbose_name = _("Rolle")
        verbose_name_plural = _("Rollen")

    def __str__(self) -> str:
        scope = self.organization or self.region or ""
        return f"{self.user} · {self.get_role_display()} {scope}"


class ChangeRequest(models.Model):
    """A proposed state of one service (full snapshot) awaiting review; applying it updates the live rows."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Entwurf")
        SUBMITTED = "submitted", _("zur Prüfung")
        APPROVED = "approved", _("freigegeben")
        RETURNED = "returned", _("zurückgegeben")
        WITHDRAWN = "withdrawn", _("zurückgezogen")

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="change_requests")
    # The service version the change was based on: a stale base is a conflict, not an overwrite.
    base_version = models.PositiveIntegerField()
    payload = models.JSONField()
    # Counts the provider's rewrites of this request: a decision names the revision the
    # reviewer saw, so an edit made meanwhile is never published (or returned) unseen.
    revision = models.PositiveIntegerField(default=1)
    state = models.CharField(max_length=12, choices=State.choices, default=State.DRAFT)
    reason = models.CharField(_("Grund der Änderung"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(_("Kommentar der Prüfung"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("Änderungsantrag")
        verbose_name_plural = _("Änderungsanträge")

    def __str__(self) -> str:
        return f"{self.service} · {self.get_state_display()}"


class ImportBatch(models.Model):
    """One import run: what file, by whom, what it changed; the unit of rollback."""

    file_name = models.CharField(max_length=300)
    file_format = models.CharField(max_length=10)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    summary = models.JSONField(default=dict)
    rolled_back_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("Import")
        verbose_name_plural = _("Importe")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"


def _not_in_future(year: int) -> None:
    """A year's figures can be recorded once the year has begun, never for a later one."""
    if year > timezone.localdate().year:
        raise ValidationError(
            _("Das Jahr %(year)s hat noch nicht begonnen."), params={"year": year}
        )


def _count(label: str, limit: int) -> models.PositiveIntegerField:
    """A yearly count: empty means not recorded (a gap in the report), never 0."""
    return models.PositiveIntegerField(
        label, null=True, blank=True, validators=[MaxValueValidator(limit)]
    )


class ActivityFigures(models.Model):
    """One calendar year's activity of one service, as KomIntAVO § 14 (2) Nr. 2 asks for it.

    Recorded by the provider or the region's coordinator; an empty field means "not
    recorded" (the report shows a gap), never zero.
    """

    TOPICS = ("work", "education", "housing", "health", "culture", "other")
    COUNT_LIMIT = 1_000_000

    service = models.ForeignKey(
        Service,
        on_delete=models.CASCADE,
        related_name="activity_figures",
        verbose_name=_("Angebot"),
    )
    year = models.PositiveSmallIntegerField(
        _("Kalenderjahr"), validators=[MinValueValidator(2015), _not_in_future]
    )
    fte = models.DecimalField(
        _("Stellen (VZÄ)"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(500)],
    )
    consultations_work = _count(_("Beratungen: Arbeit"), COUNT_LIMIT)
    consultations_education = _count(_("Beratungen: Bildung"), COUNT_LIMIT)
    consultations_housing = _count(_("Beratungen: Wohnen"), COUNT_LIMIT)
    consultations_health = _count(_("Beratungen: Gesundheit"), COUNT_LIMIT)
    consultations_culture = _count(_("Beratungen: Kultur"), COUNT_LIMIT)
    consultations_other = _count(_("Beratungen: Sonstiges"), COUNT_LIMIT)
    orientation_measures = _count(_("Orientierungsmaßnahmen"), COUNT_LIMIT)
    language_mediation_missions = _count(_("Einsätze der Sprach- und Kulturmittlung"), COUNT_LIMIT)
    community_interpreter_missions = _count(
        _("Einsätze der Gemeindedolmetscherdienste"), COUNT_LIMIT
    )
    voluntary_departures = _count(_("Freiwillige Ausreisen nach Beratung"), COUNT_LIMIT)
    note = models.TextField(_("Hinweis"), blank=True, max_length=2000)
    is_demo = models.BooleanField(_("Demo"), default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["service", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["service", "year"], name="unique_activity_year"),
            models.CheckConstraint(
                condition=models.Q(year__gte=2015) & models.Q(year__lte=2100),
                name="activity_year_plausible",
            ),
        ]
        verbose_name = _("Jahreszahlen")
        verbose_name_plural = _("Jahreszahlen")

    def __str__(self) -> str:
        return f"{self.service} {self.year}"

    def consultations(self) -> dict[str, int | None]:
        """{topic: count or None} in the order of KomIntAVO § 14 (2) Nr. 2 Buchst. d."""
        return {topic: getattr(self, f"consultations_{topic}") for topic in self.TOPICS}

    @property
    def consultations_total(self) -> int | None:
        """Sum of the topics; None when no topic is recorded."""
        known = [v for v in self.consultations().values() if v is not None]
        return sum(known) if known else None
