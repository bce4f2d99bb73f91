"""The cached SVG maps follow the loaded regions without a restart of the web process."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from integrationsatlas.regions import loader, version
from integrationsatlas.regions.models import Region
from integrationsatlas.regions.svgmap import region_map

from .datasets import write_dataset

pytestmark = pytest.mark.django_db


def _shape(svgmap, ags):
    return next(s for s in svgmap.shapes if s.ags == ags)


class _OtherProcessCache:
    """The command's `cache.clear()` empties its own process's memory, not the server's."""

    def clear(self) -> None:
        pass


def test_load_regions_in_another_process_shows_in_the_next_map(
    tmp_path, settings, monkeypatch, fresh_cache
):
    settings.REGIONS_VERSION_CHECK_SECONDS = 0
    before = _shape(region_map(Region.Level.KREIS), "14625")
    assert before.name == "Landkreis Bautzen"

    monkeypatch.setattr(loader, "cache", _OtherProcessCache())
    monkeypatch.setattr(version, "forget", lambda: None)
    call_command("load_regions", data_dir=write_dataset(tmp_path / "d"))

    after = _shape(region_map(Region.Level.KREIS), "14625")
    assert after.name == "Landkreis Testkreis"  # the small data set's name and shape
    assert after.path != before.path
    gemeinden = region_map(Region.Level.GEMEINDE, parent="14625")
    assert _shape(gemeinden, "14625010").name == "Testdorf"


def test_the_version_is_asked_at_most_every_few_seconds(
    settings, django_assert_num_queries, fresh_cache
):
    settings.REGIONS_VERSION_CHECK_SECONDS = 60
    assert _shape(region_map(Region.Level.KREIS), "14612").name == "Dresden"
    region = Region.objects.get(ags="14612")
    region.name = "Elbflorenz"
    region.save()  # as the admin does: nothing is invalidated, only updated_at changes
    with django_assert_num_queries(0):
        assert _shape(region_map(Region.Level.KREIS), "14612").name == "Dresden"

    settings.REGIONS_VERSION_CHECK_SECONDS = 0
    assert _shape(region_map(Region.Level.KREIS), "14612").name == "Elbflorenz"
