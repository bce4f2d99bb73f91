"""A small Landkreis Bautzen for the Teilhabebericht: the law's offer types, services, 2025 figures.

The offer types of SächsIntG (integration_counselling_centre, return_counselling) may not be in
offer_types.yaml yet; they are made here with get_or_create so these tests stand alone.
"""

from __future__ import annotations

from decimal import Decimal

from integrationsatlas.registry.models import (
    ActivityFigures,
    Location,
    Organization,
    Service,
    ServiceAtLocation,
)
from integrationsatlas.taxonomy.models import OfferType

BAUTZEN = (14.4246, 51.1814)  # Hauptmarkt Bautzen, Gemeinde 14625020
HOYERSWERDA = (14.2497, 51.4381)  # Gemeinde 14625240

LAW_TYPES = {
    "integration_counselling_centre": ("Integrations-Beratungszentrum", "fte"),
    "integration_management": ("Kommunales Integrationsmanagement", "fte"),
    "integration_commissioner": ("Hauptamtliche Beauftragte für Integration", "fte"),
    "return_counselling": ("Rückkehrberatung", "fte"),
}


def law_offer_types() -> None:
    for code, (name, unit) in LAW_TYPES.items():
        OfferType.objects.get_or_create(code=code, defaults={"names": {"de": name}, "unit": unit})


def make_service(organization, code: str, name: str, point, capacity=None) -> Service:
    service = Service.objects.create(
        organization=organization,
        offer_type=OfferType.objects.get(code=code),
        name=name,
        capacity=capacity,
        is_published=True,
    )
    location = Location.objects.create(
        organization=organization, address="Markt 1", postal_code="02625", city=name,
        longitude=point[0], latitude=point[1],
    )  # fmt: skip
    ServiceAtLocation.objects.create(service=service, location=location)
    return service


def figures(service: Service, year: int = 2025, **values) -> ActivityFigures:
    return ActivityFigures.objects.create(service=service, year=year, **values)


def bautzen_2025() -> dict[str, Service]:
    """Two IBZ (one reported 2025), an FSA service, language mediation, coordination; no
    return counselling. Consultations of the reported IBZ: 100+80+60+20+10+30 = 300."""
    law_offer_types()
    org = Organization.objects.create(name="Integrationsträger Oberlausitz")
    services = {
        "ibz": make_service(org, "integration_counselling_centre", "IBZ Bautzen", BAUTZEN, 2),
        "ibz2": make_service(
            org, "integration_counselling_centre", "IBZ Hoyerswerda", HOYERSWERDA, 1
        ),
        "fsa": make_service(org, "refugee_social_work", "FSA Bautzen", BAUTZEN, 2),
        "mediation": make_service(org, "language_mediation", "Sprachmittlung Bautzen", BAUTZEN),
        "coordination": make_service(
            org, "integration_coordination", "Integrationskoordination", BAUTZEN, 1
        ),
    }
    figures(
        services["ibz"], fte=Decimal("2.5"), consultations_work=100, consultations_education=80,
        consultations_housing=60, consultations_health=20, consultations_culture=10,
        consultations_other=30, language_mediation_missions=12,
    )  # fmt: skip
    figures(
        services["fsa"], fte=Decimal("3.0"), consultations_work=50, consultations_education=40,
        consultations_housing=90, consultations_health=25, consultations_culture=5,
        consultations_other=15,
    )  # fmt: skip
    figures(
        services["mediation"], language_mediation_missions=140, community_interpreter_missions=35
    )
    return services
