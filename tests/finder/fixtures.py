"""A small registry around Pirna for finder tests: published, unpublished, demo, remote services."""

from datetime import datetime, time

from integrationsatlas.regions.models import Region
from integrationsatlas.registry.models import (
    Location,
    Organization,
    Schedule,
    ScheduleException,
    Service,
    ServiceAtLocation,
)
from integrationsatlas.registry.opening_hours import BERLIN
from integrationsatlas.taxonomy.models import OfferType

# A Monday, 10:00 in Saxony: the fixed "now" of the finder tests.
MONDAY_10 = datetime(2026, 6, 1, 10, 0, tzinfo=BERLIN)


def add_service(org, name, lon, lat, *, hours=((1, 9, 12),), offer="mbe", **fields):
    service = Service.objects.create(
        organization=org,
        offer_type=OfferType.objects.get(code=offer),
        name=name,
        is_published=fields.pop("is_published", True),
        languages=fields.pop("languages", ["de", "ar"]),
        **fields,
    )
    location = Location.objects.create(
        organization=org,
        address=f"{name}-Straße 1",
        postal_code="01796",
        city=fields.get("city", "Pirna"),
        longitude=lon,
        latitude=lat,
        wheelchair_accessible=True,
    )
    sal = ServiceAtLocation.objects.create(service=service, location=location)
    for weekday, start, end in hours:
        Schedule.objects.create(
            service_at_location=sal, weekday=weekday, opens_at=time(start), closes_at=time(end)
        )
    return service


def build_registry():
    """Pirna: an open MBE close by, a closed one closer, a demo one, a far one, a phone one."""
    org = Organization.objects.create(name="Beratungsverein Elbtal")
    closed_nearby = add_service(
        org, "MBE Pirna Markt", 13.9400, 50.9620, hours=((2, 9, 12),), languages=["de", "ru"]
    )
    open_one = add_service(
        org,
        "MBE Pirna Sonnenstein",
        13.9600,
        50.9550,
        hours=((1, 9, 16), (3, 9, 16)),
        translations={"ar": {"name": "استشارة الهجرة بيرنا", "description": "استشارة مجانية"}},
        description="Beratung zu Aufenthalt und Arbeit.",
        required_documents="Pass oder Ankunftsnachweis",
        phone="03501 123456",
    )
    ScheduleException.objects.create(
        service_at_location=open_one.service_at_locations.get(),
        date=MONDAY_10.date().replace(day=3),
        closed=True,
        note="Teamtag",
    )
    demo = add_service(org, "MBE Heidenau Demo", 13.8680, 50.9830, is_demo=True, is_free=False)
    far = add_service(org, "MBE Leipzig Zentrum", 12.3731, 51.3397, languages=["de", "uk"])
    hidden = add_service(org, "MBE Entwurf", 13.9410, 50.9610, is_published=False)
    phone = Service.objects.create(
        organization=org,
        offer_type=OfferType.objects.get(code="mbe"),
        name="MBE Telefonberatung Sachsen",
        is_published=True,
        by_phone=True,
        phone="0351 999",
        languages=["ar", "fa"],
    )
    phone.service_area.add(Region.objects.get(ags="14628"))
    Schedule.objects.create(service=phone, weekday=1, opens_at=time(8), closes_at=time(18))
    return {
        "closed_nearby": closed_nearby,
        "open": open_one,
        "demo": demo,
        "far": far,
        "hidden": hidden,
        "phone": phone,
    }
