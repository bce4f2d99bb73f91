"""Request and response shapes of the REST API v1 (they become its OpenAPI description)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from ninja import Field, Schema
from ninja.schema import DjangoGetter
from pydantic import ConfigDict, model_validator

from .base import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=1_000_000, description="Seite, ab 1.")
    page_size: int = Field(
        DEFAULT_PAGE_SIZE,
        ge=1,
        le=MAX_PAGE_SIZE,
        description=f"Einträge je Seite, höchstens {MAX_PAGE_SIZE}.",
    )


class Page(Schema):
    count: int
    page: int
    page_size: int
    pages: int


class Point(Schema):
    lon: float
    lat: float


class RegionOut(Schema):
    ags: str
    name: str
    level: str
    kind: str
    parent: str | None
    area_km2: float | None
    point: Point | None
    source: str
    boundary: dict[str, Any] | None = Field(
        None, description="GeoJSON-Geometrie (WGS84), nur mit geometry=true."
    )


class RegionPage(Page):
    results: list[RegionOut]


class IndicatorOut(Schema):
    region: str
    code: str
    reference_date: date
    # Empty when the figure is unknown (secret or missing in the source), never 0.
    value: float | None
    source: str
    is_demo: bool


class IndicatorPage(Page):
    results: list[IndicatorOut]


class OfferTypeOut(Schema):
    code: str
    names: dict[str, str]
    descriptions: dict[str, str]
    icon: str
    unit: str
    default_demand_indicator: str
    legal_basis: str
    typical_funders: str


class OfferTypePage(Page):
    results: list[OfferTypeOut]


class OrganizationOut(Schema):
    id: int
    external_id: str | None
    name: str
    description: str
    email: str
    phone: str
    website: str
    is_demo: bool
    updated_at: datetime


class OrganizationPage(Page):
    results: list[OrganizationOut]


class ScheduleOut(Schema):
    weekday: int = Field(..., ge=1, le=7, description="1 = Montag … 7 = Sonntag")
    opens_at: str
    closes_at: str
    valid_from: date | None
    valid_to: date | None
    note: str


class ExceptionOut(Schema):
    date: date
    closed: bool
    opens_at: str | None
    closes_at: str | None
    note: str


class LocationOut(Schema):
    id: int
    name: str
    address: str
    postal_code: str
    city: str
    longitude: float
    latitude: float
    placement: str = Field(
        description="how the coordinates were found: given, map, geocoder, or postal_code "
        "(estimated: the centroid of the postal code inside the Gemeinde of PLZ/Ort)"
    )
    gemeinde: str | None
    wheelchair_accessible: bool
    accessibility_notes: str
    transit_notes: str
    schedules: list[ScheduleOut]
    exceptions: list[ExceptionOut]


class FundingOut(Schema):
    funder_level: str
    funder_name: str
    programme: str
    amount_per_year: float | None
    share: float
    start: date | None
    end: date | None


class OrganizationRef(Schema):
    id: int
    name: str


class ServiceOut(Schema):
    id: int
    external_id: str | None
    name: str
    description: str
    translations: dict[str, Any]
    organization: OrganizationRef
    offer_type: str
    target_groups: list[str]
    languages: list[str]
    is_free: bool
    fee_description: str
    eligibility: str
    required_documents: str
    status: str
    capacity: float | None
    email: str
    phone: str
    website: str
    contact_name: str
    by_phone: bool
    online: bool
    service_area: list[str]
    locations: list[LocationOut]
    remote_schedules: list[ScheduleOut]
    fundings: list[FundingOut]
    is_demo: bool
    is_published: bool
    version: int
    updated_at: datetime
    distance_km: float | None = Field(None, description="Nur bei Umkreissuche (lat/lon).")


class ServicePage(Page):
    results: list[ServiceOut]


class ServiceSearch(PageQuery):
    q: str | None = Field(None, max_length=200, description="Text in Name, Beschreibung, Träger.")
    offer_type: str | None = Field(None, max_length=60, description="Code der Angebotsart.")
    language: str | None = Field(None, max_length=3, description="ISO-639-Sprachcode.")
    free: bool | None = Field(None, description="Nur kostenlose (true) bzw. kostenpflichtige.")
    open_now: bool | None = Field(None, description="Nur jetzt geöffnete Angebote.")
    region: str | None = Field(None, max_length=12, description="Regionalschlüssel (AGS).")
    organization: int | None = Field(None, ge=1, le=2**62)
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    radius_km: float = Field(10.0, gt=0, le=200, description="Umkreis in km, höchstens 200.")


class StandardSetOut(Schema):
    slug: str
    name: str
    version: str
    description: str
    status: str
    is_scenario: bool
    rules: int
    updated_at: datetime


class StandardSetDetail(StandardSetOut):
    document: dict[str, Any]


class StandardSetPage(Page):
    results: list[StandardSetOut]


class AssessmentOut(Schema):
    id: int
    standard_set: str
    standard_set_version: str
    level: str
    reference_date: date
    label: str
    includes_demo_data: bool
    is_published: bool
    is_scenario: bool
    created_at: datetime
    data_reference: dict[str, Any]


class AssessmentPage(Page):
    results: list[AssessmentOut]


class AssessmentRowOut(Schema):
    region: str
    region_name: str
    rule: str
    offer_type: str
    kind: str
    responsible_level: str
    value: float | None
    target: float
    ratio: float | None
    status: str
    # own: judged on this region; parent: its Kreis's result shown here (no deficit or cost
    # of its own); share_regions / share_population: a Kreis summary of a Gemeinde rule.
    basis: str = Field(..., pattern="^(own|parent|share_regions|share_population)$")
    demand: float | None
    supply: float | None
    # Empty where the figure is unknown (no data) or not priced (reach, languages): never a silent 0.
    deficit: float | None
    unit: str
    cost_total: float | None
    cost_land: float | None
    cost_kreis: float | None
    cost_gemeinde: float | None
    cost_bund: float | None
    uses_demo_data: bool
    explanation: str


class AssessmentRowPage(Page):
    results: list[AssessmentRowOut]


class RuleCostOut(Schema):
    """Yearly cost of closing one rule's gaps: deficit x unit cost, split by financing share."""

    rule: str
    title: str
    offer_type: str
    deficit: float
    unit: str
    unit_cost: float
    total: float
    land: float
    kreis: float
    gemeinde: float
    bund: float
    share_of_total: float
    financing: dict[str, float]
    regions_short: int
    regions_no_data: int
    demo: bool
    estimated: bool
    source_unit_cost: str
    source_financing: str
    source_target: str


