"""Load a Land's regions, population, foreign residents, children and postal codes from open data.

Everything is read and checked first; only a fully valid set is written, in one
transaction, so a broken file never leaves the database half-changed. Writing is an
upsert by official key, so loading the same files twice changes nothing.
"""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import shapely
from django.core.cache import cache
from django.db import transaction
from pyproj import Transformer
from shapely.geometry import mapping, shape
from shapely.validation import explain_validity

from . import version
from .children import read_children
from .models import IndicatorValue, PostalCode, Region

# Generous bounding box of Germany (lon, lat); anything outside is a broken coordinate.
GERMANY_BBOX = (5.5, 47.0, 15.5, 55.2)
AGS_GEMEINDE = re.compile(r"^\d{8}$")
PLZ = re.compile(r"^\d{5}$")
MANIFEST = "manifest.json"
FOREIGN_COLUMNS = {
    "foreign_residents": "foreign_population",
    "foreign_male": "foreign_male",
    "foreign_female": "foreign_female",
    "eu27_citizens": "foreign_eu27",
    "third_country_citizens": "foreign_third_country",
    "europe": "foreign_europe",
    "africa": "foreign_africa",
    "america": "foreign_america",
    "asia": "foreign_asia",
    "australia_oceania": "foreign_oceania",
    "former_soviet_union": "foreign_former_soviet_union",
}
# These add up along the region tree; the continent groups overlap and are kept per Kreis only.
SUMMED_TO_LAND = ("foreign_population", "foreign_eu27", "foreign_third_country")

_to_metric = Transformer.from_crs("EPSG:4326", "EPSG:25833", always_xy=True)


