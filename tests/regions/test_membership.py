"""Which services belong to a region: the API's region filter and planning's region pages agree.

Before `regions/membership.py` the API counted a service whose area is a Gemeinde of the Kreis
or the whole Land, the region report's funding cliff did not.
"""

from __future__ import annotations

import pytest

from integrationsatlas.api.search import ServiceQuery, search_services
from integrationsatlas.planning.cliffs import region_services
from integrationsatlas.regions.locate import gemeinde_at
from integrationsatlas.regions.membership import containing_keys
from integrationsatlas.regions.models import Region
from integrationsatlas.registry.models import (
    Location,
    Organization,
    Service,
    ServiceAtLocation,
)
from integrationsatlas.taxonomy.models import OfferType

BAUTZEN = "14625"
BAUTZEN_TOWN = (14.4244, 51.1814)  # Hauptmarkt Bautzen
DRESDEN_ALTMARKT = (13.7373, 51.0504)


def _service(name: str, area: list[str] = (), site: tuple[float, float] | None = None):
    organization = Organization.objects.get_or_create(name="Träger")[0]
    service = Service.objects.create(
        name=name,
        organization=organization,
        offer_type=OfferType.objects.get(code="mbe"),
        status=Service.Status.ACTIVE,
        is_published=True,
    )
    service.service_area.set(area)
    if site is not None:
        location = Location.objects.create(
            organization=organization,
            address="Markt 1",
            postal_code="02625",
            city="Ort",
            longitude=site[0],
            latitude=site[1],
        )
        ServiceAtLocation.objects.create(service=service, location=location)
    return service


def _by_api(key: str) -> set[str]:
    services, _distances = search_services(Service.public.all(), ServiceQuery(region=key))
    return {s.name for s in services}


def _by_planning(key: str) -> set[str]:
    return {s.name for s in region_services(key)}


@pytest.mark.django_db
def test_api_and_region_report_count_the_same_services_for_a_kreis_and_a_gemeinde():
    gemeinde = gemeinde_at(*BAUTZEN_TOWN)
    assert gemeinde.parent_id == BAUTZEN
    _service("Standort in Bautzen", site=BAUTZEN_TOWN)
    _service("Einzugsgebiet Kreis Bautzen", area=[BAUTZEN])
    _service("Einzugsgebiet Gemeinde Bautzen", area=[gemeinde.ags])  # the report missed it
    _service("Einzugsgebiet Sachsen", area=["14"])  # the report missed it
    _service("Standort in Dresden", site=DRESDEN_ALTMARKT)
    _service("Einzugsgebiet Leipzig", area=["14713"])

    kreis = {
        "Standort in Bautzen",
        "Einzugsgebiet Kreis Bautzen",
        "Einzugsgebiet Gemeinde Bautzen",
        "Einzugsgebiet Sachsen",
    }
    assert _by_api(BAUTZEN) == _by_planning(BAUTZEN) == kreis
    # The Gemeinde: served by its own area and by the Kreis and the Land that contain it.
    assert _by_api(gemeinde.ags) == _by_planning(gemeinde.ags) == kreis
    assert (
        _by_api("14")
        == _by_planning("14")
        == kreis
        | {
            "Standort in Dresden",
            "Einzugsgebiet Leipzig",
        }
    )


@pytest.mark.django_db
def test_region_keys_nest_so_prefixes_are_the_parent_chain():
    """The rule reads "inside" and "containing" from key prefixes; the loaded regions' parent
    chains must say the same."""
    parents = dict(Region.objects.values_list("ags", "parent_id"))
    assert len(parents) > 400  # Land, Kreise and Gemeinden are loaded
    for key in parents:
        ancestors = []
        parent = parents[key]
        while parent is not None:
            ancestors.append(parent)
            parent = parents[parent]
        assert sorted(ancestors) == [k for k in containing_keys(key) if k in parents], key