class CostsOut(Schema):
    assessment: int
    standard_set: str
    label: str = Field(..., description="Honesty label of the standard set.")
    total: float
    rules: list[RuleCostOut]
    notes: list[str] = Field(..., description="Plausibility notes (German) before using the total.")


# ---- writing ----------------------------------------------------------------------------

Strict = ConfigDict(extra="forbid")
# Fields of the GET shape that a write ignores (the server keeps them), so a client can PUT
# back what it read. Anything else unknown is still refused.
READ_ONLY_SERVICE_FIELDS = ("id", "is_demo", "is_published", "version", "updated_at", "distance_km")
READ_ONLY_LOCATION_FIELDS = ("gemeinde", "placement")


def _without_read_only(data: Any) -> Any:
    """The GET shape of a service made writable: read-only fields dropped, organization as id."""
    if isinstance(data, DjangoGetter):  # django-ninja validates a wrapped copy a second time
        return DjangoGetter(_without_read_only(data._obj), data._schema_cls, data._context)
    if not isinstance(data, dict):
        return data
    data = {k: v for k, v in data.items() if k not in READ_ONLY_SERVICE_FIELDS}
    organization = data.get("organization")
    if isinstance(organization, dict) and "id" in organization:
        data["organization"] = organization["id"]
    if isinstance(data.get("locations"), list):
        data["locations"] = [
            {k: v for k, v in row.items() if k not in READ_ONLY_LOCATION_FIELDS}
            if isinstance(row, dict)
            else row
            for row in data["locations"]
        ]
    return data


class ScheduleIn(Schema):
    model_config = Strict
    weekday: int = Field(..., ge=1, le=7)
    opens_at: str = Field(..., pattern=r"^\d{2}:\d{2}$")
    closes_at: str = Field(..., pattern=r"^\d{2}:\d{2}$")
    valid_from: date | None = None
    valid_to: date | None = None
    note: str = Field("", max_length=200)