class RegionDataError(Exception):
    """Raised with every problem found; nothing has been written when it is raised."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class RegionRecord:
    ags: str
    name: str
    level: str
    kind: str
    parent: str | None
    geometry: Any
    area_km2: float
    population: int


@dataclass
class LoadPlan:
    """What the files say, checked, before anything is written."""

    manifest: dict[str, Any]
    regions: list[RegionRecord] = field(default_factory=list)
    indicators: list[tuple[str, str, date, float, str]] = field(default_factory=list)
    # Figures that carry their own demo flag (ags, code, date, value, source, is_demo).
    flagged_indicators: list[tuple[str, str, date, float, str, bool]] = field(default_factory=list)
    postal_codes: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class LoadResult:
    counts: dict[str, int]
    created: dict[str, int]


def read_manifest(data_dir: Path) -> dict[str, Any]:
    path = data_dir / MANIFEST
    if not path.is_file():
        raise RegionDataError(
            [
                f"Datei fehlt: {path}. Der Datenordner braucht eine manifest.json mit Quelle "
                "und Stichtag jeder Datei (Vorlage: data/manifest.json im Projekt)."
            ]
        )
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RegionDataError([f"{path}: nicht lesbar ({exc})."]) from exc


def _source_file(data_dir: Path, manifest: dict[str, Any], key: str) -> Path:
    entry = manifest.get(key) or {}
    name = entry.get("file")
    if not name:
        raise RegionDataError([f"{data_dir / MANIFEST}: Eintrag '{key}.file' fehlt."])
    path = data_dir / name
    if not path.is_file():
        raise RegionDataError(
            [
                f"Datei fehlt: {path} ({key}). Bezugsquelle: {entry.get('get_it', 'siehe SOURCES.md')}."
            ]
        )
    return path


def _in_germany(bounds: Iterable[float]) -> bool:
    minx, miny, maxx, maxy = bounds
    lon0, lat0, lon1, lat1 = GERMANY_BBOX
    return lon0 <= minx and maxx <= lon1 and lat0 <= miny and maxy <= lat1


def _area_km2(geometry: Any) -> float:
    return float(shapely.transform(geometry, _transform_xy).area / 1e6)


def _transform_xy(coords: Any) -> Any:
    import numpy as np

    x, y = _to_metric.transform(coords[:, 0], coords[:, 1])
    return np.column_stack([x, y])


def read_gemeinden(path: Path, land_ags: str) -> tuple[list[RegionRecord], list[str]]:
    """Parse and check every Gemeinde feature; returns records and problems (index and AGS named)."""
    try:
        collection = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return [], [f"{path}: keine lesbare GeoJSON-Datei ({exc})."]
    features = collection.get("features") if isinstance(collection, dict) else None
    if not isinstance(features, list) or not features:
        return [], [f"{path}: keine FeatureCollection mit Features."]
    records: list[RegionRecord] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for index, feature in enumerate(features):
        props = (feature or {}).get("properties") or {}
        ags = str(props.get("ags") or "").strip()
        where = f"{path.name}, Feature {index} (AGS {ags or '–'})"
        if not AGS_GEMEINDE.match(ags):
            problems.append(f"{where}: kein gültiger 8-stelliger Gemeindeschlüssel (AGS).")
            continue
        if not ags.startswith(land_ags):
            problems.append(f"{where}: AGS gehört nicht zum Land {land_ags}.")
            continue
        if ags in seen:
            problems.append(f"{where}: AGS doppelt, schon in Feature {seen[ags]}.")
            continue
        seen[ags] = index
        name = str(props.get("name") or "").strip()
        if not name:
            problems.append(f"{where}: Name fehlt.")
        try:
            geometry = shape(feature.get("geometry"))
        except Exception as exc:  # shapely raises several types for malformed input
            problems.append(f"{where}: Geometrie nicht lesbar ({exc}).")
            continue
        if geometry.is_empty or geometry.geom_type not in {"Polygon", "MultiPolygon"}:
            problems.append(f"{where}: Geometrie leer oder keine Fläche.")
            continue
        if not geometry.is_valid:
            problems.append(f"{where}: Geometrie ungültig ({explain_validity(geometry)}).")
            continue
        if not _in_germany(geometry.bounds):
            problems.append(f"{where}: Koordinaten außerhalb Deutschlands (WGS84 erwartet).")
            continue
        population = props.get("pop")
        if isinstance(population, bool) or not isinstance(population, int | float):
            problems.append(f"{where}: Einwohnerzahl 'pop' fehlt oder ist keine Zahl.")
            continue
        if population < 0:
            problems.append(f"{where}: Einwohnerzahl ist negativ ({population}).")
            continue
        area = props.get("area_km2")
        records.append(
            RegionRecord(
                ags=ags,
                name=name,
                level=Region.Level.GEMEINDE,
                kind="Gemeinde",
                parent=ags[:5],
                geometry=geometry,
                area_km2=float(area) if isinstance(area, int | float) else _area_km2(geometry),
                population=int(population),
            )
        )
    return records, problems


def read_foreign_residents(path: Path) -> tuple[list[dict[str, str]], list[str]]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        return [], [f"{path}: keine lesbare CSV-Datei ({exc})."]
    problems = []
    required = {"ags", "name", "reference_date", "foreign_residents"}
    if rows and not required <= set(rows[0]):
        missing = ", ".join(sorted(required - set(rows[0])))
        return [], [f"{path.name}: Spalten fehlen: {missing}."]
    seen: dict[tuple[str, str], int] = {}
    for line, row in enumerate(rows, start=2):
        where = f"{path.name}, Zeile {line} (AGS {row.get('ags') or '–'})"
        if not re.match(r"^\d{5}$", row.get("ags") or ""):
            problems.append(f"{where}: kein gültiger 5-stelliger Kreisschlüssel.")
        # A second row for the same Kreis and date would be summed twice into the Land.
        key = (row.get("ags") or "", row.get("reference_date") or "")
        if key in seen:
            problems.append(f"{where}: Kreis doppelt, schon in Zeile {seen[key]}.")
        seen.setdefault(key, line)
        try:
            date.fromisoformat(row.get("reference_date") or "")
        except ValueError:
            problems.append(f"{where}: Stichtag ist kein Datum JJJJ-MM-TT.")
        for column in FOREIGN_COLUMNS:
            value = row.get(column)
            if value in (None, ""):
                continue
            if not value.isdigit():
                problems.append(f"{where}, Spalte {column}: keine nicht-negative ganze Zahl.")
    return rows, problems


def kreis_name(source_name: str, kinds: dict[str, str]) -> tuple[str, str]:
    """'Bautzen, Landkreis' -> ('Landkreis Bautzen', 'Landkreis'); the GENESIS names carry the kind."""
    base, _, suffix = source_name.partition(",")
    suffix = suffix.strip()
    kind = kinds.get(suffix, "Landkreis" if base.endswith("kreis") else suffix or "Kreis")
    if suffix == "Landkreis":
        return f"Landkreis {base.strip()}", kind
    return base.strip(), kind


def plan_load(data_dir: Path) -> LoadPlan:
    """Read and check all files; raise RegionDataError listing every problem."""
    manifest = read_manifest(data_dir)
    land = manifest.get("land") or {}
    land_ags = str(land.get("ags") or "")
    if not land_ags:
        raise RegionDataError([f"{data_dir / MANIFEST}: Eintrag 'land.ags' fehlt."])
    gemeinden_path = _source_file(data_dir, manifest, "gemeinden")
    foreign_path = _source_file(data_dir, manifest, "foreign_residents")
    postal_path = _source_file(data_dir, manifest, "postal_codes")

    gemeinden, problems = read_gemeinden(gemeinden_path, land_ags)
    foreign_rows, foreign_problems = read_foreign_residents(foreign_path)
    problems += foreign_problems
    if problems:
        raise RegionDataError(problems)

    plan = LoadPlan(manifest=manifest)
    kreis_info = {row["ags"]: row for row in foreign_rows}
    by_kreis: dict[str, list[RegionRecord]] = defaultdict(list)
    for record in gemeinden:
        by_kreis[record.ags[:5]].append(record)
    for kreis_ags in sorted(kreis_info.keys() - by_kreis.keys()):
        problems.append(f"{foreign_path.name}: Kreis {kreis_ags} hat keine Gemeinde.")
    kinds = manifest.get("kreis_kinds") or {}
    kreise = []
    for kreis_ags, members in sorted(by_kreis.items()):
        info = kreis_info.get(kreis_ags)
        if info is None:
            problems.append(
                f"{foreign_path.name}: kein Eintrag für Kreis {kreis_ags} "
                f"(Gemeinde {members[0].ags} {members[0].name}); der Kreisname kommt aus dieser Datei."
            )
            continue
        name, kind = kreis_name(info["name"], kinds)
        kreise.append(
            RegionRecord(
                ags=kreis_ags,
                name=name,
                level=Region.Level.KREIS,
                kind=kind,
                parent=land_ags,
                geometry=shapely.union_all([m.geometry for m in members]),
                area_km2=sum(m.area_km2 for m in members),
                population=sum(m.population for m in members),
            )
        )
    if problems:
        raise RegionDataError(problems)
    land_record = RegionRecord(
        ags=land_ags,
        name=str(land.get("name") or land_ags),
        level=Region.Level.LAND,
        kind=str(land.get("kind") or "Land"),
        parent=None,
        geometry=shapely.union_all([k.geometry for k in kreise]),
        area_km2=sum(k.area_km2 for k in kreise),
        population=sum(k.population for k in kreise),
    )
    plan.regions = [land_record, *kreise, *gemeinden]

    population_source = manifest["gemeinden"]["source"]
    population_date = date.fromisoformat(manifest["gemeinden"]["population_reference_date"])
    for record in plan.regions:
        plan.indicators.append(
            (record.ags, "population", population_date, record.population, population_source)
        )
    plan.indicators += _foreign_indicators(foreign_rows, land_ags, manifest)
    if manifest.get("children"):  # optional: Kita demand per Kreis
        children, problems = read_children(
            _source_file(data_dir, manifest, "children"),
            {k.ags for k in kreise},
            land_ags,
            manifest["children"]["source"],
        )
        if problems:
            raise RegionDataError(problems)
        plan.indicators += children
    plan.postal_codes, problems = read_postal_codes(postal_path, {g.ags for g in gemeinden})
    if TARGET_GROUP_KEY in manifest:
        path = _source_file(data_dir, manifest, TARGET_GROUP_KEY)
        flagged, target_problems = read_target_group(path, {k.ags for k in kreise}, manifest)
        problems += target_problems
        plan.flagged_indicators += _with_land_sum(flagged, land_ags)
    if problems:
        raise RegionDataError(problems)
    return plan


#: Manifest key and indicator code of the target group of Flüchtlingssozialarbeit
#: (§ 12 Abs. 1 KomIntAVO: aufzunehmende Ausländer nach § 5 SächsFlüAG and Geduldete).
TARGET_GROUP_KEY = "fsa_target_group"
_YES_NO = {"yes": True, "ja": True, "true": True, "no": False, "nein": False, "false": False}


def read_target_group(
    path: Path, kreis_keys: set[str], manifest: dict[str, Any]
) -> tuple[list[tuple[str, str, date, float, str, bool]], list[str]]:
    """Read the per-Kreis target group of Flüchtlingssozialarbeit; each row says if it is demo.

    Columns: ags (a loaded Kreis), reference_date, fsa_target_group (whole number >= 0),
    is_demo (yes/no). A real figure replaces the shipped demo estimate by a file with is_demo=no.
    """
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        return [], [f"{path}: keine lesbare CSV-Datei ({exc})."]
    source = manifest[TARGET_GROUP_KEY].get("source") or path.name
    records, problems, seen = [], [], set()
    for line, row in enumerate(rows, start=2):
        ags = (row.get("ags") or "").strip()
        where = f"{path.name}, Zeile {line} (AGS {ags or '–'})"
        if ags not in kreis_keys:
            problems.append(f"{where}: kein geladener Kreis.")
            continue
        value = (row.get(TARGET_GROUP_KEY) or "").strip()
        flag = _YES_NO.get((row.get("is_demo") or "").strip().lower())
        try:
            when = date.fromisoformat(row.get("reference_date") or "")
        except ValueError:
            problems.append(f"{where}: Stichtag ist kein Datum JJJJ-MM-TT.")
            continue
        if not value.isdigit():
            problems.append(f"{where}, Spalte {TARGET_GROUP_KEY}: keine nicht-negative ganze Zahl.")
        elif flag is None:
            problems.append(f"{where}, Spalte is_demo: yes oder no erwartet.")
        elif (ags, when) in seen:
            problems.append(f"{where}: Kreis und Stichtag doppelt.")
        else:
            seen.add((ags, when))
            records.append((ags, TARGET_GROUP_KEY, when, float(value), source, flag))
    return records, problems


def _with_land_sum(
    rows: list[tuple[str, str, date, float, str, bool]], land_ags: str
) -> list[tuple[str, str, date, float, str, bool]]:
    """The Kreis rows plus their sum for the Land per date (demo if any part is demo)."""
    sums: dict[date, list[Any]] = {}
    for _ags, _code, when, value, source, is_demo in rows:
        total = sums.setdefault(when, [0.0, source, False])
        total[0] += value
        total[2] = total[2] or is_demo
    land = [
        (land_ags, TARGET_GROUP_KEY, when, total, f"{source}; Summe der Kreise", demo)
        for when, (total, source, demo) in sorted(sums.items())
    ]
    return rows + land


def _foreign_indicators(
    rows: list[dict[str, str]], land_ags: str, manifest: dict[str, Any]
) -> list[tuple[str, str, date, float, str]]:
    source = manifest["foreign_residents"]["source"]
    indicators = []
    land_sums: dict[tuple[str, date], float] = defaultdict(float)
    for row in rows:
        reference_date = date.fromisoformat(row["reference_date"])
        for column, code in FOREIGN_COLUMNS.items():
            if row.get(column) in (None, ""):
                continue
            value = float(row[column])
            indicators.append((row["ags"], code, reference_date, value, source))
            if code in SUMMED_TO_LAND:
                land_sums[(code, reference_date)] += value
    for (code, reference_date), value in sorted(land_sums.items()):
        indicators.append((land_ags, code, reference_date, value, f"{source}; Summe der Kreise"))
    return indicators


def read_postal_codes(
    path: Path, gemeinde_keys: set[str]
) -> tuple[list[dict[str, Any]], list[str]]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        return [], [f"{path}: keine lesbare CSV-Datei ({exc})."]
    records, problems, seen = [], [], set()
    for line, row in enumerate(rows, start=2):
        code = (row.get("plz") or "").strip()
        where = f"{path.name}, Zeile {line} (PLZ {code or '–'})"
        if not PLZ.match(code):
            problems.append(f"{where}: keine 5-stellige Postleitzahl.")
            continue
        if code in seen:
            problems.append(f"{where}: Postleitzahl doppelt.")
            continue
        seen.add(code)
        try:
            lon, lat = float(row["lon"]), float(row["lat"])
        except (KeyError, TypeError, ValueError):
            problems.append(f"{where}: Koordinate lat/lon fehlt oder ist keine Zahl.")
            continue
        if not _in_germany((lon, lat, lon, lat)):
            problems.append(f"{where}: Koordinate außerhalb Deutschlands.")
            continue
        all_keys = [k for k in (row.get("ags_all") or row.get("ags") or "").split("|") if k]
        unknown = [k for k in [row.get("ags", ""), *all_keys] if k not in gemeinde_keys]
        if unknown:
            problems.append(f"{where}: unbekannter Gemeindeschlüssel {', '.join(unknown)}.")
            continue
        records.append(
            {
                "code": code,
                "lon": lon,
                "lat": lat,
                "gemeinde": row["ags"],
                "gemeinden": all_keys,
                "place_names": (row.get("names_all") or row.get("name") or "").replace("|", ", "),
            }
        )
    return records, problems


def _write_regions(plan: LoadPlan) -> tuple[int, int]:
    before = set(Region.objects.values_list("ags", flat=True))
    gemeinden_source = plan.manifest["gemeinden"]["source"]
    regions = [
        Region(
            ags=r.ags,
            name=r.name,
            level=r.level,
            kind=r.kind,
            parent_id=r.parent,
            boundary=mapping(shapely.set_precision(r.geometry, 1e-5)),
            area_km2=round(r.area_km2, 2),
            point_lon=round(r.geometry.representative_point().x, 5),
            point_lat=round(r.geometry.representative_point().y, 5),
            source=gemeinden_source,
        )
        for r in plan.regions
    ]
    Region.objects.bulk_create(
        regions,
        update_conflicts=True,
        unique_fields=["ags"],
        update_fields=[
            "name",
            "level",
            "kind",
            "parent",
            "boundary",
            "area_km2",
            "point_lon",
            "point_lat",
            "source",
            "updated_at",
        ],
        batch_size=100,
    )
    return len(regions), len({r.ags for r in regions} - before)


def _write_indicators(plan: LoadPlan) -> tuple[int, int]:
    existing = IndicatorValue.objects.count()
    IndicatorValue.objects.bulk_create(
        [
            IndicatorValue(region_id=a, code=c, reference_date=d, value=v, source=s)
            for a, c, d, v, s in plan.indicators
        ],
        update_conflicts=True,
        unique_fields=["region", "code", "reference_date", "projection_variant"],
        update_fields=["value", "source"],
        batch_size=500,
    )
    IndicatorValue.objects.bulk_create(
        [
            IndicatorValue(region_id=a, code=c, reference_date=d, value=v, source=s, is_demo=m)
            for a, c, d, v, s, m in plan.flagged_indicators
        ],
        update_conflicts=True,
        unique_fields=["region", "code", "reference_date", "projection_variant"],
        update_fields=["value", "source", "is_demo"],
        batch_size=500,
    )
    total = len(plan.indicators) + len(plan.flagged_indicators)
    return total, IndicatorValue.objects.count() - existing


def _write_postal_codes(plan: LoadPlan) -> tuple[int, int]:
    postal_source = plan.manifest["postal_codes"]["source"]
    before_codes = PostalCode.objects.count()
    PostalCode.objects.bulk_create(
        [
            PostalCode(
                code=p["code"],
                lon=p["lon"],
                lat=p["lat"],
                gemeinde_id=p["gemeinde"],
                place_names=p["place_names"],
                source=postal_source,
            )
            for p in plan.postal_codes
        ],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["lon", "lat", "gemeinde", "place_names", "source"],
    )
    through = PostalCode.gemeinden.through
    wanted = {(p["code"], a) for p in plan.postal_codes for a in p["gemeinden"]}
    present = set(through.objects.values_list("postalcode_id", "region_id"))
    through.objects.bulk_create(
        [through(postalcode_id=c, region_id=a) for c, a in sorted(wanted - present)]
    )
    for code, ags in present - wanted:
        through.objects.filter(postalcode_id=code, region_id=ags).delete()
    return len(plan.postal_codes), PostalCode.objects.count() - before_codes


@transaction.atomic
def write_plan(plan: LoadPlan, progress: Callable[[str], None] = lambda step: None) -> LoadResult:
    """Upsert regions, indicator figures and postal codes of a checked plan, in one transaction."""
    counts: dict[str, int] = {}
    created: dict[str, int] = {}
    for name, label, write in (
        ("regions", "Regionen", _write_regions),
        ("indicators", "Kennzahlen", _write_indicators),
        ("postal_codes", "Postleitzahlen", _write_postal_codes),
    ):
        progress(label)
        counts[name], created[name] = write(plan)
    # Both reach only this process; web processes notice the regions' new `updated_at`
    # (version.py) and build their maps anew.
    cache.clear()
    version.forget()
    return LoadResult(counts=counts, created=created)


def load_regions(data_dir: Path, progress: Callable[[str], None] = lambda step: None) -> LoadResult:
    """Check every file under `data_dir`, then write all of it in one transaction."""
    progress("Dateien prüfen")
    plan = plan_load(Path(data_dir))
    return write_plan(plan, progress)
