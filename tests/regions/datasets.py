"""Small region data sets written into a tmp folder, and a fingerprint of the regions tables."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import TextField
from django.db.models.functions import Cast

from integrationsatlas.regions.models import IndicatorValue, PostalCode, Region

REAL_DATA = Path(settings.BASE_DIR) / "data"
FOREIGN_HEADER = [
    "ags",
    "name",
    "reference_date",
    "foreign_residents",
    "eu27_citizens",
    "third_country_citizens",
]


def square(lon: float, lat: float, size: float = 0.01) -> dict[str, Any]:
    """A small valid polygon (about 1 km across) with its south-west corner at lon/lat."""
    ring = [
        [lon, lat],
        [lon + size, lat],
        [lon + size, lat + size],
        [lon, lat + size],
        [lon, lat],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def bow_tie(lon: float, lat: float, size: float = 0.01) -> dict[str, Any]:
    """A self-intersecting polygon: its edges cross in the middle."""
    ring = [[lon, lat], [lon + size, lat + size], [lon + size, lat], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def feature(ags: Any, name: str, geometry: Any, pop: Any = 1000) -> dict[str, Any]:
    props: dict[str, Any] = {"name": name, "pop": pop}
    if ags is not None:
        props["ags"] = ags
    return {"type": "Feature", "properties": props, "geometry": geometry}


def good_features() -> list[dict[str, Any]]:
    """Three Gemeinden in two Kreise of Saxony (real keys, made-up names and shapes)."""
    return [
        feature("14625010", "Testdorf", square(14.10, 51.20), 1200),
        feature("14625020", "Teststadt", square(14.12, 51.20), 3400),
        feature("14612000", "Testmetropole", square(13.70, 51.05), 50000),
    ]


def good_foreign_rows() -> list[dict[str, Any]]:
    return [
        {
            "ags": "14612",
            "name": "Testmetropole, kreisfreie Stadt",
            "reference_date": "2025-12-31",
            "foreign_residents": "500",
            "eu27_citizens": "100",
            "third_country_citizens": "400",
        },
        {
            "ags": "14625",
            "name": "Testkreis, Landkreis",
            "reference_date": "2025-12-31",
            "foreign_residents": "70",
            "eu27_citizens": "20",
            "third_country_citizens": "50",
        },
    ]


CHILDREN_HEADER = ["ags", "name", "reference_date", "children_under_3", "children_3_to_6"]


def good_children_rows() -> list[dict[str, Any]]:
    return [
        {
            "ags": "14612",
            "name": "Testmetropole",
            "reference_date": "2023-12-31",
            "children_under_3": "1500",
            "children_3_to_6": "1700",
        },
        {
            "ags": "14625",
            "name": "Testkreis",
            "reference_date": "2023-12-31",
            "children_under_3": "110",
            "children_3_to_6": "130",
        },
    ]


def good_postal_rows() -> list[dict[str, Any]]:
    return [
        {"plz": "99001", "lat": "51.205", "lon": "14.105", "ags": "14625010", "ags_all": ""},
        {
            "plz": "99002",
            "lat": "51.205",
            "lon": "14.125",
            "ags": "14625020",
            "ags_all": "14625020|14625010",
            "names_all": "Teststadt|Testdorf",
        },
    ]


def write_dataset(
    folder: Path,
    features: list[dict[str, Any]] | None = None,
    foreign_rows: list[dict[str, Any]] | None = None,
    postal_rows: list[dict[str, Any]] | None = None,
    target_rows: list[dict[str, Any]] | None = None,
    children_rows: list[dict[str, Any]] | None = None,
) -> Path:
    """The real manifest.json plus small files under its file names; returns the folder.

    The optional target group of Flüchtlingssozialarbeit is left out of the manifest unless
    `target_rows` are given."""
    folder.mkdir(parents=True, exist_ok=True)
    manifest = json.loads((REAL_DATA / "manifest.json").read_text(encoding="utf-8"))
    target_entry = manifest.pop("fsa_target_group")
    if target_rows is not None:
        manifest["fsa_target_group"] = target_entry
        write_csv(
            folder / target_entry["file"],
            ["ags", "name", "reference_date", "fsa_target_group", "is_demo"],
            target_rows,
        )
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    features = good_features() if features is None else features
    collection = {"type": "FeatureCollection", "features": features}
    (folder / manifest["gemeinden"]["file"]).write_text(json.dumps(collection), encoding="utf-8")
    write_csv(
        folder / manifest["foreign_residents"]["file"],
        FOREIGN_HEADER,
        good_foreign_rows() if foreign_rows is None else foreign_rows,
    )
    write_csv(
        folder / manifest["postal_codes"]["file"],
        ["plz", "name", "lat", "lon", "ags", "ags_all", "names_all"],
        good_postal_rows() if postal_rows is None else postal_rows,
    )
    write_csv(
        folder / manifest["children"]["file"],
        CHILDREN_HEADER,
        good_children_rows() if children_rows is None else children_rows,
    )
    return folder


def write_csv(path: Path, header: list[str], rows: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def manifest_entry(folder: Path, key: str) -> dict[str, Any]:
    return dict(json.loads((folder / "manifest.json").read_text(encoding="utf-8"))[key])


def snapshot() -> dict[str, Any]:
    """Row counts and a SHA-256 over every Region, IndicatorValue and PostalCode row."""
    digest = hashlib.sha256()
    # The boundary as the database's own text: decoding 432 boundaries would cost seconds.
    regions = Region.objects.annotate(boundary_text=Cast("boundary", TextField()))
    regions = regions.order_by("ags").values_list(
        "ags",
        "name",
        "level",
        "kind",
        "parent_id",
        "boundary_text",
        "area_km2",
        "point_lon",
        "point_lat",
        "source",
    )
    indicators = IndicatorValue.objects.order_by("region_id", "code", "reference_date").values_list(
        "region_id", "code", "reference_date", "value", "source", "is_demo"
    )
    postal = PostalCode.objects.order_by("code").values_list(
        "code", "lon", "lat", "gemeinde_id", "place_names", "source"
    )
    links = PostalCode.gemeinden.through.objects.order_by("postalcode_id", "region_id")
    memberships = links.values_list("postalcode_id", "region_id")
    for table in (regions, indicators, postal, memberships):
        for row in table:
            digest.update(repr(row).encode())
        digest.update(b"|")
    return {
        "regions": Region.objects.count(),
        "indicators": IndicatorValue.objects.count(),
        "postal_codes": PostalCode.objects.count(),
        "postal_links": links.count(),
        "sha256": digest.hexdigest(),
    }
