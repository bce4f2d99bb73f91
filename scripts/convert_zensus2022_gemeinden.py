"""Convert Saxony's Zensus 2022 rows of the GERDA package into data/sachsen-zensus2022-gemeinden.csv.

Run once by a developer, not at run time: it needs `pyreadr` and `pandas` (not project
dependencies; use a throwaway virtual environment) and a copy of `R/sysdata.rda` from the
public repository hhilbig/gerda. Usage:

    python scripts/convert_zensus2022_gemeinden.py SYSDATA.rda data/sachsen-gemeinden.geojson OUT.csv

Writes the long form that `integrationsatlas indicators import` reads. Foreign nationals are
derived (population x share, rounded); Gemeinden merged since 2022 are summed into today's
Gemeinde (shares weighted by population); a missing share stays unknown (".").
"""

import csv
import json
import sys

import pyreadr

COMMIT = "8124aa7db4e74ed2c5bf67e1a2bdcdc078969ada"
DATE = "2022-05-15"
LICENCE = "dl-de/by-2-0"
SOURCE = (
    "Zensus 2022, © Statistische Ämter des Bundes und der Länder, dl-de/by-2-0, Stichtag "
    f"15.05.2022; Kopie: GERDA (github.com/hhilbig/gerda, R/sysdata.rda, census_2022_internal, "
    f"Commit {COMMIT[:7]})"
)
DERIVED = "; abgeleitet: Einwohner × Ausländeranteil (auf 0,1 % gerundet), gerundet"
#: Gemeinden of 2022 that are part of a Gemeinde of today: Ostrau and Zschaitz-Ottewig
#: formed Jahnatal in 2023.
MERGED = {"14522450": "14522275", "14522620": "14522275"}
SHARES = {
    "share_foreign": "share_foreign_census22",
    "share_migration_background": "share_migration_bg_census22",
    "share_under_18": "share_under18_census22",
}


def main(rda: str, geojson: str, out: str) -> None:
    frame = pyreadr.read_r(rda)["census_2022_internal"]
    saxony = frame[frame["ags"].str.startswith("14")]
    with open(geojson, encoding="utf-8") as handle:
        today = {
            f["properties"]["ags"]: f["properties"]["name"] for f in json.load(handle)["features"]
        }
    groups: dict[str, list] = {}
    for row in saxony.itertuples(index=False):
        groups.setdefault(MERGED.get(row.ags, row.ags), []).append(row)
    unknown = sorted(set(groups) - set(today))
    if unknown:
        raise SystemExit(f"Schlüssel ohne heutige Gemeinde: {unknown}")
    with open(out, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(
            ["region", "region_name", "indicator", "reference_date", "value", "source", "licence"]
        )
        for ags in sorted(groups):
            for code, value, source in _figures(groups[ags]):
                writer.writerow([ags, today[ags], code, DATE, value, source, LICENCE])


def _figures(rows: list) -> list[tuple[str, str, str]]:
    merged = len(rows) > 1
    note = ""
    if merged:
        note = "; zusammengefasst aus " + ", ".join(
            f"{r.municipality_name} ({r.ags})" for r in rows
        )
    population = sum(r.population_census22 for r in rows)
    out = [("population", str(round(population)), SOURCE + note)]
    shares = {}
    for code, column in SHARES.items():
        values = [getattr(r, column) for r in rows]
        if any(v != v for v in values):  # NaN: not published
            shares[code] = None
            out.append((code, ".", SOURCE + note))
            continue
        share = (
            sum(v * r.population_census22 for v, r in zip(values, rows, strict=True)) / population
        )
        shares[code] = share
        weighted = "; nach Einwohnern gewichtet" if merged else ""
        out.append(
            (code, f"{share:.1f}" if not merged else f"{share:.2f}", SOURCE + note + weighted)
        )
    foreign = shares["share_foreign"]
    count = "." if foreign is None else str(round(population * foreign / 100))
    out.insert(1, ("foreign_population", count, SOURCE + note + DERIVED))
    return out


if __name__ == "__main__":
    main(*sys.argv[1:4])
