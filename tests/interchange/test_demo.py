"""The demo registry: deterministic, complete, flagged demo, sites inside their Gemeinde."""

from io import StringIO

import pytest
from django.core.management import call_command
from shapely.geometry import Point, shape

from integrationsatlas.regions.models import IndicatorValue, Region
from integrationsatlas.registry.demo import load_demo
from integrationsatlas.registry.models import (
    Funding,
    Location,
    Membership,
    Organization,
    Schedule,
    Service,
)
from integrationsatlas.standards.models import OfferType

pytestmark = pytest.mark.django_db


def _fingerprint():
    return sorted(
        Service.objects.values_list(
            "external_id", "name", "offer_type__code", "capacity", "languages"
        )
    ), sorted(Location.objects.values_list("external_id", "longitude", "latitude", "gemeinde_id"))


def test_full_demo_covers_every_kreis_and_type_flagged_demo():
    summary = load_demo(seed=7)
    services = Service.objects.filter(is_demo=True)
    assert 1700 <= services.count() <= 2300
    assert services.filter(is_published=True).count() == services.count()
    assert not Service.objects.filter(is_demo=False).exists()
    assert set(services.values_list("offer_type__code", flat=True)) == set(
        OfferType.objects.values_list("code", flat=True)
    )
    assert len(summary.per_kreis) == 13 and all(n > 0 for n in summary.per_kreis.values())
    # The cities are denser than the thin rural Kreise (services per Gemeinde-level site).
    assert summary.per_kreis["14612"] > 2 * summary.per_kreis["14521"]
    assert not Location.objects.filter(is_demo=False).exists()
    assert not Organization.objects.filter(is_demo=False).exists()
    # Funding ends spread over 2025–2031, some permanent.
    years = {f.end.year if f.end else None for f in Funding.objects.all()}
    assert set(range(2025, 2032)) | {None} == years
    # Phone/online services have no site but a Kreis as service area and hours.
    remote = services.filter(locations__isnull=True)
    assert remote.exists()
    for service in remote[:5]:
        assert service.service_area.filter(level=Region.Level.KREIS).count() == 1
        assert Schedule.objects.filter(service=service).exists()
    assert services.exclude(translations={}).exists()
    demo_children = IndicatorValue.objects.filter(code="children_under_6")
    assert demo_children.count() == Region.objects.count()
    assert all(v.is_demo and v.source.startswith("Demo:") for v in demo_children)


def test_sites_lie_inside_their_gemeinde_and_a_reload_is_identical():
    load_demo(seed=3, target=200)
    first = _fingerprint()
    load_demo(seed=3, target=200)  # again: same rows, no duplicates
    assert _fingerprint() == first
    locations = list(Location.objects.select_related("gemeinde"))
    assert locations and all(loc.gemeinde_id for loc in locations)
    for loc in locations[:40]:
        assert shape(loc.gemeinde.boundary).contains(Point(loc.longitude, loc.latitude))
    for service in Service.objects.prefetch_related("locations").select_related("organization"):
        kreis = service.organization.external_id.split("-")[2]
        assert all(loc.gemeinde_id.startswith(kreis) for loc in service.locations.all())


def test_command_if_empty_and_users(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-passwort-123")
    out = StringIO()
    call_command("load_demo", "--seed", "1", "--services", "150", "--with-users", stdout=out)
    assert "Demodaten geladen" in out.getvalue()
    count = Service.objects.count()
    roles = dict(Membership.objects.values_list("user__username", "role"))
    assert roles == {
        "demo-traeger": "provider",
        "demo-koordination": "coordinator",
        "demo-admin": "state_admin",
    }
    coordinator = Membership.objects.get(user__username="demo-koordination")
    assert coordinator.region_id == "14628"
    provider = Membership.objects.get(user__username="demo-traeger")
    assert provider.organization.is_demo
    assert provider.user.check_password("demo-passwort-123")
    out = StringIO()
    call_command("load_demo", "--if-empty", stdout=out)
    assert "keine Demodaten geladen" in out.getvalue()
    assert Service.objects.count() == count
    # A reload keeps the provider's membership (organizations are upserted).
    call_command("load_demo", "--seed", "1", "--services", "150", stdout=StringIO())
    assert Service.objects.count() == count
    assert Membership.objects.get(user__username="demo-traeger").organization_id == (
        provider.organization_id
    )