class ExceptionIn(Schema):
    model_config = Strict
    date: date
    closed: bool = True
    opens_at: str | None = Field(None, pattern=r"^\d{2}:\d{2}$")
    closes_at: str | None = Field(None, pattern=r"^\d{2}:\d{2}$")
    note: str = Field("", max_length=200)


class LocationIn(Schema):
    model_config = Strict
    id: int | None = None
    external_id: str | None = Field(None, max_length=100)
    name: str = Field("", max_length=300)
    address: str = Field(..., min_length=1, max_length=300)
    postal_code: str = Field(..., pattern=r"^\d{5}$")
    city: str = Field(..., min_length=1, max_length=200)
    longitude: float = Field(..., ge=-180, le=180)
    latitude: float = Field(..., ge=-90, le=90)
    wheelchair_accessible: bool = False
    accessibility_notes: str = Field("", max_length=2000)
    transit_notes: str = Field("", max_length=300)
    schedules: list[ScheduleIn] = Field(default_factory=list, max_length=100)
    exceptions: list[ExceptionIn] = Field(default_factory=list, max_length=400)


class FundingIn(Schema):
    model_config = Strict
    funder_level: Literal["bund", "land", "kreis", "gemeinde", "eu", "foundation", "own"]
    funder_name: str = Field("", max_length=300)
    programme: str = Field("", max_length=300)
    amount_per_year: float | None = Field(None, ge=0, le=1e12)
    share: float = Field(1.0, ge=0, le=1)
    start: date | None = None
    end: date | None = None


class ServiceIn(Schema):
    """A service's full state (the registry's snapshot); unknown fields are refused.

    The GET shape is accepted too: its read-only fields (id, version, is_published, is_demo,
    updated_at, distance_km, a site's gemeinde and placement) are ignored, `organization` may be `{"id": …}`.
    """

    model_config = Strict

    @model_validator(mode="before")
    @classmethod
    def _accept_get_shape(cls, data: Any) -> Any:
        return _without_read_only(data)

    name: str = Field(..., min_length=1, max_length=300)
    organization: int = Field(..., ge=1, le=2**62, description="ID des Trägers.")
    offer_type: str = Field(..., min_length=1, max_length=60, description="Code der Angebotsart.")
    description: str = Field("", max_length=20000)
    translations: dict[str, dict[str, str]] = Field(default_factory=dict)
    target_groups: list[str] = Field(default_factory=list, max_length=20)
    languages: list[str] = Field(default_factory=list, max_length=60)
    is_free: bool = True
    fee_description: str = Field("", max_length=300)
    eligibility: str = Field("", max_length=5000)
    required_documents: str = Field("", max_length=5000)
    status: Literal["active", "planned", "ended"] = "active"
    capacity: float | None = Field(None, ge=0, le=1e9)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=60)
    website: str = Field("", max_length=200)
    contact_name: str = Field("", max_length=200)
    by_phone: bool = False
    online: bool = False
    external_id: str | None = Field(None, max_length=100)
    service_area: list[str] = Field(default_factory=list, max_length=500)
    locations: list[LocationIn] = Field(default_factory=list, max_length=200)
    remote_schedules: list[ScheduleIn] = Field(default_factory=list, max_length=100)
    remote_exceptions: list[ExceptionIn] = Field(default_factory=list, max_length=400)
    fundings: list[FundingIn] = Field(default_factory=list, max_length=100)
    base_version: int | None = Field(
        None, ge=1, description="Version, auf der die Änderung beruht (Schutz vor Überschreiben)."
    )
    reason: str = Field("", max_length=500, description="Grund der Änderung (Verlauf).")


class ChangeRequestOut(Schema):
    id: int
    state: str
    service: int
    created_at: datetime
    reason: str


class WriteResult(Schema):
    """Published at once (coordinator, admin) or waiting for review (provider)."""

    service: ServiceOut
    published: bool
    change_request: ChangeRequestOut | None


class DeleteIn(Schema):
    model_config = Strict
    reason: str = Field(..., min_length=1, max_length=500)
