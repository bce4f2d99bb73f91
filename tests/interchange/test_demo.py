"""The demo registry: realistic scale, supply following demand, reproducible, labelled demo."""

import re
from io import StringIO

import numpy as np
import pytest
from django.core.management import call_command
from django.db.models import Sum
from shapely.geometry import Point, shape

from integrationsatlas.regions.models import IndicatorValue, Region
from integrationsatlas.registry.demo import load_demo
from integrationsatlas.registry.demo.build import read_demand
from integrationsatlas.registry.demo.names import FICTION_RANGES, LANGUAGES, fiction_phone
from integrationsatlas.registry.demo.plan import plan_services
from integrationsatlas.registry.demo.scale import SCALES
from integrationsatlas.registry.models import (
    Funding,
    Location,
    Membership,
    Organization,
    Schedule,
    Service,
)
from integrationsatlas.taxonomy.models import OfferType

pytestmark = pytest.mark.django_db

#: "+49 30 23125 042": one of the five Bundesnetzagentur ranges for media productions.
FICTION_PHONE = re.compile(r"^\+49 (30 23125|69 90009|40 66969|221 4710|89 99998) \d{3}$")
CAPACITY_TYPES = ["mbe", "jmd", "refugee_social_work", "integration_course", "kita", "volunteering"]


def _fingerprint():
    return sorted(
        Service.objects.values_list(
            "external_id", "name", "offer_type__code", "capacity", "languages", "phone"
        )
    ), sorted(Location.objects.values_list("external_id", "longitude", "latitude", "gemeinde_id"))


def _types():
    return list(OfferType.objects.filter(is_active=True).order_by("sort_order", "code"))


def test_full_demo_has_the_scale_of_the_published_figures_and_is_flagged_demo():
    summary = load_demo(seed=7)
    services = Service.objects.filter(is_demo=True)
    assert 3000 <= services.count() <= 4200
    assert services.filter(is_published=True).count() == services.count()
    assert not Service.objects.filter(is_demo=False).exists()
    assert set(services.values_list("offer_type__code", flat=True)) == set(
        OfferType.objects.values_list("code", flat=True)
    )
    assert len(summary.per_kreis) == 13 and all(n > 0 for n in summary.per_kreis.values())

    def supply(code):
        return services.filter(offer_type__code=code).aggregate(s=Sum("capacity"))["s"]

    # Kita places near the published 206,800 (377,400 places × 54.8 % before school age).
    assert 0.9 * 206_800 <= supply("kita") <= 1.1 * 206_800
    assert 0.6 * SCALES["mbe"].total <= supply("mbe") <= 1.4 * SCALES["mbe"].total
    assert not Location.objects.filter(is_demo=False).exists()
    assert not Organization.objects.filter(is_demo=False).exists()
    years = {f.end.year if f.end else None for f in Funding.objects.all()}
    assert set(range(2025, 2032)) | {None} == years
    remote = services.filter(locations__isnull=True)
    assert remote.exists()
    for service in remote[:5]:
        assert service.service_area.filter(level=Region.Level.KREIS).count() == 1
        assert Schedule.objects.filter(service=service).exists()
    # Real children per Kreis are loaded, so no demo children are written.
    assert summary.indicator_values == 0
    assert not IndicatorValue.objects.filter(code="children_under_6", is_demo=True).exists()


def test_supply_per_kreis_follows_demand_and_no_kreis_is_singled_out():
    data = read_demand()
    types = _types()
    ratios = {code: [] for code in CAPACITY_TYPES}
    for seed in range(12):
        plans = plan_services(data, types, np.random.default_rng(seed))
        for kind in (t for t in types if t.code in CAPACITY_TYPES):
            demand = data.kreis_demand(kind.default_demand_indicator)
            supply = np.zeros(len(data.kreise))
            for plan in plans:
                if plan.offer_type.code == kind.code:
                    supply[[k.ags for k in data.kreise].index(plan.kreis.ags)] += plan.capacity
            assert np.corrcoef(supply, demand)[0, 1] > 0.85, (seed, kind.code)
            ratio = (supply / demand) / (supply.sum() / demand.sum())
            assert ratio.min() > 0.3 and ratio.max() < 3.0, (seed, kind.code)
            ratios[kind.code].append(ratio)
    # Averaged over seeds every Kreis gets its share: none is thin or rich by design.
    for code, per_seed in ratios.items():
        mean = np.mean(per_seed, axis=0)
        assert mean.min() > 0.8 and mean.max() < 1.25, (code, mean.round(2))


def test_same_seed_same_rows_other_seed_other_rows_sites_inside_their_gemeinde():
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
    load_demo(seed=4, target=200)
    assert _fingerprint() != first


def test_names_say_demo_in_every_language_and_phones_are_fictional():
    load_demo(seed=5, target=120)
    services = list(Service.objects.filter(is_demo=True))
    assert services
    for service in services:
        for language in LANGUAGES:
            name, fallback = service.text("name", language)
            assert "Demo" in name and not fallback, (service.external_id, language, name)
        assert FICTION_PHONE.match(service.phone), service.phone
    assert all("Demo" in o.name for o in Organization.objects.filter(is_demo=True))
    assert all("Demo" in loc.name for loc in Location.objects.filter(is_demo=True))


def test_fiction_numbers_cover_the_five_ranges_and_repeat_after_5000():
    numbers = [fiction_phone(n) for n in range(5000)]
    assert len(set(numbers)) == 5000 and all(FICTION_PHONE.match(n) for n in numbers)
    assert numbers[0] == "+49 30 23125 000" and numbers[4999] == "+49 89 99998 999"
    assert fiction_phone(5000) == numbers[0]
    assert len(FICTION_RANGES) == 5


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
