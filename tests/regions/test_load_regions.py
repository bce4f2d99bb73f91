"""load-regions: the real data loads completely and idempotently; bad input is refused whole."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from integrationsatlas.regions import loader
from integrationsatlas.regions.models import IndicatorValue, PostalCode, Region

from .datasets import (
    bow_tie,
    feature,
    good_features,
    good_foreign_rows,
    manifest_entry,
    snapshot,
    square,
    write_dataset,
)

pytestmark = pytest.mark.django_db

KREISE = {
    "14511": "Chemnitz",
    "14521": "Erzgebirgskreis",
    "14522": "Landkreis Mittelsachsen",
    "14523": "Vogtlandkreis",
    "14524": "Landkreis Zwickau",
    "14612": "Dresden",
    "14625": "Landkreis Bautzen",
    "14626": "Landkreis Görlitz",
    "14627": "Landkreis Meißen",
    "14628": "Landkreis Sächsische Schweiz-Osterzgebirge",
    "14713": "Leipzig",
    "14729": "Landkreis Leipzig",
    "14730": "Landkreis Nordsachsen",
}


def population(ags: str) -> float:
    return IndicatorValue.objects.get(region_id=ags, code="population").value


def indicator(ags: str, code: str) -> IndicatorValue:
    return IndicatorValue.objects.get(region_id=ags, code=code)


# --- the real Saxony data, loaded once per test database by tests/conftest.py ---------------


def test_tree_has_land_13_kreise_and_418_gemeinden():
    land = Region.objects.get(level=Region.Level.LAND)
    assert (land.ags, land.name, land.parent_id) == ("14", "Sachsen", None)
    kreise = Region.objects.filter(level=Region.Level.KREIS)
    assert {k.ags: k.name for k in kreise} == KREISE
    assert all(k.parent_id == "14" for k in kreise)
    gemeinden = Region.objects.filter(level=Region.Level.GEMEINDE)
    assert gemeinden.count() == 418
    assert all(g.parent_id == g.ags[:5] and len(g.ags) == 8 for g in gemeinden)
    assert Region.objects.get(ags="14628270").name == "Pirna"


def test_kreis_kinds_follow_the_source_names():
    assert Region.objects.get(ags="14612").kind == "Kreisfreie Stadt"
    assert Region.objects.get(ags="14625").kind == "Landkreis"
    assert Region.objects.get(ags="14").kind == "Freistaat"


def test_population_is_summed_from_gemeinden_to_kreis_and_land():
    assert population("14") == 4_089_467
    assert sum(population(ags) for ags in KREISE) == 4_089_467
    for kreis in KREISE:
        members = Region.objects.filter(parent_id=kreis).values_list("ags", flat=True)
        assert population(kreis) == sum(population(ags) for ags in members), kreis
    assert population("14713") == 619_879
    assert population("14612") == 566_222
    value = indicator("14625020", "population")
    assert value.reference_date == date(2023, 12, 31)
    assert "GeoBasis-DE / BKG" in value.source


def test_kreis_boundary_is_the_union_of_its_gemeinden():
    from shapely.geometry import shape

    bautzen = shape(Region.objects.get(ags="14625").boundary)
    assert bautzen.is_valid
    for ags in ("14625020", "14625240"):
        gemeinde = shape(Region.objects.get(ags=ags).boundary)
        assert bautzen.buffer(1e-4).contains(gemeinde), ags
    # Dissolved: the Kreis is not a bag of 57 touching pieces.
    assert len(getattr(bautzen, "geoms", [bautzen])) < 10
    area = Region.objects.get(ags="14625").area_km2
    assert 2300 < area < 2500  # Landkreis Bautzen: 2,395.6 km²


def test_foreign_residents_per_kreis_with_eu_split_source_and_date():
    total = indicator("14", "foreign_population")
    assert total.value == 371_050
    assert total.reference_date == date(2025, 12, 31)
    assert "12521-0041" in total.source and "Summe der Kreise" in total.source
    kreise = IndicatorValue.objects.filter(region_id__in=KREISE, code="foreign_population")
    assert kreise.count() == 13
    assert sum(v.value for v in kreise) == 371_050
    chemnitz = {v.code: v for v in IndicatorValue.objects.filter(region_id="14511")}
    assert chemnitz["foreign_population"].value == 38_730
    assert chemnitz["foreign_eu27"].value == 8_145
    assert chemnitz["foreign_third_country"].value == 30_585
    assert "Destatis" in chemnitz["foreign_eu27"].source
    eu = sum(indicator(k, "foreign_eu27").value for k in KREISE)
    assert indicator("14", "foreign_eu27").value == eu
    # Continent groups overlap and are not summed to the Land.
    assert not IndicatorValue.objects.filter(region_id="14", code="foreign_asia").exists()
    assert not IndicatorValue.objects.filter(region_id="14625020", code__startswith="foreign")


def test_postal_codes_with_centroid_and_every_gemeinde():
    assert PostalCode.objects.count() == 382
    pirna = PostalCode.objects.get(code="01796")
    assert pirna.gemeinde_id == "14628390"  # the centroid lies in Struppen (SOURCES.md)
    assert {"14628270", "14628070", "14628390"} <= set(
        pirna.gemeinden.values_list("ags", flat=True)
    )
    assert pirna.place_names == "Dohma, Pirna, Struppen"
    assert 13.5 < pirna.lon < 14.5 and 50.5 < pirna.lat < 51.5
    assert "OpenStreetMap" in pirna.source


def test_loading_again_changes_nothing(data_dir):
    before = snapshot()
    call_command("load_regions", data_dir=data_dir, stdout=(out := io.StringIO()))
    assert snapshot() == before
    assert "regions: 432 (0 neu)" in out.getvalue()
    assert "postal_codes: 382 (0 neu)" in out.getvalue()


# --- --data-dir and INTEGRATIONSATLAS_DATA_DIR -------------------------------------------


def test_data_dir_option_is_used(tmp_path):
    folder = write_dataset(tmp_path / "edition")
    call_command("load_regions", data_dir=folder, stdout=(out := io.StringIO()))
    assert str(folder) in out.getvalue()
    assert Region.objects.get(ags="14625010").name == "Testdorf"
    assert Region.objects.get(ags="14625").name == "Landkreis Testkreis"
    assert population("14625020") == 3400


def test_settings_data_dir_is_the_default(tmp_path, settings):
    settings.DATA_DIR = write_dataset(tmp_path / "from-env")
    call_command("load_regions", stdout=io.StringIO())
    assert Region.objects.get(ags="14612000").name == "Testmetropole"


def test_small_data_set_loads_twice_identically(tmp_path):
    folder = write_dataset(tmp_path / "small")
    call_command("load_regions", data_dir=folder, stdout=io.StringIO())
    first = snapshot()
    call_command("load_regions", data_dir=folder, stdout=io.StringIO())
    assert snapshot() == first


# --- bad input: a clear message, and the database exactly as before -----------------------


def refused(folder: Path) -> str:
    """Run load-regions on `folder`; assert it fails and changes nothing; return the message."""
    before = snapshot()
    with pytest.raises(CommandError) as caught:
        call_command("load_regions", data_dir=folder, stdout=io.StringIO())
    assert snapshot() == before
    message = str(caught.value)
    assert "Nichts geladen, die Datenbank ist unverändert" in message
    return message


def test_missing_folder_names_the_manifest_it_looked_for(tmp_path):
    message = refused(tmp_path / "nowhere")
    assert f"Datei fehlt: {tmp_path / 'nowhere' / 'manifest.json'}" in message


@pytest.mark.parametrize("key", ["gemeinden", "foreign_residents", "postal_codes"])
def test_missing_file_names_path_and_where_to_get_it(tmp_path, key):
    folder = write_dataset(tmp_path / "data")
    entry = manifest_entry(folder, key)
    (folder / entry["file"]).unlink()
    message = refused(folder)
    assert f"Datei fehlt: {folder / entry['file']} ({key})" in message
    assert entry["get_it"] in message


def test_unreadable_geojson(tmp_path):
    folder = write_dataset(tmp_path / "data")
    (folder / "sachsen-gemeinden.geojson").write_text('{"type": "FeatureCollection", "feat')
    message = refused(folder)
    assert "sachsen-gemeinden.geojson: keine lesbare GeoJSON-Datei" in message


def test_unreadable_csv(tmp_path):
    folder = write_dataset(tmp_path / "data")
    (folder / "sachsen-auslaender-kreise.csv").write_bytes(b"ags,name\n14625,Bautzen\xff\xfe\n")
    message = refused(folder)
    assert "sachsen-auslaender-kreise.csv: keine lesbare CSV-Datei" in message


def test_unreadable_manifest(tmp_path):
    folder = write_dataset(tmp_path / "data")
    (folder / "manifest.json").write_text("{not json")
    assert "manifest.json: nicht lesbar" in refused(folder)


@pytest.mark.parametrize(
    ("ags", "shown"),
    [("1462503", "AGS 1462503"), ("1462503x", "AGS 1462503x"), (None, "AGS –"), ("", "AGS –")],
)
def test_feature_without_valid_ags(tmp_path, ags, shown):
    features = [*good_features(), feature(ags, "Ohneschlüssel", square(14.14, 51.2))]
    message = refused(write_dataset(tmp_path / "data", features))
    assert f"Feature 3 ({shown}): kein gültiger 8-stelliger Gemeindeschlüssel" in message


def test_feature_of_another_land(tmp_path):
    features = [*good_features(), feature("16075048", "Kirschkau", square(11.7, 50.6))]
    message = refused(write_dataset(tmp_path / "data", features))
    assert "Feature 3 (AGS 16075048): AGS gehört nicht zum Land 14" in message


def test_duplicate_ags(tmp_path):
    features = [*good_features(), feature("14625010", "Testdorf II", square(14.14, 51.2))]
    message = refused(write_dataset(tmp_path / "data", features))
    assert "Feature 3 (AGS 14625010): AGS doppelt, schon in Feature 0" in message


def test_self_intersecting_bow_tie(tmp_path):
    features = good_features()
    features[1]["geometry"] = bow_tie(14.12, 51.20)
    message = refused(write_dataset(tmp_path / "data", features))
    assert "Feature 1 (AGS 14625020): Geometrie ungültig (Self-intersection" in message


@pytest.mark.parametrize(
    "geometry",
    [
        {"type": "Polygon", "coordinates": []},
        {"type": "MultiPolygon", "coordinates": []},
        {"type": "Point", "coordinates": [14.1, 51.2]},
    ],
    ids=["empty-polygon", "empty-multipolygon", "point"],
)
def test_empty_or_not_an_area(tmp_path, geometry):
    features = good_features()
    features[2]["geometry"] = geometry
    message = refused(write_dataset(tmp_path / "data", features))
    assert "Feature 2 (AGS 14612000): Geometrie leer oder keine Fläche" in message


def test_missing_geometry(tmp_path):
    features = good_features()
    features[2]["geometry"] = None
    message = refused(write_dataset(tmp_path / "data", features))
    assert "Feature 2 (AGS 14612000): Geometrie nicht lesbar" in message


@pytest.mark.parametrize(
    ("lon", "lat"),
    [(2.35, 48.85), (51.2, 14.1), (14.1, 56.0)],
    ids=["paris", "lat-lon-swapped", "north-of-germany"],
)
def test_coordinates_outside_germany(tmp_path, lon, lat):
    features = good_features()
    features[0]["geometry"] = square(lon, lat)
    message = refused(write_dataset(tmp_path / "data", features))
    assert "Feature 0 (AGS 14625010): Koordinaten außerhalb Deutschlands" in message


def test_negative_population(tmp_path):
    features = good_features()
    features[1]["properties"]["pop"] = -5
    message = refused(write_dataset(tmp_path / "data", features))
    assert "Feature 1 (AGS 14625020): Einwohnerzahl ist negativ (-5)" in message


@pytest.mark.parametrize("pop", [None, "1000", True])
def test_population_not_a_number(tmp_path, pop):
    features = good_features()
    features[1]["properties"]["pop"] = pop
    message = refused(write_dataset(tmp_path / "data", features))
    assert "Feature 1 (AGS 14625020): Einwohnerzahl 'pop' fehlt oder ist keine Zahl" in message


def test_every_problem_is_listed_at_once(tmp_path):
    features = good_features()
    features[0]["properties"]["pop"] = -1
    features[1]["geometry"] = bow_tie(14.12, 51.20)
    message = refused(write_dataset(tmp_path / "data", features))
    assert "2 Problem(e)" in message
    assert "Feature 0 (AGS 14625010)" in message and "Feature 1 (AGS 14625020)" in message


def test_negative_foreign_residents(tmp_path):
    rows = good_foreign_rows()
    rows[1]["foreign_residents"] = "-70"
    message = refused(write_dataset(tmp_path / "data", foreign_rows=rows))
    assert "Zeile 3 (AGS 14625), Spalte foreign_residents: keine nicht-negative" in message


def test_duplicate_kreis_row_in_foreign_residents(tmp_path):
    rows = [*good_foreign_rows(), good_foreign_rows()[1]]
    message = refused(write_dataset(tmp_path / "data", foreign_rows=rows))
    assert "Zeile 4 (AGS 14625): Kreis doppelt, schon in Zeile 3" in message


def test_kreis_without_foreign_row(tmp_path):
    rows = good_foreign_rows()[:1]
    message = refused(write_dataset(tmp_path / "data", foreign_rows=rows))
    assert "kein Eintrag für Kreis 14625 (Gemeinde 14625010 Testdorf)" in message


def test_postal_code_of_unknown_gemeinde(tmp_path):
    rows = [{"plz": "99009", "lat": "51.2", "lon": "14.1", "ags": "14625999"}]
    message = refused(write_dataset(tmp_path / "data", postal_rows=rows))
    assert "Zeile 2 (PLZ 99009): unbekannter Gemeindeschlüssel 14625999" in message


def test_failure_while_writing_rolls_back_everything(tmp_path, monkeypatch):
    """Regions are written before postal codes; a crash there must undo the regions too."""
    folder = write_dataset(tmp_path / "data")
    before = snapshot()

    def crash(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(PostalCode.objects, "bulk_create", crash)
    with pytest.raises(RuntimeError, match="disk full"):
        loader.load_regions(folder)
    assert snapshot() == before


@pytest.mark.parametrize("change", ["boundary", "indicator", "postal_link"])
def test_snapshot_notices_any_change(change):
    """The 'database unchanged' checks above can fail: one small edit changes the snapshot."""
    before = snapshot()
    if change == "boundary":
        region = Region.objects.get(ags="14625020")
        region.boundary["coordinates"][0][0][0][0] += 0.00001
        region.save()
    elif change == "indicator":
        IndicatorValue.objects.filter(region_id="14", code="population").update(value=1)
    else:
        PostalCode.objects.get(code="01796").gemeinden.remove("14628070")
    assert snapshot() != before
